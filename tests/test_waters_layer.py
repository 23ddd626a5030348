"""The shipped maritime layers: ``territorial.parquet`` and the modelled ``eez_model.parquet``.

Only the committed parquet files (``layers/waters/``, ``layers/boundaries/composite.parquet``) are
read: no network, no source tarball. Invariants: the layers do not overlap land or each other;
known places lie in the zone they must; the drawn median lines are equidistant from the two
states' coasts and the 200 nm limit is 200 nm from the coast, measured independently here (WGS84
geodesics from the land layer's coast). The method itself is checked on synthetic coasts through
``scripts/build_waters.py``, imported as a module.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from functools import cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyarrow.parquet as pq
import pytest
import shapely
from pyproj import CRS, Geod, Transformer

ROOT = Path(__file__).resolve().parents[1]
WATERS = ROOT / "layers" / "waters"
TERRITORIAL = WATERS / "territorial.parquet"
EEZ = WATERS / "eez_model.parquet"
LAND = ROOT / "layers" / "boundaries" / "composite.parquet"
GEOD = Geod(ellps="WGS84")
R200 = 200 * 1.852  # km
REGION = (100.0, 30.0, 150.0, 60.0)  # the OpenStreetMap region of the land layer

# Regions whose zones are checked pairwise for overlaps (lon_min, lat_min, lon_max, lat_max).
REGIONS = {
    "northeast-asia": (98.0, 28.0, 152.0, 62.0),
    "baltic": (9.0, 53.0, 31.0, 66.0),
    "suez-red-sea": (30.0, 10.0, 45.0, 33.0),
    "malacca-singapore": (95.0, 0.0, 106.0, 8.0),
    "north-sea-channel": (-6.0, 48.0, 9.0, 62.0),
    "bering-chukotka": (-180.0, 60.0, -160.0, 72.0),
}


# --- helpers ---------------------------------------------------------------------------------


@cache
def layer(path: Path) -> gpd.GeoDataFrame:
    return gpd.read_parquet(path)


def territorial() -> gpd.GeoDataFrame:
    return layer(TERRITORIAL)


def eez() -> gpd.GeoDataFrame:
    return layer(EEZ)


def land() -> gpd.GeoDataFrame:
    return layer(LAND)


def meta(path: Path) -> dict:
    return json.loads(pq.read_schema(path).metadata[b"georoutes"])


def geometry_of(frame: gpd.GeoDataFrame, code: str) -> shapely.Geometry:
    row = frame.loc[frame["code"] == code]
    assert len(row) == 1, code
    return row.geometry.iloc[0]


def planar_km2(geom: shapely.Geometry) -> float:
    """Area (km²) of geom read as straight lines in lon/lat, as the analysis reads it."""
    parts = shapely.get_parts(geom)
    parts = parts[~shapely.is_empty(parts)]
    if not len(parts):
        return 0.0
    b = shapely.bounds(parts)
    return float(
        np.sum(shapely.area(parts) * np.cos(np.radians((b[:, 1] + b[:, 3]) / 2))) * 111.32**2
    )


def clip(geom: shapely.Geometry, rect) -> shapely.Geometry:
    return shapely.intersection(geom, shapely.box(*rect))


def zone_at(lon: float, lat: float) -> tuple[str, str]:
    """Return (zone, code) of a point: ("land" | "territorial" | "eez" | "high seas", code)."""
    p = shapely.Point(lon, lat)
    for zone, frame in (("land", land()), ("territorial", territorial()), ("eez", eez())):
        hit = frame.loc[frame.geometry.contains(p), "code"].tolist()
        if hit:
            return zone, hit[0]
    return "high seas", ""


def zones_along(coords, step_km: float = 0.5) -> list[tuple[str, str]]:
    """Return the (zone, code) of points every step_km along the geodesic polyline coords."""
    lon, lat = [], []
    for (x0, y0), (x1, y1) in zip(coords[:-1], coords[1:], strict=True):
        n = max(2, int(GEOD.inv(x0, y0, x1, y1)[2] / 1000 / step_km) + 1)
        pts = GEOD.npts(x0, y0, x1, y1, n - 2)
        lon += [x0, *[q[0] for q in pts]]
        lat += [y0, *[q[1] for q in pts]]
    lon.append(coords[-1][0])
    lat.append(coords[-1][1])
    lon, lat = np.array(lon), np.array(lat)
    out = np.full(len(lon), None, dtype=object)
    for zone, frame in (("land", land()), ("territorial", territorial()), ("eez", eez())):
        for code, geom in zip(frame["code"], frame.geometry.values, strict=True):
            b = geom.bounds
            free = (out == None) & (lon >= b[0]) & (lon <= b[2]) & (lat >= b[1]) & (lat <= b[3])  # noqa: E711
            if free.any():
                idx = np.flatnonzero(free)
                inside = shapely.contains_xy(geom, lon[idx], lat[idx])
                out[idx[inside]] = f"{zone}:{code}"
    return [tuple(o.split(":")) if o is not None else ("high seas", "") for o in out]


def runs(seq):
    """Collapse consecutive repeats."""
    out = []
    for s in seq:
        if not out or out[-1] != s:
            out.append(s)
    return out


def distance_km(lon: float, lat: float, geom: shapely.Geometry) -> float:
    """WGS84 geodesic distance (km) from (lon, lat) to geom (within ~600 km).

    geom is projected to the azimuthal equidistant projection centred on the point, where
    distances from the centre are true; its edges are first cut to 200 m so that the
    projected chords follow the geodesics.
    """
    crs = CRS.from_proj4(f"+proj=aeqd +lat_0={lat} +lon_0={lon} +ellps=WGS84 +units=m")
    fwd = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    dlat = 6.0
    dlon = min(180.0, dlat / max(np.cos(np.radians(min(abs(lat) + dlat, 89.0))), 0.05))
    near = shapely.clip_by_rect(geom, lon - dlon, lat - dlat, lon + dlon, lat + dlat)
    near = shapely.segmentize(near, 0.002)
    proj = shapely.transform(near, lambda xy: np.column_stack(fwd.transform(*xy.T)))
    return float(shapely.distance(shapely.Point(0, 0), proj)) / 1000.0


@cache
def coast(code: str) -> shapely.Geometry:
    """The state's land in the land layer plus the islets the EEZ model adds (as points)."""
    islets = [shapely.Point(x, y) for c, x, y in meta(EEZ)["islets"] if c == code]
    return shapely.union_all([geometry_of(land(), code), *islets])


@cache
def build_waters():
    """scripts/build_waters.py as a module."""
    spec = importlib.util.spec_from_file_location(
        "build_waters", ROOT / "scripts" / "build_waters.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_waters"] = module
    spec.loader.exec_module(module)
    return module


# --- the files -------------------------------------------------------------------------------


@pytest.mark.parametrize(("path", "zone"), [(TERRITORIAL, "territorial"), (EEZ, "eez")])
def test_schema_and_metadata(path, zone):
    frame = layer(path)
    expected = ["code", "name", "zone", "geometry"] + (["modelled"] if zone == "eez" else [])
    assert sorted(frame.columns) == sorted(expected)
    assert frame.crs == "EPSG:4326"
    assert (frame["zone"] == zone).all()
    if zone == "eez":
        assert frame["modelled"].dtype == bool
        assert frame["modelled"].all()
    assert frame["code"].is_unique
    assert list(frame["code"]) == sorted(frame["code"])
    names = dict(zip(land()["code"], land()["name"], strict=True))
    assert set(frame["code"]) <= set(names)
    assert all(names[c] == n for c, n in zip(frame["code"], frame["name"], strict=True))
    assert frame.is_valid.all()
    assert set(frame.geom_type) <= {"Polygon", "MultiPolygon"}
    assert "ATA" not in set(frame["code"])  # the Antarctic Treaty recognises neither zone
    geo = json.loads(pq.read_schema(path).metadata[b"geo"])
    assert geo["version"] == "1.0.0"
    m = meta(path)
    assert m["source"] == "npm @geo-maps/countries-maritime-10m@0.6.0"
    assert m["source_sha256"] == (
        "c63144607cc8aeb5784f8e14b7bf8c8fcdaf2e000b93fe44b1991257773e13a1"
    )
    assert "ODbL" in m["licence"]
    assert "OpenStreetMap contributors" in m["licence"]
    assert m["region_bbox"] == list(REGION)
    assert path.stat().st_size < 15e6


def test_provenance_names_the_outputs():
    text = (WATERS / "PROVENANCE.md").read_text(encoding="utf-8")
    assert "© OpenStreetMap contributors" in text
    assert "ODbL" in text
    assert "not the legal boundary" in text
    for path in (TERRITORIAL, EEZ):
        digest = __import__("hashlib").sha256(path.read_bytes()).hexdigest()
        assert digest in text, f"PROVENANCE.md lacks the sha256 of {path.name}"


# --- invariants ------------------------------------------------------------------------------


@pytest.mark.parametrize("region", REGIONS)
def test_zones_overlap_neither_land_nor_each_other(region):
    rect = REGIONS[region]
    parts, owner = [], []
    for zone, frame in (("territorial", territorial()), ("eez", eez())):
        for code, geom in zip(frame["code"], frame.geometry.values, strict=True):
            piece = clip(geom, rect)
            for p in shapely.get_parts(piece):
                if p.geom_type == "Polygon" and not p.is_empty:
                    parts.append(p)
                    owner.append((zone, code))
    assert parts, region
    parts = np.array(parts, dtype=object)
    tree = shapely.STRtree(parts)
    i, j = tree.query(parts, predicate="intersects")
    pairs = [(a, b) for a, b in zip(i, j, strict=True) if a < b and owner[a] != owner[b]]
    overlap = sum(planar_km2(shapely.intersection(parts[a], parts[b])) for a, b in pairs)
    assert overlap < 1e-3, f"{region}: zones overlap by {overlap:.2e} km²"
    ground = shapely.union_all(
        [clip(g, rect) for g in land().geometry.values if shapely.intersects(g, shapely.box(*rect))]
    )
    on_land = planar_km2(shapely.intersection(shapely.union_all(parts), ground))
    assert on_land < 1e-3, f"{region}: zones overlap land by {on_land:.2e} km²"


# --- the method on synthetic coasts ----------------------------------------------------------


def sites_of(polygons: dict[str, shapely.Geometry], spacing_km: float = 1.0):
    bw = build_waters()
    lon, lat, code = [], [], []
    for c, poly in polygons.items():
        xy = bw.densify(shapely.boundary(poly), 0.0, spacing_km)
        lon.append(xy[:, 0])
        lat.append(xy[:, 1])
        code.append(np.full(len(xy), c, dtype=object))
    return np.concatenate(lon), np.concatenate(lat), np.concatenate(code)


def test_median_line_between_two_straight_opposite_coasts_lies_midway():
    bw = build_waters()
    south = 35.0
    north = GEOD.fwd(6.0, south, 0.0, 300e3)[1]  # 300 km due north: the coasts are parallels
    lands = {
        "AAA": shapely.box(0.0, 30.0, 12.0, south),
        "BBB": shapely.box(0.0, north, 12.0, north + 5.0),
    }
    lon, lat, code = sites_of(lands)
    zones = bw.model_eez(
        lon,
        lat,
        code,
        list(lands.values()),
        bw.tile_grid(bbox=(0.0, 30.0, 12.0, 42.0)),
        bw.EEZ_RADIUS_M,
    )
    assert set(zones) == {"AAA", "BBB"}
    shared = [(x, y) for x, y, _, _ in bw.shared_vertices(zones) if 2.0 <= x <= 10.0]
    assert len(shared) > 20
    x, y = np.array(shared).T
    d_south = GEOD.inv(x, y, x, np.full(len(x), south))[2] / 1000
    d_north = GEOD.inv(x, y, x, np.full(len(x), north))[2] / 1000
    offset = np.abs(d_south - d_north) / 2
    assert offset.max() < 1.0, offset.max()  # the brief: midway ±1 km
    assert offset.max() < 0.2  # what the method gives in a 6° tile
    assert np.allclose(d_south + d_north, 300.0, atol=0.01)


def test_200_nm_limit_is_200_nm_from_the_coast():
    bw = build_waters()
    lands = {"AAA": shapely.box(0.0, 30.0, 10.0, 40.0)}
    lon, lat, code = sites_of(lands)
    zones = bw.model_eez(
        lon,
        lat,
        code,
        list(lands.values()),
        bw.tile_grid(bbox=(-6.0, 24.0, 18.0, 48.0)),
        bw.EEZ_RADIUS_M,
    )
    zone = zones["AAA"]
    assert zone.geom_type == "Polygon"
    assert len(zone.interiors) == 1
    outer = shapely.get_coordinates(zone.exterior)[:-1]
    step = max(1, len(outer) // 150)
    d = np.array([distance_km(x, y, lands["AAA"]) for x, y in outer[::step]])
    assert np.abs(d - R200).max() < 0.5, np.abs(d - R200).max()  # the brief: ±0.5 km
    assert np.abs(d - R200).max() < 0.05  # what the method gives
    inner = shapely.Polygon(zone.interiors[0])
    assert (
        shapely.equals_exact(shapely.normalize(inner), shapely.normalize(lands["AAA"]), 1e-9)
        or abs(inner.area - lands["AAA"].area) < 1e-9
    )


def test_geodesic_circles_are_round_on_the_ellipsoid():
    bw = build_waters()
    lon0, lat0 = 140.0, 40.0
    fwd, inv = bw.aeqd(lon0 + 3.0, lat0 + 2.0)  # a tile centre away from the circle's
    discs = bw.geodesic_discs(np.array([lon0]), np.array([lat0]), bw.EEZ_RADIUS_M, fwd)
    xy = shapely.get_coordinates(discs[0])
    lon, lat = inv.transform(xy[:, 0], xy[:, 1])
    d = GEOD.inv(np.full(len(lon), lon0), np.full(len(lon), lat0), lon, lat)[2]
    assert np.abs(d - bw.EEZ_RADIUS_M).max() < 1.0  # metres


# --- Northeast Asia ------------------------------------------------------------------------


def test_dprk_east_coast_territorial_sea_and_eez():
    prk = geometry_of(land(), "PRK")
    # 10 km and 100 km off the coast near Kimchaek (East Sea / Sea of Japan), ESE of it
    near, far = (129.3495, 40.5941), (130.4212, 40.1122)
    assert 9.0 < distance_km(*near, prk) < 11.0
    assert 95.0 < distance_km(*far, prk) < 105.0
    assert zone_at(*near) == ("territorial", "PRK")  # 12 nm = 22.2 km
    assert zone_at(*far) == ("eez", "PRK")


def test_korea_strait_median_line_between_busan_and_tsushima():
    # From Busan's shore (Yeongdo) to the nearest shore of Tsushima, across the western channel.
    busan, tsushima = (129.03781, 35.10020), (129.31973, 34.64704)
    coords = [busan, tsushima]
    seq = zones_along(coords, step_km=0.05)
    assert runs([s for s in seq if s[0] == "eez"]) == [("eez", "KOR"), ("eez", "JPN")]
    k = next(
        i for i in range(1, len(seq)) if seq[i - 1] == ("eez", "KOR") and seq[i] == ("eez", "JPN")
    )
    n = len(seq)
    length = GEOD.inv(*busan, *tsushima)[2] / 1000
    x, y, _ = GEOD.fwd(*busan, GEOD.inv(*busan, *tsushima)[0], length * 1000 * k / (n - 1))
    d_kor = distance_km(x, y, coast("KOR"))
    d_jpn = distance_km(x, y, coast("JPN"))
    assert abs(d_kor - d_jpn) / 2 < 0.1  # the crossing is on the median line (±50 m sampling)
    # Midway between the two shores the point is in the zone of the state whose coast is
    # nearer (the nearest coast need not be the two end points' shores).
    mx, my = GEOD.npts(*busan, *tsushima, 1)[0]
    nearer = (
        "JPN" if distance_km(mx, my, coast("JPN")) < distance_km(mx, my, coast("KOR")) else "KOR"
    )
    assert zone_at(mx, my) == ("eez", nearer)


def shared_vertices(a: str, b: str, rect) -> np.ndarray:
    va = shapely.get_coordinates(clip(geometry_of(eez(), a), rect))
    vb = shapely.get_coordinates(clip(geometry_of(eez(), b), rect))
    both = np.intersect1d(va.view(complex).ravel(), vb.view(complex).ravel())
    return np.column_stack([both.real, both.imag])


# (PRK and JPN do not meet: Korea's and Russia's zones lie between them.)
@pytest.mark.parametrize(
    "pair",
    [
        ("KOR", "JPN"),
        ("KOR", "CHN"),
        ("KOR", "PRK"),
        ("PRK", "RUS"),
        ("PRK", "CHN"),
        ("JPN", "RUS"),
    ],
)
def test_median_lines_in_northeast_asia_are_equidistant_from_the_coasts(pair):
    a, b = pair
    inner = (104.0, 33.0, 146.0, 57.0)  # nearest coasts inside the OpenStreetMap region
    xy = shared_vertices(a, b, inner)
    assert len(xy) >= 5, f"{a}|{b}: no common boundary"
    xy = xy[np.linspace(0, len(xy) - 1, min(len(xy), 10)).astype(int)]
    islets = {c: [shapely.Point(x, y) for k, x, y in meta(EEZ)["islets"] if k == c] for c in pair}
    for x, y in xy:
        da, db = distance_km(x, y, coast(a)), distance_km(x, y, coast(b))
        assert max(da, db) <= R200 + 0.5
        to_islet = any(
            distance_km(x, y, p) < d + 0.5 for c, d in ((a, da), (b, db)) for p in islets[c]
        )
        tolerance = 1.0 if to_islet else 0.25  # islets are placed to ±1 km; coasts to 55 m
        assert abs(da - db) / 2 < tolerance, (a, b, x, y, da, db)


def test_200_nm_limit_east_of_japan():
    jpn = geometry_of(eez(), "JPN")
    rect = (142.5, 33.0, 149.5, 41.0)
    others = shapely.union_all(
        [
            shapely.boundary(clip(g, rect))
            for c, g in zip(eez()["code"], eez().geometry.values, strict=True)
            if c != "JPN"
        ]
    )
    xy = shapely.get_coordinates(clip(jpn, rect))
    # Vertices on a boundary with another state's zone are median-line points, not the cap.
    xy = xy[shapely.distance(shapely.points(xy), others) > 1e-7]
    xy = xy[
        (xy[:, 0] > rect[0] + 0.01)
        & (xy[:, 0] < rect[2] - 0.01)
        & (xy[:, 1] > rect[1] + 0.01)
        & (xy[:, 1] < rect[3] - 0.01)
    ]
    xy = xy[np.linspace(0, len(xy) - 1, min(len(xy), 120)).astype(int)]
    d = np.array([distance_km(x, y, coast("JPN")) for x, y in xy])
    cap = d > 300.0  # the outer limit (the rest: Japan's territorial sea's edge)
    assert cap.sum() > 20
    assert np.abs(d[cap] - R200).max() < 0.5, np.abs(d[cap] - R200).max()
