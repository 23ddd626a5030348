"""Exposure internals: the bounds the search relies on, small islands, and parallel runs."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from _independent import distances_km, sample_route
from hypothesis import given, settings
from hypothesis import strategies as st

import georoutes
from georoutes.exposure import _lens_bound

# A made-up layer: a mainland far west and, 1,000 km east of it, an island 2 km across. An
# outline simplified by a tenth of a degree loses the island; the nearest approach must not.
MAINLAND = shapely.box(100.0, 30.0, 110.0, 40.0)
ISLAND = shapely.box(121.00, 35.00, 121.02, 35.02)
LAYER = gpd.GeoDataFrame(
    {"code": ["AAA", "BBB"], "name": ["Mainland and isle", "Elsewhere"]},
    geometry=[shapely.MultiPolygon([MAINLAND, ISLAND]), shapely.box(60.0, 50.0, 70.0, 55.0)],
    crs="EPSG:4326",
)


def _route(coords: list[tuple[float, float]]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"id": ["r"]}, geometry=[shapely.LineString(coords)], crs="EPSG:4326")


@pytest.mark.parametrize(
    "coords",
    [
        [(120.0, 37.6), (122.5, 37.4)],  # ~290 km north of the island: the far search
        [(120.0, 35.45), (122.5, 35.40)],  # ~45 km north of it: inside the bands
        [(118.0, 34.0), (119.5, 36.5), (121.5, 38.5)],  # a bend, passing north-west of it
    ],
)
def test_nearest_approach_and_bands_see_a_small_island(coords):
    row = georoutes.analyze(
        _route(coords), boundaries=LAYER, focus=["AAA"], bands_km=(10, 50, 100)
    ).loc["r"]
    ex = row["exposure"]["AAA"]
    s = sample_route(coords, step_m=100.0)
    dist = distances_km(s, LAYER.geometry.iloc[0], window_km=1500.0)
    assert ex["min_distance_km"] == pytest.approx(dist.min(), abs=0.05 + 0.002 * dist.min())
    assert dist.min() < 400  # the island, not the mainland ~900 km west, is nearest
    for d in (10, 50, 100):
        ref = float(s.step_km[dist <= d].sum())
        assert ex["within_km"][str(d)] == pytest.approx(ref, abs=0.5 + 0.005 * ref), d


@settings(max_examples=200, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), bend=st.floats(0.0, 30.0), far=st.floats(1.0, 5000.0))
def test_lens_bound_never_exceeds_the_true_distance(seed, bend, far):
    # A cloud of points plays the set; each end's ball reaches its nearest point, so both balls
    # are free of the set, as in the search. The bound must hold for every point of a path
    # (here bent by ``bend`` km at its middle) between the two ends.
    rng = np.random.default_rng(seed)
    cloud = rng.normal(size=(400, 3)) * rng.uniform(1.0, far) + [far, 0.0, 0.0]
    pa = rng.normal(size=3) * 20.0
    pb = pa + rng.normal(size=3) * rng.uniform(0.1, 60.0)
    mid = (pa + pb) / 2.0 + rng.normal(size=3) / np.sqrt(3) * bend
    path = np.concatenate(
        [
            pa + np.linspace(0, 1, 200)[:, None] * (mid - pa),
            mid + np.linspace(0, 1, 200)[:, None] * (pb - mid),
        ]
    )
    length = np.linalg.norm(mid - pa) + np.linalg.norm(pb - mid)
    chord = np.linalg.norm(pb - pa)
    wide = np.sqrt(max(length**2 - chord**2, 0.0)) / 2.0

    def nearest(x: np.ndarray) -> np.ndarray:
        return np.linalg.norm(x[:, None, :] - cloud[None, :, :], axis=2).min(axis=1)

    ra, rb = nearest(pa[None])[0], nearest(pb[None])[0]
    bound = _lens_bound(
        pa[None], pb[None], np.array([ra]), np.array([rb]), np.array([length]), np.array([wide])
    )[0]
    assert bound <= nearest(path).min() + 1e-9


def test_lens_bound_is_tight_for_a_straight_far_interval():
    # 4,000 km away, a straight 100 km interval passing square to the nearest point: the
    # Lipschitz bound alone would give ~3,950 km; the lens gives within 0.5 km of 4,000.
    pa, pb = np.array([[4000.0, -50.0, 0.0]]), np.array([[4000.0, 50.0, 0.0]])
    r = float(np.hypot(4000.0, 50.0))
    bound = _lens_bound(pa, pb, np.array([r]), np.array([r]), np.array([100.0]), np.array([0.0]))[0]
    assert 3999.5 <= bound <= 4000.0


@pytest.mark.slow
def test_workers_run_on_a_local_cluster_with_the_same_analysis(boundaries):
    pytest.importorskip("distributed")
    from georoutes.partitions import _CLIENTS, close_clients

    rng = np.random.default_rng(7)
    lines = []
    for _ in range(520):  # workers=N sends batches of at least 500 routes to a cluster
        start = rng.uniform([95.0, 35.0], [135.0, 52.0])
        steps = rng.normal(0.0, 0.4, size=(8, 2)).cumsum(axis=0)
        lines.append(shapely.LineString(np.vstack([start, start + steps])))
    routes = gpd.GeoDataFrame(
        {"id": [f"w{i}" for i in range(len(lines))]}, geometry=lines, crs="EPSG:4326"
    )
    one = georoutes.analyze(routes, boundaries=boundaries, workers=1)
    try:
        two = georoutes.analyze(routes, boundaries=boundaries, workers=2)
        assert "local:2" in _CLIENTS  # the test layer (built in memory) went through a file
        again = georoutes.analyze(routes.iloc[:510], boundaries=boundaries, workers=2)
        assert list(_CLIENTS) == ["local:2"]  # the cluster is started once and kept
    finally:
        close_clients()
    assert not _CLIENTS
    pd.testing.assert_frame_equal(one, two)  # exactly
    pd.testing.assert_frame_equal(one.iloc[:510], again)


def test_workers_must_be_a_whole_number(boundaries):
    with pytest.raises(georoutes.GeorouteError, match="workers"):
        georoutes.analyze(
            _route([(120.0, 37.6), (122.5, 37.4)]), boundaries=LAYER, focus=["AAA"], workers=-1
        )


def _touching_parts_layer() -> gpd.GeoDataFrame:
    # The mainland cut into four touching boxes, a 0.2-degree "territorial sea" ring touching
    # them, and the island: parts not unioned, as layers of land + sea zones come.
    quarters = [
        shapely.box(100.0, 30.0, 105.0, 35.0),
        shapely.box(105.0, 30.0, 110.0, 35.0),
        shapely.box(100.0, 35.0, 105.0, 40.0),
        shapely.box(105.0, 35.0, 110.0, 40.0),
    ]
    sea = shapely.box(99.8, 29.8, 110.2, 40.2).difference(MAINLAND)
    parts = shapely.MultiPolygon([*quarters, sea, ISLAND])
    return gpd.GeoDataFrame(
        {"code": ["AAA", "BBB"], "name": ["In parts", "Elsewhere"]},
        geometry=[parts, LAYER.geometry.iloc[1]],
        crs="EPSG:4326",
    )


def test_a_state_made_of_touching_parts_has_the_exposure_of_its_union():
    # Edges between touching parts lie inside the territory: no point outside is nearer to
    # them than to the outline, so exposure is that of the union (the far search may take
    # another path to the same nearest approach, within its 0.02 %).
    union = gpd.GeoDataFrame(
        {"code": ["AAA", "BBB"], "name": ["Union", "Elsewhere"]},
        geometry=[
            shapely.MultiPolygon([shapely.box(99.8, 29.8, 110.2, 40.2), ISLAND]),
            LAYER.geometry.iloc[1],
        ],
        crs="EPSG:4326",
    )
    lines = [
        shapely.LineString([(95.0, 33.0), (102.5, 35.0), (112.0, 36.5)]),  # across the seams
        shapely.LineString([(104.0, 40.5), (106.0, 40.9), (109.0, 40.3)]),  # along the sea
        shapely.LineString([(110.6, 31.0), (110.4, 34.0), (110.5, 38.0)]),  # near, outside
        shapely.LineString([(120.0, 37.6), (122.5, 37.4)]),  # the island, far search
        shapely.LineString([(60.0, 10.0), (75.0, 12.0)]),  # far from everything
    ]
    routes = gpd.GeoDataFrame(
        {"id": [f"t{i}" for i in range(len(lines))]}, geometry=lines, crs="EPSG:4326"
    )
    kw = {"focus": ["AAA"], "bands_km": (10, 50, 100)}
    got = georoutes.analyze(routes, boundaries=_touching_parts_layer(), **kw)
    want = georoutes.analyze(routes, boundaries=union, **kw)
    for rid in want.index:
        g, w = got.loc[rid, "exposure"]["AAA"], want.loc[rid, "exposure"]["AAA"]
        assert g["inside_km"] == pytest.approx(w["inside_km"], abs=1e-6), rid
        for d, km in w["within_km"].items():
            assert g["within_km"][d] == pytest.approx(km, abs=1e-6), (rid, d)
        assert g["min_distance_km"] == pytest.approx(w["min_distance_km"], rel=3e-4, abs=0.005), rid
    assert got.loc["t0", "exposure"]["AAA"]["inside_km"] > 900
    assert got.loc["t3", "exposure"]["AAA"]["min_distance_km"] > 200


def test_focus_edges_live_and_die_with_their_index():
    # Each index keeps its own focus edges: nothing outlives the index (a cache keyed by id()
    # would keep them, and could hand them to a later index that got the same id).
    import gc
    import weakref

    from georoutes._index import _build_index
    from georoutes.exposure import _focus_edges

    first = _build_index(LAYER)
    edges = _focus_edges(first, 0)
    assert _focus_edges(first, 0) is edges
    other = _build_index(_touching_parts_layer())
    assert _focus_edges(other, 0).a.shape[0] > edges.a.shape[0]
    alive = weakref.ref(edges)
    del first, edges
    gc.collect()
    assert alive() is None
