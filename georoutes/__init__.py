"""georoutes: geodesic analysis of infrastructure corridors across political geography."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from .analyze import analyze, flatten, to_records
from .boundaries import load_boundaries
from .catalog import catalog, corridor_routes, corridors, places
from .errors import (
    BoundaryError,
    GeorouteError,
    RouteFileError,
    RouteValidationError,
    UnknownStateError,
)
from .routes import read_routes
from .transit import crossings, transits

try:
    __version__ = version("georoutes")
except PackageNotFoundError:  # running from a source checkout that is not installed
    __version__ = "0.0.0+unknown"

__all__ = [
    "BoundaryError",
    "GeorouteError",
    "RouteFileError",
    "RouteValidationError",
    "UnknownStateError",
    "__version__",
    "analyze",
    "catalog",
    "corridor_routes",
    "corridors",
    "crossings",
    "flatten",
    "load_boundaries",
    "places",
    "read_routes",
    "to_records",
    "transits",
]
