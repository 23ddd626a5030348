"""Exposure of routes to focus states: km inside, km within distance bands, nearest approach.

Distances are measured in three dimensions: route points and the focus state's boundary edges
are placed on the WGS84 ellipsoid in Earth-centred (ECEF) metres with pyproj, and the straight
(chord) distance from a point to an edge is turned into an arc length. Over the distances a band
is about (≤ a few hundred km) chord and geodesic differ by < 0.01 %, with no map projection and
its distortion involved. Boundary edges are first cut to ≤ 0.2° so a chord never dips more than
a few metres below the surface.

Along a route the distance to a set changes by at most 1 km per km travelled (it is 1-Lipschitz),
so an interval whose end distances are ``Da`` and ``Db`` and whose length is ``L`` lies wholly
within ``d`` when ``(Da + Db + L) / 2 <= d`` and wholly beyond it when ``(Da + Db - L) / 2 > d``.
Intervals that cannot be decided are halved until they are 20 m long, where linear interpolation
settles them. The result is exact to metres without sampling every route densely.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import numpy.typing as npt
import pyproj
import shapely

from .boundaries import BoundaryIndex
from .transit import RouteRuns

__all__ = ["band_polygons", "route_exposure"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

_CHUNK_M = 200_000.0  # route chunk length for candidate search
_EDGE_MAX_DEG = 0.2  # boundary edges longer than this are cut before the chord test
_MEAN_RADIUS_KM = 6371.0088  # IUGG mean Earth radius (R1), for the chord-to-arc correction
_SETTLE_KM = 0.02  # intervals shorter than this are settled by linear interpolation
_MIN_TOL_KM = 0.005  # nearest approach resolved to 5 m
_PAIR_BATCH = 250_000  # point-run pairs per batch (each run expands to <= 32 edges)
_KM_PER_DEG_LAT = 110.5  # a degree of latitude is at least 110.57 km: conservative windows


@cache
def _to_ecef() -> pyproj.Transformer:
    return pyproj.Transformer.from_crs("EPSG:4326", "EPSG:4978", always_xy=True)


def _ecef(lon: FloatArray, lat: FloatArray) -> FloatArray:
    x, y, z = _to_ecef().transform(lon, lat, np.zeros_like(lon))
    return np.column_stack([x, y, z]) / 1000.0  # km


@dataclass
class _FocusEdges:
    a: FloatArray  # (m, 3) km
    b: FloatArray
    run_start: IntArray
    run_stop: IntArray
    tree: shapely.STRtree
    run_centre: FloatArray  # (runs, 3) km: a sphere holding each run of edges
    run_radius: FloatArray


_FOCUS_CACHE: dict[tuple[int, int, float], _FocusEdges] = {}


def _focus_edges(index: BoundaryIndex, state: int, *, simplify_deg: float = 0.0) -> _FocusEdges:
    key = (id(index), state, simplify_deg)
    hit = _FOCUS_CACHE.get(key)
    if hit is not None:
        return hit
    if simplify_deg > 0:
        geom = shapely.simplify(index.geoms[state], simplify_deg, preserve_topology=False)
        rings = shapely.get_rings(shapely.get_parts(geom))
        xy, ring = shapely.get_coordinates(rings, return_index=True)
        same = ring[1:] == ring[:-1]
        x0, y0, x1, y1 = xy[:-1, 0][same], xy[:-1, 1][same], xy[1:, 0][same], xy[1:, 1][same]
    else:
        sel = index.edge_state == state
        x0, y0, x1, y1 = index.ex0[sel], index.ey0[sel], index.ex1[sel], index.ey1[sel]
    # Cut long edges so the chord between their ends stays near the surface.
    n = np.maximum(1, np.ceil(np.maximum(np.abs(x1 - x0), np.abs(y1 - y0)) / _EDGE_MAX_DEG))
    n = n.astype(np.int64)
    owner = np.repeat(np.arange(n.size), n)
    k = np.arange(owner.size) - np.repeat(np.cumsum(n) - n, n)
    f0 = k / n[owner]
    f1 = (k + 1) / n[owner]
    ax = x0[owner] + f0 * (x1 - x0)[owner]
    ay = y0[owner] + f0 * (y1 - y0)[owner]
    bx = x0[owner] + f1 * (x1 - x0)[owner]
    by = y0[owner] + f1 * (y1 - y0)[owner]
    starts = np.arange(0, ax.size, 32, dtype=np.int64)
    stops = np.minimum(starts + 32, ax.size)
    minx = np.minimum.reduceat(np.minimum(ax, bx), starts) if ax.size else np.zeros(0)
    maxx = np.maximum.reduceat(np.maximum(ax, bx), starts) if ax.size else np.zeros(0)
    miny = np.minimum.reduceat(np.minimum(ay, by), starts) if ax.size else np.zeros(0)
    maxy = np.maximum.reduceat(np.maximum(ay, by), starts) if ax.size else np.zeros(0)
    a, b = _ecef(ax, ay), _ecef(bx, by)
    owner_run = np.repeat(np.arange(starts.size), stops - starts)
    centre = np.zeros((starts.size, 3))
    if ax.size:
        np.add.at(centre, owner_run, (a + b) / 2.0)
        centre /= (stops - starts)[:, None]
    radius = np.zeros(starts.size)
    if ax.size:
        far = np.maximum(np.linalg.norm(a - centre[owner_run], axis=1),
                         np.linalg.norm(b - centre[owner_run], axis=1))
        np.maximum.at(radius, owner_run, far)
    edges = _FocusEdges(a=a, b=b, run_start=starts, run_stop=stops,
                        tree=shapely.STRtree(shapely.box(minx, miny, maxx, maxy)),
                        run_centre=centre, run_radius=radius)
    _FOCUS_CACHE[key] = edges
    return edges


@dataclass
class _Chunks:
    route: IntArray
    start: FloatArray  # global metres
    stop: FloatArray
    seg_first: IntArray
    seg_stop: IntArray
    minx: FloatArray
    miny: FloatArray
    maxx: FloatArray
    maxy: FloatArray


def _chunks(runs: RouteRuns) -> _Chunks:
    seg = runs.seg
    local = seg.g0 - seg.offset_m[seg.route]
    bucket = np.floor(local / _CHUNK_M).astype(np.int64)
    new = np.ones(seg.g0.size, dtype=bool)
    new[1:] = ((seg.route[1:] != seg.route[:-1]) | (seg.piece[1:] != seg.piece[:-1])
               | (bucket[1:] != bucket[:-1]))
    first = np.flatnonzero(new)
    stop = np.r_[first[1:], seg.g0.size]
    return _Chunks(
        route=seg.route[first], start=seg.g0[first],
        stop=seg.g0[stop - 1] + seg.len_m[stop - 1], seg_first=first, seg_stop=stop,
        minx=np.minimum.reduceat(np.minimum(seg.x0, seg.x1), first),
        miny=np.minimum.reduceat(np.minimum(seg.y0, seg.y1), first),
        maxx=np.maximum.reduceat(np.maximum(seg.x0, seg.x1), first),
        maxy=np.maximum.reduceat(np.maximum(seg.y0, seg.y1), first),
    )


def _candidates(ch: _Chunks, which: IntArray, edges: _FocusEdges,
                radius_km: float | FloatArray) -> tuple[IntArray, IntArray]:
    """Return CSR (offsets, run ids) of the focus edge runs near each chunk in ``which``."""
    pad_lat = radius_km / _KM_PER_DEG_LAT
    lo = ch.miny[which] - pad_lat
    hi = ch.maxy[which] + pad_lat
    worst = np.minimum(np.maximum(np.abs(lo), np.abs(hi)), 89.9)
    pad_lon = np.where((lo <= -89.9) | (hi >= 89.9), 360.0, pad_lat / np.cos(np.radians(worst)))
    minx = ch.minx[which] - pad_lon
    maxx = ch.maxx[which] + pad_lon
    boxes = [shapely.box(minx, lo, maxx, hi)]
    # Windows reaching past ±180° also look on the other side of the antimeridian.
    boxes.append(shapely.box(minx + 360.0, lo, maxx + 360.0, hi))
    boxes.append(shapely.box(minx - 360.0, lo, maxx - 360.0, hi))
    qi_all, ri_all = [], []
    for box in boxes:
        qi, ri = edges.tree.query(box)
        qi_all.append(qi)
        ri_all.append(ri)
    qi = np.concatenate(qi_all)
    ri = np.concatenate(ri_all)
    pairs = np.unique(np.column_stack([qi, ri]), axis=0) if qi.size else np.zeros((0, 2), int)
    return _run_csr(pairs, which.size)


def _run_csr(pairs: IntArray, n_chunks: int) -> tuple[IntArray, IntArray]:
    """Return CSR (offsets, run ids) from (chunk, run) pairs sorted by chunk."""
    order = np.argsort(pairs[:, 0], kind="stable")
    pairs = pairs[order]
    counts = np.bincount(pairs[:, 0], minlength=n_chunks).astype(np.int64)
    return np.r_[0, np.cumsum(counts)], pairs[:, 1].astype(np.int64)


def _ragged(counts: IntArray) -> IntArray:
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    return np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)


def _distance_km(p: FloatArray, owner_chunk: IntArray, offsets: IntArray, run_ids: IntArray,
                 edges: _FocusEdges) -> FloatArray:
    """Return the distance (km) from each point to the nearest candidate edge of its chunk.

    ``offsets``/``run_ids`` list, per chunk, the runs of edges to consider. Each run's bounding
    sphere bounds its distance from a point below (centre distance minus radius) and above
    (plus radius); only runs whose lower bound beats the point's best upper bound are measured
    edge by edge.
    """
    out = np.full(p.shape[0], np.inf)
    counts = offsets[owner_chunk + 1] - offsets[owner_chunk]
    cum = np.cumsum(counts)
    start = 0
    while start < p.shape[0]:
        base = cum[start - 1] if start else 0
        stop = max(int(np.searchsorted(cum, base + _PAIR_BATCH, side="right")), start + 1)
        pts = np.arange(start, stop)
        c = counts[pts]
        start = stop
        if not c.sum():
            continue
        pair_pt = np.repeat(pts, c)
        pair_run = run_ids[np.repeat(offsets[owner_chunk[pts]], c) + _ragged(c)]
        centre_gap = np.linalg.norm(p[pair_pt] - edges.run_centre[pair_run], axis=1)
        upper = np.full(p.shape[0], np.inf)
        np.minimum.at(upper, pair_pt, centre_gap + edges.run_radius[pair_run])
        keep = centre_gap - edges.run_radius[pair_run] <= upper[pair_pt]
        pair_pt, pair_run = pair_pt[keep], pair_run[keep]
        n_edges = edges.run_stop[pair_run] - edges.run_start[pair_run]
        pair_pt = np.repeat(pair_pt, n_edges)
        pair_edge = np.repeat(edges.run_start[pair_run], n_edges) + _ragged(n_edges)
        a = edges.a[pair_edge]
        v = edges.b[pair_edge] - a
        w = p[pair_pt] - a
        vv = np.einsum("ij,ij->i", v, v)
        with np.errstate(invalid="ignore", divide="ignore"):
            t = np.clip(np.where(vv > 0, np.einsum("ij,ij->i", w, v) / vv, 0.0), 0.0, 1.0)
        gap = w - t[:, None] * v
        d = np.sqrt(np.einsum("ij,ij->i", gap, gap))
        best = np.full(p.shape[0], np.inf)
        np.minimum.at(best, pair_pt, d)
        out[pts] = best[pts]
    # Chord to arc on the mean sphere: arc = 2R asin(c / 2R).
    finite = np.isfinite(out)
    out[finite] = 2 * _MEAN_RADIUS_KM * np.arcsin(np.minimum(out[finite] / (2 * _MEAN_RADIUS_KM),
                                                             1.0))
    return out


def _distance_dense_km(p: FloatArray, edges: _FocusEdges) -> FloatArray:
    """Return the distance (km) from each point to the nearest of all ``edges`` (dense)."""
    out = np.full(p.shape[0], np.inf)
    if edges.a.shape[0] == 0:
        return out
    v = edges.b - edges.a
    vv = np.einsum("ij,ij->i", v, v)
    safe = np.where(vv > 0, vv, 1.0)
    block = max(1, 2_000_000 // edges.a.shape[0])
    for lo in range(0, p.shape[0], block):
        w = p[lo:lo + block, None, :] - edges.a[None, :, :]
        t = np.clip(np.einsum("pej,ej->pe", w, v) / safe, 0.0, 1.0)
        t[:, vv == 0] = 0.0
        gap = w - t[:, :, None] * v[None, :, :]
        out[lo:lo + block] = np.sqrt(np.einsum("pej,pej->pe", gap, gap).min(axis=1))
    return 2 * _MEAN_RADIUS_KM * np.arcsin(np.minimum(out / (2 * _MEAN_RADIUS_KM), 1.0))


def route_exposure(runs: RouteRuns, index: BoundaryIndex, focus: list[str],
                   bands_km: tuple[float, ...]) -> list[dict[str, dict[str, Any]]]:
    """Return, per route, the exposure to each focus state.

    Each entry maps a focus code to ``{"inside_km", "within_km": {"<d>": km}, "min_distance_km"}``
    with ``within_km`` counting route km whose geodesic distance to the state's territory is at
    most ``d`` km (inside included).
    """
    n_routes = runs.seg.length_m.size
    out: list[dict[str, dict[str, Any]]] = [{} for _ in range(n_routes)]
    if runs.seg.g0.size == 0:
        return out
    ch = _chunks(runs)
    for code in focus:
        state = index.state_number(code)
        within, nearest = _exposure_one(runs, ch, _focus_edges(index, state), state, bands_km)
        missing = np.flatnonzero(~np.isfinite(nearest))
        if missing.size:
            nearest[missing] = _far_nearest(runs, ch, index, state, missing)
        inside_m = np.zeros(n_routes)
        np.add.at(inside_m, runs.route[runs.state == state],
                  (runs.stop - runs.start)[runs.state == state])
        for r in range(n_routes):
            inside = inside_m[r] / 1000.0
            bands = {}
            running = inside
            for j, d in enumerate(bands_km):
                running = max(running, float(within[r, j]))  # monotone by construction
                bands[_band_key(d)] = running
            out[r][code] = {"inside_km": inside, "within_km": bands,
                            "min_distance_km": 0.0 if inside > 0 else float(nearest[r])}
    return out


def _band_key(d: float) -> str:
    return str(int(d)) if float(d).is_integer() else str(d)


def _exposure_one(runs: RouteRuns, ch: _Chunks, edges: _FocusEdges, state: int,
                  bands_km: tuple[float, ...]) -> tuple[FloatArray, FloatArray]:
    n_routes = runs.seg.length_m.size
    bands = np.asarray(bands_km, dtype=float)
    d_max = float(bands.max()) if bands.size else 0.0
    within = np.zeros((n_routes, bands.size))
    nearest = np.full(n_routes, np.inf)
    all_chunks = np.arange(ch.route.size)
    offsets, run_ids = _candidates(ch, all_chunks, edges, d_max + 5.0)
    has = (offsets[1:] - offsets[:-1]) > 0
    # Chunks that are inside the focus state also count even if no edge is near (big states).
    seg = runs.seg
    # Initial intervals: every segment of the chunks that have candidates or lie inside.
    mid_state = runs.state_at((ch.start + ch.stop) / 2.0)
    active = np.flatnonzero(has | (mid_state == state))
    if active.size == 0:
        return within, nearest
    seg_counts = ch.seg_stop[active] - ch.seg_first[active]
    seg_ids = np.repeat(ch.seg_first[active], seg_counts) + _ragged(seg_counts)
    a = seg.g0[seg_ids]
    b = a + seg.len_m[seg_ids]
    chunk_of = np.repeat(active, seg_counts)
    # Every interval stays within one densified segment, so its points are found on it.
    da = _eval(runs, seg_ids, a, chunk_of, offsets, run_ids, edges, state)
    db = _eval(runs, seg_ids, b, chunk_of, offsets, run_ids, edges, state)
    route = ch.route[chunk_of]
    for _ in range(64):
        if a.size == 0:
            break
        np.minimum.at(nearest, route, np.minimum(da, db))
        length = (b - a) / 1000.0
        slack = length * 1.001
        lo = (da + db - slack) / 2.0
        hi = (da + db + slack) / 2.0
        small = length <= _SETTLE_KM
        # An interval lying in one stretch of the focus state's territory is wholly within.
        ra = np.searchsorted(runs.start, a, side="right")
        rb = np.searchsorted(runs.start, b, side="left")
        whole = (ra == rb) & (da == 0) & (db == 0)
        hi = np.where(whole, 0.0, hi)
        undecided = np.zeros(a.size, dtype=bool)
        contrib = np.zeros((a.size, bands.size))
        for j, d in enumerate(bands):
            full = hi <= d
            none = lo > d
            lin = small & ~full & ~none
            contrib[full, j] = length[full]
            contrib[lin, j] = length[lin] * _linear_fraction(da[lin], db[lin], d)
            undecided |= ~full & ~none & ~small
        need_min = (nearest[route] > 0) & (lo < nearest[route] - _MIN_TOL_KM) & ~small
        split = undecided | need_min
        done = ~split
        np.add.at(within, route[done], contrib[done])
        if not split.any():
            break
        a, b, da, db, chunk_of, route, seg_ids = (a[split], b[split], da[split], db[split],
                                                  chunk_of[split], route[split], seg_ids[split])
        m = (a + b) / 2.0
        dm = _eval(runs, seg_ids, m, chunk_of, offsets, run_ids, edges, state)
        a = np.concatenate([a, m])
        b = np.concatenate([m, b])
        da, db = np.concatenate([da, dm]), np.concatenate([dm, db])
        chunk_of = np.concatenate([chunk_of, chunk_of])
        route = np.concatenate([route, route])
        seg_ids = np.concatenate([seg_ids, seg_ids])
    return within, nearest


def _linear_fraction(da: FloatArray, db: FloatArray, d: float) -> FloatArray:
    # Share of an interval where the linearly interpolated distance is <= d.
    out = np.zeros(da.size)
    both = (da <= d) & (db <= d)
    out[both] = 1.0
    one = (da <= d) ^ (db <= d)
    with np.errstate(invalid="ignore", divide="ignore"):
        t = (d - da[one]) / (db[one] - da[one])
    t = np.where(np.isfinite(t), np.clip(t, 0.0, 1.0), 0.5)
    out[one] = np.where(da[one] <= d, t, 1.0 - t)
    return out


def _eval(runs: RouteRuns, seg_ids: IntArray, pos: FloatArray, chunk_of: IntArray,
          offsets: IntArray, run_ids: IntArray, edges: _FocusEdges, state: int) -> FloatArray:
    lon, lat = runs.seg.point_on(seg_ids, pos)
    inside = runs.state_at(pos, runs.seg.route[seg_ids]) == state
    d = np.zeros(pos.size)
    out = ~inside
    if out.any():
        d[out] = _distance_km(_ecef(lon[out], lat[out]), chunk_of[out], offsets, run_ids, edges)
    return d


def _far_nearest(runs: RouteRuns, ch: _Chunks, index: BoundaryIndex, state: int,
                 routes: IntArray) -> FloatArray:
    """Return the nearest approach (km) of routes that come nowhere near the focus state.

    Coarse to fine: distances from every densified vertex to the state's outline simplified by
    0.1° find the chunks that come closest; only those are measured against the full outline,
    within a window just wider than the coarse distance plus the simplification error.
    """
    coarse = _focus_edges(index, state, simplify_deg=0.1)
    fine = _focus_edges(index, state)
    seg = runs.seg
    which = np.flatnonzero(np.isin(ch.route, routes))
    # Three probes per chunk (start, middle, end): every point of a chunk is within a quarter
    # of the chunk's length (≤ 50 km along the route) of one of them.
    probes = np.concatenate([ch.start[which], (ch.start[which] + ch.stop[which]) / 2.0,
                             ch.stop[which]])
    owner = np.tile(np.arange(which.size), 3)
    seg_of = np.clip(np.searchsorted(seg.g0, probes, side="right") - 1,
                     ch.seg_first[which][owner], ch.seg_stop[which][owner] - 1)
    lon, lat = seg.point_on(seg_of, probes)
    d = _distance_dense_km(_ecef(lon, lat), coarse)
    probe_best = np.full(which.size, np.inf)
    np.minimum.at(probe_best, owner, d)
    # Upper bound of each route's nearest approach: its best probe against the outline
    # simplified by 0.1° (which moves the outline by at most ~11.2 km).
    upper = np.full(seg.length_m.size, np.inf)
    np.minimum.at(upper, ch.route[which], probe_best + 11.2)
    # The chunks that may hold the nearest point: every point of a chunk lies within a quarter
    # chunk (≤ 50 km) of a probe, and the outline moved by ≤ 11.2 km.
    slack_km = _CHUNK_M / 4000.0 + 2 * 11.2
    near = which[probe_best - slack_km <= upper[ch.route[which]]]
    counts = ch.seg_stop[near] - ch.seg_first[near]
    seg_ids = np.repeat(ch.seg_first[near], counts) + _ragged(counts)
    ends = np.concatenate([seg.g0[seg_ids], seg.g0[seg_ids] + seg.len_m[seg_ids]])
    lon, lat = seg.point_on(np.concatenate([seg_ids, seg_ids]), ends)
    route_of = np.concatenate([seg.route[seg_ids]] * 2)
    p = _ecef(lon, lat)
    # Their vertices against the coarse outline, then only the vertices that may beat the best
    # against the full outline. Both passes prune runs of edges by their bounding spheres.
    dc = _distance_km(p, np.zeros(p.shape[0], dtype=np.int64), np.r_[0, coarse.run_start.size],
                      np.arange(coarse.run_start.size, dtype=np.int64), coarse)
    np.minimum.at(upper, route_of, dc + 11.2)
    keep = dc - 11.2 <= upper[route_of]
    df = _distance_km(p[keep], np.zeros(int(keep.sum()), dtype=np.int64),
                      np.r_[0, fine.run_start.size], np.arange(fine.run_start.size,
                                                               dtype=np.int64), fine)
    best = np.full(seg.length_m.size, np.inf)
    np.minimum.at(best, route_of[keep], df)
    return best[routes]


def band_polygons(boundaries: Any, code: str, bands_km: tuple[float, ...]) -> dict[str, Any]:
    """Return geodesic distance-band polygons around a state, for display.

    Each band is the state's territory grown by ``d`` km, built in a local azimuthal
    equidistant projection centred on the state and returned as lon/lat (Multi)Polygons keyed
    by the band in km. Meant for maps: the figures in analyses come from
    :func:`route_exposure`, not from these polygons.
    """
    geom = boundaries.loc[boundaries["code"] == code].geometry.iloc[0]
    centre = shapely.centroid(geom)
    aeqd = pyproj.CRS.from_proj4(f"+proj=aeqd +lat_0={centre.y} +lon_0={centre.x} "
                                 "+datum=WGS84 +units=m")
    fwd = pyproj.Transformer.from_crs("EPSG:4326", aeqd, always_xy=True)
    inv = pyproj.Transformer.from_crs(aeqd, "EPSG:4326", always_xy=True)
    # Outward bands do not depend on holes (lakes inside the state lie within every band) and
    # display needs no more than ~1 km detail.
    shells = shapely.polygons(shapely.get_exterior_ring(shapely.get_parts(geom)))
    simple = shapely.simplify(shapely.multipolygons(shells), 0.01)
    projected = shapely.transform(simple, lambda xy: np.column_stack(fwd.transform(xy[:, 0],
                                                                                    xy[:, 1])))
    out: dict[str, Any] = {}
    for d in bands_km:
        # For display a band's outline needs detail of about 2 % of its width; parts are grown
        # one by one and merged (buffering an overlapping multipolygon at once is far slower).
        coarse = shapely.get_parts(shapely.simplify(projected, max(1000.0, d * 20.0)))
        grown = shapely.union_all(shapely.buffer(coarse, d * 1000.0, quad_segs=4))
        grown = shapely.segmentize(grown, 20_000.0)
        out[_band_key(d)] = shapely.make_valid(
            shapely.transform(grown, lambda xy: np.column_stack(inv.transform(xy[:, 0],
                                                                              xy[:, 1]))))
    return out
