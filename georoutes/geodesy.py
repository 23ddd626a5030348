"""Geodesy on the WGS84 ellipsoid: lengths, geodesic densification, antimeridian handling.

All lengths are computed with :class:`pyproj.Geod` (Karney's algorithm) and are in metres
internally; public results that carry ``_km`` in their name are in kilometres.

The path between two consecutive vertices of a route is the *geodesic*. Planar operations
(intersections with boundaries, point-in-polygon) are done in (lon, lat) on a copy of the route
densified with points *on* the geodesic, so that the straight (lon, lat) segments between them
stay within ``tolerance_m`` of the geodesic.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyproj

__all__ = [
    "GEOD",
    "DensifiedPart",
    "densify",
    "densify_parts",
    "geodesic_length_m",
    "segment_lengths_m",
    "split_antimeridian",
    "unwrap_lon",
]

FloatArray = npt.NDArray[np.float64]

#: The WGS84 ellipsoid; every length and distance in georoutes is measured on it.
GEOD = pyproj.Geod(ellps="WGS84")

#: Default bound on the distance between the planar (lon, lat) path and the geodesic, metres.
#: DESIGN.md asks for < 10 m; 5 m leaves room for the quadratic estimate below.
DENSIFY_TOLERANCE_M = 5.0

_MAX_PIECE_M = 50_000.0  # longest densified piece, metres


def unwrap_lon(lon: npt.ArrayLike) -> FloatArray:
    """Return longitudes (degrees) made continuous: no step between neighbours exceeds 180°.

    The first longitude is kept; each later one is shifted by a multiple of 360° so that the
    step from its predecessor is the short way round, as a geodesic takes it.

    Examples
    --------
    >>> unwrap_lon([179.0, -179.0, -178.0]).tolist()
    [179.0, 181.0, 182.0]
    """
    lon = np.asarray(lon, dtype=float)
    if lon.size < 2:
        return lon.copy()
    # Shift by whole turns (not by re-adding steps) so that input values stay exact.
    turns = np.round((np.diff(lon) - ((np.diff(lon) + 180.0) % 360.0 - 180.0)) / 360.0)
    return np.concatenate([lon[:1], lon[1:] - 360.0 * np.cumsum(turns)])


def segment_lengths_m(lon: npt.ArrayLike, lat: npt.ArrayLike) -> FloatArray:
    """Return the geodesic length in metres of each segment between consecutive vertices.

    Examples
    --------
    >>> round(float(segment_lengths_m([0.0, 1.0], [0.0, 0.0])[0]), 3)  # one degree of the equator
    111319.491
    """
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    if lon.size < 2:
        return np.zeros(0)
    _, _, dist = GEOD.inv(lon[:-1], lat[:-1], lon[1:], lat[1:])
    return np.asarray(dist, dtype=float)


def geodesic_length_m(lon: npt.ArrayLike, lat: npt.ArrayLike) -> float:
    """Return the geodesic length in metres of the path through the vertices, in order."""
    return float(segment_lengths_m(lon, lat).sum())


def _deviation_m(lon0: FloatArray, lat0: FloatArray, lon1: FloatArray, lat1: FloatArray,
                 az: FloatArray, dist: FloatArray) -> FloatArray:
    # Distance between the geodesic midpoint and the planar (lon, lat) midpoint of each segment:
    # for short segments the gap between the two paths peaks near the middle and grows with the
    # square of the segment's length.
    mid_lon, mid_lat, _ = GEOD.fwd(lon0, lat0, az, dist / 2.0)
    plan_lon = (lon0 + lon1) / 2.0
    plan_lat = (lat0 + lat1) / 2.0
    _, _, gap = GEOD.inv(np.asarray(mid_lon), np.asarray(mid_lat), plan_lon, plan_lat)
    return np.asarray(gap, dtype=float)


@dataclass(frozen=True)
class DensifiedPart:
    """A line part densified along its geodesics, with unwrapped longitudes.

    ``lon``/``lat`` are the vertices (degrees; longitudes continuous, possibly beyond ±180°),
    ``seg_m`` the geodesic length of each segment in metres, whose sum is the part's length.
    """

    lon: FloatArray
    lat: FloatArray
    seg_m: FloatArray

    @property
    def length_m(self) -> float:
        """Return the geodesic length of the part in metres."""
        return float(self.seg_m.sum())


def densify(lon: npt.ArrayLike, lat: npt.ArrayLike, *,
            tolerance_m: float = DENSIFY_TOLERANCE_M) -> DensifiedPart:
    """Return the line densified with points on its geodesics.

    New vertices are placed on the geodesic between each pair of input vertices, evenly spaced,
    as many as needed for the straight (lon, lat) segments to stay within ``tolerance_m`` metres of
    the geodesic. Consecutive duplicate vertices are dropped. Longitudes are unwrapped first, so a
    line across ±180° stays continuous.

    Examples
    --------
    >>> part = densify([0.0, 90.0], [60.0, 60.0])
    >>> part.lon.size > 2, round(part.length_m / 1000, 1)
    (True, 4621.3)
    """
    return densify_parts([lon], [lat], tolerance_m=tolerance_m)[0]


def densify_parts(lons: list[npt.ArrayLike], lats: list[npt.ArrayLike], *,
                  tolerance_m: float = DENSIFY_TOLERANCE_M) -> list[DensifiedPart]:
    """Return each part densified as :func:`densify` does, computed in one vectorised pass."""
    sizes = [np.asarray(a).size for a in lons]
    if not sizes:
        return []
    lon = np.concatenate([np.asarray(a, dtype=float).ravel() for a in lons])
    lat = np.concatenate([np.asarray(a, dtype=float).ravel() for a in lats])
    part = np.repeat(np.arange(len(sizes)), sizes)
    flat = densify_flat(lon, lat, part, tolerance_m=tolerance_m)
    v_first = np.searchsorted(flat.vertex_part, np.arange(len(sizes) + 1))
    s_first = np.searchsorted(flat.seg_part, np.arange(len(sizes) + 1))
    return [DensifiedPart(flat.lon[v_first[k]:v_first[k + 1]],
                          flat.lat[v_first[k]:v_first[k + 1]],
                          flat.seg_m[s_first[k]:s_first[k + 1]]) for k in range(len(sizes))]


@dataclass(frozen=True)
class DensifiedFlat:
    """Densified vertices of many parts, concatenated (see :func:`densify_flat`)."""

    lon: FloatArray  # unwrapped within each part
    lat: FloatArray
    vertex_part: npt.NDArray[np.int64]
    seg_m: FloatArray  # one per pair of consecutive vertices of one part
    seg_part: npt.NDArray[np.int64]
    seg_start: npt.NDArray[np.int64]  # index of each segment's first vertex


def densify_flat(lon: npt.ArrayLike, lat: npt.ArrayLike, part: npt.ArrayLike, *,
                 tolerance_m: float = DENSIFY_TOLERANCE_M) -> DensifiedFlat:
    """Densify many line parts given as one array of vertices with their part numbers.

    ``part`` must be non-decreasing (each part's vertices together, in order). Longitudes are
    unwrapped within each part, consecutive duplicate vertices dropped, and each segment cut
    into pieces along its geodesic as :func:`densify` does.
    """
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    part = np.asarray(part, dtype=np.int64)
    same = part[1:] == part[:-1]
    step = np.diff(lon)
    # Unwrap within parts by whole turns (input values stay exact).
    turns = np.where(same, np.round((step - ((step + 180.0) % 360.0 - 180.0)) / 360.0), 0.0)
    cum = np.concatenate([[0.0], np.cumsum(turns)])
    first = np.r_[0, np.flatnonzero(~same) + 1] if lon.size else np.zeros(0, dtype=np.int64)
    cum -= np.repeat(cum[first], np.diff(np.r_[first, lon.size]))
    ulon = lon - 360.0 * cum
    keep = np.ones(lon.size, dtype=bool)
    keep[1:] = ~same | (np.diff(ulon) != 0) | (np.diff(lat) != 0)
    ulon, ulat, upart = ulon[keep], lat[keep], part[keep]
    s = np.flatnonzero(upart[1:] == upart[:-1])
    if s.size == 0:
        return DensifiedFlat(ulon, ulat, upart, np.zeros(0), np.zeros(0, dtype=np.int64),
                             np.zeros(0, dtype=np.int64))
    lon0, lat0, lon1, lat1 = ulon[s], ulat[s], ulon[s + 1], ulat[s + 1]
    az, _, dist = GEOD.inv(lon0, lat0, lon1, lat1)
    az = np.asarray(az, dtype=float)
    dist = np.asarray(dist, dtype=float)
    n = _pieces(lon0, lat0, lon1, lat1, az, dist, tolerance_m)
    plon, plat, owner = _sub_points(lon0, lat0, az, dist, n)
    sub_m = (dist / n)[owner]
    # Output vertices: every segment's sub-points, then each part's last vertex after them.
    # (A part of one vertex is its own last vertex.)
    ends = np.r_[np.flatnonzero(upart[1:] != upart[:-1]), upart.size - 1]
    # Sub-points sort by their segment's first vertex (stable), ends by their own index; an
    # end vertex follows every sub-point of its part.
    order = np.argsort(np.r_[s[owner] * 2, ends * 2 + 1], kind="stable")
    v_lon = np.r_[plon, ulon[ends]][order]
    v_lat = np.r_[plat, ulat[ends]][order]
    v_part = np.r_[upart[s][owner], upart[ends]][order]
    seg_start = np.flatnonzero(v_part[1:] == v_part[:-1])
    return DensifiedFlat(v_lon, v_lat, v_part, sub_m, upart[s][owner], seg_start)


def _pieces(lon0: FloatArray, lat0: FloatArray, lon1: FloatArray, lat1: FloatArray,
            az: FloatArray, dist: FloatArray, tolerance_m: float) -> npt.NDArray[np.int64]:
    """Return into how many equal pieces each segment's geodesic is cut."""
    gap = _deviation_m(lon0, lat0, lon1, lat1, az, dist)
    # The gap grows with the square of a segment's length: n pieces cut it by n**2. The check
    # below catches long segments, where that estimate is optimistic.
    n = np.maximum(1, np.ceil(np.sqrt(gap / tolerance_m) * 1.2)).astype(np.int64)
    # A geodesic across the equator is an S in lon/lat: its midpoint gap can be nil while its
    # quarter points stray by hundreds of metres. Pieces of at most 50 km keep that S < 1 m.
    n = np.maximum(n, np.ceil(dist / _MAX_PIECE_M).astype(np.int64))
    # The quadratic estimate holds for short segments; segments over 200 km, or near a pole
    # where lon/lat lines bend fast, are checked piece by piece.
    check = np.flatnonzero((dist > 200_000.0) | (np.maximum(np.abs(lat0), np.abs(lat1)) > 70.0))
    for _ in range(8):
        if check.size == 0:
            break
        sub_gap = _max_sub_gap(lon0[check], lat0[check], az[check], dist[check], n[check])
        bad = sub_gap > tolerance_m
        if not bad.any():
            break
        n[check[bad]] = np.ceil(n[check[bad]] * np.sqrt(sub_gap[bad] / tolerance_m)
                                * 1.2).astype(np.int64)
        check = check[bad]
    return n


def _sub_points(lon0: FloatArray, lat0: FloatArray, az: FloatArray, dist: FloatArray,
                n: npt.NDArray[np.int64]) -> tuple[FloatArray, FloatArray, npt.NDArray[np.int64]]:
    # Points k/n along each segment's geodesic for k = 0..n-1, longitudes unwrapped to follow
    # the segment's start.
    owner = np.repeat(np.arange(n.size), n)
    start = np.cumsum(n) - n
    k = np.arange(owner.size) - start[owner]
    frac = k / n[owner]
    plon, plat, _ = GEOD.fwd(lon0[owner], lat0[owner], az[owner], dist[owner] * frac)
    plon = np.asarray(plon, dtype=float)
    plon = lon0[owner] + ((plon - lon0[owner] + 180.0) % 360.0 - 180.0)
    return plon, np.asarray(plat, dtype=float), owner


def _max_sub_gap(lon0: FloatArray, lat0: FloatArray, az: FloatArray, dist: FloatArray,
                 n: npt.NDArray[np.int64]) -> FloatArray:
    # Largest midpoint gap among the n sub-segments of each segment (checked on the first,
    # middle and last: the gap varies smoothly along a geodesic).
    probe_k = np.stack([np.zeros_like(n), n // 2, n - 1], axis=1)
    a_frac = probe_k / n[:, None]
    b_frac = (probe_k + 1) / n[:, None]
    rep = np.repeat(np.arange(n.size), 3)
    d = dist[rep]
    alon, alat, _ = GEOD.fwd(lon0[rep], lat0[rep], az[rep], d * a_frac.ravel())
    blon, blat, _ = GEOD.fwd(lon0[rep], lat0[rep], az[rep], d * b_frac.ravel())
    alon, alat = np.asarray(alon, dtype=float), np.asarray(alat, dtype=float)
    blon, blat = np.asarray(blon, dtype=float), np.asarray(blat, dtype=float)
    blon = alon + ((blon - alon + 180.0) % 360.0 - 180.0)
    saz, _, sdist = GEOD.inv(alon, alat, blon, blat)
    gap = _deviation_m(alon, alat, blon, blat, np.asarray(saz, dtype=float),
                       np.asarray(sdist, dtype=float))
    return np.asarray(gap.reshape(-1, 3).max(axis=1), dtype=float)


def split_antimeridian(lon: npt.ArrayLike, lat: npt.ArrayLike
                       ) -> list[tuple[FloatArray, FloatArray, FloatArray]]:
    """Return the unwrapped line cut where it crosses ±180°, each piece shifted into [-180, 180].

    Each item is ``(lon, lat, frac)``: the piece's vertices and, for each of its vertices, the
    position along the input line in units of input segments (``i + t`` for a point a fraction
    ``t`` along segment ``i``), so callers can map pieces back onto the unwrapped line.

    Examples
    --------
    >>> pieces = split_antimeridian([179.0, 181.0], [0.0, 0.0])
    >>> [(p[0].tolist(), p[2].tolist()) for p in pieces]
    [([179.0, 180.0], [0.0, 0.5]), ([-180.0, -179.0], [0.5, 1.0])]
    """
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    # Sheet k holds longitudes in [-180 + 360k, 180 + 360k).
    sheet = np.floor((lon + 180.0) / 360.0).astype(np.int64)
    pieces: list[tuple[FloatArray, FloatArray, FloatArray]] = []
    cur_lon = [lon[0]]
    cur_lat = [lat[0]]
    cur_frac = [0.0]
    cur_sheet = sheet[0]
    for i in range(1, lon.size):
        if sheet[i] == cur_sheet or _on_edge(lon[i], cur_sheet):
            cur_lon.append(lon[i])
            cur_lat.append(lat[i])
            cur_frac.append(float(i))
            if not _on_edge(lon[i], cur_sheet):
                cur_sheet = sheet[i]
            continue
        # Walk across every sheet edge between vertex i-1 and i.
        step = 1 if sheet[i] > cur_sheet else -1
        while cur_sheet != sheet[i]:
            edge = -180.0 + 360.0 * (cur_sheet + (1 if step > 0 else 0))
            t = (edge - lon[i - 1]) / (lon[i] - lon[i - 1])
            y = lat[i - 1] + t * (lat[i] - lat[i - 1])
            cur_lon.append(edge)
            cur_lat.append(y)
            cur_frac.append(i - 1 + t)
            pieces.append(_shifted(cur_lon, cur_lat, cur_frac, cur_sheet))
            cur_sheet += step
            cur_lon, cur_lat, cur_frac = [edge], [y], [i - 1 + t]
        cur_lon.append(lon[i])
        cur_lat.append(lat[i])
        cur_frac.append(float(i))
    pieces.append(_shifted(cur_lon, cur_lat, cur_frac, cur_sheet))
    return [p for p in pieces if p[0].size >= 2]


def _on_edge(lon: float, sheet: np.int64) -> bool:
    # A vertex exactly on the upper edge of the current sheet (e.g. 180.0) still belongs to it.
    return bool(lon == -180.0 + 360.0 * (sheet + 1))


def _shifted(lon: list[float], lat: list[float], frac: list[float], sheet: np.int64
             ) -> tuple[FloatArray, FloatArray, FloatArray]:
    return (np.asarray(lon) - 360.0 * sheet, np.asarray(lat), np.asarray(frac))
