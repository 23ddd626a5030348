"""Multi-part routes: merge the parts that touch, order and orient the rest into one chain.

Route files publish a route's parts in any order and direction, sometimes twice. Analysed in
file order, every join between two parts that do not touch would look like a border crossing.
:func:`chain_parts` puts the parts in route order first:

1. parts that share an end are merged (``shapely.line_merge`` semantics: only at ends where
   exactly two parts meet);
2. parts duplicated in whole or in part are counted once: the overlap is removed (the parts are
   noded and merged again) and its length reported as ``overlap_km``;
3. the merged pieces are ordered and oriented into the chain with the least total gap (nearest
   ends; every piece is tried as the first); each remaining join is a *gap*, reported with
   where it lies and how long it is (geodesic km between the two ends); a gap is never a
   crossing;
4. pieces that meet at a branch (three or more pieces at one point) or cross each other cannot
   be one chain: they are kept as a set, longest first, and ``topology`` is ``"network"``.

Coordinates are (lon, lat) degrees; lengths are WGS84 geodesics in km. A single LineString is
returned as it is (``topology`` ``"line"``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely

from .geodesy import GEOD

__all__ = ["Chain", "chain_parts"]

#: Ends closer than this (degrees, ~1 cm) are the same point.
_SAME_POINT_DEG = 1e-7
#: Above this many pieces only one greedy ordering is tried (from the outermost piece).
_EXHAUSTIVE_PIECES = 60


@dataclass(frozen=True)
class Chain:
    """A route's parts in route order.

    Attributes
    ----------
    geometry
        LineString (one piece) or MultiLineString (pieces in chain order, each oriented along
        the chain); for a network, the pieces longest first.
    topology
        ``"line"`` (one part as given), ``"chain"`` (parts joined or ordered into one path) or
        ``"network"`` (branches or crossings: analysed as a set).
    gaps
        One dict per join between two pieces that do not touch: ``after_part`` (index of the
        piece before it), ``length_km`` (geodesic), ``from_lon``, ``from_lat``, ``to_lon``,
        ``to_lat``.
    overlap_km
        Length of duplicated line removed (km, geodesic); 0 when nothing overlapped.
    parts_in
        Number of parts in the input geometry.
    """

    geometry: shapely.Geometry
    topology: str
    gaps: list[dict[str, float]] = field(default_factory=list)
    overlap_km: float = 0.0
    parts_in: int = 1


def _length_km(line: shapely.Geometry) -> float:
    total = 0.0
    for part in shapely.get_parts(line):
        xy = shapely.get_coordinates(part)
        if len(xy) >= 2:
            total += float(GEOD.line_length(xy[:, 0], xy[:, 1]))
    return total / 1000.0


def _gap_km(a: np.ndarray, b: np.ndarray) -> float:
    _, _, d = GEOD.inv(float(a[0]), float(a[1]), float(b[0]), float(b[1]))
    return float(d) / 1000.0


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    return bool(np.max(np.abs(a - b)) <= _SAME_POINT_DEG)


def chain_parts(geom: shapely.Geometry) -> Chain:
    """Return ``geom``'s parts merged, de-duplicated, ordered and oriented into one chain.

    Parameters
    ----------
    geom
        A LineString or MultiLineString in lon/lat degrees.

    Returns
    -------
    Chain
        The ordered geometry with its topology, gaps (km) and removed overlap (km).

    Examples
    --------
    Two parts 1.1° apart, in the wrong order, the shorter one drawn backwards (the chain
    follows the direction most of the line was drawn in):

    >>> import shapely
    >>> mls = shapely.MultiLineString([[(2.1, 0), (4, 0)], [(1, 0), (0, 0)]])
    >>> chain = chain_parts(mls)
    >>> [list(p.coords) for p in chain.geometry.geoms]
    [[(0.0, 0.0), (1.0, 0.0)], [(2.1, 0.0), (4.0, 0.0)]]
    >>> chain.topology, round(chain.gaps[0]["length_km"], 1)
    ('chain', 122.5)
    """
    if geom.geom_type == "LineString":
        return Chain(geom, "line")
    parts = [p for p in shapely.get_parts(geom) if not p.is_empty]
    n_in = len(parts)
    if n_in == 1:
        return Chain(parts[0], "chain", parts_in=1)
    given = _ends(parts)
    if all(_same(given[k, 1], given[k + 1, 0]) for k in range(n_in - 1)) and not _overlaps(parts):
        return Chain(geom, "chain", parts_in=n_in)  # already one path, in order
    pieces, overlap_km = _merge(parts)
    if len(pieces) > 1 and _is_network(pieces):
        pieces.sort(key=lambda p: -_length_km(p))
        return Chain(
            shapely.MultiLineString(pieces), "network", overlap_km=overlap_km, parts_in=n_in
        )
    if (
        overlap_km == 0.0
        and len(pieces) == n_in
        and _total_gap_km(parts) <= _total_gap_km(_order(pieces)) + 1e-9
    ):
        ordered = parts  # the file's order is already the best chain
    else:
        ordered = _order(pieces) if len(pieces) > 1 else pieces
        if _drawn_backwards(ordered, parts, given[0, 0]):
            ordered = [shapely.reverse(p) for p in reversed(ordered)]
    if len(ordered) == 1:
        return Chain(ordered[0], "chain", overlap_km=overlap_km, parts_in=n_in)
    gaps = []
    for i in range(len(ordered) - 1):
        a = shapely.get_coordinates(ordered[i])[-1]
        b = shapely.get_coordinates(ordered[i + 1])[0]
        if _same(a, b):
            continue
        gaps.append(
            {
                "after_part": i,
                "length_km": _gap_km(a, b),
                "from_lon": float(a[0]),
                "from_lat": float(a[1]),
                "to_lon": float(b[0]),
                "to_lat": float(b[1]),
            }
        )
    return Chain(
        shapely.MultiLineString(ordered), "chain", gaps=gaps, overlap_km=overlap_km, parts_in=n_in
    )


def _drawn_backwards(
    ordered: list[shapely.Geometry], parts: list[shapely.Geometry], first: np.ndarray
) -> bool:
    """Return True when most of the input (by length) runs against ``ordered``'s direction.

    Reversing every part of the input therefore reverses the chain. An exact tie falls back
    to the start of the first part as drawn: the chain starts at the end nearer to it.
    """
    chain = shapely.MultiLineString(ordered)
    score = 0.0
    for part in parts:
        xy = shapely.get_coordinates(part)
        a = chain.project(shapely.Point(xy[0]))
        b = chain.project(shapely.Point(xy[-1]))
        score += part.length * float(np.sign(b - a))
    if abs(score) > 1e-12:
        return score < 0
    head = shapely.get_coordinates(ordered[0])[0]
    tail = shapely.get_coordinates(ordered[-1])[-1]
    return _gap_km(first, tail) < _gap_km(first, head)


def _total_gap_km(pieces: list[shapely.Geometry]) -> float:
    ends = _ends(pieces)
    return sum(_gap_km(ends[k, 1], ends[k + 1, 0]) for k in range(len(pieces) - 1))


def _overlaps(parts: list[shapely.Geometry]) -> bool:
    planar_sum = float(sum(p.length for p in parts))
    noded = shapely.union_all(parts)
    return planar_sum - float(noded.length) > 1e-9 * max(planar_sum, 1e-12)


def _merge(parts: list[shapely.Geometry]) -> tuple[list[shapely.Geometry], float]:
    """Return the parts merged where they share ends, and the km of overlap removed."""
    multi = shapely.MultiLineString(parts)
    overlap_km = 0.0
    if _overlaps(parts):
        noded = shapely.union_all(parts)  # removes duplicated stretches (and nodes crossings)
        overlap_km = max(0.0, sum(_length_km(p) for p in parts) - _length_km(noded))
        merged = shapely.line_merge(noded)
    else:
        # Nothing duplicated: join at shared ends only, keeping every vertex as given (noding
        # would add vertices at crossings and move the geodesics between them).
        merged = shapely.line_merge(multi)
    pieces = [p for p in shapely.get_parts(merged) if not p.is_empty]
    return pieces, overlap_km


def _is_network(pieces: list[shapely.Geometry]) -> bool:
    """Return True when pieces touch or cross (a branch): they cannot be one path."""
    tree = shapely.STRtree(pieces)
    left, right = tree.query(pieces, predicate="intersects")
    return bool(np.any(left != right))


def _ends(pieces: list[shapely.Geometry]) -> np.ndarray:
    out = np.empty((len(pieces), 2, 2))
    for i, p in enumerate(pieces):
        xy = shapely.get_coordinates(p)
        out[i, 0], out[i, 1] = xy[0], xy[-1]
    return out


def _order(pieces: list[shapely.Geometry]) -> list[shapely.Geometry]:
    """Return the pieces ordered and oriented into the chain with the least total gap."""
    ends = _ends(pieces)
    n = len(pieces)
    # Geodesic distance between every pair of piece ends: d[i, a, j, b].
    flat = ends.reshape(-1, 2)
    i, j = np.meshgrid(np.arange(2 * n), np.arange(2 * n), indexing="ij")
    _, _, dist = GEOD.inv(
        flat[i.ravel(), 0], flat[i.ravel(), 1], flat[j.ravel(), 0], flat[j.ravel(), 1]
    )
    d = np.asarray(dist).reshape(n, 2, n, 2)
    starts: list[tuple[int, int]]
    if n <= _EXHAUSTIVE_PIECES:
        starts = [(s, o) for s in range(n) for o in (0, 1)]
    else:
        # The outermost end: the one farthest from every other piece's nearest end.
        near = np.array([[np.min(np.delete(d[s, e], s, axis=0)) for e in (0, 1)] for s in range(n)])
        s_, e_ = np.unravel_index(int(np.argmax(near)), near.shape)
        starts = [(int(s_), 1 - int(e_))]
    best: tuple[float, list[tuple[int, int]]] | None = None
    for first, orient in starts:
        path: list[tuple[int, int]] = [(int(first), int(orient))]
        used = {int(first)}
        total = 0.0
        while len(used) < n:
            cur, o = path[-1]
            tail = 1 - o  # the end we leave from: 1 if oriented as given, 0 if reversed
            cand = d[cur, tail].copy()
            cand[list(used)] = np.inf
            k_, e_ = np.unravel_index(int(np.argmin(cand)), cand.shape)
            k, e = int(k_), int(e_)
            total += float(cand[k, e])
            path.append((k, e))  # enter piece k at end e: reversed if e == 1
            used.add(k)
        if best is None or total < best[0] - 1e-9:
            best = (total, path)
    assert best is not None
    return [pieces[k] if o == 0 else shapely.reverse(pieces[k]) for k, o in best[1]]


def chain_summary(chain: Chain) -> dict[str, Any]:
    """Return the route table's columns for a chain: topology, gaps, overlap_km, parts."""
    return {
        "topology": chain.topology,
        "gaps": chain.gaps,
        "overlap_km": chain.overlap_km,
        "parts": chain.parts_in,
    }
