"""The spatial index of a boundary layer: prepared polygons and boundary-edge runs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import shapely

__all__ = ["BoundaryIndex", "boundary_index"]

_EDGE_RUN = 32  # boundary edges per STRtree box


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

    def locate(
        self, lon: npt.NDArray[np.float64], lat: npt.NDArray[np.float64]
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
    run_start = np.repeat(ring_first, runs_per_ring) + _EDGE_RUN * (
        np.arange(runs_per_ring.sum())
        - np.repeat(np.cumsum(runs_per_ring) - runs_per_ring, runs_per_ring)
    )
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
        ex0=ex0,
        ey0=ey0,
        ex1=ex1,
        ey1=ey1,
        edge_state=edge_state,
        run_start=run_start.astype(np.int64),
        run_stop=run_stop.astype(np.int64),
        run_minx=run_minx,
        run_miny=run_miny,
        run_maxx=run_maxx,
        run_maxy=run_maxy,
        run_state=edge_state[run_start],
        edge_tree=shapely.STRtree(shapely.box(run_minx, run_miny, run_maxx, run_maxy)),
    )
