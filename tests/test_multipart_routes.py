"""Multi-part routes through the engine: no crossing at a part gap, states along the chain,
slivers never absorbed across the sea — small hand-made fixtures of each case (issue 12)."""

from __future__ import annotations

import json
import math

import geopandas as gpd
import pytest
import shapely
from click.testing import CliRunner

import georoutes
from georoutes.cli import cli

# Inland across the China-Russia border west of Lake Khanka: CHN for ~96 km (to between the
# third and fourth vertex), then RUS; one border crossing, on land.
TUMEN = [(130.0, 44.6), (130.6, 44.5), (131.0, 44.45), (131.6, 44.4), (132.0, 44.5)]
# Vladivostok (RUS) -> Sea of Japan -> Samcheok (KOR): a landfall across the sea.
SEA = [(131.90, 43.10), (131.5, 41.0), (130.6, 38.5), (129.17, 37.45)]


def _analyze(geom, *, rid="r"):
    routes = gpd.GeoDataFrame({"id": [rid]}, geometry=[geom], crs="EPSG:4326")
    return georoutes.analyze(routes, focus=["CHN"], bands_km=[10]).loc[rid]


def _split(coords, cut):
    return coords[: cut + 1], coords[cut:]


def test_shuffled_reversed_parts_give_the_states_of_the_whole_line():
    whole = _analyze(shapely.LineString(TUMEN))
    a, b = _split(TUMEN, 2)  # b is the longer part: the chain follows its direction
    mixed = _analyze(shapely.MultiLineString([b, a[::-1]]))
    assert mixed["states"] == whole["states"] == ["CHN", "RUS"]
    assert mixed["length_km"] == pytest.approx(whole["length_km"], rel=1e-9)
    for code, km in whole["km_by_state"].items():
        assert mixed["km_by_state"][code] == pytest.approx(km, rel=1e-9, abs=1e-9)
    assert [(x["from"], x["to"]) for x in mixed["crossings"]] == [("CHN", "RUS")]


def test_a_gap_over_a_border_is_no_crossing_but_the_states_change():
    # Drop the stretch over the border: the line resumes in Russia.
    west, east = TUMEN[:3], TUMEN[3:]
    row = _analyze(shapely.MultiLineString([east, west]))
    assert row["states"] == ["CHN", "RUS"]
    assert row["crossings"] == []
    (gap,) = row["gaps"]
    assert (gap["from_state"], gap["to_state"]) == ("CHN", "RUS")
    assert gap["length_km"] > 1.0
    assert row["topology"] == "chain"


def test_a_gap_inside_one_state_keeps_one_run_of_it():
    a, b = TUMEN[:2], [(130.65, 44.49), TUMEN[2]]
    row = _analyze(shapely.MultiLineString([b, a]))
    assert row["states"] == ["CHN"]
    assert row["crossings"] == []
    assert row["gaps"][0]["from_state"] == row["gaps"][0]["to_state"] == "CHN"


def test_a_gap_at_sea():
    a, b = SEA[:2], SEA[2:]
    row = _analyze(shapely.MultiLineString([b, a]))
    assert row["states"] == ["RUS", "KOR"]
    assert row["gaps"][0]["from_state"] is None
    assert row["gaps"][0]["to_state"] is None
    assert [(x["from"], x["to"], x["via"]) for x in row["crossings"]] == [("RUS", "KOR", "sea")]


def test_overlapping_parts_are_counted_once():
    whole = _analyze(shapely.LineString(TUMEN))
    doubled = _analyze(shapely.MultiLineString([TUMEN, TUMEN[1:4]]))
    assert doubled["length_km"] == pytest.approx(whole["length_km"], rel=1e-9)
    assert doubled["overlap_km"] > 0
    assert doubled["states"] == whole["states"]


def test_a_branch_is_analysed_as_a_network():
    trunk = TUMEN
    branch = [TUMEN[2], (130.8, 44.0)]  # south, inside China
    row = _analyze(shapely.MultiLineString([branch, trunk]))
    assert row["topology"] == "network"
    assert row["states"] == ["CHN", "RUS"]  # along the longest piece (the trunk) first
    assert [(x["from"], x["to"]) for x in row["crossings"]] == [("CHN", "RUS")]


def test_reversing_the_chain_mirrors_states_and_crossings():
    a, b = _split(TUMEN, 2)
    fwd = _analyze(shapely.MultiLineString([b, a]))
    back = _analyze(shapely.MultiLineString([a[::-1], b[::-1]]))
    assert back["states"] == fwd["states"][::-1]
    assert [(x["to"], x["from"]) for x in back["crossings"]] == [
        (x["from"], x["to"]) for x in fwd["crossings"]
    ][::-1]


def test_a_short_landfall_across_the_sea_is_never_absorbed():
    # RUS -> sea -> 3.7 km of KOR's coast -> sea -> RUS, with slivers up to 500 km: KOR is a
    # landfall, not a sliver (only runs that touch their neighbours are absorbed).
    ring = [(131.90, 43.10), (129.17, 37.45), (131.85, 43.05)]
    routes = gpd.GeoDataFrame({"id": ["x"]}, geometry=[shapely.LineString(ring)], crs="EPSG:4326")
    row = georoutes.analyze(routes, focus=["CHN"], bands_km=[10], min_piece_km=500).loc["x"]
    assert row["states"] == ["RUS", "KOR", "RUS"]
    assert all(s["state"] != "KOR" for s in row["slivers"])


def test_tracker_directory_with_null_and_point_features(tmp_path):
    folder = tmp_path / "tracker"
    folder.mkdir()
    line = {"type": "LineString", "coordinates": [list(p) for p in TUMEN]}
    for n in range(40):
        features = [{"type": "Feature", "properties": {"status": "operating"}, "geometry": line}]
        if n % 4 == 1:
            features = [{"type": "Feature", "properties": {}, "geometry": None}]
        elif n % 4 == 2:
            features.append(
                {
                    "type": "Feature",
                    "properties": {},
                    "geometry": {"type": "Point", "coordinates": [130.0, 42.0]},
                }
            )
        (folder / f"p{n:03d}.geojson").write_text(
            json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8"
        )
    skipped = tmp_path / "skipped.csv"
    out = tmp_path / "out.json"
    result = CliRunner().invoke(
        cli,
        [
            "compare",
            str(folder),
            "--skip-invalid",
            "--skipped",
            str(skipped),
            "--format",
            "json",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert len(doc["routes"]) == 30
    assert {r["status"] for r in doc["routes"]} == {"operating"}
    rows = skipped.read_text(encoding="utf-8").splitlines()
    assert len(rows) == 1 + 20  # header, 10 null + 10 point features
    assert "skipped 20 invalid" in result.stderr
    assert all(math.isclose(r["length_km"], doc["routes"][0]["length_km"]) for r in doc["routes"])
