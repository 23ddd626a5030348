"""The built-in route catalog of the seed scenario: routes, places, corridors and their sources.

The data live in ``layers/`` (``routes/*.geojson``, ``routes/corridors.toml``,
``places/places.geojson``) and ``seeds/`` (``*.toml``); ``scripts/build_catalog.py`` rebuilds
the pipeline and rail layers from their definitions. Every route names the places it runs
through (``places``), how its line was drawn (``accuracy``), and the seed keys of the facts it
rests on (``sources``, ``published_length_source``).

Examples
--------
>>> from georoutes.catalog import catalog, corridors
>>> routes = catalog()
>>> routes.loc["rail-khasan-rajin", "declared_states"]
['RUS', 'PRK']
>>> [leg["route"] for leg in corridors()["corridor-busan-europe-tsr"]["legs"]][-1]
'rail-trans-siberian'
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from ._data import layers_dir, seeds_dir
from .errors import RouteFileError

__all__ = ["catalog", "catalog_paths", "corridors", "places", "seed_facts", "sources"]

#: Route layers of the catalog, in the order their rows appear.
ROUTE_FILES = ("pipelines.geojson", "rail.geojson", "shipping.geojson")


def catalog_paths() -> list[Path]:
    """Return the paths of the built-in route layers that exist (shipping may be absent)."""
    folder = layers_dir() / "routes"
    return [folder / name for name in ROUTE_FILES if (folder / name).is_file()]


def _read_features(path: Path) -> list[dict[str, Any]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RouteFileError(f"{path}: cannot read the catalog layer: {exc}") from exc
    features = data.get("features")
    if not isinstance(features, list):
        raise RouteFileError(f"{path}: not a GeoJSON FeatureCollection")
    return features


def catalog() -> gpd.GeoDataFrame:
    """Return every built-in route as a GeoDataFrame in EPSG:4326, indexed by route id.

    The ``id`` column is kept as well (the index is the same values, unnamed). List and
    dict properties (``declared_states``, ``places``, ``modes``, ``sources``...) stay Python
    lists and dicts. Columns a layer lacks are missing values in its rows.
    """
    features: list[dict[str, Any]] = []
    for path in catalog_paths():
        features.extend(_read_features(path))
    frame = gpd.GeoDataFrame.from_features(features, crs="EPSG:4326")
    first = ["id", "name", "kind", "status"]
    frame = frame[first + [c for c in frame.columns if c not in first]]
    duplicated = frame["id"][frame["id"].duplicated()]
    if not duplicated.empty:
        raise RouteFileError(f"catalog: route id {duplicated.iloc[0]!r} appears twice")
    frame.index = pd.Index(frame["id"].to_list())
    return frame


def places() -> gpd.GeoDataFrame:
    """Return the catalog's places (stations, ports, border posts...) as points, indexed by id.

    Columns: ``id``, ``name``, ``name_local``, ``state`` (ADM0_A3 code), ``kind``, ``source``
    (where the coordinate comes from), ``notes``, geometry (EPSG:4326).
    """
    path = layers_dir() / "places" / "places.geojson"
    frame = gpd.GeoDataFrame.from_features(_read_features(path), crs="EPSG:4326")
    frame.index = pd.Index(frame["id"].to_list())
    return frame


def corridors() -> dict[str, dict[str, Any]]:
    """Return the catalog's corridors, by id, as plain dicts.

    Each corridor has ``id``, ``name``, ``mode``, ``origin``, ``destination``, ``legs`` (list of
    ``{"route", "from", "to"}``; ``from``/``to`` are place ids, absent when the whole route is
    used in its drawn direction) and ``transfers`` (what happens after leg ``after``: gauge break,
    border bridge, mode change).
    """
    path = layers_dir() / "routes" / "corridors.toml"
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    out: dict[str, dict[str, Any]] = {}
    for raw in data.get("corridor", []):
        item = dict(raw)
        item["legs"] = item.pop("leg", [])
        item["transfers"] = item.pop("transfer", [])
        out[item["id"]] = item
    return out


def seed_facts() -> dict[str, dict[str, Any]]:
    """Return every seed fact and source, by key, from all ``seeds/*.toml`` files.

    Each entry is the TOML table plus ``file`` (the seed file's name). Tables without a
    ``key`` (e.g. a file's ``[document]`` header) are left out.
    """
    facts: dict[str, dict[str, Any]] = {}
    for path in sorted(seeds_dir().glob("*.toml")):
        with path.open("rb") as fh:
            data = tomllib.load(fh)
        for name, table in data.items():
            if isinstance(table, dict) and "key" in table:
                facts[str(table["key"])] = {**table, "file": path.name, "table": name}
    return facts


def sources() -> list[dict[str, Any]]:
    """Return the public sources used by the catalog (``seeds/sources.toml``), one dict each."""
    return [fact for fact in seed_facts().values() if fact["file"] == "sources.toml"]
