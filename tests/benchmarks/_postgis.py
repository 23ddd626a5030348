"""A throwaway PostgreSQL + PostGIS cluster for the benchmarks, on 127.0.0.1.

``PostGIS.start()`` finds ``initdb``/``postgres``/``psql`` (under ``/usr/lib/postgresql/*/bin``
or on ``PATH``), creates a cluster in a temporary directory, starts the server as a child of
this process listening on 127.0.0.1 only, on a free port, and creates the ``postgis``
extension. Run as root, it runs initdb and the server as the ``postgres`` user (PostgreSQL
refuses to run as root), with the directory chowned to it. ``stop()`` shuts the server down
(fast shutdown), waits for it and removes the directory. Everything goes
through ``psql`` subprocesses (data by ``COPY ... FROM STDIN`` of hex EWKB), so no Python
driver is needed. The cluster is a benchmark fixture: trust authentication, fsync off.

On Debian/Ubuntu: ``apt-get install -y postgresql postgis``.

    with PostGIS.start() as pg:
        pg.load_boundaries(layer)            # seconds
        pg.prepare_boundaries(256)           # ST_Subdivide + GiST index, seconds
        pg.load_routes(routes)               # seconds
        km, seconds, backend_mb = pg.km_per_state()
"""

from __future__ import annotations

import atexit
import glob
import io
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import shapely

__all__ = ["PostGIS", "PostGISUnavailableError", "find_binaries"]


class PostGISUnavailableError(RuntimeError):
    """No usable PostgreSQL with PostGIS on this machine (the message says why)."""


_PROGRAMS = ("initdb", "postgres", "psql")


def _version_key(path: str) -> tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", path)) or (0,)


def find_binaries() -> dict[str, Path]:
    """Return the paths of ``initdb``, ``postgres`` and ``psql`` (newest install first)."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version_key, reverse=True)
    candidates += sorted(glob.glob("/usr/pgsql-*/bin"), key=_version_key, reverse=True)
    for bindir in candidates:
        found = {name: Path(bindir) / name for name in _PROGRAMS}
        if all(p.exists() for p in found.values()):
            return found
    found = {}
    for name in _PROGRAMS:
        hit = shutil.which(name)
        if hit is None:
            raise PostGISUnavailableError(
                f"no {name} found on PATH or under /usr/lib/postgresql/*/bin "
                "(Debian/Ubuntu: apt-get install -y postgresql postgis)"
            )
        found[name] = Path(hit)
    return found


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


_SETTINGS = """
listen_addresses = '127.0.0.1'
port = {port}
unix_socket_directories = '{sockdir}'
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 256MB
work_mem = 64MB
maintenance_work_mem = 256MB
max_wal_size = 4GB
jit = off
max_parallel_workers_per_gather = {parallel}
logging_collector = off
"""


class PostGIS:
    """A running throwaway cluster; use :meth:`start` (a context manager, too)."""

    def __init__(
        self,
        bins: dict[str, Path],
        root: Path,
        port: int,
        run_as: pwd.struct_passwd | None,
        user: str = "bench",
    ) -> None:
        self.bins = bins
        self.root = root
        self.data = root / "data"
        self.port = port
        self.run_as = run_as
        self.user = user
        self.version = ""
        self.postgis_version = ""
        self._server: subprocess.Popen[bytes] | None = None

    # -- lifecycle -------------------------------------------------------------------------

    @classmethod
    def start(cls, *, parallel_workers: int = 0, timeout: float = 60.0) -> PostGIS:
        """Create and start a cluster; raise :class:`PostGISUnavailableError` if that fails.

        ``parallel_workers`` is ``max_parallel_workers_per_gather`` (0: the query runs in one
        process, as the other methods of the benchmark do).
        """
        bins = find_binaries()
        run_as = None
        if os.geteuid() == 0:
            try:
                run_as = pwd.getpwnam("postgres")
            except KeyError as exc:
                raise PostGISUnavailableError(
                    "running as root and there is no 'postgres' user to run the server as"
                ) from exc
        root = Path(tempfile.mkdtemp(prefix="georoutes-pg-"))
        if run_as is not None:
            os.chown(root, run_as.pw_uid, run_as.pw_gid)
        self = cls(bins, root, _free_port(), run_as)
        try:
            subprocess.run(
                [
                    str(bins["initdb"]),
                    "-D",
                    str(self.data),
                    "-U",
                    self.user,
                    "--auth=trust",
                    "--encoding=UTF8",
                    "--no-locale",
                    "--no-sync",
                ],
                check=True,
                capture_output=True,
                text=True,
                timeout=timeout,
                cwd=self.root,
                **self._as_server_user(),
            )
            with open(self.data / "postgresql.conf", "a", encoding="utf-8") as conf:
                conf.write(
                    _SETTINGS.format(
                        port=self.port, sockdir=self.root, parallel=int(parallel_workers)
                    )
                )
            self._start_server(timeout)
            self.psql("CREATE EXTENSION postgis;")
            self.version = self.psql("SHOW server_version;").strip()
            self.postgis_version = self.psql("SELECT postgis_lib_version();").strip()
        except BaseException as exc:
            log = self._log_tail()
            self.stop()
            if isinstance(exc, (subprocess.SubprocessError, RuntimeError, OSError)):
                detail = str(getattr(exc, "stderr", "") or exc).strip()[-500:]
                raise PostGISUnavailableError(
                    f"could not start PostgreSQL/PostGIS: {detail}{log}"
                ) from exc
            raise
        return self

    def _as_server_user(self) -> dict[str, Any]:
        if self.run_as is None:
            return {}
        return {
            "user": self.run_as.pw_uid,
            "group": self.run_as.pw_gid,
            "extra_groups": [],
            "env": {
                **os.environ,
                "HOME": self.run_as.pw_dir,
                "USER": "postgres",
                "LOGNAME": "postgres",
            },
        }

    def _start_server(self, timeout: float) -> None:
        # The server is this process's child (not daemonised by pg_ctl) in its process
        # group, so stop() can wait for it, and Ctrl-C stops it too.
        with open(self.root / "server.log", "wb") as log:
            self._server = subprocess.Popen(
                [str(self.bins["postgres"]), "-D", str(self.data)],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                cwd=self.root,
                **self._as_server_user(),
            )
        atexit.register(self.stop)  # also when the caller forgets stop() or is interrupted
        deadline = time.monotonic() + timeout
        while True:
            if self._server.poll() is not None:
                raise RuntimeError(f"postgres exited with status {self._server.returncode}")
            try:
                self.psql("SELECT 1;", timeout=10)
                return
            except RuntimeError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def stop(self) -> None:
        """Stop the server (if running) and remove the cluster's directory."""
        server, self._server = self._server, None
        atexit.unregister(self.stop)
        # Not to be cut short by a second Ctrl-C / SIGTERM.
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
        try:
            if server is not None and server.poll() is None:
                server.send_signal(signal.SIGINT)  # fast shutdown
                try:
                    server.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    server.kill()
                    server.wait()
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)

    def __enter__(self) -> PostGIS:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _log_tail(self) -> str:
        try:
            text = (self.root / "server.log").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "; server log: " + " | ".join(text.strip().splitlines()[-5:])

    # -- SQL -------------------------------------------------------------------------------

    def psql(self, sql: str, *, stdin: str | None = None, timeout: float | None = None) -> str:
        """Run ``sql`` (then ``stdin``, the rows of a ``COPY ... FROM STDIN``) and return
        psql's unaligned, tuples-only output."""
        cmd = [
            str(self.bins["psql"]),
            "-X",
            "-q",
            "-A",
            "-t",
            "-v",
            "ON_ERROR_STOP=1",
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-U",
            self.user,
            "-d",
            "postgres",
        ]
        script = sql if stdin is None else sql.rstrip() + "\n" + stdin + "\\.\n"
        out = subprocess.run(
            cmd, input=script, capture_output=True, text=True, check=False, timeout=timeout
        )
        if out.returncode != 0:
            raise RuntimeError(f"psql failed ({out.returncode}): {out.stderr.strip()[-2000:]}")
        return out.stdout

    @staticmethod
    def _copy_rows(keys: list[Any], geoms: Any) -> str:
        geoms = shapely.set_srid(np.asarray(geoms, dtype=object), 4326)
        hexes = shapely.to_wkb(geoms, hex=True, include_srid=True)
        buf = io.StringIO()
        for key, h in zip(keys, hexes, strict=True):
            buf.write(f"{key}\t{h}\n")
        return buf.getvalue()

    def load_boundaries(self, layer: Any) -> float:
        """Load a boundary layer (``code``, ``geometry``) into ``boundaries``; return seconds."""
        rows = self._copy_rows(list(layer["code"]), layer.geometry.values)
        t0 = time.perf_counter()
        self.psql(
            "DROP TABLE IF EXISTS boundaries, boundaries_sub;\n"
            "CREATE UNLOGGED TABLE boundaries (code text NOT NULL, "
            "geom geometry(Geometry, 4326) NOT NULL);\n"
            "COPY boundaries (code, geom) FROM STDIN;",
            stdin=rows,
        )
        return time.perf_counter() - t0

    def prepare_boundaries(self, max_vertices: int = 256) -> float:
        """Build ``boundaries_sub`` (ST_Subdivide) and its GiST index; return seconds."""
        t0 = time.perf_counter()
        self.psql(
            "DROP TABLE IF EXISTS boundaries_sub;\n"
            "CREATE UNLOGGED TABLE boundaries_sub AS\n"
            f"  SELECT code, ST_Subdivide(geom, {int(max_vertices)}) AS geom "
            "FROM boundaries;\n"
            "CREATE INDEX boundaries_sub_gix ON boundaries_sub USING gist (geom);\n"
            "ANALYZE boundaries_sub;"
        )
        return time.perf_counter() - t0

    def count(self, table: str) -> int:
        """Return the number of rows of ``table``."""
        return int(self.psql(f"SELECT count(*) FROM {table};").strip())

    def load_routes(self, routes: Any) -> float:
        """Load routes into ``routes`` (``rid`` = row position); return seconds."""
        rows = self._copy_rows(list(range(len(routes))), routes.geometry.values)
        t0 = time.perf_counter()
        self.psql(
            "DROP TABLE IF EXISTS routes;\n"
            "CREATE UNLOGGED TABLE routes (rid integer PRIMARY KEY, "
            "geom geometry(Geometry, 4326) NOT NULL);\n"
            "COPY routes (rid, geom) FROM STDIN;\n",
            stdin=rows,
        )
        self.psql("ANALYZE routes;")
        return time.perf_counter() - t0

    KM_PER_STATE_SQL = (
        "SELECT r.rid, b.code,\n"
        "       sum(ST_Length(ST_CollectionExtract(ST_Intersection(r.geom, b.geom), 2)"
        "::geography)) / 1000.0 AS km\n"
        "FROM routes r JOIN boundaries_sub b ON ST_Intersects(r.geom, b.geom)\n"
        "GROUP BY r.rid, b.code"
    )

    def km_per_state(self) -> tuple[pd.DataFrame, float, float]:
        """Run the km-per-state query on ``routes``.

        Returns the long table (``rid``, ``code``, ``km``), the seconds the query took
        (psql start and result transfer included: a few ms), and the peak RSS in MB of the
        backend that ran it (its ``VmHWM``).
        """
        t0 = time.perf_counter()
        out = self.psql(
            f"COPY ({self.KM_PER_STATE_SQL}) TO STDOUT WITH (FORMAT csv);\n"
            "SELECT 'VmHWM', pg_read_file('/proc/self/status');"
        )
        seconds = time.perf_counter() - t0
        csv_part, _, status = out.partition("VmHWM|")
        match = re.search(r"VmHWM:\s+(\d+)\s+kB", status)
        backend_mb = int(match.group(1)) / 1024 if match else float("nan")
        frame = pd.read_csv(
            io.StringIO(csv_part),
            names=["rid", "code", "km"],
            dtype={"rid": np.int64, "code": str, "km": np.float64},
        )
        return frame, seconds, backend_mb
