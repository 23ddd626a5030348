"""Shared fixtures of the network tests (tests/test_networks.py, tests/test_cli_networks.py):
port and station positions, the synthetic OSM rail fixture's track, a places file."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pyproj
import shapely

DATA = Path(__file__).parent / "data"
RAIL_OSM = DATA / "osm_rail_fixture.osm"
NO_RAIL_OSM = DATA / "osm_no_rail.osm"
GEOD = pyproj.Geod(ellps="WGS84")
# Port positions: UN/LOCODE KRPUS and the Vladivostok port area, as rounded coordinates.
BUSAN = (129.04, 35.10)
VLADIVOSTOK = (131.88, 43.12)
MAIN = [(round(130.50 + 0.01 * k, 2), 42.40) for k in range(11)]  # nodes 1-11 of the fixture
BRANCH = [
    (130.532, 42.41),
    (130.528, 42.42),
    (130.534, 42.43),
    (130.529, 42.44),
    (130.531, 42.45),
]  # nodes 20-24, from the junction at node 4 = MAIN[3]


def geod_km(coords) -> float:
    """Return the WGS84 geodesic length of a (lon, lat) vertex list, km."""
    lon, lat = np.asarray(coords, dtype=float).T
    return float(GEOD.line_length(lon, lat)) / 1000.0


def write_places_file(path: Path) -> Path:
    """Write a places file: two ports and the fixture's stations (one off the track)."""
    ids = [
        "busan-port",
        "vladivostok-port",
        "west-station",
        "north-station",
        "east-station",
        "island-station",
    ]
    points = [
        BUSAN,
        VLADIVOSTOK,
        (130.50, 42.4008),
        (130.531, 42.4505),
        (130.60, 42.40),
        (130.70, 42.40),
    ]
    gdf = gpd.GeoDataFrame({"id": ids}, geometry=shapely.points(points), crs="EPSG:4326")
    gdf.to_file(path, driver="GeoJSON")
    return path
