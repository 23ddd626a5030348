"""The code table the OpenStreetMap layer builds share (build_osm_boundaries, build_waters)."""

# The package's `A3` is ISO 3166-1 alpha-3 (or a user-assigned code); Natural Earth's ADM0_A3
# differs for these. Most do not occur in the region; they are listed so that widening
# REGION_BBOX cannot silently produce codes the Natural Earth layer lacks (main() checks).
NE_CODE = {
    "ALA": "ALD",  # Åland
    "ESH": "SAH",  # Western Sahara
    "PSE": "PSX",  # Palestine
    "SSD": "SDS",  # South Sudan
    "XKX": "KOS",  # Kosovo
    "CCK": "IOA",  # Cocos (Keeling) Islands: NE's "Indian Ocean Territories"
    "CXR": "IOA",  # Christmas Island: idem
    # Natural Earth counts these as part of their sovereign's feature.
    "BES": "NLD",
    "BVT": "NOR",
    "SJM": "NOR",
    "GLP": "FRA",
    "GUF": "FRA",
    "MTQ": "FRA",
    "MYT": "FRA",
    "REU": "FRA",
    "TKL": "NZL",
}
