"""The scripts in examples/ run as a user runs them (a subprocess, a fresh output folder).

Each test checks what the script wrote and printed against the catalog or its own input, so a
script that breaks, writes nothing or ranks wrongly fails. No network is used.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import georoutes

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

pytestmark = pytest.mark.slow


def _run(script: str, *args: str, cwd: Path) -> str:
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / script), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def _answer_ids(html: str) -> list[str]:
    table = html.split('id="answer-table"')[1].split("</table>")[0]
    return re.findall(r'<tr data-route-id="([^"]+)"', table)


def _korean_pipelines() -> list[str]:
    routes = georoutes.catalog()
    return [
        str(rid)
        for rid, kind, states in zip(
            routes["id"], routes["kind"], routes["declared_states"], strict=True
        )
        if kind == "pipeline" and states[-1] == "KOR"
    ]


def test_seed_pipelines(tmp_path):
    out = tmp_path / "out"
    printed = _run("seed_pipelines.py", "--out", str(out), cwd=tmp_path)
    table = pd.read_csv(out / "pipelines.csv", index_col="id")
    assert sorted(table.index) == sorted(_korean_pipelines())
    near = table["km ≤100 km of CHN"].to_list()
    assert near == sorted(near)  # ranked least exposed first
    assert table["rank"].iloc[0] == 1
    assert f"least exposed to CHN: {table.index[0]}" in printed
    assert (table["transit fees $M/yr"][table["transit states"] == 0] == 0).all()
    assert (table["transit fees $M/yr"][table["transit states"] > 0] > 0).all()
    html = (out / "pipelines.html").read_text(encoding="utf-8")
    assert sorted(_answer_ids(html)) == sorted(table.index)


def test_my_routes_against_the_catalog_demo_and_own_file(tmp_path):
    out = tmp_path / "demo"
    printed = _run("my_routes_vs_catalog.py", "--out", str(out), cwd=tmp_path)
    demo = json.loads((out / "my_routes.geojson").read_text(encoding="utf-8"))
    mine = [f["properties"]["id"] for f in demo["features"]]
    ranking = pd.read_csv(out / "ranking.csv", index_col="id")
    n_pipelines = int((georoutes.catalog()["kind"] == "pipeline").sum())
    assert len(ranking) == len(mine) + n_pipelines
    assert sorted(ranking.index[ranking["mine"]]) == sorted(mine)
    within = ranking["exposure.CHN.within_km.100"].to_list()
    assert within == sorted(within)
    for rid in mine:
        assert f"{rid}: rank {ranking.loc[rid, 'rank']} of {len(ranking)}" in printed
    html = (out / "report.html").read_text(encoding="utf-8")
    assert sorted(_answer_ids(html)) == sorted(ranking.index)

    # a file of the user's own, focus on another state
    own = tmp_path / "own.geojson"
    one = dict(demo, features=demo["features"][:1])
    own.write_text(json.dumps(one), encoding="utf-8")
    out2 = tmp_path / "own"
    printed = _run(
        "my_routes_vs_catalog.py", str(own), "--focus", "PRK", "--out", str(out2), cwd=tmp_path
    )
    ranking = pd.read_csv(out2 / "ranking.csv", index_col="id")
    assert list(ranking.index[ranking["mine"]]) == [mine[0]]
    assert "exposure.PRK.within_km.100" in ranking.columns
    assert "of PRK" in printed


def test_batch_of_files_demo_and_glob(tmp_path):
    out = tmp_path / "demo"
    printed = _run("batch_files.py", "--out", str(out), cwd=tmp_path)
    results = pd.read_csv(out / "results.csv", index_col="id")
    skipped = pd.read_csv(out / "skipped.csv")
    features = [
        f
        for path in sorted((out / "tracker").glob("*.geojson"))
        for f in json.loads(path.read_text(encoding="utf-8"))["features"]
    ]
    valid = [f["properties"]["id"] for f in features if f["geometry"] is not None]
    assert sorted(results.index) == sorted(valid)
    assert list(skipped["id"]) == [f["properties"]["id"] for f in features if not f["geometry"]]
    assert f"analysed {len(valid)} route(s), skipped 1" in printed

    folder = tmp_path / "mine"
    folder.mkdir()
    for n in range(3):
        line = {"type": "LineString", "coordinates": [[127.0 + n, 37.0], [127.5 + n, 37.5]]}
        feature = {"type": "Feature", "properties": {"id": f"r{n}"}, "geometry": line}
        data = {"type": "FeatureCollection", "features": [feature]}
        (folder / f"r{n}.geojson").write_text(json.dumps(data), encoding="utf-8")
    out2 = tmp_path / "glob"
    printed = _run(
        "batch_files.py", str(folder / "r[01].geojson"), "--out", str(out2), cwd=tmp_path
    )
    results = pd.read_csv(out2 / "results.csv", index_col="id")
    assert sorted(results.index) == ["r0", "r1"]
    assert "skipped 0" in printed
