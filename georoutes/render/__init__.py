"""Maps, figures and the report of an analysis: they format what :func:`georoutes.analyze` returns.

- :func:`route_map` — a folium (Leaflet) web map; :func:`map_html` / :func:`write_map` its page.
- :func:`route_figure` — the same content as a matplotlib figure; :func:`png_bytes` /
  :func:`write_png`.
- :func:`build_report` — one HTML page: the map, a sortable table, a km-by-state chart, the
  crossings and the method; :func:`write_report`.

All three take the analysis and its routes, and draw the boundary layer, focus states and bands
the analysis was measured with. What else to draw (pieces by state, crossings, places) is a
:class:`RenderOptions`, or the same names as keywords.

Examples
--------
>>> import georoutes
>>> from georoutes.render import route_map
>>> routes = georoutes.read_routes("routes.geojson")  # doctest: +SKIP
>>> analysis = georoutes.analyze(routes, boundaries="ne", focus=["CHN"])  # doctest: +SKIP
>>> route_map(analysis, routes, transits=georoutes.transits(routes))  # doctest: +SKIP
"""

from __future__ import annotations

from georoutes.render._assets import ASSET_MODES
from georoutes.render._html import (
    KIND_COLOURS,
    OFFSHORE_COLOUR,
    STATE_COLOURS,
    state_colour,
    state_colours,
    templates,
)
from georoutes.render._scene import DISPLAY_TOLERANCE_M, RenderInputs, RenderOptions
from georoutes.render.figures import png_bytes, route_figure, write_png
from georoutes.render.maps import map_html, route_map, write_atomic, write_map
from georoutes.render.report import (
    SOURCE_COLUMNS,
    Source,
    build_report,
    scenario_sections,
    sensitivity_sections,
    write_report,
)

__all__ = [
    "ASSET_MODES",
    "DISPLAY_TOLERANCE_M",
    "KIND_COLOURS",
    "OFFSHORE_COLOUR",
    "SOURCE_COLUMNS",
    "STATE_COLOURS",
    "RenderInputs",
    "RenderOptions",
    "Source",
    "build_report",
    "map_html",
    "png_bytes",
    "route_figure",
    "route_map",
    "scenario_sections",
    "sensitivity_sections",
    "state_colour",
    "state_colours",
    "templates",
    "write_atomic",
    "write_map",
    "write_png",
    "write_report",
]
