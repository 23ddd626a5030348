"""Geodesy: known lengths, and the densification contract (planar within 10 m of geodesic)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from georoutes import geodesy
from georoutes.geodesy import GEOD, densify, densify_parts, split_antimeridian, unwrap_lon


def test_known_lengths():
    # One degree of the equator, a quarter meridian (WGS84: a = 6378137 m, f = 1/298.257223563).
    assert densify([0.0, 1.0], [0.0, 0.0]).length_m == pytest.approx(111_319.4908, abs=1e-3)
    assert densify([0.0, 0.0], [0.0, 90.0]).length_m == pytest.approx(10_001_965.729, abs=1e-2)


def test_length_is_the_sum_of_vertex_geodesics():
    lon = [37.6, 60.6, 82.9, 104.3, 131.9]
    lat = [55.75, 56.8, 55.0, 52.3, 43.1]
    _, _, d = GEOD.inv(lon[:-1], lat[:-1], lon[1:], lat[1:])
    assert densify(lon, lat).length_m == pytest.approx(sum(d), rel=1e-9)


def _max_gap_m(lon, lat):
    az, _, d = GEOD.inv(lon[:-1], lat[:-1], lon[1:], lat[1:])
    worst = 0.0
    for f in (0.25, 0.5, 0.75):
        glon, glat, _ = GEOD.fwd(lon[:-1], lat[:-1], az, np.asarray(d) * f)
        plon = lon[:-1] + f * (lon[1:] - lon[:-1])
        plat = lat[:-1] + f * (lat[1:] - lat[:-1])
        _, _, gap = GEOD.inv(np.asarray(glon), np.asarray(glat), plon, plat)
        worst = max(worst, float(np.max(gap)))
    return worst


@settings(max_examples=60, deadline=None)
@given(
    lon0=st.floats(-180, 180), lat0=st.floats(-80, 80), az=st.floats(0, 360), km=st.floats(1, 4000)
)
def test_densified_segments_stay_within_10_m_of_the_geodesic(lon0, lat0, az, km):
    lon1, lat1, _ = GEOD.fwd(lon0, lat0, az, km * 1000.0)
    path_lat = [lat for _, lat in GEOD.npts(lon0, lat0, lon1, lat1, 64)]
    if max(abs(lat1), abs(lat0), *map(abs, path_lat)) > 80:
        return  # lon/lat degenerates near the poles (documented), over them too
    part = densify_parts([[lon0, lon1]], [[lat0, lat1]])[0]
    assert _max_gap_m(part.lon, part.lat) < 10.0


def test_an_equator_crossing_geodesic_is_densified():
    # Its midpoint lies on the straight lon/lat line; its quarter points do not.
    part = densify([88.75, 72.93], [-2.94, 2.94])
    assert part.lon.size > 30
    assert _max_gap_m(part.lon, part.lat) < 10.0


def test_antimeridian_unwrap_and_split():
    assert unwrap_lon([170.0, -170.0]).tolist() == [170.0, 190.0]
    pieces = split_antimeridian([170.0, 190.0], [60.0, 61.0])
    assert [p[0].tolist() for p in pieces] == [[170.0, 180.0], [-180.0, -170.0]]


def _random_short_segments(seed: int, n: int, max_m: float, max_lat: float):
    rng = np.random.default_rng(seed)
    lat0 = rng.uniform(-max_lat, max_lat, n)
    lon0 = rng.uniform(-180.0, 180.0, n)
    dist = np.exp(rng.uniform(np.log(1.0), np.log(max_m), n))
    lon1, lat1, _ = GEOD.fwd(lon0, lat0, rng.uniform(-180.0, 180.0, n), dist)
    lon1 = lon0 + ((np.asarray(lon1) - lon0 + 180.0) % 360.0 - 180.0)
    return lon0, lat0, lon1, np.asarray(lat1)


def test_closed_form_lengths_match_pyproj_and_the_deviation_bound_holds():
    # Segments the closed form clears must be measured as pyproj measures them (to round-off
    # of the inputs) and really lie within the tolerance that lets them go uncut.
    lon0, lat0, lon1, lat1 = _random_short_segments(11, 40_000, 25_000.0, 88.0)
    lon = np.column_stack([lon0, lon1]).ravel()
    lat = np.column_stack([lat0, lat1]).ravel()
    s = np.arange(0, lon.size, 2)
    length, cleared = geodesy._short_segments(lon, lat, s, geodesy.DENSIFY_TOLERANCE_M)
    az, _, dist = GEOD.inv(lon0, lat0, lon1, lat1)
    short = dist <= geodesy._SHORT_M * 0.999
    assert np.all(np.abs(length - dist)[short] <= 1e-11 * dist[short] + 2e-8)
    assert cleared.mean() > 0.3  # most short segments need no pyproj call
    assert not cleared[dist > geodesy._SHORT_M * 1.001].any()
    mlon, mlat, _ = GEOD.fwd(lon0, lat0, az, np.asarray(dist) / 2.0)
    _, _, gap = GEOD.inv(mlon, mlat, (lon0 + lon1) / 2.0, (lat0 + lat1) / 2.0)
    # Cleared: the midpoint gap is below what one piece may have (tolerance / 1.2**2), with a
    # margin: the bound is >= 2.5 times the largest gap sampled.
    assert np.all(np.asarray(gap)[cleared] * 2.5 <= geodesy.DENSIFY_TOLERANCE_M / 1.44)


@pytest.mark.parametrize("tolerance_m", [5.0, 0.5])
def test_densify_flat_equals_the_all_pyproj_path(tolerance_m):
    # Clearing segments in closed form changes nothing: the same vertices and segments as
    # measuring every segment with pyproj (forced here by clearing none).
    lon0, lat0, lon1, lat1 = _random_short_segments(12, 3_000, 80_000.0, 80.0)
    lon = np.column_stack([lon0, lon1]).ravel()
    lat = np.column_stack([lat0, lat1]).ravel()
    part = np.repeat(np.arange(lon0.size), 2)
    fast = geodesy.densify_flat(lon, lat, part, tolerance_m=tolerance_m)
    real = geodesy._short_segments
    try:
        geodesy._short_segments = lambda *a: (real(*a)[0], np.zeros(len(a[2]), dtype=bool))
        slow = geodesy.densify_flat(lon, lat, part, tolerance_m=tolerance_m)
    finally:
        geodesy._short_segments = real
    assert np.array_equal(fast.vertex_part, slow.vertex_part)
    assert np.array_equal(fast.seg_start, slow.seg_start)
    np.testing.assert_allclose(fast.lon, slow.lon, rtol=0, atol=1e-12)
    np.testing.assert_allclose(fast.lat, slow.lat, rtol=0, atol=1e-12)
    np.testing.assert_allclose(fast.seg_m, slow.seg_m, rtol=1e-11, atol=2e-8)


def _midpoint_gap_m(lon0, lat0, az, dist):
    lon1, lat1, _ = GEOD.fwd(lon0, lat0, az, dist)
    lon1 = lon0 + ((np.asarray(lon1) - lon0 + 180.0) % 360.0 - 180.0)
    lat1 = np.asarray(lat1)
    az1, _, d1 = GEOD.inv(lon0, lat0, lon1, lat1)
    az1, d1 = np.asarray(az1), np.asarray(d1)
    return lon1, lat1, az1, d1, geodesy._deviation_m(lon0, lat0, lon1, lat1, az1, d1)


def test_piece_counts_from_the_midpoint_chord_are_those_of_the_geodesic_gap(monkeypatch):
    # The midpoint gap measured as a chord (pyproj only near a change of count) must cut every
    # segment into as many pieces as the geodesic gap does, for gaps from millimetres to
    # hundreds of kilometres, and rarely need pyproj.
    rng = np.random.default_rng(13)
    n = 60_000
    lon0 = rng.uniform(-180.0, 180.0, n)
    lat0 = rng.uniform(-84.0, 84.0, n)
    az0 = rng.uniform(-180.0, 180.0, n)
    lon1, lat1, az, dist, gap = _midpoint_gap_m(
        lon0, lat0, az0, np.exp(rng.uniform(np.log(500.0), np.log(3e6), n))
    )
    tol = geodesy.DENSIFY_TOLERANCE_M
    want = geodesy._pieces_for_gap(gap, tol)
    assert want.max() > 100
    assert (want == 1).any()
    calls = []

    class CountingGeod:
        def fwd(self, *a):
            return GEOD.fwd(*a)

        def inv(self, *a):
            calls.append(len(a[0]))
            return GEOD.inv(*a)

    monkeypatch.setattr(geodesy, "GEOD", CountingGeod())
    assert np.array_equal(geodesy._midpoint_pieces(lon0, lat0, lon1, lat1, az, dist, tol)[0], want)
    assert sum(calls) < n * 0.01
    # Segments whose geodesic gap lies within 1e-7 m of a change of count (found by bisecting
    # their length) go to pyproj and come out the same.
    k = np.arange(2, 42)
    target = tol * (k / 1.2) ** 2  # the gap at which the count steps from k to k + 1
    lo = np.full(k.size, 1_000.0)
    hi = np.full(k.size, 2e6)
    sel = slice(0, k.size)
    for _ in range(80):
        mid = (lo + hi) / 2.0
        below = _midpoint_gap_m(lon0[sel], lat0[sel], az0[sel], mid)[4] < target
        lo, hi = np.where(below, mid, lo), np.where(below, hi, mid)
    lon2, lat2, az2, d2, gap2 = _midpoint_gap_m(lon0[sel], lat0[sel], az0[sel], hi)
    on_edge = np.abs(gap2 - target) < 1e-7
    assert on_edge.sum() >= 30  # (a few gaps do not grow steadily with the length)
    calls.clear()
    got = geodesy._midpoint_pieces(lon0[sel], lat0[sel], lon2, lat2, az2, d2, tol)[0]
    np.testing.assert_array_equal(got, geodesy._pieces_for_gap(gap2, tol))
    assert sum(calls) >= on_edge.sum()


def test_interior_points_are_the_geodesic_points_at_k_over_n():
    # Every densified vertex between two input vertices is pyproj's point k/n of the way
    # along their geodesic (the middle one of an even count included), to the last bit.
    lon0, lat0, lon1, lat1 = _random_short_segments(14, 2_000, 400_000.0, 75.0)
    lon = np.column_stack([lon0, lon1]).ravel()
    lat = np.column_stack([lat0, lat1]).ravel()
    flat = geodesy.densify_flat(lon, lat, np.repeat(np.arange(lon0.size), 2))
    first = np.searchsorted(flat.vertex_part, np.arange(lon0.size + 1))
    n = np.diff(first) - 1
    assert (n % 2 == 0).sum() > 100
    assert (n % 2 == 1).sum() > 100
    az, _, dist = GEOD.inv(lon0, lat0, lon1, lat1)
    owner = np.repeat(np.arange(n.size), n - 1)
    k = np.arange(owner.size) - np.repeat(np.cumsum(n - 1) - (n - 1), n - 1) + 1
    want_lon, want_lat, _ = GEOD.fwd(
        lon0[owner], lat0[owner], np.asarray(az)[owner], np.asarray(dist)[owner] * (k / n[owner])
    )
    want_lon = lon0[owner] + ((np.asarray(want_lon) - lon0[owner] + 180.0) % 360.0 - 180.0)
    inner = first[owner] + k
    np.testing.assert_array_equal(flat.lon[inner], want_lon)
    np.testing.assert_array_equal(flat.lat[inner], np.asarray(want_lat))
