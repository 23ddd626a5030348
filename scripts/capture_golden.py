"""Write the golden outputs the redesign must reproduce (tests/golden/).

Usage: python scripts/capture_golden.py

Captures `georoutes compare --format json` (catalog, CHN and PRK, bands 10/50/100, land-only territory),
`georoutes catalog --format json`, the `scenario seed` CSVs and the analysis of the test
fixtures (tests/data/*.geojson). tests/test_golden.py compares today's outputs with them
(floats to 1e-9 relative).
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from click.testing import CliRunner

from georoutes.cli import cli

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "tests" / "golden"


def _run(args: list[str]) -> str:
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    if result.exit_code != 0:
        raise SystemExit(f"georoutes {' '.join(args)} failed: {result.output}")
    return result.stdout


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    compare = _run(
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
    (OUT / "compare.json").write_text(compare, encoding="utf-8")
    (OUT / "catalog.json").write_text(
        _run(["catalog", "--waters", "land", "--format", "json"]), encoding="utf-8"
    )
    with tempfile.TemporaryDirectory() as tmp:
        _run(["scenario", "seed", "--out", tmp, "--quiet"])
        target = OUT / "scenario"
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir()
        for csv in sorted(Path(tmp).glob("*.csv")):
            shutil.copy(csv, target / csv.name)
    fixtures = sorted(str(p) for p in (ROOT / "tests" / "data").glob("*.geojson"))
    docs = {}
    for path in fixtures:
        text = _run(["compare", path, "--focus", "CHN", "--waters", "land", "--format", "json"])
        docs[Path(path).name] = json.loads(text)["routes"]
    (OUT / "fixtures.json").write_text(
        json.dumps(docs, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    print(f"wrote {OUT}: {sorted(p.name for p in OUT.iterdir())}")


if __name__ == "__main__":
    main()
