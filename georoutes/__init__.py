"""georoutes: geodesic analysis of infrastructure corridors across political geography.

The public API. Every name is defined in the module named beside it (docs/design.md has the
module map); the renderers (``route_map``, ``route_figure``, ``build_report``) load folium and
matplotlib only when first used.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

from .analyze import AnalysisInfo, analysis_info, analyze, flatten, to_records
from .boundaries import load_boundaries
from .catalog import builtin_routes, catalog, corridor_routes, corridors, places
from .chainage import calibrate, read_km_posts, track_km
from .chains import Chain, chain_parts
from .errors import (
    BoundaryError,
    GeorouteError,
    KmPostError,
    NetworkDataError,
    NoRouteError,
    PassageError,
    PlaceError,
    RouteFileError,
    RouteValidationError,
    UnknownStateError,
)
from .routes import as_routes, read_routes
from .transit import crossings, transits
from .waters import load_waters, read_waters_layer

if TYPE_CHECKING:
    from .render import build_report, route_figure, route_map

try:
    __version__ = version("georoutes")
except PackageNotFoundError:  # running from a source checkout that is not installed
    __version__ = "0.0.0+unknown"

_LAZY = {"route_map": "render", "route_figure": "render", "build_report": "render"}


def __getattr__(name: str) -> Any:
    """Return the renderers on first use (they import folium and matplotlib)."""
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'georoutes' has no attribute {name!r}")


__all__ = [
    "AnalysisInfo",
    "BoundaryError",
    "Chain",
    "GeorouteError",
    "KmPostError",
    "NetworkDataError",
    "NoRouteError",
    "PassageError",
    "PlaceError",
    "RouteFileError",
    "RouteValidationError",
    "UnknownStateError",
    "__version__",
    "analysis_info",
    "analyze",
    "as_routes",
    "build_report",
    "builtin_routes",
    "calibrate",
    "catalog",
    "chain_parts",
    "corridor_routes",
    "corridors",
    "crossings",
    "flatten",
    "load_boundaries",
    "load_waters",
    "places",
    "read_km_posts",
    "read_routes",
    "read_waters_layer",
    "route_figure",
    "route_map",
    "to_records",
    "track_km",
    "transits",
]
