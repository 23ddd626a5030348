"""Rail routes along OSM track.

A railway graph built with osmnx, shortest paths through waypoints, km by track gauge, and
catalog railways retraced on that track.

Lengths are geodesic on WGS84 (:mod:`georoutes.geodesy`), never osmnx's per-edge ``length``
(which only weights the shortest path), so every route in georoutes is measured the same way.
"""

from __future__ import annotations

import difflib
import json
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import shapely

from ..catalog import catalog as _catalog
from ..errors import GeorouteError, NetworkDataError, NoRouteError, PlaceError
from ..geodesy import geodesic_length_m
from ._locations import (
    Location,
    Places,
    ResolvedLocation,
    _check_lonlat,
    _nearest,
    _slug,
    resolve_location,
)

if TYPE_CHECKING:
    from rich.progress import Progress

__all__ = ["DEFAULT_RAILWAY", "RAIL_TAGS", "rail_graph", "rail_route", "rail_routes", "trace_rail"]


#: Values of the OSM ``railway`` tag whose ways make the graph (running track, not platforms,
#: abandoned or razed lines). See https://wiki.openstreetmap.org/wiki/Key:railway
DEFAULT_RAILWAY: tuple[str, ...] = ("rail", "narrow_gauge", "light_rail")

#: OSM way tags kept as edge attributes.
RAIL_TAGS: tuple[str, ...] = ("railway", "gauge", "usage", "service", "name", "ref", "electrified")


@contextmanager
def _progress(enabled: bool | None) -> Iterator[Progress]:
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    console = Console(stderr=True)
    show = console.is_terminal if enabled is None else enabled
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not show,
    ) as progress:
        yield progress


@contextmanager
def _rail_tags() -> Iterator[None]:
    import osmnx as ox

    saved = ox.settings.useful_tags_way
    ox.settings.useful_tags_way = list(RAIL_TAGS)
    try:
        yield
    finally:
        ox.settings.useful_tags_way = saved


def _check_bbox(bbox: Sequence[float]) -> tuple[float, float, float, float]:
    try:
        west, south, east, north = (float(v) for v in bbox)
    except (TypeError, ValueError) as exc:
        raise PlaceError(
            f"bbox: expected (west, south, east, north) degrees, got {bbox!r}"
        ) from exc
    for lon, lat in ((west, south), (east, north)):
        _check_lonlat(lon, lat, f"bbox {tuple(bbox)!r}")
    if not (west < east and south < north):
        raise PlaceError(
            f"bbox: expected (west, south, east, north) with west < east and "
            f"south < north, got {tuple(bbox)!r}"
        )
    return west, south, east, north


def rail_graph(
    *,
    osm_file: str | Path | None = None,
    bbox: Sequence[float] | None = None,
    railway: Sequence[str] = DEFAULT_RAILWAY,
    progress: bool | None = None,
) -> nx.MultiDiGraph:
    """Return a railway graph built with osmnx from an OSM XML file or, online, from Overpass.

    Every connected part is kept (rail networks are fragmented: no largest-component pruning).
    Edges keep the OSM way tags in :data:`RAIL_TAGS`. The graph is *not* simplified: every OSM
    node of the track stays a graph node, so a station between two junctions snaps to the track
    beside it (a simplified graph keeps only junctions and ends, km away), and each edge has one
    ``gauge``.

    Parameters
    ----------
    osm_file
        An OSM XML file (``.osm``, ``.osm.bz2``, ``.osm.gz``). Ways whose ``railway`` tag is not
        in ``railway`` are dropped.
    bbox
        ``(west, south, east, north)`` degrees, to download from Overpass (needs the internet);
        used only when no ``osm_file`` is given.
    railway
        The ``railway`` tag values to keep.
    progress
        Show a progress display on stderr (default: when stderr is a terminal).

    Raises
    ------
    NetworkDataError
        The file is missing or unreadable, or holds no railway way of the kinds asked for.
    """
    import osmnx as ox

    if osm_file is None and bbox is None:
        raise NetworkDataError(
            "rail graph: give osm_file= (an OSM XML file) or bbox= "
            "(west, south, east, north) to download from Overpass"
        )
    wanted = set(railway)
    with _progress(progress) as bar, _rail_tags():
        task = bar.add_task("building railway graph", total=2)
        if osm_file is not None:
            path = Path(osm_file)
            source = str(path)
            if not path.is_file():
                raise NetworkDataError(f"{source}: no such OSM XML file")
            try:
                graph = ox.graph_from_xml(path, bidirectional=True, simplify=False, retain_all=True)
            except Exception as exc:  # SAX, KeyError on malformed elements, osmnx's own errors
                raise NetworkDataError(f"{source}: cannot read as OSM XML: {exc}") from exc
        else:
            west, south, east, north = _check_bbox(bbox)  # type: ignore[arg-type]
            source = f"Overpass bbox {(west, south, east, north)}"
            pattern = "|".join(re.escape(v) for v in sorted(wanted))
            graph = ox.graph_from_bbox(
                (west, south, east, north),
                simplify=False,
                retain_all=True,
                custom_filter=f'["railway"~"^({pattern})$"]',
            )
        bar.advance(task)
        graph.remove_edges_from(
            [
                (u, v, k)
                for u, v, k, d in graph.edges(keys=True, data=True)
                if d.get("railway") not in wanted
            ]
        )
        graph.remove_nodes_from([n for n in list(graph.nodes) if graph.degree(n) == 0])
        if graph.number_of_edges() == 0:
            raise NetworkDataError(
                f"{source}: no railway ways tagged railway={'|'.join(sorted(wanted))}"
            )
        bar.advance(task)
    graph.graph["source"] = source
    return graph


def _edge_coords(
    graph: nx.MultiDiGraph, u: Any, v: Any
) -> tuple[list[tuple[float, float]], dict[str, Any]]:
    key = min(graph[u][v], key=lambda k: graph[u][v][k].get("length", math.inf))
    data = graph[u][v][key]
    start = (graph.nodes[u]["x"], graph.nodes[u]["y"])
    geom = data.get("geometry")
    if geom is None:
        return [start, (graph.nodes[v]["x"], graph.nodes[v]["y"])], data
    coords = [tuple(c) for c in geom.coords]
    if coords[0] != start:
        coords.reverse()
    return coords, data


def _gauge_key(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "untagged"
    if isinstance(value, list):
        return ";".join(sorted({str(v) for v in value}))
    return str(value)


def rail_route(
    waypoints: Sequence[Location],
    *,
    graph: nx.MultiDiGraph | None = None,
    osm_file: str | Path | None = None,
    bbox: Sequence[float] | None = None,
    route_id: str | None = None,
    name: str | None = None,
    places: Places = None,
    progress: bool | None = None,
) -> gpd.GeoDataFrame:
    """Return the shortest path along the track through the waypoints, as a one-row GeoDataFrame.

    Parameters
    ----------
    waypoints
        Two or more locations (``(lon, lat)``, ``"LON,LAT"``, Points or place ids); each is
        snapped to the geodesically nearest node of the railway graph.
    graph, osm_file, bbox
        The railway graph (from :func:`rail_graph`), or what to build it from.
    route_id, name
        The route's ``id`` and ``name`` (default: built from the waypoints).
    places
        The places layer for place ids (default: the catalog's places).
    progress
        Show progress on stderr (default: when stderr is a terminal).

    Returns
    -------
    geopandas.GeoDataFrame
        One row, EPSG:4326: ``id``, ``name``, ``kind`` (``"rail"``), ``length_km`` (geodesic),
        ``km_by_gauge`` (``{"1520": km, "1435": km, "untagged": km}``, summing to
        ``length_km``), ``snapped_km`` (one per waypoint), ``waypoints`` (``[lon, lat]`` each),
        ``osm_nodes`` (the snapped node ids), ``network`` (the graph's source) and the track as
        a LineString from the first snapped node to the last.

    Raises
    ------
    PlaceError
        A waypoint is unknown or out of range.
    NoRouteError
        Waypoints lie on disconnected parts of the graph (the message says which).
    NetworkDataError
        No graph and nothing to build it from, or no railway in the data.
    """
    if len(waypoints) < 2:
        raise PlaceError(f"waypoints: need at least two, got {len(waypoints)}")
    points = [
        resolve_location(w, what=f"waypoint {i + 1}", places=places)
        for i, w in enumerate(waypoints)
    ]
    if graph is None:
        graph = rail_graph(osm_file=osm_file, bbox=bbox, progress=progress)
    return _rail_route(graph, points, route_id=route_id, name=name, progress=progress)


def _rail_route(
    graph: nx.MultiDiGraph,
    points: list[ResolvedLocation],
    *,
    route_id: str | None,
    name: str | None,
    progress: bool | None,
) -> gpd.GeoDataFrame:
    nodes = list(graph.nodes)
    node_lon = np.array([graph.nodes[n]["x"] for n in nodes], dtype=float)
    node_lat = np.array([graph.nodes[n]["y"] for n in nodes], dtype=float)
    snapped: list[Any] = []
    snapped_km: list[float] = []
    for p in points:
        i, dist_m = _nearest(p.lon, p.lat, node_lon, node_lat)
        snapped.append(nodes[i])
        snapped_km.append(dist_m / 1000.0)
    _check_connected(graph, points, snapped)

    coords: list[tuple[float, float]] = []
    km_by_gauge: dict[str, float] = {}
    with _progress(progress) as bar:
        task = bar.add_task("following the track", total=len(points) - 1)
        for a, b in zip(snapped, snapped[1:], strict=False):
            path = nx.shortest_path(graph, a, b, weight="length")
            for u, v in zip(path, path[1:], strict=False):
                edge, data = _edge_coords(graph, u, v)
                x = np.array([c[0] for c in edge])
                y = np.array([c[1] for c in edge])
                gauge = _gauge_key(data.get("gauge"))
                km_by_gauge[gauge] = km_by_gauge.get(gauge, 0.0) + geodesic_length_m(x, y) / 1000.0
                coords += edge[1:] if coords else edge
            bar.advance(task)
    if len(coords) < 2:
        raise NoRouteError(
            f"all waypoints snap to the same rail node {snapped[0]}: nothing to route"
        )
    x_all = np.array([c[0] for c in coords])
    y_all = np.array([c[1] for c in coords])
    first, last = points[0], points[-1]
    row = {
        "id": route_id or f"rail-{_slug(first.query)}-{_slug(last.query)}",
        "name": name or f"{first.query} to {last.query} by rail",
        "kind": "rail",
        "length_km": geodesic_length_m(x_all, y_all) / 1000.0,
        "km_by_gauge": dict(sorted(km_by_gauge.items())),
        "snapped_km": snapped_km,
        "waypoints": [[p.lon, p.lat] for p in points],
        "osm_nodes": [int(n) if isinstance(n, (int, np.integer)) else n for n in snapped],
        "network": f"{graph.graph.get('source', 'railway graph')} (osmnx)",
    }
    geometry = shapely.linestrings(np.column_stack([x_all, y_all]))
    return gpd.GeoDataFrame([row], geometry=[geometry], crs="EPSG:4326")


def _check_connected(
    graph: nx.MultiDiGraph, points: list[ResolvedLocation], snapped: list[Any]
) -> None:
    part_of: dict[Any, int] = {}
    for label, comp in enumerate(nx.weakly_connected_components(graph)):
        part_of.update({n: label for n in snapped if n in comp})
    groups: dict[int, list[int]] = {}
    for i, n in enumerate(snapped):
        groups.setdefault(part_of[n], []).append(i)
    if len(groups) > 1:
        parts = "; ".join(
            ("waypoints " if len(g) > 1 else "waypoint ")
            + ", ".join(f"{i + 1} ({points[i].query!r}, node {snapped[i]})" for i in g)
            for g in groups.values()
        )
        raise NoRouteError(
            f"waypoints are on disconnected parts of the railway graph ({len(groups)} parts: "
            f"{parts}); the track between them is missing from the data (a break, a ferry or "
            "an untagged link): add it, or route each part separately"
        )


def rail_routes(
    routes: Mapping[str, Sequence[Location]],
    *,
    graph: nx.MultiDiGraph,
    places: Places = None,
    progress: bool | None = None,
) -> gpd.GeoDataFrame:
    """Return :func:`rail_route` for each ``{route_id: waypoints}`` on one graph, one row each.

    Shows one progress bar over the routes (on stderr, when it is a terminal by default).
    """
    frames: list[gpd.GeoDataFrame] = []
    with _progress(progress) as bar:
        for route_id, waypoints in bar.track(list(routes.items()), description="rail routes"):
            points = [
                resolve_location(w, what=f"{route_id}: waypoint {i + 1}", places=places)
                for i, w in enumerate(waypoints)
            ]
            frames.append(_rail_route(graph, points, route_id=route_id, name=None, progress=False))
    if not frames:
        return gpd.GeoDataFrame({"id": []}, geometry=[], crs="EPSG:4326")
    return gpd.GeoDataFrame(
        pd.concat(frames, ignore_index=True), geometry="geometry", crs="EPSG:4326"
    )


# --------------------------------------------------------------------------------------------
# Catalog railways retraced on OSM track
# --------------------------------------------------------------------------------------------


def _catalog_routes() -> gpd.GeoDataFrame:
    """Return the routes :func:`trace_rail` looks ids up in by default: the catalog."""
    return _catalog()


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
        raise GeorouteError(
            f"catalog: route {route_id!r}: its 'places' list has "
            f"{len(places)} place(s); tracing needs at least two waypoints"
        )
    return places


def _geodesic_km(geom: Any) -> float:
    """Return the geodesic length (km, WGS84) of a (Multi)LineString in lon/lat degrees."""
    return (
        sum(geodesic_length_m(*np.asarray(part.coords).T[:2]) for part in shapely.get_parts(geom))
        / 1000.0
    )


def _rail_rows(routes: gpd.GeoDataFrame, route_ids: Sequence[str]) -> list[pd.Series]:
    if "id" not in routes.columns:
        routes = routes.reset_index()
    by_id = {str(i): n for n, i in enumerate(routes["id"])}
    kinds = routes["kind"] if "kind" in routes.columns else pd.Series([None] * len(routes))
    rows = []
    for route_id in route_ids:
        if route_id not in by_id:
            rail = [str(i) for i, k in zip(routes["id"], kinds, strict=True) if k == "rail"]
            close = difflib.get_close_matches(route_id, list(by_id), n=3, cutoff=0.5)
            hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
            raise GeorouteError(
                f"catalog: no route {route_id!r}{hint} (railways: {', '.join(rail) or 'none'})"
            )
        row = routes.iloc[by_id[route_id]]
        kind = row.get("kind")
        if kind != "rail":
            raise GeorouteError(
                f"catalog: route {route_id!r} is kind {kind!r}, not 'rail': "
                "only railways can be traced on OSM track"
            )
        rows.append(row)
    return rows


def trace_rail(
    route_ids: Sequence[str],
    *,
    osm_file: str | Path | None = None,
    graph: nx.MultiDiGraph | None = None,
    routes: gpd.GeoDataFrame | None = None,
    places: Places = None,
    progress: bool | None = None,
) -> gpd.GeoDataFrame:
    """Return catalog railways retraced along OSM track, with how much the length changed.

    Each route's ``places`` (stations) are snapped to the nearest rail node and joined by the
    shortest path along the track (:func:`rail_routes`); its drawn line is measured the same
    way (geodesic, WGS84) so the two lengths compare.

    Parameters
    ----------
    route_ids
        Ids of railways (``kind == "rail"``) of ``routes``.
    osm_file, graph
        The OSM XML file to build the railway graph from, or the graph (:func:`rail_graph`).
    routes
        The routes to look the ids up in (default: :func:`georoutes.catalog.catalog`).
    places
        The places layer for the routes' place ids (default: the catalog's places).
    progress
        Show progress on stderr (default: when stderr is a terminal).

    Returns
    -------
    geopandas.GeoDataFrame
        One row per route id, in order, EPSG:4326 track geometry: ``id``, ``name``, ``kind``,
        ``places``, ``waypoint_length_km`` (the drawn line), ``traced_length_km``,
        ``change_km``, ``change_pct`` (None when the drawn line has no length),
        ``km_by_gauge``, ``snapped_km`` (``{place id: km}``) and ``network``.

    Raises
    ------
    GeorouteError
        An id is not in ``routes`` (close matches listed), is not a railway, or has fewer than
        two places; or, as :func:`rail_graph` and :func:`rail_route`, bad OSM data, unknown
        places or disconnected track.
    """
    rows = _rail_rows(_catalog_routes() if routes is None else routes, route_ids)
    waypoints = {str(r["id"]): _places_of(r.get("places"), str(r["id"])) for r in rows}
    if graph is None:
        graph = rail_graph(osm_file=osm_file, progress=progress)
    traced = rail_routes(waypoints, graph=graph, places=places, progress=progress)
    records = []
    for row, (_, t) in zip(rows, traced.iterrows(), strict=True):
        before_km = _geodesic_km(row.geometry)
        after_km = float(t["length_km"])
        rid = str(row["id"])
        records.append(
            {
                "id": rid,
                "name": str(row.get("name") or rid),
                "kind": "rail",
                "places": waypoints[rid],
                "waypoint_length_km": before_km,
                "traced_length_km": after_km,
                "change_km": after_km - before_km,
                "change_pct": 100.0 * (after_km - before_km) / before_km if before_km else None,
                "km_by_gauge": dict(t["km_by_gauge"]),
                "snapped_km": dict(zip(waypoints[rid], t["snapped_km"], strict=True)),
                "network": t["network"],
            }
        )
    return gpd.GeoDataFrame(records, geometry=list(traced.geometry), crs="EPSG:4326")
