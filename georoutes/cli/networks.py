"""``georoutes sea-route`` and ``georoutes trace-rail``: parse, call the networks, format.

Thin over :mod:`georoutes.networks`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click
from rich.table import Table

from ..networks import sea_route, trace_rail
from ._options import out_option
from ._output import emit, plain, render

__all__ = ["sea_route_command", "trace_rail_command"]

# Unknown "options" are arguments: a longitude west of Greenwich ("-70.5,40.2") starts with "-".
_CONTEXT = {"ignore_unknown_options": True, "help_option_names": ["-h", "--help"]}
_FORMATS = click.Choice(["json", "geojson", "table"])
_OUT_HELP = "Write to FILE instead of stdout (all or nothing)."


def _table(title: str, rows: Sequence[tuple[str, Any]]) -> Table:
    table = Table(title=title, show_header=False)
    table.add_column("field", style="bold")
    table.add_column("value")
    for field, value in rows:
        if isinstance(value, float):
            text = f"{value:,.1f}"
        elif isinstance(value, dict):
            text = (
                ", ".join(
                    f"{k}: {v:,.1f}" if isinstance(v, float) else f"{k}: {v}"
                    for k, v in value.items()
                )
                or "-"
            )
        elif isinstance(value, list):
            text = ", ".join(str(v) for v in value) or "-"
        else:
            text = str(value)
        table.add_row(field, text)
    return table


def _endpoint(query: str, lonlat: Sequence[float], place_ids: Sequence[str]) -> dict[str, Any]:
    return {
        "input": query,
        "place_id": query.strip() if query.strip() in place_ids else None,
        "lon": float(lonlat[0]),
        "lat": float(lonlat[1]),
    }


@click.command("sea-route", context_settings=_CONTEXT)
@click.argument("origin")
@click.argument("destination")
@click.option(
    "--avoid",
    "avoid",
    multiple=True,
    metavar="PASSAGE",
    help="Close a passage (repeatable), e.g. --avoid Suez --avoid Panama.",
)
@click.option(
    "--allow",
    "allow",
    multiple=True,
    metavar="PASSAGE",
    help="Open a passage closed by default: 'Northwest Passage', 'Northern Sea Route'.",
)
@click.option(
    "--via",
    "via",
    multiple=True,
    metavar="PLACE",
    help="Pass through this LON,LAT or place id (repeatable, in order).",
)
@click.option(
    "--connect/--no-connect",
    default=False,
    show_default=True,
    help="Draw the legs from ORIGIN/DESTINATION to their snapped sea nodes.",
)
@click.option(
    "--places",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Places layer for place ids (default: the catalog's places).",
)
@click.option("--format", "fmt", type=_FORMATS, default="json", show_default=True)
@out_option(_OUT_HELP)
def sea_route_command(
    origin: str,
    destination: str,
    avoid: tuple[str, ...],
    allow: tuple[str, ...],
    via: tuple[str, ...],
    connect: bool,
    places: Path | None,
    fmt: str,
    out: Path | None,
) -> None:
    """Route a ship from ORIGIN to DESTINATION on searoute's marine network (offline).

    ORIGIN and DESTINATION are LON,LAT (e.g. 129.04,35.10) or place ids (e.g. busan-port).
    Points on land are snapped to the nearest sea node; snapped_km says how far. The
    Northwest Passage and the Northern Sea Route stay closed unless --allow'ed.
    """
    route = sea_route(
        origin,
        destination,
        restrictions=avoid,
        allow=allow,
        via=via,
        connect_endpoints=connect,
        places=places,
    )
    row = route.iloc[0]
    if fmt == "geojson":
        emit(route.to_json(drop_id=True), out)
        return
    place_ids = list(row["places"])
    record = {
        "id": row["id"],
        "name": row["name"],
        "kind": row["kind"],
        "length_km": row["length_km"],
        "searoute_length_km": row["searoute_length_km"],
        "passages": list(row["passages"]),
        "snapped_km": dict(row["snapped_km"]),
        "origin": _endpoint(origin, row["origin"], place_ids),
        "destination": _endpoint(destination, row["destination"], place_ids),
        "via": [_endpoint(q, p, place_ids) for q, p in zip(via, row["via"], strict=True)],
        "closed_passages": list(row["closed_passages"]),
        "network": row["network"],
        "vertices": len(row.geometry.coords),
    }
    if fmt == "json":
        emit(json.dumps(plain(record), ensure_ascii=False, indent=2) + "\n", out)
        return
    rows = [
        ("from", f"{origin} ({row['origin'][0]:.4f}, {row['origin'][1]:.4f})"),
        ("to", f"{destination} ({row['destination'][0]:.4f}, {row['destination'][1]:.4f})"),
        ("length_km (geodesic)", float(row["length_km"])),
        ("searoute_length_km", float(row["searoute_length_km"])),
        ("passages", list(row["passages"])),
        ("snapped_km", {k: v for k, v in row["snapped_km"].items() if k != "via"}),
        ("closed passages", list(row["closed_passages"])),
        ("network", row["network"]),
    ]
    emit(render(_table(str(row["name"]), rows)), out)


@click.command("trace-rail", context_settings=_CONTEXT)
@click.argument("route_ids", nargs=-1, required=True, metavar="ROUTE_ID...")
@click.option(
    "--osm",
    "osm_file",
    required=True,
    type=click.Path(path_type=Path),
    help="OSM XML file (.osm, .osm.bz2, .osm.gz) covering the railway.",
)
@click.option(
    "--places",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Places layer for the route's place ids (default: the catalog's places).",
)
@click.option("--format", "fmt", type=_FORMATS, default="json", show_default=True)
@out_option(_OUT_HELP)
def trace_rail_command(
    route_ids: tuple[str, ...], osm_file: Path, places: Path | None, fmt: str, out: Path | None
) -> None:
    """Refine catalog railways ROUTE_ID... along the OSM track of --osm FILE.

    Each route's places (stations) are snapped to the nearest rail node and joined by the
    shortest path along the track; the report gives the traced length, its change against the
    catalog's waypoint line, km by gauge and how far each station was snapped.
    """
    traced = trace_rail(route_ids, osm_file=osm_file, places=places)
    if fmt == "geojson":
        emit(traced.assign(length_km=traced["traced_length_km"]).to_json(drop_id=True), out)
        return
    records = [
        plain({k: v for k, v in r.items() if k != "geometry"}) for r in traced.to_dict("records")
    ]
    if fmt == "json":
        emit(json.dumps({"routes": records}, ensure_ascii=False, indent=2) + "\n", out)
        return
    emit(
        render(
            *(
                _table(
                    r["name"],
                    [
                        ("id", r["id"]),
                        ("places", r["places"]),
                        ("waypoint_length_km", r["waypoint_length_km"]),
                        ("traced_length_km", r["traced_length_km"]),
                        ("change_km", r["change_km"]),
                        (
                            "change_pct",
                            "-" if r["change_pct"] is None else f"{r['change_pct']:+.1f} %",
                        ),
                        ("km_by_gauge", r["km_by_gauge"]),
                        ("snapped_km", r["snapped_km"]),
                    ],
                )
                for r in records
            )
        ),
        out,
    )
