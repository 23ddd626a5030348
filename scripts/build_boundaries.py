"""Build layers/boundaries/ne_10m_admin0.parquet from the Natural Earth 10m admin-0 shapefile.

Usage: python scripts/build_boundaries.py [PATH/TO/ne_10m_admin_0_countries_deu.zip]

Full precision is kept; invalid polygons (Egypt's, in v5.1.1) are repaired with
shapely.make_valid and only their polygonal parts are kept. The code column is ADM0_A3.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import geopandas as gpd

from georoutes.boundaries import polygonal

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SRC = ROOT.parent / "shared" / "data" / "natural_earth" / "ne_10m_admin_0_countries_deu.zip"
OUT = ROOT / "layers" / "boundaries" / "ne_10m_admin0.parquet"


def main(src: Path) -> None:
    gdf = gpd.read_file(f"zip://{src}")
    repaired = sorted(gdf.loc[~gdf.is_valid, "ADM0_A3"])
    gdf["geometry"] = [polygonal(g) for g in gdf.geometry]
    assert gdf.is_valid.all()
    out = gpd.GeoDataFrame(
        {
            "code": gdf["ADM0_A3"].astype(str),
            "name": gdf["NAME"].astype(str),
            "name_long": gdf["NAME_LONG"].astype(str),
            "sovereignt": gdf["SOVEREIGNT"].astype(str),
            "type": gdf["TYPE"].astype(str),
        },
        geometry=gdf.geometry.values,
        crs="EPSG:4326",
    ).sort_values("code", ignore_index=True)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    out.to_parquet(OUT, compression="zstd", schema_version="1.0.0", write_covering_bbox=False)
    src_sha = hashlib.sha256(src.read_bytes()).hexdigest()
    out_sha = hashlib.sha256(OUT.read_bytes()).hexdigest()
    print(f"features: {len(out)}; repaired: {repaired}")
    print(f"source sha256: {src_sha}")
    print(f"output sha256: {out_sha}  ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SRC)
