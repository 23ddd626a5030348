"""Boundary layers: the one registry of shipped layers, the one resolver, and loading.

A boundary layer is a GeoDataFrame in EPSG:4326 with one (Multi)Polygon per state, a ``code``
column (ISO 3166-1 alpha-3 style, Natural Earth's ``ADM0_A3``) and a ``name`` column.
``load_boundaries`` (and ``--boundaries`` in the CLI) accept a shipped layer's name or a path:

``"ne"``
    Natural Earth 1:10m admin-0 countries, the whole world, public domain.
``"osm-neasia"``
    OpenStreetMap country land polygons (10 m error) clipped to :data:`REGION_BBOX`; ODbL.
``"composite"``
    ``"osm-neasia"`` inside :data:`REGION_BBOX`, ``"ne"`` outside it, cut along the rectangle's
    edges. The default.

Where each file comes from and how it is rebuilt: ``layers/boundaries/PROVENANCE.md``. The
spatial index the engine uses is in :mod:`georoutes._index`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from difflib import get_close_matches
from pathlib import Path
from types import MappingProxyType

import geopandas as gpd
import numpy as np
import shapely

from ._data import layer_file
from ._index import BoundaryIndex, boundary_index
from ._io import read_vector
from .errors import BoundaryError, UnknownStateError, unknown_code_message

__all__ = [
    "DEFAULT",
    "LAYERS",
    "REGION_BBOX",
    "BoundaryIndex",
    "boundary_index",
    "check_codes",
    "layer_path",
    "load_boundaries",
    "polygonal",
    "resolve_layer",
]

REGION_BBOX: tuple[float, float, float, float] = (100.0, 30.0, 150.0, 60.0)
"""(lon_min, lat_min, lon_max, lat_max) in degrees of the OpenStreetMap region.

The ``osm-neasia`` layer covers exactly this rectangle; in ``composite`` it replaces Natural
Earth inside it. Its edges cross Russia, Mongolia, China, the sea and one islet of the Tokara
group (Japan), away from the river borders (Amur, Ussuri, Tumen, Yalu) the layer exists for.
The same value is stored in both parquet files' metadata (key ``georoutes``) by
``scripts/build_osm_boundaries.py``.
"""

DEFAULT = "composite"
"""Name of the layer used when none is given."""

_OSM_ATTRIBUTION = "© OpenStreetMap contributors (ODbL)"
_OSM_ATTRIBUTION_HTML = (
    '© <a href="https://www.openstreetmap.org/copyright">OpenStreetMap contributors</a> (ODbL)'
)
_NE_ATTRIBUTION = "Made with Natural Earth (public domain)"
_NE_ATTRIBUTION_HTML = 'Made with <a href="https://www.naturalearthdata.com/">Natural Earth</a>'


def _region_text() -> str:
    lon_min, lat_min, lon_max, lat_max = REGION_BBOX
    return f"{lon_min:g}–{lon_max:g}°E, {lat_min:g}–{lat_max:g}°N"


LAYERS: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        "ne": MappingProxyType(
            {
                "file": "ne_10m_admin0.parquet",
                "name": "Natural Earth 1:10m Admin 0 - Countries",
                "version": "5.1.1",
                "attribution": _NE_ATTRIBUTION,
                "attribution_html": _NE_ATTRIBUTION_HTML,
                "licence": "public domain",
            }
        ),
        "osm-neasia": MappingProxyType(
            {
                "file": "osm_neasia.parquet",
                "name": f"OpenStreetMap country land polygons, Northeast Asia ({_region_text()})",
                "version": "geo-maps countries-land-10m 0.6.0",
                "attribution": _OSM_ATTRIBUTION,
                "attribution_html": _OSM_ATTRIBUTION_HTML,
                "licence": "ODbL-1.0",
            }
        ),
        "composite": MappingProxyType(
            {
                "file": "composite.parquet",
                "name": (
                    f"OpenStreetMap inside {_region_text()}, Natural Earth 1:10m Admin 0 elsewhere"
                ),
                "version": "osm geo-maps countries-land-10m 0.6.0 + ne 5.1.1",
                "attribution": f"{_OSM_ATTRIBUTION}; {_NE_ATTRIBUTION}",
                "attribution_html": f"{_OSM_ATTRIBUTION_HTML}; {_NE_ATTRIBUTION_HTML}",
                "licence": "ODbL-1.0 (inside the region); public domain (elsewhere)",
            }
        ),
    }
)
"""Shipped boundary layers by name: file (in ``layers/boundaries/``), display name, version,
attribution (plain text and HTML, to show on every map that uses the layer) and licence."""


def layer_path(name: str) -> Path:
    """Return the path of the shipped layer ``name`` (a key of :data:`LAYERS`)."""
    return layer_file("boundaries", LAYERS[name]["file"])


def resolve_layer(
    name_or_path: str | os.PathLike[str] | None = None,
) -> tuple[Path, dict[str, str]]:
    """Return the file of a boundary layer and what to say about it.

    Parameters
    ----------
    name_or_path
        ``None`` for :data:`DEFAULT`, a key of :data:`LAYERS` (case-insensitive), or the path of
        a user's layer. A name wins over a file of the same name in the working directory; write
        ``./ne`` for the file.

    Returns
    -------
    tuple of (pathlib.Path, dict)
        The file, and its metadata: ``key`` (the layer name, or the path as given), ``name``
        (display name), ``version``, and for shipped layers also ``file``, ``attribution``,
        ``attribution_html`` and ``licence``.

    Raises
    ------
    BoundaryError
        If ``name_or_path`` is neither a shipped layer name nor an existing file; the message
        lists the valid names.

    Examples
    --------
    >>> path, meta = resolve_layer("osm-neasia")
    >>> path.name, meta["key"], meta["attribution"]
    ('osm_neasia.parquet', 'osm-neasia', '© OpenStreetMap contributors (ODbL)')
    >>> sorted(LAYERS)
    ['composite', 'ne', 'osm-neasia']
    """
    if name_or_path is None:
        name_or_path = DEFAULT
    text = os.fspath(name_or_path)
    key = text.strip().lower()
    if not isinstance(name_or_path, os.PathLike) and key in LAYERS:
        meta = dict(LAYERS[key])
        meta["key"] = key
        return layer_path(key), meta
    path = Path(text).expanduser()
    if path.is_file():
        stat = path.stat()
        return path, {
            "key": text,
            "name": path.name,
            "version": f"user file, {stat.st_size} bytes, modified {int(stat.st_mtime)}",
        }
    valid = sorted(LAYERS)
    close = [n for n in valid if key and key in n] or get_close_matches(key, valid, n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    what = "no such file" if not path.exists() else "not a file"
    raise BoundaryError(
        f"{text}: not a shipped boundary layer name and {what} "
        f"(shipped layers: {', '.join(valid)}){hint}"
    )


_CACHE: dict[tuple[str, str, str, float], gpd.GeoDataFrame] = {}


def load_boundaries(
    path_or_name: str | os.PathLike[str] | None = None,
    *,
    code_column: str = "code",
    name_column: str | None = "name",
) -> gpd.GeoDataFrame:
    """Return a boundary layer as a GeoDataFrame in EPSG:4326 with ``code`` and ``name``.

    Parameters
    ----------
    path_or_name
        ``None`` for the default shipped layer, the name of a shipped layer (``"ne"``, ...), or
        the path of a user's layer in any format GDAL reads (GeoPackage, GeoJSON, Shapefile,
        GeoParquet) and any CRS; it is transformed to EPSG:4326.
    code_column
        The column holding each state's code (ISO 3166-1 alpha-3 style, e.g. ``ADM0_A3``).
    name_column
        The column holding each state's name, if any.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per state (rows sharing a code are dissolved), valid polygons, with
        ``attrs["name"]`` and ``attrs["version"]`` describing the layer.

    Examples
    --------
    >>> layer = load_boundaries()
    >>> sorted(set(layer["code"]) & {"CHN", "PRK", "KOR", "RUS"})
    ['CHN', 'KOR', 'PRK', 'RUS']
    """
    path, meta = resolve_layer(path_or_name)
    key = (str(path.resolve()), code_column, str(name_column), path.stat().st_mtime)
    cached = _CACHE.get(key)
    if cached is not None:
        return cached
    # Shipped layers were repaired and checked when they were built (scripts/): skip the
    # validity test, which costs seconds on the high-resolution layers.
    layer = _read_layer(
        path,
        code_column=code_column,
        name_column=name_column,
        trusted=path_or_name is None or meta.get("file") is not None,
    )
    layer.attrs["name"] = meta.get("name", path.name)
    layer.attrs["version"] = meta.get("version", "")
    layer.attrs["key"] = meta.get("key", str(path))
    if meta.get("file") is None:  # how to load it again (a cluster's workers do)
        layer.attrs["code_column"] = code_column
        layer.attrs["name_column"] = name_column
    for extra in ("attribution", "attribution_html", "licence"):
        if meta.get(extra):
            layer.attrs[extra] = meta[extra]
    _CACHE[key] = layer
    return layer


def read_polygon_features(
    path: Path, *, code_column: str, what: str, option: str = "code_column=... / --code-column"
) -> gpd.GeoDataFrame:
    """Return a layer file's features in EPSG:4326, each with a code and a polygonal geometry.

    The one reader behind boundary and waters layers: a missing code column, coordinates
    that are not degrees without a declared CRS, and every feature without a code, without a
    geometry or with a geometry that is not polygonal raise one :class:`BoundaryError` that
    names the file and the features (the first 10, then how many more).
    """
    raw = read_vector(path, source=str(path), error=BoundaryError, what=f"a {what}")
    if code_column not in raw.columns:
        cols = ", ".join(repr(c) for c in raw.columns if c != raw.geometry.name)
        raise BoundaryError(
            f"{path}: no code column {code_column!r}; columns are: {cols} (pass {option})"
        )
    if raw.crs is None:
        xy = shapely.get_coordinates(raw.geometry.values)
        if xy.size and (np.abs(xy[:, 0]).max() > 360 or np.abs(xy[:, 1]).max() > 90):
            raise BoundaryError(
                f"{path}: no CRS declared and coordinates are not longitude/"
                "latitude degrees; declare the layer's CRS"
            )
        raw = raw.set_crs("EPSG:4326")
    elif not raw.crs.equals("EPSG:4326"):
        raw = raw.to_crs("EPSG:4326")
    problems = []
    for i, (code, geom) in enumerate(zip(raw[code_column], raw.geometry.values, strict=True)):
        if code is None or (isinstance(code, float) and np.isnan(code)) or str(code).strip() == "":
            problems.append(f"{path}: feature {i}: empty {code_column!r}")
        elif geom is None or geom.is_empty:
            problems.append(f"{path}: feature {i} ({code!r}): empty geometry")
        elif geom.geom_type not in ("Polygon", "MultiPolygon"):
            problems.append(
                f"{path}: feature {i} ({code!r}): geometry is {geom.geom_type}, "
                f"a {what} needs Polygon or MultiPolygon"
            )
    if problems:
        more = [f"... and {len(problems) - 10} more"] if len(problems) > 10 else []
        raise BoundaryError("\n".join(problems[:10] + more))
    return raw


def _read_layer(
    path: Path, *, code_column: str, name_column: str | None, trusted: bool = False
) -> gpd.GeoDataFrame:
    raw = read_polygon_features(path, code_column=code_column, what="boundary layer")
    geoms = list(raw.geometry.values) if trusted else [polygonal(g) for g in raw.geometry.values]
    names = (
        raw[name_column].astype(str)
        if name_column and name_column in raw
        else raw[code_column].astype(str)
    )
    frame = gpd.GeoDataFrame(
        {"code": raw[code_column].astype(str).str.strip(), "name": names.values},
        geometry=geoms,
        crs="EPSG:4326",
    )
    if frame["code"].duplicated().any():
        frame = frame.dissolve(by="code", aggfunc="first", as_index=False)
    return frame.reset_index(drop=True)


def polygonal(geom: shapely.Geometry) -> shapely.Geometry:
    """Return ``geom`` made valid, keeping only its polygonal parts (lines and points dropped)."""
    if shapely.is_valid(geom):
        return geom
    fixed = shapely.make_valid(geom)
    parts = [g for g in shapely.get_parts(fixed) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts)


def check_codes(
    codes: list[str] | tuple[str, ...], boundaries: gpd.GeoDataFrame, *, source: str = "focus"
) -> list[str]:
    """Return ``codes`` upper-cased, or raise UnknownStateError naming close matches."""
    valid = set(boundaries["code"])
    out = []
    for code in codes:
        text = str(code).strip().upper()
        if text not in valid:
            raise UnknownStateError(f"{source}: {unknown_code_message(code, valid)}")
        out.append(text)
    return out
