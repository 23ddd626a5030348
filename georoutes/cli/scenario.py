"""``georoutes scenario``: print and write the seed scenario's comparison tables.

The command only formats what :func:`georoutes.scenario.seed_scenario` returns.
"""

from __future__ import annotations

from pathlib import Path

import click
import pandas as pd
from rich.table import Table
from rich.text import Text

from ..scenario import (
    SEED_VOLUME_BCM_PER_YEAR,
    cell_text,
    column_label,
    seed_analysis,
    seed_scenario,
    write_scenario,
)
from ._options import economics_options, tariff_for
from ._output import render, status

__all__ = ["scenario_command"]


def _rich_table(name: str, table: pd.DataFrame) -> Table:
    # The terminal shows the figures; names and source URLs are in the Markdown and CSV files.
    table = table.drop(columns=[c for c in ("name", "source") if c in table.columns])
    out = Table(title=table.attrs.get("title", name), title_justify="left", show_lines=False)
    label, cell = column_label, cell_text
    out.add_column("id", overflow="fold")
    for column in table.columns:
        numeric = pd.api.types.is_numeric_dtype(table[column])
        out.add_column(label(str(column)), justify="right" if numeric else "left")
    for route_id, row in table.iterrows():
        out.add_row(str(route_id), *(cell(str(c), row[c]) for c in table.columns))
    return out


def _printed(tables: dict[str, pd.DataFrame]) -> str:
    items: list[Table | Text | str] = []
    for table_name, table in tables.items():
        if table.attrs.get("question"):
            items.append(Text(str(table.attrs["question"]), style="bold"))
        for answer in table.attrs.get("answers", []):
            items.append(Text(f"  • {answer}"))
        if table.attrs.get("note"):
            items.append(Text(f"  note: {table.attrs['note']}"))
        if len(table):
            items.append(_rich_table(table_name, table))
        items.append("")
    return render(*items)


@click.command("scenario")
@click.argument("name", type=click.Choice(["seed"]), metavar="NAME")
@economics_options
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),  # checked by write_scenario
    default=Path("maps"),
    show_default=True,
    help="Folder for scenario.md and the scenario-*.csv files (created if missing).",
)
@click.option("--quiet", is_flag=True, help="Write the files without printing the tables.")
def scenario_command(
    name: str, volume_bcm: float | None, tariff: float | None, out_dir: Path, quiet: bool
) -> None:
    """Answer a scenario's questions: print its tables and write them as Markdown and CSV.

    NAME is the scenario; "seed" is the 2011 Russia–DPRK summit scenario: the pipeline options
    (km in / near China, transit states, fees, capital cost, the calibration against the
    published fee estimates) and the Busan → Europe corridors (km in Russia, China, other
    states, at sea). Without --volume-bcm, the seed's 10 bcm/yr.
    """
    volume = SEED_VOLUME_BCM_PER_YEAR if volume_bcm is None else volume_bcm
    with status("analysing the seed scenario"):
        tables = seed_scenario(
            seed_analysis(),
            volume_bcm_per_year=volume,
            tariff_usd_per_tcm_per_100km=tariff_for(volume, tariff),
        )
    written = write_scenario(out_dir, tables)
    if not quiet:
        click.echo(_printed(tables), nl=False)
    click.echo(f"wrote {len(written)} files: " + ", ".join(str(p) for p in written))
