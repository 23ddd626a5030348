"""Boundary layers: the shipped Natural Earth layer, users' own layers, and a spatial index.

A boundary layer is a GeoDataFrame in EPSG:4326 with one (Multi)Polygon per state, a ``code``
column (ISO 3166-1 alpha-3 style, Natural Earth's ``ADM0_A3``) and a ``name`` column.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import shapely

from ._data import layers_dir
from ._io import read_vector
from .errors import BoundaryError, UnknownStateError, unknown_code_message

__all__ = ["BoundaryIndex", "boundary_index", "check_codes", "load_boundaries", "polygonal"]

DEFAULT_LAYER = "ne"

_BUILTIN: dict[str, dict[str, str]] = {
    "ne": {
        "file": "ne_10m_admin0.parquet",
        "name": "Natural Earth 1:10m Admin 0 - Countries",
        "version": "5.1.1",
        "attribution": "Made with Natural Earth (public domain)",
    },
}

_EDGE_RUN = 32  # boundary edges per STRtree box


def _resolve(name_or_path: str | os.PathLike[str] | None) -> tuple[Path, dict[str, str]]:
    if name_or_path is None:
        name_or_path = _default_layer_name()
    text = os.fspath(name_or_path)
    registry = _registry()
    if text in registry:
        meta = dict(registry[text])
        meta.setdefault("key", text)
        meta["builtin"] = "yes"
        return layers_dir() / "boundaries" / meta["file"], meta
    path = Path(text)
    if not path.exists():
        names = ", ".join(sorted(registry))
        raise BoundaryError(f"{text}: no such boundary file, and not a built-in layer name "
                            f"(built-in layers: {names})")
    return path, {"name": path.name, "version": _file_version(path), "key": str(path)}


def _registry() -> dict[str, dict[str, str]]:
    try:
        from . import _layers  # the high-resolution layers, when shipped
    except ImportError:
        return _BUILTIN
    merged = dict(_BUILTIN)
    merged.update(getattr(_layers, "LAYERS", {}))
    return merged


def _default_layer_name() -> str:
    try:
        from . import _layers
    except ImportError:
        return DEFAULT_LAYER
    name = getattr(_layers, "DEFAULT", DEFAULT_LAYER)
    return str(name) if (layers_dir() / "boundaries" / _registry()[name]["file"]).exists() \
        else DEFAULT_LAYER


def _file_version(path: Path) -> str:
    stat = path.stat()
    return f"user file, {stat.st_size} bytes, modified {int(stat.st_mtime)}"


_CACHE: dict[tuple[str, str, str, float], gpd.GeoDataFrame] = {}


def load_boundaries(path_or_name: str | os.PathLike[str] | None = None, *,
                    code_column: str = "code", name_column: str | None = "name"
                    ) -> gpd.GeoDataFrame:
    """Return a boundary layer as a GeoDataFrame in EPSG:4326 with ``code`` and ``name``.

    Parameters
    ----------
    path_or_name
        ``None`` for the default shipped layer, the name of a shipped layer (``"ne"``, ...), or
        the path of a user's layer in any format GDAL reads (GeoPackage, GeoJSON, Shapefile,
        GeoParquet) and any CRS; it is transformed to EPSG:4326.
    code_column
        The column holding each state's code (ISO 3166-1 alpha-3 style, e.g. ``ADM0_A3``).
    name_column
        The column holding each state's name, if any.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per state (rows sharing a code are dissolved), valid polygons, with
        ``attrs["name"]`` and ``attrs["version"]`` describing the layer.

    Examples
    --------
    >>> layer = load_boundaries()
    >>> sorted(set(layer["code"]) & {"CHN", "PRK", "KOR", "RUS"})
    ['CHN', 'KOR', 'PRK', 'RUS']
    """
    path, meta = _resolve(path_or_name)
    key = (str(path.resolve()), code_column, str(name_column), path.stat().st_mtime)
    cached = _CACHE.get(key)
    if cached is not None:
        return cached
    # Shipped layers were repaired and checked when they were built (scripts/): skip the
    # validity test, which costs seconds on the high-resolution layers.
    layer = _read_layer(path, code_column=code_column, name_column=name_column,
                        trusted=meta.get("builtin") == "yes")
    layer.attrs["name"] = meta.get("name", path.name)
    layer.attrs["version"] = meta.get("version", "")
    layer.attrs["key"] = meta.get("key", str(path))
    if meta.get("attribution"):
        layer.attrs["attribution"] = meta["attribution"]
    _CACHE[key] = layer
    return layer


def _read_layer(path: Path, *, code_column: str, name_column: str | None,
                trusted: bool = False) -> gpd.GeoDataFrame:
    raw = read_vector(path, source=str(path), error=BoundaryError, what="a boundary layer")
    if code_column not in raw.columns:
        cols = ", ".join(repr(c) for c in raw.columns if c != raw.geometry.name)
        raise BoundaryError(f"{path}: no code column {code_column!r}; columns are: {cols} "
                            "(pass code_column=... / --code-column)")
    if raw.crs is None:
        xy = shapely.get_coordinates(raw.geometry.values)
        if xy.size and (np.abs(xy[:, 0]).max() > 360 or np.abs(xy[:, 1]).max() > 90):
            raise BoundaryError(f"{path}: no CRS declared and coordinates are not longitude/"
                                "latitude degrees; declare the layer's CRS")
        raw = raw.set_crs("EPSG:4326")
    elif not raw.crs.equals("EPSG:4326"):
        raw = raw.to_crs("EPSG:4326")
    problems = []
    for i, (code, geom) in enumerate(zip(raw[code_column], raw.geometry.values, strict=True)):
        if code is None or (isinstance(code, float) and np.isnan(code)) or str(code).strip() == "":
            problems.append(f"{path}: feature {i}: empty {code_column!r}")
        elif geom is None or geom.is_empty:
            problems.append(f"{path}: feature {i} ({code!r}): empty geometry")
        elif geom.geom_type not in ("Polygon", "MultiPolygon"):
            problems.append(f"{path}: feature {i} ({code!r}): geometry is {geom.geom_type}, "
                            "a boundary layer needs Polygon or MultiPolygon")
    if problems:
        raise BoundaryError("\n".join(problems))
    geoms = list(raw.geometry.values) if trusted else [polygonal(g) for g in raw.geometry.values]
    names = raw[name_column].astype(str) if name_column and name_column in raw else \
        raw[code_column].astype(str)
    frame = gpd.GeoDataFrame({"code": raw[code_column].astype(str).str.strip(),
                              "name": names.values}, geometry=geoms, crs="EPSG:4326")
    if frame["code"].duplicated().any():
        frame = frame.dissolve(by="code", aggfunc="first", as_index=False)
    return frame.reset_index(drop=True)


def polygonal(geom: shapely.Geometry) -> shapely.Geometry:
    """Return ``geom`` made valid, keeping only its polygonal parts (lines and points dropped)."""
    if shapely.is_valid(geom):
        return geom
    fixed = shapely.make_valid(geom)
    parts = [g for g in shapely.get_parts(fixed) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts)


def check_codes(codes: list[str] | tuple[str, ...], boundaries: gpd.GeoDataFrame, *,
                source: str = "focus") -> list[str]:
    """Return ``codes`` upper-cased, or raise UnknownStateError naming close matches."""
    valid = set(boundaries["code"])
    out = []
    for code in codes:
        text = str(code).strip().upper()
        if text not in valid:
            raise UnknownStateError(f"{source}: {unknown_code_message(code, valid)}")
        out.append(text)
    return out


# --------------------------------------------------------------------------------------------
# Spatial index


@dataclass
class BoundaryIndex:
    """Prepared geometries and boundary-edge arrays of a layer, for the transit engine."""

    codes: npt.NDArray[np.str_]
    geoms: npt.NDArray[Any]
    country_tree: shapely.STRtree
    ex0: npt.NDArray[np.float64]
    ey0: npt.NDArray[np.float64]
    ex1: npt.NDArray[np.float64]
    ey1: npt.NDArray[np.float64]
    edge_state: npt.NDArray[np.int64]
    run_start: npt.NDArray[np.int64]
    run_stop: npt.NDArray[np.int64]
    run_minx: npt.NDArray[np.float64]
    run_miny: npt.NDArray[np.float64]
    run_maxx: npt.NDArray[np.float64]
    run_maxy: npt.NDArray[np.float64]
    run_state: npt.NDArray[np.int64]
    edge_tree: shapely.STRtree

    def locate(self, lon: npt.NDArray[np.float64], lat: npt.NDArray[np.float64]
               ) -> npt.NDArray[np.int64]:
        """Return the index of the state containing each point, or -1 for none."""
        out = np.full(lon.size, -1, dtype=np.int64)
        if lon.size == 0:
            return out
        pi, ci = self.country_tree.query(shapely.points(lon, lat))
        if pi.size == 0:
            return out
        hit = shapely.intersects_xy(self.geoms[ci], lon[pi], lat[pi])
        pi, ci = pi[hit], ci[hit]
        # When layers overlap (disputed areas) the first state in layer order wins, stably.
        order = np.lexsort((ci, pi))
        pi, ci = pi[order], ci[order]
        first = np.ones(pi.size, dtype=bool)
        first[1:] = pi[1:] != pi[:-1]
        out[pi[first]] = ci[first]
        return out

    def state_number(self, code: str) -> int:
        """Return the row index of ``code`` in the layer."""
        return int(np.flatnonzero(self.codes == code)[0])


_INDEX: dict[int, tuple[gpd.GeoDataFrame, BoundaryIndex]] = {}


def boundary_index(boundaries: gpd.GeoDataFrame) -> BoundaryIndex:
    """Return the (cached) spatial index of a boundary layer."""
    hit = _INDEX.get(id(boundaries))
    if hit is not None and hit[0] is boundaries:
        return hit[1]
    index = _build_index(boundaries)
    _INDEX[id(boundaries)] = (boundaries, index)
    return index


def _build_index(boundaries: gpd.GeoDataFrame) -> BoundaryIndex:
    geoms = np.asarray(boundaries.geometry.values, dtype=object)
    shapely.prepare(geoms)
    parts, part_owner = shapely.get_parts(geoms, return_index=True)
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    ring_owner = part_owner[ring_part]
    xy, vert_ring = shapely.get_coordinates(rings, return_index=True)
    same = vert_ring[1:] == vert_ring[:-1]
    ex0, ey0 = xy[:-1, 0][same], xy[:-1, 1][same]
    ex1, ey1 = xy[1:, 0][same], xy[1:, 1][same]
    edge_ring = vert_ring[:-1][same]
    edge_state = ring_owner[edge_ring].astype(np.int64)
    # Runs of at most _EDGE_RUN consecutive edges of one ring.
    n_edges = ex0.size
    ring_first = np.flatnonzero(np.r_[True, edge_ring[1:] != edge_ring[:-1]])
    ring_len = np.diff(np.r_[ring_first, n_edges])
    runs_per_ring = -(-ring_len // _EDGE_RUN)
    run_start = (np.repeat(ring_first, runs_per_ring)
                 + _EDGE_RUN * (np.arange(runs_per_ring.sum())
                                - np.repeat(np.cumsum(runs_per_ring) - runs_per_ring,
                                            runs_per_ring)))
    run_stop = np.minimum(run_start + _EDGE_RUN, np.repeat(ring_first + ring_len, runs_per_ring))
    lo_x = np.minimum(ex0, ex1)
    hi_x = np.maximum(ex0, ex1)
    lo_y = np.minimum(ey0, ey1)
    hi_y = np.maximum(ey0, ey1)
    run_minx = np.minimum.reduceat(lo_x, run_start)
    run_maxx = np.maximum.reduceat(hi_x, run_start)
    run_miny = np.minimum.reduceat(lo_y, run_start)
    run_maxy = np.maximum.reduceat(hi_y, run_start)
    envelopes = shapely.envelope(geoms)
    return BoundaryIndex(
        codes=np.asarray(boundaries["code"].astype(str).values),
        geoms=geoms,
        country_tree=shapely.STRtree(envelopes),
        ex0=ex0, ey0=ey0, ex1=ex1, ey1=ey1, edge_state=edge_state,
        run_start=run_start.astype(np.int64), run_stop=run_stop.astype(np.int64),
        run_minx=run_minx, run_miny=run_miny, run_maxx=run_maxx, run_maxy=run_maxy,
        run_state=edge_state[run_start],
        edge_tree=shapely.STRtree(shapely.box(run_minx, run_miny, run_maxx, run_maxy)),
    )
