"""Writing output files so that they are never half-written (temporary sibling, then rename)."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, Any

__all__ = ["open_atomic", "write_bytes_atomic", "write_files_atomic"]


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
        handle: IO[Any] = (os.fdopen(fd, "wb") if binary
                           else os.fdopen(fd, "w", encoding="utf-8", newline=""))
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
