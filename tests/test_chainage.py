"""Tests of georoutes.chainage: km posts, calibration, the drawn→track km mapping."""

from __future__ import annotations

import math
import tomllib

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Geod
from shapely.geometry import LineString, MultiLineString, Point

from georoutes._data import seed_file
from georoutes.catalog import catalog, places
from georoutes.chainage import (
    KmPostError,
    calibrate,
    km_by_state_track,
    locate_on_line,
    offshore_track_km,
    read_km_posts,
    track_km,
)
from georoutes.errors import GeorouteError

GEOD = Geod(ellps="WGS84")


def posts_of(*pairs: tuple[float, float]) -> list[dict[str, float]]:
    return [{"drawn_km": d, "track_km": t} for d, t in pairs]


# --------------------------------------------------------------------------- the mapping


def test_between_two_posts_track_km_spread_in_proportion():
    posts = posts_of((0.0, 0.0), (100.0, 120.0))
    assert track_km(posts, [50.0]).tolist() == pytest.approx([60.0])
    assert track_km(posts, [0.0, 25.0, 100.0]).tolist() == pytest.approx([0.0, 30.0, 120.0])


def test_beyond_the_last_and_before_the_first_post_the_drawn_scale_holds():
    posts = posts_of((10.0, 0.0), (100.0, 180.0))
    assert track_km(posts, [110.0, 150.0]).tolist() == pytest.approx([190.0, 230.0])
    assert track_km(posts, [0.0, 5.0]).tolist() == pytest.approx([-10.0, -5.0])


def test_single_post_is_an_offset_only():
    posts = posts_of((40.0, 1000.0))
    assert track_km(posts, [0.0, 40.0, 100.0]).tolist() == pytest.approx([960.0, 1000.0, 1060.0])
    ends = track_km(posts, [0.0, 100.0])
    assert ends[1] - ends[0] == pytest.approx(100.0)


def test_whole_route_counted_from_its_start():
    # A route starting mid-line (posts 500 at its start, 620 at its end) is 120 track km long.
    posts = posts_of((0.0, 500.0), (100.0, 620.0))
    ends = track_km(posts, [0.0, 100.0])
    assert ends[1] - ends[0] == pytest.approx(120.0)


def test_track_km_rejects_no_posts_and_unordered_posts():
    with pytest.raises(KmPostError, match="no km posts"):
        track_km([], [0.0])
    with pytest.raises(KmPostError, match="strictly increase"):
        track_km(posts_of((0.0, 10.0), (50.0, 5.0)), [0.0])


def test_km_by_state_track_hand_values():
    posts = posts_of((0.0, 0.0), (100.0, 120.0))
    pieces = [("RUS", 0.0, 30.0), (None, 30.0, 40.0), ("PRK", 40.0, 110.0)]
    by_state = km_by_state_track(pieces, posts)
    assert by_state == pytest.approx({"RUS": 36.0, "PRK": 130.0 - 48.0})
    assert offshore_track_km(pieces, posts) == pytest.approx(12.0)
    frame = pd.DataFrame(pieces, columns=["state", "from_km", "to_km"])
    assert km_by_state_track(frame, posts) == pytest.approx(by_state)
    # Without posts the drawn km are the figures.
    assert km_by_state_track(pieces, []) == pytest.approx({"RUS": 30.0, "PRK": 70.0})


# --------------------------------------------------------------------------- a synthetic route

# An east-west line along the equator: 1 degree of longitude is 111.319 km on WGS84.
KM_PER_DEG = GEOD.inv(0.0, 0.0, 1.0, 0.0)[2] / 1000.0


def synthetic(**extra_places: tuple[float, float]) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    line = LineString([(0.0, 0.0), (0.5, 0.0), (1.0, 0.0)])
    routes = gpd.GeoDataFrame({"id": ["r"]}, geometry=[line], crs="EPSG:4326", index=["r"])
    coords = {"a": (0.0, 0.0), "m": (0.5, 0.001), "b": (1.0, 0.0), **extra_places}
    pts = gpd.GeoDataFrame(
        {"id": list(coords)},
        geometry=[Point(c) for c in coords.values()],
        crs="EPSG:4326",
        index=list(coords),
    )
    return routes, pts


def post_table(*rows: tuple[str | None, int | None, float]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"route_id": "r", "place": p, "vertex": v, "km_post": k, "source": "s"}
            for p, v, k in rows
        ]
    )


def test_calibrate_hand_route():
    routes, pts = synthetic()
    out = calibrate(routes, post_table(("a", None, 0.0), ("b", None, 150.0)), places=pts)
    row = out.loc["r"]
    assert row["calibrated"]
    assert not row["chainage_reversed"]
    assert row["drawn_km"] == pytest.approx(KM_PER_DEG, rel=1e-9)
    assert row["track_km"] == pytest.approx(150.0)
    assert row["chainage_coverage"] == pytest.approx(1.0)
    assert [p["place"] for p in row["km_posts"]] == ["a", "b"]
    assert {"place", "drawn_km", "track_km", "source"} <= set(row["km_posts"][0])


def test_calibrate_vertex_posts_and_place_projection():
    routes, pts = synthetic()
    out = calibrate(routes, post_table(("m", None, 10.0), (None, 2, 70.0)), places=pts)
    m, end = out.loc["r", "km_posts"]
    assert m["drawn_km"] == pytest.approx(KM_PER_DEG / 2, abs=1e-3)  # foot of a point 111 m off
    assert m["offset_km"] == pytest.approx(0.1106, abs=1e-3)
    assert end["vertex"] == 2
    assert end["drawn_km"] == pytest.approx(KM_PER_DEG)


def test_reversed_chainage_is_flipped():
    routes, pts = synthetic()
    out = calibrate(
        routes, post_table(("a", None, 300.0), ("m", None, 240.0), ("b", None, 180.0)), places=pts
    )
    row = out.loc["r"]
    assert row["chainage_reversed"]
    assert [p["km_post"] for p in row["km_posts"]] == [300.0, 240.0, 180.0]
    assert [p["track_km"] for p in row["km_posts"]] == [0.0, 60.0, 120.0]
    assert row["track_km"] == pytest.approx(120.0)
    # The same route drawn the other way gives the same length.
    flipped = routes.copy()
    flipped["geometry"] = [LineString(list(routes.geometry.iloc[0].coords)[::-1])]
    assert calibrate(flipped, post_table(("a", None, 300.0), ("b", None, 180.0)), places=pts).loc[
        "r", "track_km"
    ] == pytest.approx(120.0)


def test_route_without_posts_is_uncalibrated():
    routes, pts = synthetic()
    out = calibrate(routes, post_table(("a", None, 0.0)).assign(route_id="other"), places=pts)
    assert not out.loc["r", "calibrated"]
    assert out.loc["r", "km_posts"] == []
    assert math.isnan(out.loc["r", "track_km"])


# --------------------------------------------------------------------------- validation


def errors_of(rows: pd.DataFrame, **places_extra: tuple[float, float]) -> str:
    routes, pts = synthetic(**places_extra)
    with pytest.raises(KmPostError) as info:
        calibrate(routes, rows, places=pts, max_offset_km=5.0)
    assert isinstance(info.value, GeorouteError)
    return str(info.value)


def test_unknown_place_names_route_post_and_close_matches():
    message = errors_of(post_table(("a", None, 0.0), ("bb", None, 10.0)))
    assert "route 'r'" in message
    assert "'bb'" in message
    assert "did you mean 'b'" in message


def test_place_far_from_the_line():
    message = errors_of(post_table(("a", None, 0.0), ("far", None, 10.0)), far=(0.5, 0.2))
    assert "'far'" in message
    assert "22.1 km from the drawn line" in message
    assert "at most 5 km" in message


def test_not_monotone():
    message = errors_of(post_table(("a", None, 0.0), ("m", None, 80.0), ("b", None, 50.0)))
    assert "not monotone" in message
    assert "'m' 80" in message


def test_vertex_out_of_range_and_same_position():
    assert "out of range" in errors_of(post_table(("a", None, 0.0), (None, 7, 9.0)))
    assert "at one position" in errors_of(post_table(("a", None, 0.0), (None, 0, 9.0)))


def test_every_problem_reported_at_once():
    routes, pts = synthetic()
    other = routes.rename(index={"r": "s"})
    both = pd.concat([routes, other])
    rows = pd.concat(
        [
            post_table(("zz", None, 0.0)),
            post_table(("a", None, 5.0), ("b", None, 1.0), ("m", None, 9.0)).assign(route_id="s"),
        ]
    )
    with pytest.raises(KmPostError) as info:
        calibrate(both, rows, places=pts)
    assert len(info.value.problems) == 2
    assert "route 'r'" in info.value.problems[0]
    assert "route 's'" in info.value.problems[1]


def test_multipart_geometry_is_refused():
    routes, pts = synthetic()
    routes["geometry"] = [MultiLineString([[(0, 0), (0.5, 0)], [(0.5, 0), (1, 0)]])]
    with pytest.raises(KmPostError, match="single LineString"):
        calibrate(routes, post_table(("a", None, 0.0)), places=pts)


def test_read_km_posts_csv_and_its_errors(tmp_path):
    good = tmp_path / "posts.csv"
    good.write_text("route_id,place,vertex,km_post,source\nr,a,,0,s\nr,,2,70.5,s\n")
    table = read_km_posts(good)
    assert table["place"].tolist() == ["a", None]
    assert table["vertex"].tolist()[1] == 2
    assert table["km_post"].tolist() == [0.0, 70.5]
    bad = tmp_path / "bad.csv"
    bad.write_text("route_id,place,vertex,km_post,source\nr,a,3,0,s\nr,,,x,s\n")
    with pytest.raises(KmPostError) as info:
        read_km_posts(bad)
    text = str(info.value)
    assert "exactly one of place" in text
    assert "km_post must be a number" in text
    assert len(info.value.problems) == 3


def test_read_km_posts_toml_needs_posts_and_known_sources(tmp_path):
    path = tmp_path / "posts.toml"
    path.write_text(
        '[routes.r]\nposts = []\n[routes.s]\nposts = [{place = "a", km = 0, '
        'source = "nope"}]\n[sources.known]\ntitle = "t"\nurl = "u"\n'
    )
    with pytest.raises(KmPostError) as info:
        read_km_posts(path)
    assert "route 'r': no km posts (at least 1" in str(info.value)
    assert "source 'nope' is not in the [sources] table" in str(info.value)
    with pytest.raises(KmPostError, match=r"\.toml or \.csv"):
        read_km_posts(tmp_path / "posts.json")


# --------------------------------------------------------------------------- locating


@pytest.mark.parametrize(("lon", "lat"), [(60.0, 70.0), (179.9, 65.0), (10.0, -40.0)])
def test_locate_on_line_matches_dense_geodesic_sampling(lon, lat):
    line = LineString([(lon - 2.0, lat), (lon + 0.05, lat + 1.5), (lon + 2.0, lat + 1.0)])
    if lon + 2.0 > 180.0:
        line = LineString([(lon - 2.0, lat), (lon, lat + 1.5)])
    target = (lon - 0.3, lat + 0.6)
    drawn, offset = locate_on_line(line, *target)
    # Brute force: 20,000 geodesic points along the line, nearest by geodesic distance.
    coords = list(line.coords)
    best = (math.inf, 0.0)
    start_km = 0.0
    for (a_lon, a_lat), (b_lon, b_lat) in zip(coords, coords[1:], strict=False):
        pts = GEOD.npts(a_lon, a_lat, b_lon, b_lat, 10000, initial_idx=0, terminus_idx=0)
        p = np.array(pts)
        d = GEOD.inv(p[:, 0], p[:, 1], np.full(len(p), target[0]), np.full(len(p), target[1]))[2]
        seg_km = GEOD.inv(a_lon, a_lat, b_lon, b_lat)[2] / 1000.0
        i = int(np.argmin(d))
        if d[i] < best[0]:
            best = (float(d[i]), start_km + seg_km * i / (len(p) - 1))
        start_km += seg_km
    assert offset == pytest.approx(best[0] / 1000.0, abs=0.01)
    assert drawn == pytest.approx(best[1], abs=0.05)


# --------------------------------------------------------------------------- invariants

drawn_steps = st.lists(st.floats(0.5, 500.0), min_size=1, max_size=8)
track_ratios = st.lists(st.floats(0.5, 2.0), min_size=8, max_size=8)


@settings(max_examples=100, deadline=None)
@given(
    drawn_steps,
    track_ratios,
    st.floats(-1000.0, 10000.0),
    st.lists(st.floats(0.0, 1.0), min_size=1, max_size=12),
)
def test_track_km_monotone_and_states_add_up(steps, ratios, origin, cuts):
    drawn = np.concatenate([[0.0], np.cumsum(steps)]) + 3.0
    track = origin + np.concatenate([[0.0], np.cumsum(np.array(steps) * ratios[: len(steps)])])
    posts = [
        {"drawn_km": float(d), "track_km": float(t)} for d, t in zip(drawn, track, strict=True)
    ]
    length = float(drawn[-1] + 7.0)
    xs = np.linspace(0.0, length, 200)
    assert np.all(np.diff(track_km(posts, xs)) > 0)
    bounds = sorted({0.0, length, *(c * length for c in cuts)})
    states = ["RUS", None, "PRK", "KOR"]
    pieces = [
        (states[i % 4], a, b) for i, (a, b) in enumerate(zip(bounds, bounds[1:], strict=False))
    ]
    total = track_km(posts, [0.0, length])
    by_state = km_by_state_track(pieces, posts)
    assert sum(by_state.values()) + offshore_track_km(pieces, posts) == pytest.approx(
        total[1] - total[0], rel=1e-12, abs=1e-9
    )


# --------------------------------------------------------------------------- the catalog

SEED = tomllib.loads(seed_file("km_posts.toml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def calibrated() -> gpd.GeoDataFrame:
    return calibrate(catalog())


def test_seed_posts_are_on_their_routes_and_cited():
    routes = catalog()
    place_ids = set(places().index)
    sources_toml = tomllib.loads(seed_file("sources.toml").read_text(encoding="utf-8"))
    for route_id, table in SEED["routes"].items():
        assert route_id in routes.index, route_id
        assert table.get("origin"), f"{route_id}: say where its km count from"
        for post in table["posts"]:
            assert post["place"] in place_ids
            assert post["place"] in routes.loc[route_id, "places"], (route_id, post["place"])
            source = SEED["sources"][post["source"]]
            assert source["title"]
            assert source["url"].startswith("http")
            assert source["says"]
    for key, source in SEED["sources"].items():
        if source.get("in_sources_toml"):
            assert sources_toml[key]["url"] == source["url"], key
    for route_id in SEED["uncalibrated"]:
        assert route_id in routes.index
        assert route_id not in SEED["routes"]


def test_drawn_km_is_pyprojs_line_length(calibrated):
    for route_id, row in calibrated.iterrows():
        expected = GEOD.geometry_length(row.geometry) / 1000.0
        assert row["drawn_km"] == pytest.approx(expected, rel=1e-9), route_id


def published_km(row: pd.Series) -> float | None:
    """The route's published length: the total, or a published section end to end."""
    total = row["published_length_km"]
    if isinstance(total, (int, float)) and math.isfinite(total):
        return float(total)
    ends = {row["places"][0], row["places"][-1]}
    sections = row["published_sections"]
    for section in sections if isinstance(sections, list) else []:
        if {section["from"], section["to"]} == ends:
            return float(section["length_km"])
    return None


def test_catalog_track_km_within_one_percent_of_published(calibrated):
    checked = []
    for route_id, row in calibrated.iterrows():
        published = published_km(row)
        if not row["calibrated"] or row["chainage_coverage"] < 0.99 or published is None:
            continue
        assert row["track_km"] == pytest.approx(published, rel=0.01), route_id
        checked.append(route_id)
    assert len(checked) == 10
    assert {"rail-trans-siberian", "rail-khasan-rajin", "rail-harbin-shenyang"} <= set(checked)


def test_catalog_known_values(calibrated):
    siberian = calibrated.loc["rail-trans-siberian"]
    assert siberian["track_km"] == pytest.approx(9288.0)
    assert siberian["km_posts"][0]["place"] == "moscow-yaroslavsky"
    assert calibrated.loc["rail-harbin-shenyang", "chainage_reversed"]
    assert calibrated.loc["rail-tkr-east", "chainage_reversed"]
    for route_id in SEED["uncalibrated"]:
        assert not calibrated.loc[route_id, "calibrated"]
    # Track km at a post is the post: Ulan-Ude on the Trans-Siberian.
    ulan_ude = next(p for p in siberian["km_posts"] if p["place"] == "ulan-ude")
    assert track_km(siberian["km_posts"], [ulan_ude["drawn_km"]])[0] == pytest.approx(5641.0)


def test_seed_reads_as_a_table():
    table = read_km_posts()
    assert list(table.columns[:5]) == ["route_id", "place", "vertex", "km_post", "source"]
    assert set(table["route_id"]) == set(SEED["routes"])
    assert table["vertex"].isna().all()


def test_analysis_of_the_calibrated_catalog_adds_up_in_track_km():
    import georoutes

    analysis = georoutes.analyze(georoutes.builtin_routes(), focus=["CHN"], bands_km=[50])
    calibrated = analysis[analysis["calibrated"].astype(bool)]
    assert len(calibrated) >= 10
    for rid, row in calibrated.iterrows():
        total = sum(row["km_by_state_track"].values()) + row["offshore_track_km"]
        assert total == pytest.approx(row["track_km"], rel=1e-9), rid
        assert set(row["km_by_state_track"]) == set(row["km_by_state"]), rid
        published = row.get("published_length_km")
        if (
            published == published
            and published
            and rid
            in {
                "rail-trans-siberian",
                "rail-khasan-rajin",
                "rail-trans-mongolian",
                "pipeline-rus-prk-kor-2018",
                "pipeline-sakhalin-khabarovsk-vladivostok",
            }
        ):
            assert row["track_km"] == pytest.approx(published, rel=0.01), rid
        kms = [x["track_km"] for x in row["crossings"]]
        assert kms == sorted(kms), rid
        assert all(0 <= k <= row["track_km"] + 1e-9 for k in kms), rid
    # The drawn figures are untouched: the length contract stays the drawn line's geodesic.
    tsr = analysis.loc["rail-trans-siberian"]
    assert tsr["length_km"] == pytest.approx(8189.6, abs=0.1)
    assert tsr["track_km"] == pytest.approx(9288.0, abs=0.5)
