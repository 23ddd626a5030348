r"""Web maps (folium/Leaflet) and static figures (matplotlib) of analysed routes.

Rendering never computes: every figure shown comes from :func:`georoutes.analyze` (and
:func:`georoutes.transits` / :func:`georoutes.crossings`); this module only lays it out. The one
thing done to geometry here is for display: longitudes are unwrapped so a line across ±180° draws
as one continuous line, and country polygons are clipped to the view and simplified (for display
only; the analysis always runs on the full-precision layer).

Names and properties come from users' files, so they are treated as text, never markup: every
string reaches the page through a jinja2 template with autoescaping on, and the few characters
that would still mean something inside folium's JavaScript template literals (a backtick, ``$``,
``\\``) are written as HTML character references.
"""

from __future__ import annotations

import io
import math
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import folium
import folium.folium
import jinja2
import numpy as np
import pandas as pd
import shapely
from branca.element import MacroElement
from folium.plugins import MeasureControl
from folium.template import Template
from folium.utilities import JsCode
from markupsafe import Markup

from georoutes._io import write_bytes_atomic
from georoutes.errors import GeorouteError, UnknownStateError, unknown_code_message

if TYPE_CHECKING:
    import geopandas as gpd
    from matplotlib.figure import Figure

__all__ = [
    "DISPLAY_TOLERANCE_M",
    "KIND_COLOURS",
    "OFFSHORE_COLOUR",
    "map_html",
    "png_bytes",
    "route_figure",
    "route_map",
    "state_colours",
    "write_map",
    "write_png",
]

#: Line colour of each route kind (ColorBrewer Dark2); other kinds get the next free colour.
KIND_COLOURS: dict[str, str] = {
    "pipeline": "#d95f02",
    "rail": "#1b9e77",
    "railway": "#1b9e77",
    "shipping": "#1f78b4",
    "sea": "#6baed6",
    "road": "#7570b3",
}
_MORE_KIND_COLOURS = ("#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666")
#: Colour of route pieces that lie in no state's territory.
OFFSHORE_COLOUR = "#9e9e9e"
_FOCUS_COLOUR = "#c0392b"
_PLACE_COLOUR = "#6a3d9a"
_LAND_COLOUR = "#f7f7f4"
_SEA_COLOUR = "#dfe9f2"
_DASH = "8 6"
#: Routes are drawn densified so that the drawn line stays within this many metres of the
#: geodesic (the analysis itself uses georoutes.geodesy's much tighter default).
DISPLAY_TOLERANCE_M = 100.0

# folium's page links two stylesheets that are on no package registry and that these maps never
# use: Bootstrap 3.0.0's glyphicons (we give every icon the Font Awesome prefix) and the icon
# rotation CSS, which folium takes from the *unpinned* head of its GitHub repository. Leaving them
# out keeps every asset of the page pinned and fetchable from npm (see tests/_assets.py).
_UNUSED_CSS = frozenset({"glyphicons_css", "awesome_rotate_css"})

_TEMPLATES = Path(__file__).resolve().parent / "templates"


# --------------------------------------------------------------------------------------------
# Text: templates, number formats, escaping


def _is_missing(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def _fmt_km(value: object) -> str:
    if _is_missing(value):
        return "—"
    return f"{float(value):,.1f}"  # type: ignore[arg-type]


def _fmt_deg(value: object) -> str:
    if _is_missing(value):
        return "—"
    return f"{float(value):.4f}"  # type: ignore[arg-type]


def _fmt_share(km: object, total_km: object) -> str:
    if _is_missing(km) or _is_missing(total_km) or not float(total_km):  # type: ignore[arg-type]
        return "—"
    return f"{100.0 * float(km) / float(total_km):.1f} %"  # type: ignore[arg-type]


def _dash(value: object, default: str = "—") -> object:
    return default if _is_missing(value) else value


@cache
def templates() -> jinja2.Environment:
    """Return the jinja2 environment of georoutes' HTML templates (autoescaping on)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(_TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters.update(km=_fmt_km, deg=_fmt_deg, share=_fmt_share, dash=_dash)
    return env


def _render(name: str, **context: Any) -> Markup:
    return Markup(templates().get_template(name).render(**context).strip())


_FOLIUM_UNSAFE: dict[int, str] = {ord(c): f"&#{ord(c)};" for c in "\\`${}"}


def _js_literal_safe(markup: Markup) -> str:
    r"""Return HTML that folium can carry as-is: no character of it means anything to folium.

    folium puts popup and tooltip HTML inside JavaScript template literals (`...`), where a
    backtick ends the string, ``${...}`` runs code and ``\\x3c`` becomes ``<``; and branca then
    parses every rendered element *again as a jinja2 template*, so ``{{ ... }}`` in a name would
    run Python (folium 0.20, branca 0.8). Our templates contain none of these characters, so any
    here came from data: they are written as character references, which the browser shows as
    the characters themselves.
    """
    return str(markup).translate(_FOLIUM_UNSAFE)


def _layer_name(text: str) -> str:
    # Leaflet's layer control shows a layer's name as HTML (innerHTML): pass it as escaped text.
    return _js_literal_safe(Markup.escape(text))


_PLAIN = str.maketrans("{}%#", "()  ")


def _plain_property(text: object) -> str:
    # Strings in GeoJSON properties go through branca's second template pass too.
    return str(text).translate(_PLAIN)


# --------------------------------------------------------------------------------------------
# Colours


def _kind_colours(kinds: Iterable[object]) -> dict[str, str]:
    out: dict[str, str] = {}
    spare = iter(_MORE_KIND_COLOURS * 10)
    for kind in kinds:
        key = _kind_key(kind)
        if key not in out:
            out[key] = KIND_COLOURS.get(key.lower()) or next(spare, "#666666")
    return out


def _kind_key(kind: object) -> str:
    return "other" if _is_missing(kind) else str(kind)


def state_colours(analysis: pd.DataFrame) -> dict[str, str]:
    """Return a colour (``#rrggbb``) for every state in ``analysis["km_by_state"]``.

    States are ordered by their total km over all routes, longest first, and take the colours
    of matplotlib's ``tab20`` (its strong hues, then its light ones, then ``tab20b``) in that
    order, so that a map, its static figure and the report's chart agree. Offshore pieces are
    drawn in :data:`OFFSHORE_COLOUR`.
    """
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    totals: dict[str, float] = {}
    for km_by_state in analysis["km_by_state"]:
        for code, km in (km_by_state or {}).items():
            totals[str(code)] = totals.get(str(code), 0.0) + float(km)
    tab20 = [to_hex(c) for c in colormaps["tab20"].colors]  # type: ignore[attr-defined]
    tab20b = [to_hex(c) for c in colormaps["tab20b"].colors]  # type: ignore[attr-defined]
    # strong hues first (neighbours in a bar differ), then their light twins; greys = offshore
    palette = [c for c in tab20[0::2] + tab20[1::2] + tab20b if c not in {"#7f7f7f", "#c7c7c7"}]
    ordered = sorted(totals, key=lambda code: (-totals[code], code))
    return {code: palette[i % len(palette)] for i, code in enumerate(ordered)}


# --------------------------------------------------------------------------------------------
# Geometry for display: unwrapped longitudes, a view window, clipped and simplified polygons


def _line_parts(geom: object) -> list[np.ndarray]:
    """Return the coordinate arrays (n x 2, lon/lat) of a (Multi)LineString's parts."""
    if geom is None or shapely.is_empty(geom):
        return []
    parts = shapely.get_parts(geom)
    out = []
    for part in parts:
        if part.geom_type == "LineString":
            out.append(shapely.get_coordinates(part))
        elif part.geom_type in ("MultiLineString", "GeometryCollection"):
            out.extend(_line_parts(part))
    return [c for c in out if len(c) >= 2]


def _display_parts(geom: object, center_lon: float, *, densify: bool) -> list[np.ndarray]:
    """Return a line's parts as (lon, lat) arrays ready to draw.

    The parts are densified along their geodesics (``densify``; Leaflet draws straight Web
    Mercator segments), their longitudes made continuous across ±180° and shifted by 360°
    multiples next to ``center_lon``.
    """
    from georoutes.geodesy import densify_parts, unwrap_lon

    coords = _line_parts(geom)
    if densify:
        dense = densify_parts([c[:, 0] for c in coords], [c[:, 1] for c in coords],
                              tolerance_m=DISPLAY_TOLERANCE_M)  # fmt: skip
        parts = [np.column_stack([d.lon, d.lat]) for d in dense if d.lon.size >= 2]
    else:
        parts = [np.column_stack([unwrap_lon(c[:, 0]), c[:, 1]]) for c in coords]
    out = []
    for part in parts:
        middle = 0.5 * (part[:, 0].min() + part[:, 0].max())
        out.append(part + np.array([360.0 * round((center_lon - middle) / 360.0), 0.0]))
    return _keep_together(out)


def _shift_lon(lon: float, center_lon: float) -> float:
    return float(lon + 360.0 * round((center_lon - lon) / 360.0))


def _center_lon(geoms: Iterable[object]) -> float:
    # Circular mean: the middle of a set of longitudes that may straddle ±180°.
    lons = [np.deg2rad(c[:, 0]) for g in geoms for c in _line_parts(g)]
    if not lons:
        return 0.0
    all_lon = np.concatenate(lons)
    return float(np.rad2deg(np.angle(np.mean(np.exp(1j * all_lon)))))


@dataclass(frozen=True)
class _Window:
    """The area a map shows, in unwrapped display longitudes (may pass ±180°)."""

    west: float
    south: float
    east: float
    north: float

    @property
    def tolerance_deg(self) -> float:
        """Display simplification tolerance: about 1/1500 of the window's larger side."""
        return max(0.005, max(self.east - self.west, self.north - self.south) / 1500.0)

    def clip(self, geoms: Sequence[object]) -> list[tuple[int, object]]:
        """Return ``(index, part in the window)`` for each geometry that shows, simplified.

        Geometries are stored in [-180, 180]; the window may extend past ±180°, so each geometry
        is also tried shifted by ±360° (e.g. Chukotka next to Kamchatka).
        """
        arr = np.asarray(list(geoms), dtype=object)
        tolerance = self.tolerance_deg
        pieces: dict[int, list[object]] = {}
        for shift in (-360.0, 0.0, 360.0):
            west, east = self.west - shift, self.east - shift
            if east < -180.0 or west > 180.0:
                continue
            clipped = shapely.clip_by_rect(arr, west, self.south, east, self.north)
            for k in np.flatnonzero(~shapely.is_empty(clipped)):
                geom = clipped[k]
                if shift:
                    geom = shapely.transform(geom, lambda xy, s=shift: xy + np.array([s, 0.0]))
                pieces.setdefault(int(k), []).append(geom)
        decimals = int(min(5, max(2, math.ceil(-math.log10(tolerance / 4.0)))))
        out: list[tuple[int, object]] = []
        for i, parts in sorted(pieces.items()):
            # the shifted copies do not overlap: no union needed, just one multi-geometry
            geom = _drop_small_holes(_multi(parts), tolerance**2)
            geom = shapely.simplify(geom, tolerance, preserve_topology=True)
            polygons = shapely.get_parts(geom)
            big = polygons[shapely.area(polygons) >= tolerance**2]  # sub-pixel islands go
            if len(big):
                # rounded, the coordinates print short; for display only
                rounded = shapely.transform(shapely.multipolygons(big),
                                            lambda xy, d=decimals: np.round(xy, d))  # fmt: skip
                out.append((i, rounded))
        return out


def _drop_small_holes(geom: object, min_area: float) -> object:
    """Return the polygons without holes smaller than ``min_area`` (sub-pixel lakes, for display).

    OpenStreetMap land polygons carry thousands of tiny holes; simplification that preserves
    topology keeps every one of them.
    """
    polygons = shapely.get_parts(geom)
    kept = []
    for poly in polygons:
        holes = [r for r in poly.interiors if shapely.area(shapely.Polygon(r)) >= min_area]
        kept.append(shapely.Polygon(poly.exterior, holes))
    return shapely.multipolygons(kept)


def _multi(geoms: Sequence[object]) -> object:
    polygons = [p for g in geoms for p in shapely.get_parts(g) if p.geom_type == "Polygon"]
    return shapely.multipolygons(polygons)


def _window(display_parts: Sequence[np.ndarray], *, pad_fraction: float = 0.25) -> _Window:
    if not display_parts:
        return _Window(-180.0, -60.0, 180.0, 80.0)
    xy = np.concatenate(display_parts)
    west, south = xy.min(axis=0)
    east, north = xy.max(axis=0)
    pad = max(3.0, pad_fraction * max(east - west, north - south))
    return _Window(
        float(west - pad), float(max(-85.0, south - pad)),
        float(east + pad), float(min(85.0, north + pad)),
    )  # fmt: skip


def _geojson(features: Iterable[tuple[dict[str, Any], object]]) -> dict[str, Any]:
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": props, "geometry": shapely.geometry.mapping(geom)}
            for props, geom in features
        ],
    }


# --------------------------------------------------------------------------------------------
# The scene: what both the web map and the static figure draw


@dataclass(frozen=True)
class _Route:
    index: int
    id: str
    name: str
    kind: str
    colour: str
    operating: bool
    parts: list[np.ndarray]  # display lon/lat
    row: dict[str, Any]  # template context


@dataclass(frozen=True)
class _Scene:
    center_lon: float
    window: _Window
    bounds: tuple[float, float, float, float]  # west, south, east, north of the routes
    routes: list[_Route]
    kind_colours: dict[str, str]
    state_colours: dict[str, str]
    state_names: dict[str, str]
    boundaries: list[tuple[str, object]]  # code, display polygon
    focus: list[tuple[str, str, object]]  # code, name, display polygon
    bands: list[tuple[str, float, object]]  # focus code, km, display polygon
    pieces: list[dict[str, Any]]
    crossings: list[dict[str, Any]]
    places: list[dict[str, Any]]


def _as_list(value: object) -> list[Any]:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return []
    return list(value)  # type: ignore[call-overload]


def _route_context(
    route_id: object, row: Mapping[str, Any], status: object, state_order: Sequence[str]
) -> dict[str, Any]:
    km_by_state = dict(row.get("km_by_state") or {})
    states = [str(s) for s in _as_list(row.get("states"))]
    order = {code: i for i, code in enumerate([*states, *state_order])}
    exposure = []
    for code, e in (row.get("exposure") or {}).items():
        within = sorted((e.get("within_km") or {}).items(), key=lambda kv: float(kv[0]))
        exposure.append({
            "code": code,
            "inside_km": e.get("inside_km"),
            "within_km": [(_band_label(band), km) for band, km in within],
            "min_distance_km": e.get("min_distance_km"),
        })  # fmt: skip
    return {
        "id": str(route_id),
        "name": str(_dash(row.get("name"), str(route_id))),
        "kind": None if _is_missing(row.get("kind")) else str(row.get("kind")),
        "status": None if _is_missing(status) else str(status),
        "length_km": row.get("length_km"),
        "states": states,
        "transit_states": [str(s) for s in _as_list(row.get("transit_states"))],
        "offshore_km": row.get("offshore_km"),
        "km_by_state": sorted(
            ((str(c), km) for c, km in km_by_state.items()),
            key=lambda ck: (order.get(ck[0], len(order)), -float(ck[1])),
        ),
        "exposure": exposure,
        "crossings": _as_list(row.get("crossings")),
        "slivers": _as_list(row.get("slivers")),
    }


def _band_label(band: object) -> str:
    value = float(band)  # type: ignore[arg-type]
    return f"{value:g}"


def _load_boundaries(boundaries: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame:
    if boundaries is not None:
        return boundaries
    from georoutes import load_boundaries

    return load_boundaries()


def _band_polygons(
    boundaries: gpd.GeoDataFrame, code: str, bands_km: Sequence[float]
) -> list[tuple[float, object]]:
    """Return ``(km, polygon)`` for each band around ``code``, from georoutes.exposure."""
    if not bands_km:
        return []
    from georoutes.exposure import band_polygons

    polygons = band_polygons(boundaries, code, tuple(bands_km))
    return [(float(km), geom) for km, geom in polygons.items()]


def _scene(
    analysis: pd.DataFrame,
    routes: gpd.GeoDataFrame,
    *,
    transits: gpd.GeoDataFrame | None,
    crossings: gpd.GeoDataFrame | None,
    boundaries: gpd.GeoDataFrame | None,
    places: gpd.GeoDataFrame | None,
    focus: Sequence[str] | str | None,
    bands_km: Sequence[float] | float | None,
) -> _Scene:
    layer = _load_boundaries(boundaries)
    codes = [str(c) for c in layer["code"]]
    state_names = {
        str(c): str(n) for c, n in zip(layer["code"], layer.get("name", layer["code"]), strict=True)
    }
    focus_codes = _focus_codes(focus, analysis, codes)
    bands = _bands(bands_km, analysis)

    by_id = routes.set_index(routes["id"].astype(str)) if "id" in routes.columns else routes
    kind_colours = _kind_colours(analysis["kind"] if "kind" in analysis.columns else [])
    colours = state_colours(analysis)
    geoms = []
    for route_id in analysis.index:
        if str(route_id) not in by_id.index:
            raise GeorouteError(
                f"route {route_id!r} is in the analysis but not in the routes layer "
                "(pass the same routes to analyze() and to the map)"
            )
        geoms.append(by_id.geometry.loc[str(route_id)])
    center = _center_lon(geoms)

    scene_routes = []
    for i, (route_id, geom) in enumerate(zip(analysis.index, geoms, strict=True)):
        row = analysis.loc[route_id]
        status = by_id["status"].loc[str(route_id)] if "status" in by_id.columns else None
        parts = _display_parts(geom, center, densify=True)
        ctx = _route_context(route_id, row, status, list(colours))
        scene_routes.append(_Route(
            index=i, id=str(route_id), name=ctx["name"], kind=_kind_key(ctx["kind"]),
            colour=kind_colours[_kind_key(ctx["kind"])],
            operating=str(status).strip().lower() == "operating", parts=parts, row=ctx,
        ))  # fmt: skip

    all_parts = [p for r in scene_routes for p in r.parts]
    window = _window(all_parts)
    if all_parts:
        xy = np.concatenate(all_parts)
        bounds = (*map(float, xy.min(axis=0)), *map(float, xy.max(axis=0)))
    else:
        bounds = (window.west, window.south, window.east, window.north)

    clipped = window.clip(layer.geometry.values)
    boundary_shapes = [(codes[i], g) for i, g in clipped]
    focus_shapes = [
        (code, state_names.get(code, ""), g) for code in focus_codes
        for c, g in boundary_shapes if c == code
    ]  # fmt: skip
    band_shapes = _pair_bands(layer, focus_codes, bands, window)

    names = {r.id: r.name for r in scene_routes}
    return _Scene(
        center_lon=center, window=window, bounds=bounds, routes=scene_routes,  # type: ignore[arg-type]
        kind_colours=kind_colours, state_colours=colours, state_names=state_names,
        boundaries=boundary_shapes, focus=focus_shapes, bands=band_shapes,
        pieces=_pieces(transits, names, center),
        crossings=_crossings(crossings, analysis, names, state_names, center),
        places=_places(places, center),
    )  # fmt: skip


def _pair_bands(
    layer: gpd.GeoDataFrame, focus_codes: Sequence[str], bands: Sequence[float], window: _Window
) -> list[tuple[str, float, object]]:
    out: list[tuple[str, float, object]] = []
    for code in focus_codes:
        ring = _band_polygons(layer, code, bands)
        shown = dict(window.clip([g for _, g in ring]))
        out.extend((code, km, shown[i]) for i, (km, _) in enumerate(ring) if i in shown)
    return out


def _keep_together(parts: list[np.ndarray]) -> list[np.ndarray]:
    # Parts of one line (e.g. split at ±180°) stay side by side: each next to the previous one.
    if len(parts) < 2:
        return parts
    out = [parts[0]]
    for part in parts[1:]:
        shift = 360.0 * round((out[-1][-1, 0] - part[0, 0]) / 360.0)
        out.append(part + np.array([shift, 0.0]))
    return out


def _focus_codes(
    focus: Sequence[str] | str | None, analysis: pd.DataFrame, codes: Sequence[str]
) -> list[str]:
    if focus is None:
        focus = analysis.attrs.get("focus", ())
    if isinstance(focus, str):
        focus = [focus]
    out = []
    for code in focus or ():
        if str(code) not in codes:
            raise UnknownStateError(unknown_code_message(code, codes, what="focus state"))
        out.append(str(code))
    return out


def _bands(bands_km: Sequence[float] | float | None, analysis: pd.DataFrame) -> list[float]:
    if bands_km is None:
        bands_km = analysis.attrs.get("bands_km", ())
    if isinstance(bands_km, int | float):
        bands_km = [bands_km]
    out = []
    for band in bands_km or ():
        value = float(band)
        if not value > 0 or math.isinf(value):
            raise GeorouteError(f"distance band {band!r}: must be a positive number of km")
        out.append(value)
    return sorted(set(out))


def _pieces(
    transits: gpd.GeoDataFrame | None, names: Mapping[str, str], center: float
) -> list[dict[str, Any]]:
    if transits is None:
        return []
    out = []
    for row in transits.itertuples(index=False):
        route_id = str(row.route_id)
        if route_id not in names:
            continue
        state = None if _is_missing(row.state) else str(row.state)
        # Pieces come densified to metres, and as many parts whose ends differ by float noise:
        # join the parts and thin the vertices to the display tolerance (drawing only).
        geom = shapely.line_merge(shapely.set_precision(row.geometry, 1e-7))
        geom = shapely.simplify(geom, DISPLAY_TOLERANCE_M / 111_320.0)
        parts = _display_parts(geom, center, densify=False)
        out.append({
            "route_id": route_id, "route_name": names[route_id], "state": state,
            "from_km": row.from_km, "to_km": row.to_km, "length_km": row.length_km,
            "parts": parts,
        })  # fmt: skip
    return out


def _crossings(
    crossings: gpd.GeoDataFrame | None,
    analysis: pd.DataFrame,
    names: Mapping[str, str],
    state_names: Mapping[str, str],
    center: float,
) -> list[dict[str, Any]]:
    if crossings is not None:
        records = [
            {"route_id": str(r["route_id"]), **{k: r.get(k) for k in ("from", "to", "via", "km")},
             "lon": float(r["lon"]), "lat": float(r["lat"])}
            for r in crossings.drop(columns="geometry", errors="ignore").to_dict("records")
        ]  # fmt: skip
    else:
        records = [
            {"route_id": str(route_id), **dict(c)}
            for route_id, cs in zip(analysis.index, analysis["crossings"], strict=True)
            for c in _as_list(cs)
        ]
    out = []
    for c in records:
        if c["route_id"] not in names or _is_missing(c.get("lon")) or _is_missing(c.get("lat")):
            continue
        out.append({
            **c, "route_name": names[c["route_id"]],
            "from_name": state_names.get(str(c.get("from")), ""),
            "to_name": state_names.get(str(c.get("to")), ""),
            "display_lon": _shift_lon(float(c["lon"]), center),
        })  # fmt: skip
    return out


def _places(places: gpd.GeoDataFrame | None, center: float) -> list[dict[str, Any]]:
    if places is None or len(places) == 0:
        return []
    out = []
    columns = [c for c in places.columns if c != places.geometry.name]
    for _, row in places.iterrows():
        geom = row[places.geometry.name]
        if geom is None or shapely.is_empty(geom):
            continue
        point = shapely.get_coordinates(geom)[0]
        props = [(str(c), row[c]) for c in columns if not _is_missing(row[c]) and c != "name"]
        out.append({
            "name": row.get("name"), "properties": [(k, str(v)) for k, v in props],
            "lon": _shift_lon(float(point[0]), center), "lat": float(point[1]),
        })  # fmt: skip
    return out


# --------------------------------------------------------------------------------------------
# The web map


def _layer_attribution(layer: gpd.GeoDataFrame) -> str:
    """Return the HTML attribution a shipped boundary layer requires (ODbL for OSM), or ""."""
    from georoutes._layers import LAYERS

    key = str(layer.attrs.get("key", ""))
    return str(LAYERS[key].get("attribution_html", "")) if key in LAYERS else ""


class _Attribution(MacroElement):
    """Adds the boundary layer's required attribution (a constant of ours, not user text)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.text|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "GeoroutesAttribution"
        self.text = text


class _Legend(MacroElement):
    """A legend as a Leaflet control; its markup is pre-rendered (escaped) by our templates."""

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>
          .georoutes-legend { background: rgba(255,255,255,0.92); padding: 6px 9px;
            font: 12px/1.5 system-ui, sans-serif; border-radius: 4px;
            box-shadow: 0 1px 4px rgba(0,0,0,0.3); max-width: 260px; }
          .georoutes-legend svg { vertical-align: middle; }
          .georoutes-legend-title { font-weight: 600; margin-bottom: 2px; }
          .georoutes-popup h4 { font-size: 14px; margin: 0 0 4px; }
          .georoutes-popup table { border-collapse: collapse; margin: 4px 0; font-size: 12px; }
          .georoutes-popup th, .georoutes-popup td { padding: 1px 6px 1px 0; text-align: left;
            vertical-align: top; }
          .georoutes-popup td { font-variant-numeric: tabular-nums; }
          .leaflet-control-layers, .leaflet-control-scale { font-size: 12px; }
          .leaflet-control-layers-expanded { line-height: 1.4; }
          {% if this.sea %}.leaflet-container { background: {{ this.sea }}; }{% endif %}
        </style>
        {% endmacro %}
        {% macro html(this, kwargs) %}
        <div id="{{ this.get_name() }}" class="georoutes-legend leaflet-control">
          {{- this.markup -}}
        </div>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        (function () {
            var control = L.control({position: "bottomleft"});
            control.onAdd = function () {
                var el = document.getElementById({{ this.get_name()|tojson }});
                L.DomEvent.disableClickPropagation(el);
                L.DomEvent.disableScrollPropagation(el);
                return el;
            };
            control.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
        """
    )

    def __init__(self, markup: Markup, *, sea: str | None) -> None:
        super().__init__()
        self._name = "GeoroutesLegend"
        self.markup = _js_literal_safe(markup)  # branca renders our output again as a template
        self.sea = sea


def _latlon(parts: Sequence[np.ndarray]) -> list[list[list[float]]]:
    # Leaflet wants (lat, lon); 5 decimals is ~1 m, plenty for display.
    return [np.round(p[:, ::-1], 5).tolist() for p in parts]


def _lines(parts: Sequence[np.ndarray]) -> object:
    return shapely.MultiLineString([np.round(p, 5) for p in parts])


# Binds each feature's pre-rendered, escaped tooltip/popup HTML (see _js_literal_safe). One
# GeoJSON layer instead of hundreds of folium elements keeps the page small and quick to open.
_BIND = JsCode(
    """function (feature, layer) {
        var p = feature.properties;
        if (p.tooltip) { layer.bindTooltip(p.tooltip, {sticky: true}); }
        if (p.popup) { layer.bindPopup(p.popup, {maxWidth: 320}); }
    }"""
)


def _feature_layer(
    name: str,
    features: Sequence[tuple[dict[str, Any], object]],
    *,
    class_name: str,
    show: bool,
    style_function: Any = None,
    marker: folium.CircleMarker | None = None,
) -> folium.GeoJson:
    return folium.GeoJson(
        _geojson(features), name=_layer_name(name), show=show, on_each_feature=_BIND,
        style_function=style_function, marker=marker, class_name=class_name,
    )  # fmt: skip


def _polygon_layer(
    name: str,
    shapes: Iterable[tuple[dict[str, Any], object]],
    style: Mapping[str, Any],
    *,
    show: bool = True,
    control: bool = True,
) -> folium.GeoJson:
    data = _geojson(shapes)
    return folium.GeoJson(
        data, name=_layer_name(name), style_function=lambda _f, s=dict(style): s,
        show=show, control=control, interactive=False,
    )  # fmt: skip


# The default background. xyzservices (2026.9) lists CARTO's basemaps as needing an API key and
# then builds a URL with a "?key=<insert your API key here>" placeholder; CARTO's public basemap
# URL (https://github.com/CartoDB/basemap-styles) is used instead, with its required attribution.
_KNOWN_TILES: dict[str, dict[str, Any]] = {
    "cartodbpositron": {
        "tiles": "https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}{r}.png",
        "attr": '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> '
                'contributors &copy; <a href="https://carto.com/attributions">CARTO</a>',
        "subdomains": "abcd", "max_zoom": 20, "name": "CartoDB Positron",
    },
}  # fmt: skip


def _tile_layer(tiles: str) -> folium.TileLayer:
    if re.search(r"\{[{%#]", tiles):
        raise GeorouteError(
            f"tiles {tiles!r}: a tile URL has single braces only, e.g. {{z}}/{{x}}/{{y}}"
        )
    known = _KNOWN_TILES.get(tiles.replace(" ", "").replace(".", "").lower())
    if known is not None:
        return folium.TileLayer(**known)
    try:
        return folium.TileLayer(tiles, name=_layer_name(f"Tiles: {tiles}"))
    except (ValueError, KeyError) as exc:
        raise GeorouteError(
            f"unknown tiles {tiles!r}: give a folium/xyzservices name (e.g. cartodbpositron, "
            "openstreetmap), a URL template with {z}/{x}/{y}, or 'none'"
        ) from exc


def route_map(
    analysis: pd.DataFrame,
    routes: gpd.GeoDataFrame,
    *,
    transits: gpd.GeoDataFrame | None = None,
    crossings: gpd.GeoDataFrame | None = None,
    boundaries: gpd.GeoDataFrame | None = None,
    places: gpd.GeoDataFrame | None = None,
    focus: Sequence[str] | str | None = None,
    bands_km: Sequence[float] | float | None = None,
    tiles: str | None = "cartodbpositron",
    height: str = "100%",
) -> folium.Map:
    """Return a folium map of analysed routes, their pieces, crossings and focus-state bands.

    Parameters
    ----------
    analysis : pandas.DataFrame
        The output of :func:`georoutes.analyze` (index: route id). Only its rows are drawn.
    routes : geopandas.GeoDataFrame
        The routes that were analysed (column ``id``; ``status`` is used when present: routes
        whose status is not ``"operating"`` are dashed).
    transits : geopandas.GeoDataFrame, optional
        :func:`georoutes.transits` of the same routes: adds a layer colouring each piece by state.
    crossings : geopandas.GeoDataFrame, optional
        :func:`georoutes.crossings` of the same routes; default: the ``crossings`` column.
    boundaries : geopandas.GeoDataFrame, optional
        The boundary layer used for the analysis; default :func:`georoutes.load_boundaries`.
    places : geopandas.GeoDataFrame, optional
        Points (stations, terminals, border posts) with a ``name`` column, drawn as a layer.
    focus : str or sequence of str, optional
        Focus state codes to highlight; default ``analysis.attrs["focus"]``.
    bands_km : float or sequence of float, optional
        Distance bands drawn around each focus state (from
        :func:`georoutes.exposure.band_polygons`); default ``analysis.attrs["bands_km"]``.
    tiles : str or None
        A folium/xyzservices tile name or URL template; ``None`` for none (the country layer,
        drawn as vectors, keeps the map readable).
    height : str
        CSS height of the map.

    Returns
    -------
    folium.Map
        One polyline layer per route (SVG class ``georoutes-route``), grouped by kind.

    Examples
    --------
    >>> import georoutes
    >>> routes = georoutes.read_routes("routes.geojson")  # doctest: +SKIP
    >>> analysis = georoutes.analyze(routes, focus=["CHN"], bands_km=[50])  # doctest: +SKIP
    >>> route_map(analysis, routes).save("maps/routes.html")  # doctest: +SKIP
    """
    scene = _scene(
        analysis, routes, transits=transits, crossings=crossings, boundaries=boundaries,
        places=places, focus=focus, bands_km=bands_km,
    )  # fmt: skip
    m = folium.Map(tiles=None, control_scale=True, width="100%", height=height, zoom_start=3,
                   location=[0.5 * (scene.bounds[1] + scene.bounds[3]),
                             0.5 * (scene.bounds[0] + scene.bounds[2])],
                   world_copy_jump=False, prefer_canvas=False)  # fmt: skip
    m.default_css = [(n, url) for n, url in folium.folium._default_css if n not in _UNUSED_CSS]
    if tiles:
        _tile_layer(tiles).add_to(m)

    land = (({"code": _plain_property(code)}, g) for code, g in scene.boundaries)
    _polygon_layer("Countries", land, {
        "color": "#8c8c8c", "weight": 0.8, "fillColor": _LAND_COLOUR,
        "fillOpacity": 0.0 if tiles else 1.0,
    }).add_to(m)  # fmt: skip
    for code, name, geom in scene.focus:
        _polygon_layer(f"Focus: {code}" + (f" ({name})" if name else ""),
                       [({"code": _plain_property(code)}, geom)],
                       {"color": _FOCUS_COLOUR, "weight": 2, "fillColor": _FOCUS_COLOUR,
                        "fillOpacity": 0.15}).add_to(m)  # fmt: skip
    for code, km, geom in sorted(scene.bands, key=lambda b: -b[1]):
        _polygon_layer(f"{code}: within {km:g} km",
                       [({"code": _plain_property(code), "band_km": km}, geom)],
                       {"color": _FOCUS_COLOUR, "weight": 1.5, "dashArray": "4 3",
                        "fillColor": _FOCUS_COLOUR, "fillOpacity": 0.06}).add_to(m)  # fmt: skip

    if scene.pieces:
        features = []
        for piece in scene.pieces:
            colour = scene.state_colours.get(piece["state"] or "", OFFSHORE_COLOUR)
            features.append(({
                "colour": colour, "dash": None if piece["state"] else "2 6",
                "tooltip": _js_literal_safe(_render("piece_tooltip.html", p=piece)),
            }, _lines(piece["parts"])))  # fmt: skip
        _feature_layer(
            "Route pieces by state", features, class_name="georoutes-piece", show=False,
            style_function=lambda f: {"color": f["properties"]["colour"], "weight": 7,
                                      "opacity": 0.85, "dashArray": f["properties"]["dash"]},
        ).add_to(m)  # fmt: skip

    groups: dict[str, folium.FeatureGroup] = {}
    for route in scene.routes:
        if route.kind not in groups:
            groups[route.kind] = folium.FeatureGroup(name=_layer_name(f"Routes: {route.kind}"))
            groups[route.kind].add_to(m)
        tooltip = _js_literal_safe(_render("route_tooltip.html", r=route.row))
        popup = _js_literal_safe(_render("route_popup.html", r=route.row))
        folium.PolyLine(
            _latlon(route.parts), color=route.colour, weight=4, opacity=0.9,
            dash_array=None if route.operating else _DASH,
            class_name=f"georoutes-route georoutes-route-{route.index}",
            tooltip=folium.Tooltip(tooltip, sticky=True),
            popup=folium.Popup(popup, max_width=460, lazy=True),
        ).add_to(groups[route.kind])  # fmt: skip

    if scene.crossings:
        group = folium.FeatureGroup(name="Border crossings").add_to(m)
        for c in scene.crossings:
            popup = _js_literal_safe(_render("crossing_popup.html", c=c))
            label = _js_literal_safe(
                Markup("{} → {}").format(_dash(c.get("from")), _dash(c.get("to")))
            )
            folium.CircleMarker(
                [c["lat"], c["display_lon"]], radius=6, color="#222222", weight=2,
                fill_color="#ffffff", fill_opacity=1.0, class_name="georoutes-crossing",
                popup=folium.Popup(popup, max_width=320, lazy=True), tooltip=folium.Tooltip(label),
            ).add_to(group)  # fmt: skip

    if scene.places:
        features = [({
            "tooltip": _js_literal_safe(Markup("{}").format(_dash(p.get("name")))),
            "popup": _js_literal_safe(_render("place_popup.html", p=p)),
        }, shapely.Point(p["lon"], p["lat"])) for p in scene.places]  # fmt: skip
        # off at first: a catalog has hundreds of stations, which would hide the routes
        _feature_layer(
            "Places", features, class_name="georoutes-place", show=False,
            marker=folium.CircleMarker(radius=4, color="#ffffff", weight=1, fill=True,
                                       fill_color=_PLACE_COLOUR, fill_opacity=1.0,
                                       class_name="georoutes-place"),
        ).add_to(m)  # fmt: skip

    legend = _render(
        "legend.html", kinds=list(scene.kind_colours.items()), crossings=bool(scene.crossings),
        places=bool(scene.places), focus=[(c, n) for c, n, _ in scene.focus],
        bands=sorted({f"{km:g}" for _, km, _ in scene.bands}, key=float),
        focus_colour=_FOCUS_COLOUR,
    )  # fmt: skip
    m.add_child(_Legend(legend, sea=None if tiles else _SEA_COLOUR))
    attribution = _layer_attribution(boundaries if boundaries is not None else
                                     _load_boundaries(None))
    if attribution:
        m.add_child(_Attribution(attribution))
    MeasureControl(position="topleft", primary_length_unit="kilometers",
                   secondary_length_unit="miles",
                   primary_area_unit="sqkilometers").add_to(m)  # fmt: skip
    folium.LayerControl(collapsed=False).add_to(m)
    west, south, east, north = scene.bounds
    m.fit_bounds([[round(south, 5), round(west, 5)], [round(north, 5), round(east, 5)]],
                 padding=(20, 20))  # fmt: skip
    return m


def map_html(m: folium.Map) -> str:
    """Return the standalone HTML page of a folium map."""
    return str(m.get_root().render())


def write_map(m: folium.Map, path: str | os.PathLike[str]) -> Path:
    """Write a map's HTML page to ``path`` atomically (temporary file, then rename)."""
    return write_atomic(path, map_html(m).encode("utf-8"))


def write_atomic(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` via a temporary file in the same folder: never half-written."""
    return write_bytes_atomic(path, data)


# --------------------------------------------------------------------------------------------
# The static figure


def _mpl_text(text: object) -> str:
    # matplotlib reads $...$ as mathtext; users' names are plain text.
    return str(text).replace("$", r"\$")


def route_figure(
    analysis: pd.DataFrame,
    routes: gpd.GeoDataFrame,
    *,
    transits: gpd.GeoDataFrame | None = None,
    crossings: gpd.GeoDataFrame | None = None,
    boundaries: gpd.GeoDataFrame | None = None,
    places: gpd.GeoDataFrame | None = None,
    focus: Sequence[str] | str | None = None,
    bands_km: Sequence[float] | float | None = None,
    title: str | None = None,
    figsize_in: tuple[float, float] = (11.0, 7.5),
) -> Figure:
    """Return a static matplotlib figure with the same content as :func:`route_map`.

    Countries, focus states and their bands, routes coloured by kind (dashed when not operating),
    border crossings and places, on an equirectangular plot whose aspect is true at the middle
    latitude. For papers and slides; save it with :func:`write_png`.
    """
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch, PathPatch
    from matplotlib.path import Path as MplPath

    del transits  # the figure shows routes by kind; pieces by state are in the web map
    scene = _scene(
        analysis, routes, transits=None, crossings=crossings, boundaries=boundaries,
        places=places, focus=focus, bands_km=bands_km,
    )  # fmt: skip
    fig = Figure(figsize=figsize_in, layout="constrained")
    ax = fig.add_subplot()
    ax.set_facecolor(_SEA_COLOUR)

    def polygon_patch(geoms: Iterable[object], **style: Any) -> None:
        # One compound path per layer (hundreds of patches are slow); exteriors counter-clockwise
        # and holes clockwise, so matplotlib's nonzero fill leaves the holes empty.
        verts, codes = [], []
        for geom in geoms:
            for poly in shapely.get_parts(shapely.orient_polygons(geom)):
                if poly.geom_type != "Polygon":
                    continue
                for ring in [poly.exterior, *poly.interiors]:
                    xy = np.asarray(ring.coords)
                    verts.append(xy)
                    codes.append([MplPath.MOVETO] + [MplPath.LINETO] * (len(xy) - 2)
                                 + [MplPath.CLOSEPOLY])  # fmt: skip
        if verts:
            path = MplPath(np.concatenate(verts), np.concatenate(codes))
            ax.add_artist(PathPatch(path, **style))  # add_patch would re-scan every vertex

    polygon_patch([g for _, g in scene.boundaries], facecolor=_LAND_COLOUR, edgecolor="#8c8c8c",
                  linewidth=0.4)  # fmt: skip
    polygon_patch([g for _, _, g in scene.focus], facecolor=_FOCUS_COLOUR, alpha=0.15,
                  edgecolor=_FOCUS_COLOUR, lw=1.2)  # fmt: skip
    for _, _, geom in scene.bands:
        polygon_patch([geom], facecolor="none", edgecolor=_FOCUS_COLOUR, lw=0.8, ls=(0, (4, 3)))
    for route in scene.routes:
        for part in route.parts:
            ax.plot(part[:, 0], part[:, 1], color=route.colour, lw=2.0,
                    ls="-" if route.operating else (0, (5, 3)), solid_capstyle="round", zorder=3)
    if scene.crossings:
        ax.scatter([c["display_lon"] for c in scene.crossings], [c["lat"] for c in scene.crossings],
                   s=22, facecolor="white", edgecolor="#222222", linewidth=1.2, zorder=4)
    if scene.places:
        # small and under the routes: a catalog has hundreds of stations
        ax.scatter([p["lon"] for p in scene.places], [p["lat"] for p in scene.places],
                   s=3, color=_PLACE_COLOUR, alpha=0.6, linewidths=0, zorder=2.5)

    west, south, east, north = scene.bounds
    pad = max(2.0, 0.08 * max(east - west, north - south))
    ax.set_xlim(west - pad, east + pad)
    ax.set_ylim(max(-85.0, south - pad), min(85.0, north + pad))
    ax.set_aspect(1.0 / max(0.1, math.cos(math.radians(0.5 * (south + north)))))
    ax.set_xlabel("longitude (°)")
    ax.set_ylabel("latitude (°)")
    # unwrapped longitudes are labelled in [-180, 180]: 190 reads -170, 180 stays 180
    ax.xaxis.set_major_formatter(lambda x, _pos: f"{180.0 - (180.0 - x) % 360.0:g}")

    handles: list[Any] = [Line2D([], [], color=c, lw=2.5, label=_mpl_text(k))
                          for k, c in scene.kind_colours.items()]  # fmt: skip
    handles.append(Line2D([], [], color="#555555", lw=2.0, ls=(0, (3, 2)), label="not operating"))
    if scene.crossings:
        handles.append(Line2D([], [], ls="", marker="o", mfc="white", mec="#222222",
                              label="border crossing"))  # fmt: skip
    if scene.places:
        handles.append(Line2D([], [], ls="", marker="o", ms=4, color=_PLACE_COLOUR, label="place"))
    for code, name, _ in scene.focus:
        handles.append(Patch(facecolor=_FOCUS_COLOUR, alpha=0.3,
                             label=_mpl_text(f"focus: {code}" + (f" ({name})" if name else ""))))
    for band in sorted({km for _, km, _ in scene.bands}):
        handles.append(Patch(facecolor="none", edgecolor=_FOCUS_COLOUR, ls="--",
                             label=f"within {band:g} km"))
    ax.legend(handles=handles, loc="best", fontsize=8, framealpha=0.9, handlelength=3.5)
    if title is None:
        title = f"{len(scene.routes)} route{'s' if len(scene.routes) != 1 else ''}"
        if scene.focus:
            title += " — focus " + ", ".join(c for c, _, _ in scene.focus)
    ax.set_title(_mpl_text(title))
    return fig


def png_bytes(fig: Figure, *, dpi: int = 150) -> bytes:
    """Return a figure as PNG bytes."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def write_png(fig: Figure, path: str | os.PathLike[str], *, dpi: int = 150) -> Path:
    """Write a figure as PNG to ``path`` atomically."""
    return write_atomic(path, png_bytes(fig, dpi=dpi))

