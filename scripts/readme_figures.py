"""Regenerate README.md's figure tables from the tool itself (never typed by hand).

Usage: python scripts/readme_figures.py          # rewrite the blocks in README.md
       python scripts/readme_figures.py --check  # exit 1 if README.md is out of date

Each block lies between ``<!-- figures:NAME -->`` and ``<!-- /figures:NAME -->``; its text is
made from ``georoutes scenario seed`` (the same CSV files a user gets). tests/test_readme.py
fails when README.md and the tool disagree.
"""

from __future__ import annotations

import csv
import re
import sys
import tempfile
from pathlib import Path

from click.testing import CliRunner

from georoutes.cli import cli

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
PIPELINE = "pipeline-rus-prk-kor-2011"


def _scenario_tables() -> dict[str, list[dict[str, str]]]:
    with tempfile.TemporaryDirectory() as tmp:
        result = CliRunner().invoke(cli, ["scenario", "seed", "--out", tmp, "--quiet"])
        if result.exit_code != 0:
            raise SystemExit(f"georoutes scenario seed failed: {result.output}")
        tables = {}
        for path in Path(tmp).glob("scenario-*.csv"):
            with path.open(encoding="utf-8", newline="") as f:
                tables[path.stem.removeprefix("scenario-")] = list(csv.DictReader(f))
    return tables


def _money(usd: str) -> str:
    return f"${float(usd) / 1e6:,.1f}M"


def seed_fees_block(tables: dict[str, list[dict[str, str]]]) -> str:
    """Return the Markdown of the seed's money question (the calibration table)."""
    cases = {row["case"]: row for row in tables["calibration"]}
    pipe = next(r for r in tables["pipelines"] if r["id"] == PIPELINE)
    model, seed, kogas, calibrated = (
        cases[k] for k in ("model", "seed-2011", "kogas-2018", "calibrated")
    )
    km = float(model["km_in_state"])
    fee_row = next(r for r in tables["transit-fees"] if r["id"] == PIPELINE)
    basis = (
        "track km, by the route's published km posts"
        if fee_row.get("km_basis") == "track"
        else "km of the drawn line"
    )
    high = (
        f" (up to {_money(kogas['fee_usd_per_year_high'])})"
        if kogas.get("fee_usd_per_year_high")
        else ""
    )
    lines = [
        f"For `{PIPELINE}` ({float(pipe['length_km']):,.1f} km drawn; fees on {km:,.1f} km in "
        f"the DPRK (its land and territorial sea) on the default layer, in {basis}) at "
        f"{float(model['volume_bcm_per_year']):g} bcm/yr:",
        "",
        "| case | tariff (USD per 1000 m³ per 100 km) | DPRK fee per year |",
        "|---|---|---|",
        f"| model at the default tariff | {float(model['tariff_usd_per_tcm_per_100km']):.2f} | "
        f"{_money(model['fee_usd_per_year'])} |",
        f"| the seed (2011), {float(seed['km_in_state']):,.0f} km in the DPRK as reported | "
        f"{float(seed['tariff_usd_per_tcm_per_100km']):.2f} implied | "
        f"~{_money(seed['fee_usd_per_year'])} |",
        f"| KOGAS estimate (2018) | {float(kogas['tariff_usd_per_tcm_per_100km']):.2f} | "
        f"≈ {_money(kogas['fee_usd_per_year'])}{high} |",
        f"| tariff that reproduces the seed's {_money(seed['fee_usd_per_year'])} on the "
        f"modelled route | {float(calibrated['tariff_usd_per_tcm_per_100km']):.3f} | "
        f"{_money(calibrated['fee_usd_per_year'])} |",
    ]
    return "\n".join(lines)


BLOCKS = {"seed-fees": seed_fees_block}


def render(text: str, tables: dict[str, list[dict[str, str]]] | None = None) -> str:
    """Return ``text`` (README.md) with every figures block regenerated."""
    tables = tables if tables is not None else _scenario_tables()
    for name, make in BLOCKS.items():
        pattern = re.compile(rf"(<!-- figures:{name} -->\n).*?(<!-- /figures:{name} -->)", re.S)
        if not pattern.search(text):
            raise SystemExit(f"README.md has no block <!-- figures:{name} -->")
        body = make(tables) + "\n"
        text = pattern.sub(lambda m, body=body: m.group(1) + body + m.group(2), text)
    return text


def main(argv: list[str]) -> int:
    """Rewrite README.md, or with ``--check`` report whether it is up to date."""
    old = README.read_text(encoding="utf-8")
    new = render(old)
    if "--check" in argv:
        if new != old:
            print("README.md figures are out of date: run python scripts/readme_figures.py")
            return 1
        return 0
    README.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
