"""``georoutes compare``: the comparison of routes as JSON (design.md's contract), CSV, table."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
import pandas as pd
from rich.table import Table
from rich.text import Text

from ..analyze import analyze, to_records
from ..boundaries import load_boundaries
from ..compare import comparison, distinct
from ._options import (
    analysis_options,
    load_routes,
    out_option,
    scheduler_kwargs,
    tariff_for,
    waters_kwargs,
)
from ._output import emit, render, status, terminal_width

__all__ = ["analysis_json", "analysis_table", "compare_command"]


def _json_default(value: Any) -> Any:
    if hasattr(value, "item"):
        return value.item()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def analysis_json(analysis: pd.DataFrame, extra: dict[str, Any] | None = None) -> str:
    """Return design.md's JSON document for an analysis."""
    doc: dict[str, Any] = {
        "boundaries": analysis.attrs["boundaries"],
        **(
            {"sensitivity_layers": analysis.attrs["sensitivity"]}
            if "sensitivity" in analysis.attrs
            else {}
        ),
        "focus": analysis.attrs["focus"],
        "bands_km": analysis.attrs["bands_km"],
        "waters": analysis.attrs.get("waters", "land"),
        **(
            {"waters_layers": analysis.attrs["waters_layers"]}
            if "waters_layers" in analysis.attrs
            else {}
        ),
        "routes": to_records(analysis),
    }
    if extra:
        doc.update(extra)
    return json.dumps(doc, indent=2, ensure_ascii=False, default=_json_default) + "\n"


def _sensitivity_text(delta: dict[str, Any]) -> str:
    parts = [f"{c} {v:+,.1f}" for c, v in delta["km_by_state"].items() if abs(v) >= 0.05]
    for code, ex in delta["exposure"].items():
        bands = "/".join(f"{v:+,.1f}" for v in ex["within_km"].values())
        parts.append(f"{code} {ex['inside_km']:+,.1f}/{bands}/{ex['min_distance_km']:+,.1f}")
    n_add, n_rem = len(delta["crossings_added"]), len(delta["crossings_removed"])
    if n_add or n_rem:
        parts.append(f"crossings +{n_add}/-{n_rem}")
    return " ".join(parts)


def _chain(states: list[str], most: int = 8) -> str:
    """Return the states in order, long chains (a sea lane's) shortened to their ends."""
    if len(states) <= most:
        return "→".join(states)
    return "→".join(states[:4]) + "→…→" + "→".join(states[-2:]) + f" ({len(states)})"


def _km_text(km_by_state: dict[str, float], most: int = 6) -> str:
    """Return the km per state, the largest first when there are many."""
    items = list(km_by_state.items())
    if len(items) > most:
        items = sorted(items, key=lambda kv: -kv[1])
        rest = len(items) - most
        return " ".join(f"{c} {v:,.0f}" for c, v in items[:most]) + f" +{rest} more"
    return " ".join(f"{c} {v:,.0f}" for c, v in items)


def analysis_table(analysis: pd.DataFrame) -> Table:
    """Return the analysis as a rich table (what a terminal shows)."""
    attrs = analysis.attrs
    table = Table(
        title=f"georoutes — boundaries: {attrs['boundaries']['name']} "
        f"{attrs['boundaries']['version']}",
        show_lines=False,
    )
    # A narrow terminal drops the km-by-state column rather than squeeze every column to
    # nothing (the figures are in --format csv/json).
    wide = terminal_width() >= 120
    columns = [
        ("id", "left"),
        ("kind", "left"),
        ("length km", "right"),
        ("states", "left"),
        *([("km by state", "left")] if wide else []),
        ("offshore km", "right"),
        ("crossings", "right"),
    ]
    for col, justify in columns:
        # ids stay whole however narrow the terminal: they are what a reader looks rows up by
        table.add_column(
            col,
            justify=justify,  # type: ignore[arg-type]
            no_wrap=col in ("id", "length km", "offshore km"),
            min_width=min(len(col), 9),
        )
    economics = "capex_usd" in analysis.columns
    for code in attrs["focus"]:
        table.add_column(
            f"{code} in / within {','.join(map(str, attrs['bands_km']))} km / nearest",
            justify="right",
        )
    sens = list(attrs.get("sensitivity", {})) if "sensitivity" in analysis else []
    for key in sens:
        table.add_column(f"± on {key}")
    if economics:
        table.add_column("transit fees USD/yr")
        table.add_column("capex USD", justify="right")
    for rid, row in analysis.iterrows():
        cells: list[Any] = [
            Text(str(rid)),
            Text(str(row["kind"] or "")),
            f"{row['length_km']:,.1f}",
            Text(_chain(list(row["states"]))),
            *([Text(_km_text(row["km_by_state"]))] if wide else []),
            f"{row['offshore_km']:,.1f}",
            str(len(row["crossings"])),
        ]
        for code in attrs["focus"]:
            ex = row["exposure"][code]
            bands = "/".join(f"{v:,.0f}" for v in ex["within_km"].values())
            cells.append(f"{ex['inside_km']:,.0f} / {bands} / {ex['min_distance_km']:,.1f}")
        for key in sens:
            cells.append(Text(_sensitivity_text(row["sensitivity"][key])))
        if economics:
            fees = row.get("transit_fees_usd_per_year") or {}
            cells.append(Text(" ".join(f"{c} {v / 1e6:,.1f}M" for c, v in fees.items())))
            capex = row.get("capex_usd")
            cells.append("" if capex is None or capex != capex else f"{capex / 1e9:,.2f}bn")
        table.add_row(*cells)
    return table


@click.command("compare")
@analysis_options
@click.option(
    "--sensitivity",
    multiple=True,
    help="Re-run on another boundary layer (name or path) and report the differences.",
)
@click.option(
    "--rank-by",
    multiple=True,
    help="Rank by a flat column, e.g. exposure.CHN.within_km.50 or length_km.",
)
@click.option("--descending", is_flag=True, help="Rank from the largest value.")
@click.option("--group", "group_by", default=None, help="Compare within groups, e.g. kind.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "csv", "table"]),
    default="json",
    show_default=True,
)
@out_option()
def compare_command(
    routes: tuple[Path, ...],
    only: tuple[str, ...],
    focus: tuple[str, ...],
    bands_km: tuple[float, ...],
    boundaries: str | None,
    code_column: str,
    min_piece_km: float,
    workers: int,
    volume_bcm: float | None,
    tariff: float | None,
    sensitivity: tuple[str, ...],
    rank_by: tuple[str, ...],
    descending: bool,
    group_by: str | None,
    fmt: str,
    out: Path | None,
) -> None:
    """Compare routes: length, states, km per state, crossings, exposure to focus states.

    With no ROUTES, analyses the built-in catalog of the seed scenario (routes and corridors).
    """
    tariff_value = tariff_for(volume_bcm, tariff)
    layer = load_boundaries(boundaries, code_column=code_column)
    frame = load_routes(routes)
    with status(f"analysing {len(frame):,} route(s)"):
        analysis = analyze(
            frame,
            boundaries=layer,
            focus=focus,
            bands_km=bands_km,
            min_piece_km=min_piece_km,
            sensitivity=sensitivity,
            workers=workers,
            **waters_kwargs(),
            **scheduler_kwargs(),
        )
    nested, flat = comparison(
        analysis,
        only=list(only) or None,
        rank_by=list(rank_by) or None,
        ascending=not descending,
        group_by=group_by,
        volume_bcm_per_year=volume_bcm,
        tariff_usd_per_tcm_per_100km=tariff_value,
        kinds=("pipeline",),
    )
    nested.attrs = analysis.attrs
    if fmt == "json":  # the contract: one entry per input route
        emit(analysis_json(nested), out)
        return
    # Tables show each physical line once (a corridor made of one whole route is that route).
    kept, aliases = distinct(nested, frame)
    flat = flat.loc[[i for i in flat.index if i in kept.index]]
    for first, same in aliases.items():
        click.echo(f"note: {', '.join(same)}: the same line as {first}, shown once", err=True)
    if fmt == "csv":
        emit(flat.to_csv(lineterminator="\n"), out)
    else:
        emit(render(analysis_table(kept)), out)
