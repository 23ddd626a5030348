"""``georoutes catalog``: list the built-in routes and corridors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
import geopandas as gpd
import pandas as pd

from .analyze import analyze


def _rows() -> tuple[Any, Any]:
    from .catalog import catalog, corridor_routes

    routes = catalog()
    frame = gpd.GeoDataFrame(pd.concat([routes, corridor_routes(routes=routes)]),
                             geometry="geometry", crs="EPSG:4326")
    analysis = analyze(frame.reset_index(drop=True), focus=())
    return frame, analysis


def _published_km(frame: gpd.GeoDataFrame, rid: str) -> float | None:
    if "published_length_km" not in frame:
        return None
    value = frame.loc[rid, "published_length_km"]
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number == number and number > 0 else None


@click.command("catalog")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "geojson"]),
              default="table", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None)
def catalog_command(fmt: str, out: Path | None) -> None:
    """List the built-in routes and corridors: id, kind, status, length_km, states.

    Routes with a published length also show it, and how the drawn line compares.
    """
    from .cli import emit

    frame, analysis = _rows()
    records = []
    for rid in frame.index:
        row = analysis.loc[rid]
        published = _published_km(frame, rid)
        length_km = round(float(row["length_km"]), 3)
        records.append({"id": rid, "type": "corridor" if rid.startswith("corridor-") else "route",
                        "name": row["name"], "kind": row["kind"],
                        "status": frame.loc[rid, "status"] if "status" in frame else None,
                        "length_km": length_km,
                        "published_length_km": published,
                        "drawn_vs_published_pct": (None if published is None else
                                                   round(100.0 * (length_km / published - 1), 1)),
                        "states": list(row["states"])})
    if fmt == "json":
        emit(json.dumps({"routes": records}, indent=2, ensure_ascii=False) + "\n", out)
    elif fmt == "geojson":
        geo = frame.reset_index(drop=True).copy()
        geo["length_km"] = [r["length_km"] for r in records]
        geo["states"] = [r["states"] for r in records]
        emit(geo.to_json(drop_id=True, ensure_ascii=False) + "\n", out)
    else:
        import io

        from rich.console import Console
        from rich.table import Table
        from rich.text import Text

        table = Table(title="georoutes built-in catalog")
        for col in ("id", "type", "kind", "status", "length km", "published km", "drawn",
                    "states"):
            table.add_column(col, justify="right" if col in ("length km", "published km",
                                                             "drawn") else "left")
        for r in records:
            pub = r["published_length_km"]
            table.add_row(Text(r["id"]), r["type"], Text(str(r["kind"] or "")),
                          Text(str(r["status"] or "")), f"{r['length_km']:,.1f}",
                          "" if pub is None else f"{pub:,.0f}",
                          "" if pub is None else f"{r['drawn_vs_published_pct']:+.1f} %",
                          Text("→".join(r["states"])))
        console = Console(file=io.StringIO(), width=190, record=True)
        console.print(table)
        console.print("published km: the route length a source gives (seeds/sources.toml); "
                      "drawn: how the line drawn through its places compares. Lines drawn "
                      "station to station miss the track's windings, so railways come out "
                      "short where no track geometry was available.")
        emit(console.export_text(), out)
