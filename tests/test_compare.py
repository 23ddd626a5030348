"""Tests of georoutes.compare (rank, group, select, add_economics, the seed scenario) and of the
``georoutes scenario`` command."""

from __future__ import annotations

import math
import os
from pathlib import Path

import pandas as pd
import pytest
from _tables import _exposure, make_analysis
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import georoutes
from georoutes import compare
from georoutes._cli_scenario import scenario_command
from georoutes.compare import add_economics, group, rank, seed_scenario, select, write_scenario
from georoutes.errors import GeorouteError

NAN = math.nan




SEED_ROWS = [
    {
        "id": "pipeline-rus-prk-kor-2011",
        "states": ["RUS", "PRK", "KOR"],
        "km_by_state": {"RUS": 20.0, "PRK": 700.0, "KOR": 380.0},
        "exposure": _exposure(0.0, 5.0, 30.0, 80.0, 2.0),
    },
    {
        "id": "pipeline-rus-chn-kor",
        "states": ["RUS", "CHN", "PRK", "KOR"],
        "km_by_state": {"RUS": 100.0, "CHN": 900.0, "PRK": 600.0, "KOR": 300.0},
        "offshore_km": 100.0,
        "exposure": _exposure(900.0, 950.0, 1000.0, 1100.0, 0.0),
    },
    {
        "id": "pipeline-east-sea",
        "states": ["RUS", "KOR"],
        "km_by_state": {"RUS": 50.0, "KOR": 50.0},
        "offshore_km": 900.0,
        "exposure": _exposure(0.0, 0.0, 0.0, 0.0, 150.0),
    },
    {
        "id": "corridor-busan-europe-tsr",
        "kind": "railway",
        "states": ["KOR", "PRK", "RUS", "BLR", "POL", "DEU"],
        "km_by_state": {
            "KOR": 300.0,
            "PRK": 800.0,
            "RUS": 9000.0,
            "BLR": 600.0,
            "POL": 200.0,
            "DEU": 100.0,
        },
    },
    {
        "id": "corridor-busan-europe-china",
        "kind": "railway",
        "states": ["KOR", "PRK", "CHN", "MNG", "RUS", "BLR", "POL", "DEU"],
        "km_by_state": {
            "KOR": 300.0,
            "PRK": 400.0,
            "CHN": 1500.0,
            "MNG": 1100.0,
            "RUS": 5000.0,
            "BLR": 600.0,
            "POL": 200.0,
            "DEU": 100.0,
        },
    },
    {
        "id": "corridor-busan-europe-sea",
        "kind": "shipping",
        "states": ["KOR", "NLD"],
        "km_by_state": {"KOR": 5.0, "NLD": 5.0},
        "offshore_km": 19990.0,
    },
]
SEED = make_analysis(SEED_ROWS)


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


def test_add_economics_reads_states_and_km_from_the_flat_table():
    flat = flat_of(SEED)
    from_flat = add_economics(flat, volume_bcm_per_year=10, kinds=("pipeline",))
    with_analysis = add_economics(flat, analysis=SEED, volume_bcm_per_year=10, kinds=("pipeline",))
    pd.testing.assert_frame_equal(from_flat, with_analysis)


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
    text = compare.scenario_markdown(tables)
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
        compare._write_atomic({good: "x", bad: "y"})
    assert list(tmp_path.iterdir()) == []


# -- the command line ---------------------------------------------------------------------------


@pytest.fixture
def seed_catalog(monkeypatch):
    monkeypatch.setattr(compare, "seed_analysis", lambda: SEED)


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
    assert Path(tmp_path / "scenario.md").read_text(encoding="utf-8").count("## ") == 6


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


def test_rank_float_noise_is_a_tie():
    f = frame([395.0404941992154, 395.0404941992149, 1.0], ids=list("abc"))
    r = rank(f, "x")
    assert list(r.index) == ["c", "a", "b"]
    assert r["rank"].tolist() == [1, 2, 2]
    assert rank(frame([1.0, 1.0 + 1e-9]), "x")["rank"].tolist() == [1, 2]  # real differences


def test_seed_scenario_pipeline_options_end_in_korea():
    other = make_analysis(
        [{"id": "pipeline-power-of-siberia", "states": ["RUS", "CHN"],
          "km_by_state": {"RUS": 2000.0, "CHN": 1.0}}]
    )  # fmt: skip
    tables = seed_scenario(pd.concat([SEED, other]))
    assert "pipeline-power-of-siberia" not in tables["pipelines"].index
    assert "pipeline-power-of-siberia" in tables["pipelines"].attrs["note"]
    explicit = seed_scenario(pd.concat([SEED, other]), pipeline_ids=["pipeline-power-of-siberia"])
    assert list(explicit["pipelines"].index) == ["pipeline-power-of-siberia"]
