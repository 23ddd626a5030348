"""Commands ``georoutes sea-route`` and ``georoutes trace-rail``, registered by georoutes.cli.

Thin over :mod:`georoutes.networks`: parse, call, format. Errors print one line ``error: ...`` on
stderr and exit with status 2; an output file is written whole or not at all.
"""

from __future__ import annotations

import functools
import io
import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click
import geopandas as gpd
import numpy as np

from .errors import GeorouteError
from .geodesy import geodesic_length_m

__all__ = ["sea_route_command", "trace_rail_command"]

F = TypeVar("F", bound=Callable[..., Any])

# Unknown "options" are arguments: a longitude west of Greenwich ("-70.5,40.2") starts with "-".
_CONTEXT = {"ignore_unknown_options": True, "help_option_names": ["-h", "--help"]}
_FORMATS = click.Choice(["json", "geojson", "table"])


def _one_line(text: str) -> str:
    return "; ".join(line.strip() for line in str(text).splitlines() if line.strip())


def _cli_errors(func: F) -> F:
    """Turn georoutes' errors (and unwritable output) into ``error: ...`` and exit status 2."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        ctx = click.get_current_context()
        debug = (bool(kwargs.get("debug") or ctx.find_root().params.get("debug"))
                 or os.environ.get("GEOROUTES_DEBUG") == "1")
        try:
            return func(*args, **kwargs)
        except (GeorouteError, OSError) as exc:
            if debug:
                raise
            click.echo(f"error: {_one_line(str(exc)) or type(exc).__name__}", err=True)
            ctx.exit(2)

    return wrapper  # type: ignore[return-value]


def _emit(text: str, out: Path | None) -> None:
    if out is None:
        click.echo(text, nl=not text.endswith("\n"))
        return
    from .cli import write_atomic  # imported here: cli.py imports this module to register it

    with write_atomic(out) as fh:
        fh.write(text)
    click.echo(f"wrote {out}", err=True)


def _plain(value: Any) -> Any:
    """Return ``value`` with numpy scalars/arrays made JSON-serialisable, floats to 3 decimals."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | np.ndarray):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return round(value, 3)
    return value


def _table(title: str, rows: Sequence[tuple[str, Any]]) -> str:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, show_header=False)
    table.add_column("field", style="bold")
    table.add_column("value")
    for field, value in rows:
        if isinstance(value, float):
            text = f"{value:,.1f}"
        elif isinstance(value, dict):
            text = ", ".join(f"{k}: {v:,.1f}" if isinstance(v, float) else f"{k}: {v}"
                             for k, v in value.items()) or "-"
        elif isinstance(value, list):
            text = ", ".join(str(v) for v in value) or "-"
        else:
            text = str(value)
        table.add_row(field, text)
    console = Console(file=io.StringIO(), width=110, record=True, color_system=None)
    console.print(table)
    return console.export_text()


# --------------------------------------------------------------------------------------------
# sea-route
# --------------------------------------------------------------------------------------------

def _endpoint(query: str, lonlat: Sequence[float]) -> dict[str, Any]:
    from .networks import _LONLAT

    return {"input": query, "place_id": None if _LONLAT.match(query) else query,
            "lon": float(lonlat[0]), "lat": float(lonlat[1])}


@click.command("sea-route", context_settings=_CONTEXT)
@click.argument("origin")
@click.argument("destination")
@click.option("--avoid", "avoid", multiple=True, metavar="PASSAGE",
              help="Close a passage (repeatable), e.g. --avoid Suez --avoid Panama.")
@click.option("--allow", "allow", multiple=True, metavar="PASSAGE",
              help="Open a passage closed by default: 'Northwest Passage', 'Northern Sea Route'.")
@click.option("--via", "via", multiple=True, metavar="PLACE",
              help="Pass through this LON,LAT or place id (repeatable, in order).")
@click.option("--connect/--no-connect", default=False, show_default=True,
              help="Draw the legs from ORIGIN/DESTINATION to their snapped sea nodes.")
@click.option("--places", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Places layer for place ids (default: the shipped layers/places).")
@click.option("--format", "fmt", type=_FORMATS, default="json", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to FILE instead of stdout (all or nothing).")
@click.option("--debug", is_flag=True, hidden=True, help="Show tracebacks.")
@_cli_errors
def sea_route_command(origin: str, destination: str, avoid: tuple[str, ...],
                      allow: tuple[str, ...], via: tuple[str, ...], connect: bool,
                      places: Path | None, fmt: str, out: Path | None, debug: bool) -> None:
    """Route a ship from ORIGIN to DESTINATION on searoute's marine network (offline).

    ORIGIN and DESTINATION are LON,LAT (e.g. 129.04,35.10) or place ids (e.g. busan-port).
    Points on land are snapped to the nearest sea node; snapped_km says how far. The
    Northwest Passage and the Northern Sea Route stay closed unless --allow'ed.
    """
    from .networks import sea_route

    route = sea_route(origin, destination, restrictions=avoid, allow=allow, via=via,
                      connect_endpoints=connect, places=places)
    row = route.iloc[0]
    if fmt == "geojson":
        _emit(route.to_json(drop_id=True), out)
        return
    record = {
        "id": row["id"], "name": row["name"], "kind": row["kind"],
        "length_km": row["length_km"], "searoute_length_km": row["searoute_length_km"],
        "passages": list(row["passages"]), "snapped_km": dict(row["snapped_km"]),
        "origin": _endpoint(origin, row["origin"]),
        "destination": _endpoint(destination, row["destination"]),
        "via": [_endpoint(q, p) for q, p in zip(via, row["via"], strict=True)],
        "closed_passages": list(row["closed_passages"]), "network": row["network"],
        "vertices": len(row.geometry.coords),
    }
    if fmt == "json":
        _emit(json.dumps(_plain(record), ensure_ascii=False, indent=2) + "\n", out)
        return
    rows = [("from", f"{origin} ({row['origin'][0]:.4f}, {row['origin'][1]:.4f})"),
            ("to", f"{destination} ({row['destination'][0]:.4f}, {row['destination'][1]:.4f})"),
            ("length_km (geodesic)", float(row["length_km"])),
            ("searoute_length_km", float(row["searoute_length_km"])),
            ("passages", list(row["passages"])),
            ("snapped_km", {k: v for k, v in row["snapped_km"].items() if k != "via"}),
            ("closed passages", list(row["closed_passages"])),
            ("network", row["network"])]
    _emit(_table(str(row["name"]), rows), out)


# --------------------------------------------------------------------------------------------
# trace-rail
# --------------------------------------------------------------------------------------------

def _load_catalog() -> gpd.GeoDataFrame:
    """Return the route catalog (georoutes.catalog.catalog()) as a GeoDataFrame with ``id``."""
    try:
        from .catalog import catalog
    except ImportError as exc:
        raise GeorouteError(f"the route catalog is not available: {exc}") from exc
    routes = catalog()
    if "id" not in routes.columns:
        routes = routes.reset_index()
    return routes


def _places_of(value: Any, route_id: str) -> list[str]:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            value = [value]
    if value is None or (isinstance(value, float) and np.isnan(value)):
        value = []
    places = [str(v) for v in value]
    if len(places) < 2:
        raise GeorouteError(f"catalog: route {route_id!r}: its 'places' list has "
                            f"{len(places)} place(s); tracing needs at least two waypoints")
    return places


def _geodesic_km(geom: Any) -> float:
    import shapely

    return sum(geodesic_length_m(*np.asarray(part.coords).T[:2]) for part in
               shapely.get_parts(geom)) / 1000.0


def _catalog_rows(route_ids: Sequence[str]) -> list[Any]:
    import difflib

    routes = _load_catalog()
    by_id = {str(i): n for n, i in enumerate(routes["id"])}
    rows = []
    for route_id in route_ids:
        if route_id not in by_id:
            rail = [str(i) for i, k in zip(routes["id"], routes.get("kind", [None] * len(routes)),
                                           strict=True) if k == "rail"]
            close = difflib.get_close_matches(route_id, list(by_id), n=3, cutoff=0.5)
            hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
            raise GeorouteError(f"catalog: no route {route_id!r}{hint} "
                                f"(railways: {', '.join(rail) or 'none'})")
        row = routes.iloc[by_id[route_id]]
        kind = row.get("kind")
        if kind != "rail":
            raise GeorouteError(f"catalog: route {route_id!r} is kind {kind!r}, not 'rail': "
                                "only railways can be traced on OSM track")
        rows.append(row)
    return rows


@click.command("trace-rail", context_settings=_CONTEXT)
@click.argument("route_ids", nargs=-1, required=True, metavar="ROUTE_ID...")
@click.option("--osm", "osm_file", required=True, type=click.Path(path_type=Path),
              help="OSM XML file (.osm, .osm.bz2, .osm.gz) covering the railway.")
@click.option("--places", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Places layer for the route's place ids (default: the shipped one).")
@click.option("--format", "fmt", type=_FORMATS, default="json", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to FILE instead of stdout (all or nothing).")
@click.option("--debug", is_flag=True, hidden=True, help="Show tracebacks.")
@_cli_errors
def trace_rail_command(route_ids: tuple[str, ...], osm_file: Path, places: Path | None,
                       fmt: str, out: Path | None, debug: bool) -> None:
    """Refine catalog railways ROUTE_ID... along the OSM track of --osm FILE.

    Each route's places (stations) are snapped to the nearest rail node and joined by the
    shortest path along the track; the report gives the traced length, its change against the
    catalog's waypoint line, km by gauge and how far each station was snapped.
    """
    from .networks import rail_graph, rail_routes

    rows = _catalog_rows(route_ids)
    waypoints = {str(r["id"]): _places_of(r.get("places"), str(r["id"])) for r in rows}
    graph = rail_graph(osm_file=osm_file)
    traced = rail_routes(waypoints, graph=graph, places=places)
    records = []
    for row, (_, t) in zip(rows, traced.iterrows(), strict=True):
        before_km = _geodesic_km(row.geometry)
        after_km = float(t["length_km"])
        records.append({
            "id": str(row["id"]), "name": str(row.get("name") or row["id"]), "kind": "rail",
            "places": waypoints[str(row["id"])],
            "waypoint_length_km": before_km, "traced_length_km": after_km,
            "change_km": after_km - before_km,
            "change_pct": 100.0 * (after_km - before_km) / before_km if before_km else None,
            "km_by_gauge": dict(t["km_by_gauge"]),
            "snapped_km": dict(zip(waypoints[str(row["id"])], t["snapped_km"], strict=True)),
            "network": t["network"],
        })
    if fmt == "geojson":
        props = [r | {"length_km": r["traced_length_km"]} for r in records]
        gdf = gpd.GeoDataFrame(props, geometry=list(traced.geometry), crs="EPSG:4326")
        _emit(gdf.to_json(drop_id=True), out)
    elif fmt == "json":
        _emit(json.dumps({"routes": _plain(records)}, ensure_ascii=False, indent=2) + "\n", out)
    else:
        text = "".join(_table(r["name"], [
            ("id", r["id"]), ("places", r["places"]),
            ("waypoint_length_km", r["waypoint_length_km"]),
            ("traced_length_km", r["traced_length_km"]),
            ("change_km", r["change_km"]),
            ("change_pct", "-" if r["change_pct"] is None else f"{r['change_pct']:+.1f} %"),
            ("km_by_gauge", r["km_by_gauge"]), ("snapped_km", r["snapped_km"]),
        ]) for r in records)
        _emit(text, out)
