"""Benchmark on dense routes: georoutes vs the naive overlay vs PostGIS, as ratios in one run.

Route sets (seeded, so every run sees the same routes):

``dense``
    200 smooth random walks of 3,000 vertices, ~1 km steps, over Eurasia and north-east Asia
    (half start inside the high-resolution OpenStreetMap region), crossing borders.
``walk``
    2,000 random walks of 50 vertices (0.1-0.6° steps), exactly as ``bench_analyze.py`` makes
    them (same generator, same seed).
``tracker``
    A mix shaped like traced pipeline datasets: vertices log-normal (median 10, sigma 3,
    capped at 20,000: ~6 % of routes over 1,000 vertices hold ~85 % of all vertices), plus one
    route in 400 (at least 3) of 20,000-100,000 vertices; the more vertices, the shorter the
    steps (~10 km for 10 vertices, ~50 m for 100,000).

For each set, on the same routes and the same boundary layer (the default, ``composite``), in
this one process: ``georoutes.analyze`` with focus CHN and bands 10, 50, 100 km;
``georoutes.analyze`` with ``focus=()`` (km per state only, the naive method's work);
``geopandas.overlay`` + the WGS84 geodesic length of each piece; and, when a local PostgreSQL
with PostGIS is installed, a throwaway cluster on 127.0.0.1 (``_postgis.py``) computing km per
state with ``ST_Subdivide(geom, 256)`` + GiST + ``ST_Intersection`` + ``ST_Length(geography)``
(the query is timed alone; loading and subdividing are reported apart). Prints seconds,
routes/s, vertices/s, peak RSS, the speed ratios, and how far the three agree on km per state.
Timings are figures, not assertions.

    python tests/benchmarks/bench_dense.py                 # all sets, full sizes
    python tests/benchmarks/bench_dense.py --quick         # smaller sets
    python tests/benchmarks/bench_dense.py --sets dense --no-postgis --profile /tmp/p.txt
"""

from __future__ import annotations

import argparse
import cProfile
import inspect
import io
import os
import platform
import pstats
import resource
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

import georoutes

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _postgis import PostGIS, PostGISUnavailableError
from bench_analyze import naive, random_walks

SETS = ("dense", "walk", "tracker")
FULL = {"dense": 200, "walk": 2000, "tracker": 2000}
QUICK = {"dense": 50, "walk": 500, "tracker": 500}
WALK_SEED = 20111  # bench_analyze.py's default seed
FOCUS = ("CHN",)
BANDS = (10, 50, 100)
SUBDIVIDE = 256
# The peers cut the routes with the land layer, so georoutes is timed on the land alone too
# (the shipped layers' default is land and territorial sea): the same territory for every
# method. ``--waters`` adds untimed-for-ratio rows under other models.
_WATERS = {"waters": "land"} if "waters" in inspect.signature(georoutes.analyze).parameters else {}

EURASIA = (20.0, 135.0, 30.0, 60.0)  # lon_min, lon_max, lat_min, lat_max of start points
NE_ASIA = (105.0, 135.0, 38.0, 52.0)
LON_FOLD = (15.0, 178.0)  # walks are reflected back at these edges (no antimeridian)
LAT_FOLD = (8.0, 72.0)
KM_PER_DEG_LAT = 111.2
TURN_SD = 0.05  # heading diffusion, radians per sqrt(km): smooth, meandering lines


# -- route sets ----------------------------------------------------------------------------


def _fold(x: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """Reflect ``x`` into [lo, hi] (a continuous walk stays continuous)."""
    span = hi - lo
    y = np.mod(x - lo, 2 * span)
    return lo + span - np.abs(y - span)


def _walk(
    rng: np.random.Generator, n_vertices: int, step_km: float, start: tuple[float, ...]
) -> shapely.LineString:
    lon_min, lon_max, lat_min, lat_max = start
    lon0, lat0 = rng.uniform(lon_min, lon_max), rng.uniform(lat_min, lat_max)
    steps = step_km * rng.uniform(0.8, 1.2, n_vertices - 1)
    heading = rng.uniform(0, 2 * np.pi) + np.cumsum(rng.normal(0, TURN_SD * np.sqrt(steps)))
    lat = _fold(lat0 + np.r_[0, np.cumsum(steps * np.sin(heading) / KM_PER_DEG_LAT)], *LAT_FOLD)
    dlon = steps * np.cos(heading) / (KM_PER_DEG_LAT * np.cos(np.radians(lat[:-1])))
    lon = _fold(lon0 + np.r_[0, np.cumsum(dlon)], *LON_FOLD)
    return shapely.LineString(np.column_stack([lon, lat]))


def _frame(lines: list[shapely.LineString]) -> gpd.GeoDataFrame:
    gdf = gpd.GeoDataFrame(
        {"id": [f"r{i}" for i in range(len(lines))]}, geometry=lines, crs="EPSG:4326"
    )
    return georoutes.read_routes(gdf)


def dense_routes(n: int, seed: int, vertices: int = 3000, step_km: float = 1.0) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(seed)
    return _frame([_walk(rng, vertices, step_km, NE_ASIA if i % 2 else EURASIA) for i in range(n)])


def walk_routes(n: int) -> gpd.GeoDataFrame:
    return georoutes.read_routes(random_walks(n, 50, WALK_SEED))


def tracker_routes(n: int, seed: int) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(seed)
    n_big = min(n, max(3, n // 400))
    counts = np.clip(np.rint(rng.lognormal(np.log(10), 3.0, n - n_big)), 2, 20_000)
    counts = np.r_[counts, rng.integers(20_000, 100_001, n_big)].astype(int)
    rng.shuffle(counts)
    # Few vertices: long straight-ish segments (km); many: traced, 50-100 m apart.
    steps = np.clip(10.0 * (counts / 10.0) ** -0.57 * rng.lognormal(0, 0.3, n), 0.05, 30.0)
    lines = [
        _walk(rng, int(c), float(s), NE_ASIA if rng.random() < 0.4 else EURASIA)
        for c, s in zip(counts, steps, strict=True)
    ]
    return _frame(lines)


def make_set(name: str, n: int, seed: int) -> tuple[gpd.GeoDataFrame, str]:
    if name == "dense":
        return dense_routes(n, seed), f"{n} routes x 3,000 vertices, ~1 km steps"
    if name == "walk":
        return walk_routes(n), f"{n} routes x 50 vertices, 0.1-0.6 deg steps (bench_analyze)"
    routes = tracker_routes(n, seed + 2)
    counts = shapely.get_num_coordinates(routes.geometry.values)
    big = counts > 1000
    desc = (
        f"{n} routes, vertices median {np.median(counts):.0f}, p99 "
        f"{np.percentile(counts, 99):,.0f}, max {counts.max():,}; {big.sum()} routes over "
        f"1,000 vertices hold {100 * counts[big].sum() / counts.sum():.0f} % of vertices"
    )
    return routes, desc


# -- measuring -----------------------------------------------------------------------------


def _rss_mb() -> float:
    """Peak RSS of this process so far (high-water mark), MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@dataclass
class Timing:
    label: str
    seconds: float
    peak_mb: float
    note: str = ""


@dataclass
class SetResult:
    name: str
    desc: str
    n_routes: int
    n_vertices: int
    timings: dict[str, Timing] = field(default_factory=dict)
    km: dict[str, pd.Series] = field(default_factory=dict)  # (id, code) -> km
    length_km: pd.Series | None = None
    notes: list[str] = field(default_factory=list)


def _km_ours(frame: pd.DataFrame) -> pd.Series:
    pairs = {
        (rid, code): float(km) for rid, d in frame["km_by_state"].items() for code, km in d.items()
    }
    index = pd.MultiIndex.from_tuples(list(pairs), names=["id", "code"])
    return pd.Series(list(pairs.values()), index=index, dtype=float)


def _km_wide(wide: pd.DataFrame) -> pd.Series:
    long = wide.stack()
    return long[long != 0].astype(float)


def worst_gap(a: pd.Series, b: pd.Series, length_km: pd.Series) -> tuple[float, str]:
    """Largest |a - b| over (route, state), relative to the route's length."""
    if a.empty and b.empty:
        return 0.0, ""
    a, b = a.rename_axis(["id", "code"]), b.rename_axis(["id", "code"])
    a, b = a.align(b, fill_value=0.0)
    if a.empty:
        return 0.0, ""
    rel = (a - b).abs().to_numpy() / length_km.reindex(a.index.get_level_values(0)).to_numpy()
    i = int(np.nanargmax(rel))
    rid, code = a.index[i]
    return float(rel[i]), f"{rid} {code}: {a.iloc[i]:.3f} vs {b.iloc[i]:.3f} km"


def _timed(fn: Callable[[], Any]) -> Callable[[], tuple[Any, float]]:
    def run() -> tuple[Any, float]:
        t0 = time.perf_counter()
        out = fn()
        return out, time.perf_counter() - t0

    return run


def run_set(
    name: str, n: int, args: argparse.Namespace, layer: gpd.GeoDataFrame, pg: PostGIS | None
) -> SetResult:
    routes, desc = make_set(name, n, args.seed)
    n_vertices = int(shapely.get_num_coordinates(routes.geometry.values).sum())
    res = SetResult(name, desc, len(routes), n_vertices)

    if args.profile and name == args.profile_set:
        profile_georoutes(routes, layer, Path(args.profile), f"{name}: {desc}")

    methods: dict[str, tuple[str, Callable[[], tuple[Any, float]]]] = {
        "exposure": (
            "georoutes, CHN exposure + 3 bands",
            _timed(
                lambda: georoutes.analyze(
                    routes, boundaries=layer, focus=FOCUS, bands_km=BANDS, **_WATERS
                )
            ),
        ),
        "km": (
            "georoutes, km per state only",
            _timed(lambda: georoutes.analyze(routes, boundaries=layer, focus=(), **_WATERS)),
        ),
        "overlay": ("naive overlay + geodesic length", _timed(lambda: naive(routes, layer))),
    }
    for waters in args.waters:

        def with_waters(w: str = waters) -> Any:
            return georoutes.analyze(
                routes, boundaries=layer, focus=FOCUS, bands_km=BANDS, waters=w
            )

        methods[f"waters-{waters}"] = (f"  the same, waters={waters}", _timed(with_waters))
    load_s = 0.0
    if pg is not None:
        load_s = pg.load_routes(routes)

        def query() -> tuple[Any, float]:
            long, seconds, backend_mb = pg.km_per_state()  # seconds: the query alone
            return (long, backend_mb), seconds

        methods["postgis"] = (f"PostGIS, ST_Subdivide {SUBDIVIDE} + GiST (query)", query)

    # Rounds interleave the methods (A B C D, A B C D, ...) so that a load change on a shared
    # machine hits them alike; each method's best round is reported.
    outputs: dict[str, Any] = {}
    best: dict[str, float] = {}
    peak: dict[str, float] = {}
    for _ in range(max(1, args.repeat)):
        for key, (_, run) in methods.items():
            out, seconds = run()
            outputs.setdefault(key, out)
            best[key] = min(best.get(key, float("inf")), seconds)
            peak.setdefault(key, _rss_mb())
    for key, (label, _) in methods.items():
        res.timings[key] = Timing(label, best[key], peak[key])

    ours, km_only = outputs["exposure"], outputs["km"]
    res.length_km = ours["length_km"].astype(float)
    res.km["georoutes"] = _km_ours(ours)
    res.km["overlay"] = _km_wide(outputs["overlay"])
    same = _km_ours(km_only).sort_index().equals(res.km["georoutes"].sort_index())
    res.notes.append(
        "georoutes km per state: same with and without exposure"
        if same
        else "georoutes km per state DIFFER with and without exposure"
    )
    states = ours["states"].map(len)
    crossings = ours["crossings"].map(len)
    res.notes.append(
        f"routes cross borders: mean {states.mean():.1f} states and "
        f"{crossings.mean():.1f} crossings per route; "
        f"{100 * (states > 1).mean():.0f} % enter two states or more"
    )
    if pg is not None:
        long, backend_mb = outputs["postgis"]
        ids = routes["id"].to_numpy()
        km = pd.Series(
            long["km"].to_numpy(),
            index=pd.MultiIndex.from_arrays([ids[long["rid"].to_numpy()], long["code"]]),
        )
        res.km["PostGIS"] = km[km != 0]
        note = f"backend peak {backend_mb:,.0f} MB; loading the routes took {load_s:.2f} s"
        res.timings["postgis"].note = note
    return res


def profile_georoutes(
    routes: gpd.GeoDataFrame, layer: gpd.GeoDataFrame, path: Path, desc: str, top: int = 25
) -> None:
    """Write cProfile's top functions of ``analyze`` (CHN + 3 bands) on ``routes`` to ``path``."""
    prof = cProfile.Profile()
    t0 = time.perf_counter()
    prof.enable()
    georoutes.analyze(routes, boundaries=layer, focus=FOCUS, bands_km=BANDS, **_WATERS)
    prof.disable()
    wall = time.perf_counter() - t0
    out = io.StringIO()
    out.write(
        f"cProfile of georoutes.analyze(focus={list(FOCUS)}, bands_km={list(BANDS)}) "
        f"on {desc}\nlayer: {layer.attrs.get('key', layer.attrs.get('name'))}; "
        f"wall time under the profiler {wall:.2f} s\n"
    )
    for key, title in (
        ("tottime", "own time (tottime)"),
        ("cumulative", "time including callees (cumtime)"),
    ):
        out.write(f"\n== top {top} by {title} ==\n")
        stats = pstats.Stats(prof, stream=out)
        stats.strip_dirs().sort_stats(key).print_stats(top)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(out.getvalue(), encoding="utf-8")
    print(f"profile of {desc} written to {path} ({wall:.2f} s under cProfile)")


# -- report --------------------------------------------------------------------------------


def _ratio(res: SetResult, a: str, b: str) -> str:
    if a not in res.timings or b not in res.timings:
        return "n/a"
    return f"{res.timings[b].seconds / res.timings[a].seconds:.2f}x"


TARGETS = {"dense": {"overlay": 5.0, "postgis": 2.5}, "walk": {"overlay": 12.0}}


def report(res: SetResult) -> None:
    print(f"\n== {res.name}: {res.desc} ({res.n_vertices:,} vertices) ==")
    print(f"{'method':<44} {'seconds':>8} {'routes/s':>10} {'vertices/s':>12} {'peak RSS MB':>12}")
    for t in res.timings.values():
        print(
            f"{t.label:<44} {t.seconds:>8.2f} {res.n_routes / t.seconds:>10,.0f} "
            f"{res.n_vertices / t.seconds:>12,.0f} {t.peak_mb:>12,.0f}"
            + (f"   ({t.note})" if t.note else "")
        )
    print("speed ratios (georoutes speed / peer speed):")
    for peer, peer_name in (("overlay", "overlay"), ("postgis", "PostGIS")):
        if peer not in res.timings:
            print(f"  vs {peer_name}: not measured")
            continue
        target = TARGETS.get(res.name, {}).get(peer)
        line = (
            f"  vs {peer_name}: {_ratio(res, 'exposure', peer)} with CHN exposure + 3 "
            f"bands, {_ratio(res, 'km', peer)} km per state only"
        )
        if target is not None:
            got = res.timings[peer].seconds / res.timings["exposure"].seconds
            line += (
                f"   [issue 17 target with exposure: >= {target:g}x: "
                f"{'met' if got >= target else 'not met'}]"
            )
        print(line)
    print("km per state agreement (max |difference| / route length, over routes x states):")
    names = list(res.km)
    if res.length_km is None:
        return
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            gap, where = worst_gap(res.km[a], res.km[b], res.length_km)
            print(f"  {a} vs {b}: {gap:.1e} of route length = {100 * gap:.4f} %  (worst: {where})")
    for note in res.notes:
        print(f"  {note}")


def start_postgis(layer: gpd.GeoDataFrame, parallel: int) -> PostGIS | None:
    """Start the throwaway server and load the subdivided boundaries; None if impossible."""
    pg = None
    try:
        t0 = time.perf_counter()
        pg = PostGIS.start(parallel_workers=parallel)
        started = time.perf_counter() - t0
        load_s = pg.load_boundaries(layer)
        prep_s = pg.prepare_boundaries(SUBDIVIDE)
        print(
            f"PostGIS: PostgreSQL {pg.version}, PostGIS {pg.postgis_version}, throwaway "
            f"cluster on 127.0.0.1:{pg.port} (started in {started:.1f} s); boundaries "
            f"loaded in {load_s:.2f} s, ST_Subdivide({SUBDIVIDE}) into "
            f"{pg.count('boundaries_sub'):,} pieces + GiST index in {prep_s:.2f} s "
            f"(once, not in the timings); parallel workers per query: {parallel}"
        )
        return pg
    except (PostGISUnavailableError, RuntimeError) as exc:
        print(f"PostGIS: not available, column skipped ({exc})")
        if pg is not None:
            pg.stop()
        return None


def _parse_routes(text: str | None, sets: list[str], quick: bool) -> dict[str, int]:
    sizes = dict(QUICK if quick else FULL)
    if text:
        if "=" in text:
            for item in text.split(","):
                key, _, value = item.partition("=")
                if key.strip() not in SETS:
                    raise SystemExit(f"--routes: unknown set {key!r} (sets: {', '.join(SETS)})")
                sizes[key.strip()] = int(value)
        else:
            sizes = dict.fromkeys(sets, int(text))
    return {s: sizes[s] for s in sets}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--sets",
        default=",".join(SETS),
        help="comma-separated route sets: dense, walk, tracker (default: all)",
    )
    parser.add_argument(
        "--routes",
        default=None,
        help="routes per set: one number for every set, or e.g. "
        "dense=200,walk=2000 (default: 200 / 2000 / 2000)",
    )
    parser.add_argument(
        "--quick", action="store_true", help="smaller sets: 50 dense, 500 walk, 500 tracker routes"
    )
    parser.add_argument("--no-postgis", action="store_true", help="skip the PostGIS column")
    parser.add_argument(
        "--postgis-parallel",
        type=int,
        default=0,
        metavar="N",
        help="max_parallel_workers_per_gather of the PostGIS server "
        "(default 0: one process, like the other methods)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="time each method this many times (rounds interleave the methods), report the best",
    )
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument(
        "--profile",
        default=None,
        metavar="PATH",
        help="also write a cProfile top-25 of georoutes (CHN + 3 bands) on "
        "the --profile-set to PATH (an extra, untimed run)",
    )
    parser.add_argument("--profile-set", default="dense", choices=SETS)
    parser.add_argument(
        "--waters",
        default="",
        help="comma-separated waters models (territorial, eez) to time as extra rows of "
        "georoutes with CHN exposure + 3 bands (not in the ratios, which use the land)",
    )
    args = parser.parse_args()
    # A terminated benchmark still stops its PostgreSQL server (finally / atexit).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    sets = [s.strip() for s in args.sets.split(",") if s.strip()]
    bad = [s for s in sets if s not in SETS]
    if bad:
        parser.error(f"--sets: unknown {', '.join(bad)} (sets: {', '.join(SETS)})")
    sizes = _parse_routes(args.routes, sets, args.quick)
    args.waters = [w.strip() for w in args.waters.split(",") if w.strip()]
    if args.waters and not _WATERS:
        parser.error("--waters: this georoutes has no waters models")

    layer = georoutes.load_boundaries()
    georoutes.analyze(walk_routes(5), boundaries=layer, **_WATERS)  # build the index once
    for waters in args.waters:
        georoutes.analyze(walk_routes(5), boundaries=layer, waters=waters)
    print(
        f"georoutes {georoutes.__version__}; layer {layer.attrs.get('key')!r} "
        f"({layer.attrs.get('name')}): {len(layer)} states, "
        f"{int(shapely.get_num_coordinates(layer.geometry.values).sum()):,} vertices"
    )
    print(
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs; shapely "
        f"{shapely.__version__} (GEOS {shapely.geos_version_string}), pyproj "
        f"{pyproj.__version__} (PROJ {pyproj.proj_version_str}), geopandas "
        f"{gpd.__version__}; one process for every method; best of {args.repeat} "
        f"interleaved round(s)"
    )

    print(f"peak RSS with the layer loaded and indexed: {_rss_mb():,.0f} MB")

    pg = None if args.no_postgis else start_postgis(layer, args.postgis_parallel)
    if args.no_postgis:
        print("PostGIS: skipped (--no-postgis)")
    try:
        for name in sets:
            report(run_set(name, sizes[name], args, layer, pg))
    finally:
        if pg is not None:
            pg.stop()
    print(f"\npeak RSS of this process (ru_maxrss): {_rss_mb():,.0f} MB")


if __name__ == "__main__":
    main()
