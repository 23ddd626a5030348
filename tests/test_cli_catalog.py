"""`georoutes catalog`: the built-in routes and corridors, with their published lengths."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from georoutes.cli import cli


def test_catalog_command_lists_routes_and_corridors():
    result = CliRunner().invoke(cli, ["catalog", "--format", "json"])
    assert result.exit_code == 0, result.output
    ids = {r["id"] for r in json.loads(result.stdout)["routes"]}
    assert {"pipeline-rus-prk-kor-2011", "rail-trans-siberian", "corridor-busan-europe-tsr"} <= ids
    geo = CliRunner().invoke(cli, ["catalog", "--format", "geojson"])
    features = json.loads(geo.stdout)["features"]
    assert len(features) == len(ids)


def test_catalog_shows_published_lengths_and_the_gap():
    records = {
        r["id"]: r
        for r in json.loads(CliRunner().invoke(cli, ["catalog", "--format", "json"]).stdout)[
            "routes"
        ]
    }
    tsr = records["rail-trans-siberian"]
    # Moscow Yaroslavsky -> Vladivostok: 9,289 km of track (Russian Railways' km posts).
    assert tsr["published_length_km"] == pytest.approx(9289.0)
    assert tsr["drawn_vs_published_pct"] == pytest.approx(
        round(100 * (tsr["length_km"] / 9289.0 - 1), 1)
    )
    assert records["pipeline-east-sea-subsea"]["published_length_km"] is None
    table = CliRunner().invoke(cli, ["catalog", "--format", "table"], env={"COLUMNS": "160"}).stdout
    assert "published km" in table
    assert "9,289" in table
