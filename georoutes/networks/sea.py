"""Sea routes on searoute's bundled marine network (offline), and the named passages.

:func:`sea_route` runs the `searoute <https://pypi.org/project/searoute/>`_ package and adds what
it leaves to its caller: geodesic snapping of points on land to the nearest sea node (distance
reported), named *passages* (Suez, Malacca, the Korea Strait, the Northern Sea Route ...)
detected and closable as *gates*, the Arctic closed unless asked for, continuous (unwrapped)
longitudes across the antimeridian and a geodesic length (WGS84, never searoute's spherical
figure).
"""

from __future__ import annotations

import difflib
import math
import re
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib.metadata import version as _dist_version
from typing import Any

import geopandas as gpd
import networkx as nx
import numpy as np
import numpy.typing as npt
import shapely

from ..errors import NoRouteError, PassageError
from ..geodesy import GEOD, geodesic_length_m, segment_lengths_m, unwrap_lon
from ._locations import Location, Places, ResolvedLocation, _nearest, _slug, resolve_location

__all__ = ["PASSAGES", "Passage", "find_passage", "sea_route"]

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Passage:
    """A named sea passage (strait, canal, cape, Arctic route) and its *gate*.

    The gate is a (lon, lat) polyline drawn from land to land across the passage, so that every
    sea path through the passage crosses it and no other does. A route *traverses* the passage
    when one of its segments crosses the gate; closing the passage removes every network edge
    that crosses it. Gates are modelling choices made for georoutes, not facts: each end lies on
    land in the Natural Earth 10m layer (tests check it) except where noted.
    """

    key: str
    name: str
    gate: tuple[tuple[float, float], ...]
    aliases: tuple[str, ...] = ()
    closed_by_default: bool = False


#: The passages georoutes names and can close, in no particular order.
PASSAGES: tuple[Passage, ...] = (
    Passage("suez", "Suez", ((31.6, 30.6), (33.2, 30.6)), ("suez canal",)),
    Passage(
        "bab_el_mandeb",
        "Bab-el-Mandeb",
        ((43.0, 12.25), (43.75, 13.0)),
        ("babalmandab", "bab al mandab", "bab el mandeb", "red sea"),
    ),
    Passage("hormuz", "Hormuz", ((56.25, 25.9), (56.55, 27.3)), ("ormuz", "strait of hormuz")),
    Passage("malacca", "Malacca", ((101.9, 3.3), (100.6, 1.5)), ("strait of malacca",)),
    Passage("sunda", "Sunda", ((105.5, -5.5), (106.0, -6.5)), ("sunda strait",)),
    Passage("taiwan_strait", "Taiwan Strait", ((119.3, 25.7), (121.0, 24.5)), ("taiwan",)),
    # Korea (south coast, Geoje) -> Tsushima -> Kyushu: both channels of the strait; Busan lies
    # on the East Sea side, so a voyage from Busan towards the East China Sea crosses it.
    Passage(
        "korea_strait",
        "Korea Strait",
        ((128.4, 34.95), (129.9, 33.35)),
        ("korea", "tsushima", "tsushima strait"),
    ),
    # Chukotka (south of Cape Dezhnev) to the Seward Peninsula (east of Cape Prince of Wales).
    Passage("bering", "Bering Strait", ((-170.5, 65.9), (-166.5, 65.6)), ("bering strait",)),
    Passage("gibraltar", "Gibraltar", ((-5.6, 35.2), (-5.6, 36.6)), ("strait of gibraltar",)),
    Passage(
        "dover",
        "Dover",
        ((0.9, 51.35), (2.3, 50.75)),
        ("strait of dover", "english channel", "pas de calais"),
    ),
    Passage("bosporus", "Bosporus", ((28.9, 41.1), (29.2, 41.1)), ("bosphorus", "istanbul")),
    Passage("panama", "Panama", ((-80.0, 9.15), (-79.5, 9.15)), ("panama canal",)),
    # Cape Agulhas (20 E) south to Antarctica: every Indian <-> Atlantic passage south of Africa.
    Passage(
        "cape_of_good_hope",
        "Cape of Good Hope",
        ((20.0, -34.6), (20.0, -75.0)),
        ("cape", "good hope", "south africa", "south_africa", "agulhas"),
    ),
    # Tierra del Fuego to the Antarctic Peninsula (Drake Passage); Magellan is a separate gate.
    Passage("cape_horn", "Cape Horn", ((-67.7, -54.5), (-61.0, -64.5)), ("horn", "drake", "chili")),
    Passage("magellan", "Magellan", ((-71.0, -52.0), (-71.0, -54.5)), ("strait of magellan",)),
    # Across the Canadian Arctic Archipelago at 100 W, north end in the Arctic Ocean.
    Passage(
        "northwest_passage",
        "Northwest Passage",
        ((-100.0, 62.0), (-100.0, 85.0)),
        ("northwest", "nwp", "north west passage"),
        closed_by_default=True,
    ),
    # Taymyr / Vilkitsky Strait / Severnaya Zemlya at 100 E, north end in the Arctic Ocean.
    Passage(
        "northern_sea_route",
        "Northern Sea Route",
        ((100.0, 72.0), (100.0, 89.9)),
        ("nsr", "northeast", "northeast passage", "north east passage", "northern sea"),
        closed_by_default=True,
    ),
)

_BY_KEY = {p.key: p for p in PASSAGES}


def _norm(text: str) -> str:
    return re.sub(r"[^a-z]", "", text.lower())


@cache
def _alias_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for p in PASSAGES:
        for alias in (p.key, p.name, *p.aliases):
            table[_norm(alias)] = p.key
    return table


def find_passage(name: str) -> Passage:
    """Return the passage called ``name`` (any case, spaces/hyphens ignored, aliases accepted).

    Raises
    ------
    PassageError
        Unknown name; the message lists close matches and every passage.

    Examples
    --------
    >>> find_passage("suez canal").name
    'Suez'
    >>> find_passage("NSR").name
    'Northern Sea Route'
    """
    key = _alias_table().get(_norm(name))
    if key is not None:
        return _BY_KEY[key]
    names = [p.name for p in PASSAGES]
    table = _alias_table()
    close = difflib.get_close_matches(_norm(name), list(table), n=6, cutoff=0.6)
    close_names = list(dict.fromkeys(_BY_KEY[table[c]].name for c in close))[:3]
    hint = f"; did you mean {', '.join(repr(c) for c in close_names)}?" if close_names else ""
    raise PassageError(f"unknown passage {name!r}{hint} (known: {', '.join(names)})")


def _closed_passages(restrictions: Iterable[str], allow: Iterable[str]) -> frozenset[str]:
    if isinstance(restrictions, str) or isinstance(allow, str):
        raise PassageError("restrictions= and allow= take a list of passage names, not a string")
    avoided = {find_passage(n).key for n in restrictions}
    allowed = {find_passage(n).key for n in allow}
    both = avoided & allowed
    if both:
        names = ", ".join(sorted(_BY_KEY[k].name for k in both))
        raise PassageError(f"passage(s) both avoided and allowed: {names}")
    default = {p.key for p in PASSAGES if p.closed_by_default}
    return frozenset(avoided | (default - allowed))


@cache
def _gates() -> tuple[shapely.STRtree, tuple[str, ...]]:
    # Copies shifted by whole turns, so unwrapped segments (longitudes beyond +-180) meet them.
    lines: list[shapely.LineString] = []
    keys: list[str] = []
    for p in PASSAGES:
        for turn in (-720.0, -360.0, 0.0, 360.0, 720.0):
            lines.append(shapely.LineString([(lon + turn, lat) for lon, lat in p.gate]))
            keys.append(p.key)
    return shapely.STRtree(lines), tuple(keys)


def _gate_crossings(
    x0: FloatArray, y0: FloatArray, x1: FloatArray, y1: FloatArray
) -> list[tuple[int, str]]:
    """Return (segment index, passage key) for every segment that crosses a gate, in order.

    The test is planar in (lon, lat) on unwrapped segments: it is topological (does the segment
    cross the gate line), not a measurement, and gates are drawn so that a segment's geodesic and
    planar paths cross them alike (the narrow straits have short segments, the long gates run
    along meridians that geodesics also cross once).
    """
    if x0.size == 0:
        return []
    coords = np.stack([np.column_stack([x0, y0]), np.column_stack([x1, y1])], axis=1)
    segments = shapely.linestrings(coords)
    tree, keys = _gates()
    seg_idx, gate_idx = tree.query(segments, predicate="intersects")
    hits = sorted({(int(s), keys[int(g)]) for s, g in zip(seg_idx, gate_idx, strict=True)})
    return hits


# --------------------------------------------------------------------------------------------
# Sea routes (searoute)
# --------------------------------------------------------------------------------------------


def _searoute_version() -> str:
    return _dist_version("searoute")


@cache
def _marnet_gate_edges() -> dict[str, frozenset[frozenset[Any]]]:
    """Return, per passage key, the edges of searoute's marine network crossing its gate."""
    import searoute as sr

    base = sr.setup_M()
    edges = list(base.edges())
    u = np.array([e[0] for e in edges], dtype=float)
    v = np.array([e[1] for e in edges], dtype=float)
    # The network stores some nodes at lon > 180 and joins +180/-180 twins by zero-length edges:
    # take each edge the short way round before testing it.
    vx = u[:, 0] + (v[:, 0] - u[:, 0] + 180.0) % 360.0 - 180.0
    out: dict[str, set[frozenset[Any]]] = {p.key: set() for p in PASSAGES}
    for i, key in _gate_crossings(u[:, 0], u[:, 1], vx, v[:, 1]):
        out[key].add(frozenset(edges[i]))
    return {k: frozenset(s) for k, s in out.items()}


@dataclass(frozen=True)
class _SeaNetwork:
    marnet: Any  # searoute.Marnet with the closed passages' edges removed
    node_lon: FloatArray
    node_lat: FloatArray
    nodes: tuple[Any, ...]
    component: dict[Any, int]


@lru_cache(maxsize=8)
def _sea_network(closed: frozenset[str]) -> _SeaNetwork:
    import searoute as sr

    base = sr.setup_M()
    gate_edges = _marnet_gate_edges()
    blocked = set().union(*(gate_edges[k] for k in closed)) if closed else set()
    # searoute's own `restrictions` match one tag per edge and its default ['northwest'] is
    # replaced (not extended) by whatever the caller passes; removing edges is exact instead.
    adj = {
        u: {v: d for v, d in nbrs.items() if frozenset((u, v)) not in blocked}
        for u, nbrs in base._adj.items()
    }
    marnet = sr.from_nodes_edges_set(sr.Marnet(), dict(base._node), adj)
    marnet.restrictions = []
    nodes = tuple(n for n in marnet.nodes if marnet.degree(n) > 0)
    component: dict[Any, int] = {}
    for label, comp in enumerate(nx.connected_components(marnet)):
        component.update(dict.fromkeys(comp, label))
    return _SeaNetwork(
        marnet,
        np.array([n[0] for n in nodes], dtype=float),
        np.array([n[1] for n in nodes], dtype=float),
        nodes,
        component,
    )


def _sea_leg(
    net: _SeaNetwork, origin: Any, destination: Any
) -> tuple[list[tuple[float, float]], float]:
    import searoute as sr

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        feature = sr.searoute(
            list(origin),
            list(destination),
            units="km",
            M=net.marnet,
            restrictions=[],
            return_passages=False,
        )
    coords = [(float(c[0]), float(c[1])) for c in feature["geometry"]["coordinates"]]
    if len(coords) < 2:
        detail = f": {caught[0].message}" if caught else ""
        raise NoRouteError(f"searoute found no path from {origin} to {destination}{detail}")
    return coords, float(feature["properties"]["length"])


def _clean_line(lon: Sequence[float], lat: Sequence[float]) -> tuple[FloatArray, FloatArray]:
    """Return the line with continuous longitudes, first in [-180, 180), no repeated vertices."""
    raw = np.asarray(lon, dtype=float)
    # Shift each vertex by whole turns only (unwrap_lon's cumulative steps would add float noise
    # to coordinates that searoute gives exactly).
    turns = np.round((unwrap_lon(raw) - raw) / 360.0) - math.floor((raw[0] + 180.0) / 360.0)
    x = raw + 360.0 * turns
    y = np.asarray(lat, dtype=float)
    keep = np.ones(x.size, dtype=bool)
    keep[1:] = (np.abs(np.diff(x)) > 1e-12) | (np.abs(np.diff(y)) > 1e-12)
    return x[keep], y[keep]


def _passages_along(x: FloatArray, y: FloatArray) -> list[str]:
    names: list[str] = []
    for _, key in _gate_crossings(x[:-1], y[:-1], x[1:], y[1:]):
        name = _BY_KEY[key].name
        if name not in names:
            names.append(name)
    return names


#: With ``connect_endpoints``, the route may join the network at any vertex of its first/last
#: stretch lying within this factor of the nearest node's distance, if that makes it shorter.
_JOIN_SLACK = 1.5


def _connect(
    lon: list[float], lat: list[float], origin: ResolvedLocation, destination: ResolvedLocation
) -> tuple[list[float], list[float], float, float]:
    """Return the path joined to ``origin`` and ``destination`` by straight geodesic legs.

    The nearest sea node can lie *past* the point along the path (a sparse coastal network:
    Samcheok's nearest node is up the coast, towards Gangneung), so the path would run beyond the
    point and come back. The join is the vertex minimising path length + leg, among the vertices
    within ``_JOIN_SLACK`` times the nearest distance. Returns lon, lat, and both legs in metres.
    """
    x = np.asarray(lon, dtype=float)
    y = np.asarray(lat, dtype=float)
    along = np.concatenate([[0.0], np.cumsum(segment_lengths_m(x, y))])
    _, _, to_o = GEOD.inv(np.full(x.size, origin.lon), np.full(x.size, origin.lat), x, y)
    _, _, to_d = GEOD.inv(np.full(x.size, destination.lon), np.full(x.size, destination.lat), x, y)
    to_o, to_d = np.asarray(to_o), np.asarray(to_d)
    # Joining at vertex k skips the path before it (origin) or after it (destination).
    first_cost = np.where(to_o <= _JOIN_SLACK * to_o[0], to_o + along[-1] - along, np.inf)
    first = int(np.argmin(first_cost))
    last_cost = np.where(to_d <= _JOIN_SLACK * to_d[-1], to_d + along, np.inf)
    last_cost[:first] = np.inf
    last = int(np.argmin(last_cost))
    if last <= first:  # a path so short that one vertex serves both ends
        first, last = 0, x.size - 1
    return (
        [origin.lon, *x[first : last + 1].tolist(), destination.lon],
        [origin.lat, *y[first : last + 1].tolist(), destination.lat],
        float(to_o[first]),
        float(to_d[last]),
    )


def sea_route(
    origin: Location,
    destination: Location,
    *,
    restrictions: Iterable[str] = (),
    via: Sequence[Location] = (),
    allow: Iterable[str] = (),
    connect_endpoints: bool = False,
    route_id: str | None = None,
    name: str | None = None,
    places: Places = None,
) -> gpd.GeoDataFrame:
    """Return the shortest sea route on searoute's marine network as a one-row GeoDataFrame.

    Parameters
    ----------
    origin, destination
        ``(lon, lat)``, ``"LON,LAT"``, a shapely Point or a place id of the places layer.
    restrictions
        Passages to avoid, by name (see :data:`PASSAGES`; e.g. ``["Suez"]``).
    via
        Locations to pass through, in order.
    allow
        Passages closed by default to open: the ``"Northwest Passage"`` and the ``"Northern Sea
        Route"`` are closed unless allowed here, so closing Suez never sends a ship through the
        Arctic by accident.
    connect_endpoints
        Start and end the line at ``origin`` and ``destination`` themselves, joined to the
        network by straight geodesic legs (whose lengths ``snapped_km`` then reports; the join
        may be a vertex a little farther than the nearest node when that avoids running past the
        point and back). Off by default: for a point inland such a leg crosses land.
    route_id, name
        The route's ``id`` and ``name`` (default: built from the locations).
    places
        The places layer for place ids (default: the catalog's places).

    Returns
    -------
    geopandas.GeoDataFrame
        One row, EPSG:4326: ``id``, ``name``, ``kind`` (``"shipping"``), ``length_km``
        (geodesic, WGS84, on the returned vertices), ``passages`` (names in the order
        traversed), ``snapped_km`` (``{"origin": km, "destination": km}``, plus ``"via"``: a
        list, when via points are given; geodesic distance from each point to the sea node it
        was snapped to), ``searoute_length_km`` (searoute's own spherical figure for its
        node-to-node path, without the legs of ``connect_endpoints``),
        ``closed_passages``, ``origin``/``destination``/``via`` (``[lon, lat]``), ``places``
        (the place ids among the locations), ``network``, and a
        LineString geometry whose longitudes are continuous (a route across the antimeridian
        goes past ±180°; the first vertex is within ±180°).

    Raises
    ------
    PlaceError
        A location is unknown or out of range.
    PassageError
        A passage name is unknown, or both avoided and allowed.
    NoRouteError
        The closed passages cut the origin off from the destination.

    Examples
    --------
    >>> r = sea_route((129.04, 35.10), (131.88, 43.12))  # Busan -> Vladivostok
    >>> 800 < float(r.length_km.iloc[0]) < 1000, r.passages.iloc[0]
    (True, [])
    """
    closed = _closed_passages(restrictions, allow)
    points = [resolve_location(origin, what="origin", places=places)]
    points += [resolve_location(p, what=f"via {i + 1}", places=places) for i, p in enumerate(via)]
    points.append(resolve_location(destination, what="destination", places=places))
    net = _sea_network(closed)

    snapped: list[Any] = []
    snapped_m: list[float] = []
    for p in points:
        i, dist_m = _nearest(p.lon, p.lat, net.node_lon, net.node_lat)
        snapped.append(net.nodes[i])
        snapped_m.append(dist_m)
    closed_names = sorted(_BY_KEY[k].name for k in closed)
    for i in range(len(points) - 1):
        a, b, na, nb = points[i], points[i + 1], snapped[i], snapped[i + 1]
        if net.component[na] != net.component[nb]:
            raise NoRouteError(
                f"no sea route from {a.query!r} to {b.query!r} with these passages closed: "
                f"{', '.join(closed_names) or 'none'}; open one of them (allow=/--allow) or "
                "avoid fewer (restrictions=/--avoid)"
            )
        if na == nb:
            raise NoRouteError(
                f"{a.query!r} and {b.query!r} snap to the same sea node "
                f"{tuple(na)}: too close for a sea route"
            )

    lon: list[float] = []
    lat: list[float] = []
    searoute_km = 0.0
    for na, nb in zip(snapped, snapped[1:], strict=False):
        coords, km = _sea_leg(net, na, nb)
        searoute_km += km
        start = 1 if lon else 0
        lon += [c[0] for c in coords[start:]]
        lat += [c[1] for c in coords[start:]]
    if connect_endpoints:
        lon, lat, snapped_m[0], snapped_m[-1] = _connect(lon, lat, points[0], points[-1])
    x, y = _clean_line(lon, lat)

    snapped_km: dict[str, Any] = {
        "origin": snapped_m[0] / 1000.0,
        "destination": snapped_m[-1] / 1000.0,
    }
    if via:
        snapped_km["via"] = [m / 1000.0 for m in snapped_m[1:-1]]
    o, d = points[0], points[-1]
    row = {
        "id": route_id or f"sea-{_slug(o.query)}-{_slug(d.query)}",
        "name": name or f"{o.query} to {d.query} by sea",
        "kind": "shipping",
        "length_km": geodesic_length_m(x, y) / 1000.0,
        "passages": _passages_along(x, y),
        "snapped_km": snapped_km,
        "searoute_length_km": searoute_km,
        "closed_passages": closed_names,
        "origin": [o.lon, o.lat],
        "destination": [d.lon, d.lat],
        "via": [[p.lon, p.lat] for p in points[1:-1]],
        "places": [p.place_id for p in points if p.place_id],
        "network": f"searoute {_searoute_version()} marine network",
    }
    geometry = shapely.linestrings(np.column_stack([x, y]))
    return gpd.GeoDataFrame([row], geometry=[geometry], crs="EPSG:4326")
