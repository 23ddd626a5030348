"""Locate the data shipped with georoutes, installed (inside the wheel) or in a source checkout."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

__all__ = ["layers_dir", "seeds_dir"]

_REPO = Path(__file__).resolve().parent.parent


@cache
def _package_dir(package: str, repo_folder: str) -> Path:
    # Installed, the folders are the packages ``georoutes.layers`` / ``georoutes.seeds``; in a
    # source checkout that imports ./georoutes directly they are plain folders beside it.
    try:
        path = Path(str(resources.files(package)))
    except ModuleNotFoundError:
        path = _REPO / repo_folder
    return path


def layers_dir() -> Path:
    """Return the folder holding ``boundaries/``, ``routes/`` and ``places/``."""
    return _package_dir("georoutes.layers", "layers")


def seeds_dir() -> Path:
    """Return the folder holding the structured facts (``*.toml``) with their citations."""
    return _package_dir("georoutes.seeds", "seeds")
