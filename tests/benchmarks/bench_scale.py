"""Benchmark: a million routes as partitioned GeoParquet through a local Dask cluster.

Synthetic routes (seeded random walks over north-east Asia and Eurasia, crossing borders) are
written partition by partition as GeoParquet in a temporary directory, then analysed with
``georoutes.partitions`` (CHN exposure + 3 bands, the default layer) on a local cluster of 1,
then 2, worker processes; each result is written flattened as Parquet, so memory stays flat.
Prints routes/s, each worker's peak RSS and the scaling efficiency (speedup / workers). Plain
figures, no assertions about timing.

    python tests/benchmarks/bench_scale.py --quick            # 20,000 routes (+ 400 dense)
    python tests/benchmarks/bench_scale.py                    # 1,000,000 routes (+ 2,000 dense)
    python tests/benchmarks/bench_scale.py --routes 200000 --partitions 40 --workers 1,2,4
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

from georoutes.partitions import (
    analyze_partitions,
    local_client,
    read_routes_partitions,
    write_analysis_parquet,
)


def walks(n: int, vertices: int, step_deg: float, seed: int, start: int) -> gpd.GeoDataFrame:
    """Return ``n`` seeded random walks of ``vertices`` vertices, ids from ``start``."""
    rng = np.random.default_rng([seed, start])
    lon0 = rng.uniform(100.0, 135.0, n)
    lat0 = rng.uniform(35.0, 55.0, n)
    turns = np.cumsum(rng.normal(0, 0.3, (n, vertices - 1)), axis=1) + rng.uniform(0, 6.3, (n, 1))
    steps = rng.uniform(0.5, 1.5, (n, vertices - 1)) * step_deg
    dlon = steps * np.cos(turns) / np.cos(np.radians(lat0))[:, None]
    dlat = steps * np.sin(turns)
    lon = lon0[:, None] + np.concatenate([np.zeros((n, 1)), np.cumsum(dlon, axis=1)], axis=1)
    lat = np.clip(
        lat0[:, None] + np.concatenate([np.zeros((n, 1)), np.cumsum(dlat, axis=1)], axis=1),
        5.0,
        75.0,
    )
    xy = np.stack([lon.ravel(), lat.ravel()], axis=1)
    lines = shapely.linestrings(xy, indices=np.repeat(np.arange(n), vertices))
    return gpd.GeoDataFrame(
        {"id": [f"r{start + i}" for i in range(n)], "kind": "pipeline"},
        geometry=lines,
        crs="EPSG:4326",
    )


def write_set(
    directory: Path, n: int, partitions: int, vertices: int, step_deg: float, seed: int
) -> float:
    """Write ``n`` routes as ``partitions`` GeoParquet files; return seconds taken."""
    t0 = time.perf_counter()
    directory.mkdir(parents=True)
    bounds = np.linspace(0, n, partitions + 1).astype(int)
    for p, (lo, hi) in enumerate(zip(bounds[:-1], bounds[1:], strict=True)):
        walks(int(hi - lo), vertices, step_deg, seed, int(lo)).to_parquet(
            directory / f"part.{p:04d}.parquet"
        )
    return time.perf_counter() - t0


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _warm() -> None:
    """Run in each worker before timing: read the layers, build every index the job uses."""
    import georoutes

    # One short route across the Tumen: the boundary layer, the territorial-sea zones, China's
    # edge tree (exposure) and the far-search outlines are all built here, once per worker.
    georoutes.analyze(walks(4, 12, 0.3, 1, 0), focus=("CHN",))


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} CPUs"


def run(directory: Path, out: Path, workers: int) -> tuple[float, int, dict[str, float]]:
    """Analyse the set on a fresh cluster of ``workers``; return seconds, routes, peak MB."""
    with local_client(workers) as client:
        client.run(_warm)  # not timed: each worker reads the layer and builds its index once
        t0 = time.perf_counter()
        lazy = analyze_partitions(read_routes_partitions(directory))
        n = write_analysis_parquet(lazy, out)
        seconds = time.perf_counter() - t0
        peaks = client.run(_peak_rss_mb)
    return seconds, n, peaks


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--routes", type=int, default=1_000_000)
    parser.add_argument(
        "--vertices",
        type=int,
        default=12,
        help="vertices per route of the main set (traced datasets: median ~10)",
    )
    parser.add_argument(
        "--dense-routes",
        type=int,
        default=None,
        help="routes of the dense set (3,000 vertices, ~1 km steps); default routes/500",
    )
    parser.add_argument(
        "--partitions",
        type=int,
        default=None,
        help="partitions of the main set (default: 10,000 routes each)",
    )
    parser.add_argument("--workers", default="1,2", help="cluster sizes to run, e.g. 1,2,4")
    parser.add_argument("--quick", action="store_true", help="20,000 routes (400 dense)")
    parser.add_argument("--seed", type=int, default=20260)
    args = parser.parse_args()
    n = 20_000 if args.quick else args.routes
    n_dense = args.dense_routes if args.dense_routes is not None else max(n // 500, 40)
    if n_dense < 2:
        parser.error("--dense-routes: at least 2 (one per partition)")
    parts = args.partitions or max(2, n // 10_000)
    sizes = [int(w) for w in args.workers.split(",")]
    print(f"# bench_scale: {_load()}")
    with tempfile.TemporaryDirectory(prefix="bench_scale-") as tmp:
        sets = {
            f"walks {n:,} x {args.vertices} vertices": (
                Path(tmp, "walks"),
                n,
                parts,
                args.vertices,
                0.3,
            ),
            f"dense {n_dense:,} x 3,000 vertices (~1 km steps)": (
                Path(tmp, "dense"),
                n_dense,
                max(2, n_dense // 20),
                3000,
                0.009,
            ),
        }
        for label, (directory, count, n_parts, vertices, step) in sets.items():
            made = write_set(directory, count, n_parts, vertices, step, args.seed)
            size_mb = sum(f.stat().st_size for f in directory.iterdir()) / 2**20
            print(
                f"\n## {label}: {n_parts} partitions, {size_mb:.0f} MB GeoParquet "
                f"(written in {made:.0f} s)"
            )
            print(
                "workers | seconds | routes/s | vertices/s | speedup | efficiency | "
                "peak RSS per worker (MB) | load"
            )
            base: float | None = None  # routes/s per worker of the first size run
            for w in sizes:
                seconds, done, peaks = run(directory, Path(tmp, f"out-{directory.name}-{w}"), w)
                assert done == count, (done, count)  # a check of the run, not of its timing
                rate = count / seconds
                if base is None and w == 1:
                    base = rate
                # speedup over 1 worker: unknown when no 1-worker run came first
                speedup = rate / base if base else float("nan")
                print(
                    f"{w} | {seconds:.1f} | {rate:,.0f} | {rate * vertices:,.0f} | "
                    f"{speedup:.2f} | {speedup / w:.2f} | "
                    f"{', '.join(f'{mb:.0f}' for mb in peaks.values())} | "
                    f"{os.getloadavg()[0]:.2f}",
                    flush=True,
                )
    print(f"\n# done: {_load()}")


if __name__ == "__main__":
    main()
