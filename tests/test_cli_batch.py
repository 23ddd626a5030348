"""End-to-end runs of `georoutes batch` and `--scheduler` on a local Dask cluster."""

from __future__ import annotations

import json
import math
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from click.testing import CliRunner

import georoutes
from georoutes.cli import cli

pytest.importorskip("dask_geopandas")
pytestmark = pytest.mark.slow  # each module run starts a 2-worker cluster (~5 s)

DATA = Path(__file__).parent / "data"
ROUTES = DATA / "engine_routes.geojson"
CLUSTER = ["--scheduler", "processes", "--workers", "2"]


@pytest.fixture(scope="module", autouse=True)
def _close_the_cluster():
    yield
    from georoutes.partitions import close_clients

    close_clients()


def _run(*args: str):
    return CliRunner().invoke(cli, list(args))


def _figures_equal(flat: pd.DataFrame, want: pd.DataFrame) -> None:
    assert flat.index.tolist() == want.index.tolist()
    for column in want.columns:
        for rid, x, y in zip(want.index, want[column], flat[column], strict=True):
            if isinstance(x, float) and math.isnan(x):
                assert y is None or math.isnan(y), (rid, column)
            elif isinstance(x, float):
                assert math.isclose(x, y, rel_tol=1e-11, abs_tol=1e-9), (rid, column, x, y)
            else:
                assert x == y, (rid, column, x, y)


def _expected(routes: gpd.GeoDataFrame | Path, **kwargs) -> pd.DataFrame:
    flat = georoutes.flatten(georoutes.analyze(routes, **kwargs))
    return flat[[c for c in flat.columns if c not in ("sources",)]]


def test_batch_writes_the_flat_analysis_of_every_route(tmp_path):
    out = tmp_path / "analysis"
    result = _run("batch", str(ROUTES), "--focus", "PRK", "--out", str(out), *CLUSTER)
    assert result.exit_code == 0, result.output
    assert "route(s) in 1 partition(s) on 2 worker(s)" in result.stderr
    flat = pd.read_parquet(out)
    want = _expected(ROUTES, focus=["PRK"])
    _figures_equal(flat[[c for c in want.columns if c in flat]], want)
    assert set(want.columns) <= set(flat.columns)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no partial left


def test_batch_reads_geoparquet_in_partitions(tmp_path):
    routes = georoutes.read_routes(ROUTES)[["id", "name", "kind", "geometry"]]
    folder = tmp_path / "routes"
    folder.mkdir()
    half = len(routes) // 2
    routes.iloc[:half].to_parquet(folder / "a.parquet")
    routes.iloc[half:].to_parquet(folder / "b.parquet")
    out = tmp_path / "analysis"
    result = _run("batch", str(folder), "--out", str(out), "--waters", "eez", *CLUSTER)
    assert result.exit_code == 0, result.output
    assert "in 2 partition(s)" in result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["part.0.parquet", "part.1.parquet"]
    want = _expected(routes, waters="eez")
    flat = pd.read_parquet(out)
    _figures_equal(flat[[c for c in want.columns if c in flat]], want)


def test_batch_never_overwrites_and_never_half_writes(tmp_path):
    out = tmp_path / "analysis"
    out.mkdir()
    result = _run("batch", str(ROUTES), "--out", str(out), *CLUSTER)
    assert result.exit_code == 2
    assert "already exists" in result.stderr
    # A partition that fails (a route out of range, found by the worker that reads it).
    folder = tmp_path / "bad"
    folder.mkdir()
    good = gpd.GeoDataFrame(
        {"id": ["ok"]}, geometry=[shapely.LineString([(120, 40), (125, 41)])], crs=4326
    )
    bad = gpd.GeoDataFrame(
        {"id": ["swapped"]}, geometry=[shapely.LineString([(40, 120), (41, 125)])], crs=4326
    )
    good.to_parquet(folder / "a.parquet")
    bad.to_parquet(folder / "b.parquet")
    target = tmp_path / "never"
    result = _run("batch", str(folder), "--out", str(target), *CLUSTER)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert "swapped" in result.stderr
    assert not target.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def _close(a, b, where=""):
    """Assert two JSON documents equal, numbers to 1e-11 relative or 1e-9 (km)."""
    if isinstance(a, dict):
        assert list(a) == list(b), where
        for k in a:
            _close(a[k], b[k], f"{where}.{k}")
    elif isinstance(a, list):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _close(x, y, f"{where}[{i}]")
    elif isinstance(a, float) and isinstance(b, (int, float)):
        assert math.isclose(a, b, rel_tol=1e-11, abs_tol=1e-9), (where, a, b)
    else:
        assert a == b, (where, a, b)


def test_compare_on_a_scheduler_prints_the_same_json():
    args = ["compare", "--focus", "CHN", "--format", "json", str(ROUTES)]
    here = _run(*args)
    there = _run(*args, *CLUSTER)
    assert here.exit_code == there.exit_code == 0, there.output
    _close(json.loads(there.stdout), json.loads(here.stdout))


@pytest.mark.parametrize("value", ["threads", "127.0.0.1:8786"])
def test_a_bad_scheduler_is_a_usage_error(value):
    result = _run("compare", str(ROUTES), "--scheduler", value)
    assert result.exit_code == 2
    assert "neither 'processes'" in result.stderr
    assert "Traceback" not in result.output
