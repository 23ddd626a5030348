"""Routes in partitions: :func:`georoutes.analyze` over a Dask DataFrame, GeoParquet in and out.

One ``analyze`` call runs per partition, on whichever worker holds it. The boundary layer never
travels with a task: every task carries the layer's *key* (a shipped layer name, or the absolute
path of a layer file every worker can read) and loads it with
:func:`georoutes.load_boundaries`, which keeps each layer once per process (by path and
modification time); :func:`georoutes.boundaries.boundary_index` keeps its spatial index once per
layer object. So each worker process reads the layer and builds its index once, on its first
task, whatever the number of partitions.

A partitioned result has a schema fixed before any partition is computed, so it differs from the
in-memory table in two ways only (the figures are the same; for the flat Parquet output see
:func:`write_analysis_parquet`):

- ``topology``, ``gaps`` and ``overlap_km`` are always columns (in memory they are left out
  when every route is a single line);
- a route property is carried when its dtype is numeric, boolean or text (``str``/``string``);
  ``object`` columns (lists, dicts, mixed values) are not. In memory an ``object`` column of
  scalars would be carried too: convert such a column to a typed one first.

Route ids are checked to be unique within each partition, not across partitions.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, cast

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .analyze import _NOT_PASSED, _TOPOLOGY, COLUMNS, _bands, _layer_meta, _num, analyze, flatten
from .boundaries import check_codes, load_boundaries, resolve_layer
from .errors import GeorouteError
from .routes import as_routes, read_routes
from .waters import resolve_waters

__all__ = [
    "analyze_partitions",
    "close_clients",
    "cluster_client",
    "local_client",
    "read_routes_partitions",
    "write_analysis_parquet",
]

#: The multi-part topology columns, always in a partitioned result.
_TOPOLOGY_DTYPES = {"topology": str, "gaps": object, "overlap_km": np.float64}


def _require_dask() -> Any:
    try:
        import dask_geopandas
        import distributed  # noqa: F401  (the clusters)
    except ImportError as exc:
        raise GeorouteError(
            "analysing on Dask (workers > 1, scheduler=, --scheduler, georoutes batch, "
            "analyze_partitions) needs dask-geopandas and distributed: "
            "pip install 'georoutes[dask]'"
        ) from exc
    return dask_geopandas


_NOT_BY_KEY = (
    "boundaries: a GeoDataFrame cannot be sent to Dask workers (each worker loads the layer "
    "once, by name or path, instead of receiving it with every task); pass the name of a "
    "shipped layer ('composite', 'ne', 'osm-neasia') or the path of the layer's file, readable "
    "by every worker, e.g. after layer.to_parquet('/shared/boundaries.parquet')"
)


def _layer_key(name_or_path: str) -> str:
    """Return the key every worker loads a layer by (a shipped name or an absolute path)."""
    path, meta = resolve_layer(name_or_path)
    return meta["key"] if meta.get("file") else str(path.resolve())


def _waters_path(
    waters_layer: gpd.GeoDataFrame | str | os.PathLike[str] | None, code_column: str
) -> str | None:
    """Return the absolute path every worker reads a user's waters layer from."""
    if waters_layer is None:
        return None
    if isinstance(waters_layer, gpd.GeoDataFrame):
        source = waters_layer.attrs.get("file")
        if not source:
            raise GeorouteError(
                "waters_layer: a GeoDataFrame cannot be sent to Dask workers; pass the path "
                "of the layer's file, readable by every worker"
            )
        return str(Path(str(source)).resolve())
    path = Path(os.fspath(waters_layer)).expanduser().resolve()
    if not path.is_file():
        raise GeorouteError(f"waters_layer: {path}: no such file")
    return str(path)


def analyze_partitions(
    ddf: Any,
    *,
    boundaries: gpd.GeoDataFrame | str | os.PathLike[str] | None = None,
    focus: Sequence[str] = ("CHN",),
    bands_km: Iterable[float] = (10, 50, 100),
    min_piece_km: float = 0.5,
    waters: str | None = None,
    waters_layer: gpd.GeoDataFrame | str | os.PathLike[str] | None = None,
    code_column: str = "code",
) -> Any:
    """Return a lazy Dask DataFrame of :func:`georoutes.analyze`'s rows, one per route.

    Parameters
    ----------
    ddf
        A ``dask_geopandas.GeoDataFrame`` of routes (from :func:`read_routes_partitions`, or
        any with an ``id`` column and line geometries); each partition is validated as
        :func:`georoutes.read_routes` validates a GeoDataFrame.
    boundaries
        The name of a shipped layer or the path of a layer file that every worker can read;
        default: the shipped default layer. A GeoDataFrame is accepted only as returned by
        :func:`georoutes.load_boundaries` for such a name or path.
    focus, bands_km, min_piece_km, waters
        As for :func:`georoutes.analyze` (the shipped maritime layers are read by every
        worker from the installed package).
    waters_layer, code_column
        A user's EEZ layer, as the path of a file every worker can read (or the GeoDataFrame
        :func:`georoutes.waters.read_waters_layer` returned for it), and its column of codes.

    Returns
    -------
    dask.dataframe.DataFrame
        Index ``id``; the columns of :func:`georoutes.analyze` (``name``, ``kind``,
        ``length_km``, ``states``, ``transit_states``, ``km_by_state``, ``offshore_km``,
        ``crossings``, ``slivers``, ``exposure``), then ``topology``, ``gaps``, ``overlap_km``
        and the routes' numeric, boolean and text properties. Computed, it equals the in-memory
        ``analyze`` of the same routes, and :func:`georoutes.analyze.analysis_info` reads its
        layer, focus and bands (so does ``analysis_info(result._meta)`` before computing).

    Raises
    ------
    GeorouteError
        ``boundaries`` is a GeoDataFrame that cannot be loaded by key, a focus code is not in the
        layer, or a band or ``min_piece_km`` is not a positive number.

    Examples
    --------
    >>> import dask_geopandas, geopandas as gpd, shapely
    >>> line = shapely.LineString([(131.88, 43.12), (130.70, 42.30), (129.78, 41.79)])
    >>> gdf = gpd.GeoDataFrame({"id": ["a", "b"]}, geometry=[line, line.reverse()],
    ...                        crs="EPSG:4326")
    >>> lazy = analyze_partitions(dask_geopandas.from_geopandas(gdf, npartitions=2))
    >>> lazy.compute(scheduler="sync")["states"].tolist()
    [['RUS', 'PRK'], ['PRK', 'RUS']]
    """
    _require_dask()
    layer = boundaries if isinstance(boundaries, gpd.GeoDataFrame) else load_boundaries(boundaries)
    layer_ref = _layer_ref(layer, False, None)  # by key: a name, or a file every worker reads
    waters_path = _waters_path(waters_layer, code_column)
    zoned, mode, _ = resolve_waters(layer, waters, waters_path, code_column)
    measured = zoned.territory if zoned is not None else layer
    focus_codes = check_codes(list(focus), measured, source="focus")
    bands = _bands(bands_km)
    if not (
        isinstance(min_piece_km, (int, float))
        and not isinstance(min_piece_km, bool)
        and min_piece_km >= 0
    ):
        raise GeorouteError(f"min_piece_km: {min_piece_km!r} must be a number >= 0")
    meta = _analysis_meta(ddf._meta, layer, focus_codes, bands, mode)
    meta.attrs["_layer_ref"] = layer_ref
    return ddf.map_partitions(
        _analyze_partition,
        layer_ref=layer_ref,
        waters=mode,
        waters_layer=waters_path,
        code_column=code_column,
        focus=focus_codes,
        bands_km=bands,
        min_piece_km=float(min_piece_km),
        dtypes=dict(meta.dtypes),
        attrs=meta.attrs,
        meta=meta,
        enforce_metadata=False,
    )


def _carried(routes_meta: pd.DataFrame) -> dict[str, Any]:
    """Return the route properties a partitioned analysis carries, with their dtypes."""
    out: dict[str, Any] = dict(_TOPOLOGY_DTYPES)
    for column, dtype in routes_meta.dtypes.items():
        name = str(column)
        if name in _NOT_PASSED or name in _TOPOLOGY or name.startswith("_"):
            continue
        if isinstance(dtype, gpd.array.GeometryDtype):
            continue
        if isinstance(dtype, pd.StringDtype):
            out[name] = str  # pandas' default text dtype, as in memory (not dask's pyarrow one)
        elif pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype):
            out[name] = dtype
    return out


def _analysis_meta(
    routes_meta: pd.DataFrame,
    layer: gpd.GeoDataFrame,
    focus_codes: list[str],
    bands: tuple[float, ...],
    waters: str,
) -> pd.DataFrame:
    """Return the empty frame whose columns, dtypes and attrs every partition's result has."""
    dtypes: dict[str, Any] = dict.fromkeys(COLUMNS, object)
    dtypes.update(
        name=str, kind=str, length_km=np.float64, offshore_km=np.float64, high_seas_km=np.float64
    )
    dtypes.update(_carried(routes_meta))
    return _empty(dtypes, _attrs(layer, focus_codes, bands, waters))


def _attrs(
    layer: gpd.GeoDataFrame, focus_codes: list[str], bands: tuple[float, ...], waters: str
) -> dict[str, Any]:
    # analyze()'s attrs without its in-process layer token: equal in every partition, so they
    # survive concatenation, and analysis_info().layer() reloads the layer by its key.
    return {
        "boundaries": _layer_meta(layer),
        "focus": list(focus_codes),
        "bands_km": [_num(b) for b in bands],
        "waters": waters,
    }


def _analyze_partition(
    part: gpd.GeoDataFrame,
    *,
    layer_ref: tuple[str, str, dict[str, Any]],
    waters: str,
    waters_layer: str | None,
    code_column: str,
    focus: list[str],
    bands_km: tuple[float, ...],
    min_piece_km: float,
    dtypes: dict[str, Any],
    attrs: dict[str, Any],
) -> pd.DataFrame:
    """Return ``analyze`` of one partition with exactly the partitioned schema (in a worker)."""
    layer = _from_ref(layer_ref)  # read once per process (cached by path and mtime)
    if len(part) == 0:
        return _empty(dtypes, attrs)
    routes = as_routes(_plain_text(part))
    frame = analyze(
        routes,
        boundaries=layer,
        focus=focus,
        bands_km=bands_km,
        min_piece_km=min_piece_km,
        waters=waters,
        waters_layer=waters_layer,
        code_column=code_column,
    )
    for column in dtypes:
        if column not in frame:
            # in-memory analyze leaves the topology columns out when all routes are lines
            frame[column] = routes[column].tolist()
    return _conform(frame, dtypes, attrs)


def _plain_text(part: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return ``part`` with text columns missing values as None, not ``pd.NA``.

    Dask converts text to pyarrow strings, whose missing value is ``pd.NA``; read_routes
    (like pandas' default ``str`` dtype) expects None or NaN, and would name a route "<NA>".
    """
    text = [
        c for c, d in part.dtypes.items() if isinstance(d, pd.StringDtype) and d.na_value is pd.NA
    ]
    if not text:
        return part
    part = part.copy()
    for column in text:
        values = part[column]
        part[column] = values.astype(object).where(values.notna(), None)
    return part


def _empty(dtypes: dict[str, Any], attrs: dict[str, Any]) -> pd.DataFrame:
    frame = pd.DataFrame(
        {c: pd.Series([], dtype=d) for c, d in dtypes.items()},
        index=pd.Index([], dtype=str, name="id"),
    )
    frame.attrs = cast("dict[Hashable | None, Any]", dict(attrs))
    return frame


def _conform(frame: pd.DataFrame, dtypes: dict[str, Any], attrs: dict[str, Any]) -> pd.DataFrame:
    """Return ``frame`` with exactly these columns, dtypes (index: text ``id``) and attrs."""
    frame = frame[list(dtypes)]
    # Text columns: missing values stay missing (astype(str) would make None the text "None"
    # under pandas < 3).
    text = [c for c, d in dtypes.items() if d is str and frame[c].dtype != d]
    frame = frame.astype({c: d for c, d in dtypes.items() if frame[c].dtype != d and c not in text})
    for c in text:
        col = frame[c]
        frame[c] = col.astype(str).where(col.notna(), None) if col.notna().any() else col
    frame.index = frame.index.astype(str)
    frame.index.name = "id"
    frame.attrs = cast("dict[Hashable | None, Any]", dict(attrs))
    return frame.copy()  # one block per dtype: a writer's reset_index() then costs nothing


def read_routes_partitions(path: str | os.PathLike[str], *, npartitions: int | None = None) -> Any:
    """Return the routes of a (partitioned) GeoParquet dataset, validated partition by partition.

    Parameters
    ----------
    path
        A GeoParquet file, a directory of them, or a glob (``"routes/*.parquet"``); any path
        ``dask_geopandas.read_parquet`` reads (local or remote).
    npartitions
        Repartition to this many partitions (default: one per file or row group, as read).

    Returns
    -------
    dask_geopandas.GeoDataFrame
        Each partition as :func:`georoutes.read_routes` returns it for a GeoDataFrame: ``id``,
        ``name``, ``kind``, the other properties, ``id_made_up``, ``topology``, ``gaps``,
        ``overlap_km``, ``geometry`` (EPSG:4326). Invalid routes raise when their partition is
        computed.

    Examples
    --------
    >>> import tempfile, geopandas as gpd, shapely
    >>> gdf = gpd.GeoDataFrame({"id": ["a"]}, geometry=[shapely.LineString([(0, 0), (1, 1)])],
    ...                        crs="EPSG:4326")
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     gdf.to_parquet(f"{tmp}/routes.parquet")
    ...     routes = read_routes_partitions(tmp).compute(scheduler="sync")
    >>> routes[["id", "name", "topology"]].to_dict("records")
    [{'id': 'a', 'name': 'a', 'topology': 'line'}]
    """
    dask_geopandas = _require_dask()
    ddf = dask_geopandas.read_parquet(os.fspath(path))
    if npartitions is not None:
        if not isinstance(npartitions, int) or isinstance(npartitions, bool) or npartitions < 1:
            raise GeorouteError(f"npartitions: {npartitions!r} must be a whole number >= 1")
        ddf = ddf.repartition(npartitions=npartitions)
    meta = _routes_meta(ddf._meta)
    return ddf.map_partitions(
        _read_partition, meta=meta, source=os.fspath(path), enforce_metadata=False
    )


def _routes_meta(raw_meta: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return the empty validated-routes frame for raw partitions shaped like ``raw_meta``."""
    sample = raw_meta.iloc[:0].copy()
    row: dict[str, Any] = {}
    for column, dtype in sample.dtypes.items():
        row[str(column)] = _example(dtype)
    geometry = sample.geometry.name if isinstance(sample, gpd.GeoDataFrame) else "geometry"
    row[geometry] = shapely.LineString([(0, 0), (1, 1)])
    row["id"] = "x"
    one = gpd.GeoDataFrame([row], geometry=geometry, crs=getattr(sample, "crs", None))
    one = one.astype(
        {c: d for c, d in sample.dtypes.items() if c not in ("id", geometry) and str(c) in row},
        errors="ignore",
    )
    out = read_routes(one).iloc[:0]
    out.attrs = {}
    return out


def _example(dtype: Any) -> Any:
    if pd.api.types.is_bool_dtype(dtype):
        return False
    if pd.api.types.is_numeric_dtype(dtype):
        return 0
    return "x"


def _read_partition(part: gpd.GeoDataFrame, *, source: str) -> gpd.GeoDataFrame:
    if len(part) == 0:
        return _routes_meta(part)
    # read_routes marks its result validated (attrs): analyze_partitions won't check it again
    return read_routes(_plain_text(part), source=f"{source} (partition)")


def write_analysis_parquet(result_ddf: Any, path: str | os.PathLike[str]) -> int:
    """Write a partitioned analysis, flattened, as a Parquet dataset; return the routes written.

    Each partition is flattened (:func:`georoutes.flatten`) and written, by the worker that
    computed it, to its own file as soon as it is computed: memory holds a few partitions at a
    time, never the whole result.

    Parameters
    ----------
    result_ddf
        The result of :func:`analyze_partitions`.
    path
        The directory to write (``part.0.parquet``, ``part.1.parquet``, ...), created if
        needed, on a file system every worker writes to. Files of an earlier run with more
        partitions are not removed: write to a new directory.

    Returns
    -------
    int
        The number of routes written.

    Notes
    -----
    The columns are :func:`georoutes.flatten`'s, with one difference: a dataset's schema is
    fixed before any partition is computed, so there is a ``km_by_state.<CODE>`` column for
    every state of the boundary layer (0 where no route enters it), not only for the states the
    routes enter. ``topology`` is written as text, ``gaps`` as ``gaps_count`` and ``gaps_km``.

    Examples
    --------
    >>> import tempfile, dask_geopandas, geopandas as gpd, pandas as pd, shapely
    >>> line = shapely.LineString([(131.88, 43.12), (130.70, 42.30), (129.78, 41.79)])
    >>> gdf = gpd.GeoDataFrame({"id": ["a"]}, geometry=[line], crs="EPSG:4326")
    >>> lazy = analyze_partitions(dask_geopandas.from_geopandas(gdf, npartitions=1))
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     import dask
    ...     with dask.config.set(scheduler="sync"):
    ...         n = write_analysis_parquet(lazy, tmp)
    ...     flat = pd.read_parquet(tmp)
    >>> flat.loc["a", "states"], bool(flat.loc["a", "km_by_state.PRK"] > 0)
    ('RUS>PRK', True)
    """
    from .analyze import analysis_info

    meta = result_ddf._meta
    ref = meta.attrs.get("_layer_ref")
    layer = _from_ref(ref) if ref else load_boundaries(analysis_info(meta).boundaries["key"])
    codes = sorted(str(c) for c in layer["code"])
    flat_meta = _flat_meta(result_ddf._meta, codes)
    directory = Path(path)
    directory.mkdir(parents=True, exist_ok=True)
    written = result_ddf.map_partitions(
        _write_partition,
        directory=str(directory.resolve()),
        dtypes=dict(flat_meta.dtypes),
        meta=pd.Series([], dtype=np.int64),
    )
    return int(written.sum().compute())


def _flat_meta(meta: pd.DataFrame, codes: list[str]) -> pd.DataFrame:
    dtypes: dict[str, Any] = {
        "name": str,
        "kind": str,
        "length_km": np.float64,
        "states": str,
        "transit_states": str,
        "transit_states_count": np.int64,
        "crossings_count": np.int64,
        "offshore_km": np.float64,
        "high_seas_km": np.float64,
    }
    dtypes.update({f"km_by_state.{c}": np.float64 for c in codes})
    bands = [str(_num(b)) for b in meta.attrs["bands_km"]]
    for code in meta.attrs["focus"]:
        dtypes[f"exposure.{code}.inside_km"] = np.float64
        dtypes.update({f"exposure.{code}.within_km.{d}": np.float64 for d in bands})
        dtypes[f"exposure.{code}.min_distance_km"] = np.float64
    for column, dtype in meta.dtypes.items():
        if column in COLUMNS:
            continue
        if column == "gaps":
            dtypes.update(gaps_count=np.int64, gaps_km=np.float64)
        else:
            dtypes[str(column)] = dtype
    return _empty(dtypes, {})


def _write_partition(
    part: pd.DataFrame,
    *,
    directory: str,
    dtypes: dict[str, Any],
    partition_info: dict[str, Any] | None = None,
) -> pd.Series:
    """Write one partition, flattened, to ``part.<n>.parquet``; return its route count."""
    number = partition_info["number"] if partition_info else 0
    if len(part) == 0:
        flat = _empty(dtypes, {})
    else:
        flat = flatten(part)
        absent = [c for c in dtypes if c.startswith("km_by_state.") and c not in flat]
        # states no route of this partition enters: 0 km, as flatten() writes for such a state
        zeros = pd.DataFrame(0.0, index=flat.index, columns=absent)
        flat = _conform(pd.concat([flat, zeros], axis=1), dtypes, {})
    flat.to_parquet(Path(directory) / f"part.{number}.parquet", index=True)
    return pd.Series([len(flat)], dtype=np.int64)


@contextlib.contextmanager
def local_client(n_workers: int, threads_per_worker: int = 1) -> Iterator[Any]:
    """Yield a ``distributed.Client`` of a local cluster of worker processes on 127.0.0.1.

    Parameters
    ----------
    n_workers
        Worker processes (one per core is the usual choice: the engine is single-threaded).
    threads_per_worker
        Threads per worker; keep 1 unless routes are few and very long.

    Examples
    --------
    >>> with local_client(1) as client:  # doctest: +SKIP
    ...     result = analyze_partitions(read_routes_partitions("routes/")).compute()
    """
    from distributed import Client, LocalCluster

    if not isinstance(n_workers, int) or isinstance(n_workers, bool) or n_workers < 1:
        raise GeorouteError(f"n_workers: {n_workers!r} must be a whole number >= 1")
    import dask

    # No dashboard; its HTTP server (health checks) still starts, so bind it to a free port of
    # 127.0.0.1 rather than to 8787, which another cluster on the machine may hold. Workers
    # without MALLOC_TRIM_THRESHOLD_ (distributed sets 64 KiB, which turns off glibc's dynamic
    # mmap threshold: every large numpy temporary is then a fresh mmap, and the engine ran
    # ~2x slower on dense routes in a worker than in this process).
    with (
        dask.config.set({"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}),
        LocalCluster(
            n_workers=n_workers,
            threads_per_worker=threads_per_worker,
            processes=True,
            host="127.0.0.1",
            dashboard_address="127.0.0.1:0",
            scheduler_kwargs={"dashboard": False},
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


# --------------------------------------------------------------------------------------------
# In-memory routes on a cluster: analyze(workers=N) and analyze(scheduler=...)

#: Clients analyze() started or connected to, kept for the life of the process.
_CLIENTS: dict[str, Any] = {}
#: Layers a worker read from a file the client wrote for a local cluster (the newest few).
_FILES: dict[str, gpd.GeoDataFrame] = {}


def cluster_client(scheduler: Any, workers: int = 1) -> Any:
    """Return the ``distributed.Client`` that ``analyze(scheduler=..., workers=...)`` runs on.

    Parameters
    ----------
    scheduler
        A ``distributed.Client``; ``"processes"`` for a local cluster of worker processes on
        127.0.0.1 (``workers`` of them, or one per CPU); ``"tcp://HOST:PORT"`` (any address with
        ``://``) for a running scheduler; or ``None`` with ``workers`` > 1 (or 0, one per CPU)
        for a local cluster of that size.
    workers
        The size of a local cluster.

    Returns
    -------
    distributed.Client
        Started or connected once per process and kept (closed at exit).

    Raises
    ------
    GeorouteError
        ``distributed`` is not installed, the scheduler text is neither ``processes`` nor an
        address, or no scheduler answers at the address within 10 s.
    """
    _require_dask()
    from distributed import Client

    if isinstance(scheduler, Client):
        return scheduler
    if scheduler is None or scheduler == "processes":
        n = workers if workers > 1 else (os.cpu_count() or 1)
        key = f"local:{n}"
        client = _CLIENTS.get(key)
        if client is None or client.status != "running":
            client = _start_local(n)
            _CLIENTS[key] = client
        return client
    if not isinstance(scheduler, str) or "://" not in scheduler:
        raise GeorouteError(
            f"scheduler: {scheduler!r} is neither 'processes' (a local cluster) nor the "
            "address of a Dask scheduler such as tcp://10.0.0.5:8786"
        )
    client = _CLIENTS.get(scheduler)
    if client is None or client.status != "running":
        try:
            client = Client(scheduler, timeout="10s", set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise GeorouteError(
                f"scheduler: no Dask scheduler answered at {scheduler} within 10 s ({exc}); "
                "start one with `dask scheduler` and workers with `dask worker ADDRESS`"
            ) from exc
        _CLIENTS[scheduler] = client
    return client


def _start_local(n_workers: int) -> Any:
    stack = contextlib.ExitStack()
    try:
        client = stack.enter_context(local_client(n_workers))
    except RuntimeError as exc:
        stack.close()
        raise GeorouteError(
            f"could not start a local cluster of {n_workers} worker processes ({exc}). Worker "
            "processes are spawned and import the main module: in a script, call analyze() "
            "under `if __name__ == '__main__':`"
        ) from exc
    client.__dict__["_georoutes_stack"] = stack
    atexit.register(_close, client)
    return client


def close_clients() -> None:
    """Close the clusters and connections ``analyze(workers=..., scheduler=...)`` kept open."""
    while _CLIENTS:
        _, client = _CLIENTS.popitem()
        if "_georoutes_stack" in client.__dict__:
            _close(client)
        else:
            with contextlib.suppress(Exception):
                client.close()


def _close(client: Any) -> None:
    stack = client.__dict__.pop("_georoutes_stack", None)
    if stack is not None:
        with contextlib.suppress(Exception):
            stack.close()


def _is_local(client: Any) -> bool:
    """Whether every worker of ``client`` runs on this machine (so it reads our temp files)."""
    hosts = {
        str(addr).split("://")[-1].rsplit(":", 1)[0] for addr in client.scheduler_info()["workers"]
    }
    return bool(hosts) and hosts <= {"127.0.0.1", "localhost", "::1", "[::1]"}


def _plain_attrs(attrs: Mapping[Hashable, Any]) -> dict[str, Any]:
    return {str(k): v for k, v in attrs.items() if isinstance(v, (str, int, float, bool))}


def _layer_ref(
    layer: gpd.GeoDataFrame, local: bool, tmp: Path | None
) -> tuple[str, str, dict[str, Any]]:
    """Return how a worker gets ``layer``: by key, or (local cluster) from a file written here."""
    key = layer.attrs.get("key")
    how = {c: layer.attrs[c] for c in ("code_column", "name_column") if c in layer.attrs}
    with contextlib.suppress(GeorouteError, OSError):
        if key and load_boundaries(str(key), **how) is layer:  # the very layer it loads
            return ("key", _layer_key(str(key)), how)
    if not local or tmp is None:
        raise GeorouteError(_NOT_BY_KEY)  # a remote worker loads a layer by name or path
    path = tmp / "boundaries.parquet"
    layer.to_parquet(path)
    return ("file", str(path), _plain_attrs(layer.attrs))


def _waters_ref(
    user: gpd.GeoDataFrame | None, local: bool, tmp: Path
) -> tuple[str, str, dict[str, Any]] | None:
    """Return how a worker gets a user's waters layer (``None``: the shipped model)."""
    if user is None:
        return None
    source = user.attrs.get("file")
    if source:
        column = str(user.attrs.get("code_column", "code"))
        return ("waters", str(Path(str(source)).resolve()), {"code_column": column})
    if not local:
        raise GeorouteError(
            "waters_layer: a GeoDataFrame cannot be sent to the workers of a remote cluster; "
            "pass the path of the file, readable by every worker"
        )
    path = tmp / "waters.parquet"
    user.to_parquet(path)
    return ("file", str(path), _plain_attrs(user.attrs))


def _from_ref(ref: tuple[str, str, dict[str, Any]]) -> gpd.GeoDataFrame:
    """Return the layer a task refers to (in a worker; each read once per process)."""
    kind, value, attrs = ref
    if kind == "key":
        return load_boundaries(value, **attrs)
    if kind == "waters":
        from .waters import read_waters_layer

        return read_waters_layer(value, code_column=str(attrs["code_column"]))
    frame = _FILES.get(value)
    if frame is None:
        frame = gpd.read_parquet(value)
        frame.attrs.update(attrs)
        while len(_FILES) >= 4:
            _FILES.pop(next(iter(_FILES)))
        _FILES[value] = frame
    return frame


def _rows_task(
    routes: gpd.GeoDataFrame,
    layer_ref: tuple[str, str, dict[str, Any]],
    waters_ref: tuple[str, str, dict[str, Any]] | None,
    waters: str,
    focus: list[str],
    bands_km: tuple[float, ...],
    min_piece_km: float,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Return analyze's per-route summaries and exposures of one block (in a worker)."""
    from .analyze import _analyze_rows

    layer = _from_ref(layer_ref)
    user = _from_ref(waters_ref) if waters_ref is not None else None
    zoned, _, _ = resolve_waters(layer, waters, user)
    return _analyze_rows(routes, layer, focus, bands_km, min_piece_km, zoned)


def analyze_rows_on_cluster(
    client: Any,
    gdf: gpd.GeoDataFrame,
    layer: gpd.GeoDataFrame,
    user_waters: gpd.GeoDataFrame | None,
    waters: str,
    focus: list[str],
    bands_km: tuple[float, ...],
    min_piece_km: float,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Return ``analyze``'s per-route rows of in-memory routes, computed on ``client``'s workers.

    The routes go in blocks: the engine's batches of 2,000 routes when there are at least two
    per worker (the rows are then bit-identical to those computed in this process), else four
    blocks per worker (equal to ~1e-12 relative: a route's positions are sums along its
    batch). The layers go by key (a shipped name or a file every worker reads) or, for a
    local cluster, through a temporary file each worker reads once. Rows come back in order.
    """
    import tempfile

    from .analyze import _BATCH_ROUTES

    n_workers = max(1, len(client.scheduler_info()["workers"]))
    n = len(gdf)
    if -(-n // _BATCH_ROUTES) >= 2 * n_workers:
        # Blocks on the engine's own batch boundaries: every figure bit-identical to this
        # process's (positions along a batch are summed over the batch).
        bounds = np.r_[np.arange(0, n, _BATCH_ROUTES), n]
    else:  # a small job: finer blocks keep every worker busy (figures equal to ~1e-12)
        bounds = np.linspace(0, n, min(n, 4 * n_workers) + 1).astype(int)
    local = _is_local(client)
    with tempfile.TemporaryDirectory(prefix="georoutes-") as tmp:
        layer_ref = _layer_ref(layer, local, Path(tmp))
        waters_ref = _waters_ref(user_waters, local, Path(tmp))
        futures = [
            client.submit(
                _rows_task,
                gdf.iloc[lo:hi],
                layer_ref,
                waters_ref,
                waters,
                focus,
                bands_km,
                min_piece_km,
                pure=False,
            )
            for lo, hi in zip(bounds[:-1], bounds[1:], strict=True)
            if hi > lo
        ]
        parts = client.gather(futures)
    summaries = [s for part in parts for s in part[0]]
    expo = [e for part in parts for e in part[1]]
    return summaries, expo
