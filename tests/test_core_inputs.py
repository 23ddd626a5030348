"""Bad input: a GeorouteError in Python; one `error:` line and exit 2 in the CLI."""

from __future__ import annotations

import json
import math
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from click.testing import CliRunner

import georoutes
from georoutes.cli import cli

GOOD = [[130.64, 42.43], [129.7, 41.8]]


def _fc(*features) -> dict:
    return {"type": "FeatureCollection", "features": list(features)}


def _feat(coords=GOOD, props=None, gtype="LineString") -> dict:
    return {
        "type": "Feature",
        "properties": {"id": "r1"} if props is None else props,
        "geometry": {"type": gtype, "coordinates": coords},
    }


CASES = {
    "malformed": ('{"type": "FeatureCollection", "features": [', "malformed JSON at line 1"),
    "truncated": (json.dumps(_fc(_feat()))[:-7], "malformed JSON"),
    "bare-list": (json.dumps([[130, 42], [129, 41]]), "not GeoJSON"),
    "point": (
        json.dumps(_fc(_feat([130.0, 42.0], gtype="Point"))),
        "feature 0 ('r1'): geometry is Point",
    ),
    "polygon": (
        json.dumps(_fc(_feat([[[130, 42], [131, 42], [131, 43], [130, 42]]], gtype="Polygon"))),
        "geometry is Polygon",
    ),
    "duplicate-id": (json.dumps(_fc(_feat(), _feat())), "feature 1 ('r1'): duplicate id 'r1'"),
    "empty-geometry": (json.dumps(_fc(_feat([]))), "empty geometry"),
    "nan": (json.dumps(_fc(_feat([[130.0, 42.0], [math.nan, 41.0]]))), "NaN or infinity"),
    "inf": (json.dumps(_fc(_feat([[130.0, 42.0], [math.inf, 41.0]]))), "NaN or infinity"),
    "lat-range": (
        json.dumps(_fc(_feat([[130.0, 42.0], [131.0, 95.0]]))),
        "latitude 95.0 is outside [-90, 90]",
    ),
    "lon-range": (
        json.dumps(_fc(_feat([[130.0, 42.0], [400.0, 41.0]]))),
        "longitude 400.0 is outside [-360, 360]",
    ),
    "swapped": (json.dumps(_fc(_feat([[42.43, 130.64], [41.8, 129.7]]))), "look like (lat, lon)"),
    "projected-undeclared": (
        json.dumps(_fc(_feat([[14_540_000.0, 5_220_000.0], [14_440_000.0, 5_130_000.0]]))),
        "look projected",
    ),
    "projected-declared": (
        json.dumps(
            {
                **_fc(_feat([[14_540_000.0, 5_220_000.0], [14_440_000.0, 5_130_000.0]])),
                "crs": {"type": "name", "properties": {"name": "EPSG:3857"}},
            }
        ),
        "declares a projected CRS",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_route_files_raise_georoute_errors_naming_the_file(tmp_path, case):
    text, expected = CASES[case]
    path = tmp_path / f"{case}.geojson"
    path.write_text(text)
    with pytest.raises(georoutes.GeorouteError) as info:
        georoutes.read_routes(path)
    assert str(path) in str(info.value)
    assert expected in str(info.value)


@pytest.mark.parametrize("case", list(CASES))
def test_cli_reports_one_error_line_exit_2_and_writes_nothing(tmp_path, case):
    text, expected = CASES[case]
    path = tmp_path / f"{case}.geojson"
    path.write_text(text)
    out = tmp_path / "out.json"
    result = CliRunner().invoke(cli, ["compare", str(path), "--out", str(out)])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"error: {path}")
    assert expected in lines[0]
    assert "Traceback" not in result.output
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [path]  # no temp file left behind


def test_every_problem_of_a_file_is_reported_at_once(tmp_path):
    path = tmp_path / "many.geojson"
    path.write_text(
        json.dumps(
            _fc(
                _feat(),
                _feat(),
                _feat(props={"name": "no id"}),
                _feat([130.0, 42.0], props={"id": "p"}, gtype="Point"),
            )
        )
    )
    with pytest.raises(georoutes.RouteValidationError) as info:
        georoutes.read_routes(path)
    # Feature 1 repeats feature 0's id; feature 2 has none and is named "many:2"; 3 is a Point.
    assert [p.feature for p in info.value.problems] == [1, 3]


def test_missing_file(tmp_path):
    path = tmp_path / "nope.geojson"
    result = CliRunner().invoke(cli, ["compare", str(path)])
    assert result.exit_code == 2
    assert result.stderr.strip() == f"error: {path}: no such file"


def test_unknown_focus_lists_close_matches(tmp_path):
    path = tmp_path / "ok.geojson"
    path.write_text(json.dumps(_fc(_feat())))
    result = CliRunner().invoke(cli, ["compare", str(path), "--focus", "CHA"])
    assert result.exit_code == 2
    line = result.stderr.strip()
    assert line.startswith("error: focus: unknown state code 'CHA'")
    assert "CHN" in line
    with pytest.raises(georoutes.UnknownStateError):
        georoutes.analyze(path, focus=["XXX"])


def test_hostile_names_are_kept_as_text(tmp_path):
    name = "</script><script>alert(1)</script>"
    path = tmp_path / "hostile.geojson"
    path.write_text(json.dumps(_fc(_feat(props={"id": "h", "name": name}))))
    routes = georoutes.read_routes(path)
    assert routes.loc[0, "name"] == name


def test_projected_geopackage_is_transformed(tmp_path):
    line = shapely.LineString(GOOD)
    gdf = gpd.GeoDataFrame({"id": ["a"]}, geometry=[line], crs="EPSG:4326").to_crs("EPSG:3857")
    path = tmp_path / "r.gpkg"
    gdf.to_file(path)
    routes = georoutes.read_routes(path)
    assert routes.crs.to_epsg() == 4326
    assert shapely.get_coordinates(routes.geometry.iloc[0])[0] == pytest.approx(GOOD[0])


def test_unwrapped_longitudes_are_legal():
    line = shapely.LineString([(179.0, 65.0), (190.0, 66.0)])
    routes = georoutes.read_routes(gpd.GeoDataFrame({"id": [1]}, geometry=[line], crs="EPSG:4326"))
    assert routes.loc[0, "id"] == "1"


def test_bad_bands(tmp_path):
    path = tmp_path / "ok.geojson"
    path.write_text(json.dumps(_fc(_feat())))
    result = CliRunner().invoke(cli, ["compare", str(path), "--bands", "10,abc"])
    assert result.exit_code == 2
    assert "--bands: 'abc'" in result.stderr


def test_user_boundary_layer_with_named_code_column(tmp_path):
    # Natural Earth's Tumen: on it this line runs from Russia straight into the DPRK.
    boundaries = georoutes.load_boundaries("ne")
    sub = (
        boundaries[boundaries["code"].isin(["RUS", "PRK", "CHN"])]
        .rename(columns={"code": "ISO"})
        .to_crs("EPSG:3857")
    )
    path = tmp_path / "b.gpkg"
    sub.to_file(path)
    layer = georoutes.load_boundaries(path, code_column="ISO")
    assert set(layer["code"]) == {"RUS", "PRK", "CHN"}
    with pytest.raises(georoutes.BoundaryError, match="no code column 'code'"):
        georoutes.load_boundaries(path)
    line = gpd.GeoDataFrame({"id": ["k"]}, geometry=[shapely.LineString(GOOD)], crs="EPSG:4326")
    row = georoutes.analyze(line, boundaries=layer, focus=["CHN"]).iloc[0]
    assert row["states"] == ["RUS", "PRK"]


def test_files_are_named_in_messages_relative_as_given(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("rel.geojson").write_text("[]")
    result = CliRunner().invoke(cli, ["compare", "rel.geojson"])
    assert result.stderr.startswith("error: rel.geojson: not GeoJSON")


def test_a_feature_without_an_id_is_named_after_its_file(tmp_path):
    one = tmp_path / "pipeline-x.geojson"
    one.write_text(json.dumps(_fc(_feat(props={"name": "x"}))))
    two = tmp_path / "two.geojson"
    two.write_text(json.dumps(_fc(_feat(props={"name": "a"}), _feat(props={"id": "b"}))))
    routes = georoutes.read_routes([one, two])
    assert routes["id"].tolist() == ["pipeline-x", "two:0", "b"]
    assert routes["id_made_up"].tolist() == [True, True, False]
    assert routes.attrs["georoutes_made_up_ids"] == ["pipeline-x", "two:0"]
