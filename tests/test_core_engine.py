"""The engine against an independent brute-force measurement, and its invariants."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from _independent import classify, distances_km, km_by_state, sample_route, states_and_crossings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import georoutes
from georoutes.transit import RIVER_KM

# Six routes chosen for what they stress (coordinates: approximate town positions).
CHECK_ROUTES = {
    # Along the Tumen: Namyang (PRK) -> Hunchun area -> Khasan (RUS); a river border.
    "tumen": [
        (129.80, 42.95),
        (130.00, 42.85),
        (130.25, 42.70),
        (130.45, 42.52),
        (130.64, 42.43),
        (130.70, 42.30),
    ],
    # Across the antimeridian: Anadyr (RUS) -> Bering Strait -> Kotzebue (USA).
    "antimeridian": [(177.50, 64.73), (-175.0, 65.2), (-168.5, 65.7), (-162.6, 66.9)],
    # Mostly offshore: Vladivostok -> Samcheok.
    "offshore": [(131.90, 43.10), (130.6, 40.5), (129.17, 37.45)],
    # Four states: Berlin -> Warsaw -> Minsk -> Smolensk.
    "four-states": [(13.40, 52.52), (21.01, 52.23), (27.56, 53.90), (32.05, 54.78)],
    # Through China into the DPRK: Shenyang -> Dandong -> Sinuiju -> Pyongyang.
    "china": [(123.43, 41.80), (124.38, 40.13), (124.40, 40.10), (125.75, 39.03)],
    # Across the DMZ: Pyongyang -> Kaesong -> Seoul.
    "dmz": [(125.75, 39.03), (126.55, 37.97), (126.98, 37.56)],
}
BANDS = (10, 50, 100)


def _frame(routes: dict) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"id": list(routes)},
        geometry=[shapely.LineString(c) for c in routes.values()],
        crs="EPSG:4326",
    )


@pytest.fixture(scope="module")
def engine(boundaries):
    return georoutes.analyze(
        _frame(CHECK_ROUTES),
        boundaries=boundaries,
        focus=["CHN", "RUS"],
        bands_km=BANDS,
        waters="land",  # the independent checks below sample the land layer
    )


def _tol(value: float) -> float:
    return 0.5 + 0.005 * abs(value)


@pytest.mark.parametrize("rid", list(CHECK_ROUTES))
def test_km_by_state_states_and_crossings_match_independent_sampling(engine, boundaries, rid):
    s = sample_route(CHECK_ROUTES[rid])
    classify(s, boundaries)
    row = engine.loc[rid]
    assert row["length_km"] == pytest.approx(s.step_km.sum(), rel=1e-9)
    ref = km_by_state(s)
    for code in set(ref) | set(row["km_by_state"]):
        if code == "__sea__":
            assert row["offshore_km"] == pytest.approx(ref[code], abs=_tol(ref[code]))
            continue
        got = row["km_by_state"].get(code, 0.0)
        assert got == pytest.approx(ref.get(code, 0.0), abs=_tol(ref.get(code, 0.0))), code
    states, xings = states_and_crossings(s)
    assert row["states"] == states
    assert [(x["from"], x["to"]) for x in row["crossings"]] == [(a, b) for a, b, _ in xings]
    for x, (_, _, km) in zip(row["crossings"], xings, strict=True):
        assert x["km"] == pytest.approx(km, abs=_tol(km))


@pytest.mark.parametrize("rid", ["tumen", "offshore", "china", "dmz", "four-states"])
@pytest.mark.parametrize("focus", ["CHN", "RUS"])
def test_exposure_bands_match_independent_aeqd_distances(engine, boundaries, rid, focus):
    s = sample_route(CHECK_ROUTES[rid])
    classify(s, boundaries)
    geom = boundaries.loc[boundaries["code"] == focus].geometry.iloc[0]
    dist = distances_km(s, geom)
    inside = np.array([st == focus for st in s.state])
    dist[inside] = 0.0
    ex = engine.loc[rid]["exposure"][focus]
    for d in BANDS:
        ref = float(s.step_km[dist <= d].sum())
        assert ex["within_km"][str(d)] == pytest.approx(ref, abs=_tol(ref)), d
    if dist.min() < 300:  # the reference looks 400 km around each block
        assert ex["min_distance_km"] == pytest.approx(dist.min(), abs=0.1 + 0.005 * dist.min())


def test_antimeridian_route_is_measured_whole(engine):
    row = engine.loc["antimeridian"]
    coords = CHECK_ROUTES["antimeridian"]
    lon = [c[0] for c in coords]
    lat = [c[1] for c in coords]
    _, _, d = georoutes.geodesy.GEOD.inv(lon[:-1], lat[:-1], lon[1:], lat[1:])
    assert row["length_km"] == pytest.approx(sum(d) / 1000, rel=1e-9)
    assert row["states"] == ["RUS", "USA"]
    assert row["crossings"][0]["via"] == "sea"
    assert row["length_km"] < 1500  # not the long way round the globe


def test_known_states_on_real_corridors(engine):
    assert engine.loc["dmz", "states"] == ["PRK", "KOR"]
    assert engine.loc["china", "states"] == ["CHN", "PRK"]
    assert engine.loc["four-states", "states"] == ["DEU", "POL", "BLR", "RUS"]
    assert engine.loc["offshore", "offshore_km"] > 0.8 * engine.loc["offshore", "length_km"]
    assert engine.loc["china"]["exposure"]["CHN"]["min_distance_km"] == 0.0


# --------------------------------------------------------------------------------------------
# Invariants

FIXTURE_OK = [HealthCheck.function_scoped_fixture]
lonlat = st.tuples(st.floats(118.0, 134.0), st.floats(36.0, 46.0))
lines = st.lists(lonlat, min_size=2, max_size=6, unique=True)


def _analyze(coords_list, boundaries, **kw):
    frame = _frame({f"r{i}": c for i, c in enumerate(coords_list)})
    kw.setdefault("waters", "land")
    return georoutes.analyze(frame, boundaries=boundaries, focus=["CHN"], bands_km=BANDS, **kw)


@settings(max_examples=25, deadline=None, suppress_health_check=FIXTURE_OK)
@given(coords=lines)
def test_pieces_add_up_and_bands_are_monotone(boundaries, coords):
    row = _analyze([coords], boundaries).iloc[0]
    total = sum(row["km_by_state"].values()) + row["offshore_km"]
    assert total == pytest.approx(row["length_km"], rel=1e-6)
    ex = row["exposure"]["CHN"]
    values = [ex["inside_km"], *ex["within_km"].values()]
    assert values == sorted(values)
    assert values[-1] <= row["length_km"] + 1e-6
    assert ex["inside_km"] == pytest.approx(row["km_by_state"].get("CHN", 0.0))
    assert (ex["min_distance_km"] == 0) == (ex["inside_km"] > 0)


@settings(max_examples=20, deadline=None, suppress_health_check=FIXTURE_OK)
@given(coords=lines)
def test_reversing_a_route_reverses_states_and_mirrors_crossings(boundaries, coords):
    fwd, rev = _analyze([coords, coords[::-1]], boundaries).iloc
    assert rev["states"] == fwd["states"][::-1]
    assert len(rev["crossings"]) == len(fwd["crossings"])
    for a, b in zip(fwd["crossings"], rev["crossings"][::-1], strict=True):
        assert (a["from"], a["to"], a["via"]) == (b["to"], b["from"], b["via"])
        if a["via"] == "land":
            # A crossing is placed where the route enters the next state: across a river
            # (no state's land for up to RIVER_KM) the two directions differ by its width.
            mirrored = fwd["length_km"] - b["km"]
            assert -1e-6 <= a["km"] - mirrored <= RIVER_KM + 1e-6
    for code, km in fwd["km_by_state"].items():
        assert rev["km_by_state"][code] == pytest.approx(km, rel=1e-6, abs=1e-9)
    assert rev["exposure"]["CHN"]["within_km"]["50"] == pytest.approx(
        fwd["exposure"]["CHN"]["within_km"]["50"], abs=0.05
    )


@settings(max_examples=10, deadline=None, suppress_health_check=FIXTURE_OK)
@given(many=st.lists(lines, min_size=2, max_size=4))
def test_results_do_not_depend_on_route_order(boundaries, many):
    a = _analyze(many, boundaries)
    b = _analyze(many[::-1], boundaries)
    b.index = a.index[::-1]
    b = b.loc[a.index]
    assert a["states"].tolist() == b["states"].tolist()
    np.testing.assert_allclose(a["length_km"], b["length_km"], rtol=1e-12)
    np.testing.assert_allclose(
        [r["CHN"]["within_km"]["100"] for r in a["exposure"]],
        [r["CHN"]["within_km"]["100"] for r in b["exposure"]],
        atol=1e-6,
    )


def test_nearest_approach_of_a_far_route_matches_brute_force(boundaries):
    # Novosibirsk -> Omsk: nowhere near China's bands; nearest approach found coarse-to-fine.
    coords = [(82.92, 55.03), (78.0, 55.2), (73.37, 54.98)]
    row = georoutes.analyze(_frame({"far": coords}), boundaries=boundaries, focus=["CHN"]).loc[
        "far"
    ]
    china = boundaries.loc[boundaries["code"] == "CHN"].geometry.iloc[0]
    xy = shapely.get_coordinates(shapely.boundary(china))
    xy = xy[(xy[:, 0] > 70) & (xy[:, 0] < 100) & (xy[:, 1] > 40)]  # the part facing the route
    s = sample_route(coords, step_m=2_000.0)
    best = np.inf
    for lon, lat in zip(s.lon, s.lat, strict=True):
        _, _, d = georoutes.geodesy.GEOD.inv(
            np.full(len(xy), lon), np.full(len(xy), lat), xy[:, 0], xy[:, 1]
        )
        best = min(best, float(np.min(d)) / 1000.0)
    assert row["exposure"]["CHN"]["within_km"]["100"] == 0.0
    assert row["exposure"]["CHN"]["min_distance_km"] == pytest.approx(best, rel=0.001)
