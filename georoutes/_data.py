"""The one accessor of the data shipped with georoutes: ``layers/`` and ``seeds/``.

Installed, the folders sit inside the package (``georoutes/layers``, ``georoutes/seeds``: the
wheel maps them there); in a source checkout they are the repository's top-level folders. They
are data, not Python packages: read them only through these functions.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

__all__ = ["layer_file", "layers_dir", "seed_file", "seeds_dir"]

_PACKAGE = Path(__file__).resolve().parent


@cache
def _folder(name: str) -> Path:
    installed = _PACKAGE / name
    if installed.is_dir():
        return installed
    return _PACKAGE.parent / name


def layers_dir() -> Path:
    """Return the folder holding ``boundaries/``, ``routes/`` and ``places/``."""
    return _folder("layers")


def seeds_dir() -> Path:
    """Return the folder holding the structured facts (``*.toml``) with their citations."""
    return _folder("seeds")


def layer_file(*parts: str) -> Path:
    """Return the path of a shipped layer file, e.g. ``layer_file("places", "places.geojson")``."""
    return layers_dir().joinpath(*parts)


def seed_file(name: str) -> Path:
    """Return the path of a seed file, e.g. ``seed_file("economics.toml")``."""
    return seeds_dir() / name
