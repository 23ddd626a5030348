"""Tests of georoutes.networks (sea lanes on searoute, rail on OSM track); the CLI commands are
in tests/test_cli_networks.py.

Sea routes run on searoute's bundled network (offline). Rail routes run on the synthetic OSM XML
fixtures in tests/data/osm_*.osm, whose layout is described at the top of each file.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyproj
import pytest
import shapely

from georoutes._data import layers_dir
from georoutes.errors import GeorouteError
from georoutes.networks import (
    PASSAGES,
    NetworkDataError,
    NoRouteError,
    PassageError,
    PlaceError,
    find_passage,
    rail_graph,
    rail_route,
    resolve_location,
    sea_route,
)

DATA = Path(__file__).parent / "data"
RAIL_OSM = DATA / "osm_rail_fixture.osm"
NO_RAIL_OSM = DATA / "osm_no_rail.osm"
GEOD = pyproj.Geod(ellps="WGS84")

# Port positions: UN/LOCODE KRPUS, NLRTM-area (Europoort), SGSIN, USLAX as rounded coordinates.
BUSAN = (129.04, 35.10)
ROTTERDAM = (4.05, 51.95)
SINGAPORE = (103.85, 1.26)
LOS_ANGELES = (-118.27, 33.73)
VLADIVOSTOK = (131.88, 43.12)
ULAANBAATAR = (106.92, 47.92)  # ~1,000 km from any sea


def _geod_km(coords) -> float:
    lon, lat = np.asarray(coords, dtype=float).T
    return float(GEOD.line_length(lon, lat)) / 1000.0


def assert_coords_close(coords, expected, *, abs_deg: float = 1e-9) -> None:
    got = np.asarray(list(coords), dtype=float)[:, :2]
    want = np.asarray(expected, dtype=float)[:, :2]
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=0, atol=abs_deg)


def _row(gdf: gpd.GeoDataFrame):
    assert len(gdf) == 1
    return gdf.iloc[0]


@pytest.fixture(scope="module")
def suez():
    return _row(sea_route(BUSAN, ROTTERDAM))


# ------------------------------------------------------------------------------------------
# Sea routes: known behaviour
# ------------------------------------------------------------------------------------------


def test_sea_route_schema(suez):
    gdf = sea_route(BUSAN, VLADIVOSTOK, route_id="busan-vlad")
    assert gdf.crs.equals("EPSG:4326")
    for col in ("id", "name", "kind", "length_km", "passages", "snapped_km", "geometry"):
        assert col in gdf.columns
    row = _row(gdf)
    assert row["id"] == "busan-vlad"
    assert row["kind"] == "shipping"
    assert set(row["snapped_km"]) == {"origin", "destination"}
    assert row.geometry.geom_type == "LineString"


def test_busan_rotterdam_via_suez(suez):
    # Published: ~22,000 km (Chosun Biz 2025-05-25); the brief's bound is 19,000-21,500 km.
    assert 19_000 < suez["length_km"] < 21_500
    order = ["Korea Strait", "Malacca", "Bab-el-Mandeb", "Suez", "Gibraltar", "Dover"]
    assert [p for p in suez["passages"] if p in order] == order
    assert "Northwest Passage" not in suez["passages"]
    assert "Northern Sea Route" not in suez["passages"]


def test_length_is_geodesic_on_vertices_not_searoutes_figure(suez):
    coords = list(suez.geometry.coords)
    assert suez["length_km"] == pytest.approx(_geod_km(coords), rel=1e-9)
    # searoute measures on a sphere; the two agree to well under 1 % but are not the same number.
    assert suez["searoute_length_km"] == pytest.approx(suez["length_km"], rel=0.01)
    assert suez["searoute_length_km"] != pytest.approx(suez["length_km"], rel=1e-6)


def test_suez_closed_never_goes_through_the_arctic(suez):
    # searoute's own `restrictions=['suez']` replaces its default ['northwest'] and sends the
    # ship through the Arctic (14,605 km); georoutes keeps the Arctic closed unless allowed.
    row = _row(sea_route(BUSAN, ROTTERDAM, restrictions=["Suez"]))
    assert "Suez" not in row["passages"]
    assert "Northwest Passage" not in row["passages"]
    assert "Northern Sea Route" not in row["passages"]
    assert "Bering Strait" not in row["passages"]
    # From Busan the shortest Suez-free route on searoute's network crosses Panama (~24,100 km).
    assert "Panama" in row["passages"] or "Cape of Good Hope" in row["passages"]
    assert row["length_km"] >= suez["length_km"] + 3_500


def test_suez_and_panama_closed_round_the_cape(suez):
    row = _row(sea_route(BUSAN, ROTTERDAM, restrictions=["Suez", "Panama canal"]))
    assert "Cape of Good Hope" in row["passages"]
    assert "Northwest Passage" not in row["passages"]
    assert "Northern Sea Route" not in row["passages"]
    # Published: the Cape bypass is > 5,000 km longer than Suez (BusinessKorea, Dec 2023).
    assert row["length_km"] >= suez["length_km"] + 4_000


def test_singapore_rotterdam_suez_closed_goes_round_the_cape():
    via_suez = _row(sea_route(SINGAPORE, ROTTERDAM))
    row = _row(sea_route(SINGAPORE, ROTTERDAM, restrictions=["suez"]))
    assert "Cape of Good Hope" in row["passages"]
    assert not {"Northwest Passage", "Northern Sea Route", "Suez"} & set(row["passages"])
    assert row["length_km"] >= via_suez["length_km"] + 4_000


def test_arctic_opens_only_when_allowed(suez):
    row = _row(sea_route(BUSAN, ROTTERDAM, restrictions=["Suez"], allow=["Northern Sea Route"]))
    assert "Northern Sea Route" in row["passages"]
    assert "Northwest Passage" not in row["passages"]
    # Published: 13,000-15,000 km via the Arctic (Chosun Biz 2025; Baird Maritime 2026).
    assert 13_000 < row["length_km"] < 16_000
    assert row["length_km"] < suez["length_km"] - 4_000
    nwp = _row(sea_route(BUSAN, ROTTERDAM, restrictions=["Suez", "Panama"], allow=["nwp"]))
    assert "Northwest Passage" in nwp["passages"]
    assert "Northern Sea Route" not in nwp["passages"]


@pytest.mark.parametrize(
    ("name", "origin", "destination"),
    [
        ("Malacca", BUSAN, ROTTERDAM),
        ("Korea Strait", BUSAN, SINGAPORE),
        ("Gibraltar", SINGAPORE, ROTTERDAM),
        ("Dover", BUSAN, ROTTERDAM),
    ],
)
def test_closing_a_passage_reroutes_around_it(name, origin, destination):
    before = _row(sea_route(origin, destination))
    assert name in before["passages"]
    after = _row(sea_route(origin, destination, restrictions=[name]))
    assert name not in after["passages"]
    assert after["length_km"] > before["length_km"]


def test_closing_the_only_way_out_is_an_error():
    odesa = (30.75, 46.48)
    with pytest.raises(NoRouteError, match="Bosporus"):
        sea_route(odesa, ROTTERDAM, restrictions=["Bosporus"])


def test_trans_pacific_route_is_continuous_across_the_antimeridian():
    row = _row(sea_route(BUSAN, LOS_ANGELES))
    lon = np.array([c[0] for c in row.geometry.coords])
    assert -180 <= lon[0] < 180
    assert lon.min() < 180 < lon.max()  # it crosses, unwrapped: Los Angeles is at ~241.7
    assert np.abs(np.diff(lon)).max() < 180
    # Measured right: the same vertices wrapped to +-180 give the same geodesic length.
    wrapped = [((x + 180) % 360 - 180, y) for x, y in row.geometry.coords]
    assert row["length_km"] == pytest.approx(_geod_km(wrapped), rel=1e-9)
    assert 9_000 < row["length_km"] < 11_000  # great circle Busan-LA is ~9,600 km
    back = _row(sea_route(LOS_ANGELES, BUSAN))
    assert back["length_km"] == pytest.approx(row["length_km"], rel=1e-6)
    assert back.geometry.coords[0][0] == pytest.approx(-118.19, abs=0.1)


def test_inland_point_is_snapped_and_the_distance_reported():
    row = _row(sea_route(ULAANBAATAR, BUSAN))
    first = row.geometry.coords[0]
    _, _, dist_m = GEOD.inv(*ULAANBAATAR, *first)
    assert row["snapped_km"]["origin"] == pytest.approx(dist_m / 1000, rel=1e-9)
    assert row["snapped_km"]["origin"] > 500
    assert 0 < row["snapped_km"]["destination"] < 30  # Busan port is on the coast


def test_connect_endpoints_starts_and_ends_at_the_points():
    row = _row(sea_route(VLADIVOSTOK, BUSAN, connect_endpoints=True))
    coords = list(row.geometry.coords)
    assert coords[0] == pytest.approx(VLADIVOSTOK)
    assert coords[-1] == pytest.approx(BUSAN)
    assert row["snapped_km"]["origin"] == pytest.approx(_geod_km(coords[:2]), rel=1e-9)
    assert row["snapped_km"]["destination"] == pytest.approx(_geod_km(coords[-2:]), rel=1e-9)
    bare = _row(sea_route(VLADIVOSTOK, BUSAN))
    assert row["length_km"] > bare["length_km"]


def test_via_points_are_visited_in_order(suez):
    row = _row(sea_route(BUSAN, ROTTERDAM, via=[SINGAPORE]))
    assert len(row["snapped_km"]["via"]) == 1
    assert row["snapped_km"]["via"][0] < 20
    lon = np.array([c[0] for c in row.geometry.coords])
    lat = np.array([c[1] for c in row.geometry.coords])
    _, _, d = GEOD.inv(np.full(lon.size, SINGAPORE[0]), np.full(lon.size, SINGAPORE[1]), lon, lat)
    assert np.min(d) < 20_000
    assert row["length_km"] >= suez["length_km"] - 1


# ------------------------------------------------------------------------------------------
# Locations and passages: bad input
# ------------------------------------------------------------------------------------------


def test_lat_lon_swapped_is_detected():
    with pytest.raises(PlaceError, match=r"LAT,LON.*'129.04,35.1'"):
        resolve_location("35.10,129.04", what="origin")
    with pytest.raises(PlaceError, match="latitude"):
        sea_route((35.10, 129.04), ROTTERDAM)
    with pytest.raises(PlaceError, match="longitude 200"):
        resolve_location((200.0, 10.0))
    with pytest.raises(PlaceError, match="expected"):
        resolve_location(("a", "b"))


def test_errors_are_georoute_errors():
    for cls in (PlaceError, PassageError, NoRouteError, NetworkDataError):
        assert issubclass(cls, GeorouteError)
        assert issubclass(cls, ValueError)


def test_place_ids_resolve_and_unknown_ids_list_close_matches(places_file):
    loc = resolve_location("busan-port", places=places_file)
    assert (loc.lon, loc.lat, loc.place_id) == (*BUSAN, "busan-port")
    row = _row(sea_route("vladivostok-port", "busan-port", places=places_file))
    assert row["origin"] == pytest.approx(list(VLADIVOSTOK))
    assert row["id"] == "sea-vladivostok-port-busan-port"
    with pytest.raises(PlaceError, match="'busan-port'"):
        sea_route("busan-prot", ROTTERDAM, places=places_file)


def test_missing_places_layer_says_what_to_do(tmp_path):
    with pytest.raises(PlaceError, match="LON,LAT"):
        resolve_location("busan-port", places=tmp_path / "none.geojson")


def test_passage_names():
    assert find_passage("suez canal").key == "suez"
    assert find_passage("NSR").name == "Northern Sea Route"
    assert find_passage("bab al mandab").name == "Bab-el-Mandeb"
    with pytest.raises(PassageError, match="did you mean 'Suez'"):
        find_passage("Sues")
    with pytest.raises(PassageError, match="both avoided and allowed"):
        sea_route(BUSAN, ROTTERDAM, restrictions=["Suez"], allow=["suez"])
    with pytest.raises(PassageError, match="list"):
        sea_route(BUSAN, ROTTERDAM, restrictions="Suez")


def test_gates_run_from_land_to_land_and_cut_the_network():
    import searoute as sr

    boundaries = gpd.read_parquet(layers_dir() / "boundaries" / "ne_10m_admin0.parquet")
    land = shapely.STRtree(boundaries.geometry.values)
    edges = shapely.linestrings(
        [[u, v] for u, v in sr.setup_M().edges() if abs(u[0] - v[0]) <= 180]
    )
    open_ends = {("northwest_passage", 1), ("northern_sea_route", 1)}  # in the Arctic Ocean
    for p in PASSAGES:
        for i in (0, len(p.gate) - 1):
            if (p.key, i) not in open_ends:
                on_land = land.query(shapely.Point(p.gate[i]), predicate="within")
                assert on_land.size == 1, (p.name, p.gate[i])
        assert shapely.intersects(edges, shapely.LineString(p.gate)).any(), p.name


# ------------------------------------------------------------------------------------------
# Rail on the OSM XML fixtures
# ------------------------------------------------------------------------------------------

MAIN = [(round(130.50 + 0.01 * k, 2), 42.40) for k in range(11)]  # nodes 1-11
BRANCH = [
    (130.532, 42.41),
    (130.528, 42.42),
    (130.534, 42.43),
    (130.529, 42.44),
    (130.531, 42.45),
]  # nodes 20-24, from the junction at node 4 = MAIN[3]


@pytest.fixture(scope="module")
def graph():
    return rail_graph(osm_file=RAIL_OSM, progress=False)


def test_rail_graph_keeps_track_only_and_every_component(graph):
    import networkx as nx

    railway = {d.get("railway") for _, _, d in graph.edges(data=True)}
    assert railway == {"rail"}
    assert all("highway" not in d for _, _, d in graph.edges(data=True))
    # The break survives: no largest-component pruning, and the road / abandoned line across
    # it are not track.
    assert nx.number_weakly_connected_components(graph) == 2
    assert {"gauge", "usage", "name"} <= set().union(*(d for _, _, d in graph.edges(data=True)))


def test_rail_graph_restores_osmnx_settings():
    import osmnx as ox

    before = list(ox.settings.useful_tags_way)
    rail_graph(osm_file=RAIL_OSM, progress=False)
    assert list(ox.settings.useful_tags_way) == before


def test_rail_length_matches_hand_geodesic_sum(graph):
    row = _row(rail_route([MAIN[0], MAIN[-1]], graph=graph))
    assert row["length_km"] == pytest.approx(_geod_km(MAIN), rel=1e-9)
    # 0.1 degree of longitude at 42.4 N on WGS84: N cos(phi) dlambda = 8.2335 km.
    assert row["length_km"] == pytest.approx(8.2335, abs=0.001)
    assert_coords_close(row.geometry.coords, MAIN)
    assert row["kind"] == "rail"


def test_km_by_gauge_adds_up(graph):
    row = _row(rail_route([MAIN[0], MAIN[-1]], graph=graph))
    assert set(row["km_by_gauge"]) == {"1520", "1435"}
    assert row["km_by_gauge"]["1520"] == pytest.approx(_geod_km(MAIN[:6]), rel=1e-9)
    assert row["km_by_gauge"]["1435"] == pytest.approx(_geod_km(MAIN[5:]), rel=1e-9)
    assert sum(row["km_by_gauge"].values()) == pytest.approx(row["length_km"], rel=1e-12)


def test_branch_follows_the_track_through_the_junction(graph):
    row = _row(rail_route([MAIN[0], BRANCH[-1]], graph=graph))
    expected = MAIN[:4] + BRANCH
    assert_coords_close(row.geometry.coords, expected)
    assert row["length_km"] == pytest.approx(_geod_km(expected), rel=1e-9)
    assert row["length_km"] > _geod_km([MAIN[0], BRANCH[-1]])  # not the straight line
    # The last way carries no gauge tag: it is counted, under "untagged".
    assert row["km_by_gauge"]["untagged"] == pytest.approx(_geod_km(BRANCH[-2:]), rel=1e-9)
    assert sum(row["km_by_gauge"].values()) == pytest.approx(row["length_km"], rel=1e-12)


def test_station_snaps_to_the_track_beside_it(graph):
    station = (130.52, 42.4009)  # 100 m north of node 3, mid-way between the junction and node 1
    row = _row(rail_route([station, MAIN[-1]], graph=graph))
    _, _, dist_m = GEOD.inv(*station, *MAIN[2])
    assert row["snapped_km"][0] == pytest.approx(dist_m / 1000, rel=1e-9)
    assert 0.09 < row["snapped_km"][0] < 0.11
    assert row["snapped_km"][1] == 0
    assert row["osm_nodes"] == [3, 11]
    assert row["length_km"] == pytest.approx(_geod_km(MAIN[2:]), rel=1e-9)


def test_three_waypoints_chain_the_legs(graph):
    row = _row(rail_route([MAIN[0], BRANCH[-1], MAIN[-1]], graph=graph))
    legs = _geod_km(MAIN[:4] + BRANCH) + _geod_km([*BRANCH[::-1], MAIN[3], *MAIN[4:]])
    assert row["length_km"] == pytest.approx(legs, rel=1e-9)
    assert len(row["snapped_km"]) == 3


def test_disconnected_waypoints_raise(graph):
    with pytest.raises(NoRouteError, match=r"disconnected.*waypoint 2"):
        rail_route([MAIN[0], (130.70, 42.40)], graph=graph)


def test_rail_route_from_file_and_places(places_file):
    row = _row(
        rail_route(
            ["west-station", "east-station"], osm_file=RAIL_OSM, places=places_file, progress=False
        )
    )
    assert row["length_km"] == pytest.approx(_geod_km(MAIN), rel=1e-9)
    assert row["snapped_km"][0] == pytest.approx(0.0889, abs=0.001)  # 0.0008 deg of latitude


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"osm_file": NO_RAIL_OSM}, "no railway ways"),
        ({"osm_file": DATA / "osm_missing.osm"}, "no such OSM XML file"),
        ({}, "osm_file="),
        ({"bbox": (130.6, 42.3, 130.5, 42.5)}, "west < east"),
    ],
)
def test_bad_rail_data_is_reported(kwargs, match):
    with pytest.raises(NetworkDataError if "bbox" not in kwargs else PlaceError, match=match):
        rail_graph(progress=False, **kwargs)


def test_malformed_osm_xml_is_reported(tmp_path):
    bad = tmp_path / "osm_bad.osm"
    bad.write_text("<osm><node id='1' lat='1' lon='2'></osm>", encoding="utf-8")
    with pytest.raises(NetworkDataError, match="cannot read as OSM XML"):
        rail_graph(osm_file=bad, progress=False)


def test_fewer_than_two_waypoints(graph):
    with pytest.raises(PlaceError, match="at least two"):
        rail_route([MAIN[0]], graph=graph)


@pytest.mark.network
@pytest.mark.skipif(
    os.environ.get("GEOROUTES_NETWORK_TESTS") != "1",
    reason="needs Overpass (set GEOROUTES_NETWORK_TESTS=1)",
)
def test_online_bbox_graph():  # pragma: no cover - online only
    # Khasan station area, Russia-DPRK border: a few km of 1520/1435 dual-gauge track.
    g = rail_graph(bbox=(130.62, 42.41, 130.68, 42.45), progress=False)
    assert g.number_of_edges() > 0


# ------------------------------------------------------------------------------------------
# The generated catalog layer
# ------------------------------------------------------------------------------------------


def test_shipping_layer_as_built():
    path = layers_dir() / "routes" / "shipping.geojson"
    doc = json.loads(path.read_text("utf-8"))
    by_id = {f["properties"]["id"]: f for f in doc["features"]}
    assert set(by_id) == {
        "lng-vladivostok-samcheok",
        "sea-busan-rotterdam-suez",
        "sea-busan-rotterdam-cape",
        "sea-busan-rotterdam-nsr",
    }
    lengths = {}
    for fid, feat in by_id.items():
        props = feat["properties"]
        assert props["kind"] == "shipping"
        assert props["provenance"]["network"].startswith("searoute ")
        coords = feat["geometry"]["coordinates"]
        assert np.abs(np.diff([c[0] for c in coords])).max() < 180
        lengths[fid] = _geod_km(coords)
        assert lengths[fid] == pytest.approx(props["provenance"]["length_km_geodesic"], abs=0.1)
    suez = by_id["sea-busan-rotterdam-suez"]["properties"]
    assert "Suez" in suez["passages"]
    assert "Cape of Good Hope" in by_id["sea-busan-rotterdam-cape"]["properties"]["passages"]
    assert "Northern Sea Route" in by_id["sea-busan-rotterdam-nsr"]["properties"]["passages"]
    assert (
        lengths["sea-busan-rotterdam-nsr"]
        < lengths["sea-busan-rotterdam-suez"]
        < lengths["sea-busan-rotterdam-cape"]
    )
    assert 19_000 < lengths["sea-busan-rotterdam-suez"] < 21_500
    assert 500 < lengths["lng-vladivostok-samcheok"] < 1_000


# ------------------------------------------------------------------------------------------
# Catalog railways retraced on track; published lengths
# ------------------------------------------------------------------------------------------


def test_trace_rail_measures_both_lines_the_same_way(graph, places_file):
    from georoutes.networks import trace_rail

    routes = gpd.GeoDataFrame(
        {
            "id": ["rail-west-north"],
            "kind": ["rail"],
            "places": [["west-station", "north-station"]],
        },
        geometry=[shapely.LineString([MAIN[0], BRANCH[-1]])],
        crs="EPSG:4326",
    )
    row = _row(
        trace_rail(
            ["rail-west-north"], graph=graph, routes=routes, places=places_file, progress=False
        )
    )
    straight = _geod_km([MAIN[0], BRANCH[-1]])
    assert row["waypoint_length_km"] == pytest.approx(straight, rel=1e-9)
    assert row["change_km"] == pytest.approx(row["traced_length_km"] - straight, rel=1e-9)
    assert row["change_pct"] == pytest.approx(100 * row["change_km"] / straight, rel=1e-9)
    assert row["traced_length_km"] == pytest.approx(_geod_km(list(row.geometry.coords)), rel=1e-9)
    with pytest.raises(GeorouteError, match="did you mean 'rail-west-north'"):
        trace_rail(["rail-west-nort"], graph=graph, routes=routes, places=places_file)


def test_published_lengths_and_the_gap():
    from georoutes.networks import drawn_vs_published_pct, published_length_km

    assert [published_length_km(v) for v in (9289, "9289", None, "n/a", 0, -1.0, float("nan"))] == [
        9289.0,
        9289.0,
        None,
        None,
        None,
        None,
        None,
    ]
    assert drawn_vs_published_pct(8800.0, 9289.0) == round(100 * (8800 / 9289 - 1), 1)
    assert drawn_vs_published_pct(8800.0, None) is None


def test_place_ids_default_to_the_catalogs_places():
    import georoutes

    first = georoutes.places().iloc[0]
    loc = resolve_location(str(first["id"]))
    assert (loc.lon, loc.lat) == (first.geometry.x, first.geometry.y)
    assert loc.place_id == first["id"]
    with pytest.raises(PlaceError, match=r"catalog's places"):
        resolve_location("no-such-place-anywhere")


def test_errors_live_in_georoutes_errors():
    import georoutes.errors
    import georoutes.networks

    for name in ("PlaceError", "PassageError", "NoRouteError", "NetworkDataError"):
        assert name in georoutes.errors.__all__
        assert getattr(georoutes.networks, name) is getattr(georoutes.errors, name)
