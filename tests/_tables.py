"""Hand-made analysis tables with the documented columns of georoutes.analyze(), for tests of
the modules that only read an analysis (economics, compare)."""

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
