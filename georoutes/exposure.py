"""Exposure of routes to focus states: km inside, km within distance bands, nearest approach.

Distances are measured in three dimensions: route points and the focus state's boundary edges
are placed on the WGS84 ellipsoid in Earth-centred (ECEF) metres with pyproj, and the straight
(chord) distance from a point to an edge is turned into an arc length. Over the distances a band
is about (≤ a few hundred km) chord and geodesic differ by < 0.01 %, with no map projection and
its distortion involved. Boundary edges are first cut to ≤ 0.2° so a chord never dips more than
a few metres below the surface.

Route intervals are decided whole by bounds on the distance over them, from the distances at
their ends (``Da``, ``Db``) and the interval's length ``L``:

- below: the distance changes by at most 1 km per km travelled, so ``(Da + Db - L) / 2``; and
  the state lies outside the balls of radius ``Da`` and ``Db`` around the ends, so no point of
  the interval is nearer than the gap from its chord to the outside of those two balls, less
  how far the interval strays from its chord (:func:`_lens_bound`). Far from a state the second
  bound is almost exact where the first is useless;
- above: ``(Da + Db + L) / 2``, and the distance to the nearest point of the state found from
  either end (largest at an end of the chord, plus the stray).

An interval lies wholly within ``d`` when its upper bound is ``<= d`` and wholly beyond when its
lower bound is ``> d``; the others are halved until they are 50 m long, where linear
interpolation settles them. Routes that come nowhere near the state run the same search against
outlines simplified by 0.5° down to 0.004° before the full one (:func:`_far_nearest`).

The nearest edge of a point is found in a tree of bounding spheres over runs of consecutive
edges (8 edges a leaf, 8 spheres a node), walked down by all points at once and opened only
where a sphere can beat the point's best upper bound (:func:`_walk`); searches near the state
stop at the window's radius, and a midpoint starts from the distance to its interval's ends'
nearest points. Each interval keeps the list of leaves its points' nearest edges can be on
(:func:`_ball_leaves`); its halves filter that list (:func:`_ball_filter`), and its midpoint is
measured against it alone. Every distance that decides anything is the exact least over the
edges, so these shortcuts change no figure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

import numpy as np
import numpy.typing as npt
import pyproj
import shapely

from .boundaries import BoundaryIndex
from .geodesy import GEOD
from .transit import RouteRuns

__all__ = ["band_polygons", "route_exposure"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

_CHUNK_M = 200_000.0  # route chunk length for candidate search
_EDGE_MAX_DEG = 0.2  # boundary edges longer than this are cut before the chord test
_MEAN_RADIUS_KM = 6371.0088  # IUGG mean Earth radius (R1), for the chord-to-arc correction
_SETTLE_KM = 0.05  # intervals shorter than this are settled by linear interpolation
_MAX_HALVINGS = 40  # a safety stop: chunks of 200 km reach 50 m in 12 halvings
_MIN_TOL_KM = 0.005  # nearest approach resolved to 5 m
_PAIR_BATCH = 250_000  # (point, sphere) pairs per step of the nearest-edge search, about
_RUN_EDGES = 16  # boundary edges per lon/lat box (which chunks have focus edges near)
_LEAF_EDGES = 8  # boundary edges per leaf sphere of the nearest-edge search ...
_FANOUT = 8  # ... and spheres per sphere above
_KM_PER_DEG_LAT = 110.5  # a degree of latitude is at least 110.57 km: conservative windows
# Outlines for the far nearest approach, simplified by these tolerances (degrees); 0 = full.
_LEVELS_DEG = (0.5, 0.1, 0.02, 0.004, 0.0)
# A planar displacement of one degree in (lon, lat) is at most this long on the ground (a
# meridian degree is 111.69 km at the poles; a degree of longitude is shorter).
_KM_PER_DEG_MAX = 111.7
_WINDOW_KM = 10.0  # candidate edges: those within the widest band plus this (chord km)
_LIST_SLACK_KM = 0.1  # room in an interval's reach for the drawn path's and the edges' sag
_PATH_SLACK = 1e-3  # the lon/lat path between densified vertices is <= 0.1 % longer
_PATH_TOL_KM = 0.01  # ... and strays <= 10 m from the geodesic (geodesy.DENSIFY_TOLERANCE_M)
_REL_TOL_FAR = 2e-4  # far nearest approaches are resolved to 0.02 % (and at least 5 m)


@cache
def _to_ecef() -> pyproj.Transformer:
    return pyproj.Transformer.from_crs("EPSG:4326", "EPSG:4978", always_xy=True)


@cache
def _from_ecef() -> pyproj.Transformer:
    return pyproj.Transformer.from_crs("EPSG:4978", "EPSG:4326", always_xy=True)


def _ecef(lon: FloatArray, lat: FloatArray) -> FloatArray:
    x, y, z = _to_ecef().transform(lon, lat, np.zeros_like(lon))
    return np.column_stack([x, y, z]) / 1000.0  # km


@dataclass
class _Level:
    """Bounding spheres of one level of the edge tree.

    Node ``i`` holds edges ``[i * size, (i + 1) * size)``.
    """

    size: int
    cx: FloatArray  # (nodes,) km
    cy: FloatArray
    cz: FloatArray
    radius: FloatArray


@dataclass
class _FocusEdges:
    a: FloatArray  # (m, 3) km
    b: FloatArray
    # Lon/lat boxes over runs of _RUN_EDGES edges: which route chunks have edges near.
    tree: shapely.STRtree
    # A tree of bounding spheres over consecutive edges, leaves (_LEAF_EDGES edges) first,
    # each level _FANOUT times coarser than the one below; the last has <= _FANOUT nodes.
    levels: list[_Level]
    # Edge start and direction by coordinate, and 1 / |direction|^2 (0 for a point edge).
    ax: FloatArray
    ay: FloatArray
    az: FloatArray
    vx: FloatArray
    vy: FloatArray
    vz: FloatArray
    inv_vv: FloatArray
    # The same per leaf: (leaves, _LEAF_EDGES) arrays of ax, ay, az, vx, vy, vz, inv_vv (the
    # last leaf padded with copies of the last edge), and each cell's edge.
    blocks: tuple[FloatArray, ...] = ()
    block_edge: IntArray = field(default_factory=lambda: np.zeros((0, _LEAF_EDGES), np.int64))


def _leaf_blocks(edges: _FocusEdges) -> None:
    """Fill ``edges.blocks`` and ``edges.block_edge`` (the leaves' edges side by side)."""
    n = edges.ax.size
    n_leaves = -(-n // _LEAF_EDGES)
    idx = np.minimum(np.arange(n_leaves * _LEAF_EDGES), max(n - 1, 0)).reshape(-1, _LEAF_EDGES)
    cols = (edges.ax, edges.ay, edges.az, edges.vx, edges.vy, edges.vz, edges.inv_vv)
    edges.blocks = tuple(np.ascontiguousarray(c[idx]) for c in cols) if n else ()
    edges.block_edge = idx.astype(np.int64)


_FOCUS_ATTR = "_exposure_focus_edges"  # where an index keeps its focus edges, per state


def _focus_edges(index: BoundaryIndex, state: int, *, simplify_deg: float = 0.0) -> _FocusEdges:
    # Kept on the index itself: they live and die with it (a cache keyed by id() could hand
    # a new index the edges of a collected one that had the same id).
    cache: dict[tuple[int, float], _FocusEdges] = index.__dict__.setdefault(_FOCUS_ATTR, {})
    key = (state, simplify_deg)
    hit = cache.get(key)
    if hit is not None:
        return hit
    if simplify_deg > 0:
        # Simplify the outline as lines, not polygons: a ring smaller than the tolerance
        # shrinks to a point instead of vanishing, so every point of the full outline stays
        # within ``simplify_deg`` of the simplified one.
        lines = shapely.get_parts(
            shapely.simplify(
                shapely.boundary(index.geoms[state]), simplify_deg, preserve_topology=False
            )
        )
        xy, ring = shapely.get_coordinates(lines, return_index=True)
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
    starts = np.arange(0, ax.size, _RUN_EDGES, dtype=np.int64)
    minx = np.minimum.reduceat(np.minimum(ax, bx), starts) if ax.size else np.zeros(0)
    maxx = np.maximum.reduceat(np.maximum(ax, bx), starts) if ax.size else np.zeros(0)
    miny = np.minimum.reduceat(np.minimum(ay, by), starts) if ax.size else np.zeros(0)
    maxy = np.maximum.reduceat(np.maximum(ay, by), starts) if ax.size else np.zeros(0)
    a, b = _ecef(ax, ay), _ecef(bx, by)
    v = b - a
    vv = np.einsum("ij,ij->i", v, v)
    edges = _FocusEdges(
        a=a,
        b=b,
        tree=shapely.STRtree(shapely.box(minx, miny, maxx, maxy)),
        levels=_sphere_levels(a, b),
        ax=a[:, 0].copy(),
        ay=a[:, 1].copy(),
        az=a[:, 2].copy(),
        vx=v[:, 0].copy(),
        vy=v[:, 1].copy(),
        vz=v[:, 2].copy(),
        inv_vv=np.divide(1.0, vv, out=np.zeros_like(vv), where=vv > 0),
    )
    _leaf_blocks(edges)
    cache[key] = edges
    return edges


def _sphere_levels(a: FloatArray, b: FloatArray) -> list[_Level]:
    """Return the levels of bounding spheres over runs of consecutive edges ``a -> b``.

    Each sphere is centred on the middle of its edges' bounding box and holds every edge end
    (so, the edges being straight, every edge).
    """
    levels: list[_Level] = []
    m = a.shape[0]
    if m == 0:
        return levels
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    size = _LEAF_EDGES
    while True:
        first = np.arange(0, m, size, dtype=np.int64)
        centre = np.minimum.reduceat(lo, first, axis=0) + np.maximum.reduceat(hi, first, axis=0)
        centre /= 2.0
        owner = np.arange(m) // size
        far = np.maximum(
            np.linalg.norm(a - centre[owner], axis=1), np.linalg.norm(b - centre[owner], axis=1)
        )
        # A hair more than the farthest end, against round-off in the distances to it.
        radius = np.maximum.reduceat(far, first) * (1.0 + 1e-12) + 1e-9
        levels.append(
            _Level(
                size,
                centre[:, 0].copy(),
                centre[:, 1].copy(),
                centre[:, 2].copy(),
                radius,
            )
        )
        if first.size <= _FANOUT:
            return levels
        size *= _FANOUT


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
    local = seg.start_m - seg.offset_m[seg.route]
    bucket = np.floor(local / _CHUNK_M).astype(np.int64)
    new = np.ones(seg.start_m.size, dtype=bool)
    new[1:] = (
        (seg.route[1:] != seg.route[:-1])
        | (seg.piece[1:] != seg.piece[:-1])
        | (bucket[1:] != bucket[:-1])
    )
    first = np.flatnonzero(new)
    stop = np.r_[first[1:], seg.start_m.size]
    return _Chunks(
        route=seg.route[first],
        start=seg.start_m[first],
        stop=seg.start_m[stop - 1] + seg.len_m[stop - 1],
        seg_first=first,
        seg_stop=stop,
        minx=np.minimum.reduceat(np.minimum(seg.lon0, seg.lon1), first),
        miny=np.minimum.reduceat(np.minimum(seg.lat0, seg.lat1), first),
        maxx=np.maximum.reduceat(np.maximum(seg.lon0, seg.lon1), first),
        maxy=np.maximum.reduceat(np.maximum(seg.lat0, seg.lat1), first),
    )


def _near_chunks(ch: _Chunks, edges: _FocusEdges, radius_km: float) -> npt.NDArray[np.bool_]:
    """Return which chunks have a run of focus edges within ``radius_km`` of their box.

    Windows reaching past ±180° also look on the other side of the antimeridian; a window
    wider than 360° is the whole globe.
    """
    pad_lat = radius_km / _KM_PER_DEG_LAT
    lo = ch.miny - pad_lat
    hi = ch.maxy + pad_lat
    worst = np.minimum(np.maximum(np.abs(lo), np.abs(hi)), 89.9)
    pad_lon = np.where((lo <= -89.9) | (hi >= 89.9), 360.0, pad_lat / np.cos(np.radians(worst)))
    minx = ch.minx - pad_lon
    maxx = ch.maxx + pad_lon
    wide = (maxx - minx) >= 360.0
    minx = np.where(wide, -180.0, minx)
    maxx = np.where(wide, 180.0, maxx)
    found = np.zeros(minx.size, dtype=bool)
    for shift, rows in (
        (0.0, np.arange(minx.size)),
        (360.0, np.flatnonzero(minx < -180.0)),
        (-360.0, np.flatnonzero(maxx > 180.0)),
    ):
        if rows.size == 0:
            continue
        qi, _ = edges.tree.query(
            shapely.box(minx[rows] + shift, lo[rows], maxx[rows] + shift, hi[rows])
        )
        found[rows[qi]] = True
    return found


def _ragged(counts: IntArray) -> IntArray:
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    return np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)


def _chord_to_arc(chord_km: FloatArray) -> FloatArray:
    """Return arc lengths on the mean sphere for chords: arc = 2R asin(c / 2R)."""
    out = chord_km.copy()
    finite = np.isfinite(out)
    out[finite] = (
        2 * _MEAN_RADIUS_KM * np.arcsin(np.minimum(out[finite] / (2 * _MEAN_RADIUS_KM), 1.0))
    )
    return out


def _distance_all_km(
    p: FloatArray,
    edges: _FocusEdges,
    *,
    chord: bool = False,
    near: FloatArray | None = None,
    bound: FloatArray | None = None,
) -> FloatArray:
    """Return the distance (km) from each point to the nearest of all ``edges``.

    With ``chord``, the straight-line (ECEF) distance instead of the arc; with ``near``, the
    nearest points (ECEF km) are written into it (left alone where nothing is found).

    ``bound`` (chord km, per point) limits the search: a point whose nearest edge lies within
    its bound gets the exact distance, any other a distance beyond its bound (possibly inf,
    with no nearest point). The edges are found by :func:`_walk`; at the leaves, the leaf with
    the best upper bound is measured edge by edge first, then only the leaves whose lower
    bound can still beat it.
    """
    n = p.shape[0]
    best = np.full(n, np.inf)
    if n == 0 or not edges.levels:
        return best
    upper = np.full(n, np.inf) if bound is None else np.array(bound, dtype=float)
    px, py, pz = p[:, 0].copy(), p[:, 1].copy(), p[:, 2].copy()

    def visit(pt: IntArray, leaf: IntArray, ub: FloatArray, lb: FloatArray) -> None:
        _leaves_min(best, px, py, pz, pt, leaf, ub, lb, edges, near)

    _walk(px, py, pz, None, upper, edges, visit)
    return best if chord else _chord_to_arc(best)


def _walk(
    px: FloatArray,
    py: FloatArray,
    pz: FloatArray,
    rho: FloatArray | None,
    upper: FloatArray,
    edges: _FocusEdges,
    visit: Any,
) -> None:
    """Walk the edges' tree of bounding spheres down for balls ``B(p, rho)`` (points if None).

    A sphere is opened only while its lower bound (distance between the centres less both
    radii) is within the ball's ``upper`` bound, which is lowered on the way to the least
    upper bound (distance plus both radii) seen: every point of the ball is then at most
    ``upper`` from the edges. The surviving leaves go to ``visit(ball, leaf, ub, lb)`` in
    pieces, each sorted by ball, about _PAIR_BATCH (ball, sphere) pairs at most per step.
    """
    n = px.size
    top = len(edges.levels) - 1
    n_top = edges.levels[top].cx.size
    step = max(1, _PAIR_BATCH // n_top)
    work: list[tuple[int, IntArray, IntArray]] = []
    for lo in range(n - 1 - (n - 1) % step, -1, -step):  # last batch first: popped last
        pts = np.arange(lo, min(n, lo + step), dtype=np.int64)
        work.append(
            (top, np.repeat(pts, n_top), np.tile(np.arange(n_top, dtype=np.int64), pts.size))
        )
    while work:
        k, pt, node = work.pop()
        if pt.size == 0:
            continue
        lev = edges.levels[k]
        dx = px[pt] - lev.cx[node]
        dy = py[pt] - lev.cy[node]
        dz = pz[pt] - lev.cz[node]
        gap = np.sqrt(dx * dx + dy * dy + dz * dz)
        radius = lev.radius[node]
        if rho is not None:
            radius = radius + rho[pt]
        ub = gap + radius
        # Pairs are sorted by point: each point's least upper bound by reduceat.
        first = np.flatnonzero(np.r_[True, pt[1:] != pt[:-1]])
        at = pt[first]
        least_ub = np.minimum.reduceat(ub, first)
        np.minimum(upper[at], least_ub, out=least_ub)
        upper[at] = least_ub
        lb = gap - radius
        keep = lb <= upper[pt]
        if k == 0:
            visit(pt[keep], node[keep], ub[keep], lb[keep])
            continue
        pt, node = pt[keep], node[keep]
        n_below = edges.levels[k - 1].cx.size
        counts = np.minimum(_FANOUT, n_below - _FANOUT * node)
        pt = np.repeat(pt, counts)
        node = np.repeat(_FANOUT * node, counts) + _ragged(counts)
        if pt.size <= _PAIR_BATCH:
            work.append((k - 1, pt, node))
            continue
        # Split at point boundaries into pieces of about _PAIR_BATCH pairs (pushed so that
        # the first piece is worked on first).
        starts = np.flatnonzero(np.r_[True, pt[1:] != pt[:-1]])
        cuts = np.unique(
            starts[np.searchsorted(starts, np.arange(0, pt.size, _PAIR_BATCH), side="right") - 1]
        )
        bounds = np.r_[cuts, pt.size]
        for i in range(cuts.size - 1, -1, -1):
            work.append((k - 1, pt[bounds[i] : bounds[i + 1]], node[bounds[i] : bounds[i + 1]]))


def _ball_leaves(
    c: FloatArray, rho: FloatArray, upper: FloatArray, edges: _FocusEdges
) -> tuple[IntArray, IntArray]:
    """Return CSR (counts, leaves) of the leaves that may hold a ball's nearest edges.

    That is, the nearest edge of any point of ball ``B(c[i], rho[i])`` whose distance to the
    edges is at most ``upper[i]``.
    """
    n = c.shape[0]
    if n == 0 or not edges.levels:
        return np.zeros(n, dtype=np.int64), np.zeros(0, dtype=np.int64)
    balls: list[IntArray] = []
    leaves: list[IntArray] = []

    def visit(pt: IntArray, leaf: IntArray, ub: FloatArray, lb: FloatArray) -> None:
        balls.append(pt)
        leaves.append(leaf)

    _walk(c[:, 0].copy(), c[:, 1].copy(), c[:, 2].copy(), rho, upper.copy(), edges, visit)
    ball = np.concatenate(balls) if balls else np.zeros(0, dtype=np.int64)
    leaf = np.concatenate(leaves) if leaves else np.zeros(0, dtype=np.int64)
    if ball.size > 1 and (ball[1:] < ball[:-1]).any():
        order = np.argsort(ball, kind="stable")
        ball, leaf = ball[order], leaf[order]
    return np.bincount(ball, minlength=n).astype(np.int64), leaf


def _list_pairs(cnt: IntArray, rows: IntArray) -> tuple[IntArray, IntArray]:
    """Return (row number in ``rows``, index into the leaves) of the CSR lists of ``rows``."""
    off = np.cumsum(cnt) - cnt
    c = cnt[rows]
    return np.repeat(np.arange(rows.size, dtype=np.int64), c), np.repeat(off[rows], c) + _ragged(c)


def _ball_filter(
    c: FloatArray,
    rho: FloatArray,
    upper: FloatArray,
    cnt: IntArray,
    leaves: IntArray,
    rows: IntArray,
    edges: _FocusEdges,
) -> tuple[IntArray, IntArray]:
    """Return CSR (counts, leaves): list ``rows[i]`` cut down to ball ``i``.

    List ``rows[i]`` (of CSR ``cnt``, ``leaves``) holds the nearest edges of the points of a
    region around ball ``B(c[i], rho[i])``; what is kept may hold the nearest edge of any of
    the ball's points whose distance to the edges is at most ``upper[i]``.
    """
    ball, at = _list_pairs(cnt, rows)
    leaf = leaves[at]
    lev = edges.levels[0]
    dx = c[:, 0][ball] - lev.cx[leaf]
    dy = c[:, 1][ball] - lev.cy[leaf]
    dz = c[:, 2][ball] - lev.cz[leaf]
    gap = np.sqrt(dx * dx + dy * dy + dz * dz)
    radius = lev.radius[leaf] + rho[ball]
    u = upper.copy()
    if ball.size:
        first = np.flatnonzero(np.r_[True, ball[1:] != ball[:-1]])
        at = ball[first]
        u[at] = np.minimum(u[at], np.minimum.reduceat(gap + radius, first))
    keep = gap - radius <= u[ball]
    return np.bincount(ball[keep], minlength=rows.size).astype(np.int64), leaf[keep]


def _list_nearest(
    p: FloatArray,
    bound: FloatArray,
    cnt: IntArray,
    leaves: IntArray,
    rows: IntArray,
    edges: _FocusEdges,
    near: FloatArray,
) -> FloatArray:
    """Return the chord distance from each point to the edges of its list of leaves.

    Point ``i``'s list is ``rows[i]`` of CSR ``cnt``, ``leaves``; the distance is exact where
    it is at most ``bound[i]``; nearest points go into ``near``.
    """
    n = p.shape[0]
    best = np.full(n, np.inf)
    px, py, pz = p[:, 0].copy(), p[:, 1].copy(), p[:, 2].copy()
    total = np.cumsum(cnt[rows])
    lo = 0
    while lo < n:
        base = total[lo - 1] if lo else 0
        hi = max(int(np.searchsorted(total, base + 4 * _PAIR_BATCH, side="right")), lo + 1)
        sub = np.arange(lo, min(hi, n))
        lo = int(sub[-1]) + 1
        pt, at = _list_pairs(cnt, rows[sub])
        if pt.size == 0:
            continue
        pt = sub[pt]
        leaf = leaves[at]
        lev = edges.levels[0]
        dx = px[pt] - lev.cx[leaf]
        dy = py[pt] - lev.cy[leaf]
        dz = pz[pt] - lev.cz[leaf]
        gap = np.sqrt(dx * dx + dy * dy + dz * dz)
        radius = lev.radius[leaf]
        ub = gap + radius
        first = np.flatnonzero(np.r_[True, pt[1:] != pt[:-1]])
        u = bound[pt[first]]
        np.minimum(u, np.minimum.reduceat(ub, first), out=u)
        upper = np.full(n, np.inf)
        upper[pt[first]] = u
        lb = gap - radius
        keep = lb <= upper[pt]
        _leaves_min(best, px, py, pz, pt[keep], leaf[keep], ub[keep], lb[keep], edges, near)
    return best


def _leaves_min(
    best: FloatArray,
    px: FloatArray,
    py: FloatArray,
    pz: FloatArray,
    pair_pt: IntArray,
    pair_leaf: IntArray,
    ub: FloatArray,
    lb: FloatArray,
    edges: _FocusEdges,
    near: FloatArray | None,
) -> None:
    """Lower ``best[i]`` to the chord distance from point ``i`` to the nearest edge of its leaves.

    ``pair_pt`` is sorted. The leaf with the least upper bound is measured first, which gives
    each point a tight bound; then only the leaves whose lower bound can beat it.
    """
    if pair_pt.size == 0:
        return
    first = np.flatnonzero(np.r_[True, pair_pt[1:] != pair_pt[:-1]])
    if first.size == pair_pt.size:  # one leaf per point
        _edge_min(best, px, py, pz, pair_pt, pair_leaf, edges, near)
        return
    group = np.repeat(np.arange(first.size), np.diff(np.r_[first, pair_pt.size]))
    least = np.minimum.reduceat(ub, first)
    hit = np.flatnonzero(ub == least[group])
    chosen = np.zeros(pair_pt.size, dtype=bool)
    chosen[hit[np.r_[True, group[hit][1:] != group[hit][:-1]]]] = True
    _edge_min(best, px, py, pz, pair_pt[chosen], pair_leaf[chosen], edges, near)
    keep = ~chosen & (lb <= best[pair_pt])
    _edge_min(best, px, py, pz, pair_pt[keep], pair_leaf[keep], edges, near)


def _edge_min(
    best: FloatArray,
    px: FloatArray,
    py: FloatArray,
    pz: FloatArray,
    pair_pt: IntArray,
    pair_leaf: IntArray,
    edges: _FocusEdges,
    near: FloatArray | None,
) -> None:
    """Lower ``best[i]`` to the chord distance from point ``i`` to each edge of its leaves.

    A (point, leaf) pair is one row of the leaf's edges side by side (``edges.blocks``): the
    same arithmetic per (point, edge) as edge by edge, without expanding the pairs.
    """
    if pair_pt.size == 0:
        return
    bax, bay, baz, bvx, bvy, bvz, bivv = edges.blocks
    wx = px[pair_pt][:, None] - bax[pair_leaf]
    wy = py[pair_pt][:, None] - bay[pair_leaf]
    wz = pz[pair_pt][:, None] - baz[pair_leaf]
    vx, vy, vz = bvx[pair_leaf], bvy[pair_leaf], bvz[pair_leaf]
    t = (wx * vx + wy * vy + wz * vz) * bivv[pair_leaf]
    np.clip(t, 0.0, 1.0, out=t)
    gx, gy, gz = wx - t * vx, wy - t * vy, wz - t * vz
    d = np.sqrt(gx * gx + gy * gy + gz * gz)
    # Pairs are sorted by point: the least of each point's rows (and, for ``near``, where:
    # the first row and column reaching it, as edge by edge in pair order).
    col = d.argmin(axis=1)
    row_min = d[np.arange(d.shape[0]), col]
    first = np.flatnonzero(np.r_[True, pair_pt[1:] != pair_pt[:-1]])
    least = np.minimum.reduceat(row_min, first)
    pts = pair_pt[first]
    if near is None:
        best[pts] = np.minimum(best[pts], least)
        return
    group = np.repeat(np.arange(first.size), np.diff(np.r_[first, row_min.size]))
    at = np.flatnonzero(row_min == least[group])
    at = at[np.r_[True, group[at][1:] != group[at][:-1]]]
    better = least < best[pts]
    best[pts[better]] = least[better]
    rows = at[better]
    hit = edges.block_edge[pair_leaf[rows], col[rows]]
    t_hit = t[rows, col[rows]]
    near[pts[better]] = np.column_stack(
        [
            edges.ax[hit] + t_hit * edges.vx[hit],
            edges.ay[hit] + t_hit * edges.vy[hit],
            edges.az[hit] + t_hit * edges.vz[hit],
        ]
    )


def route_exposure(
    runs: RouteRuns, index: BoundaryIndex, focus: list[str], bands_km: tuple[float, ...]
) -> list[dict[str, dict[str, Any]]]:
    """Return, per route, the exposure to each focus state.

    Each entry maps a focus code to ``{"inside_km", "within_km": {"<d>": km}, "min_distance_km"}``
    with ``within_km`` counting route km whose geodesic distance to the state's territory is at
    most ``d`` km (inside included).
    """
    n_routes = runs.seg.length_m.size
    out: list[dict[str, dict[str, Any]]] = [{} for _ in range(n_routes)]
    if runs.seg.start_m.size == 0:
        return out
    ch = _chunks(runs)
    for code in focus:
        state = index.state_number(code)
        within, nearest = _exposure_one(runs, ch, _focus_edges(index, state), state, bands_km)
        missing = np.flatnonzero(~np.isfinite(nearest))
        if missing.size:
            nearest[missing] = _far_nearest(runs, ch, index, state, missing)
        inside_m = np.zeros(n_routes)
        np.add.at(
            inside_m,
            runs.route[runs.state == state],
            (runs.stop_m - runs.start_m)[runs.state == state],
        )
        for r in range(n_routes):
            inside = inside_m[r] / 1000.0
            bands = {}
            running = inside
            for j, d in enumerate(bands_km):
                running = max(running, float(within[r, j]))  # monotone by construction
                bands[_band_key(d)] = running
            out[r][code] = {
                "inside_km": inside,
                "within_km": bands,
                "min_distance_km": 0.0 if inside > 0 else float(nearest[r]),
            }
    return out


def _band_key(d: float) -> str:
    return str(int(d)) if float(d).is_integer() else str(d)


def _exposure_one(
    runs: RouteRuns, ch: _Chunks, edges: _FocusEdges, state: int, bands_km: tuple[float, ...]
) -> tuple[FloatArray, FloatArray]:
    """Return km within each band, per route, and each route's nearest approach.

    The nearest approach is in arc km, inf where the route comes no nearer than the widest band.
    """
    n_routes = runs.seg.length_m.size
    bands = _arc_to_chord(np.asarray(bands_km, dtype=float))
    d_max = float(bands.max()) if bands.size else 0.0
    within = np.zeros((n_routes, bands.size))
    nearest = np.full(n_routes, np.inf)
    radius = d_max + _WINDOW_KM
    has = _near_chunks(ch, edges, radius)
    # Chunks with edges near, or inside the focus state (big states), are measured.
    mid_state = runs.state_at((ch.start + ch.stop) / 2.0)
    active = np.flatnonzero(has | (mid_state == state))
    if active.size == 0:
        return within, nearest

    def measure(
        pos: FloatArray,
        chunk: IntArray,
        hints: tuple[FloatArray, ...] = (),
        lists: tuple[IntArray, IntArray, IntArray] | None = None,
    ) -> tuple[FloatArray, FloatArray, FloatArray]:
        return _eval(runs, ch, pos, chunk, edges, state, radius, hints, lists)

    def reach(a: FloatArray, b: FloatArray) -> FloatArray:
        # How far (chord km) a point of the drawn path between positions a and b may be from
        # either end, at most (with room for the path's and the edges' departures).
        return (b - a) / 1000.0 * (1.0 + _PATH_SLACK) + _LIST_SLACK_KM

    # Initial intervals: the chunks themselves, halved where they cannot be decided.
    a, b = ch.start[active], ch.stop[active]
    chunk_of = active
    pa, da, qa = measure(a, chunk_of)
    pb, db, qb = measure(b, chunk_of)
    route = ch.route[chunk_of]
    # Each interval keeps a list of the leaves its points' nearest edges can be on (those
    # within the window): every point of it lies within reach / 2 of its chord's middle, and
    # (distance being 1-Lipschitz; from an end inside the state the path crosses the border)
    # within reach of the edges, plus the nearer end's distance. Halves filter their
    # interval's list.
    ext = reach(a, b)
    cnt, leaves = _ball_leaves(
        (pa + pb) / 2.0, ext / 2.0, np.minimum(radius, np.minimum(da, db) + ext), edges
    )
    # Distances are exact only up to the window's radius: one measured beyond it may be too
    # long, but the true one is beyond the window too, so balls are capped at its radius.
    cap = d_max + _WINDOW_KM * 0.5
    for step in range(_MAX_HALVINGS + 1):
        if a.size == 0:
            break
        np.minimum.at(nearest, route, np.minimum(da, db))
        length = (b - a) / 1000.0 * (1.0 + _PATH_SLACK)
        wide = _path_width(pa, pb, a, b)
        lo = _lens_bound(pa, pb, np.minimum(da, cap), np.minimum(db, cap), length, wide)
        # Upper bounds: along the route, and the distance to either end's nearest territory
        # point (convex along the chord, so largest at an end, plus the path's width).
        to_qa = np.maximum(da, np.linalg.norm(pb - qa, axis=1))
        to_qb = np.maximum(db, np.linalg.norm(pa - qb, axis=1))
        hi = np.fmin((da + db + length) / 2.0, np.fmin(to_qa, to_qb) + wide)
        # (Chunks are <= 200 km: 12 halvings reach 50 m; the last round settles whatever is
        # left rather than drop it.)
        small = (length <= _SETTLE_KM) | (step == _MAX_HALVINGS)
        # An interval lying in one stretch of the focus state's territory is wholly within.
        run_a = np.searchsorted(runs.start_m, a, side="right")
        run_b = np.searchsorted(runs.start_m, b, side="left")
        whole = (run_a == run_b) & (da == 0) & (db == 0)
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
        # The nearest approach is sought here only for routes that come within the window
        # (the others go to the far search).
        best = nearest[route]
        need_min = (best > 0) & (best <= cap) & (lo < best - _MIN_TOL_KM) & ~small
        split = undecided | need_min
        done = ~split
        np.add.at(within, route[done], contrib[done] / (1.0 + _PATH_SLACK))
        if not split.any():
            break
        keep = np.flatnonzero(split)
        a, b, chunk_of, route = a[keep], b[keep], chunk_of[keep], route[keep]
        pa, pb, da, db, qa, qb = pa[keep], pb[keep], da[keep], db[keep], qa[keep], qb[keep]
        m = (a + b) / 2.0
        # The ends' nearest territory points (outside the state: on its edges) bound the
        # midpoint's search.
        pm, dm, qm = measure(
            m,
            chunk_of,
            (np.where(da[:, None] > 0, qa, np.nan), np.where(db[:, None] > 0, qb, np.nan)),
            (cnt, leaves, keep),
        )
        ext_a, ext_b = reach(a, m), reach(m, b)
        cnt_a, leaves_a = _ball_filter(
            (pa + pm) / 2.0,
            ext_a / 2.0,
            np.minimum(radius, np.minimum(da, dm) + ext_a),
            cnt,
            leaves,
            keep,
            edges,
        )
        cnt_b, leaves_b = _ball_filter(
            (pm + pb) / 2.0,
            ext_b / 2.0,
            np.minimum(radius, np.minimum(dm, db) + ext_b),
            cnt,
            leaves,
            keep,
            edges,
        )
        cnt = np.concatenate([cnt_a, cnt_b])
        leaves = np.concatenate([leaves_a, leaves_b])
        a = np.concatenate([a, m])
        b = np.concatenate([m, b])
        pa, pb = np.concatenate([pa, pm]), np.concatenate([pm, pb])
        da, db = np.concatenate([da, dm]), np.concatenate([dm, db])
        qa, qb = np.concatenate([qa, qm]), np.concatenate([qm, qb])
        chunk_of = np.concatenate([chunk_of, chunk_of])
        route = np.concatenate([route, route])
    # Beyond the window the measured nearest approach may be too long: those go to the far
    # search.
    nearest[nearest > cap] = np.inf
    return within, _chord_to_arc(nearest)


def _path_width(pa: FloatArray, pb: FloatArray, a: FloatArray, b: FloatArray) -> FloatArray:
    """Return how far (km) the route between positions ``a`` and ``b`` may stray from the chord.

    The geodesic path between the two ends is ``(b - a)`` long, and a path of that length
    between two points stays inside the ellipsoid with them as foci, whose half-width is
    ``sqrt(length**2 - chord**2) / 2``; the drawn (densified lon/lat) path lies within
    ``_PATH_TOL_KM`` of the geodesic one.
    """
    length = (b - a) / 1000.0
    chord = np.linalg.norm(pb - pa, axis=1)
    return np.sqrt(np.maximum(length**2 - chord**2, 0.0)) / 2.0 + _PATH_TOL_KM


def _arc_to_chord(arc_km: FloatArray) -> FloatArray:
    """Return chords for arc lengths on the mean sphere: c = 2R sin(arc / 2R)."""
    return np.asarray(
        2 * _MEAN_RADIUS_KM * np.sin(np.minimum(arc_km / (2 * _MEAN_RADIUS_KM), np.pi / 2)),
        dtype=float,
    )


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


def _eval(
    runs: RouteRuns,
    ch: _Chunks,
    pos: FloatArray,
    chunk_of: IntArray,
    edges: _FocusEdges,
    state: int,
    radius_km: float,
    hints: tuple[FloatArray, ...] = (),
    lists: tuple[IntArray, IntArray, IntArray] | None = None,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Return each position's ECEF point, chord distance and nearest territory point.

    Inside the focus state the distance is 0 and the nearest point is the point itself.
    Distances up to ``radius_km`` (chord) are exact; beyond, they are only known to be beyond
    (inf, with a NaN nearest point, or some longer distance). ``hints`` are points on the
    focus edges (ECEF km, NaN for none) near each position, e.g. the nearest points of an
    interval's ends: the distance to them bounds the search. ``lists`` (counts, leaves, list
    of each position) give leaves among which each position's nearest edge is, if within
    ``radius_km`` (else the whole tree is searched).
    """
    seg = runs.seg
    seg_ids = np.clip(
        np.searchsorted(seg.start_m, pos, side="right") - 1,
        ch.seg_first[chunk_of],
        ch.seg_stop[chunk_of] - 1,
    )
    lon, lat = seg.point_on(seg_ids, pos)
    p = _ecef(lon, lat)
    inside = runs.state_at(pos, seg.route[seg_ids]) == state
    d = np.zeros(pos.size)
    q = p.copy()
    out = np.flatnonzero(~inside)
    if out.size:
        bound = np.full(out.size, radius_km)
        for hint in hints:
            # fmin: a NaN hint (none) leaves the bound alone.
            gap = np.linalg.norm(p[out] - hint[out], axis=1)
            np.fmin(bound, gap * (1.0 + 1e-9) + 1e-9, out=bound)
        near = np.full((out.size, 3), np.nan)
        if lists is None:
            d[out] = _distance_all_km(p[out], edges, chord=True, near=near, bound=bound)
        else:
            cnt, leaves, rows = lists
            d[out] = _list_nearest(p[out], bound, cnt, leaves, rows[out], edges, near)
        q[out] = near
    return p, d, q


def _far_nearest(
    runs: RouteRuns, ch: _Chunks, index: BoundaryIndex, state: int, routes: IntArray
) -> FloatArray:
    """Return the nearest approach (km) of routes that come nowhere near the focus state.

    Branch and bound over route intervals and outline detail at once, in ECEF chords. An
    interval's ends ``a``, ``b`` measured against the outline simplified by ``h`` are no nearer
    to the full outline than ``ra = da - h`` and ``rb = db - h``: the balls ``B(a, ra)`` and
    ``B(b, rb)`` hold none of it. Every point of the interval lies within ``w`` of the chord
    ``ab`` (``w`` from the interval's length and the chord's), so no point of it is nearer than
    (the least distance from the chord to the outside of the two balls) minus ``w`` (see
    :func:`_lens_bound`). Intervals that cannot beat the best end found by more than the
    tolerance are dropped; the others are measured on a finer outline (where ``h`` dominates)
    or halved, until the answer is known to ``max(5 m, 0.02 %)``.
    """
    seg = runs.seg
    n_routes = seg.length_m.size
    levels = [_focus_edges(index, state, simplify_deg=t) for t in _LEVELS_DEG]
    h_all = np.asarray(_LEVELS_DEG) * _KM_PER_DEG_MAX
    top = len(levels) - 1
    which = np.flatnonzero(np.isin(ch.route, routes))
    a, b = ch.start[which], ch.stop[which]
    route = ch.route[which]
    first, last = ch.seg_first[which], ch.seg_stop[which] - 1
    lev = np.zeros(which.size, dtype=np.int64)

    def measure(
        pos: FloatArray, level: IntArray, lo: IntArray, hi: IntArray
    ) -> tuple[FloatArray, FloatArray]:
        seg_of = np.clip(np.searchsorted(seg.start_m, pos, side="right") - 1, lo, hi)
        p = _ecef(*seg.point_on(seg_of, pos))
        d = np.empty(pos.size)
        for k in np.unique(level):
            at = np.flatnonzero(level == k)
            d[at] = _distance_all_km(p[at], levels[k], chord=True)
        return p, d

    # Consecutive chunks share their ends: measure each end once.
    joined = np.r_[False, (a[1:] == b[:-1]) & (route[1:] == route[:-1])]
    pa, da = measure(a, lev, first, last)
    pb = np.empty_like(pa)
    db = np.empty_like(da)
    shared = np.flatnonzero(joined[1:])
    pb[shared], db[shared] = pa[shared + 1], da[shared + 1]
    alone = np.flatnonzero(~np.r_[joined[1:], False])
    pb[alone], db[alone] = measure(b[alone], lev[alone], first[alone], last[alone])
    best = np.full(n_routes, np.inf)  # chord km: the nearest end measured so far (+ its h)
    best_pos = np.full(n_routes, np.nan)  # ... where it is (global metres) ...
    best_seg = np.zeros((n_routes, 2), dtype=np.int64)  # ... and its chunk's segments
    for _ in range(200):
        if a.size == 0:
            break
        h = h_all[lev]
        _keep_best(
            best,
            best_pos,
            best_seg,
            route,
            np.minimum(da, db) + h,
            np.where(da <= db, a, b),
            first,
            last,
        )
        length = (b - a) / 1000.0 * (1.0 + _PATH_SLACK)
        lower = _lens_bound(
            pa,
            pb,
            np.maximum(da - h, 0.0),
            np.maximum(db - h, 0.0),
            length,
            _path_width(pa, pb, a, b),
        )
        tol = np.maximum(_MIN_TOL_KM, _REL_TOL_FAR * best[route])
        live = (lower < best[route] - tol) & (length > _MIN_TOL_KM)
        if not live.any():
            break
        keep = np.flatnonzero(live)
        a, b, pa, pb, da, db = a[keep], b[keep], pa[keep], pb[keep], da[keep], db[keep]
        route, first, last, lev = route[keep], first[keep], last[keep], lev[keep]
        h, lower = h[keep], lower[keep]
        # Where the outline's error dominates the gap between the bounds, measure again on a
        # finer outline; else halve the interval.
        gap = np.minimum(da, db) + h - lower
        finer = (4 * h > gap) & (lev < top)
        up = np.flatnonzero(finer)
        if up.size:
            lev[up] += 1
            pa[up], da[up] = measure(a[up], lev[up], first[up], last[up])
            pb[up], db[up] = measure(b[up], lev[up], first[up], last[up])
        cut = np.flatnonzero(~finer)
        mid = (a[cut] + b[cut]) / 2.0
        pm, dm = measure(mid, lev[cut], first[cut], last[cut])
        a = np.concatenate([a[up], a[cut], mid])
        b = np.concatenate([b[up], mid, b[cut]])
        pa = np.concatenate([pa[up], pa[cut], pm])
        pb = np.concatenate([pb[up], pm, pb[cut]])
        da = np.concatenate([da[up], da[cut], dm])
        db = np.concatenate([db[up], dm, db[cut]])
        route = np.concatenate([route[up], route[cut], route[cut]])
        first = np.concatenate([first[up], first[cut], first[cut]])
        last = np.concatenate([last[up], last[cut], last[cut]])
        lev = np.concatenate([lev[up], lev[cut], lev[cut]])
    return _geodesic_polish(
        seg, levels[-1], best_pos[routes], best_seg[routes], _chord_to_arc(best[routes])
    )


def _keep_best(
    best: FloatArray,
    best_pos: FloatArray,
    best_seg: IntArray,
    route: IntArray,
    value: FloatArray,
    pos: FloatArray,
    first: IntArray,
    last: IntArray,
) -> None:
    """Lower ``best[r]`` to each route's least ``value``, remembering where it was found."""
    order = np.lexsort((value, route))
    r_sorted = route[order]
    top = order[np.r_[True, r_sorted[1:] != r_sorted[:-1]]]
    better = top[value[top] < best[route[top]]]
    r = route[better]
    best[r] = value[better]
    best_pos[r] = pos[better]
    best_seg[r, 0], best_seg[r, 1] = first[better], last[better]


def _geodesic_polish(
    seg: Any, edges: _FocusEdges, pos: FloatArray, seg_range: IntArray, arc_km: FloatArray
) -> FloatArray:
    """Return the nearest approaches as WGS84 geodesics.

    The search ranks candidates by ECEF chords turned into arcs on the mean sphere, which is
    within ~0.03 % of the geodesic. Its best route point is measured once more against the full
    outline, and the geodesic (pyproj.Geod) from it to the nearest outline point is the figure:
    a real distance between a point of the route and a point of the state.
    """
    ok = np.flatnonzero(np.isfinite(pos))
    out = arc_km.copy()
    if ok.size == 0:
        return out
    idx = np.clip(
        np.searchsorted(seg.start_m, pos[ok], side="right") - 1, seg_range[ok, 0], seg_range[ok, 1]
    )
    lon, lat = seg.point_on(idx, pos[ok])
    p = _ecef(lon, lat)
    near = np.full(p.shape, np.nan)
    _distance_all_km(p, edges, chord=True, near=near)
    found = np.isfinite(near).all(axis=1)
    q_lon, q_lat, _ = _from_ecef().transform(
        near[found, 0] * 1000.0, near[found, 1] * 1000.0, near[found, 2] * 1000.0
    )
    _, _, dist = GEOD.inv(lon[found], lat[found], np.asarray(q_lon), np.asarray(q_lat))
    out[ok[found]] = np.asarray(dist, dtype=float) / 1000.0
    return out


def _lens_bound(
    pa: FloatArray,
    pb: FloatArray,
    ra: FloatArray,
    rb: FloatArray,
    length: FloatArray,
    wide: FloatArray,
) -> FloatArray:
    """Return a lower bound on the distance to a set from a route interval (chord km).

    The set lies outside the balls ``B(pa, ra)`` and ``B(pb, rb)``; the interval runs from
    ``pa`` to ``pb`` and is ``length`` long. Two bounds, the better one wins:

    - along the route (distance is 1-Lipschitz): ``(ra + rb - length) / 2``;
    - across it: on the chord ``pa pb`` the nearest point outside both balls lies on the
      circle where their spheres meet (radius ``rho``) or, if that circle falls beyond an end,
      at distance ``min(ra, rb)``; every point of the interval lies within ``wide`` of the
      chord (see :func:`_path_width`), so ``rho - wide`` bounds it.
    """
    along = (ra + rb - length) / 2.0
    chord = np.linalg.norm(pb - pa, axis=1)
    w = wide
    with np.errstate(invalid="ignore", divide="ignore"):
        c_pos = (chord**2 + ra**2 - rb**2) / (2.0 * chord)
    inside = (chord > 0) & (c_pos >= 0) & (c_pos <= chord)
    rho = np.where(
        inside,
        np.sqrt(np.maximum(ra**2 - np.where(inside, c_pos, 0.0) ** 2, 0.0)),
        np.minimum(ra, rb),
    )
    # The balls must overlap for the chord to be covered; else the across bound is void.
    across = np.where(ra + rb > chord, rho - w, -np.inf)
    return np.maximum(along, across)


def band_polygons(boundaries: Any, code: str, bands_km: tuple[float, ...]) -> dict[str, Any]:
    """Return geodesic distance-band polygons around a state, for display.

    Each band is the state's territory grown by ``d`` km, built in a local azimuthal
    equidistant projection centred on the state and returned as lon/lat (Multi)Polygons keyed
    by the band in km. Meant for maps: the figures in analyses come from
    :func:`route_exposure`, not from these polygons.
    """
    geom = boundaries.loc[boundaries["code"] == code].geometry.iloc[0]
    centre = shapely.centroid(geom)
    aeqd = pyproj.CRS.from_proj4(
        f"+proj=aeqd +lat_0={centre.y} +lon_0={centre.x} +datum=WGS84 +units=m"
    )
    fwd = pyproj.Transformer.from_crs("EPSG:4326", aeqd, always_xy=True)
    inv = pyproj.Transformer.from_crs(aeqd, "EPSG:4326", always_xy=True)
    # Outward bands do not depend on holes (lakes inside the state lie within every band) and
    # display needs no more than ~1 km detail.
    shells = shapely.polygons(shapely.get_exterior_ring(shapely.get_parts(geom)))
    simple = shapely.simplify(shapely.multipolygons(shells), 0.01)
    projected = shapely.transform(
        simple, lambda xy: np.column_stack(fwd.transform(xy[:, 0], xy[:, 1]))
    )
    out: dict[str, Any] = {}
    for d in bands_km:
        # For display a band's outline needs detail of about 2 % of its width; parts are grown
        # one by one and merged (buffering an overlapping multipolygon at once is far slower).
        coarse = shapely.get_parts(shapely.simplify(projected, max(1000.0, d * 20.0)))
        grown = shapely.union_all(shapely.buffer(coarse, d * 1000.0, quad_segs=4))
        grown = shapely.segmentize(grown, 20_000.0)
        out[_band_key(d)] = shapely.make_valid(
            shapely.transform(grown, lambda xy: np.column_stack(inv.transform(xy[:, 0], xy[:, 1])))
        )
    return out
