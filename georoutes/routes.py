"""Route layers: reading, validating and normalising them to EPSG:4326.

A route layer holds LineString or MultiLineString features with a unique ``id`` and optional
``name`` and ``kind``. Every problem of a file is collected and reported at once, each naming the
file, the feature (counted from 0, as in the file's ``features`` array) and its id.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal, TypeAlias

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely

from ._geojson import present as _present
from ._geojson import read_geojson as _read_geojson
from ._io import read_vector
from .chains import chain_parts
from .errors import GeorouteError, Problem, RouteFileError, RouteValidationError

__all__ = ["KINDS", "RoutesInput", "as_routes", "read_routes", "validate_routes"]

#: What the analysis functions accept as routes: a file, a GeoDataFrame, or a list of them.
RoutesInput: TypeAlias = "str | os.PathLike[str] | gpd.GeoDataFrame"

#: Kinds of infrastructure georoutes knows how to draw; other values are kept but drawn grey.
KINDS = ("pipeline", "rail", "shipping", "road", "powerline", "cable", "other")

_GEOJSON_SUFFIXES = {".geojson", ".json"}


_ROUTE_SUFFIXES = (".geojson", ".json", ".gpkg", ".parquet", ".geoparquet", ".shp", ".fgb")
_GLOB_CHARS = set("*?[")
OnInvalid = Literal["raise", "skip"]


def read_routes(
    paths: Any,
    *,
    id_field: str | None = None,
    on_invalid: OnInvalid = "raise",
    source: str | None = None,
) -> gpd.GeoDataFrame:
    """Return a validated route layer as a GeoDataFrame in EPSG:4326.

    Parameters
    ----------
    paths
        A GeoJSON, GeoPackage, GeoParquet (or any GDAL-readable) file, a directory (every route
        file in it), a glob pattern (``"tracker/*.geojson"``), a GeoDataFrame, or a list of
        these. Several inputs are concatenated; a route id may appear only once.
    id_field
        The property that holds each feature's id (default ``id``). A feature without one takes
        its GeoJSON ``id`` member, else a made-up id: the file's stem, or ``<stem>:<n>`` when
        the file holds several features (``n`` counts features from 0). Made-up ids are
        listed in ``attrs["georoutes_made_up_ids"]`` and flagged in the ``id_made_up`` column.
    on_invalid
        ``"raise"`` (default): any invalid feature raises, listing every problem. ``"skip"``:
        invalid features (null, empty or point geometries, bad coordinates, duplicate ids) and
        unreadable files are left out; each is listed in ``attrs["georoutes_skipped"]`` as a
        dict with ``source``, ``feature`` (index in its file, None for the whole file), ``id``
        and ``reason``.
    source
        The name used for a single input in messages (default: the path as given).

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``id`` (str, unique), ``name`` (str; the id when absent), ``kind`` (str or
        None), ``topology`` (``line``, ``chain`` or ``network``: see :mod:`georoutes.chains`),
        ``gaps`` (joins between parts that do not touch), ``overlap_km`` (duplicated line
        counted once), every other property as given, and ``geometry`` (LineString or
        MultiLineString in route order, lon/lat; longitudes possibly beyond ±180° for lines
        drawn unwrapped across the antimeridian).

    Raises
    ------
    RouteFileError
        A file is missing, unreadable, malformed JSON, not GeoJSON, or a pattern matches
        nothing (with ``on_invalid="skip"``, only when nothing at all can be read).
    RouteValidationError
        Features are invalid; ``.problems`` lists every one.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> gdf = gpd.GeoDataFrame({"id": ["a"]},
    ...                        geometry=[shapely.LineString([(129.0, 42.0), (130.0, 42.5)])],
    ...                        crs="EPSG:4326")
    >>> read_routes(gdf)[["id", "name", "kind", "topology"]].to_dict("records")
    [{'id': 'a', 'name': 'a', 'kind': None, 'topology': 'line'}]
    """
    if on_invalid not in ("raise", "skip"):
        raise GeorouteError(f"on_invalid: {on_invalid!r} is not one of 'raise', 'skip'")
    inputs = list(paths) if isinstance(paths, (list, tuple)) else [paths]
    if not inputs:
        raise RouteFileError("no routes given")
    frames: list[gpd.GeoDataFrame] = []
    skipped: list[dict[str, Any]] = []
    failures: list[GeorouteError] = []  # strict mode: every file's problems, reported at once
    for item in inputs:
        if isinstance(item, gpd.GeoDataFrame):
            name = source if source and len(inputs) == 1 else "<GeoDataFrame>"
            try:
                frames.append(_validated(item, name, None, id_field, on_invalid, skipped))
            except GeorouteError as exc:
                failures.append(exc)
            continue
        try:
            files = _expand(item, source if len(inputs) == 1 else None)
        except RouteFileError as exc:
            failures.append(exc)
            continue
        for path, name in files:
            try:
                frame = _read_file(path, name, id_field)
                frames.append(_validated(frame, name, path.stem, id_field, on_invalid, skipped))
            except RouteFileError as exc:
                if on_invalid == "raise":
                    failures.append(exc)
                else:
                    skipped.append(
                        {
                            "source": name,
                            "feature": None,
                            "id": None,
                            "reason": _reason(str(exc), name),
                        }
                    )
            except GeorouteError as exc:
                failures.append(exc)
    if failures:
        _raise_all(failures)
    frames = [f for f in frames if len(f)]
    if not frames:
        if skipped:
            raise RouteFileError(
                f"no valid route in {len(skipped)} skipped input(s); first: "
                f"{skipped[0]['source']}: {skipped[0]['reason']}"
            )
        raise RouteFileError("no routes given")
    gdf = frames[0] if len(frames) == 1 else _concat(frames, on_invalid, skipped)
    gdf = gdf.drop(columns="_source")
    gdf.attrs[_VALIDATED] = True
    gdf.attrs["georoutes_skipped"] = skipped
    gdf.attrs["georoutes_made_up_ids"] = (
        gdf.loc[gdf["id_made_up"], "id"].tolist() if "id_made_up" in gdf else []
    )
    return gdf


def _raise_all(failures: list[GeorouteError]) -> None:
    if len(failures) == 1:
        raise failures[0]
    if all(isinstance(f, RouteValidationError) for f in failures):
        raise RouteValidationError([p for f in failures for p in f.problems])  # type: ignore[attr-defined]
    raise RouteFileError("\n".join(str(f) for f in failures))


def _reason(message: str, name: str) -> str:
    return message[len(name) + 2 :] if message.startswith(f"{name}: ") else message


def _expand(item: Any, source: str | None) -> list[tuple[Path, str]]:
    """Return the files an input names: itself, a directory's route files, a glob's matches."""
    text = os.fspath(item)
    path = Path(text)
    if path.is_dir():
        files = sorted(
            p for p in path.iterdir() if p.is_file() and p.suffix.lower() in _ROUTE_SUFFIXES
        )
        if not files:
            raise RouteFileError(
                f"{text}: directory holds no route files ({', '.join(_ROUTE_SUFFIXES)})"
            )
        return [(p, str(p)) for p in files]
    if not path.exists() and _GLOB_CHARS & set(text):
        base = Path(text).anchor or "."
        pattern = text[len(Path(text).anchor) :] if Path(text).anchor else text
        files = sorted(p for p in Path(base).glob(pattern) if p.is_file())
        if not files:
            raise RouteFileError(f"{text}: no file matches this pattern")
        return [(p, str(p)) for p in files]
    return [(path, source or text)]


def _read_file(path: Path, name: str, id_field: str | None) -> gpd.GeoDataFrame:
    if not path.exists():
        raise RouteFileError(f"{name}: no such file")
    if path.suffix.lower() in _GEOJSON_SUFFIXES:
        return _read_geojson(path, name, id_field)
    gdf = _read_other(path, name)
    if id_field and id_field != "id":
        if id_field not in gdf.columns:
            raise RouteFileError(
                f"{name}: no column {id_field!r} for the route ids "
                f"(columns: {', '.join(map(str, gdf.columns))})"
            )
        gdf = gdf.drop(columns=[c for c in ("id",) if c in gdf.columns]).rename(
            columns={id_field: "id"}
        )
    return gdf


def _concat(
    frames: list[gpd.GeoDataFrame], on_invalid: str, skipped: list[dict[str, Any]]
) -> gpd.GeoDataFrame:
    gdf = gpd.GeoDataFrame(
        pd.concat(frames, ignore_index=True), geometry="geometry", crs="EPSG:4326"
    )
    if "id_made_up" in gdf:
        gdf["id_made_up"] = gdf["id_made_up"].fillna(False).astype(bool)
    dup = gdf["id"].duplicated()
    if dup.any():
        if on_invalid == "raise":
            raise RouteFileError(
                f"route id {gdf['id'][dup].iloc[0]!r} appears in more than "
                "one input (give --id-field, or rename it)"
            )
        for rid, src in zip(gdf["id"][dup], gdf["_source"][dup], strict=True):
            skipped.append(
                {
                    "source": src,
                    "feature": None,
                    "id": rid,
                    "reason": f"duplicate id {rid!r} (already read from another file)",
                }
            )
        gdf = gdf[~dup].reset_index(drop=True)
    return gdf


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
    if isinstance(routes, gpd.GeoDataFrame) and routes.attrs.get(_VALIDATED):
        return routes
    return read_routes(routes)


def _read_other(path: Path, name: str) -> gpd.GeoDataFrame:
    gdf = read_vector(path, source=name, error=RouteFileError, what="a routes layer")
    gdf.attrs["_declared_crs"] = gdf.crs is not None
    return gdf


def _validated(
    gdf: gpd.GeoDataFrame,
    name: str,
    stem: str | None,
    id_field: str | None,
    on_invalid: str,
    skipped: list[dict[str, Any]],
) -> gpd.GeoDataFrame:
    if id_field and id_field != "id" and stem is None:  # a GeoDataFrame given directly
        if id_field not in gdf.columns:
            raise RouteFileError(f"{name}: no column {id_field!r} for the route ids")
        gdf = gdf.drop(columns=[c for c in ("id",) if c in gdf.columns]).rename(
            columns={id_field: "id"}
        )
    out = validate_routes(gdf, source=name, id_stem=stem, on_invalid=on_invalid, skipped=skipped)
    out["_source"] = name
    return out


def validate_routes(
    gdf: gpd.GeoDataFrame,
    *,
    source: str = "<GeoDataFrame>",
    id_stem: str | None = None,
    on_invalid: str = "raise",
    skipped: list[dict[str, Any]] | None = None,
) -> gpd.GeoDataFrame:
    """Return the routes checked and normalised; raise RouteValidationError listing every problem.

    The checks: a unique, non-empty ``id``; LineString/MultiLineString geometry, not empty, with
    at least two distinct vertices per part; finite coordinates; latitudes within ±90° and
    longitudes within ±360° (unwrapped longitudes past ±180° are legal); a declared CRS is
    transformed to EPSG:4326; with no CRS, coordinates must look like degrees. Multi-part lines
    are put in route order (:func:`georoutes.chains.chain_parts`).

    With ``id_stem``, a feature without an id gets a made-up one (``id_stem``, or
    ``<id_stem>:<n>`` when there are several features). With ``on_invalid="skip"``, invalid
    features are dropped and appended to ``skipped`` instead of raising.
    """
    problems: list[Problem] = list(gdf.attrs.get("_pre_problems", []))
    bad_rows = {p.feature for p in problems}
    gdf = gdf.copy()
    gdf.attrs = {}
    if gdf.geometry.name != "geometry":
        gdf = gdf.rename_geometry("geometry")
    if "id" not in gdf.columns:
        if id_stem is None:
            problems.extend(
                Problem(source, n, None, "missing 'id' property")
                for n in range(len(gdf))
                if n not in bad_rows
            )
            _raise_or_skip(
                problems or [Problem(source, None, None, "no features")], on_invalid, skipped
            )
            return _empty_routes()
        gdf["id"] = None
    made_up = np.zeros(len(gdf), dtype=bool)
    if id_stem is not None:
        ids = list(gdf["id"])
        for n, fid in enumerate(ids):
            if not _present(fid):
                ids[n] = id_stem if len(gdf) == 1 else f"{id_stem}:{n}"
                made_up[n] = True
        gdf["id"] = pd.Series(ids, index=gdf.index, dtype=object)
    ids = list(gdf["id"])
    shown_ids = [None if m else i for i, m in zip(ids, made_up, strict=True)]
    seen: dict[str, int] = {}
    crs = gdf.crs
    projected_input = crs is not None and not crs.is_geographic
    geoms = np.asarray(gdf.geometry.values, dtype=object)
    suspect = _suspect_geometries(geoms, projected_input)
    for n, fid in enumerate(ids):
        if n in bad_rows:
            continue
        problems.extend(_check_id(source, n, fid, seen, shown_ids[n]))
        if suspect[n]:
            problems.extend(_check_geometry(source, n, shown_ids[n], geoms[n], projected_input))
    if len(gdf) == 0:
        problems.append(Problem(source, None, None, "contains no features"))
    if crs is not None and not crs.equals("EPSG:4326") and not problems:
        try:
            gdf = gdf.to_crs("EPSG:4326")
        except Exception as exc:  # pyproj raises several types
            problems.append(Problem(source, None, None, f"cannot transform from {crs}: {exc}"))
        else:
            problems.extend(
                p
                for n, geom in enumerate(gdf.geometry.values)
                for p in _check_ranges(source, n, shown_ids[n], geom, projected_input=False)
            )
    if problems:
        problems.sort(key=lambda p: -1 if p.feature is None else p.feature)
        _raise_or_skip(problems, on_invalid, skipped)
        if any(p.feature is None for p in problems):
            return _empty_routes()
        keep = np.ones(len(gdf), dtype=bool)
        keep[[int(p.feature) for p in problems if p.feature is not None]] = False
        gdf, made_up = gdf[keep], made_up[keep]
    if gdf.crs is None:
        gdf = gdf.set_crs("EPSG:4326")
    gdf["id"] = [_id_text(i) for i in gdf["id"]]
    gdf["id_made_up"] = made_up
    if "name" not in gdf.columns:
        gdf["name"] = gdf["id"]
    gdf["name"] = [
        str(nm) if _present(nm) else rid for nm, rid in zip(gdf["name"], gdf["id"], strict=True)
    ]
    if "kind" not in gdf.columns:
        gdf["kind"] = None
    gdf["kind"] = [str(k).strip().lower() if _present(k) else None for k in gdf["kind"]]
    geoms = np.asarray(gdf.geometry.values, dtype=object)
    if len(geoms) and shapely.has_z(geoms).any():
        geoms = shapely.force_2d(geoms)
    chains = [chain_parts(g) for g in geoms]
    gdf["geometry"] = [c.geometry for c in chains]
    gdf["topology"] = [c.topology for c in chains]
    gdf["gaps"] = [c.gaps for c in chains]
    gdf["overlap_km"] = [c.overlap_km for c in chains]
    front = ["id", "name", "kind"]
    gdf = gdf[front + [c for c in gdf.columns if c not in front]].reset_index(drop=True)
    gdf.attrs[_VALIDATED] = True
    return gdf


def _raise_or_skip(
    problems: list[Problem], on_invalid: str, skipped: list[dict[str, Any]] | None
) -> None:
    if on_invalid != "skip":
        raise RouteValidationError(problems)
    if skipped is not None:
        skipped.extend(
            {"source": p.source, "feature": p.feature, "id": p.feature_id, "reason": p.what}
            for p in problems
        )


def _empty_routes() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"id": pd.Series([], dtype=object)},
        geometry=gpd.GeoSeries([], crs="EPSG:4326"),
        crs="EPSG:4326",
    )


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


def _check_id(
    source: str, n: int, fid: Any, seen: dict[str, int], shown: Any = None
) -> Iterable[Problem]:
    if not _present(fid) or isinstance(fid, (dict, list, bool)):
        yield Problem(
            source,
            n,
            None if not _present(fid) else fid,
            "missing 'id' property"
            if not _present(fid)
            else f"'id' must be a string or a number, got {type(fid).__name__}",
        )
    else:
        key = _id_text(fid)
        if key in seen:
            yield Problem(source, n, shown, f"duplicate id {key!r} (also feature {seen[key]})")
        else:
            seen[key] = n


def _check_geometry(
    source: str, n: int, fid: Any, geom: shapely.Geometry | None, projected_input: bool
) -> Iterable[Problem]:
    if geom is None:
        yield Problem(source, n, fid, "no geometry (null)")
        return
    if geom.geom_type not in ("LineString", "MultiLineString"):
        yield Problem(
            source,
            n,
            fid,
            f"geometry is {geom.geom_type}; a route must be a LineString or MultiLineString",
        )
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


def _check_ranges(
    source: str, n: int, fid: Any, geom: shapely.Geometry, *, projected_input: bool
) -> Iterable[Problem]:
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
        yield Problem(
            source,
            n,
            fid,
            f"coordinate {shown} is not longitude/latitude: the numbers "
            "look projected (metres?) but no CRS is declared; declare "
            "the CRS or reproject to EPSG:4326",
        )
    elif (xy_abs[:, 0] <= 90.0).all() and (xy_abs[:, 1] <= 180.0).all():
        yield Problem(
            source,
            n,
            fid,
            f"coordinate {shown} has latitude outside ±90°: the "
            "coordinates look like (lat, lon); give them as "
            "(lon, lat), longitude first",
        )
    elif bad_lat.any():
        yield Problem(
            source, n, fid, f"coordinate {shown}: latitude {lat[i]!r} is outside [-90, 90]"
        )
    else:
        yield Problem(
            source, n, fid, f"coordinate {shown}: longitude {lon[i]!r} is outside [-360, 360]"
        )
