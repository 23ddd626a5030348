"""The ``georoutes`` command line: a thin layer over the library that only formats results.

One click group, :data:`cli`, holds every command (registered below, by name) and the one
error handler: a :class:`~georoutes.errors.GeorouteError`, a bad option or an unwritable output
prints one ``error: ...`` line per problem on stderr and exits with status 2, never a traceback
(``--debug``, accepted before or after the command name, or ``GEOROUTES_DEBUG=1``, shows it).

========================  =============================================================
``georoutes compare``     :mod:`georoutes.cli.compare`
``georoutes batch``       :mod:`georoutes.cli.batch` (many routes on a Dask cluster)
``georoutes pieces``      :mod:`georoutes.cli.pieces` (also ``crossings``)
``georoutes map``         :mod:`georoutes.cli.maps` (also ``report``)
``georoutes catalog``     :mod:`georoutes.cli.catalog`
``georoutes sea-route``   :mod:`georoutes.cli.networks` (also ``trace-rail``)
``georoutes scenario``    :mod:`georoutes.cli.scenario`
========================  =============================================================

The shared options and their defaults are in :mod:`georoutes.cli._options`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import click

from .._io import open_atomic as write_atomic
from ..errors import GeorouteError
from . import batch, catalog, compare, maps, networks, pieces, scenario

__all__ = ["cli", "main", "standalone", "write_atomic"]

_DEBUG = "georoutes.debug"


def _set_debug(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value:
        ctx.meta[_DEBUG] = True  # meta is shared by the group's and the command's contexts


def _debug_option() -> click.Option:
    return click.Option(
        ["--debug"],
        is_flag=True,
        expose_value=False,
        is_eager=True,
        callback=_set_debug,
        help="Show full tracebacks on errors.",
    )


def _error_lines(exc: BaseException) -> list[str]:
    text = exc.format_message() if isinstance(exc, click.UsageError) else str(exc)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines or [type(exc).__name__]


def _invoke_reporting_errors(ctx: click.Context, invoke: Callable[[click.Context], Any]) -> Any:
    """Run ``invoke(ctx)``; the one error handler of the command line."""
    try:
        return invoke(ctx)
    except (click.UsageError, GeorouteError, OSError, MemoryError) as exc:
        if ctx.meta.get(_DEBUG) or os.environ.get("GEOROUTES_DEBUG") == "1":
            raise
        # Bad options, bad input and unwritable outputs: one ``error:`` line per problem,
        # exit status 2, never a traceback.
        for line in _error_lines(exc):
            click.echo(f"error: {line}", err=True)
        ctx.exit(2)


class _Group(click.Group):
    """The georoutes group: ``--debug`` on every command, and the one error handler."""

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        if not any(p.name == "debug" for p in cmd.params):
            cmd.params.append(_debug_option())
        super().add_command(cmd, name)

    def invoke(self, ctx: click.Context) -> Any:
        return _invoke_reporting_errors(ctx, super().invoke)


class _Standalone(click.Command):
    """A command run on its own (not through :data:`cli`), with the same error handling."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        parse = super().parse_args
        result: list[str] = _invoke_reporting_errors(ctx, lambda c: parse(c, args))
        return result

    def invoke(self, ctx: click.Context) -> Any:
        return _invoke_reporting_errors(ctx, super().invoke)


def standalone(command: click.Command) -> click.Command:
    """Return ``command`` runnable on its own with the group's error handling (old imports)."""
    return _Standalone(
        command.name,
        params=list(command.params),
        callback=command.callback,
        help=command.help,
        context_settings=command.context_settings,
    )


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--debug",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_set_debug,
    help="Show full tracebacks on errors (also accepted after the command).",
)
@click.version_option(package_name="georoutes")
def cli() -> None:
    """Analyse infrastructure corridors across political geography.

    Geodesic lengths on WGS84, km per state, border crossings, exposure to focus states,
    transit economics, web maps and comparison reports.
    """


for _command in (
    compare.compare_command,
    batch.batch_command,
    pieces.pieces_command,
    pieces.crossings_command,
    maps.map_command,
    maps.report_command,
    catalog.catalog_command,
    networks.sea_route_command,
    networks.trace_rail_command,
    scenario.scenario_command,
):
    cli.add_command(_command)


def main() -> None:
    """Run the command line (the ``georoutes`` console script)."""
    cli.main(prog_name="georoutes")
