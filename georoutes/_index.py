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
_GRID_DEG = 0.25  # cell of the edge grid (degrees)
_GRID_NX = round(360 / _GRID_DEG)
_GRID_NY = round(180 / _GRID_DEG)


def grid_cells(
    lon: npt.NDArray[np.float64], lat: npt.NDArray[np.float64]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Return the edge grid's column and row of each point (clamped to the grid).

    The mapping is monotone, so two boxes that meet (closed intervals) share a cell.
    """
    col = np.clip(np.floor((lon + 180.0) / _GRID_DEG), 0, _GRID_NX - 1).astype(np.int64)
    row = np.clip(np.floor((lat + 90.0) / _GRID_DEG), 0, _GRID_NY - 1).astype(np.int64)
    return col, row


def _edge_grid(
    minx: npt.NDArray[np.float64],
    miny: npt.NDArray[np.float64],
    maxx: npt.NDArray[np.float64],
    maxy: npt.NDArray[np.float64],
) -> npt.NDArray[np.bool_]:
    grid = np.zeros((_GRID_NY, _GRID_NX), dtype=bool)
    c0, r0 = grid_cells(minx, miny)
    c1, r1 = grid_cells(maxx, maxy)
    width, height = c1 - c0 + 1, r1 - r0 + 1
    # Each box's cells, row by row: one slice per (box, row).
    box = np.repeat(np.arange(minx.size), height)
    row = np.repeat(r0, height) + (
        np.arange(box.size) - np.repeat(np.cumsum(height) - height, height)
    )
    count = width[box]
    cell_box = np.repeat(box, count)
    col = np.repeat(c0[box], count) + (
        np.arange(cell_box.size) - np.repeat(np.cumsum(count) - count, count)
    )
    grid[np.repeat(row, count), col] = True
    return grid


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
    #: ``[row, col]`` True where some edge run's bounding box meets the cell of
    #: ``_GRID_DEG`` (see :func:`grid_cells`): a box meeting no such cell meets no edge run.
    edge_grid: npt.NDArray[np.bool_]
    #: Summed-area table of ``edge_grid`` (``[r, c]``: marked cells above-left of r, c).
    edge_grid_sum: npt.NDArray[np.int32]

    #: Per grid cell without edges, the state it lies in (-1: none), filled as cells are met;
    #: -2: not known yet or the cell has edges.
    cell_state: npt.NDArray[np.int16] | None = None

    def locate(
        self, lon: npt.NDArray[np.float64], lat: npt.NDArray[np.float64]
    ) -> npt.NDArray[np.int64]:
        """Return the index of the state containing each point, or -1 for none.

        A point in a cell of the edge grid that no edge meets is in the state of the cell's
        centre (no boundary runs between them): each such cell is located once, by its centre,
        and remembered; the other points are tested against the polygons.
        """
        if lon.size < 64 or self.codes.size >= 2**15 - 1:
            return self._locate_exact(lon, lat)
        if self.cell_state is None:
            self.cell_state = np.full(self.edge_grid.shape, -2, dtype=np.int16)
        inside = (lon >= -180.0) & (lon <= 180.0) & (lat >= -90.0) & (lat <= 90.0)
        col, row = grid_cells(lon, lat)
        free = inside & ~self.edge_grid[row, col]
        flat = row * _GRID_NX + col
        cells = self.cell_state.reshape(-1)
        new = np.unique(flat[free & (cells[flat] == -2)])
        if new.size:
            r, c = np.divmod(new, _GRID_NX)
            centre_lon = -180.0 + (c + 0.5) * _GRID_DEG
            centre_lat = -90.0 + (r + 0.5) * _GRID_DEG
            cells[new] = self._locate_exact(centre_lon, centre_lat)
        out = np.where(free, cells[flat], -1).astype(np.int64)
        exact = np.flatnonzero(~free)
        if exact.size:
            out[exact] = self._locate_exact(lon[exact], lat[exact])
        return out

    def _locate_exact(
        self, lon: npt.NDArray[np.float64], lat: npt.NDArray[np.float64]
    ) -> npt.NDArray[np.int64]:
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

    def edges_may_meet(
        self,
        minx: npt.NDArray[np.float64],
        miny: npt.NDArray[np.float64],
        maxx: npt.NDArray[np.float64],
        maxy: npt.NDArray[np.float64],
    ) -> npt.NDArray[np.bool_]:
        """Return False for boxes that meet no edge run's box (True: they may).

        Exact at the grid's cells: a box meets an edge run's box only if they share a cell,
        and the summed-area table counts the marked cells of any box at once.
        """
        c0, r0 = grid_cells(minx, miny)
        c1, r1 = grid_cells(maxx, maxy)
        t = self.edge_grid_sum
        marked = t[r1 + 1, c1 + 1] - t[r0, c1 + 1] - t[r1 + 1, c0] + t[r0, c0]
        # (Boxes outside ±180° in lon are clamped onto the grid: send them on.)
        return np.asarray((marked > 0) | (minx < -180.0) | (maxx > 180.0))

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
    grid = _edge_grid(run_minx, run_miny, run_maxx, run_maxy)
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
        edge_grid=grid,
        edge_grid_sum=np.pad(
            grid.cumsum(0, dtype=np.int32).cumsum(1, dtype=np.int32), ((1, 0), (1, 0))
        ),
    )
