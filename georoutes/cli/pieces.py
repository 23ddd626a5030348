"""``georoutes pieces`` and ``georoutes crossings``: pieces by state and border crossings.

Written as GeoJSON, GeoPackage, GeoParquet or CSV: what :func:`georoutes.transits` and
:func:`georoutes.crossings` return.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from ..boundaries import load_boundaries
from ..transit import crossings, transits
from ._options import (
    boundaries_options,
    load_routes,
    min_piece_option,
    only_option,
    out_option,
    routes_argument,
    waters_kwargs,
)
from ._output import FRAME_FORMATS, frame_format, status, write_frame

__all__ = ["crossings_command", "pieces_command"]

F = TypeVar("F", bound=Callable[..., Any])

_OUT_HELP = (
    "Write to this file (never half-written); its suffix gives the format: "
    ".geojson, .gpkg, .parquet, .csv. Without it, GeoJSON or CSV go to stdout."
)


def _table_options(f: F) -> F:
    for option in reversed(
        [
            routes_argument,
            only_option,
            boundaries_options,
            min_piece_option,
            click.option(
                "--format",
                "fmt",
                type=click.Choice(list(FRAME_FORMATS)),
                default=None,
                help="Output format (default: from --out's suffix, else geojson). CSV "
                "carries the geometry as WKT.",
            ),
            out_option(_OUT_HELP),
        ]
    ):
        f = option(f)
    return f


@click.command("pieces")
@_table_options
def pieces_command(
    routes: tuple[Path, ...],
    only: tuple[str, ...],
    boundaries: str | None,
    code_column: str,
    min_piece_km: float,
    fmt: str | None,
    out: Path | None,
) -> None:
    """Write each route's pieces inside one state (or offshore), one line feature per piece.

    Columns: route_id, seq, state, zone, from_km, to_km, length_km, short. With no ROUTES,
    the built-in catalog.
    """
    fmt = frame_format(fmt, out)
    layer = load_boundaries(boundaries, code_column=code_column)
    frame = load_routes(routes, only)
    with status(f"cutting {len(frame):,} route(s) by state"):
        table = transits(frame, boundaries=layer, min_piece_km=min_piece_km, **waters_kwargs())
    write_frame(table, out, fmt, layer="pieces")


@click.command("crossings")
@_table_options
def crossings_command(
    routes: tuple[Path, ...],
    only: tuple[str, ...],
    boundaries: str | None,
    code_column: str,
    min_piece_km: float,
    fmt: str | None,
    out: Path | None,
) -> None:
    """Write each route's border crossings, one point feature per crossing.

    Columns: route_id, seq, from, to, via (land, maritime, landfall or sea), km (along the
    route), lon, lat. With no ROUTES, the built-in catalog.
    """
    fmt = frame_format(fmt, out)
    layer = load_boundaries(boundaries, code_column=code_column)
    frame = load_routes(routes, only)
    with status(f"finding the crossings of {len(frame):,} route(s)"):
        table = crossings(frame, boundaries=layer, min_piece_km=min_piece_km, **waters_kwargs())
    write_frame(table, out, fmt, layer="crossings")
