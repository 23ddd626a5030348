"""Build layers/boundaries/ne_10m_admin0.parquet from the Natural Earth 10m admin-0 shapefile.

Usage: python scripts/build_boundaries.py [PATH/TO/ne_10m_admin_0_countries_deu.zip]

Full precision is kept; invalid polygons (Egypt's, in v5.1.1) are repaired with
shapely.make_valid and only their polygonal parts are kept. The code column is ADM0_A3.

The DBF's text is UTF-8, but the zip has no .cpg file and the DBF header's language-driver byte
is 0, so GDAL falls back to ISO-8859-1 and would turn "Åland" into "Ã\x85land". The source is
therefore read with encoding=SOURCE_ENCODING, and the script stops if any kept text column still
holds a mojibake marker (MOJIBAKE).
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
# The DBF's real encoding (Natural Earth writes UTF-8; v5.1.1 ships no .cpg saying so).
SOURCE_ENCODING = "UTF-8"
# What UTF-8 read as ISO-8859-1 leaves behind: "Ã"/"Â" lead bytes and C1 control characters.
MOJIBAKE = ("Ã", "Â", *map(chr, range(0x80, 0xA0)))
TEXT_COLUMNS = {
    "name": "NAME",
    "name_long": "NAME_LONG",
    "sovereignt": "SOVEREIGNT",
    "type": "TYPE",
}


def check_text(frame: gpd.GeoDataFrame) -> None:
    """Stop if a text column holds a mojibake marker (the source decoded with the wrong encoding)."""
    bad = [
        (code, col, value)
        for col in TEXT_COLUMNS
        for code, value in zip(frame["code"], frame[col], strict=True)
        if any(m in value for m in MOJIBAKE)
    ]
    if bad:
        raise SystemExit(f"mis-decoded text (source encoding is not {SOURCE_ENCODING}?): {bad[:5]}")


def main(src: Path) -> None:
    gdf = gpd.read_file(f"zip://{src}", encoding=SOURCE_ENCODING)
    repaired = sorted(gdf.loc[~gdf.is_valid, "ADM0_A3"])
    gdf["geometry"] = [polygonal(g) for g in gdf.geometry]
    assert gdf.is_valid.all()
    out = gpd.GeoDataFrame(
        {
            "code": gdf["ADM0_A3"].astype(str),
            **{col: gdf[field].astype(str) for col, field in TEXT_COLUMNS.items()},
        },
        geometry=gdf.geometry.values,
        crs="EPSG:4326",
    ).sort_values("code", ignore_index=True)
    check_text(out)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    out.to_parquet(OUT, compression="zstd", schema_version="1.0.0", write_covering_bbox=False)
    src_sha = hashlib.sha256(src.read_bytes()).hexdigest()
    out_sha = hashlib.sha256(OUT.read_bytes()).hexdigest()
    print(f"features: {len(out)}; repaired: {repaired}; source read as {SOURCE_ENCODING}")
    print(f"source sha256: {src_sha}")
    print(f"output sha256: {out_sha}  ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SRC)
