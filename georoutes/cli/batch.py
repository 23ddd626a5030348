"""``georoutes batch``: many routes, partition by partition, on a Dask cluster, to Parquet.

Routes are read in partitions (GeoParquet files, a directory or a glob of them; other formats
are read whole, then split), analysed by :func:`georoutes.partitions.analyze_partitions` on a
local cluster or a running scheduler, and each partition's flat analysis is written by the
worker that computed it, so neither the client nor a worker holds the whole job.
"""

from __future__ import annotations

import glob
import math
import os
import shutil
import time
import uuid
from pathlib import Path
from typing import Any

import click

from ..errors import GeorouteError
from ._options import (
    bands_option,
    boundaries_options,
    focus_option,
    load_routes,
    min_piece_option,
    routes_argument,
    waters_kwargs,
    workers_option,
)

__all__ = ["batch_command"]

_PARQUET = (".parquet", ".geoparquet")


def _parquet_inputs(routes: tuple[Path, ...]) -> list[str] | None:
    """Return the GeoParquet inputs to read in partitions, or None to read the routes whole."""
    meta = click.get_current_context().meta
    if not routes or meta.get("georoutes.id_field") or meta.get("georoutes.skip_invalid"):
        return None
    out = []
    for given in routes:
        text = os.fspath(given)
        path = Path(text)
        if path.is_dir():
            files = [p for p in path.iterdir() if p.suffix.lower() in _PARQUET]
            if not files:
                return None
        elif glob.has_magic(text):
            files = [Path(p) for p in glob.glob(text)]
            if not files or any(p.suffix.lower() not in _PARQUET for p in files):
                return None
        elif path.suffix.lower() not in _PARQUET:
            return None
        out.append(text)
    return out


def _read(routes: tuple[Path, ...], partition_routes: int) -> Any:
    """Return the routes as a dask_geopandas.GeoDataFrame (validated per partition)."""
    from ..partitions import _require_dask, read_routes_partitions

    dask_geopandas = _require_dask()
    parquet = _parquet_inputs(routes)
    if parquet is not None:
        parts = [read_routes_partitions(p) for p in parquet]
        if len(parts) == 1:
            return parts[0]
        import dask.dataframe as dd

        return dd.concat(parts)
    import dask

    frame = load_routes(routes)
    n = max(1, math.ceil(len(frame) / partition_routes))
    # Keep object columns as they are (dask would turn the multi-part routes' gaps, lists of
    # dicts, into text).
    with dask.config.set({"dataframe.convert-string": False}):
        return dask_geopandas.from_geopandas(frame, npartitions=n)


@click.command("batch")
@routes_argument
@focus_option
@bands_option
@boundaries_options
@min_piece_option
@workers_option
@click.option(
    "--partition-routes",
    type=click.IntRange(min=1),
    default=10_000,
    show_default=True,
    help="Routes per partition when the input is not already partitioned GeoParquet.",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Directory to write (part.<n>.parquet, one per partition); must not exist yet.",
)
def batch_command(
    routes: tuple[Path, ...],
    focus: tuple[str, ...],
    bands_km: tuple[float, ...],
    boundaries: str | None,
    code_column: str,
    min_piece_km: float,
    workers: int,
    partition_routes: int,
    out: Path,
) -> None:
    """Analyse many routes on a Dask cluster and write the flat analysis as Parquet.

    ROUTES are GeoParquet files, directories or globs (read in partitions, memory stays flat)
    or any route file (read whole, split into --partition-routes). Runs on --scheduler
    (default: a local cluster of --workers processes, one per CPU with 0 or 1). The boundary
    layer must be a shipped name or a file every worker reads. Output: one row per route with
    the columns of `georoutes compare --format csv`; written to a temporary directory beside
    --out and renamed when complete, so --out is never half-written.
    """
    from ..partitions import analyze_partitions, cluster_client, write_analysis_parquet

    if out.exists():
        raise GeorouteError(f"{out}: already exists; batch writes a new directory")
    scheduler = click.get_current_context().meta.get("georoutes.scheduler") or "processes"
    started = time.perf_counter()
    client = cluster_client(scheduler, workers)
    ddf = _read(routes, partition_routes)
    lazy = analyze_partitions(
        ddf,
        boundaries=boundaries if code_column == "code" else _coded(boundaries, code_column),
        focus=focus,
        bands_km=bands_km,
        min_piece_km=min_piece_km,
        **waters_kwargs(),
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.parent / f".{out.name}.partial-{uuid.uuid4().hex[:8]}"
    try:
        with client.as_current():
            n = write_analysis_parquet(lazy, partial)
        partial.rename(out)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    seconds = time.perf_counter() - started
    n_workers = len(client.scheduler_info()["workers"])
    click.echo(
        f"wrote {out}: {n:,} route(s) in {lazy.npartitions} partition(s) on {n_workers} "
        f"worker(s) in {seconds:,.1f} s ({n / max(seconds, 1e-9):,.0f} routes/s)",
        err=True,
    )


def _coded(boundaries: str | None, code_column: str) -> Any:
    """Return a boundary file's layer loaded with its code column (workers load it the same)."""
    if boundaries is None:
        raise GeorouteError("--code-column applies to a --boundaries file")
    from ..boundaries import load_boundaries

    return load_boundaries(boundaries, code_column=code_column)
