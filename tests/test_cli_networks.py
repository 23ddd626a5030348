"""`georoutes sea-route` and `georoutes trace-rail`: thin over georoutes.networks.

Sea routes run on searoute's bundled network (offline); rail on the synthetic OSM XML fixtures in
tests/data/osm_*.osm.
"""

from __future__ import annotations

import json

import geopandas as gpd
import pytest
import shapely
from _networks import BRANCH, DATA, MAIN, NO_RAIL_OSM, RAIL_OSM
from _networks import geod_km as _geod_km
from click.testing import CliRunner

from georoutes.cli import cli


def _invoke(command: str, args):
    return CliRunner().invoke(cli, [command, *args])


def _assert_one_line_error(result, *fragments):
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in lines[0]


def test_cli_sea_route_json():
    result = _invoke(
        "sea-route", ["129.04,35.10", "4.05,51.95", "--avoid", "Suez", "--avoid", "Panama"]
    )
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert {"length_km", "passages", "snapped_km", "origin", "destination"} <= set(doc)
    assert set(doc["snapped_km"]) == {"origin", "destination"}
    assert "Cape of Good Hope" in doc["passages"]
    assert (doc["origin"]["lon"], doc["origin"]["lat"]) == (129.04, 35.10)
    assert doc["length_km"] > 24_000


def test_cli_negative_longitude_is_an_argument_not_an_option():
    result = _invoke("sea-route", ["-118.27,33.73", "129.04,35.10", "--format", "table"])
    assert result.exit_code == 0, result.stderr
    assert "length_km" in result.stdout


def test_cli_geojson_to_file(tmp_path):
    out = tmp_path / "route.geojson"
    result = _invoke(
        "sea-route", ["131.88,43.12", "129.04,35.10", "--format", "geojson", "--out", str(out)]
    )
    assert result.exit_code == 0, result.stderr
    gdf = gpd.read_file(out)
    assert gdf["kind"].iloc[0] == "shipping"
    assert [p.name for p in tmp_path.iterdir()] == ["route.geojson"]


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["129.04,35.10", "4.05,51.95", "--avoid", "Sues"], ["unknown passage 'Sues'", "Suez"]),
        (["35.10,129.04", "4.05,51.95"], ["LAT,LON"]),
        (["nowhere-port", "4.05,51.95", "--places", "PLACES"], ["unknown place id 'nowhere-port'"]),
    ],
)
def test_cli_sea_route_errors(args, fragments, tmp_path, places_file):
    out = tmp_path / "never.json"
    args = [str(places_file) if a == "PLACES" else a for a in args]
    result = _invoke("sea-route", [*args, "--out", str(out)])
    _assert_one_line_error(result, *fragments)
    assert list(tmp_path.iterdir()) == []


@pytest.fixture
def fake_catalog(monkeypatch):
    catalog = gpd.GeoDataFrame(
        {
            "id": ["rail-west-north", "pipe-x"],
            "name": ["West to North", "A pipeline"],
            "kind": ["rail", "pipeline"],
            "places": [["west-station", "north-station"], ["west-station", "east-station"]],
        },
        geometry=[
            shapely.LineString([MAIN[0], BRANCH[-1]]),
            shapely.LineString([MAIN[0], MAIN[-1]]),
        ],
        crs="EPSG:4326",
    )
    monkeypatch.setattr("georoutes.networks.rail._catalog_routes", lambda: catalog)
    return catalog


def test_cli_trace_rail_reports_the_length_change(fake_catalog, places_file):
    result = _invoke(
        "trace-rail", ["rail-west-north", "--osm", str(RAIL_OSM), "--places", str(places_file)]
    )
    assert result.exit_code == 0, result.stderr
    (doc,) = json.loads(result.stdout)["routes"]
    traced = _geod_km(MAIN[:4] + BRANCH)
    straight = _geod_km([MAIN[0], BRANCH[-1]])
    assert doc["traced_length_km"] == pytest.approx(traced, abs=1e-3)
    assert doc["waypoint_length_km"] == pytest.approx(straight, abs=1e-3)
    assert doc["change_km"] == pytest.approx(traced - straight, abs=2e-3)
    assert doc["change_pct"] > 0
    assert set(doc["km_by_gauge"]) == {"1520", "untagged"}
    assert set(doc["snapped_km"]) == {"west-station", "north-station"}


def test_cli_trace_rail_geojson_and_table(fake_catalog, places_file, tmp_path):
    out = tmp_path / "traced.geojson"
    result = _invoke(
        "trace-rail",
        [
            "rail-west-north",
            "--osm",
            str(RAIL_OSM),
            "--places",
            str(places_file),
            "--format",
            "geojson",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.stderr
    gdf = gpd.read_file(out)
    assert gdf["id"].tolist() == ["rail-west-north"]
    assert _geod_km(list(gdf.geometry.iloc[0].coords)) == pytest.approx(
        _geod_km(MAIN[:4] + BRANCH), rel=1e-9
    )
    table = _invoke(
        "trace-rail",
        [
            "rail-west-north",
            "--osm",
            str(RAIL_OSM),
            "--places",
            str(places_file),
            "--format",
            "table",
        ],
    )
    assert table.exit_code == 0
    assert "traced_length_km" in table.stdout


@pytest.mark.parametrize(
    ("route_id", "osm", "fragments"),
    [
        ("rail-west-nort", RAIL_OSM, ["no route 'rail-west-nort'", "rail-west-north"]),
        ("pipe-x", RAIL_OSM, ["'pipeline', not 'rail'"]),
        ("rail-west-north", NO_RAIL_OSM, ["no railway ways"]),
        ("rail-west-north", DATA / "osm_missing.osm", ["no such OSM XML file"]),
    ],
)
def test_cli_trace_rail_errors(fake_catalog, places_file, route_id, osm, fragments, tmp_path):
    out = tmp_path / "never.json"
    result = _invoke(
        "trace-rail", [route_id, "--osm", str(osm), "--places", str(places_file), "--out", str(out)]
    )
    _assert_one_line_error(result, *fragments)
    assert not out.exists()


def test_cli_trace_rail_disconnected_places(monkeypatch, places_file):
    catalog = gpd.GeoDataFrame(
        {
            "id": ["rail-west-island"],
            "kind": ["rail"],
            "places": [["west-station", "island-station"]],
        },
        geometry=[shapely.LineString([MAIN[0], (130.70, 42.40)])],
        crs="EPSG:4326",
    )
    monkeypatch.setattr("georoutes.networks.rail._catalog_routes", lambda: catalog)
    result = _invoke(
        "trace-rail", ["rail-west-island", "--osm", str(RAIL_OSM), "--places", str(places_file)]
    )
    _assert_one_line_error(result, "disconnected")
