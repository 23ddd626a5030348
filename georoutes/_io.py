"""Writing output files so that they are never half-written (temporary sibling, then rename)."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, Any

__all__ = ["open_atomic", "read_vector", "write_bytes_atomic", "write_files_atomic"]


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _temp_for(target: Path, *, make_dirs: bool = True) -> tuple[int, str]:
    if make_dirs:
        target.parent.mkdir(parents=True, exist_ok=True)
    return tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)


@contextlib.contextmanager
def open_atomic(path: str | os.PathLike[str], *, binary: bool = False) -> Iterator[IO[Any]]:
    """Yield a file whose content replaces ``path`` only if the block succeeds.

    The folder is created if needed; the file gets the permissions a plain ``open`` would give
    (``mkstemp`` makes 0600 files).
    """
    target = Path(path)
    fd, tmp = _temp_for(target)
    try:
        handle: IO[Any] = (
            os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="")
        )
        with handle as f:
            yield f
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_bytes_atomic(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically and return the path."""
    with open_atomic(path, binary=True) as f:
        f.write(data)
    return Path(path)


def write_files_atomic(files: Mapping[Path, str]) -> None:
    """Write several text files: all to temporaries first, then all moved in place.

    Their folders must exist: a missing one fails the whole set before any file is replaced.
    """
    temps: list[tuple[str, Path]] = []
    try:
        for path, text in files.items():
            fd, temp = _temp_for(Path(path), make_dirs=False)
            temps.append((temp, Path(path)))
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
                f.write(text)
            os.chmod(temp, 0o666 & ~_umask())
        for temp, path in temps:
            os.replace(temp, path)
    finally:
        for temp, _ in temps:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temp)


def read_vector(path: Path, *, source: str, error: type[Exception], what: str) -> Any:
    """Return the GeoDataFrame in a vector file, or raise ``error`` with one plain sentence.

    ``what`` names what the file should be (``"a routes layer"``, ``"a boundary layer"``). A
    file GDAL or arrow cannot read, a table with no geometry (a CSV, a spreadsheet) and a
    Parquet file without GeoParquet metadata are each reported as ``<source>: ...``, never with
    the libraries' own advice or a traceback.
    """
    import geopandas as gpd

    suffix = path.suffix.lower()
    try:
        if suffix in {".parquet", ".geoparquet"}:
            data = gpd.read_parquet(path)
        else:
            data = gpd.read_file(path)
    except Exception as exc:  # GDAL / arrow raise many types; the first line is the cause
        text = str(exc).strip()
        first = text.splitlines()[0].strip() if text else type(exc).__name__
        if "geo metadata" in text.lower() or "'geo' metadata" in text.lower():
            first = (
                "a Parquet file without GeoParquet metadata (no 'geo' key): write it with "
                "GeoDataFrame.to_parquet, or give GeoJSON or GeoPackage"
            )
        raise error(f"{source}: cannot read as {what}: {first}") from exc
    try:
        has_geometry = isinstance(data, gpd.GeoDataFrame) and data.geometry is not None
    except AttributeError:  # a GeoDataFrame whose active geometry column is missing
        has_geometry = False
    if not has_geometry:
        cols = [str(c) for c in getattr(data, "columns", [])][:8]
        shown = f" (columns: {', '.join(cols)})" if cols else ""
        raise error(
            f"{source}: cannot read as {what}: the file has no geometry{shown}; "
            "give GeoJSON, GeoPackage, Shapefile or GeoParquet"
        )
    return data
