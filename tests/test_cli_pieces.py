"""`georoutes pieces` and `georoutes crossings`: GeoJSON / GeoPackage / GeoParquet / CSV of
what georoutes.transits and georoutes.crossings return, written atomically."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import geopandas as gpd
import pytest
from click.testing import CliRunner

import georoutes
from georoutes.cli import cli

ROUTES = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"id": "tumen", "name": "Across the Tumen"},
            "geometry": {"type": "LineString", "coordinates": [[130.0, 43.0], [130.9, 42.1]]},
        },
        {
            "type": "Feature",
            "properties": {"id": "korea", "name": "Down Korea"},
            "geometry": {"type": "LineString", "coordinates": [[127.5, 39.0], [127.5, 36.0]]},
        },
    ],
}


@pytest.fixture(scope="module")
def routes_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("routes") / "routes.geojson"
    path.write_text(json.dumps(ROUTES), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def expected(routes_file):
    return {
        "pieces": georoutes.transits(routes_file),
        "crossings": georoutes.crossings(routes_file),
    }


def _run(*args: str):
    return CliRunner().invoke(cli, list(args))


@pytest.mark.parametrize("command", ["pieces", "crossings"])
@pytest.mark.parametrize("suffix", [".geojson", ".gpkg", ".parquet"])
def test_files_by_suffix_hold_the_library_table(routes_file, expected, tmp_path, command, suffix):
    out = tmp_path / f"out{suffix}"
    result = _run(command, str(routes_file), "--out", str(out))
    assert result.exit_code == 0, result.output
    got = gpd.read_parquet(out) if suffix == ".parquet" else gpd.read_file(out)
    want = expected[command]
    assert len(got) == len(want) > 0
    assert got["route_id"].tolist() == want["route_id"].tolist()
    km = "length_km" if command == "pieces" else "km"
    assert got[km].tolist() == pytest.approx(want[km].tolist(), rel=1e-12)
    assert got.crs.to_epsg() == 4326
    assert sorted(p.name for p in tmp_path.iterdir()) == [out.name]  # no temporary left


def test_pieces_geojson_to_stdout_and_csv_by_format(routes_file, expected):
    result = _run("pieces", str(routes_file))
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    # offshore pieces: null in GeoJSON (the library's frame has NaN there today)
    assert [f["properties"]["state"] for f in doc["features"]] == [
        s if isinstance(s, str) else None for s in expected["pieces"]["state"]
    ]
    table = _run("crossings", str(routes_file), "--format", "csv")
    assert table.exit_code == 0, table.output
    rows = list(csv.DictReader(io.StringIO(table.stdout)))
    want = expected["crossings"]
    assert [(r["from"], r["to"]) for r in rows] == list(zip(want["from"], want["to"], strict=True))
    assert all(r["geometry_wkt"].startswith("POINT") for r in rows)


def test_only_keeps_the_named_routes(routes_file):
    result = _run("pieces", str(routes_file), "--only", "korea")
    assert result.exit_code == 0, result.output
    ids = {f["properties"]["route_id"] for f in json.loads(result.stdout)["features"]}
    assert ids == {"korea"}
    bad = _run("pieces", str(routes_file), "--only", "koreaa")
    assert bad.exit_code == 2
    assert bad.stderr.startswith("error: ")
    assert "did you mean korea" in bad.stderr


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--format", "csv", "--out", "OUT.gpkg"], "names gpkg"),
        (["--out", "OUT.txt"], "cannot tell the format"),
        (["--format", "gpkg"], "give --out FILE"),
    ],
)
def test_format_problems_are_one_error_line(routes_file, tmp_path, args, fragment):
    args = [a.replace("OUT", str(tmp_path / "out")) for a in args]
    result = _run("crossings", str(routes_file), *args)
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error: ")
    assert fragment in lines[0]
    assert list(tmp_path.iterdir()) == []
