"""The ``georoutes scenario`` command: print and write the seed scenario's comparison tables.

The lead registers :data:`scenario_command` on the ``georoutes`` group. The command only
formats what :func:`georoutes.compare.seed_scenario` returns.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from georoutes import compare
from georoutes.compare import _cell, _label
from georoutes.errors import GeorouteError

__all__ = ["scenario_command"]


def _fail(message: str) -> None:
    click.echo(f"error: {' '.join(str(message).split())}", err=True)
    sys.exit(2)


def _rich_table(name: str, table: object) -> Table:
    import pandas as pd

    assert isinstance(table, pd.DataFrame)
    # The terminal shows the figures; names and source URLs are in the Markdown and CSV files.
    table = table.drop(columns=[c for c in ("name", "source") if c in table.columns])
    out = Table(title=table.attrs.get("title", name), title_justify="left", show_lines=False)
    out.add_column("id", overflow="fold")
    for column in table.columns:
        numeric = pd.api.types.is_numeric_dtype(table[column])
        out.add_column(_label(str(column)), justify="right" if numeric else "left")
    for route_id, row in table.iterrows():
        out.add_row(str(route_id), *(_cell(str(c), row[c]) for c in table.columns))
    return out


@click.command("scenario")
@click.argument("name", type=click.Choice(["seed"]), metavar="NAME")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),  # checked by write_scenario: one-line errors
    default=Path("maps"),
    show_default=True,
    help="Folder for scenario.md and the scenario-*.csv files (created if missing).",
)
@click.option(
    "--volume-bcm",
    "volume_bcm_per_year",
    type=float,
    default=10.0,
    show_default=True,
    help="Gas volume, bcm per year (the seed's 10 bcm/yr).",
)
@click.option(
    "--tariff",
    "tariff_usd_per_tcm_per_100km",
    type=float,
    default=compare.economics.DEFAULT_TARIFF_USD_PER_TCM_PER_100KM,
    show_default=True,
    help="Transit tariff, USD per 1,000 m³ per 100 km (KOGAS's 2018 basis).",
)
@click.option("--quiet", is_flag=True, help="Write the files without printing the tables.")
@click.option("--debug", is_flag=True, help="Show the traceback of an error.")
def scenario_command(
    name: str,
    out_dir: Path,
    volume_bcm_per_year: float,
    tariff_usd_per_tcm_per_100km: float,
    quiet: bool,
    debug: bool,
) -> None:
    """Answer a scenario's questions: print its tables and write them as Markdown and CSV.

    NAME is the scenario; "seed" is the 2011 Russia–DPRK summit scenario: the pipeline options
    (km in / near China, transit states, fees, capital cost, the calibration against the
    published fee estimates) and the Busan → Europe corridors (km in Russia, China, other
    states, at sea).
    """
    try:
        for label, value in (
            ("--volume-bcm", volume_bcm_per_year),
            ("--tariff", tariff_usd_per_tcm_per_100km),
        ):
            if not math.isfinite(value) or value < 0:
                raise GeorouteError(f"{label} must be a finite number >= 0, got {value!r}")
        tables = compare.seed_scenario(
            compare.seed_analysis(),
            volume_bcm_per_year=volume_bcm_per_year,
            tariff_usd_per_tcm_per_100km=tariff_usd_per_tcm_per_100km,
        )
        written = compare.write_scenario(out_dir, tables)
    except (GeorouteError, OSError) as exc:
        if debug:
            raise
        _fail(str(exc))
        return
    if not quiet:
        console = Console()
        for table_name, table in tables.items():
            if table.attrs.get("question"):
                console.print(f"[bold]{table.attrs['question']}[/bold]")
            for answer in table.attrs.get("answers", []):
                console.print(f"  • {answer}", highlight=False)
            if table.attrs.get("note"):
                console.print(f"  [yellow]note:[/yellow] {table.attrs['note']}", highlight=False)
            if len(table):
                console.print(_rich_table(table_name, table))
            console.print()
    click.echo(f"wrote {len(written)} files: " + ", ".join(str(p) for p in written))
