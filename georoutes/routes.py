"""Route layers: reading, validating and normalising them to EPSG:4326.

A route layer holds LineString or MultiLineString features with a unique ``id`` and optional
``name`` and ``kind``. Every problem of a file is collected and reported at once, each naming the
file, the feature (counted from 0, as in the file's ``features`` array) and its id.
"""

from __future__ import annotations

import json
import math
import os
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TypeAlias

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely
from pyproj import CRS
from pyproj.exceptions import CRSError

from ._io import read_vector
from .errors import Problem, RouteFileError, RouteValidationError

__all__ = ["KINDS", "RoutesInput", "as_routes", "read_routes", "validate_routes"]

#: What the analysis functions accept as routes: a file, a GeoDataFrame, or a list of them.
RoutesInput: TypeAlias = "str | os.PathLike[str] | gpd.GeoDataFrame"

#: Kinds of infrastructure georoutes knows how to draw; other values are kept but drawn grey.
KINDS = ("pipeline", "rail", "shipping", "road", "powerline", "cable", "other")

_GEOJSON_SUFFIXES = {".geojson", ".json"}
_WGS84_NAMES = {"EPSG:4326", "OGC:CRS84", "URN:OGC:DEF:CRS:OGC:1.3:CRS84",
                "URN:OGC:DEF:CRS:EPSG::4326", "EPSG:4979", "CRS84"}


def read_routes(path_or_gdf: str | os.PathLike[str] | gpd.GeoDataFrame, *,
                source: str | None = None) -> gpd.GeoDataFrame:
    """Return a validated route layer as a GeoDataFrame in EPSG:4326.

    Parameters
    ----------
    path_or_gdf
        A GeoJSON, GeoPackage or GeoParquet file, or a GeoDataFrame.
    source
        The name used for the input in error messages (default: the path, or ``<GeoDataFrame>``).

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``id`` (str, unique), ``name`` (str; the id when absent), ``kind`` (str or None),
        every other property as given, and ``geometry`` (LineString or MultiLineString, lon/lat,
        longitudes possibly beyond ±180° for lines drawn unwrapped across the antimeridian).

    Raises
    ------
    RouteFileError
        The file is missing, unreadable, malformed JSON, or not GeoJSON.
    RouteValidationError
        Features are invalid; ``.problems`` lists every one.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> gdf = gpd.GeoDataFrame({"id": ["a"]},
    ...                        geometry=[shapely.LineString([(129.0, 42.0), (130.0, 42.5)])],
    ...                        crs="EPSG:4326")
    >>> read_routes(gdf)[["id", "name", "kind"]].to_dict("records")
    [{'id': 'a', 'name': 'a', 'kind': None}]
    """
    if isinstance(path_or_gdf, gpd.GeoDataFrame):
        return validate_routes(path_or_gdf, source=source or "<GeoDataFrame>")
    path = Path(path_or_gdf)
    name = source or str(path)
    if not path.exists():
        raise RouteFileError(f"{name}: no such file")
    if path.is_dir():
        raise RouteFileError(f"{name}: is a directory, not a routes file")
    if path.suffix.lower() in _GEOJSON_SUFFIXES:
        gdf = _read_geojson(path, name)
    else:
        gdf = _read_other(path, name)
    return validate_routes(gdf, source=name)


_VALIDATED = "georoutes_validated"


def as_routes(routes: Any) -> gpd.GeoDataFrame:
    """Return validated routes from a file, a GeoDataFrame, or a list of either.

    Routes already returned by :func:`read_routes` are not validated again. Several inputs are
    concatenated; an id that appears in more than one of them is an error.

    Parameters
    ----------
    routes
        A route file path, a GeoDataFrame, or a list/tuple of them.

    Returns
    -------
    geopandas.GeoDataFrame
        As :func:`read_routes` returns.

    Raises
    ------
    GeorouteError
        An input is invalid, or two inputs share a route id.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> a = gpd.GeoDataFrame({"id": ["a"]}, geometry=[shapely.LineString([(0, 0), (1, 1)])],
    ...                      crs="EPSG:4326")
    >>> b = a.assign(id=["b"])
    >>> as_routes([a, b])["id"].tolist()
    ['a', 'b']
    """
    if isinstance(routes, (list, tuple)):
        if not routes:
            raise RouteFileError("no routes given")
        frames = [as_routes(r) for r in routes]
        if len(frames) == 1:
            return frames[0]
        gdf = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry="geometry",
                               crs="EPSG:4326")
        dup = gdf["id"][gdf["id"].duplicated()]
        if not dup.empty:
            raise RouteFileError(f"route id {dup.iloc[0]!r} appears in more than one input")
        gdf.attrs[_VALIDATED] = True
        return gdf
    if isinstance(routes, gpd.GeoDataFrame) and routes.attrs.get(_VALIDATED):
        return routes
    return read_routes(routes)


def _read_geojson(path: Path, name: str) -> gpd.GeoDataFrame:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise RouteFileError(f"{name}: not UTF-8 text ({exc.reason} at byte {exc.start})") \
            from exc
    if not text.strip():
        raise RouteFileError(f"{name}: empty file")
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise RouteFileError(f"{name}: malformed JSON at line {exc.lineno} column {exc.colno}: "
                             f"{exc.msg}") from exc
    if not isinstance(doc, dict) or "type" not in doc:
        got = type(doc).__name__ if not isinstance(doc, dict) else "an object with no 'type'"
        raise RouteFileError(f"{name}: not GeoJSON: expected a FeatureCollection or Feature "
                             f"object, got {got}")
    if doc["type"] == "Feature":
        features = [doc]
    elif doc["type"] == "FeatureCollection":
        member = doc.get("features")
        if not isinstance(member, list):
            raise RouteFileError(f"{name}: not GeoJSON: FeatureCollection has no 'features' list")
        features = member
    else:
        raise RouteFileError(f"{name}: not GeoJSON routes: top-level type is {doc['type']!r}, "
                             "expected 'FeatureCollection' or 'Feature'")
    if not features:
        raise RouteFileError(f"{name}: contains no features")
    crs = _geojson_crs(doc.get("crs"), name)
    problems: list[Problem] = []
    records: list[dict[str, Any]] = []
    geoms: list[shapely.Geometry | None] = []
    for n, feat in enumerate(features):
        fid = _peek_id(feat)
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
        if "id" not in rec and feat.get("id") is not None:
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


_GEOJSON_TYPES = ("Point", "MultiPoint", "LineString", "MultiLineString", "Polygon",
                  "MultiPolygon", "GeometryCollection")


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
        return None, (f"geometry type {kind!r} is not GeoJSON (a route must be a LineString or "
                      "MultiLineString)")
    if kind not in ("LineString", "MultiLineString"):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                return shapely.geometry.shape(gj), None
        except Exception:  # shapely raises several types; the type is what the user needs
            return None, f"geometry is a malformed {kind}; a route must be a LineString or " \
                "MultiLineString"
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
            return None, (f"{where}a line needs at least two positions, got one "
                          f"({xy[0][0]!r}, {xy[0][1]!r})")
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


def _peek_id(feat: Any) -> Any:
    if isinstance(feat, dict):
        props = feat.get("properties")
        if isinstance(props, dict) and props.get("id") is not None:
            return props["id"]
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
        "GeoPackage or GeoParquet, which georoutes transforms from any CRS")


def _read_other(path: Path, name: str) -> gpd.GeoDataFrame:
    gdf = read_vector(path, source=name, error=RouteFileError, what="a routes layer")
    gdf.attrs["_declared_crs"] = gdf.crs is not None
    return gdf


def validate_routes(gdf: gpd.GeoDataFrame, *, source: str = "<GeoDataFrame>"
                    ) -> gpd.GeoDataFrame:
    """Return the routes checked and normalised; raise RouteValidationError listing every problem.

    The checks: a unique, non-empty ``id``; LineString/MultiLineString geometry, not empty, with
    at least two distinct vertices per part; finite coordinates; latitudes within ±90° and
    longitudes within ±360° (unwrapped longitudes past ±180° are legal); a declared CRS is
    transformed to EPSG:4326; with no CRS, coordinates must look like degrees.
    """
    problems: list[Problem] = list(gdf.attrs.get("_pre_problems", []))
    bad_rows = {p.feature for p in problems}
    gdf = gdf.copy()
    gdf.attrs = {}
    if gdf.geometry.name != "geometry":
        gdf = gdf.rename_geometry("geometry")
    if "id" not in gdf.columns:
        problems.extend(Problem(source, n, None, "missing 'id' property")
                        for n in range(len(gdf)) if n not in bad_rows)
        raise RouteValidationError(problems or [Problem(source, None, None, "no features")])
    ids = list(gdf["id"])
    seen: dict[str, int] = {}
    crs = gdf.crs
    projected_input = crs is not None and not crs.is_geographic
    geoms = np.asarray(gdf.geometry.values, dtype=object)
    suspect = _suspect_geometries(geoms, projected_input)
    for n, fid in enumerate(ids):
        if n in bad_rows:
            continue
        problems.extend(_check_id(source, n, fid, seen))
        if suspect[n]:
            problems.extend(_check_geometry(source, n, fid, geoms[n], projected_input))
    if len(gdf) == 0:
        problems.append(Problem(source, None, None, "contains no features"))
    if problems:
        problems.sort(key=lambda p: (-1 if p.feature is None else p.feature))
        raise RouteValidationError(problems)
    if crs is None:
        gdf = gdf.set_crs("EPSG:4326")
    elif not crs.equals("EPSG:4326"):
        try:
            gdf = gdf.to_crs("EPSG:4326")
        except Exception as exc:  # pyproj raises several types
            raise RouteValidationError([Problem(source, None, None,
                                                f"cannot transform from {crs}: {exc}")]) from exc
        problems = [p for n, (fid, geom) in enumerate(zip(ids, gdf.geometry.values, strict=True))
                    for p in _check_ranges(source, n, fid, geom, projected_input=False)]
        if problems:
            raise RouteValidationError(problems)
    gdf["id"] = [_id_text(i) for i in gdf["id"]]
    if "name" not in gdf.columns:
        gdf["name"] = gdf["id"]
    gdf["name"] = [str(nm) if _present(nm) else rid for nm, rid in zip(gdf["name"], gdf["id"],
                                                                        strict=True)]
    if "kind" not in gdf.columns:
        gdf["kind"] = None
    gdf["kind"] = [str(k).strip().lower() if _present(k) else None for k in gdf["kind"]]
    if shapely.has_z(np.asarray(gdf.geometry.values, dtype=object)).any():
        gdf["geometry"] = shapely.force_2d(np.asarray(gdf.geometry.values, dtype=object))
    front = ["id", "name", "kind"]
    gdf = gdf[front + [c for c in gdf.columns if c not in front]].reset_index(drop=True)
    gdf.attrs[_VALIDATED] = True
    return gdf


def _present(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, float) and math.isnan(value):
        return False
    return str(value).strip() != ""


def _id_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _suspect_geometries(geoms: npt.NDArray[Any], projected_input: bool) -> npt.NDArray[np.bool_]:
    """Return which rows may fail :func:`_check_geometry`, screening all rows at once.

    Rows not flagged certainly pass; flagged rows get the full per-feature check (and its
    message). This keeps validation cost flat for large, clean inputs.
    """
    kind = shapely.get_type_id(geoms)  # -1 for None
    suspect = ~np.isin(kind, (1, 5)) | shapely.is_empty(geoms)
    ok_rows = np.flatnonzero(~suspect)
    if ok_rows.size == 0:
        return suspect
    xy, owner = shapely.get_coordinates(geoms[ok_rows], return_index=True)
    owner = ok_rows[owner]
    bad = ~np.isfinite(xy).all(axis=1)
    if not projected_input:
        with np.errstate(invalid="ignore"):
            bad |= (np.abs(xy[:, 1]) > 90.0) | (np.abs(xy[:, 0]) > 360.0)
    suspect[owner[bad]] = True
    # Every part needs two distinct vertices: a part whose vertices all equal its first is bad.
    parts, part_row = shapely.get_parts(geoms[ok_rows], return_index=True)
    pxy, pidx = shapely.get_coordinates(parts, return_index=True)
    first = np.searchsorted(pidx, np.arange(parts.size))
    differs = (pxy != pxy[first[pidx]]).any(axis=1)
    has_two = np.zeros(parts.size, dtype=bool)
    np.logical_or.at(has_two, pidx, differs)
    suspect[ok_rows[part_row[~has_two]]] = True
    return suspect


def _check_id(source: str, n: int, fid: Any, seen: dict[str, int]) -> Iterable[Problem]:
    if not _present(fid) or isinstance(fid, (dict, list, bool)):
        yield Problem(source, n, None if not _present(fid) else fid,
                      "missing 'id' property" if not _present(fid) else
                      f"'id' must be a string or a number, got {type(fid).__name__}")
    else:
        key = _id_text(fid)
        if key in seen:
            yield Problem(source, n, fid, f"duplicate id {key!r} (also feature {seen[key]})")
        else:
            seen[key] = n


def _check_geometry(source: str, n: int, fid: Any, geom: shapely.Geometry | None,
                    projected_input: bool) -> Iterable[Problem]:
    if geom is None:
        yield Problem(source, n, fid, "no geometry (null)")
        return
    if geom.geom_type not in ("LineString", "MultiLineString"):
        yield Problem(source, n, fid, f"geometry is {geom.geom_type}; a route must be a "
                                      "LineString or MultiLineString")
        return
    if geom.is_empty:
        yield Problem(source, n, fid, "empty geometry (no coordinates)")
        return
    xy = shapely.get_coordinates(geom)
    if not np.isfinite(xy).all():
        bad = xy[~np.isfinite(xy).all(axis=1)][0]
        shown = f"({float(bad[0])!r}, {float(bad[1])!r})"
        yield Problem(source, n, fid, f"non-finite coordinate {shown}: NaN or infinity")
        return
    for part in shapely.get_parts(geom):
        pxy = shapely.get_coordinates(part)
        if len(np.unique(pxy, axis=0)) < 2:
            yield Problem(source, n, fid, "a line part has fewer than two distinct vertices")
            return
    yield from _check_ranges(source, n, fid, geom, projected_input=projected_input)


def _check_ranges(source: str, n: int, fid: Any, geom: shapely.Geometry, *,
                  projected_input: bool) -> Iterable[Problem]:
    if projected_input:
        return
    xy = shapely.get_coordinates(geom)
    lon, lat = xy[:, 0].tolist(), xy[:, 1].tolist()
    xy_abs = np.abs(xy)
    bad_lat = xy_abs[:, 1] > 90.0
    bad_lon = xy_abs[:, 0] > 360.0
    if not (bad_lat.any() or bad_lon.any()):
        return
    i = int(np.flatnonzero(bad_lat | bad_lon)[0])
    shown = f"({lon[i]!r}, {lat[i]!r})"
    if np.abs(xy).max() > 1000.0:
        yield Problem(source, n, fid, f"coordinate {shown} is not longitude/latitude: the numbers "
                                      "look projected (metres?) but no CRS is declared; declare "
                                      "the CRS or reproject to EPSG:4326")
    elif (xy_abs[:, 0] <= 90.0).all() and (xy_abs[:, 1] <= 180.0).all():
        yield Problem(source, n, fid, f"coordinate {shown} has latitude outside ±90°: the "
                                      "coordinates look like (lat, lon); give them as "
                                      "(lon, lat), longitude first")
    elif bad_lat.any():
        yield Problem(source, n, fid, f"coordinate {shown}: latitude {lat[i]!r} is outside "
                                      "[-90, 90]")
    else:
        yield Problem(source, n, fid, f"coordinate {shown}: longitude {lon[i]!r} is outside "
                                      "[-360, 360]")
