"""Backward-compatible home of the web map and the static figure: see :mod:`georoutes.render`."""

from __future__ import annotations

from georoutes.render import (
    DISPLAY_TOLERANCE_M,
    KIND_COLOURS,
    OFFSHORE_COLOUR,
    RenderOptions,
    map_html,
    png_bytes,
    route_figure,
    route_map,
    state_colours,
    templates,
    write_atomic,
    write_map,
    write_png,
)

__all__ = [
    "DISPLAY_TOLERANCE_M",
    "KIND_COLOURS",
    "OFFSHORE_COLOUR",
    "RenderOptions",
    "map_html",
    "png_bytes",
    "route_figure",
    "route_map",
    "state_colours",
    "templates",
    "write_atomic",
    "write_map",
    "write_png",
]
