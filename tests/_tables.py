"""Hand-made analysis tables with the documented columns of georoutes.analyze(), for tests of
the modules that only read an analysis (economics, calibration, compare, scenario)."""

from __future__ import annotations

import pandas as pd


def _exposure(inside, w10, w50, w100, distance):
    return {
        "CHN": {
            "inside_km": inside,
            "within_km": {"10": w10, "50": w50, "100": w100},
            "min_distance_km": distance,
        }
    }


def make_analysis(rows: list[dict]) -> pd.DataFrame:
    """A hand-made table with the documented columns of georoutes.analyze()."""
    records = []
    for row in rows:
        km = row["km_by_state"]
        offshore = row.get("offshore_km", 0.0)
        records.append(
            {
                "id": row["id"],
                "name": row.get("name", row["id"]),
                "kind": row.get("kind", "pipeline"),
                "length_km": sum(km.values()) + offshore,
                "states": row["states"],
                "transit_states": row["states"][1:-1],
                "km_by_state": km,
                "offshore_km": offshore,
                "crossings": [],
                "slivers": [],
                "exposure": row.get("exposure", _exposure(0.0, 0.0, 0.0, 0.0, 500.0)),
            }
        )
    table = pd.DataFrame(records).set_index("id")
    table.attrs = {
        "boundaries": {"name": "test", "version": "0"},
        "focus": ["CHN"],
        "bands_km": [10, 50, 100],
    }
    return table


#: The seed scenario in miniature: three pipelines to South Korea and three Busan → Europe
#: corridors (the middle corridor is missing on purpose).
SEED_ROWS = [
    {
        "id": "pipeline-rus-prk-kor-2011",
        "states": ["RUS", "PRK", "KOR"],
        "km_by_state": {"RUS": 20.0, "PRK": 700.0, "KOR": 380.0},
        "exposure": _exposure(0.0, 5.0, 30.0, 80.0, 2.0),
    },
    {
        "id": "pipeline-rus-chn-kor",
        "states": ["RUS", "CHN", "PRK", "KOR"],
        "km_by_state": {"RUS": 100.0, "CHN": 900.0, "PRK": 600.0, "KOR": 300.0},
        "offshore_km": 100.0,
        "exposure": _exposure(900.0, 950.0, 1000.0, 1100.0, 0.0),
    },
    {
        "id": "pipeline-east-sea",
        "states": ["RUS", "KOR"],
        "km_by_state": {"RUS": 50.0, "KOR": 50.0},
        "offshore_km": 900.0,
        "exposure": _exposure(0.0, 0.0, 0.0, 0.0, 150.0),
    },
    {
        "id": "corridor-busan-europe-tsr",
        "kind": "railway",
        "states": ["KOR", "PRK", "RUS", "BLR", "POL", "DEU"],
        "km_by_state": {
            "KOR": 300.0,
            "PRK": 800.0,
            "RUS": 9000.0,
            "BLR": 600.0,
            "POL": 200.0,
            "DEU": 100.0,
        },
    },
    {
        "id": "corridor-busan-europe-china",
        "kind": "railway",
        "states": ["KOR", "PRK", "CHN", "MNG", "RUS", "BLR", "POL", "DEU"],
        "km_by_state": {
            "KOR": 300.0,
            "PRK": 400.0,
            "CHN": 1500.0,
            "MNG": 1100.0,
            "RUS": 5000.0,
            "BLR": 600.0,
            "POL": 200.0,
            "DEU": 100.0,
        },
    },
    {
        "id": "corridor-busan-europe-sea",
        "kind": "shipping",
        "states": ["KOR", "NLD"],
        "km_by_state": {"KOR": 5.0, "NLD": 5.0},
        "offshore_km": 19990.0,
    },
]
SEED = make_analysis(SEED_ROWS)
