"""Benchmark: georoutes.analyze vs the overlay method analysts use today.

N synthetic routes (random walks across Eurasia, seeded) go through ``georoutes.analyze`` with one
focus state and three bands, and through ``geopandas.overlay(routes, countries)`` followed by the
geodesic length of each piece. Prints routes/s, peak memory, the speed ratio, and how far the two
agree on km per state.

    python tests/benchmarks/bench_analyze.py --routes 10000 --vertices 50
"""

from __future__ import annotations

import argparse
import inspect
import resource
import time

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

import georoutes
from georoutes.geodesy import GEOD


def random_walks(n: int, vertices: int, seed: int) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(seed)
    lines = []
    for _ in range(n):
        lon0 = rng.uniform(20.0, 135.0)
        lat0 = rng.uniform(30.0, 60.0)
        heading = rng.uniform(0, 2 * np.pi)
        steps = rng.uniform(0.1, 0.6, vertices - 1)
        turns = np.cumsum(rng.normal(0, 0.4, vertices - 1)) + heading
        lon = lon0 + np.r_[0, np.cumsum(steps * np.cos(turns) / np.cos(np.radians(lat0)))]
        lat = np.clip(lat0 + np.r_[0, np.cumsum(steps * np.sin(turns))], 5.0, 75.0)
        lines.append(shapely.LineString(np.column_stack([lon, lat])))
    return gpd.GeoDataFrame({"id": [f"r{i}" for i in range(n)]}, geometry=lines, crs="EPSG:4326")


def naive(routes: gpd.GeoDataFrame, countries: gpd.GeoDataFrame) -> pd.DataFrame:
    pieces = gpd.overlay(
        routes, countries[["code", "geometry"]], how="intersection", keep_geom_type=True
    )
    pieces["km"] = [GEOD.geometry_length(g) / 1000.0 for g in pieces.geometry]
    return pieces.groupby(["id", "code"])["km"].sum().unstack(fill_value=0.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--routes", type=int, default=10_000)
    parser.add_argument("--vertices", type=int, default=50)
    parser.add_argument("--seed", type=int, default=20111)
    parser.add_argument(
        "--workers",
        type=int,
        default=2,
        help="processes for the parallel run (this machine has 2 cores)",
    )
    parser.add_argument(
        "--naive-routes",
        type=int,
        default=None,
        help="run the naive method on this many routes only (it is slow)",
    )
    args = parser.parse_args()
    countries = georoutes.load_boundaries()
    # The overlay cuts with the land layer: georoutes is timed on the land alone too (the
    # shipped layers' default also counts the territorial sea).
    land = {"waters": "land"} if "waters" in inspect.signature(georoutes.analyze).parameters else {}
    routes = random_walks(args.routes, args.vertices, args.seed)
    routes = georoutes.read_routes(routes)
    georoutes.analyze(routes.iloc[:5], boundaries=countries, **land)  # build the indexes once

    t0 = time.perf_counter()
    ours = georoutes.analyze(
        routes, boundaries=countries, focus=["CHN"], bands_km=(10, 50, 100), **land
    )
    t_ours = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # this process

    t0 = time.perf_counter()
    georoutes.analyze(routes, boundaries=countries, focus=(), **land)
    t_km = time.perf_counter() - t0

    t0 = time.perf_counter()
    par = georoutes.analyze(
        routes,
        boundaries=countries,
        focus=["CHN"],
        bands_km=(10, 50, 100),
        workers=args.workers,
        **land,
    )
    t_par = time.perf_counter() - t0
    same = np.allclose(
        georoutes.flatten(par).select_dtypes("number").to_numpy(float),
        georoutes.flatten(ours).select_dtypes("number").to_numpy(float),
        rtol=1e-9,
        atol=1e-6,
    )

    n_naive = args.naive_routes or args.routes
    sub = routes.iloc[:n_naive]
    t0 = time.perf_counter()
    ref = naive(sub, countries)
    t_naive = time.perf_counter() - t0

    worst = 0.0
    for rid, row in ours.loc[sub["id"]].iterrows():
        expected = ref.loc[rid] if rid in ref.index else pd.Series(dtype=float)
        for code in set(row["km_by_state"]) | set(expected[expected > 0].index):
            a = row["km_by_state"].get(code, 0.0)
            b = float(expected.get(code, 0.0))
            worst = max(worst, abs(a - b) / row["length_km"])
    ours_rate = args.routes / t_ours
    naive_rate = n_naive / t_naive
    print(f"routes: {args.routes} x {args.vertices} vertices (seed {args.seed})")
    print(
        f"georoutes.analyze (km per state + CHN exposure, 3 bands): {t_ours:.2f} s, "
        f"{ours_rate:,.0f} routes/s"
    )
    print(
        f"naive overlay + geodesic length (km per state only, {n_naive} routes): "
        f"{t_naive:.2f} s, {naive_rate:,.0f} routes/s"
    )
    print(
        f"georoutes.analyze, km per state only (no focus, the naive method's work): "
        f"{t_km:.2f} s, {args.routes / t_km:,.0f} routes/s"
    )
    print(
        f"georoutes.analyze(workers={args.workers}) (the same, forked processes): "
        f"{t_par:.2f} s, {args.routes / t_par:,.0f} routes/s "
        f"({'same figures' if same else 'FIGURES DIFFER'})"
    )
    print(
        f"speed ratio: {ours_rate / naive_rate:.1f}x with exposure in one process, "
        f"{args.routes / t_par / naive_rate:.1f}x with {args.workers} processes, "
        f"{args.routes / t_km / naive_rate:.1f}x on km per state alone (one process)"
    )
    child_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        f"peak memory (max RSS): {peak_mb:,.0f} MB in one process; largest worker "
        f"{child_mb:,.0f} MB (forked: shares the parent's pages until written)"
    )
    print(
        f"largest km-per-state disagreement: {100 * worst:.3f} % of route length "
        f"({'OK' if worst < 0.005 else 'ABOVE 0.5 %'})"
    )


if __name__ == "__main__":
    main()
