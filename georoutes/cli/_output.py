"""Where the commands' output goes: stdout, or a file written atomically.

Also: tables at the terminal's width, a progress display on stderr, and route tables as
GeoJSON / GeoPackage / GeoParquet / CSV.
"""

from __future__ import annotations

import contextlib
import io
import math
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import geopandas as gpd
import numpy as np
import pandas as pd
from rich.console import Console, RenderableType

from .._io import open_atomic
from ..errors import GeorouteError

__all__ = [
    "FRAME_FORMATS",
    "emit",
    "frame_format",
    "plain",
    "render",
    "status",
    "terminal_width",
    "write_frame",
]

#: Width of tables when the output is not a terminal and $COLUMNS is unset.
FALLBACK_WIDTH = 160

#: Table formats of ``pieces`` / ``crossings``, and the file suffixes that imply each.
FRAME_FORMATS: dict[str, tuple[str, ...]] = {
    "geojson": (".geojson", ".json"),
    "gpkg": (".gpkg",),
    "parquet": (".parquet", ".geoparquet"),
    "csv": (".csv",),
}


def terminal_width() -> int:
    """Return the terminal's width in columns ($COLUMNS, the terminal, else 160)."""
    return shutil.get_terminal_size((FALLBACK_WIDTH, 24)).columns


def render(*items: RenderableType | str) -> str:
    """Return rich renderables (tables, text) as plain text at the terminal's width."""
    console = Console(
        file=io.StringIO(), width=terminal_width(), record=True, color_system=None, highlight=False
    )
    for item in items:
        console.print(item)
    return console.export_text()


@contextlib.contextmanager
def status(message: str) -> Iterator[None]:
    """Show a spinner with ``message`` on stderr while the block runs (only on a terminal)."""
    console = Console(stderr=True)
    if not console.is_terminal:
        yield
        return
    with console.status(message):
        yield


def emit(text: str, out: Path | None) -> None:
    """Write ``text`` to ``out`` atomically (and say so on stderr), or to stdout."""
    if out is None:
        click.echo(text, nl=not text.endswith("\n"))
        return
    with open_atomic(out) as f:
        f.write(text)
    click.echo(f"wrote {out}", err=True)


def frame_format(fmt: str | None, out: Path | None) -> str:
    """Return the table format: ``--format``, else what ``--out``'s suffix names, else GeoJSON."""
    implied = None
    if out is not None:
        suffix = out.suffix.lower()
        implied = next((name for name, sfx in FRAME_FORMATS.items() if suffix in sfx), None)
    if fmt is not None:
        if implied is not None and implied != fmt:
            raise GeorouteError(
                f"--format {fmt} but --out {str(out)!r} names {implied}; give "
                f"a {', '.join(FRAME_FORMATS[fmt])} file or drop --format"
            )
        return fmt
    if implied is None and out is not None:
        known = ", ".join(s for sfx in FRAME_FORMATS.values() for s in sfx)
        raise GeorouteError(
            f"--out {str(out)!r}: cannot tell the format from its suffix "
            f"{out.suffix!r}; use one of {known} or give --format"
        )
    return implied or "geojson"


def _csv_text(frame: gpd.GeoDataFrame) -> str:
    table = pd.DataFrame(frame.drop(columns=frame.geometry.name))
    table["geometry_wkt"] = frame.geometry.to_wkt()
    return table.to_csv(index=False, lineterminator="\n")


def write_frame(frame: gpd.GeoDataFrame, out: Path | None, fmt: str, *, layer: str) -> None:
    """Write a GeoDataFrame as ``fmt`` to ``out`` atomically, or (text formats) to stdout.

    GeoPackage and GeoParquet are written to a temporary file in ``out``'s folder and moved in
    place, so a failure never leaves a half-written file.
    """
    if fmt in ("geojson", "csv"):
        text = (
            frame.to_json(drop_id=True, ensure_ascii=False) + "\n"
            if fmt == "geojson"
            else _csv_text(frame)
        )
        emit(text, out)
        return
    if out is None:
        raise GeorouteError(f"--format {fmt} is a binary file: give --out FILE")
    out.parent.mkdir(parents=True, exist_ok=True)
    folder = tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent)
    temp = Path(folder) / f"{layer}{out.suffix or '.' + fmt}"
    try:
        if fmt == "gpkg":
            frame.to_file(temp, driver="GPKG", layer=layer)
        else:
            frame.to_parquet(temp)
        os.replace(temp, out)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    click.echo(f"wrote {out}", err=True)


def plain(value: Any) -> Any:
    """Return ``value`` made JSON-serialisable: numpy to Python, floats to 3 decimals, NaN None."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | np.ndarray):
        return [plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, 3)
    return value
