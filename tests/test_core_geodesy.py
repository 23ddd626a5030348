"""Geodesy: known lengths, and the densification contract (planar within 10 m of geodesic)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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
@given(lon0=st.floats(-180, 180), lat0=st.floats(-80, 80), az=st.floats(0, 360),
       km=st.floats(1, 4000))
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
