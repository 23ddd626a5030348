"""Sensitivity of every figure to the boundary layer."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely

import georoutes

LINE = [(131.88, 43.12), (130.64, 42.43), (129.7, 41.8), (127.6, 39.2), (127.0, 37.6)]


@pytest.fixture(scope="module")
def routes():
    return gpd.GeoDataFrame({"id": ["pipe"]}, geometry=[shapely.LineString(LINE)], crs="EPSG:4326")


def test_deltas_are_zero_against_the_same_layer(routes, boundaries):
    row = georoutes.analyze(
        routes, boundaries=boundaries, focus=["CHN", "PRK"], sensitivity=[boundaries]
    ).iloc[0]
    (delta,) = row["sensitivity"].values()
    assert all(v == 0 for v in delta["km_by_state"].values())
    assert delta["offshore_km"] == 0
    for ex in delta["exposure"].values():
        assert ex["inside_km"] == 0
        assert ex["min_distance_km"] == 0
        assert all(v == 0 for v in ex["within_km"].values())
    assert delta["crossings_added"] == [] == delta["crossings_removed"]
    assert not delta["states_changed"]


def test_a_changed_layer_moves_the_figures_by_the_right_amount(routes):
    # The same world without the DPRK: its km become offshore, its crossings disappear. (On
    # Natural Earth, where this line runs RUS -> PRK -> KOR without touching China.)
    boundaries = georoutes.load_boundaries("ne")
    without = boundaries[boundaries["code"] != "PRK"].reset_index(drop=True)
    without.attrs = {"name": "no PRK", "version": "test"}
    row = georoutes.analyze(
        routes, boundaries=boundaries, focus=["CHN"], sensitivity=[without], waters="land"
    ).iloc[0]
    delta = row["sensitivity"]["no PRK"]
    assert delta["km_by_state"]["PRK"] == pytest.approx(-row["km_by_state"]["PRK"])
    assert delta["offshore_km"] == pytest.approx(row["km_by_state"]["PRK"], rel=1e-9)
    removed = {(x["from"], x["to"]) for x in delta["crossings_removed"]}
    assert ("RUS", "PRK") in removed
    assert ("PRK", "KOR") in removed
    assert delta["states_changed"]


def test_composite_against_natural_earth_on_the_tumen():
    # The default layer draws the Tumen from OpenStreetMap: a line from Khasan across the
    # Friendship Bridge into Tumangang comes far closer to China than on Natural Earth.
    line = gpd.GeoDataFrame(
        {"id": ["bridge"]},
        crs="EPSG:4326",
        geometry=[
            shapely.LineString([(130.6425, 42.4361), (130.6399, 42.4218), (130.6343, 42.4100)])
        ],
    )
    row = georoutes.analyze(line, focus=["CHN"], sensitivity=["ne"], waters="land").iloc[0]
    delta = row["sensitivity"]["ne"]
    assert row["exposure"]["CHN"]["min_distance_km"] < 2.0
    assert delta["exposure"]["CHN"]["min_distance_km"] > 5.0  # NE puts China > 5 km further


def test_report_section_shows_the_deltas(routes):
    from georoutes.report import sensitivity_sections

    hostile = routes.assign(id=["<b>pipe</b>"])
    ne = georoutes.load_boundaries("ne")
    without = ne[ne["code"] != "PRK"].reset_index(drop=True)
    without.attrs = {"name": "no PRK", "version": "test"}
    analysis = georoutes.analyze(
        hostile, boundaries=ne, focus=["CHN"], sensitivity=[without], waters="land"
    )
    ((title, body),) = sensitivity_sections(analysis)
    assert "no PRK" in title
    km = analysis.iloc[0]["km_by_state"]["PRK"]
    assert f"PRK {-km:+,.1f}" in str(body)
    assert "&lt;b&gt;pipe&lt;/b&gt;" in str(body)
    assert "<b>pipe</b>" not in str(body)
    assert sensitivity_sections(georoutes.analyze(routes, boundaries=ne)) == []
