"""Outputs captured before the package was reorganised (scripts/capture_golden.py) must come
out the same: every figure to 1e-9 relative, every text and list exactly. New fields may be
added; none of the captured ones may change or go missing.

One deliberate change since the capture (issue 12): a change of state across a gap between two
parts is no crossing. The three Busan -> Europe rail corridors cross from the DPRK into China
between two legs (the Sinuiju-Dandong transfer), so their PRK -> CHN crossing was removed from
compare.json; the gap now records it (``gaps[].from_state`` / ``to_state``). And one since
(issue 14): fees and capital cost use track km for routes calibrated by published km posts, so
the scenario CSVs were captured again after that change (the drawn figures are unchanged).

Since issue 13 the default model of territory includes the territorial sea; the captured
figures are land-only, so they are compared with ``--waters land``, which must reproduce them.
One deliberate change there: a change of state across at most 3 km of no state's land (a river
the land polygons leave out: the Tumen) is a land crossing, no longer ``via: "sea"``; those
crossings were edited in the captured files. The scenario CSVs (the default model) were
captured again.
"""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import pytest
from click.testing import CliRunner

from georoutes.cli import cli

GOLDEN = Path(__file__).parent / "golden"
DATA = Path(__file__).parent / "data"


def _same(got, want, where: str = "") -> None:
    if isinstance(want, dict):
        assert isinstance(got, dict), where
        for key, value in want.items():
            assert key in got, f"{where}.{key} missing"
            _same(got[key], value, f"{where}.{key}")
    elif isinstance(want, list):
        assert isinstance(got, list), where
        assert len(got) == len(want), where
        for i, (g, w) in enumerate(zip(got, want, strict=True)):
            _same(g, w, f"{where}[{i}]")
    elif isinstance(want, float) and not isinstance(want, bool):
        assert isinstance(got, (int, float)), where
        assert math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-9), f"{where}: {got} != {want}"
    else:
        assert got == want, f"{where}: {got!r} != {want!r}"


def _run(args: list[str]) -> str:
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    return result.stdout


def _by_id(routes: list[dict]) -> dict[str, dict]:
    return {r["id"]: r for r in routes}


def test_compare_json_is_unchanged():
    want = json.loads((GOLDEN / "compare.json").read_text(encoding="utf-8"))
    got = json.loads(
        _run(
            [
                "compare",
                "--focus",
                "CHN",
                "--focus",
                "PRK",
                "--bands",
                "10,50,100",
                "--waters",
                "land",
                "--format",
                "json",
            ]
        )
    )
    _same(got["focus"], want["focus"])
    _same(got["bands_km"], want["bands_km"])
    got_routes = _by_id(got["routes"])
    for rid, route in _by_id(want["routes"]).items():
        assert rid in got_routes, f"route {rid} missing"
        _same(got_routes[rid], route, rid)


def test_a_state_change_across_a_leg_gap_is_recorded_on_the_gap():
    got = json.loads(
        _run(["compare", "--only", "corridor-busan-europe-china", "--format", "json"])
    )["routes"][0]
    assert ("PRK", "CHN") not in {(x["from"], x["to"]) for x in got["crossings"]}
    assert ("PRK", "CHN") in {(g["from_state"], g["to_state"]) for g in got["gaps"]}
    assert got["states"][:3] == ["KOR", "PRK", "CHN"]


def test_catalog_json_is_unchanged():
    want = json.loads((GOLDEN / "catalog.json").read_text(encoding="utf-8"))
    got = json.loads(_run(["catalog", "--waters", "land", "--format", "json"]))
    _same(got, want, "catalog")


def test_fixture_analyses_are_unchanged():
    want = json.loads((GOLDEN / "fixtures.json").read_text(encoding="utf-8"))
    for name, routes in want.items():
        args = ["compare", str(DATA / name), "--focus", "CHN", "--waters", "land"]
        got = json.loads(_run([*args, "--format", "json"]))["routes"]
        _same(_by_id(got), _by_id(routes), name)


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _cell(text: str):
    try:
        return float(text)
    except ValueError:
        return text


@pytest.mark.parametrize("name", sorted(p.name for p in (GOLDEN / "scenario").glob("*.csv")))
def test_scenario_tables_are_unchanged(tmp_path_factory, name):
    out = tmp_path_factory.getbasetemp() / "golden-scenario"
    if not (out / name).exists():
        out.mkdir(exist_ok=True)
        _run(["scenario", "seed", "--out", str(out), "--quiet"])
    want = _csv_rows(GOLDEN / "scenario" / name)
    got = _csv_rows(out / name)
    assert len(got) == len(want)
    for i, (g, w) in enumerate(zip(got, want, strict=True)):
        _same(
            {k: _cell(v) for k, v in g.items()}, {k: _cell(v) for k, v in w.items()}, f"{name}[{i}]"
        )
