"""Per-state pieces along routes, border crossings and slivers.

The engine works on route *segments*, not on whole polygons: every densified route segment is
tested against the boundary *edges* near it (an STRtree of short runs of edges), each segment is
cut where it crosses an edge, and each stretch between two cuts gets one point-in-polygon test on
the prepared country geometries. Lengths come from the geodesic length of each densified segment,
shared out by the cut fractions, so the pieces of a route add up to its length exactly.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely

from .boundaries import BoundaryIndex, boundary_index, load_boundaries
from .geodesy import DensifiedFlat, densify_flat, densify_parts, split_antimeridian
from .routes import as_routes

__all__ = [
    "RouteRuns",
    "Segments",
    "crossings",
    "route_runs",
    "route_segments",
    "summarise_routes",
    "transits",
]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

_RUN = 16  # route segments per STRtree query box, at most ...
_RUN_DEG = 0.4  # ... spanning about this much lon/lat path (degrees)

#: Offshore gaps shorter than this (km) between two states are numerical, not sea.
_GAP_EPS_KM = 1e-6


@dataclass
class Segments:
    """All densified segments of a batch of routes, in (lon, lat) wrapped into [-180, 180].

    ``start_m`` is each segment's start as a *global* position in metres: routes are laid end
    to end (route ``r`` starts at ``offset_m[r]``) so one sorted array addresses every route.
    """

    route: IntArray
    piece: IntArray  # index of the antimeridian piece within the route (for chunking)
    lon0: FloatArray
    lat0: FloatArray
    lon1: FloatArray
    lat1: FloatArray
    start_m: FloatArray
    len_m: FloatArray
    offset_m: FloatArray  # start of each route, global metres
    length_m: FloatArray  # length of each route, metres
    part_starts: FloatArray  # global positions where a new line part begins
    ids: list[str] = field(default_factory=list)

    def point_on(self, seg_idx: IntArray, pos: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Return (lon, lat) of global positions ``pos`` on the given segments."""
        with np.errstate(invalid="ignore", divide="ignore"):
            t = np.where(
                self.len_m[seg_idx] > 0, (pos - self.start_m[seg_idx]) / self.len_m[seg_idx], 0.0
            )
        t = np.clip(t, 0.0, 1.0)
        lon = self.lon0[seg_idx] + t * (self.lon1[seg_idx] - self.lon0[seg_idx])
        lat = self.lat0[seg_idx] + t * (self.lat1[seg_idx] - self.lat0[seg_idx])
        return lon, lat

    def point_at(self, pos: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Return (lon, lat) of global positions ``pos`` (metres), on the densified line."""
        idx = np.searchsorted(self.start_m, pos, side="right") - 1
        idx = np.clip(idx, 0, self.start_m.size - 1)
        with np.errstate(invalid="ignore", divide="ignore"):
            t = np.where(self.len_m[idx] > 0, (pos - self.start_m[idx]) / self.len_m[idx], 0.0)
        t = np.clip(t, 0.0, 1.0)
        lon = self.lon0[idx] + t * (self.lon1[idx] - self.lon0[idx])
        lat = self.lat0[idx] + t * (self.lat1[idx] - self.lat0[idx])
        return lon, lat


def route_segments(routes: gpd.GeoDataFrame) -> Segments:
    """Return the densified, antimeridian-split segments of every route, in route order."""
    geoms = np.asarray(routes.geometry.values, dtype=object)
    parts, owner = shapely.get_parts(geoms, return_index=True)
    xy, part_of = shapely.get_coordinates(parts, return_index=True)
    flat = densify_flat(xy[:, 0], xy[:, 1], part_of)
    if flat.lon.size and (np.abs(flat.lon) <= 180.0).all():
        return _segments_flat(routes, flat, owner.astype(np.int64))
    return _segments_by_part(routes)


def _segments_flat(routes: gpd.GeoDataFrame, flat: DensifiedFlat, owner: IntArray) -> Segments:
    """Segments of routes none of which crosses ±180° (every part is one piece)."""
    n_routes = len(routes)
    i = flat.seg_start
    seg_part = flat.seg_part
    route = owner[seg_part]
    length_m = np.bincount(route, weights=flat.seg_m, minlength=n_routes).astype(float)
    offset_m = np.concatenate([[0.0], np.cumsum(length_m)[:-1]]) if n_routes else np.zeros(0)
    # Global positions: each route's own running sum from its start (so a route's first
    # segment starts exactly at its offset).
    cum = np.concatenate([[0.0], np.cumsum(flat.seg_m)])
    first_seg = np.searchsorted(route, np.arange(n_routes)) if n_routes else np.zeros(0, int)
    start_m = offset_m[route] + (cum[:-1] - cum[first_seg[route]]) if i.size else np.zeros(0)
    # Pieces: the parts of a route, numbered from 0 within it.
    first_part_of_route = np.searchsorted(owner, np.arange(n_routes))
    piece = seg_part - first_part_of_route[route]
    new_part = np.r_[True, seg_part[1:] != seg_part[:-1]] if i.size else np.zeros(0, bool)
    return Segments(
        route=route.astype(np.int64),
        piece=piece.astype(np.int64),
        lon0=flat.lon[i],
        lat0=flat.lat[i],
        lon1=flat.lon[i + 1],
        lat1=flat.lat[i + 1],
        start_m=start_m,
        len_m=flat.seg_m.astype(float),
        offset_m=offset_m,
        length_m=length_m,
        part_starts=start_m[new_part].astype(float),
        ids=[str(x) for x in routes["id"]] if "id" in routes else [str(x) for x in routes.index],
    )


def _segments_by_part(routes: gpd.GeoDataFrame) -> Segments:
    """Segments of routes, part by part (the general case, for lines across ±180°)."""
    lons: list[npt.ArrayLike] = []
    lats: list[npt.ArrayLike] = []
    owner: list[int] = []
    for r, geom in enumerate(routes.geometry.values):
        for part in shapely.get_parts(geom):
            xy = shapely.get_coordinates(part)
            lons.append(xy[:, 0])
            lats.append(xy[:, 1])
            owner.append(r)
    parts = densify_parts(lons, lats)
    cols: dict[str, list[Any]] = {
        k: [] for k in ("route", "piece", "lon0", "lat0", "lon1", "lat1", "start_m", "len")
    }
    n_routes = len(routes)
    length_m = np.zeros(n_routes)
    for part, r in zip(parts, owner, strict=True):
        length_m[r] += part.seg_m.sum()
    offset_m = np.concatenate([[0.0], np.cumsum(length_m)[:-1]]) if n_routes else np.zeros(0)
    cursor = offset_m.copy()
    piece_counter = np.zeros(n_routes, dtype=np.int64)
    part_starts: list[float] = []
    for part, r in zip(parts, owner, strict=True):
        if part.seg_m.size == 0:
            continue
        part_starts.append(cursor[r])
        cum = np.concatenate([[0.0], np.cumsum(part.seg_m)])
        if np.all((part.lon >= -180.0) & (part.lon <= 180.0)):
            pieces = [(part.lon, part.lat, np.arange(part.lon.size, dtype=float))]
        else:
            pieces = split_antimeridian(part.lon, part.lat)
        for plon, plat, frac in pieces:
            # Map each vertex's fractional segment index to metres along the part.
            i = np.minimum(np.floor(frac).astype(np.int64), part.seg_m.size - 1)
            pos = cum[i] + (frac - i) * part.seg_m[i]
            seg_len = np.diff(pos)
            cols["route"].append(np.full(seg_len.size, r))
            cols["piece"].append(np.full(seg_len.size, piece_counter[r]))
            cols["lon0"].append(plon[:-1])
            cols["lat0"].append(plat[:-1])
            cols["lon1"].append(plon[1:])
            cols["lat1"].append(plat[1:])
            cols["start_m"].append(cursor[r] + pos[:-1])
            cols["len"].append(seg_len)
            piece_counter[r] += 1
        cursor[r] += cum[-1]

    def cat(key: str, dtype: type) -> Any:
        return np.concatenate(cols[key]).astype(dtype) if cols[key] else np.zeros(0, dtype=dtype)

    return Segments(
        route=cat("route", np.int64),
        piece=cat("piece", np.int64),
        lon0=cat("lon0", float),
        lat0=cat("lat0", float),
        lon1=cat("lon1", float),
        lat1=cat("lat1", float),
        start_m=cat("start_m", float),
        len_m=cat("len", float),
        offset_m=offset_m,
        length_m=length_m,
        part_starts=np.asarray(part_starts, dtype=float),
        ids=[str(i) for i in routes["id"]] if "id" in routes else [str(i) for i in routes.index],
    )


def _cut_positions(seg: Segments, index: BoundaryIndex) -> FloatArray:
    """Return global positions (metres) where segments cross any boundary edge."""
    n = seg.lon0.size
    if n == 0:
        return np.zeros(0)
    # Boxes over runs of consecutive segments (a run never spans two routes' gaps: boxes are
    # only a filter, exact tests follow). A run holds up to _RUN segments and ends once it
    # spans _RUN_DEG of lon/lat path, so short segments share a box and long ones get their own.
    step = np.abs(seg.lon1 - seg.lon0) + np.abs(seg.lat1 - seg.lat0)
    bucket = np.floor(np.cumsum(step) / _RUN_DEG)
    new = np.ones(n, dtype=bool)
    new[1:] = bucket[1:] != bucket[:-1]
    first = np.flatnonzero(new)
    # Cap each run at _RUN segments.
    size = np.diff(np.r_[first, n])
    extra = (size - 1) // _RUN
    if extra.any():
        first = np.sort(np.r_[first, np.repeat(first, extra) + _RUN * _ragged_arange(extra) + _RUN])
    minx = np.minimum.reduceat(np.minimum(seg.lon0, seg.lon1), first)
    maxx = np.maximum.reduceat(np.maximum(seg.lon0, seg.lon1), first)
    miny = np.minimum.reduceat(np.minimum(seg.lat0, seg.lat1), first)
    maxy = np.maximum.reduceat(np.maximum(seg.lat0, seg.lat1), first)
    stops = np.r_[first[1:], n]
    # Runs whose box meets no cell of the edge grid meet no edge run: no box, no query.
    keep = np.flatnonzero(index.edges_may_meet(minx, miny, maxx, maxy))
    first, stops = first[keep], stops[keep]
    boxes = shapely.box(minx[keep], miny[keep], maxx[keep], maxy[keep])
    # Batches of segment runs bound the memory of the pair arrays below.
    found = [
        _cut_batch(seg, index, first, stops, boxes, lo, min(lo + 4_000, first.size))
        for lo in range(0, first.size, 4_000)
    ]
    return np.unique(np.concatenate(found)) if found else np.zeros(0)


def _cut_batch(
    seg: Segments,
    index: BoundaryIndex,
    starts: IntArray,
    stops: IntArray,
    boxes: npt.NDArray[Any],
    lo: int,
    hi: int,
) -> FloatArray:
    qi, ei = index.edge_tree.query(boxes[lo:hi])
    qi = qi + lo
    if qi.size == 0:
        return np.zeros(0)
    # Expand (segment run, edge run) pairs to (segment, edge run) pairs, bbox-filtered.
    run_len = stops[qi] - starts[qi]
    s_idx = np.repeat(starts[qi], run_len) + _ragged_arange(run_len)
    e_run = np.repeat(ei, run_len)
    ok = (
        (np.minimum(seg.lon0[s_idx], seg.lon1[s_idx]) <= index.run_maxx[e_run])
        & (np.maximum(seg.lon0[s_idx], seg.lon1[s_idx]) >= index.run_minx[e_run])
        & (np.minimum(seg.lat0[s_idx], seg.lat1[s_idx]) <= index.run_maxy[e_run])
        & (np.maximum(seg.lat0[s_idx], seg.lat1[s_idx]) >= index.run_miny[e_run])
    )
    s_idx, e_run = s_idx[ok], e_run[ok]
    # Expand to (segment, edge) pairs.
    run_len = index.run_stop[e_run] - index.run_start[e_run]
    s_rep = np.repeat(s_idx, run_len)
    e_idx = np.repeat(index.run_start[e_run], run_len) + _ragged_arange(run_len)
    px, py = seg.lon0[s_rep], seg.lat0[s_rep]
    rx, ry = seg.lon1[s_rep] - px, seg.lat1[s_rep] - py
    qx, qy = index.ex0[e_idx], index.ey0[e_idx]
    sx, sy = index.ex1[e_idx] - qx, index.ey1[e_idx] - qy
    denom = rx * sy - ry * sx
    with np.errstate(invalid="ignore", divide="ignore"):
        t = ((qx - px) * sy - (qy - py) * sx) / denom
        u = ((qx - px) * ry - (qy - py) * rx) / denom
    hit = (denom != 0) & (t >= 0) & (t <= 1) & (u >= 0) & (u <= 1)
    s_hit, t_hit = s_rep[hit], t[hit]
    return np.asarray(seg.start_m[s_hit] + t_hit * seg.len_m[s_hit], dtype=float)


def _ragged_arange(counts: IntArray) -> IntArray:
    # [0..c0), [0..c1), ... concatenated.
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    starts = np.cumsum(counts) - counts
    return np.arange(total, dtype=np.int64) - np.repeat(starts, counts)


#: A stretch of no state between two states' land no longer than this is a river left out of
#: the land polygons (or a strait bridged on land): the crossing over it is a land crossing.
#: The Tumen at the Friendship Bridge is a few hundred metres wide; the narrowest sea crossing
#: between two states in the catalog (the Korea Strait) is 50 km.
RIVER_KM = 3.0


@dataclass
class RouteRuns:
    """Maximal stretches of each route inside one state (``state`` -1 = offshore).

    Positions are global metres (see :class:`Segments`); ``codes`` maps state indices to codes.
    """

    seg: Segments
    route: IntArray
    start_m: FloatArray
    stop_m: FloatArray
    state: IntArray
    codes: npt.NDArray[np.str_]

    def state_at(self, pos: FloatArray, route: IntArray | None = None) -> IntArray:
        """Return the state index (-1 offshore) at global positions ``pos``.

        A position shared by the end of one route and the start of the next belongs to the
        latter unless ``route`` says which route each position is on.
        """
        if self.start_m.size == 0:  # routes too short to hold a stretch (a few nanometres)
            return np.full(np.shape(pos), -1, dtype=np.int64)
        idx = np.clip(
            np.searchsorted(self.start_m, pos, side="right") - 1, 0, self.start_m.size - 1
        )
        if route is not None:
            idx = np.where((self.route[idx] != route) & (idx > 0), idx - 1, idx)
        return self.state[idx]


def route_runs(routes: gpd.GeoDataFrame, boundaries: gpd.GeoDataFrame) -> RouteRuns:
    """Return every route cut at every state boundary, each stretch labelled with its state."""
    index = boundary_index(boundaries)
    seg = route_segments(routes)
    cuts = _cut_positions(seg, index)
    ends = seg.offset_m + seg.length_m
    bounds = np.unique(np.concatenate([cuts, seg.part_starts, seg.offset_m, ends]))
    start, stop = bounds[:-1], bounds[1:]
    keep = stop > start
    start, stop = start[keep], stop[keep]
    route = np.searchsorted(seg.offset_m, start, side="right") - 1
    # Drop stretches that fall between routes (there are none by construction, but a route of
    # zero length has offset == next offset).
    keep = stop <= ends[route] + 1e-6
    start, stop, route = start[keep], stop[keep], route[keep]
    mx, my = seg.point_at((start + stop) / 2.0)
    state = index.locate(mx, my)
    return RouteRuns(
        seg=seg, route=route, start_m=start, stop_m=stop, state=state, codes=index.codes
    )


# --------------------------------------------------------------------------------------------
# Per-route summaries: km by state, states, slivers, crossings


@dataclass(frozen=True)
class _Run:
    state: str | None
    start_km: float
    stop_km: float

    @property
    def km(self) -> float:
        return self.stop_km - self.start_km


def _merged_runs(runs: RouteRuns, r: int) -> list[_Run]:
    # Runs are sorted by route: the route's runs are one slice.
    lo = int(np.searchsorted(runs.route, r, side="left"))
    hi = int(np.searchsorted(runs.route, r, side="right"))
    sel = range(lo, hi)
    base = runs.seg.offset_m[r]
    out: list[_Run] = []
    for i in sel:
        code = None if runs.state[i] < 0 else str(runs.codes[runs.state[i]])
        a = (runs.start_m[i] - base) / 1000.0
        b = (runs.stop_m[i] - base) / 1000.0
        if out and out[-1].state == code:
            out[-1] = _Run(code, out[-1].start_km, b)
        else:
            out.append(_Run(code, a, b))
    return out


def summarise_routes(
    runs: RouteRuns, *, min_piece_km: float, networks: Sequence[bool] | None = None
) -> list[dict[str, Any]]:
    """Return, per route, km_by_state, offshore_km, states, transit_states, slivers, crossings.

    ``networks`` flags routes whose parts are a set (branches, :mod:`georoutes.chains`): every
    join between their parts is then a gap, never a crossing.
    """
    gaps = _part_gaps_km(runs.seg, networks)
    out = [
        _summarise_route(runs, r, min_piece_km=min_piece_km, gaps_km=gaps.get(r, ()))
        for r in range(runs.seg.length_m.size)
    ]
    xings = [x for summary in out for x in summary["crossings"]]
    owner = np.array(
        [r for r, summary in enumerate(out) for _ in summary["crossings"]], dtype=np.int64
    )
    if xings:
        pos = runs.seg.offset_m[owner] + np.array([x["km"] for x in xings]) * 1000.0
        lon, lat = runs.seg.point_at(pos)
        lon = ((lon + 180.0) % 360.0) - 180.0
        for x, x_lon, x_lat in zip(xings, lon.tolist(), lat.tolist(), strict=True):
            x["lon"], x["lat"] = x_lon, x_lat
    return out


def _part_gaps_km(
    seg: Segments, networks: Sequence[bool] | None = None
) -> dict[int, tuple[float, ...]]:
    """Return, per route, the km positions of joins between parts that do not touch.

    A join is a gap when the previous part ends elsewhere than the next one starts.
    """
    if seg.part_starts.size == 0 or seg.start_m.size == 0:
        return {}
    first = np.searchsorted(seg.start_m, seg.part_starts, side="left")
    inner = (first > 0) & (first < seg.start_m.size)
    first = first[inner]
    pos = seg.part_starts[inner]
    prev = first - 1
    route = np.searchsorted(seg.offset_m, pos, side="right") - 1
    same_route = route == (np.searchsorted(seg.offset_m, seg.start_m[prev], side="right") - 1)
    dlon = np.abs(seg.lon0[first] - seg.lon1[prev])
    dlon = np.minimum(dlon, 360.0 - dlon)  # the antimeridian is not a gap
    apart = (dlon > 1e-7) | (np.abs(seg.lat0[first] - seg.lat1[prev]) > 1e-7)
    if networks is not None:
        apart |= np.asarray(networks, dtype=bool)[route]
    out: dict[int, list[float]] = {}
    for r, p in zip(
        route[same_route & apart].tolist(), pos[same_route & apart].tolist(), strict=True
    ):
        out.setdefault(int(r), []).append((p - float(seg.offset_m[r])) / 1000.0)
    return {r: tuple(v) for r, v in out.items()}


def _states_at_gap(merged: list[_Run], gap_km: float) -> dict[str, Any]:
    """Return the gap's position and the states (None: offshore) on either side of it."""
    # A run may span the gap (the same state, or no state, on both sides).
    before = [run.state for run in merged if run.start_km < gap_km - _GAP_EPS_KM <= run.stop_km]
    after = [run.state for run in merged if run.start_km <= gap_km + _GAP_EPS_KM < run.stop_km]
    return {"km": gap_km, "from": before[0] if before else None, "to": after[0] if after else None}


def _between(gaps_km: tuple[float, ...], a_km: float, b_km: float) -> bool:
    return any(a_km - _GAP_EPS_KM <= g <= b_km + _GAP_EPS_KM for g in gaps_km)


def _summarise_route(
    runs: RouteRuns, r: int, *, min_piece_km: float, gaps_km: tuple[float, ...] = ()
) -> dict[str, Any]:
    merged = _merged_runs(runs, r)
    km_by_state: dict[str, float] = {}
    offshore_km = 0.0
    for run in merged:
        if run.state is None:
            offshore_km += run.km
        else:
            km_by_state[run.state] = km_by_state.get(run.state, 0.0) + run.km
    # State runs only (offshore stretches keep their place through the positions).
    land = [run for run in merged if run.state is not None]
    slivers: list[dict[str, Any]] = []
    changed = True
    while changed:
        changed = False
        # Absorb the shortest sliver first (then by state code), so that the result does not
        # depend on the direction the route is drawn in: in A, B(short), A, B the B and the A
        # in the middle are both slivers, and only one of them may go.
        # A sliver lies directly between its neighbours: what separates it from them is less
        # than min_piece_km of no state (a river left out of land polygons), never the sea,
        # and never a gap between parts. A landfall is therefore never absorbed.
        candidates = [
            i
            for i in range(1, len(land) - 1)
            if land[i].km < min_piece_km
            and land[i - 1].state == land[i + 1].state != land[i].state
            and land[i].start_km - land[i - 1].stop_km < min_piece_km
            and land[i + 1].start_km - land[i].stop_km < min_piece_km
            and not _between(gaps_km, land[i - 1].stop_km, land[i + 1].start_km)
        ]
        if candidates:
            i = min(candidates, key=lambda k: (land[k].km, str(land[k].state)))
            run, prev, nxt = land[i], land[i - 1], land[i + 1]
            slivers.append(
                {
                    "state": run.state,
                    "within": prev.state,
                    "from_km": run.start_km,
                    "to_km": run.stop_km,
                    "length_km": run.km,
                }
            )
            land[i - 1 : i + 2] = [_Run(prev.state, prev.start_km, nxt.stop_km)]
            changed = True
        # Merge neighbours of the same state left after absorbing.
        i = 1
        while i < len(land):
            if land[i].state == land[i - 1].state:
                land[i - 1 : i + 1] = [
                    _Run(land[i - 1].state, land[i - 1].start_km, land[i].stop_km)
                ]
            else:
                i += 1
    slivers.sort(key=lambda s: s["from_km"])
    states = [run.state for run in land if run.state is not None]
    # Crossing positions (lon, lat) are filled in by summarise_routes, all at once.
    # A change of state across a gap between two parts is no crossing (the line is missing);
    # a gap out at sea, with no state on either side, leaves a landfall a landfall.
    at_gap = [_states_at_gap(merged, g) for g in gaps_km]
    on_land = tuple(g["km"] for g in at_gap if g["from"] is not None or g["to"] is not None)
    xings: list[dict[str, Any]] = [
        {
            "from": prev.state,
            "to": nxt.state,
            "via": "sea" if nxt.start_km - prev.stop_km > RIVER_KM else "land",
            "lon": math.nan,
            "lat": math.nan,
            "km": nxt.start_km,
        }
        for prev, nxt in zip(land[:-1], land[1:], strict=True)
        if not _between(on_land, prev.stop_km, nxt.start_km)
    ]
    return {
        "length_km": runs.seg.length_m[r] / 1000.0,
        "_gap_states": at_gap,
        "_runs": [(run.state, run.start_km, run.stop_km) for run in merged],
        "states": states,
        "transit_states": states[1:-1],
        "km_by_state": km_by_state,
        "offshore_km": offshore_km,
        "crossings": xings,
        "slivers": slivers,
    }


# --------------------------------------------------------------------------------------------
# GeoDataFrame views


def _piece_geometry(seg: Segments, a: float, b: float) -> shapely.Geometry:
    sel = np.flatnonzero((seg.start_m < b) & (seg.start_m + seg.len_m > a))
    if sel.size == 0:
        lon, lat = seg.point_at(np.array([a, b]))
        return shapely.linestrings(np.column_stack([lon, lat]))
    lines = []
    cur: list[tuple[float, float]] = []
    last_piece = -1
    for i in sel:
        s0 = max(a, seg.start_m[i])
        s1 = min(b, seg.start_m[i] + seg.len_m[i])
        t0 = (s0 - seg.start_m[i]) / seg.len_m[i] if seg.len_m[i] > 0 else 0.0
        t1 = (s1 - seg.start_m[i]) / seg.len_m[i] if seg.len_m[i] > 0 else 1.0
        p0 = (
            seg.lon0[i] + t0 * (seg.lon1[i] - seg.lon0[i]),
            seg.lat0[i] + t0 * (seg.lat1[i] - seg.lat0[i]),
        )
        p1 = (
            seg.lon0[i] + t1 * (seg.lon1[i] - seg.lon0[i]),
            seg.lat0[i] + t1 * (seg.lat1[i] - seg.lat0[i]),
        )
        if (
            seg.piece[i] != last_piece
            or not cur
            or abs(cur[-1][0] - p0[0]) > 1e-9
            or abs(cur[-1][1] - p0[1]) > 1e-9
        ):
            if len(cur) >= 2:
                lines.append(cur)
            cur = [p0]
            last_piece = int(seg.piece[i])
        cur.append(p1)
    if len(cur) >= 2:
        lines.append(cur)
    if len(lines) == 1:
        return shapely.LineString(lines[0])
    return shapely.MultiLineString(lines)


def _routes_and_layer(routes: Any, boundaries: Any) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    layer = boundaries if isinstance(boundaries, gpd.GeoDataFrame) else load_boundaries(boundaries)
    return as_routes(routes), layer


def transits(
    routes: gpd.GeoDataFrame,
    *,
    boundaries: gpd.GeoDataFrame | None = None,
    min_piece_km: float = 0.5,
    waters: str | None = None,
    waters_layer: Any = None,
    code_column: str = "code",
) -> gpd.GeoDataFrame:
    """Return one row per piece of each route inside one state's zone (or in no state's).

    Columns: ``route_id``, ``seq`` (0-based along the route), ``state`` (code, or None where no
    state's territory is), ``zone`` (``"land"``, ``"territorial"``, ``"eez"``, or None),
    ``from_km``, ``to_km``, ``length_km`` (geodesic km) and ``geometry`` (lon/lat lines, split
    at ±180°). ``waters`` as in :func:`georoutes.analyze`: under ``"land"`` every piece is
    land or None; otherwise every zone is a piece of its own, whatever counts as territory.
    Pieces are exact (no sliver is absorbed); ``min_piece_km`` flags pieces shorter than it
    in the ``short`` column.
    """
    from .waters import ZONES, resolve_waters, run_zones, sea_routes

    routes, boundaries = _routes_and_layer(routes, boundaries)
    zoned, _, _ = resolve_waters(boundaries, waters, waters_layer, code_column)
    if zoned is None:
        runs = route_runs(routes, boundaries)
        zone_of = np.where(runs.state >= 0, 0, -1)
        codes = runs.codes
        state_of = runs.state
    else:
        runs = route_runs(routes, zoned.zones)
        zone_of = run_zones(runs, zoned, sea_routes(routes))
        codes = np.asarray(zoned.territory["code"].astype(str).values)
        state_of = np.where(runs.state >= 0, zoned.state_row[np.maximum(runs.state, 0)], -1)
    rows: list[dict[str, Any]] = []
    lo = np.searchsorted(runs.route, np.arange(len(runs.seg.ids)), side="left")
    hi = np.searchsorted(runs.route, np.arange(len(runs.seg.ids)), side="right")
    for r, rid in enumerate(runs.seg.ids):
        base = runs.seg.offset_m[r]
        pieces: list[list[Any]] = []  # [state, zone, from m, to m]
        for i in range(int(lo[r]), int(hi[r])):
            key = (int(state_of[i]), int(zone_of[i]))
            if pieces and tuple(pieces[-1][:2]) == key:
                pieces[-1][3] = runs.stop_m[i]
            else:
                pieces.append([key[0], key[1], runs.start_m[i], runs.stop_m[i]])
        for seq, (st, zn, a, b) in enumerate(pieces):
            km = (b - a) / 1000.0
            rows.append(
                {
                    "route_id": rid,
                    "seq": seq,
                    "state": None if st < 0 else str(codes[st]),
                    "zone": None if zn < 0 else ZONES[zn],
                    "from_km": (a - base) / 1000.0,
                    "to_km": (b - base) / 1000.0,
                    "length_km": km,
                    "short": km < min_piece_km,
                    "geometry": _piece_geometry(runs.seg, a, b),
                }
            )
    columns = ["route_id", "seq", "state", "zone", "from_km", "to_km", "length_km", "short"]
    frame = pd.DataFrame(rows, columns=[*columns, "geometry"])
    frame["state"] = frame["state"].astype(object).where(frame["state"].notna(), None)
    frame["zone"] = frame["zone"].astype(object).where(frame["zone"].notna(), None)
    return gpd.GeoDataFrame(frame, geometry="geometry", crs="EPSG:4326")


def crossings(
    routes: gpd.GeoDataFrame,
    *,
    boundaries: gpd.GeoDataFrame | None = None,
    min_piece_km: float = 0.5,
    waters: str | None = None,
    waters_layer: Any = None,
    code_column: str = "code",
) -> gpd.GeoDataFrame:
    """Return the border crossings of every route as points.

    Columns: ``route_id``, ``seq``, ``from``, ``to``, ``via`` (``"land"``, ``"maritime"``,
    ``"landfall"`` or ``"sea"``), ``km`` (along the route from its start), ``lon``, ``lat``
    and ``geometry``; the same crossings as :func:`georoutes.analyze` with the same
    ``waters``. Slivers shorter than ``min_piece_km`` are absorbed first.
    """
    from .waters import resolve_waters, sea_routes, territory_runs, zone_summaries

    routes, boundaries = _routes_and_layer(routes, boundaries)
    zoned, _, _ = resolve_waters(boundaries, waters, waters_layer, code_column)
    networks = (routes["topology"] == "network").tolist() if "topology" in routes else None
    if zoned is None:
        runs = route_runs(routes, boundaries)
        summaries = summarise_routes(runs, min_piece_km=min_piece_km, networks=networks)
    else:
        zruns = route_runs(routes, zoned.zones)
        runs = territory_runs(zruns, zoned)
        summaries = summarise_routes(runs, min_piece_km=min_piece_km, networks=networks)
        zone_summaries(zruns, zoned, summaries, sea_routes(routes))
    rows: list[dict[str, Any]] = []
    for rid, summary in zip(runs.seg.ids, summaries, strict=True):
        for seq, x in enumerate(summary["crossings"]):
            rows.append({"route_id": rid, "seq": seq, **x})
    frame = pd.DataFrame(rows, columns=["route_id", "seq", "from", "to", "via", "km", "lon", "lat"])
    return gpd.GeoDataFrame(
        frame, geometry=gpd.points_from_xy(frame["lon"], frame["lat"]), crs="EPSG:4326"
    )
