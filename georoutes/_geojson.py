"""Reading GeoJSON route files feature by feature, with every problem said in the user's words.

GeoJSON is parsed with the standard library and each line is built here, position by position,
so that a malformed feature is reported as ``<file>: feature <n> (<id>): <what is wrong>``
instead of a GEOS or JSON library message, and the other features are still read.
"""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely
from pyproj import CRS
from pyproj.exceptions import CRSError

from .errors import Problem, RouteFileError

__all__ = ["geojson_geometry", "present", "read_geojson"]

_WGS84_NAMES = {
    "EPSG:4326",
    "OGC:CRS84",
    "URN:OGC:DEF:CRS:OGC:1.3:CRS84",
    "URN:OGC:DEF:CRS:EPSG::4326",
    "EPSG:4979",
    "CRS84",
}


def present(value: Any) -> bool:
    """Return True unless ``value`` is missing: None, NaN, pandas' NA or blank text."""
    if value is None or value is pd.NA:
        return False
    if isinstance(value, float) and math.isnan(value):
        return False
    return str(value).strip() != ""


def read_geojson(path: Path, name: str, id_field: str | None = None) -> gpd.GeoDataFrame:
    """Return a GeoJSON file's features as a GeoDataFrame; problems go to ``attrs``.

    Feature-level problems are kept in ``attrs["_pre_problems"]`` for the validation to report
    with the rest; a file that is not GeoJSON at all raises :class:`RouteFileError`.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise RouteFileError(f"{name}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    if not text.strip():
        raise RouteFileError(f"{name}: empty file")
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise RouteFileError(
            f"{name}: malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from exc
    if not isinstance(doc, dict) or "type" not in doc:
        got = type(doc).__name__ if not isinstance(doc, dict) else "an object with no 'type'"
        raise RouteFileError(
            f"{name}: not GeoJSON: expected a FeatureCollection or Feature object, got {got}"
        )
    if doc["type"] == "Feature":
        features = [doc]
    elif doc["type"] == "FeatureCollection":
        member = doc.get("features")
        if not isinstance(member, list):
            raise RouteFileError(f"{name}: not GeoJSON: FeatureCollection has no 'features' list")
        features = member
    else:
        raise RouteFileError(
            f"{name}: not GeoJSON routes: top-level type is {doc['type']!r}, "
            "expected 'FeatureCollection' or 'Feature'"
        )
    if not features:
        raise RouteFileError(f"{name}: contains no features")
    crs = _geojson_crs(doc.get("crs"), name)
    problems: list[Problem] = []
    records: list[dict[str, Any]] = []
    geoms: list[shapely.Geometry | None] = []
    for n, feat in enumerate(features):
        fid = _peek_id(feat, id_field)
        if not isinstance(feat, dict) or feat.get("type") != "Feature":
            problems.append(Problem(name, n, fid, "not a GeoJSON Feature object"))
            records.append({})
            geoms.append(None)
            continue
        props = feat.get("properties") or {}
        if not isinstance(props, dict):
            problems.append(Problem(name, n, fid, "'properties' is not an object"))
            props = {}
        rec = dict(props)
        if id_field and id_field != "id":
            rec.pop("id", None)
            if id_field in rec:
                rec["id"] = rec.pop(id_field)
        if not present(rec.get("id")) and present(feat.get("id")):
            rec["id"] = feat["id"]
        records.append(rec)
        gj = feat.get("geometry")
        if gj is None:
            geoms.append(None)
            continue
        geom, what = geojson_geometry(gj)
        if what is not None:
            problems.append(Problem(name, n, fid, what))
        geoms.append(geom)
    frame = pd.DataFrame.from_records(records, index=range(len(records)))
    gdf = gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geoms, index=frame.index), crs=crs)
    gdf.attrs["_pre_problems"] = problems
    gdf.attrs["_declared_crs"] = crs is not None
    return gdf


_GEOJSON_TYPES = (
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
    "Polygon",
    "MultiPolygon",
    "GeometryCollection",
)


def geojson_geometry(gj: Any) -> tuple[shapely.Geometry | None, str | None]:
    """Return the shapely line of a GeoJSON geometry member, or what is wrong with it.

    Lines are built here, position by position, so that a malformed one is described in the
    user's words ("a LineString needs at least two positions") rather than by GEOS. Other
    geometry types are returned as shapely reads them (the validation names them); positions
    keep longitude and latitude (an altitude or further numbers are dropped).
    """
    if not isinstance(gj, dict):
        return None, f"'geometry' must be an object or null, got {type(gj).__name__}"
    kind = gj.get("type")
    if kind not in _GEOJSON_TYPES:
        return None, (
            f"geometry type {kind!r} is not GeoJSON (a route must be a LineString or "
            "MultiLineString)"
        )
    if kind not in ("LineString", "MultiLineString"):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                return shapely.geometry.shape(gj), None
        except Exception:  # shapely raises several types; the type is what the user needs
            return (
                None,
                f"geometry is a malformed {kind}; a route must be a LineString or MultiLineString",
            )
    coords = gj.get("coordinates")
    if not isinstance(coords, list):
        return None, f"{kind} geometry has no 'coordinates' list"
    parts = [coords] if kind == "LineString" else coords
    lines = []
    for k, part in enumerate(parts):
        where = "" if kind == "LineString" else f"part {k} of the MultiLineString: "
        if not isinstance(part, list):
            return None, f"{where}a line must be a list of positions, got {_shown(part)}"
        xy = []
        for i, pos in enumerate(part):
            bad = _bad_position(pos)
            if bad:
                return None, f"{where}position {i} {_shown(pos)}: {bad}"
            xy.append((float(pos[0]), float(pos[1])))
        if len(xy) == 1:
            return None, (
                f"{where}a line needs at least two positions, got one ({xy[0][0]!r}, {xy[0][1]!r})"
            )
        lines.append(xy)
    with warnings.catch_warnings():
        # Non-finite numbers are reported by the validation, with the feature named.
        warnings.simplefilter("ignore", RuntimeWarning)
        if kind == "LineString":
            return shapely.LineString(lines[0]), None
        return shapely.MultiLineString([line for line in lines if line]), None


def _bad_position(pos: Any) -> str | None:
    if not isinstance(pos, list) or len(pos) < 2:
        return "a position must be a list of at least two numbers [lon, lat]"
    for value in pos[:2]:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return "longitude and latitude must be numbers"
        if isinstance(value, int) and abs(value) > 1e300:
            return "not a finite number"
    return None


def _shown(value: Any, limit: int = 60) -> str:
    text = json.dumps(value, default=repr) if not isinstance(value, float) else repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _peek_id(feat: Any, id_field: str | None = None) -> Any:
    if isinstance(feat, dict):
        props = feat.get("properties")
        if isinstance(props, dict) and present(props.get(id_field or "id")):
            return props[id_field or "id"]
        return feat.get("id")
    return None


def _geojson_crs(member: Any, name: str) -> CRS | None:
    if member is None:
        return None
    try:
        text = member["properties"]["name"]
        crs = CRS.from_user_input(text)
    except (KeyError, TypeError, CRSError) as exc:
        raise RouteFileError(f"{name}: unreadable 'crs' member {member!r}") from exc
    if str(text).upper() in _WGS84_NAMES or crs.equals("EPSG:4326") or crs.equals("OGC:CRS84"):
        return CRS.from_epsg(4326)
    kind = "projected" if crs.is_projected else "non-WGS84"
    raise RouteFileError(
        f"{name}: declares a {kind} CRS ({crs.to_string()}); GeoJSON (RFC 7946) coordinates "
        "must be WGS84 longitude/latitude; reproject the file to EPSG:4326, or give it as "
        "GeoPackage or GeoParquet, which georoutes transforms from any CRS"
    )
