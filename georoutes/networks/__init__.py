"""Routes that follow real networks: sea lanes on searoute's marine network, rail on OSM track.

Two builders, each returning a one-row route GeoDataFrame (EPSG:4326) that the rest of georoutes
analyses like any drawn route:

- :func:`sea_route` (:mod:`georoutes.networks.sea`) runs the `searoute
  <https://pypi.org/project/searoute/>`_ package on its bundled marine network (offline), with
  geodesic snapping, named passages closable as gates, the Arctic closed unless allowed, and
  continuous longitudes across the antimeridian.
- :func:`rail_route` (:mod:`georoutes.networks.rail`) builds a railway graph with osmnx from an
  OSM XML file (or, online, from Overpass) and follows the track through the waypoints,
  reporting km by track gauge; :func:`trace_rail` retraces catalog railways that way.

Locations are ``(lon, lat)``, ``"LON,LAT"``, Points or place ids of the catalog's places
(:func:`resolve_location`). Lengths are geodesic on WGS84 (:mod:`georoutes.geodesy`), never
searoute's spherical figure or osmnx's per-edge ``length``, so every route in georoutes is
measured the same way. The errors live in :mod:`georoutes.errors` and are re-exported here.
"""

from __future__ import annotations

from ..catalog import drawn_vs_published_pct, published_length_km
from ..errors import NetworkDataError, NoRouteError, PassageError, PlaceError
from ._locations import Location, ResolvedLocation, resolve_location
from .rail import DEFAULT_RAILWAY, RAIL_TAGS, rail_graph, rail_route, rail_routes, trace_rail
from .sea import PASSAGES, Passage, find_passage, sea_route

__all__ = [
    "DEFAULT_RAILWAY",
    "PASSAGES",
    "RAIL_TAGS",
    "Location",
    "NetworkDataError",
    "NoRouteError",
    "Passage",
    "PassageError",
    "PlaceError",
    "ResolvedLocation",
    "drawn_vs_published_pct",
    "find_passage",
    "published_length_km",
    "rail_graph",
    "rail_route",
    "rail_routes",
    "resolve_location",
    "sea_route",
    "trace_rail",
]
