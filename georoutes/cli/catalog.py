"""``georoutes catalog``: list the built-in routes and corridors, with their published lengths."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
import geopandas as gpd
from rich import box
from rich.table import Table
from rich.text import Text

from ..analyze import analyze
from ..boundaries import load_boundaries
from ..catalog import builtin_routes, drawn_vs_published_pct, published_length_km
from ._options import boundaries_options, out_option, waters_kwargs
from ._output import emit, render, status, terminal_width

__all__ = ["catalog_command"]

_NOTE = (
    "length km: the geodesic length of the line drawn through the route's places; track "
    "km: its length by published km posts (seeds/km_posts.toml), blank when uncalibrated; "
    "published km: the length a source gives (seeds/sources.toml); drawn: how the drawn "
    "line compares. Lines drawn station to station miss the track's windings."
)


def _records(frame: gpd.GeoDataFrame, analysis: Any) -> list[dict[str, Any]]:
    records = []
    for n, rid in enumerate(frame["id"]):
        row = analysis.loc[rid]
        published = (
            published_length_km(frame["published_length_km"].iloc[n])
            if "published_length_km" in frame
            else None
        )
        length_km = round(float(row["length_km"]), 3)
        track = row.get("track_km") if bool(row.get("calibrated", False)) else None
        track_km = None if track is None or track != track else round(float(track), 3)
        records.append(
            {
                "id": rid,
                "type": "corridor" if rid.startswith("corridor-") else "route",
                "name": row["name"],
                "kind": row["kind"],
                "status": frame["status"].iloc[n] if "status" in frame else None,
                "length_km": length_km,
                "track_km": track_km,
                "published_length_km": published,
                "drawn_vs_published_pct": drawn_vs_published_pct(length_km, published),
                "states": list(row["states"]),
            }
        )
    return records


def _table(records: list[dict[str, Any]], *, width: int) -> Table:
    # A narrow terminal drops the columns a reader can do without (type and kind show in the
    # id's prefix; the JSON and GeoJSON outputs carry every field).
    columns = [
        "id",
        "type",
        "kind",
        "status",
        "length km",
        "track km",
        "published km",
        "drawn",
        "states",
    ]
    if width < 130:
        columns = [c for c in columns if c not in ("type", "status")]
    if width < 110:
        columns = [c for c in columns if c not in ("kind", "published km")]
    table = Table(title="georoutes built-in catalog", box=box.SIMPLE_HEAD, pad_edge=False)
    for col in columns:
        numeric = col in ("length km", "track km", "published km", "drawn")
        table.add_column(
            col, justify="right" if numeric else "left", no_wrap=col != "states", overflow="fold"
        )
    for r in records:
        pub = r["published_length_km"]
        cells = {
            "id": Text(r["id"]),
            "type": r["type"],
            "kind": Text(str(r["kind"] or "")),
            "status": Text(str(r["status"] or "")),
            "length km": f"{r['length_km']:,.1f}",
            "track km": "" if r["track_km"] is None else f"{r['track_km']:,.1f}",
            "published km": "" if pub is None else f"{pub:,.0f}",
            "drawn": "" if pub is None else f"{r['drawn_vs_published_pct']:+.1f} %",
            "states": Text("→".join(r["states"])),
        }
        table.add_row(*(cells[c] for c in columns))
    return table


@click.command("catalog")
@boundaries_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "geojson"]),
    default="table",
    show_default=True,
)
@out_option()
def catalog_command(boundaries: str | None, code_column: str, fmt: str, out: Path | None) -> None:
    """List the built-in routes and corridors: id, kind, status, length_km, states.

    Routes with a published length also show it, and how the drawn line compares.
    """
    layer = load_boundaries(boundaries, code_column=code_column)
    frame = builtin_routes()
    with status(f"measuring {len(frame):,} catalog route(s)"):
        analysis = analyze(frame, boundaries=layer, focus=(), **waters_kwargs())
    records = _records(frame, analysis)
    if fmt == "json":
        emit(json.dumps({"routes": records}, indent=2, ensure_ascii=False) + "\n", out)
    elif fmt == "geojson":
        geo = frame.copy()
        geo["length_km"] = [r["length_km"] for r in records]
        geo["states"] = [r["states"] for r in records]
        emit(geo.to_json(drop_id=True, ensure_ascii=False) + "\n", out)
    else:
        emit(render(_table(records, width=terminal_width()), _NOTE), out)
