"""End-to-end runs of `georoutes compare` on the built-in catalog."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from georoutes.cli import cli


@pytest.fixture(scope="module")
def compare_json():
    result = CliRunner().invoke(
        cli,
        ["compare", "--focus", "CHN", "--focus", "PRK", "--bands", "10,50,100", "--format", "json"],
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_compare_json_follows_the_design_contract(compare_json):
    doc = compare_json
    assert set(doc) >= {"boundaries", "focus", "bands_km", "routes"}
    assert doc["focus"] == ["CHN", "PRK"]
    assert doc["bands_km"] == [10, 50, 100]
    assert {"name", "version"} <= set(doc["boundaries"])
    keys = {
        "id",
        "name",
        "kind",
        "length_km",
        "states",
        "transit_states",
        "km_by_state",
        "offshore_km",
        "crossings",
        "slivers",
        "exposure",
    }
    for route in doc["routes"]:
        assert keys <= set(route)
        total = sum(route["km_by_state"].values()) + route["offshore_km"]
        assert total == pytest.approx(route["length_km"], rel=1e-6)
        assert route["transit_states"] == route["states"][1:-1]
        for x in route["crossings"]:
            # track_km: where a calibrated route's crossing lies by its km posts
            assert set(x) - {"track_km"} == {"from", "to", "via", "lon", "lat", "km"}
            assert x["via"] in {"land", "maritime", "landfall", "sea"}
        zones = route["km_by_zone"]
        assert set(zones) == {c for c, km in route["km_by_state"].items()} | set(zones)
        for code, km in route["km_by_state"].items():
            # the default model (territorial): a state's km are its land and territorial sea
            by_zone = zones[code]
            assert by_zone["land_km"] + by_zone["territorial_km"] == pytest.approx(km, abs=1e-6)
        assert doc["waters"] == "territorial"
        for code in ("CHN", "PRK"):
            ex = route["exposure"][code]
            assert list(ex["within_km"]) == ["10", "50", "100"]


def test_the_seed_pipeline_transits_the_dprk_only(compare_json):
    route = next(r for r in compare_json["routes"] if r["id"] == "pipeline-rus-prk-kor-2011")
    assert route["states"] == ["RUS", "PRK", "KOR"]
    assert route["transit_states"] == ["PRK"]
    assert route["crossings"][0]["from"] == "RUS"
    # The Tumen crossing lies between the Russian and DPRK border towns (42.2-42.6 N).
    assert 42.2 < route["crossings"][0]["lat"] < 42.6
    assert route["exposure"]["CHN"]["inside_km"] == 0.0
    assert route["exposure"]["CHN"]["min_distance_km"] < 20.0  # it skirts the Tumen tripoint


def test_the_subsea_pipeline_avoids_the_dprk(compare_json):
    route = next(r for r in compare_json["routes"] if r["id"] == "pipeline-east-sea-subsea")
    assert "PRK" not in route["states"]
    assert route["offshore_km"] > 0.5 * route["length_km"]
    assert route["crossings"][0]["via"] == "sea"


def test_compare_csv_and_table_carry_the_same_figures(compare_json, tmp_path):
    out = tmp_path / "c.csv"
    result = CliRunner().invoke(cli, ["compare", "--format", "csv", "--out", str(out)])
    assert result.exit_code == 0
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(out.read_text()))}
    # Tables show each physical line once: the sea-lane corridors are their sea lanes.
    same = {
        f"corridor-busan-europe-sea{s}": f"sea-busan-rotterdam-{t}"
        for s, t in (("", "suez"), ("-cape", "cape"), ("-nsr", "nsr"))
    }
    assert not set(same) & set(rows)
    assert "note: corridor-busan-europe-sea: the same line as sea-busan-rotterdam-suez" in (
        result.stderr
    )
    for route in compare_json["routes"]:
        shown = rows[same.get(route["id"], route["id"])]
        assert float(shown["length_km"]) == pytest.approx(route["length_km"])
    table = CliRunner().invoke(cli, ["compare", "--format", "table"], env={"COLUMNS": "80"})
    assert "pipeline-rus-prk-kor-2011" in table.stdout


def test_compare_workers_option(compare_json, tmp_path):
    # The catalog is far under 500 routes, so it runs in one process: same figures.
    out = tmp_path / "w.json"
    result = CliRunner().invoke(
        cli, ["compare", "--focus", "CHN", "--focus", "PRK", "--workers", "0", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text())["routes"] == compare_json["routes"]
    bad = CliRunner().invoke(cli, ["compare", "--workers", "-1"])
    assert bad.exit_code == 2
    assert len(bad.stderr.strip().splitlines()) == 1
    assert bad.stderr.startswith("error:")
