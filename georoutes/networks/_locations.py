"""Locations for the network builders: ``(lon, lat)``, ``"LON,LAT"``, Points or place ids.

Place ids are looked up in the catalog's places (:func:`georoutes.catalog.places`, the one reader
of the shipped places file) or in a places layer the caller gives.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TypeAlias

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import shapely

from .._io import read_vector
from ..catalog import places as catalog_places
from ..errors import GeorouteError, PlaceError
from ..geodesy import GEOD

__all__ = ["Location", "Places", "ResolvedLocation", "resolve_location"]

#: A location: ``(lon, lat)``, ``"LON,LAT"``, a shapely Point, or a place id of the places layer.
Location: TypeAlias = "tuple[float, float] | Sequence[float] | str | shapely.Point"
#: A places layer: a path, a GeoDataFrame with ``id`` and Point geometry, or None (the catalog's).
Places: TypeAlias = "str | Path | gpd.GeoDataFrame | None"
FloatArray = npt.NDArray[np.float64]
PlaceTable: TypeAlias = dict[str, tuple[float, float]]

_CATALOG_PLACES = "the catalog's places (georoutes.catalog.places())"


@dataclass(frozen=True)
class ResolvedLocation:
    """A location resolved to (lon, lat) degrees; ``query`` is what the user gave."""

    query: str
    lon: float
    lat: float
    place_id: str | None = None


_NUMBER = r"\s*([-+]?(?:\d+(?:\.\d*)?|\.\d+))\s*"
_LONLAT = re.compile(f"^{_NUMBER},{_NUMBER}$")


def _places_from_gdf(gdf: gpd.GeoDataFrame, source: str) -> PlaceTable:
    if "id" not in gdf.columns:
        raise PlaceError(f"{source}: the places layer has no 'id' column")
    if gdf.crs is not None and not gdf.crs.equals("EPSG:4326"):
        gdf = gdf.to_crs("EPSG:4326")
    out: PlaceTable = {}
    for n, (pid, geom) in enumerate(zip(gdf["id"], gdf.geometry, strict=True)):
        if geom is None or geom.is_empty or geom.geom_type != "Point":
            kind = "no geometry" if geom is None else geom.geom_type
            raise PlaceError(
                f"{source}: feature {n} ({pid!r}): a place must be a Point, got {kind}"
            )
        out[str(pid)] = (float(geom.x), float(geom.y))
    return out


@cache
def _catalog_table() -> PlaceTable:
    try:
        frame = catalog_places()
    except (GeorouteError, OSError) as exc:
        raise PlaceError(
            f"{_CATALOG_PLACES}: cannot be read, so place ids cannot be resolved "
            f"({exc}); give the location as 'LON,LAT' (e.g. '129.04,35.10') or a "
            "places layer (places= / --places FILE)"
        ) from exc
    return _places_from_gdf(frame, _CATALOG_PLACES)


def _load_places(places: Places) -> tuple[PlaceTable, str]:
    """Return the place table and how to name it in messages."""
    if places is None:
        return _catalog_table(), _CATALOG_PLACES
    if isinstance(places, gpd.GeoDataFrame):
        return _places_from_gdf(places, "<places GeoDataFrame>"), "<places GeoDataFrame>"
    path = Path(places)
    if not path.exists():
        raise PlaceError(
            f"{path}: no places layer, so place ids cannot be resolved; give the location as "
            "'LON,LAT' (e.g. '129.04,35.10') or a places layer (places= / --places FILE)"
        )
    gdf = read_vector(path, source=str(path), error=PlaceError, what="a places layer")
    return _places_from_gdf(gdf, str(path)), str(path)


def _check_lonlat(lon: float, lat: float, what: str) -> None:
    if not (math.isfinite(lon) and math.isfinite(lat)):
        raise PlaceError(f"{what}: coordinates must be finite numbers, got ({lon!r}, {lat!r})")
    if not -90.0 <= lat <= 90.0:
        hint = ""
        if -90.0 <= lon <= 90.0 and -180.0 <= lat <= 180.0:
            hint = (
                f"; it looks like LAT,LON: georoutes takes LON,LAT, did you mean '{lat:g},{lon:g}'?"
            )
        raise PlaceError(f"{what}: latitude {lat!r} is outside -90..90{hint}")
    if not -180.0 <= lon <= 180.0:
        raise PlaceError(f"{what}: longitude {lon!r} is outside -180..180")


def resolve_location(
    location: Location, *, what: str = "location", places: Places = None
) -> ResolvedLocation:
    """Return a location resolved to (lon, lat) degrees.

    Parameters
    ----------
    location
        ``(lon, lat)``, ``"LON,LAT"``, a shapely Point, or the id of a place of the places layer.
    what
        How the location is named in error messages (``"origin"``, ``"waypoint 2"`` ...).
    places
        The places layer: a path or GeoDataFrame with ``id`` and Point geometry; by default
        the catalog's places (:func:`georoutes.catalog.places`).

    Returns
    -------
    ResolvedLocation
        ``query``, ``lon``, ``lat`` (degrees) and ``place_id`` (None for coordinates).

    Raises
    ------
    PlaceError
        Unknown place id (close matches listed), malformed coordinates, latitude beyond ±90°
        (with a hint when the pair looks like LAT,LON) or longitude beyond ±180°.

    Examples
    --------
    >>> resolve_location("129.04,35.10")
    ResolvedLocation(query='129.04,35.10', lon=129.04, lat=35.1, place_id=None)
    >>> resolve_location("35.10,129.04", what="origin")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    georoutes.errors.PlaceError: origin: latitude 129.04 is outside -90..90; it looks like ...
    """
    if isinstance(location, shapely.Point):
        lon, lat = float(location.x), float(location.y)
        _check_lonlat(lon, lat, what)
        return ResolvedLocation(f"{lon:g},{lat:g}", lon, lat)
    if isinstance(location, str):
        match = _LONLAT.match(location)
        if match:
            lon, lat = float(match.group(1)), float(match.group(2))
            _check_lonlat(lon, lat, f"{what} {location!r}" if what == "location" else what)
            return ResolvedLocation(location.strip(), lon, lat)
        table, source = _load_places(places)
        key = location.strip()
        if key in table:
            lon, lat = table[key]
            return ResolvedLocation(key, lon, lat, place_id=key)
        close = difflib.get_close_matches(key, list(table), n=5, cutoff=0.5)
        hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        raise PlaceError(
            f"{what}: unknown place id {key!r} in {source}{hint} "
            f"({len(table)} places; or give 'LON,LAT')"
        )
    try:
        lon, lat = (float(v) for v in location)
    except (TypeError, ValueError) as exc:
        raise PlaceError(
            f"{what}: expected (lon, lat), 'LON,LAT' or a place id, got {location!r}"
        ) from exc
    _check_lonlat(lon, lat, what)
    return ResolvedLocation(f"{lon:g},{lat:g}", lon, lat)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "point"


def _nearest(
    lon: float, lat: float, node_lon: FloatArray, node_lat: FloatArray
) -> tuple[int, float]:
    """Return (index, metres) of the geodesically nearest of the nodes."""
    n = node_lon.size
    _, _, dist = GEOD.inv(np.full(n, lon), np.full(n, lat), node_lon, node_lat)
    i = int(np.argmin(dist))
    return i, float(np.asarray(dist)[i])
