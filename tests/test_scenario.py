"""Tests of georoutes.scenario (the seed's tables, their Markdown and files) and of the
``georoutes scenario`` command."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest
from _tables import SEED, make_analysis
from click.testing import CliRunner

from georoutes import compare, scenario
from georoutes._cli_scenario import scenario_command
from georoutes._io import write_files_atomic
from georoutes.assumptions import load_assumptions
from georoutes.economics import transit_fees
from georoutes.errors import GeorouteError
from georoutes.scenario import (
    calibrate_seed_tariff,
    fee_calibration,
    seed_scenario,
    write_scenario,
)

# A one-pipeline analysis: the seed's line with the km the seed reported (700 in the DPRK).
SEED_LINE = make_analysis(
    [
        {
            "id": "pipeline-rus-prk-kor-2011",
            "states": ["RUS", "PRK", "KOR"],
            "km_by_state": {"RUS": 20.0, "PRK": 700.0, "KOR": 380.0},
        }
    ]
)


# -- seed scenario ------------------------------------------------------------------------------


def test_seed_scenario_pipelines_ranked_by_exposure_then_transit_states():
    tables = seed_scenario(SEED)
    assert set(tables) == {
        "pipelines",
        "transit_fees",
        "calibration",
        "capex",
        "capex_check",
        "corridors",
        "waters",
    }
    pipes = tables["pipelines"]
    assert list(pipes.index) == [
        "pipeline-east-sea",
        "pipeline-rus-prk-kor-2011",
        "pipeline-rus-chn-kor",
    ]
    assert pipes.at["pipeline-rus-chn-kor", "exposure.CHN.within_km.50"] == 1000.0
    assert pipes.at["pipeline-rus-chn-kor", "transit_states_count"] == 2
    assert pipes.at["pipeline-rus-chn-kor", "transit_fees_total"] == pytest.approx(300e6)
    assert any("pipeline-east-sea" in a for a in pipes.attrs["answers"])


def test_seed_scenario_transit_fees_per_state():
    fees = seed_scenario(SEED, volume_bcm_per_year=10, tariff_usd_per_tcm_per_100km=2.0)[
        "transit_fees"
    ]
    got = {
        (i, s): f
        for i, s, f in zip(fees.index, fees["state"], fees["fee_usd_per_year"], strict=True)
    }
    assert got == pytest.approx(
        {
            ("pipeline-rus-prk-kor-2011", "PRK"): 140e6,
            ("pipeline-rus-chn-kor", "CHN"): 180e6,
            ("pipeline-rus-chn-kor", "PRK"): 120e6,
        }
    )


def test_seed_scenario_calibration_and_capex():
    tables = seed_scenario(SEED)
    cal = tables["calibration"]
    assert cal.at["calibrated", "fee_usd_per_year"] == pytest.approx(100e6, rel=1e-12)
    assert cal.attrs["note"] == ""
    assert tables["capex"].at["pipeline-rus-prk-kor-2011", "capex_usd"] == pytest.approx(
        1100 * 2.34e6
    )
    assert "kogas-vostok-2011" in tables["capex_check"].index


def test_seed_scenario_corridors():
    corridors = seed_scenario(SEED)["corridors"]
    assert list(corridors.index) == [
        "corridor-busan-europe-tsr",
        "corridor-busan-europe-china",
        "corridor-busan-europe-sea",
    ]
    china = corridors.loc["corridor-busan-europe-china"]
    assert china["km_by_state.RUS"] == 5000.0
    assert china["km_by_state.CHN"] == 1500.0
    assert china["other_states_km"] == pytest.approx(300 + 400 + 1100 + 600 + 200 + 100)
    assert corridors.at["corridor-busan-europe-sea", "offshore_km"] == 19990.0
    assert "corridor-busan-europe-middle" in corridors.attrs["note"]


def test_seed_scenario_degrades_without_corridors_or_seed_pipeline():
    pipes_only = SEED.loc[["pipeline-rus-chn-kor", "pipeline-east-sea"]]
    tables = seed_scenario(pipes_only)
    assert tables["corridors"].empty
    assert "corridors" in tables["corridors"].attrs["note"]
    assert "corridor-busan-europe-tsr" in tables["corridors"].attrs["note"]
    assert tables["calibration"].empty
    assert "pipeline-rus-prk-kor-2011" in tables["calibration"].attrs["note"]
    text = scenario.scenario_markdown(tables)
    assert "> Note:" in text


def test_seed_scenario_without_china_exposure_says_so():
    no_focus = SEED.copy()
    no_focus["exposure"] = [{} for _ in range(len(no_focus))]
    tables = seed_scenario(no_focus)
    assert "focus" in tables["pipelines"].attrs["note"]
    assert len(tables["pipelines"]) == 3


def test_write_scenario_writes_markdown_and_csv(tmp_path):
    out = tmp_path / "report"
    paths = write_scenario(out, seed_scenario(SEED))
    names = sorted(p.name for p in paths)
    assert names == sorted(
        [
            "scenario.md",
            "scenario-pipelines.csv",
            "scenario-transit-fees.csv",
            "scenario-calibration.csv",
            "scenario-capex.csv",
            "scenario-capex-check.csv",
            "scenario-corridors.csv",
            "scenario-waters.csv",
        ]
    )
    assert sorted(os.listdir(out)) == names  # no temporary files left
    text = (out / "scenario.md").read_text(encoding="utf-8")
    assert "| pipeline-rus-prk-kor-2011 |" in text
    assert "140.0" in text  # $M/yr to the DPRK at $2
    csv = pd.read_csv(out / "scenario-transit-fees.csv")
    assert csv["fee_usd_per_year"].sum() == pytest.approx(440e6)


def test_write_scenario_into_a_file_is_an_error_and_writes_nothing(tmp_path):
    target = tmp_path / "a-file"
    target.write_text("keep")
    with pytest.raises(GeorouteError):
        write_scenario(target, seed_scenario(SEED))
    assert target.read_text() == "keep"


def test_atomic_write_leaves_nothing_when_a_file_fails(tmp_path):
    good = tmp_path / "one.md"
    bad = tmp_path / "missing-dir" / "two.csv"
    with pytest.raises(FileNotFoundError):
        write_files_atomic({good: "x", bad: "y"})
    assert list(tmp_path.iterdir()) == []


def test_seed_scenario_pipeline_options_end_in_korea():
    other = make_analysis(
        [
            {
                "id": "pipeline-power-of-siberia",
                "states": ["RUS", "CHN"],
                "km_by_state": {"RUS": 2000.0, "CHN": 1.0},
            }
        ]
    )
    tables = seed_scenario(pd.concat([SEED, other]))
    assert "pipeline-power-of-siberia" not in tables["pipelines"].index
    assert "pipeline-power-of-siberia" in tables["pipelines"].attrs["note"]
    explicit = seed_scenario(pd.concat([SEED, other]), pipeline_ids=["pipeline-power-of-siberia"])
    assert list(explicit["pipelines"].index) == ["pipeline-power-of-siberia"]


def test_seed_scenario_focus_and_corridor_state_are_parameters():
    tables = seed_scenario(SEED, focus="PRK", corridor_state="MNG")
    pipes = tables["pipelines"]
    assert "exposure.PRK.inside_km" in pipes.columns
    assert "focus=('PRK',)" in pipes.attrs["note"]  # the hand-made analysis measured only CHN
    corridors = tables["corridors"]
    assert list(corridors.columns[3:6]) == ["km_by_state.MNG", "km_by_state.PRK", "other_states_km"]
    assert corridors.at["corridor-busan-europe-china", "km_by_state.MNG"] == 1100.0
    assert corridors.attrs["answers"][0] == "Least km in PRK: corridor-busan-europe-sea."


# -- calibration against the published figures ----------------------------------------------


def test_calibrated_tariff_reproduces_the_seed_fee_exactly():
    tariff = calibrate_seed_tariff(SEED_LINE)
    assert tariff == pytest.approx(100e6 / (10e6 * 7.0), rel=1e-12)
    fee = transit_fees(SEED_LINE, volume_bcm_per_year=10, tariff_usd_per_tcm_per_100km=tariff)
    assert fee.at["pipeline-rus-prk-kor-2011", "PRK"] == pytest.approx(100e6, rel=1e-12)


def test_calibration_errors_name_the_problem():
    with pytest.raises(GeorouteError, match="did you mean pipeline-rus-prk-kor-2011"):
        calibrate_seed_tariff(SEED_LINE, route_id="pipeline-rus-prk-kor-2012")
    with pytest.raises(GeorouteError, match="no km in 'CHN'"):
        calibrate_seed_tariff(SEED_LINE, state="CHN")


def test_calibration_table_rows_and_figures():
    table = fee_calibration(SEED_LINE)
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


def test_seed_constants_match_seeds_file():
    a = load_assumptions()
    assert a["defaults"]["seed_pipeline_route_id"] == scenario.SEED_PIPELINE_ID
    seed = {f["id"]: f for f in a["fee_estimate"]}["seed-2011"]
    assert calibrate_seed_tariff.__kwdefaults__["target_usd_per_year"] == seed["fee_usd_per_year"]
    assert (
        calibrate_seed_tariff.__kwdefaults__["volume_bcm_per_year"] == seed["volume_bcm_per_year"]
    )
    assert seed["fee_usd_per_year"] == scenario.SEED_FEE_USD_PER_YEAR
    assert seed["volume_bcm_per_year"] == scenario.SEED_VOLUME_BCM_PER_YEAR


# -- the command line ---------------------------------------------------------------------------


@pytest.fixture
def seed_catalog(monkeypatch):
    # The hand-made analysis instead of the catalog's, wherever the name is looked up.
    import georoutes.cli.scenario as cli_scenario

    monkeypatch.setattr(compare, "seed_analysis", lambda: SEED)
    monkeypatch.setattr(scenario, "seed_analysis", lambda: SEED)
    monkeypatch.setattr(cli_scenario, "seed_analysis", lambda: SEED)


def test_cli_scenario_seed_prints_and_writes(tmp_path, seed_catalog):
    result = CliRunner().invoke(
        scenario_command,
        ["seed", "--out", str(tmp_path / "out"), "--volume-bcm", "10", "--tariff", "2.0"],
    )
    assert result.exit_code == 0, result.output
    assert "pipeline-rus-prk-kor-2011" in result.stdout
    assert "PRK earns $140.0M/yr" in result.stdout
    assert (tmp_path / "out" / "scenario.md").is_file()
    assert (tmp_path / "out" / "scenario-corridors.csv").is_file()


def test_cli_volume_and_tariff_change_the_fees(tmp_path, seed_catalog):
    result = CliRunner().invoke(
        scenario_command,
        ["seed", "--out", str(tmp_path), "--volume-bcm", "5", "--tariff", "1", "--quiet"],
    )
    assert result.exit_code == 0, result.output
    fees = pd.read_csv(tmp_path / "scenario-transit-fees.csv")
    assert fees.loc[fees["id"] == "pipeline-rus-prk-kor-2011", "fee_usd_per_year"].item() == (
        pytest.approx(5e6 * 1.0 * 7.0)
    )


@pytest.mark.parametrize("args", [["--volume-bcm", "-1"], ["--tariff", "nan"]])
def test_cli_bad_numbers_exit_2_with_one_error_line(tmp_path, seed_catalog, args):
    result = CliRunner().invoke(scenario_command, ["seed", "--out", str(tmp_path / "o"), *args])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ")
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "o").exists()


def test_cli_output_path_is_a_file(tmp_path, seed_catalog):
    target = tmp_path / "file"
    target.write_text("keep")
    result = CliRunner().invoke(scenario_command, ["seed", "--out", str(target)])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ")
    assert "Traceback" not in result.output
    assert target.read_text() == "keep"


def test_cli_end_to_end_on_the_catalog(tmp_path):
    from georoutes._data import layers_dir

    shipped = "".join(p.read_text(encoding="utf-8") for p in (layers_dir() / "routes").glob("*"))
    if "pipeline-rus-prk-kor-2011" not in shipped:
        pytest.skip("the route catalog does not hold the seed pipeline yet")
    result = CliRunner().invoke(scenario_command, ["seed", "--out", str(tmp_path), "--quiet"])
    assert result.exit_code == 0, result.output + str(result.stderr)
    pipes = pd.read_csv(tmp_path / "scenario-pipelines.csv").set_index("id")
    assert "pipeline-rus-prk-kor-2011" in pipes.index
    seed = pipes.loc["pipeline-rus-prk-kor-2011"]
    assert seed["transit_states_count"] == 1
    # The seed's line is ~1,100 km (reported); the DPRK earns $100M-200M at $2 and 10 bcm/yr.
    assert 900 < seed["length_km"] < 1_400
    cal = pd.read_csv(tmp_path / "scenario-calibration.csv").set_index("case")
    assert 100e6 < cal.at["model", "fee_usd_per_year"] < 200e6
    assert cal.at["calibrated", "fee_usd_per_year"] == pytest.approx(100e6, rel=1e-9)
    assert Path(tmp_path / "scenario.md").read_text(encoding="utf-8").count("## ") == 7


# -- at sea ---------------------------------------------------------------------------------


def test_waters_table_answers_the_seeds_sea_questions():
    """The catalog under the default model: zone km per state agree with analyze()."""
    from georoutes.scenario import seed_analysis, waters_table

    analysis = seed_analysis()
    table = waters_table(analysis)
    assert analysis.attrs["waters"] == "territorial"
    sub = table.loc[["pipeline-east-sea-subsea"]].set_index("state")
    zones = analysis.loc["pipeline-east-sea-subsea", "km_by_zone"]
    assert list(sub.index) == list(zones)  # states in the order the line reaches them
    assert sub.loc["PRK", "eez_km"] == pytest.approx(zones["PRK"]["eez_km"])
    assert sub.loc["PRK", "eez_km"] > 100  # the subsea line bypasses the DPRK's land, not its zone
    assert sub.loc["PRK", "territorial_km"] == 0.0
    assert sub.loc["PRK", "land_km"] == 0.0
    ys = table.loc[["pipeline-china-yellow-sea"]].set_index("state")
    assert ys.loc["CHN", "territorial_km"] > 10
    answers = " ".join(table.attrs["answers"])
    assert "pipeline-east-sea-subsea enters the DPRK's waters" in answers
    assert "via land" in answers  # the Tumen crossing of the 2011 line
    # rows add up to the analysis: each route's states' zone km sum to its length minus high seas
    for rid, rows in table.groupby(level=0):
        total = rows[["land_km", "territorial_km", "eez_km"]].to_numpy().sum()
        high = float(rows["high_seas_km"].iloc[0])
        assert total + high == pytest.approx(analysis.loc[rid, "length_km"], rel=1e-6)
    # a sea lane and the corridor that is the same line appear once
    assert "corridor-busan-europe-sea" not in table.index
    assert "sea-busan-rotterdam-suez" in table.index


def test_waters_table_under_land_only_is_empty_with_a_note():
    from georoutes.scenario import waters_table

    table = waters_table(SEED)  # hand-made, no zones: land only
    assert len(table) == 0
    assert "waters='territorial'" in table.attrs["note"]
