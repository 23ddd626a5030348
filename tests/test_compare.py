"""Tests of georoutes.compare: rank, group, select, add_economics, comparison."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from _tables import SEED
from hypothesis import given, settings
from hypothesis import strategies as st

import georoutes
from georoutes import compare
from georoutes.compare import add_economics, group, rank, select
from georoutes.errors import GeorouteError

NAN = math.nan


def flat_of(analysis: pd.DataFrame) -> pd.DataFrame:
    """The flat table of the core (dotted numeric columns, states as "RUS>PRK>KOR")."""
    return georoutes.flatten(analysis)


# -- rank ---------------------------------------------------------------------------------------


def frame(values, ids=None, **extra):
    ids = ids or [f"r{i}" for i in range(len(values))]
    return pd.DataFrame({"x": values, **extra}, index=pd.Index(ids, name="id"))


def test_rank_ties_share_rank_and_keep_input_order():
    r = rank(frame([3.0, 1.0, 3.0, 2.0, 3.0], ids=list("abcde")), "x")
    assert list(r.index) == ["b", "d", "a", "c", "e"]
    assert r["rank"].tolist() == [1, 2, 3, 3, 3]
    assert r.columns[0] == "rank"


def test_rank_nan_last_in_both_directions_with_missing_rank():
    f = frame([NAN, 2.0, NAN, 5.0, 1.0], ids=list("abcde"))
    up = rank(f, "x")
    assert list(up.index) == ["e", "b", "d", "a", "c"]
    assert up["rank"].tolist()[:3] == [1, 2, 3]
    assert up["rank"].isna().tolist() == [False, False, False, True, True]
    down = rank(f, "x", ascending=False)
    assert list(down.index) == ["d", "b", "e", "a", "c"]


def test_rank_descending_is_stable_too():
    r = rank(frame([1.0, 2.0, 2.0, 0.0], ids=list("abcd")), "x", ascending=False)
    assert list(r.index) == ["b", "c", "a", "d"]
    assert r["rank"].tolist() == [1, 1, 3, 4]


def test_rank_by_several_columns_and_directions():
    f = frame([1.0, 1.0, 0.0, 1.0], ids=list("abcd"), y=[5.0, 7.0, 9.0, 7.0])
    r = rank(f, ["x", "y"], ascending=[True, False])
    assert list(r.index) == ["c", "b", "d", "a"]
    assert r["rank"].tolist() == [1, 2, 2, 4]


def test_rank_within_groups():
    f = frame([5.0, 1.0, 3.0, 2.0], ids=list("abcd"), kind=["p", "r", "p", None])
    r = rank(f, "x", group_by="kind")
    assert list(r.index) == ["c", "a", "b", "d"]
    assert r["rank"].tolist() == [1, 2, 1, 1]


def test_rank_unknown_column_lists_close_matches():
    flat = flat_of(SEED)
    with pytest.raises(GeorouteError, match=r"did you mean exposure\.CHN\.within_km\.10"):
        rank(flat, "exposure.CHN.within_km.1O")
    with pytest.raises(GeorouteError, match=r"unknown column 'lenght_km'.*length_km"):
        rank(flat, "lenght_km")


def test_rank_non_numeric_column_is_an_error():
    with pytest.raises(GeorouteError, match="'name' is not numeric"):
        rank(flat_of(SEED), "name")


def test_rank_does_not_modify_its_input():
    flat = flat_of(SEED)
    before = flat.copy()
    rank(flat, "length_km")
    pd.testing.assert_frame_equal(flat, before)


@given(st.lists(st.one_of(st.none(), st.integers(0, 4)), min_size=0, max_size=25), st.booleans())
@settings(max_examples=80, deadline=None)
def test_rank_invariants(values, ascending):
    f = frame([NAN if v is None else float(v) for v in values])
    r = rank(f, "x", ascending=ascending)
    assert sorted(r.index) == sorted(f.index)
    x = r["x"].tolist()
    present = [v for v in x if not math.isnan(v)]
    assert all(math.isnan(v) for v in x[len(present) :])  # NaN last
    assert present == sorted(present, reverse=not ascending)
    position = {i: n for n, i in enumerate(f.index)}
    for a, b in zip(r.index, r.index[1:], strict=False):
        xa, xb = r.at[a, "x"], r.at[b, "x"]
        if xa == xb or (math.isnan(xa) and math.isnan(xb)):
            assert position[a] < position[b]  # stable
    for n, route_id in enumerate(r.index):
        if not math.isnan(r.at[route_id, "x"]):
            assert r.at[route_id, "rank"] == 1 + sum(
                1 for v in present if (v < x[n] if ascending else v > x[n])
            )


# -- group / select ---------------------------------------------------------------------------


def test_group_by_kind_in_order_of_first_appearance():
    groups = group(flat_of(SEED))
    assert list(groups) == ["pipeline", "railway", "shipping"]
    assert list(groups["railway"].index) == [
        "corridor-busan-europe-tsr",
        "corridor-busan-europe-china",
    ]


def test_group_missing_values_under_none():
    f = frame([1.0, 2.0, 3.0], kind=["a", None, NAN])
    assert {k: len(v) for k, v in group(f).items()} == {"a": 1, None: 2}


def test_group_unknown_column():
    with pytest.raises(GeorouteError, match="did you mean kind"):
        group(flat_of(SEED), "kinds")


def test_select_in_given_order_once():
    s = select(SEED, ["pipeline-east-sea", "pipeline-rus-prk-kor-2011", "pipeline-east-sea"])
    assert list(s.index) == ["pipeline-east-sea", "pipeline-rus-prk-kor-2011"]
    assert list(select(SEED, "pipeline-east-sea").index) == ["pipeline-east-sea"]


def test_select_unknown_ids_all_reported_with_close_matches():
    with pytest.raises(GeorouteError) as info:
        select(SEED, ["pipeline-rus-prk-kor-2012", "nowhere", "pipeline-east-sea"])
    message = str(info.value)
    assert "'pipeline-rus-prk-kor-2012' (did you mean pipeline-rus-prk-kor-2011" in message
    assert "'nowhere'" in message
    assert "6 route(s)" in message


def test_select_on_flat_with_id_column():
    flat = flat_of(SEED).reset_index()
    assert list(select(flat, ["pipeline-east-sea"]).index) == ["pipeline-east-sea"]


def test_rank_float_noise_is_a_tie():
    f = frame([395.0404941992154, 395.0404941992149, 1.0], ids=list("abc"))
    r = rank(f, "x")
    assert list(r.index) == ["c", "a", "b"]
    assert r["rank"].tolist() == [1, 2, 2]
    assert rank(frame([1.0, 1.0 + 1e-9]), "x")["rank"].tolist() == [1, 2]  # real differences


# -- add_economics ------------------------------------------------------------------------------


def test_add_economics_to_a_flat_table():
    flat = flat_of(SEED)
    out = add_economics(flat, analysis=SEED, volume_bcm_per_year=10, kinds=("pipeline",))
    assert out.at["pipeline-rus-prk-kor-2011", "transit_fees_usd_per_year.PRK"] == pytest.approx(
        140e6
    )
    assert out.at["pipeline-rus-prk-kor-2011", "transit_fees_usd_per_year.CHN"] == 0.0
    assert out.at["pipeline-rus-chn-kor", "transit_fees_total"] == pytest.approx(300e6)
    assert out.at["pipeline-east-sea", "transit_fees_total"] == 0.0
    assert out.at["pipeline-east-sea", "capex_usd"] == pytest.approx(100 * 2.34e6 + 900 * 4.293e6)
    assert math.isnan(out.at["corridor-busan-europe-tsr", "transit_fees_total"])
    assert math.isnan(out.at["corridor-busan-europe-tsr", "capex_usd"])
    assert "transit_fees_usd_per_year.PRK" in out.columns
    assert "km_by_state.PRK" in out.columns
    assert "transit_fees_total" not in flat.columns  # input untouched
    ranked = rank(out, "transit_fees_total", ascending=False)
    assert ranked.index[0] == "pipeline-rus-chn-kor"
    assert ranked["rank"].isna().sum() == 3  # non-pipelines last, unranked


def test_add_economics_on_the_analysis_equals_the_flat_table_with_its_analysis():
    # The flat table is never read back into states and km: the analysis is flattened once.
    flat = flat_of(SEED)
    from_analysis = add_economics(SEED, volume_bcm_per_year=10, kinds=("pipeline",))
    with_analysis = add_economics(flat, analysis=SEED, volume_bcm_per_year=10, kinds=("pipeline",))
    pd.testing.assert_frame_equal(from_analysis, with_analysis)
    with pytest.raises(GeorouteError, match="analysis="):
        add_economics(flat, volume_bcm_per_year=10, kinds=("pipeline",))


def test_add_economics_flat_table_without_states_needs_the_analysis():
    with pytest.raises(GeorouteError, match="analysis="):
        add_economics(flat_of(SEED).drop(columns="states"), volume_bcm_per_year=10)


def test_add_economics_from_the_analysis_uses_flatten():
    out = add_economics(SEED, volume_bcm_per_year=10, tariff_usd_per_tcm_per_100km=2.0)
    assert out.at["pipeline-rus-prk-kor-2011", "transit_fees_usd_per_year.PRK"] == pytest.approx(
        140e6
    )
    assert out.at["corridor-busan-europe-tsr", "transit_fees_usd_per_year.PRK"] == pytest.approx(
        160e6
    )
    assert "capex_usd" in out.columns
    assert out.attrs["economics"]["tariff_usd_per_tcm_per_100km"] == 2.0


# -- comparison (what `georoutes compare` wires) ---------------------------------------------


def test_comparison_selects_adds_economics_and_ranks():
    nested, flat = compare.comparison(
        SEED,
        only=["pipeline-east-sea", "pipeline-rus-prk-kor-2011", "corridor-busan-europe-tsr"],
        rank_by="transit_fees_total",
        ascending=False,
        volume_bcm_per_year=10,
    )
    assert list(flat.index) == [
        "pipeline-rus-prk-kor-2011",
        "pipeline-east-sea",
        "corridor-busan-europe-tsr",
    ]
    assert list(nested.index) == list(flat.index)
    assert flat["rank"].tolist()[:2] == [1, 2]
    assert nested.at["pipeline-rus-prk-kor-2011", "transit_fees_usd_per_year"] == {"PRK": 140e6}
    assert math.isnan(nested.at["corridor-busan-europe-tsr", "capex_usd"])  # not a pipeline
    assert nested.attrs["bands_km"] == [10, 50, 100]
    records = georoutes.to_records(nested)
    assert records[0]["capex_usd"] == pytest.approx(1100 * 2.34e6)
    assert records[2]["transit_fees_total"] is None


def test_comparison_group_without_rank_and_without_economics():
    nested, flat = compare.comparison(SEED, group_by="kind")
    assert list(flat["kind"]) == ["pipeline"] * 3 + ["railway"] * 2 + ["shipping"]
    assert "capex_usd" not in flat.columns
    assert "rank" not in nested.columns


# -- names that moved to georoutes.scenario ---------------------------------------------------


def test_seed_names_still_import_from_compare():
    from georoutes import scenario
    from georoutes.compare import _cell, _label, seed_analysis, seed_scenario, write_scenario

    assert seed_scenario is scenario.seed_scenario
    assert seed_analysis is scenario.seed_analysis
    assert write_scenario is scenario.write_scenario
    assert _cell is scenario.cell_text
    assert _label is scenario.column_label
    assert compare.SEED_CORRIDOR_IDS == scenario.SEED_CORRIDOR_IDS
    assert compare.economics.DEFAULT_TARIFF_USD_PER_TCM_PER_100KM == 2.0  # the CLI reads it
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        compare.nothing  # noqa: B018


# ------------------------------------------------------------------ one row per physical route


def test_duplicates_finds_the_same_line_however_stored():
    import geopandas as gpd
    from shapely.geometry import LineString, MultiLineString

    from georoutes.compare import distinct, duplicates

    line = LineString([(129.0, 35.1), (130.0, 36.0), (131.5, 36.2)])
    frame = gpd.GeoDataFrame(
        {"id": ["a", "b", "c", "d", "e"]},
        geometry=[
            line,
            MultiLineString([line]),  # a one-leg corridor of the whole route
            line.reverse(),  # the same line drawn the other way
            LineString([(129.0, 35.1), (130.0, 36.0), (131.5, 36.3)]),  # 0.1° off: another
            LineString([(129.0, 35.1), (130.0, 36.0), (131.5, 36.2 + 1e-9)]),  # float noise
        ],
        crs="EPSG:4326",
    )
    assert duplicates(frame) == {"b": "a", "c": "a", "e": "a"}
    analysis = pd.DataFrame({"length_km": [1.0] * 5}, index=pd.Index(frame["id"], name="id"))
    analysis.attrs["focus"] = ["CHN"]
    kept, aliases = distinct(analysis, frame)
    assert list(kept.index) == ["a", "d"]
    assert aliases == {"a": ["b", "c", "e"]}
    assert kept.attrs == {"focus": ["CHN"]}


def test_the_catalog_sea_corridors_are_its_sea_lanes():
    from georoutes.compare import duplicates

    found = duplicates(georoutes.builtin_routes())
    assert found == {
        "corridor-busan-europe-sea": "sea-busan-rotterdam-suez",
        "corridor-busan-europe-sea-cape": "sea-busan-rotterdam-cape",
        "corridor-busan-europe-sea-nsr": "sea-busan-rotterdam-nsr",
    }
