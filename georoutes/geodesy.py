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
IntArray = npt.NDArray[np.int64]

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


def _deviation_m(
    lon0: FloatArray,
    lat0: FloatArray,
    lon1: FloatArray,
    lat1: FloatArray,
    az: FloatArray,
    dist: FloatArray,
) -> FloatArray:
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


def densify(
    lon: npt.ArrayLike, lat: npt.ArrayLike, *, tolerance_m: float = DENSIFY_TOLERANCE_M
) -> DensifiedPart:
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


def densify_parts(
    lons: list[npt.ArrayLike],
    lats: list[npt.ArrayLike],
    *,
    tolerance_m: float = DENSIFY_TOLERANCE_M,
) -> list[DensifiedPart]:
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
    return [
        DensifiedPart(
            flat.lon[v_first[k] : v_first[k + 1]],
            flat.lat[v_first[k] : v_first[k + 1]],
            flat.seg_m[s_first[k] : s_first[k + 1]],
        )
        for k in range(len(sizes))
    ]


@dataclass(frozen=True)
class DensifiedFlat:
    """Densified vertices of many parts, concatenated (see :func:`densify_flat`)."""

    lon: FloatArray  # unwrapped within each part
    lat: FloatArray
    vertex_part: npt.NDArray[np.int64]
    seg_m: FloatArray  # one per pair of consecutive vertices of one part
    seg_part: npt.NDArray[np.int64]
    seg_start: npt.NDArray[np.int64]  # index of each segment's first vertex


def densify_flat(
    lon: npt.ArrayLike,
    lat: npt.ArrayLike,
    part: npt.ArrayLike,
    *,
    tolerance_m: float = DENSIFY_TOLERANCE_M,
) -> DensifiedFlat:
    """Densify many line parts given as one array of vertices with their part numbers.

    ``part`` must be non-decreasing (each part's vertices together, in order). Longitudes are
    unwrapped within each part, consecutive duplicate vertices dropped, and each segment cut
    into pieces along its geodesic as :func:`densify` does.

    Segments that :func:`_short_segments` clears (short, so the straight lon/lat segment is
    provably within tolerance of the geodesic) are kept whole and measured in closed form;
    only the others go through :class:`pyproj.Geod` (one ``inv`` for length and azimuth, the
    deviation estimate, and one ``fwd`` for their interior points).
    """
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    part = np.asarray(part, dtype=np.int64)
    ulon, ulat, upart = _unwrapped_parts(lon, lat, part)
    s = np.flatnonzero(upart[1:] == upart[:-1])
    if s.size == 0:
        return DensifiedFlat(
            ulon, ulat, upart, np.zeros(0), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        )
    seg_m, cleared = _short_segments(ulon, ulat, s, tolerance_m)
    n = np.ones(s.size, dtype=np.int64)
    slow = np.flatnonzero(~cleared)
    lon0, lat0 = ulon[s[slow]], ulat[s[slow]]
    lon1, lat1 = ulon[s[slow] + 1], ulat[s[slow] + 1]
    az = np.zeros(0)
    if slow.size:
        az_slow, _, dist = GEOD.inv(lon0, lat0, lon1, lat1)
        az = np.asarray(az_slow, dtype=float)
        seg_m[slow] = np.asarray(dist, dtype=float)
        n[slow], mid_lon, mid_lat = _pieces(lon0, lat0, lon1, lat1, az, seg_m[slow], tolerance_m)
    if slow.size == 0 or n.max() == 1:  # nothing to cut: the vertices as they are
        return DensifiedFlat(ulon, ulat, upart, seg_m, upart[s], s)
    # Output vertices: each input vertex (in order), with the interior points of its segment
    # (if any) after it. Vertex i moves down by the interior points of the segments before it.
    extra = np.zeros(ulon.size, dtype=np.int64)
    extra[s + 1] = n - 1
    out_of = np.arange(ulon.size) + np.cumsum(extra)
    size = ulon.size + int(extra.sum())
    v_lon = np.empty(size)
    v_lat = np.empty(size)
    v_part = np.empty(size, dtype=np.int64)
    v_lon[out_of], v_lat[out_of], v_part[out_of] = ulon, ulat, upart
    split = np.flatnonzero(n[slow] > 1)
    if split.size:
        seg = slow[split]
        plon, plat, owner, k = _interior_points(
            lon0[split], lat0[split], az[split], seg_m[seg], n[seg], mid_lon[split], mid_lat[split]
        )
        at = out_of[s[seg]][owner] + k
        v_lon[at], v_lat[at], v_part[at] = plon, plat, upart[s[seg]][owner]
    sub_m = np.repeat(seg_m / n, n)
    seg_part = np.repeat(upart[s], n)
    seg_start = np.flatnonzero(v_part[1:] == v_part[:-1])
    return DensifiedFlat(v_lon, v_lat, v_part, sub_m, seg_part, seg_start)


def _unwrapped_parts(
    lon: FloatArray, lat: FloatArray, part: npt.NDArray[np.int64]
) -> tuple[FloatArray, FloatArray, npt.NDArray[np.int64]]:
    """Return the vertices with longitudes unwrapped within parts, consecutive repeats dropped."""
    same = part[1:] == part[:-1]
    step = np.diff(lon)
    # Unwrap within parts by whole turns (input values stay exact).
    if np.all(np.abs(step) < 180.0):  # the usual case: no step to unwrap
        ulon = lon
    else:
        turns = np.where(same, np.round((step - ((step + 180.0) % 360.0 - 180.0)) / 360.0), 0.0)
        cum = np.concatenate([[0.0], np.cumsum(turns)])
        first = np.r_[0, np.flatnonzero(~same) + 1]
        cum -= np.repeat(cum[first], np.diff(np.r_[first, lon.size]))
        ulon = lon - 360.0 * cum
    keep = np.ones(lon.size, dtype=bool)
    keep[1:] = ~same | (np.diff(ulon) != 0) | (np.diff(lat) != 0)
    return ulon[keep], lat[keep], part[keep]


# WGS84 constants for the closed forms below.
_A = GEOD.a
_E2 = GEOD.es
_M_MIN = _A * (1.0 - _E2)  # smallest radius of curvature (meridional, at the equator), metres
#: Closed-form lengths are used for chords up to this long (metres); beyond, pyproj.
_SHORT_M = 20_000.0
#: Multiple of the leading-order deviation that bounds it (its largest value is 2/sqrt(3)).
_DEVIATION_FACTOR = 3.0
#: Highest latitude (degrees) at which segments may be cleared without pyproj.
_CLEAR_MAX_LAT = 85.0


def _short_segments(
    lon: FloatArray, lat: FloatArray, s: npt.NDArray[np.int64], tolerance_m: float
) -> tuple[FloatArray, npt.NDArray[np.bool_]]:
    """Return closed-form geodesic lengths (metres) of segments ``s -> s + 1``, and which are clear.

    A segment is *cleared* when it is short enough for its length to come from the closed form
    below (to ~1e-12 relative, round-off of the inputs) and for the straight (lon, lat) segment
    to be provably closer to the geodesic than :func:`_pieces` would accept for one piece, so
    that it needs no pyproj call at all. Lengths of other segments are left for pyproj.

    Length: the chord ``c`` between the two points in Earth-centred coordinates is exact; the
    geodesic's curvature in space is the normal curvature ``k = cos²α/M + sin²α/N`` of the
    ellipsoid in its direction, so ``s = c (1 + (kc)²/24 + 3(kc)⁴/640)`` (the arc of a curve of
    curvature ``k``; the variation of ``k`` along a segment of at most 20 km is below 1e-15).

    Deviation: relative to the straight (lon, lat) line, a geodesic at latitude φ and azimuth
    α turns at ``tan φ sin α (1 + cos²α) / R`` and drifts along at ``tan φ sin²α |cos α| / R``
    per metre; the gap between the geodesic's midpoint and the planar midpoint of a segment of
    length L is therefore at most ``(2/√3) L² tan φ_max / (8 R)`` to leading order (sampled:
    1.152 of ``L² tan φ / (8 R)`` at most, for L up to 60 km and |φ| up to 72°). Three times that,
    with R the smallest radius of curvature, plus 1 µm for round-off, bounds it.
    """
    # Everything is computed over all consecutive pairs (contiguous, cheaper than gathering),
    # then the segments are picked out; pairs across two parts are never picked.
    phi = np.radians(lat)
    sin_phi = np.sin(phi)
    cos_phi = np.cos(phi)
    lam = np.radians(lon)
    big_n = _A / np.sqrt(1.0 - _E2 * (sin_phi * sin_phi))  # prime-vertical radius
    rho = big_n * cos_phi
    d = np.diff(rho * np.cos(lam))
    chord2 = d * d
    d = np.diff(rho * np.sin(lam))
    chord2 += d * d
    d = np.diff(big_n * sin_phi)
    d *= 1.0 - _E2
    chord2 += d * d
    # Normal curvature in the segment's direction, at its middle.
    n_mid = big_n[:-1] + big_n[1:]
    n_mid *= 0.5
    m_mid = n_mid * n_mid
    m_mid *= n_mid
    m_mid *= (1.0 - _E2) / (_A * _A)  # meridional radius
    north = np.diff(phi)
    north *= m_mid
    north *= north
    east = rho[:-1] + rho[1:]
    east *= 0.5
    east *= np.diff(lam)
    east *= east
    with np.errstate(invalid="ignore", divide="ignore"):
        east += north
        cos2 = np.divide(north, east, out=east)
    inv_n = 1.0 / n_mid
    curv = 1.0 / m_mid
    curv -= inv_n
    curv *= cos2
    curv += inv_n
    q = curv * curv
    q *= chord2
    chord = np.sqrt(chord2)
    length = q * (3.0 / 640.0)
    length += 1.0 / 24.0
    length *= q
    length += 1.0
    length *= chord
    tan_abs = np.abs(sin_phi) / cos_phi
    bound = np.maximum(tan_abs[:-1], tan_abs[1:])
    bound *= chord2
    bound *= _DEVIATION_FACTOR / (8.0 * _M_MIN)
    bound += 1e-6
    abs_lat = np.abs(lat)
    # _pieces cuts a segment whose deviation is g into ceil(1.2 sqrt(g / tolerance)) pieces.
    cleared = chord <= _SHORT_M
    cleared &= np.maximum(abs_lat[:-1], abs_lat[1:]) <= _CLEAR_MAX_LAT
    cleared &= bound * 1.44 <= tolerance_m
    if s.size < length.size:
        length, cleared = length[s], cleared[s]
    return np.asarray(length, dtype=float), np.asarray(cleared, dtype=bool)


def _pieces_for_gap(gap: FloatArray, tolerance_m: float) -> npt.NDArray[np.int64]:
    return np.asarray(np.maximum(1, np.ceil(np.sqrt(gap / tolerance_m) * 1.2)), dtype=np.int64)


def _ecef_m(lon: FloatArray, lat: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Return Earth-centred coordinates (metres) of points on the WGS84 ellipsoid."""
    phi = np.radians(lat)
    lam = np.radians(lon)
    sin_phi = np.sin(phi)
    big_n = _A / np.sqrt(1.0 - _E2 * (sin_phi * sin_phi))
    rho = big_n * np.cos(phi)
    return rho * np.cos(lam), rho * np.sin(lam), big_n * (1.0 - _E2) * sin_phi


def _midpoint_pieces(
    lon0: FloatArray,
    lat0: FloatArray,
    lon1: FloatArray,
    lat1: FloatArray,
    az: FloatArray,
    dist: FloatArray,
    tolerance_m: float,
) -> tuple[npt.NDArray[np.int64], FloatArray, FloatArray]:
    """Return :func:`_pieces_for_gap` of each segment's midpoint gap (:func:`_deviation_m`).

    The gap is measured as the straight (Earth-centred) distance between the geodesic and the
    planar midpoints instead of by a second pyproj call: the geodesic between them is longer
    by at most ``c³ / (24 M²)`` (``c`` the chord, ``M`` the least radius of curvature; twice
    that is allowed for), and the chord is good to ~1e-8 m of round-off. Only where the count
    of pieces would change within that margin (plus 1 µm) of the chord is the geodesic
    measured by pyproj, so the counts are those :func:`_deviation_m` gives. The geodesic
    midpoints are returned too.
    """
    mid_lon, mid_lat, _ = GEOD.fwd(lon0, lat0, az, dist / 2.0)
    mid_lon = np.asarray(mid_lon, dtype=float)
    mid_lat = np.asarray(mid_lat, dtype=float)
    plan_lon = (lon0 + lon1) / 2.0
    plan_lat = (lat0 + lat1) / 2.0
    x0, y0, z0 = _ecef_m(mid_lon, mid_lat)
    x1, y1, z1 = _ecef_m(plan_lon, plan_lat)
    chord = np.sqrt((x1 - x0) ** 2 + (y1 - y0) ** 2 + (z1 - z0) ** 2)
    n = _pieces_for_gap(chord, tolerance_m)
    margin = 1e-6 + 1e-9 * chord + chord**3 / (12.0 * _M_MIN * _M_MIN)
    unsure = np.flatnonzero(
        _pieces_for_gap(np.maximum(chord - margin, 0.0), tolerance_m)
        != _pieces_for_gap(chord + margin, tolerance_m)
    )
    if unsure.size:
        _, _, gap = GEOD.inv(mid_lon[unsure], mid_lat[unsure], plan_lon[unsure], plan_lat[unsure])
        n[unsure] = _pieces_for_gap(np.asarray(gap, dtype=float), tolerance_m)
    return n, mid_lon, mid_lat


def _pieces(
    lon0: FloatArray,
    lat0: FloatArray,
    lon1: FloatArray,
    lat1: FloatArray,
    az: FloatArray,
    dist: FloatArray,
    tolerance_m: float,
) -> tuple[npt.NDArray[np.int64], FloatArray, FloatArray]:
    """Return into how many equal pieces each segment's geodesic is cut, and its midpoint."""
    # The gap grows with the square of a segment's length: n pieces cut it by n**2. The check
    # below catches long segments, where that estimate is optimistic.
    n, mid_lon, mid_lat = _midpoint_pieces(lon0, lat0, lon1, lat1, az, dist, tolerance_m)
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
        n[check[bad]] = np.ceil(n[check[bad]] * np.sqrt(sub_gap[bad] / tolerance_m) * 1.2).astype(
            np.int64
        )
        check = check[bad]
    return n, mid_lon, mid_lat


def _interior_points(
    lon0: FloatArray,
    lat0: FloatArray,
    az: FloatArray,
    dist: FloatArray,
    n: IntArray,
    mid_lon: FloatArray,
    mid_lat: FloatArray,
) -> tuple[FloatArray, FloatArray, IntArray, IntArray]:
    # Points k/n along each segment's geodesic for k = 1..n-1 (k = 0 is the start vertex
    # itself), longitudes unwrapped to follow the segment's start; with each point's segment
    # and k. The middle one of an even count is the geodesic midpoint already measured (the
    # same pyproj call: k / n is exactly 0.5).
    owner = np.repeat(np.arange(n.size), n - 1)
    k = np.arange(owner.size) - np.repeat(np.cumsum(n - 1) - (n - 1), n - 1) + 1
    plon = np.empty(owner.size)
    plat = np.empty(owner.size)
    half = 2 * k == n[owner]
    plon[half], plat[half] = mid_lon[owner[half]], mid_lat[owner[half]]
    rest = np.flatnonzero(~half)
    o = owner[rest]
    frac = k[rest] / n[o]
    rlon, rlat, _ = GEOD.fwd(lon0[o], lat0[o], az[o], dist[o] * frac)
    plon[rest], plat[rest] = np.asarray(rlon, dtype=float), np.asarray(rlat, dtype=float)
    plon = lon0[owner] + ((plon - lon0[owner] + 180.0) % 360.0 - 180.0)
    return plon, plat, owner, k


def _max_sub_gap(
    lon0: FloatArray, lat0: FloatArray, az: FloatArray, dist: FloatArray, n: npt.NDArray[np.int64]
) -> FloatArray:
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
    gap = _deviation_m(
        alon, alat, blon, blat, np.asarray(saz, dtype=float), np.asarray(sdist, dtype=float)
    )
    return np.asarray(gap.reshape(-1, 3).max(axis=1), dtype=float)


def split_antimeridian(
    lon: npt.ArrayLike, lat: npt.ArrayLike
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


def _shifted(
    lon: list[float], lat: list[float], frac: list[float], sheet: np.int64
) -> tuple[FloatArray, FloatArray, FloatArray]:
    return (np.asarray(lon) - 360.0 * sheet, np.asarray(lat), np.asarray(frac))
