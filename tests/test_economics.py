"""Tests of georoutes.economics: fee arithmetic, exemptions, capex, the defaults, invariants."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from _tables import make_analysis
from hypothesis import given, settings
from hypothesis import strategies as st

from georoutes import economics
from georoutes.assumptions import load_assumptions
from georoutes.economics import (
    applies_to,
    capex,
    check_analysis,
    economics_table,
    km_by_state_of,
    states_of,
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


# -- the cell accessors and checks compare and scenario use ---------------------------------


def test_cell_accessors_and_applies_to():
    assert states_of(["RUS", "PRK"]) == ["RUS", "PRK"]
    assert states_of(math.nan) == []
    assert km_by_state_of({"PRK": 1}) == {"PRK": 1.0}
    assert km_by_state_of(None) == {}
    a = pd.concat(
        [
            ONE_TRANSIT,
            make_analysis(
                [{"id": "x", "kind": "railway", "states": ["KOR"], "km_by_state": {"KOR": 1.0}}]
            ),
        ]
    )
    assert applies_to(a, ("pipeline",)).tolist() == [True, False]
    assert applies_to(a, "railway").tolist() == [False, True]
    assert applies_to(a, None).tolist() == [True, True]
    with pytest.raises(GeorouteError, match="route ids must be unique"):
        check_analysis(pd.concat([ONE_TRANSIT, ONE_TRANSIT]), ["states"])


@pytest.mark.parametrize(
    ("name", "module"),
    [
        ("SEED_PIPELINE_ID", "georoutes.scenario"),
        ("calibration_table", "georoutes.scenario"),
        ("calibrate_tariff", "georoutes.calibration"),
        ("capex_check", "georoutes.calibration"),
    ],
)
def test_moved_names_still_work_with_a_deprecation_warning(name, module):
    with pytest.warns(DeprecationWarning, match=module):
        assert getattr(economics, name) is not None
    with pytest.raises(AttributeError):
        economics.no_such_name  # noqa: B018


# -- the defaults -----------------------------------------------------------------------------


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
    # The seed's own figures (its pipeline id, fee, volume): tests/test_scenario.py.


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
