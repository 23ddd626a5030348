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


@click.command("catalog")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "geojson"]),
              default="table", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None)
def catalog_command(fmt: str, out: Path | None) -> None:
    """List the built-in routes and corridors: id, kind, status, length_km, states."""
    from .cli import emit

    frame, analysis = _rows()
    records = []
    for rid in frame.index:
        row = analysis.loc[rid]
        records.append({"id": rid, "type": "corridor" if rid.startswith("corridor-") else "route",
                        "name": row["name"], "kind": row["kind"],
                        "status": frame.loc[rid, "status"] if "status" in frame else None,
                        "length_km": round(float(row["length_km"]), 3),
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
        for col in ("id", "type", "kind", "status", "length km", "states"):
            table.add_column(col, justify="right" if col == "length km" else "left")
        for r in records:
            table.add_row(Text(r["id"]), r["type"], Text(str(r["kind"] or "")),
                          Text(str(r["status"] or "")), f"{r['length_km']:,.1f}",
                          Text("→".join(r["states"])))
        console = Console(file=io.StringIO(), width=160, record=True)
        console.print(table)
        emit(console.export_text(), out)
