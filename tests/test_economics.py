"""Tests of georoutes.economics: fee arithmetic, exemptions, capex, calibration, assumptions."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from _tables import make_analysis
from hypothesis import given, settings
from hypothesis import strategies as st

from georoutes import economics
from georoutes.economics import (
    calibrate_tariff,
    calibration_table,
    capex,
    economics_table,
    load_assumptions,
    transit_fee_breakdown,
    transit_fees,
)
from georoutes.errors import GeorouteError

ONE_TRANSIT = make_analysis(
    [
        {
            "id": "r",
            "states": ["RUS", "PRK", "KOR"],
            "km_by_state": {"RUS": 37.0, "PRK": 100.0, "KOR": 12.5},
        }
    ]
)
SEED = make_analysis(
    [
        {
            "id": "pipeline-rus-prk-kor-2011",
            "states": ["RUS", "PRK", "KOR"],
            "km_by_state": {"RUS": 20.0, "PRK": 700.0, "KOR": 380.0},
        }
    ]
)


# -- the arithmetic ---------------------------------------------------------------------------


def test_100_km_in_one_transit_state_at_10_bcm_and_2_usd_earns_20_million():
    fees = transit_fees(ONE_TRANSIT, volume_bcm_per_year=10, tariff_usd_per_tcm_per_100km=2.0)
    assert list(fees.columns) == ["PRK"]
    assert fees.at["r", "PRK"] == pytest.approx(20_000_000.0, rel=1e-12)


def test_default_tariff_is_2_usd():
    fees = transit_fees(ONE_TRANSIT, volume_bcm_per_year=10)
    assert fees.at["r", "PRK"] == pytest.approx(20e6, rel=1e-12)


def test_origin_and_destination_exempt_by_default_and_chargeable_on_request():
    default = transit_fee_breakdown(ONE_TRANSIT, volume_bcm_per_year=10)
    assert default["state"].tolist() == ["PRK"]
    everyone = transit_fee_breakdown(ONE_TRANSIT, volume_bcm_per_year=10, exempt=())
    assert everyone["state"].tolist() == ["RUS", "PRK", "KOR"]
    assert everyone.set_index("state")["fee_usd_per_year"].to_dict() == pytest.approx(
        {"RUS": 7.4e6, "PRK": 20e6, "KOR": 2.5e6}, rel=1e-12
    )
    only_origin = transit_fee_breakdown(ONE_TRANSIT, volume_bcm_per_year=10, exempt=["origin"])
    assert only_origin["state"].tolist() == ["PRK", "KOR"]


def test_exempt_state_codes_case_insensitive():
    fees = transit_fee_breakdown(
        ONE_TRANSIT, volume_bcm_per_year=10, exempt=("origin", "destination", "prk")
    )
    assert fees.empty
    wide = transit_fees(
        ONE_TRANSIT, volume_bcm_per_year=10, exempt=("origin", "destination", "PRK")
    )
    assert list(wide.index) == ["r"]
    assert list(wide.columns) == []


def test_misspelt_exempt_keyword_is_an_error_with_a_hint():
    with pytest.raises(GeorouteError, match="did you mean 'origin'"):
        transit_fees(ONE_TRANSIT, volume_bcm_per_year=10, exempt=("orign",))


def test_state_entered_twice_charges_all_its_km_once():
    a = make_analysis(
        [
            {
                "id": "zigzag",
                "states": ["RUS", "KAZ", "UZB", "KAZ", "CHN"],
                "km_by_state": {"RUS": 10.0, "KAZ": 300.0, "UZB": 50.0, "CHN": 10.0},
            }
        ]
    )
    b = transit_fee_breakdown(a, volume_bcm_per_year=1, tariff_usd_per_tcm_per_100km=1.0)
    assert b["state"].tolist() == ["KAZ", "UZB"]
    assert b.set_index("state")["fee_usd_per_year"].to_dict() == pytest.approx(
        {"KAZ": 3e6, "UZB": 0.5e6}
    )


def test_origin_state_reentered_stays_exempt():
    a = make_analysis(
        [
            {
                "id": "x",
                "states": ["RUS", "KAZ", "RUS", "CHN"],
                "km_by_state": {"RUS": 500.0, "KAZ": 100.0, "CHN": 50.0},
            }
        ]
    )
    assert transit_fee_breakdown(a, volume_bcm_per_year=1)["state"].tolist() == ["KAZ"]


def test_sliver_state_not_in_states_charges_nothing():
    a = make_analysis(
        [
            {
                "id": "river",
                "states": ["RUS", "PRK", "KOR"],
                "km_by_state": {"RUS": 10.0, "CHN": 0.3, "PRK": 100.0, "KOR": 10.0},
            }
        ]
    )
    assert transit_fee_breakdown(a, volume_bcm_per_year=10, exempt=())["state"].tolist() == [
        "RUS",
        "PRK",
        "KOR",
    ]


def test_route_with_no_transit_state_pays_nothing():
    a = make_analysis(
        [
            {
                "id": "direct",
                "states": ["RUS", "KOR"],
                "km_by_state": {"RUS": 5.0, "KOR": 5.0},
                "offshore_km": 900.0,
            }
        ]
    )
    fees = transit_fees(a, volume_bcm_per_year=10)
    assert fees.shape == (1, 0)
    assert economics_table(a, volume_bcm_per_year=10).at["direct", "transit_fees_total"] == 0.0


def test_per_route_volume_and_missing_volume():
    a = pd.concat([ONE_TRANSIT, SEED])
    fees = transit_fees(a, volume_bcm_per_year={"r": 5, "pipeline-rus-prk-kor-2011": 10})
    assert fees.at["r", "PRK"] == pytest.approx(10e6)
    assert fees.at["pipeline-rus-prk-kor-2011", "PRK"] == pytest.approx(140e6)
    with pytest.raises(GeorouteError, match="no volume for route"):
        transit_fees(a, volume_bcm_per_year={"r": 5})


@pytest.mark.parametrize("bad", [-1.0, math.nan, math.inf, "10", True])
def test_bad_volume_or_tariff_is_an_error(bad):
    with pytest.raises(GeorouteError, match="volume_bcm_per_year"):
        transit_fees(ONE_TRANSIT, volume_bcm_per_year=bad)
    with pytest.raises(GeorouteError, match="tariff_usd_per_tcm_per_100km"):
        transit_fees(ONE_TRANSIT, volume_bcm_per_year=10, tariff_usd_per_tcm_per_100km=bad)


def test_kinds_limits_charging_and_leaves_nan():
    a = pd.concat(
        [
            ONE_TRANSIT,
            make_analysis(
                [
                    {
                        "id": "rail",
                        "kind": "railway",
                        "states": ["KOR", "PRK", "RUS"],
                        "km_by_state": {"KOR": 1.0, "PRK": 50.0, "RUS": 1.0},
                    }
                ]
            ),
        ]
    )
    fees = transit_fees(a, volume_bcm_per_year=10, kinds=("pipeline",))
    assert fees.at["r", "PRK"] == pytest.approx(20e6)
    assert math.isnan(fees.at["rail", "PRK"])
    both = transit_fees(a, volume_bcm_per_year=10)
    assert both.at["rail", "PRK"] == pytest.approx(10e6)


def test_flat_table_is_refused_with_a_hint():
    flat = pd.DataFrame({"km_by_state.PRK": [100.0]}, index=pd.Index(["r"], name="id"))
    with pytest.raises(GeorouteError, match="analyze"):
        transit_fees(flat, volume_bcm_per_year=10)


def test_empty_analysis():
    empty = ONE_TRANSIT.iloc[0:0]
    assert transit_fees(empty, volume_bcm_per_year=10).shape == (0, 0)
    assert capex(empty).empty


# -- capital cost -----------------------------------------------------------------------------


def test_subsea_piece_costs_the_offshore_rate():
    a = make_analysis(
        [
            {
                "id": "east-sea",
                "states": ["RUS", "KOR"],
                "km_by_state": {"RUS": 30.0, "KOR": 20.0},
                "offshore_km": 400.0,
            }
        ]
    )
    c = capex(a, onshore_usd_per_km=1e6, offshore_usd_per_km=5e6).loc["east-sea"]
    assert c["onshore_km"] == pytest.approx(50.0)
    assert c["offshore_km"] == pytest.approx(400.0)
    assert c["capex_offshore_usd"] == pytest.approx(400.0 * 5e6)
    assert c["capex_usd"] == pytest.approx(50.0 * 1e6 + 400.0 * 5e6)


def test_capex_defaults_are_the_documented_rates():
    a = make_analysis(
        [{"id": "x", "states": ["RUS", "KOR"], "km_by_state": {"RUS": 100.0}, "offshore_km": 100.0}]
    )
    c = capex(a).loc["x"]
    assert c["capex_usd"] == pytest.approx(100 * 2_340_000 + 100 * 4_293_000)


def test_capex_rate_validation():
    with pytest.raises(GeorouteError, match="offshore_usd_per_km"):
        capex(ONE_TRANSIT.assign(offshore_km=0.0), offshore_usd_per_km=-5)


# -- calibration --------------------------------------------------------------------------------


def test_calibrated_tariff_reproduces_the_seed_fee_exactly():
    tariff = calibrate_tariff(SEED)
    assert tariff == pytest.approx(100e6 / (10e6 * 7.0), rel=1e-12)
    fee = transit_fees(SEED, volume_bcm_per_year=10, tariff_usd_per_tcm_per_100km=tariff)
    assert fee.at["pipeline-rus-prk-kor-2011", "PRK"] == pytest.approx(100e6, rel=1e-12)


@given(
    km=st.floats(1.0, 5_000.0),
    target=st.floats(1e3, 1e10),
    volume=st.floats(0.1, 100.0),
)
@settings(max_examples=50, deadline=None)
def test_calibration_is_the_inverse_of_the_fee(km, target, volume):
    a = make_analysis(
        [
            {
                "id": "p",
                "states": ["RUS", "PRK", "KOR"],
                "km_by_state": {"RUS": 1.0, "PRK": km, "KOR": 1.0},
            }
        ]
    )
    tariff = calibrate_tariff(
        a, route_id="p", target_usd_per_year=target, volume_bcm_per_year=volume
    )
    fee = transit_fees(a, volume_bcm_per_year=volume, tariff_usd_per_tcm_per_100km=tariff)
    assert fee.at["p", "PRK"] == pytest.approx(target, rel=1e-9)


def test_calibration_errors_name_the_problem():
    with pytest.raises(GeorouteError, match="did you mean pipeline-rus-prk-kor-2011"):
        calibrate_tariff(SEED, route_id="pipeline-rus-prk-kor-2012")
    with pytest.raises(GeorouteError, match="no km in 'CHN'"):
        calibrate_tariff(SEED, state="CHN")


def test_calibration_table_rows_and_figures():
    table = calibration_table(SEED)
    assert list(table.index[:4]) == ["model", "seed-2011", "kogas-2018", "calibrated"]
    assert table.at["model", "fee_usd_per_year"] == pytest.approx(140e6)
    assert table.at["seed-2011", "fee_usd_per_year"] == pytest.approx(100e6)
    assert table.at["seed-2011", "tariff_usd_per_tcm_per_100km"] == pytest.approx(
        1.428571, rel=1e-6
    )
    assert table.at["kogas-2018", "fee_usd_per_year"] == pytest.approx(159e6)
    assert table.at["kogas-2018", "fee_usd_per_year_high"] == pytest.approx(195e6)
    assert table.at["calibrated", "fee_usd_per_year"] == pytest.approx(100e6, rel=1e-12)
    assert table.at["belarus-2010", "fee_usd_per_year"] == pytest.approx(10e6 * 1.88 * 7.0)
    assert "ukraine-2006" not in table.index  # unconfirmed figures are not used
    assert all(table["source"].str.len() > 0)


# -- the assumptions file -------------------------------------------------------------------


def test_code_defaults_match_seeds_file():
    a = load_assumptions()
    d = a["defaults"]
    by_id = {t["id"]: t for t in a["tariff"]}
    capex_by_id = {c["id"]: c for c in a["capex_per_km"]}
    assert (
        by_id[d["tariff"]]["value_usd_per_tcm_per_100km"]
        == economics.DEFAULT_TARIFF_USD_PER_TCM_PER_100KM
    )
    assert (
        capex_by_id[d["onshore_capex"]]["value_usd_per_km"] == economics.DEFAULT_ONSHORE_USD_PER_KM
    )
    assert (
        capex_by_id[d["offshore_capex"]]["value_usd_per_km"]
        == economics.DEFAULT_OFFSHORE_USD_PER_KM
    )
    assert capex_by_id[d["onshore_capex"]]["setting"] == "onshore"
    assert capex_by_id[d["offshore_capex"]]["setting"] == "offshore"
    assert d["seed_pipeline_route_id"] == economics.SEED_PIPELINE_ID
    seed = {f["id"]: f for f in a["fee_estimate"]}["seed-2011"]
    assert calibrate_tariff.__kwdefaults__["target_usd_per_year"] == seed["fee_usd_per_year"]
    assert calibrate_tariff.__kwdefaults__["volume_bcm_per_year"] == seed["volume_bcm_per_year"]


def test_every_used_figure_is_confirmed_and_sourced():
    a = load_assumptions()
    defaults = a["defaults"]
    for table in ("tariff", "fee_estimate", "capex_per_km", "project_cost"):
        for entry in a[table]:
            assert isinstance(entry.get("confirmed"), bool), entry["id"]
            assert entry.get("note"), entry["id"]
            if entry["confirmed"]:
                assert entry["sources"], entry["id"]
                for source in entry["sources"]:
                    assert source.get("url") or source.get("document"), entry["id"]
                    assert source.get("says"), entry["id"]
    used = {defaults["tariff"], defaults["onshore_capex"], defaults["offshore_capex"]}
    confirmed = {e["id"] for t in ("tariff", "capex_per_km") for e in a[t] if e["confirmed"]}
    assert used <= confirmed


def test_derived_per_km_figures_match_their_derivation():
    capex_by_id = {c["id"]: c for c in load_assumptions()["capex_per_km"]}
    assert capex_by_id["blue-stream-subsea"]["value_usd_per_km"] == pytest.approx(
        1.7e9 / 396, rel=1e-3
    )
    assert capex_by_id["blue-stream-onshore"]["value_usd_per_km"] == pytest.approx(
        1.5e9 / 817, rel=1e-3
    )
    assert capex_by_id["kogas-vostok-2011"]["value_usd_per_km"] == pytest.approx(
        2.5e9 / 1100, rel=1e-6
    )


def test_load_assumptions_returns_a_copy():
    a = load_assumptions()
    a["defaults"]["tariff"] = "changed"
    assert load_assumptions()["defaults"]["tariff"] == "kogas-2018-basis"


# -- invariants ---------------------------------------------------------------------------------

CODES = st.sampled_from(["RUS", "PRK", "KOR", "CHN", "MNG", "KAZ", "BLR", "POL"])


@st.composite
def routes(draw):
    states = draw(st.lists(CODES, min_size=1, max_size=6))
    # consecutive duplicates are merged by analyze
    states = [s for i, s in enumerate(states) if i == 0 or s != states[i - 1]]
    km = {s: draw(st.floats(0.0, 3_000.0)) for s in set(states)}
    return make_analysis(
        [
            {
                "id": "p",
                "states": states,
                "km_by_state": km,
                "offshore_km": draw(st.floats(0.0, 1_000.0)),
            }
        ]
    )


@given(
    a=routes(), volume=st.floats(0.0, 100.0), tariff=st.floats(0.0, 10.0), k=st.floats(0.0, 20.0)
)
@settings(max_examples=60, deadline=None)
def test_fees_linear_in_volume_and_tariff(a, volume, tariff, k):
    def fees(v, t):
        return transit_fees(a, volume_bcm_per_year=v, tariff_usd_per_tcm_per_100km=t)

    base = fees(volume, tariff)
    pd.testing.assert_frame_equal(fees(k * volume, tariff), base * k, rtol=1e-9, atol=1e-6)
    pd.testing.assert_frame_equal(fees(volume, k * tariff), base * k, rtol=1e-9, atol=1e-6)
    pd.testing.assert_frame_equal(
        fees(volume, tariff + 1.0), base + fees(volume, 1.0), rtol=1e-9, atol=1e-6
    )


@given(a=routes(), volume=st.floats(0.0, 100.0), tariff=st.floats(0.0, 10.0))
@settings(max_examples=60, deadline=None)
def test_total_fee_is_tariff_times_volume_times_transit_km(a, volume, tariff):
    states = a.at["p", "states"]
    km = a.at["p", "km_by_state"]
    charged = set(states) - {states[0], states[-1]}
    expected = volume * 1e6 * tariff * sum(km[s] for s in charged) / 100
    total = economics_table(a, volume_bcm_per_year=volume, tariff_usd_per_tcm_per_100km=tariff).at[
        "p", "transit_fees_total"
    ]
    assert total == pytest.approx(expected, rel=1e-9, abs=1e-6)
    assert total >= 0


@given(a=routes(), on=st.floats(0.0, 1e7), off=st.floats(0.0, 1e7))
@settings(max_examples=40, deadline=None)
def test_capex_adds_up(a, on, off):
    c = capex(a, onshore_usd_per_km=on, offshore_usd_per_km=off).loc["p"]
    assert c["onshore_km"] + c["offshore_km"] == pytest.approx(a.at["p", "length_km"], rel=1e-9)
    assert c["capex_usd"] == pytest.approx(
        c["onshore_km"] * on + c["offshore_km"] * off, rel=1e-9, abs=1e-6
    )
