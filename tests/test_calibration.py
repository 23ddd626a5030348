"""Tests of georoutes.calibration: the inverse of the fee model and the capital-cost check."""

from __future__ import annotations

import pytest
from _tables import make_analysis
from hypothesis import given, settings
from hypothesis import strategies as st

from georoutes.calibration import calibrate_tariff, capex_check, km_in_state
from georoutes.economics import transit_fees
from georoutes.errors import GeorouteError

LINE = make_analysis(
    [
        {
            "id": "pipeline-rus-prk-kor-2011",
            "states": ["RUS", "PRK", "KOR"],
            "km_by_state": {"RUS": 20.0, "PRK": 700.0, "KOR": 380.0},
            "offshore_km": 100.0,
        }
    ]
)


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
        a, route_id="p", state="PRK", target_usd_per_year=target, volume_bcm_per_year=volume
    )
    fee = transit_fees(a, volume_bcm_per_year=volume, tariff_usd_per_tcm_per_100km=tariff)
    assert fee.at["p", "PRK"] == pytest.approx(target, rel=1e-9)


def test_calibration_errors_name_the_problem():
    figures = {"target_usd_per_year": 100e6, "volume_bcm_per_year": 10.0}
    with pytest.raises(GeorouteError, match="did you mean pipeline-rus-prk-kor-2011"):
        calibrate_tariff(LINE, route_id="pipeline-rus-prk-kor-2012", state="PRK", **figures)
    with pytest.raises(GeorouteError, match="no km in 'CHN'"):
        calibrate_tariff(LINE, route_id="pipeline-rus-prk-kor-2011", state="CHN", **figures)
    with pytest.raises(GeorouteError, match="must be > 0"):
        calibrate_tariff(
            LINE,
            route_id="pipeline-rus-prk-kor-2011",
            state="PRK",
            target_usd_per_year=100e6,
            volume_bcm_per_year=0.0,
        )
    assert km_in_state(LINE, "pipeline-rus-prk-kor-2011", "PRK") == 700.0


def test_capex_check_sets_the_model_next_to_the_published_costs():
    table = capex_check(
        LINE, route_id="pipeline-rus-prk-kor-2011", onshore_usd_per_km=2e6, offshore_usd_per_km=4e6
    )
    assert table.index[0] == "model"
    assert table.at["model", "capex_usd"] == pytest.approx(1100 * 2e6 + 100 * 4e6)
    assert table.at["model", "usd_per_km"] == pytest.approx((1100 * 2e6 + 100 * 4e6) / 1200)
    assert "kogas-vostok-2011" in table.index
    assert (table["basis"].iloc[1:] == "reported").all()
    with pytest.raises(GeorouteError, match="not in the analysis"):
        capex_check(LINE, route_id="nowhere")
