"""Registry of the boundary layers shipped with georoutes, by name.

``load_boundaries`` (and ``--boundaries`` in the CLI) accept one of these names or a path:

``"ne"``
    Natural Earth 1:10m admin-0 countries, the whole world, public domain.
``"osm-neasia"``
    OpenStreetMap country land polygons (10 m error) clipped to :data:`REGION_BBOX`; ODbL.
``"composite"``
    ``"osm-neasia"`` inside :data:`REGION_BBOX`, ``"ne"`` outside it, cut along the rectangle's
    edges. The default.

Where each file comes from and how it is rebuilt: ``layers/boundaries/PROVENANCE.md``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from difflib import get_close_matches
from pathlib import Path
from types import MappingProxyType

from ._data import layers_dir
from .errors import BoundaryError

__all__ = ["DEFAULT", "LAYERS", "REGION_BBOX", "layer_path", "resolve_layer"]

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


LAYERS: Mapping[str, Mapping[str, str]] = MappingProxyType({
    "ne": MappingProxyType({
        "file": "ne_10m_admin0.parquet",
        "name": "Natural Earth 1:10m Admin 0 - Countries",
        "version": "5.1.1",
        "attribution": _NE_ATTRIBUTION,
        "attribution_html": _NE_ATTRIBUTION_HTML,
        "licence": "public domain",
    }),
    "osm-neasia": MappingProxyType({
        "file": "osm_neasia.parquet",
        "name": f"OpenStreetMap country land polygons, Northeast Asia ({_region_text()})",
        "version": "geo-maps countries-land-10m 0.6.0",
        "attribution": _OSM_ATTRIBUTION,
        "attribution_html": _OSM_ATTRIBUTION_HTML,
        "licence": "ODbL-1.0",
    }),
    "composite": MappingProxyType({
        "file": "composite.parquet",
        "name": (f"OpenStreetMap inside {_region_text()}, "
                 "Natural Earth 1:10m Admin 0 elsewhere"),
        "version": "osm geo-maps countries-land-10m 0.6.0 + ne 5.1.1",
        "attribution": f"{_OSM_ATTRIBUTION}; {_NE_ATTRIBUTION}",
        "attribution_html": f"{_OSM_ATTRIBUTION_HTML}; {_NE_ATTRIBUTION_HTML}",
        "licence": "ODbL-1.0 (inside the region); public domain (elsewhere)",
    }),
})
"""Shipped boundary layers by name: file (in ``layers/boundaries/``), display name, version,
attribution (plain text and HTML, to show on every map that uses the layer) and licence."""


def layer_path(name: str) -> Path:
    """Return the path of the shipped layer ``name`` (a key of :data:`LAYERS`)."""
    return layers_dir() / "boundaries" / LAYERS[name]["file"]


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
