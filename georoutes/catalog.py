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
import math
import tomllib
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from ._data import layer_file, seeds_dir
from .chainage import calibrate
from .errors import RouteFileError

__all__ = [
    "builtin_routes",
    "catalog",
    "catalog_paths",
    "corridor_routes",
    "corridors",
    "drawn_vs_published_pct",
    "places",
    "published_length_km",
    "seed_facts",
    "sources",
]

#: Route layers of the catalog, in the order their rows appear.
ROUTE_FILES = ("pipelines.geojson", "rail.geojson", "shipping.geojson")


def catalog_paths() -> list[Path]:
    """Return the paths of the built-in route layers that exist (shipping may be absent)."""
    folder = layer_file("routes")
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
    path = layer_file("places", "places.geojson")
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
    path = layer_file("routes", "corridors.toml")
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


def corridor_routes(
    corridor_ids: list[str] | None = None, *, routes: gpd.GeoDataFrame | None = None
) -> gpd.GeoDataFrame:
    """Return corridors as routes: one MultiLineString per corridor, one part per leg.

    Each leg is the stretch of its route between the leg's ``from`` and ``to`` places (the
    places' nearest points on the route line), reversed when the corridor runs the route
    backwards. :func:`georoutes.analyze` measures such a row like any route, so its km per state,
    crossings and exposure are the sums over its legs (the gaps between legs — a station
    transfer, a short bridge — are not counted).

    Columns: ``id``, ``name``, ``kind`` (the corridor's mode), ``legs`` (route ids in order),
    ``transfers``, ``origin``, ``destination``, ``sources``, geometry (EPSG:4326).
    """
    import shapely
    from shapely.ops import substring

    from .errors import GeorouteError

    table = corridors()
    wanted = list(table) if corridor_ids is None else list(corridor_ids)
    lines = catalog() if routes is None else routes
    pts = places()
    rows = []
    for cid in wanted:
        if cid not in table:
            raise GeorouteError(
                f"corridors: unknown corridor {cid!r}; known: {', '.join(sorted(table))}"
            )
        item = table[cid]
        parts = []
        for n, leg in enumerate(item["legs"]):
            rid = leg["route"]
            if rid not in lines.index:
                raise GeorouteError(
                    f"corridors.toml: corridor {cid!r} leg {n}: unknown route {rid!r}"
                )
            geom = shapely.line_merge(lines.loc[rid, "geometry"])
            if geom.geom_type != "LineString":
                raise GeorouteError(
                    f"corridors.toml: corridor {cid!r} leg {n}: route {rid!r} "
                    "is not one continuous line"
                )
            # Positions along the line in its own (lon, lat) parameter: only to find where the
            # leg starts and ends; lengths are measured geodesically by analyze.
            a = 0.0 if "from" not in leg else geom.project(pts.loc[leg["from"], "geometry"])
            b = geom.length if "to" not in leg else geom.project(pts.loc[leg["to"], "geometry"])
            piece = substring(geom, min(a, b), max(a, b))
            if a > b:
                piece = shapely.reverse(piece)
            parts.append(piece)
        rows.append(
            {
                "id": cid,
                "name": item.get("name", cid),
                "kind": item.get("mode"),
                "legs": [leg["route"] for leg in item["legs"]],
                "transfers": item.get("transfers", []),
                "origin": item.get("origin"),
                "destination": item.get("destination"),
                "sources": item.get("sources", []),
                "status": item.get("status", "concept"),
                "geometry": shapely.MultiLineString(parts),
            }
        )
    frame = gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")
    frame.index = pd.Index(frame["id"].to_list())
    return frame


def builtin_routes() -> gpd.GeoDataFrame:
    """Return every built-in route followed by every corridor, ready for :func:`analyze`.

    Routes with published km posts (``seeds/km_posts.toml``) come calibrated
    (:func:`georoutes.chainage.calibrate`): the analysis gives their track km beside the drawn
    km. Corridors are not calibrated (their legs count from different origins).
    """
    routes = catalog()
    legs = corridor_routes(routes=routes)
    legs["calibrated"] = False
    legs["km_posts"] = [[] for _ in range(len(legs))]
    both = pd.concat([calibrate(routes), legs])
    return gpd.GeoDataFrame(both.reset_index(drop=True), geometry="geometry", crs="EPSG:4326")


# How a drawn route's length compares with the length a source publishes for it: lines drawn
# station to station miss the track's windings (see georoutes.chainage for track km).


def published_length_km(value: object) -> float | None:
    """Return a route's ``published_length_km`` property as km, or None when it has none.

    Missing, non-numeric, NaN and non-positive values all mean "no published length".

    Examples
    --------
    >>> published_length_km(9289), published_length_km(None), published_length_km("n/a")
    (9289.0, None, None)
    """
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) and number > 0 else None


def drawn_vs_published_pct(length_km: float, published_km: float | None) -> float | None:
    """Return how much longer (+) or shorter (-) the drawn line is than published, in % (0.1).

    Parameters
    ----------
    length_km
        The drawn line's geodesic length, km.
    published_km
        The published length, km (None: no published length, so no comparison).

    Examples
    --------
    >>> drawn_vs_published_pct(8_800.0, 9_289.0)
    -5.3
    >>> drawn_vs_published_pct(100.0, None) is None
    True
    """
    if published_km is None:
        return None
    return round(100.0 * (length_km / published_km - 1), 1)
