"""Shared fixtures: a small hand-made scenario for the map/report tests (tests/test_maps.py,
tests/test_browser.py). Its figures are made up but consistent (km add up); four of its names
are hostile markup that must show as text."""

from __future__ import annotations

import os
from types import SimpleNamespace

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from hypothesis import settings

# Property tests draw their examples from a fixed seed: the suite gives the same verdict on every
# run and machine (set HYPOTHESIS_PROFILE=explore for fresh random examples while developing).
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

HOSTILE_IMG = "<img src=x onerror=alert(1)>"
HOSTILE_SCRIPT = "</script><script>alert(1)</script>"
HOSTILE_JS = "`${alert(3)}` \\x3cimg src=x onerror=alert(4)\\x3e {{ 7*7 }}"
HOSTILE_PLACE = "<svg onload=alert(5)>"
#: Jinja2 syntax that prints "canary-evaluated" if a template engine ever evaluates it.
CANARY = '{{ "canary" ~ "-evaluated" }}{% if true %}CANARY{{ 40 + 2 }}{% endif %}'


def _route(rid, name, kind, status, coords, states, km_by_state, offshore_km, crossings):
    length_km = sum(km_by_state.values()) + offshore_km
    return {
        "id": rid,
        "name": name,
        "kind": kind,
        "status": status,
        "geometry": shapely.LineString(coords),
        "length_km": length_km,
        "states": states,
        "transit_states": states[1:-1],
        "km_by_state": km_by_state,
        "offshore_km": offshore_km,
        "crossings": crossings,
        "slivers": [],
        "exposure": {
            "CHN": {
                "inside_km": km_by_state.get("CHN", 0.0),
                "within_km": {"50": 40.5 + km_by_state.get("CHN", 0.0)},
                "min_distance_km": 0.0 if "CHN" in km_by_state else 12.25,
            }
        },
    }


@pytest.fixture(scope="session")
def hand_scenario():
    """A hand-made analysis (documented analyze() columns) with its routes, pieces, places."""
    return make_hand_scenario()


def make_hand_scenario():
    """Return the hand-made scenario (also usable outside pytest)."""
    rows = [
        _route(
            "pipe",
            "Siberia–Korea gas pipeline",
            "pipeline",
            "proposed",
            [
                (131.9, 43.1),
                (130.7, 42.35),
                (129.8, 41.8),
                (127.5, 39.9),
                (126.8, 38.0),
                (127.0, 37.5),
            ],
            ["RUS", "PRK", "KOR"],
            {"RUS": 120.25, "PRK": 700.5, "KOR": 60.0},
            0.0,
            [
                {
                    "from": "RUS",
                    "to": "PRK",
                    "via": "land",
                    "lon": 130.66,
                    "lat": 42.3,
                    "km": 120.25,
                },
                {
                    "from": "PRK",
                    "to": "KOR",
                    "via": "land",
                    "lon": 126.82,
                    "lat": 37.95,
                    "km": 820.75,
                },
            ],
        ),
        _route(
            "rail",
            HOSTILE_IMG,
            "rail",
            "operating",
            [(116.0, 50.0), (117.4, 49.6), (119.7, 49.2)],
            ["RUS", "CHN"],
            {"RUS": 110.0, "CHN": 170.75},
            0.0,
            [{"from": "RUS", "to": "CHN", "via": "land", "lon": 117.44, "lat": 49.6, "km": 110.0}],
        ),
        _route(
            "ship",
            HOSTILE_SCRIPT,
            "shipping",
            None,
            [(158.6, 53.0), (179.0, 52.5), (-175.0, 53.0), (-150.0, 59.5)],
            ["RUS", "USA"],
            {"RUS": 5.0, "USA": 3.5},
            2987.25,
            [{"from": "RUS", "to": "USA", "via": "sea", "lon": -150.0, "lat": 59.5, "km": 2992.25}],
        ),
        _route(
            "evil",
            HOSTILE_JS,
            "<b>bold kind</b> {{ 6*6 }}",
            "operating",
            [(126.9, 37.5), (129.0, 35.1)],
            ["KOR"],
            {"KOR": 325.5},
            0.0,
            [],
        ),
    ]
    frame = pd.DataFrame(rows)
    routes = gpd.GeoDataFrame(
        frame[["id", "name", "kind", "status", "geometry"]], geometry="geometry", crs="EPSG:4326"
    )
    analysis = frame.drop(columns=["geometry", "status"]).set_index("id")
    analysis.attrs = {
        "boundaries": {"name": "Natural Earth admin-0 (test)", "version": "5.1.1"},
        "focus": ["CHN"],
        "bands_km": [50.0],
    }

    pieces = []
    for row in rows:
        line, start = row["geometry"], 0.0
        states = list(row["states"])
        n = len(states)
        for seq, state in enumerate(states):
            km = row["km_by_state"][state]
            a, b = seq / n, (seq + 1) / n
            part = shapely.ops.substring(line, a, b, normalized=True)
            pieces.append(
                {
                    "route_id": row["id"],
                    "seq": seq,
                    "state": state,
                    "from_km": start,
                    "to_km": start + km,
                    "length_km": km,
                    "geometry": part,
                }
            )
            start += km
    transits = gpd.GeoDataFrame(pieces, geometry="geometry", crs="EPSG:4326")
    crossings = gpd.GeoDataFrame(
        [
            {"route_id": r["id"], "seq": i, **c, "geometry": shapely.Point(c["lon"], c["lat"])}
            for r in rows
            for i, c in enumerate(r["crossings"])
        ],
        geometry="geometry",
        crs="EPSG:4326",
    )
    places = gpd.GeoDataFrame(
        {
            "name": ["Vladivostok", "Khasan", HOSTILE_PLACE],
            "kind": ["terminal", "border post", CANARY],
            "geometry": [
                shapely.Point(131.9, 43.1),
                shapely.Point(130.78, 42.43),
                shapely.Point(127.0, 37.5),
            ],
        },
        crs="EPSG:4326",
    )
    return SimpleNamespace(
        analysis=analysis,
        routes=routes,
        transits=transits,
        crossings=crossings,
        places=places,
        hostile=[HOSTILE_IMG, HOSTILE_SCRIPT, HOSTILE_JS, HOSTILE_PLACE],
    )


@pytest.fixture(scope="session")
def boundaries():
    """The shipped Natural Earth boundary layer (via the library once it exists)."""
    try:
        from georoutes import load_boundaries
    except ImportError:
        from georoutes._data import layers_dir

        return gpd.read_parquet(layers_dir() / "boundaries" / "ne_10m_admin0.parquet")
    return load_boundaries()


@pytest.fixture(scope="module")
def places_file(tmp_path_factory):
    """A places file for the network tests (tests/_networks.py)."""
    from _networks import write_places_file

    return write_places_file(tmp_path_factory.mktemp("places") / "places.geojson")
