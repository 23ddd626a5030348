"""The ``georoutes`` command line: a thin layer over the library that only formats results."""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
import pandas as pd

from ._io import open_atomic as write_atomic
from .analyze import analyze, flatten, to_records
from .errors import GeorouteError

__all__ = ["cli", "main", "write_atomic"]

F = TypeVar("F", bound=Callable[..., Any])


class _Group(click.Group):
    """A click group that turns georoutes errors into one ``error:`` line and exit status 2."""

    def invoke(self, ctx: click.Context) -> Any:
        debug = bool(ctx.params.get("debug")) or os.environ.get("GEOROUTES_DEBUG") == "1"
        try:
            return super().invoke(ctx)
        except (click.UsageError, GeorouteError, OSError, MemoryError) as exc:
            if debug:
                raise
            # Bad options, bad input and unwritable outputs: one ``error:`` line per problem,
            # exit status 2, never a traceback.
            text = exc.format_message() if isinstance(exc, click.UsageError) else str(exc)
            lines = [line.strip() for line in text.splitlines() if line.strip()]
            for line in lines or [type(exc).__name__]:
                click.echo(f"error: {line}", err=True)
            ctx.exit(2)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show full tracebacks on errors.")
@click.version_option(package_name="georoutes")
def cli(debug: bool) -> None:
    """Analyse infrastructure corridors across political geography.

    Geodesic lengths on WGS84, km per state, border crossings, exposure to focus states,
    transit economics, web maps and comparison reports.
    """


def main() -> None:
    """Run the command line (the ``georoutes`` console script)."""
    cli.main(prog_name="georoutes")


def parse_bands(text: str) -> tuple[float, ...]:
    """Return the bands of a ``--bands 10,50,100`` option (km; every item a positive number)."""
    items = [item.strip() for item in str(text).split(",")]
    if not any(items):
        raise GeorouteError("--bands: give at least one distance in km, e.g. --bands 10,50,100")
    out = []
    for item in items:
        if not item:
            raise GeorouteError(f"--bands: {text!r} has an empty item; give distances in km "
                                "separated by single commas, e.g. --bands 10,50,100")
        try:
            value = float(item)
        except ValueError as exc:
            raise GeorouteError(f"--bands: {item!r} is not a number of km "
                                "(give e.g. --bands 10,50,100)") from exc
        if not (value > 0 and value != float("inf")):
            raise GeorouteError(f"--bands: {item!r} must be a positive, finite number of km")
        out.append(value)
    return tuple(out)


def routes_option(f: F) -> F:
    """Add the positional ROUTES argument (files; none = the built-in catalog)."""
    return click.argument("routes", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))(f)


def load_inputs(routes: tuple[Path, ...]) -> Any:
    """Return the routes to analyse: the given files, or the built-in catalog."""
    if routes:
        return list(routes)
    from .catalog import builtin_routes

    return builtin_routes()


def boundaries_arg(value: str | None) -> Any:
    """Return what ``--boundaries`` names (None: the default layer)."""
    return value


def _json_default(value: Any) -> Any:
    if hasattr(value, "item"):
        return value.item()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def analysis_json(analysis: pd.DataFrame, extra: dict[str, Any] | None = None) -> str:
    """Return DESIGN.md's JSON document for an analysis."""
    doc: dict[str, Any] = {
        "boundaries": analysis.attrs["boundaries"],
        **({"sensitivity_layers": analysis.attrs["sensitivity"]}
           if "sensitivity" in analysis.attrs else {}),
        "focus": analysis.attrs["focus"],
        "bands_km": analysis.attrs["bands_km"],
        "routes": to_records(analysis),
    }
    if extra:
        doc.update(extra)
    return json.dumps(doc, indent=2, ensure_ascii=False, default=_json_default) + "\n"


def analysis_csv(analysis: pd.DataFrame) -> str:
    """Return the flat table of an analysis as CSV text."""
    buf = io.StringIO()
    flatten(analysis).to_csv(buf, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
    return buf.getvalue()


def analysis_table(analysis: pd.DataFrame, *, width: int | None = None) -> str:
    """Return the analysis as a rich text table (what a terminal shows)."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(title=f"georoutes — boundaries: {analysis.attrs['boundaries']['name']} "
                        f"{analysis.attrs['boundaries']['version']}", show_lines=False)
    for col, justify in (("id", "left"), ("kind", "left"), ("length km", "right"),
                         ("states", "left"), ("km by state", "left"), ("offshore km", "right"),
                         ("crossings", "right")):
        table.add_column(col, justify=justify)  # type: ignore[arg-type]
    economics = "capex_usd" in analysis.columns
    for code in analysis.attrs["focus"]:
        table.add_column(f"{code} in / within {','.join(map(str, analysis.attrs['bands_km']))} "
                         "km / nearest", justify="right")
    sens = list(analysis.attrs.get("sensitivity", {})) if "sensitivity" in analysis else []
    for key in sens:
        table.add_column(f"± on {key}")
    if economics:
        table.add_column("transit fees USD/yr")
        table.add_column("capex USD", justify="right")
    for rid, row in analysis.iterrows():
        kms = " ".join(f"{c} {v:,.0f}" for c, v in row["km_by_state"].items())
        cells: list[Any] = [Text(str(rid)), Text(str(row["kind"] or "")),
                            f"{row['length_km']:,.1f}",
                            Text("→".join(row["states"])), Text(kms), f"{row['offshore_km']:,.1f}",
                            str(len(row["crossings"]))]
        for code in analysis.attrs["focus"]:
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
    console = Console(file=io.StringIO(), width=width or 200, record=True)
    console.print(table)
    return console.export_text()


def _sensitivity_text(delta: dict[str, Any]) -> str:
    parts = [f"{c} {v:+,.1f}" for c, v in delta["km_by_state"].items() if abs(v) >= 0.05]
    for code, ex in delta["exposure"].items():
        bands = "/".join(f"{v:+,.1f}" for v in ex["within_km"].values())
        parts.append(f"{code} {ex['inside_km']:+,.1f}/{bands}/{ex['min_distance_km']:+,.1f}")
    n_add, n_rem = len(delta["crossings_added"]), len(delta["crossings_removed"])
    if n_add or n_rem:
        parts.append(f"crossings +{n_add}/-{n_rem}")
    return " ".join(parts)


def emit(text: str, out: Path | None) -> None:
    """Write ``text`` to ``out`` atomically, or to stdout."""
    if out is None:
        click.echo(text, nl=False)
        return
    with write_atomic(out) as f:
        f.write(text)
    click.echo(f"wrote {out}", err=True)


@cli.command()
@routes_option
@click.option("--focus", "focus", multiple=True, default=("CHN",), show_default=True,
              help="Focus state code (ISO 3166-1 alpha-3 style); repeat for several.")
@click.option("--bands", default="10,50,100", show_default=True,
              help="Distance bands in km, comma-separated.")
@click.option("--boundaries", default=None,
              help="Boundary layer: a shipped layer name or a file path.")
@click.option("--code-column", default="code", show_default=True,
              help="Code column of a --boundaries file.")
@click.option("--min-piece-km", default=0.5, show_default=True, type=float,
              help="Runs shorter than this between two runs of another same state are slivers.")
@click.option("--sensitivity", multiple=True,
              help="Re-run on another boundary layer (name or path) and report the differences.")
@click.option("--volume-bcm", type=float, default=None,
              help="Gas volume (bcm/yr): adds transit fees and capital cost per route.")
@click.option("--tariff", type=float, default=None,
              help="Transit tariff, USD per 1000 m3 per 100 km (with --volume-bcm; default 2.0).")
@click.option("--rank-by", multiple=True,
              help="Rank by a flat column, e.g. exposure.CHN.within_km.50 or length_km.")
@click.option("--descending", is_flag=True, help="Rank from the largest value.")
@click.option("--group", "group_by", default=None, help="Compare within groups, e.g. kind.")
@click.option("--only", multiple=True, help="Only these route ids (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["json", "csv", "table"]), default="json",
              show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file instead of stdout (never half-written).")
@click.option("--workers", type=click.IntRange(min=0), default=1, show_default=True,
              help="Processes for large route sets (0 = one per CPU; under 500 routes: 1).")
def compare(routes: tuple[Path, ...], focus: tuple[str, ...], bands: str,
            boundaries: str | None, code_column: str, min_piece_km: float,
            sensitivity: tuple[str, ...], volume_bcm: float | None, tariff: float | None,
            rank_by: tuple[str, ...], descending: bool,
            group_by: str | None, only: tuple[str, ...], fmt: str, out: Path | None,
            workers: int) -> None:
    """Compare routes: length, states, km per state, crossings, exposure to focus states.

    With no ROUTES, analyses the built-in catalog of the seed scenario (routes and corridors).
    """
    from .boundaries import load_boundaries
    from .compare import comparison

    if tariff is not None and volume_bcm is None:
        raise GeorouteError("--tariff needs --volume-bcm: fees are volume x tariff x km "
                            "(e.g. --volume-bcm 10 --tariff 2.0)")
    layer = load_boundaries(boundaries, code_column=code_column)
    analysis = analyze(load_inputs(routes), boundaries=layer, focus=focus,
                       bands_km=parse_bands(bands), min_piece_km=min_piece_km,
                       sensitivity=sensitivity, workers=workers)
    nested, flat = comparison(analysis, only=list(only) or None,
                              rank_by=list(rank_by) or None, ascending=not descending,
                              group_by=group_by, volume_bcm_per_year=volume_bcm,
                              tariff_usd_per_tcm_per_100km=2.0 if tariff is None else tariff,
                              kinds=("pipeline",))
    nested.attrs = analysis.attrs
    if fmt == "json":
        emit(analysis_json(nested), out)
    elif fmt == "csv":
        buf = io.StringIO()
        flat.to_csv(buf, lineterminator="\n")
        emit(buf.getvalue(), out)
    else:
        emit(analysis_table(nested), out)


def _register_optional() -> None:
    # Commands that live in their own modules (maps, networks, economics, catalog).
    for module, names in (("._cli_maps", ("map_command", "report_command")),
                          ("._cli_networks", ("sea_route_command", "trace_rail_command")),
                          ("._cli_scenario", ("scenario_command",)),
                          ("._cli_catalog", ("catalog_command",))):
        try:
            mod = __import__(f"georoutes{module}", fromlist=list(names))
        except ImportError:
            continue
        for name in names:
            cmd = getattr(mod, name, None)
            if isinstance(cmd, click.Command):
                cli.add_command(cmd)


_register_optional()

if __name__ == "__main__":  # pragma: no cover
    main()
