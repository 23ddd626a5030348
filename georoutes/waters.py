"""Territory at sea: the maritime layers and the zone model the engine measures with.

``waters`` says what a state's territory is:

``"land"``
    its land only (the boundary layer as it is): the figures of georoutes before maritime
    zones existed.
``"territorial"``
    its land and its territorial sea (12 nm, from OpenStreetMap's maritime boundaries). The
    default for the shipped boundary layers: in law a state's territory includes its
    territorial sea (UNCLOS art. 2), and a line laid there needs the coastal state's consent.
``"eez"``
    land, territorial sea and exclusive economic zone (200 nm). The shipped EEZ is *modelled*,
    not the legal boundary: the sea within 200 nm of the coast, split between neighbours by
    equidistance (``layers/waters/PROVENANCE.md``). A user's own EEZ layer (e.g. Marine
    Regions) replaces it with ``waters_layer=``.

Whatever ``waters`` is (except ``"land"``), every route is measured against all three zones,
so ``km_by_zone`` always gives land, territorial-sea and EEZ km per state. The engine works on
two layers built here from the land layer and the maritime layers:

*zones*
    one row per (state, zone): the land rows first, in the land layer's order, then the
    territorial seas, then the EEZs; where rows overlap the first wins, so land beats sea and
    territorial sea beats EEZ.
*territory*
    one row per state: its zones under ``waters`` as one MultiPolygon (the parts side by side,
    not unioned: distances and containment are the same, and it costs nothing to build).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely

from ._data import layer_file
from .boundaries import polygonal, read_polygon_features
from .errors import BoundaryError, GeorouteError
from .transit import RIVER_KM, RouteRuns

IntArray = npt.NDArray[np.int64]

__all__ = [
    "DEFAULT_WATERS",
    "SEA_KINDS",
    "WATERS",
    "WATERS_LAYERS",
    "ZONES",
    "Zoned",
    "check_waters",
    "default_waters",
    "load_waters",
    "read_waters_layer",
    "resolve_waters",
    "run_zones",
    "sea_routes",
    "territory_runs",
    "zone_summaries",
    "zoned_layers",
]

WATERS = ("land", "territorial", "eez")
"""The territory models ``analyze(waters=...)`` accepts."""

ZONES = ("land", "territorial", "eez")
"""The zones of ``km_by_zone``, from the coast outwards."""

DEFAULT_WATERS = "territorial"
"""The model used with the shipped boundary layers when ``waters`` is not given."""

SEA_KINDS = frozenset({"sea", "shipping", "lng", "ship", "ferry", "maritime", "tanker"})


def sea_routes(routes: pd.DataFrame) -> npt.NDArray[np.bool_]:
    """Return which routes are sea routes: their ``kind`` (any case, spaces) is a SEA_KINDS."""
    kinds = routes["kind"].astype(str).str.strip().str.lower()
    return np.asarray(kinds.isin(SEA_KINDS).to_numpy(), dtype=bool)


"""Route kinds that cannot be on land: where such a route's drawn line clips land (an islet,
a cape the lane was drawn across), that stretch counts as the state's territorial sea."""

WATERS_LAYERS: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        "territorial": MappingProxyType(
            {
                "file": "territorial.parquet",
                "name": "Territorial seas (12 nm), OpenStreetMap maritime boundaries",
                "version": "geo-maps countries-maritime-10m 0.6.0",
                "attribution": "© OpenStreetMap contributors (ODbL)",
            }
        ),
        "eez": MappingProxyType(
            {
                "file": "eez_model.parquet",
                "name": "Exclusive economic zones (200 nm), modelled: not the legal boundary",
                "version": "georoutes model on geo-maps countries-land-10m 0.6.0",
                "attribution": "© OpenStreetMap contributors (ODbL); modelled by georoutes",
            }
        ),
    }
)
"""The shipped maritime layers by zone (files in ``layers/waters/``)."""

_SHIPPED_LAND = frozenset({"ne", "osm-neasia", "composite"})
_CACHE: dict[Any, gpd.GeoDataFrame] = {}


def default_waters(layer: gpd.GeoDataFrame) -> str:
    """Return the ``waters`` used for ``layer`` when none is given.

    ``"territorial"`` for the shipped boundary layers, whose coasts the maritime layers were
    cut to; ``"land"`` for a user's layer (whose coast may not meet the shipped seas).
    """
    return DEFAULT_WATERS if str(layer.attrs.get("key", "")) in _SHIPPED_LAND else "land"


def check_waters(waters: object) -> str:
    """Return ``waters`` normalised, or raise GeorouteError listing the valid values."""
    text = str(waters).strip().lower() if isinstance(waters, str) else None
    if text not in WATERS:
        raise GeorouteError(
            f"waters: {waters!r} is not one of {', '.join(repr(w) for w in WATERS)}"
        )
    return text


def load_waters(zone: str) -> gpd.GeoDataFrame:
    """Return a shipped maritime layer: ``"territorial"`` or ``"eez"`` (modelled).

    Parameters
    ----------
    zone
        ``"territorial"`` (12 nm territorial seas) or ``"eez"`` (the modelled 200 nm zones).

    Returns
    -------
    geopandas.GeoDataFrame
        One row per state: ``code``, ``name``, ``zone``, geometry (EPSG:4326); neither layer
        overlaps land (the ``composite`` boundary layer) or the other.

    Examples
    --------
    >>> ts = load_waters("territorial")
    >>> sorted(set(ts["code"]) & {"CHN", "JPN", "KOR", "PRK", "RUS"})
    ['CHN', 'JPN', 'KOR', 'PRK', 'RUS']
    >>> bool((load_waters("eez")["zone"] == "eez").all())
    True
    """
    key = str(zone).strip().lower()
    if key not in WATERS_LAYERS:
        raise GeorouteError(f"zone: {zone!r} is not 'territorial' or 'eez'")
    cached = _CACHE.get(("shipped", key))
    if cached is not None:
        return cached
    meta = WATERS_LAYERS[key]
    frame = gpd.read_parquet(layer_file("waters", meta["file"]))
    frame = frame[["code", "name", "zone", "geometry"]]
    frame.attrs.update({"key": key, **meta})
    _CACHE[("shipped", key)] = frame
    return frame


def read_waters_layer(
    path: str | os.PathLike[str], *, code_column: str = "code", zone: str = "eez"
) -> gpd.GeoDataFrame:
    """Return a user's maritime layer (e.g. Marine Regions' EEZs) as a zone layer.

    Parameters
    ----------
    path
        Any vector file GDAL reads, in any declared CRS (transformed to EPSG:4326).
    code_column
        The column with each zone's state code (use the codes of the boundary layer).
    zone
        What the polygons are: ``"eez"`` (default) or ``"territorial"``.

    Raises
    ------
    BoundaryError
        If the file cannot be read, lacks the column, or a feature has no code, no geometry
        or a geometry that is not polygonal; the message names the file and the feature.
    """
    if zone not in ("territorial", "eez"):
        raise GeorouteError(f"zone: {zone!r} is not 'territorial' or 'eez'")
    src = Path(os.fspath(path)).expanduser()
    if not src.is_file():
        raise BoundaryError(f"{src}: no such waters layer file")
    key = (str(src.resolve()), code_column, zone, src.stat().st_mtime)
    cached = _CACHE.get(key)
    if cached is not None:
        return cached
    raw = read_polygon_features(
        src, code_column=code_column, what="waters layer", option="--waters-code-column"
    )
    codes = [str(c).strip().upper() for c in raw[code_column]]
    geoms = [polygonal(g) for g in raw.geometry.values]
    frame = gpd.GeoDataFrame(
        {"code": codes, "name": codes, "zone": zone}, geometry=geoms, crs="EPSG:4326"
    )
    frame = frame.dissolve(by="code", aggfunc="first", as_index=False)[
        ["code", "name", "zone", "geometry"]
    ]
    frame.attrs.update(
        {
            "key": str(src),
            "name": src.name,
            "version": "user file",
            "file": str(src),
            "code_column": code_column,
        }
    )
    _CACHE[key] = frame
    return frame


def user_waters_layer(
    waters_layer: gpd.GeoDataFrame | str | os.PathLike[str] | None, code_column: str
) -> gpd.GeoDataFrame | None:
    """Return a user's EEZ layer (path or GeoDataFrame) as a zones layer (``None``: none)."""
    if waters_layer is None:
        return None
    if isinstance(waters_layer, gpd.GeoDataFrame):
        if "zone" in waters_layer and waters_layer.attrs.get("key"):
            return waters_layer
        frame = waters_layer.rename(columns={code_column: "code"})
        if "code" not in frame:
            raise GeorouteError(f"waters_layer: no code column {code_column!r}")
        frame = frame.to_crs("EPSG:4326") if frame.crs is not None else frame.set_crs(4326)
        out = gpd.GeoDataFrame(
            {
                "code": frame["code"].astype(str).str.upper(),
                "name": frame["code"].astype(str),
                "zone": "eez",
            },
            geometry=list(frame.geometry.values),
            crs="EPSG:4326",
        )
        out.attrs = {"key": "user layer", "name": "user waters layer", "version": ""}
        return out
    return read_waters_layer(waters_layer, code_column=code_column)


def resolve_waters(
    layer: gpd.GeoDataFrame,
    waters: str | None,
    waters_layer: gpd.GeoDataFrame | str | os.PathLike[str] | None = None,
    code_column: str = "code",
) -> tuple[Zoned | None, str, gpd.GeoDataFrame | None]:
    """Return the zone model for ``layer``, the ``waters`` it stands for, and the user layer.

    ``waters=None`` means ``"eez"`` with a ``waters_layer``, else :func:`default_waters`. The
    model is ``None`` under ``"land"`` (the land layer alone).
    """
    user = user_waters_layer(waters_layer, code_column)
    if waters is None:
        mode = "eez" if user is not None else default_waters(layer)
    else:
        mode = check_waters(waters)
    return (zoned_layers(layer, mode, user) if mode != "land" else None), mode, user


@dataclass
class Zoned:
    """The two layers the engine measures with under one ``waters`` model (see the module)."""

    waters: str
    zones: gpd.GeoDataFrame
    territory: gpd.GeoDataFrame
    #: Per zones row: its state's row in ``territory`` (-1: not territory under ``waters``).
    territory_row: npt.NDArray[np.int64]
    #: Per zones row: index into :data:`ZONES`.
    zone_number: npt.NDArray[np.int64]
    #: Per zones row: its state's row in ``territory`` whatever ``waters`` is.
    state_row: npt.NDArray[np.int64]
    sources: Mapping[str, Mapping[str, str]]


def zoned_layers(
    land: gpd.GeoDataFrame, waters: str, waters_layer: gpd.GeoDataFrame | None = None
) -> Zoned:
    """Return the zones and territory layers for ``land`` under ``waters`` (cached).

    ``waters_layer`` replaces the shipped modelled EEZ (a user's own zones).
    """
    key = (id(land), waters, id(waters_layer))
    hit = _CACHE.get(key)
    if hit is not None and hit.attrs.get("_land") is land:
        zoned: Zoned = hit.attrs["_zoned"]
        return zoned
    eez = waters_layer if waters_layer is not None else load_waters("eez")
    seas = [load_waters("territorial"), eez]
    land_rows = gpd.GeoDataFrame(
        {
            "code": land["code"].astype(str).values,
            "name": land["name"].astype(str).values,
            "zone": "land",
        },
        geometry=list(land.geometry.values),
        crs="EPSG:4326",
    )
    zones = pd.concat(
        [land_rows, *[s[["code", "name", "zone", "geometry"]] for s in seas]], ignore_index=True
    )
    zones = gpd.GeoDataFrame(zones, geometry="geometry", crs="EPSG:4326")
    zones.attrs = {"name": f"zones of {land.attrs.get('name', 'user layer')}"}
    order = list(dict.fromkeys(zones["code"].tolist()))  # land layer order, then new codes
    row_of = {code: i for i, code in enumerate(order)}
    names = dict(zip(zones["code"][::-1], zones["name"][::-1], strict=True))
    zone_number = zones["zone"].map({z: i for i, z in enumerate(ZONES)}).to_numpy(np.int64)
    state_row = zones["code"].map(row_of).to_numpy(np.int64)
    included = ZONES[: ZONES.index(waters) + 1]
    inside = np.isin(zones["zone"].to_numpy(), included)
    parts: dict[int, list[Any]] = {}
    for r, geom, ok in zip(state_row.tolist(), zones.geometry.values, inside.tolist(), strict=True):
        if ok:
            parts.setdefault(r, []).extend(shapely.get_parts(geom).tolist())
    territory = gpd.GeoDataFrame(
        {"code": order, "name": [names[c] for c in order]},
        geometry=[
            shapely.multipolygons(parts[r]) if r in parts else shapely.Polygon()
            for r in range(len(order))
        ],
        crs="EPSG:4326",
    )
    territory.attrs = dict(land.attrs)
    territory.attrs["waters"] = waters
    zoned = Zoned(
        waters=waters,
        zones=zones,
        territory=territory,
        territory_row=np.where(inside, state_row, -1).astype(np.int64),
        zone_number=zone_number,
        state_row=state_row,
        sources={
            "territorial": dict(seas[0].attrs),
            "eez": dict(seas[1].attrs),
        },
    )
    holder = gpd.GeoDataFrame()
    holder.attrs = {"_land": land, "_zoned": zoned}
    _CACHE[key] = holder
    return zoned


# --------------------------------------------------------------------------------------------
# The engine's runs under a zone model

_EPS_KM = 1e-6


def territory_runs(zruns: RouteRuns, zoned: Zoned) -> RouteRuns:
    """Return the runs of the zones layer relabelled as states of the territory layer.

    Consecutive runs of one state merge, except across a join between a route's parts (the
    engine never lets a run span one).
    """
    state = np.where(zruns.state >= 0, zoned.territory_row[np.maximum(zruns.state, 0)], -1)
    n = state.size
    new = np.ones(n, dtype=bool)
    if n > 1:
        new[1:] = (zruns.route[1:] != zruns.route[:-1]) | (state[1:] != state[:-1])
        new[1:] |= np.isin(zruns.start_m[1:], zruns.seg.part_starts)
    first = np.flatnonzero(new)
    last = np.r_[first[1:], n] - 1
    return RouteRuns(
        seg=zruns.seg,
        route=zruns.route[first],
        start_m=zruns.start_m[first],
        stop_m=zruns.stop_m[last],
        state=state[first],
        codes=np.asarray(zoned.territory["code"].astype(str).values),
    )


def run_zones(zruns: RouteRuns, zoned: Zoned, sea_route: npt.NDArray[np.bool_]) -> IntArray:
    """Return each zones run's zone number (-1: no zone).

    On a sea route (:data:`SEA_KINDS`) land is water: what the land layer calls land under a
    ship's track is a canal, a port's river or an islet or cape the drawn lane clipped, and
    counts as the state's waters (``territorial``: within 12 nm, internal waters included).
    """
    zone = np.where(zruns.state >= 0, zoned.zone_number[np.maximum(zruns.state, 0)], -1)
    if sea_route.any():
        zone = np.where((zone == 0) & sea_route[zruns.route], 1, zone)
    return zone


def zone_summaries(
    zruns: RouteRuns,
    zoned: Zoned,
    summaries: list[dict[str, Any]],
    sea_route: npt.NDArray[np.bool_],
) -> None:
    """Add ``km_by_zone`` and ``high_seas_km`` to each summary and set each crossing's ``via``.

    ``via``: ``"land"`` where the two states meet on land or across a river (water no wider
    than :data:`RIVER_KM` between their land); ``"maritime"`` where the route passes from one
    state's waters straight into the other's; ``"landfall"`` where it comes from one state's
    waters onto the other's land; ``"sea"`` where it crosses water that is neither state's
    territory under the model (high seas, or a third state's zone that does not count).
    """
    zone = run_zones(zruns, zoned, sea_route)
    codes = zoned.territory["code"].astype(str).tolist()
    srow = np.where(zruns.state >= 0, zoned.state_row[np.maximum(zruns.state, 0)], -1)
    km = (zruns.stop_m - zruns.start_m) / 1000.0
    lo = np.searchsorted(zruns.route, np.arange(len(summaries)), side="left")
    hi = np.searchsorted(zruns.route, np.arange(len(summaries)), side="right")
    base = zruns.seg.offset_m / 1000.0
    limit = ZONES.index(zoned.waters)
    for r, summary in enumerate(summaries):
        sl = slice(int(lo[r]), int(hi[r]))
        by_zone: dict[str, dict[str, float]] = {}
        high_seas = 0.0
        pieces: list[tuple[int, int, float, float]] = []  # (state row, zone, from km, to km)
        for s, z, k, a, b in zip(
            srow[sl].tolist(),
            zone[sl].tolist(),
            km[sl].tolist(),
            zruns.start_m[sl].tolist(),
            zruns.stop_m[sl].tolist(),
            strict=True,
        ):
            if k < _EPS_KM * 1e-3:  # a stretch of float noise between two zones' edges
                continue
            if s < 0:
                high_seas += k
            else:
                entry = by_zone.setdefault(codes[s], {f"{name}_km": 0.0 for name in ZONES})
                entry[f"{ZONES[z]}_km"] += k
            a_km, b_km = a / 1000.0 - base[r], b / 1000.0 - base[r]
            if pieces and pieces[-1][:2] == (s, z):
                pieces[-1] = (s, z, pieces[-1][2], b_km)
            else:
                pieces.append((s, z, a_km, b_km))
        summary["km_by_zone"] = by_zone
        summary["high_seas_km"] = high_seas
        for x in summary["crossings"]:
            x["via"] = _via(pieces, limit, x["km"])


def _via(pieces: list[tuple[int, int, float, float]], limit: int, km: float) -> str:
    """Return how the crossing into the state whose stretch starts at ``km`` is made.

    ``pieces``: the route's stretches as (state row, zone number, from km, to km); zones up to
    ``limit`` count as territory.
    """
    j = next((i for i, p in enumerate(pieces) if p[2] >= km - _EPS_KM), len(pieces) - 1)
    # The last stretch before j that counts as territory (of the state left behind).
    i = j - 1
    while i >= 0 and not (pieces[i][0] >= 0 and 0 <= pieces[i][1] <= limit):
        i -= 1
    land_before = next((p[3] for p in reversed(pieces[:j]) if p[1] == 0), None)
    land_after = next((p[2] for p in pieces[j:] if p[1] == 0), None)
    if i == j - 1 and pieces[j][1] == 0 and i >= 0 and pieces[i][1] == 0:
        return "land"
    if land_before is not None and land_after is not None and land_after - land_before <= RIVER_KM:
        return "land"
    if i < 0 or pieces[j][2] - pieces[i][3] > _EPS_KM:
        return "sea"
    if pieces[i][1] > 0 and pieces[j][1] > 0:
        return "maritime"
    return "landfall"
