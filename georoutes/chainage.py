"""Track km by chainage: linear referencing of drawn routes to published km posts.

A drawn route's geodesic length (the *drawn* km) is a chord of the real track; railways publish
*chainage*, the km post of each station. As PostGIS ``ST_AddMeasure`` or ArcGIS "Calibrate
Routes" do: :func:`read_km_posts` reads control points (route id, place id or vertex index,
published km, source); :func:`calibrate` locates them on the drawn lines and validates them;
:func:`track_km` maps drawn km to track km (between posts in proportion to drawn length, slope 1
outside them); :func:`km_by_state_track` gives per-state track km that add up to the route's
track km. Posts counting against the drawing direction are flipped (``track_km`` then counts
from the first post along the line; the published figure stays in ``km_post``).

Examples
--------
>>> posts = [{"drawn_km": 0.0, "track_km": 0.0}, {"drawn_km": 100.0, "track_km": 120.0}]
>>> track_km(posts, [50.0, 100.0, 110.0]).tolist()
[60.0, 120.0, 130.0]
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from difflib import get_close_matches
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from pyproj import Geod
from shapely.geometry import LineString

from ._data import seed_file
from .errors import KmPostError

__all__ = [
    "POST_COLUMNS",
    "KmPostError",
    "calibrate",
    "km_by_state_track",
    "locate_on_line",
    "offshore_track_km",
    "read_km_posts",
    "track_km",
]

#: Columns of the km-post table returned by :func:`read_km_posts` (extra columns are kept).
POST_COLUMNS = ("route_id", "place", "vertex", "km_post", "source")

_GEOD = Geod(ellps="WGS84")
#: Segments refined geodesically per located point (the nearest by a local planar measure).
_CANDIDATE_SEGMENTS = 4
#: Samples per refinement pass along a segment; each pass narrows the bracket 16-fold.
_SAMPLES = 33
_PASSES = 6


# --------------------------------------------------------------------------- reading


def read_km_posts(path: str | Path | None = None) -> pd.DataFrame:
    """Return the km posts of a TOML or CSV file as a table, one row per post.

    Parameters
    ----------
    path : str or pathlib.Path, optional
        A ``.toml`` file in the format of ``seeds/km_posts.toml`` (``[routes.<id>]`` tables with a
        ``posts`` array and a ``[sources]`` table) or a ``.csv`` file with the columns
        ``route_id``, ``place`` or ``vertex`` (or both, one filled per row), ``km_post`` (km)
        and ``source``. Default: the catalog's ``seeds/km_posts.toml``.

    Returns
    -------
    pandas.DataFrame
        Columns ``route_id``, ``place`` (place id or None), ``vertex`` (0-based vertex index of
        the drawn line, nullable integer), ``km_post`` (published km, float) and ``source``
        (source key), plus any other column of the file (``quality``, ``note``...).

    Raises
    ------
    KmPostError
        The file cannot be read, a column is missing, a post names neither or both of place and
        vertex, a km post is not a finite number, a route table has no posts, or a TOML post
        cites a source key its ``[sources]`` table lacks. Every problem is listed.

    Examples
    --------
    >>> posts = read_km_posts()
    >>> posts.loc[posts["route_id"] == "rail-baranovsky-khasan", "km_post"].tolist()
    [0.0, 87.0, 238.0]
    """
    file = Path(path) if path is not None else seed_file("km_posts.toml")
    if file.suffix.lower() == ".toml":
        rows, problems = _toml_rows(file)
        frame = pd.DataFrame(rows)
    elif file.suffix.lower() == ".csv":
        try:
            frame = pd.read_csv(file, dtype={"route_id": str, "place": str, "source": str})
        except (OSError, ValueError) as exc:
            raise KmPostError([f"{file}: cannot read the km posts: {exc}"]) from exc
        problems = []
    else:
        raise KmPostError([f"{file}: km posts must be a .toml or .csv file, not {file.suffix!r}"])
    frame, more = _normalise_posts(frame, str(file))
    if problems or more:
        raise KmPostError(problems + more)
    return frame


def _toml_rows(file: Path) -> tuple[list[dict[str, Any]], list[str]]:
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise KmPostError([f"{file}: cannot read the km posts: {exc}"]) from exc
    routes = data.get("routes")
    if not isinstance(routes, dict):
        raise KmPostError([f"{file}: no [routes.<route id>] tables with km posts"])
    sources = data.get("sources")
    rows: list[dict[str, Any]] = []
    problems: list[str] = []
    for route_id, table in routes.items():
        posts = table.get("posts", []) if isinstance(table, dict) else []
        if not isinstance(posts, list) or not posts:
            problems.append(
                f"{file}: route {route_id!r}: no km posts (at least 1 is needed; "
                "leave a route without published chainage out of the file)"
            )
            continue
        for n, post in enumerate(posts):
            row = {"route_id": route_id, **post}
            row.setdefault("km_post", row.pop("km", None))
            source = row.get("source")
            if isinstance(sources, dict) and source not in sources:
                problems.append(
                    f"{file}: route {route_id!r}, post {n}: source {source!r} is not "
                    "in the [sources] table; add [sources.<key>] with title and url"
                )
            rows.append(row)
    return rows, problems


def _normalise_posts(frame: pd.DataFrame, where: str) -> tuple[pd.DataFrame, list[str]]:
    missing = [c for c in ("route_id", "km_post") if c not in frame.columns]
    if missing:
        return frame, [
            f"{where}: km posts lack the column(s) {missing}; expected {list(POST_COLUMNS)}"
        ]
    frame = frame.copy()
    for column in ("place", "vertex", "source"):
        if column not in frame.columns:
            frame[column] = None
    problems: list[str] = []
    places = [None if _missing(p) else str(p) for p in frame["place"]]
    vertices = [None if _missing(v) else v for v in frame["vertex"]]
    km = pd.to_numeric(frame["km_post"], errors="coerce")
    for n, (route_id, place, vertex) in enumerate(
        zip(frame["route_id"], places, vertices, strict=True)
    ):
        label = f"{where}: route {route_id!r}, post {n}"
        if (place is None) == (vertex is None):
            problems.append(
                f"{label}: give exactly one of place (a place id) and vertex "
                f"(a vertex index), got place={place!r}, vertex={vertex!r}"
            )
        if vertex is not None and not (float(vertex).is_integer() and float(vertex) >= 0):
            problems.append(f"{label}: vertex must be a vertex index >= 0, got {vertex!r}")
        if not math.isfinite(km.iloc[n]):
            problems.append(
                f"{label}: km_post must be a number of km, got {frame['km_post'].iloc[n]!r}"
            )
    frame["place"] = pd.Series(places, index=frame.index, dtype=object)
    frame["vertex"] = pd.array(
        [None if v is None or problems else int(float(v)) for v in vertices], dtype="Int64"
    )
    frame["km_post"] = km.astype(float)
    frame["source"] = [None if _missing(s) else str(s) for s in frame["source"]]
    order = list(POST_COLUMNS) + [c for c in frame.columns if c not in POST_COLUMNS]
    return frame[order].reset_index(drop=True), problems


def _missing(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


# --------------------------------------------------------------------------- locating


def _vertex_km(lon: NDArray[np.float64], lat: NDArray[np.float64]) -> NDArray[np.float64]:
    """Return the drawn km (geodesic, from the first vertex) of every vertex of a line."""
    _, _, dist_m = _GEOD.inv(lon[:-1], lat[:-1], lon[1:], lat[1:])
    return np.concatenate([[0.0], np.cumsum(np.asarray(dist_m, dtype=float))]) / 1000.0


def _candidate_segments(
    lon: NDArray[np.float64], lat: NDArray[np.float64], point_lon: float, point_lat: float
) -> NDArray[np.intp]:
    """Return the indices of the segments nearest the point by a local planar measure.

    Longitudes are wrapped around the point and scaled by cos(latitude) of the point
    (equirectangular about the point), which ranks nearby segments correctly at any latitude;
    the ranking is only a shortlist, the distance itself is geodesic.
    """
    scale = math.cos(math.radians(point_lat))
    x = ((lon - point_lon + 180.0) % 360.0 - 180.0) * scale
    y = lat - point_lat
    ax, ay, bx, by = x[:-1], y[:-1], x[1:], y[1:]
    dx, dy = bx - ax, by - ay
    seg2 = dx * dx + dy * dy
    with np.errstate(invalid="ignore", divide="ignore"):
        t = np.where(seg2 > 0, -(ax * dx + ay * dy) / seg2, 0.0)
    t = np.clip(t, 0.0, 1.0)
    d2 = (ax + t * dx) ** 2 + (ay + t * dy) ** 2
    return np.argsort(d2, kind="stable")[:_CANDIDATE_SEGMENTS]


def _nearest_on_segment(
    a: tuple[float, float], b: tuple[float, float], point: tuple[float, float]
) -> tuple[float, float]:
    """Return (metres from ``a`` along the geodesic a→b, metres from the point) of its foot.

    The segment is the geodesic between its vertices (as ``Geod.line_length`` measures it).
    Points along it are sampled with ``Geod.fwd``, their geodesic distances to the point taken
    with ``Geod.inv``, and the bracket around the nearest sample narrowed 16-fold per pass:
    after six passes the foot is within length / 16**6 (under 0.1 m for a 1,000 km segment).
    """
    azimuth, _, length_m = _GEOD.inv(a[0], a[1], b[0], b[1])
    if length_m == 0.0:
        return 0.0, float(_GEOD.inv(a[0], a[1], point[0], point[1])[2])
    low, high = 0.0, float(length_m)
    best_s, best_d = 0.0, math.inf
    for _ in range(_PASSES):
        s = np.linspace(low, high, _SAMPLES)
        lon, lat, _ = _GEOD.fwd(
            np.full(_SAMPLES, a[0]), np.full(_SAMPLES, a[1]), np.full(_SAMPLES, azimuth), s
        )
        _, _, d = _GEOD.inv(lon, lat, np.full(_SAMPLES, point[0]), np.full(_SAMPLES, point[1]))
        i = int(np.argmin(d))
        best_s, best_d = float(s[i]), float(d[i])
        step = (high - low) / (_SAMPLES - 1)
        low, high = max(0.0, best_s - step), min(float(length_m), best_s + step)
    return best_s, best_d


def locate_on_line(line: LineString, lon: float, lat: float) -> tuple[float, float]:
    """Return (drawn km along the line, offset km from it) of the point nearest ``(lon, lat)``.

    Parameters
    ----------
    line : shapely.geometry.LineString
        A line in lon/lat degrees (EPSG:4326); each segment is taken as the geodesic between its
        vertices, as :meth:`pyproj.Geod.line_length` measures it. Z values are ignored.
    lon, lat : float
        The point, in degrees.

    Returns
    -------
    tuple of float
        The geodesic km from the line's first vertex to the foot of the point on the line, and
        the geodesic km from the point to that foot (WGS84 ellipsoid).

    Notes
    -----
    No densification: the segments nearest the point are shortlisted in a local equirectangular
    frame about the point, then the foot on each is found geodesically on the segment itself
    (see ``_nearest_on_segment``) and the nearest foot wins.

    Examples
    --------
    >>> line = LineString([(0.0, 0.0), (1.0, 0.0)])
    >>> drawn, offset = locate_on_line(line, 0.5, 0.01)
    >>> round(drawn, 2), round(offset, 2)
    (55.66, 1.11)
    """
    coords = np.asarray(line.coords, dtype=float)
    lons, lats = coords[:, 0], coords[:, 1]
    vertex_km = _vertex_km(lons, lats)
    best = (math.inf, 0.0)
    for i in _candidate_segments(lons, lats, lon, lat):
        along_m, offset_m = _nearest_on_segment(
            (lons[i], lats[i]), (lons[i + 1], lats[i + 1]), (lon, lat)
        )
        if offset_m < best[0]:
            best = (offset_m, float(vertex_km[i]) + along_m / 1000.0)
    return best[1], best[0] / 1000.0


# --------------------------------------------------------------------------- calibrating


def calibrate(
    routes: gpd.GeoDataFrame,
    posts: pd.DataFrame | str | Path | None = None,
    *,
    places: gpd.GeoDataFrame | None = None,
    max_offset_km: float = 5.0,
) -> gpd.GeoDataFrame:
    """Return a copy of ``routes`` with its km posts located on the lines and validated.

    Parameters
    ----------
    routes : geopandas.GeoDataFrame
        Routes in EPSG:4326 (lon/lat), indexed by route id, each a LineString (e.g.
        :func:`georoutes.catalog`).
    posts : pandas.DataFrame or path, optional
        Km posts as returned by :func:`read_km_posts`, or a file for it. Default: the
        catalog's ``seeds/km_posts.toml``. Posts of routes not in ``routes`` are ignored.
    places : geopandas.GeoDataFrame, optional
        Places indexed by id with point geometries in lon/lat. Default: :func:`georoutes.places`.
    max_offset_km : float, default 5.0
        Farthest a post's place may lie from the drawn line, in geodesic km.

    Returns
    -------
    geopandas.GeoDataFrame
        ``routes`` with the columns ``km_posts`` (list of dicts ``place``, ``vertex``,
        ``drawn_km``, ``km_post``, ``track_km``, ``offset_km``, ``source``, sorted by drawn km;
        ``track_km`` is the published km post, or for a flipped route the km counted from the
        first post along the line), ``calibrated`` (bool), ``chainage_reversed`` (bool),
        ``drawn_km`` (geodesic length of the line), ``track_km`` (calibrated length; NaN when
        not calibrated) and ``chainage_coverage`` (share of the drawn length between the first
        and the last post, 0-1). A route without posts has ``km_posts == []``.

    Raises
    ------
    KmPostError
        Listing every problem of every route at once: unknown place id (with close matches), a
        place farther than ``max_offset_km`` from the line, a vertex index out of range, two
        posts at one position, km posts neither strictly increasing nor strictly decreasing
        along the line, or a route geometry that is not a single LineString.

    Examples
    --------
    >>> from georoutes.catalog import catalog
    >>> routes = calibrate(catalog())
    >>> float(routes.loc["rail-baranovsky-khasan", "track_km"])
    238.0
    >>> bool(routes.loc["pipeline-east-sea-subsea", "calibrated"])
    False
    """
    if isinstance(posts, pd.DataFrame):
        table, bad = _normalise_posts(posts, "km posts")
        if bad:
            raise KmPostError(bad)
    else:
        table = read_km_posts(posts)
    if places is None:
        from .catalog import places as catalog_places

        places = catalog_places()
    records: list[dict[str, Any]] = []
    problems: list[str] = []
    for route_id, geometry in zip(routes.index, routes.geometry, strict=True):
        rows = table[table["route_id"] == route_id]
        located, reversed_, drawn, more = _calibrate_one(
            f"route {route_id!r}", geometry, rows, places, max_offset_km
        )
        problems.extend(more)
        records.append(_record(located, reversed_, drawn))
    if problems:
        raise KmPostError(problems)
    out = routes.copy()
    for name in _record([], False, math.nan):
        out[name] = [r[name] for r in records]
    return out


def _record(located: list[dict[str, Any]], reversed_: bool, drawn_km: float) -> dict[str, Any]:
    """Return the result columns of one route (see :func:`calibrate`)."""
    total, coverage = math.nan, 0.0
    if located:
        ends = track_km(located, [0.0, drawn_km])
        total = float(ends[1] - ends[0])
        span = located[-1]["drawn_km"] - located[0]["drawn_km"]
        coverage = span / drawn_km if drawn_km > 0 else 0.0
    return {
        "km_posts": located,
        "calibrated": bool(located),
        "chainage_reversed": reversed_,
        "drawn_km": drawn_km,
        "track_km": total,
        "chainage_coverage": coverage,
    }


def _calibrate_one(
    label: str, geometry: object, rows: pd.DataFrame, places: gpd.GeoDataFrame, max_offset_km: float
) -> tuple[list[dict[str, Any]], bool, float, list[str]]:
    """Return (located posts, reversed, drawn km, problems) of one route."""
    if not isinstance(geometry, LineString) or geometry.is_empty:
        kind = "no geometry" if geometry is None else getattr(geometry, "geom_type", "?")
        why = f"{label}: km posts need a single LineString, got {kind}; merge its parts first"
        return [], False, math.nan, [] if rows.empty else [why]
    coords = np.asarray(geometry.coords, dtype=float)
    vertex_km = _vertex_km(coords[:, 0], coords[:, 1])
    drawn = float(vertex_km[-1])
    located: list[dict[str, Any]] = []
    problems: list[str] = []
    for row in rows.itertuples(index=False):
        post, problem = _locate_post(label, geometry, vertex_km, row, places, max_offset_km)
        if problem:
            problems.append(problem)
        elif post is not None:
            located.append(post)
    if problems or not located:
        return [], False, drawn, problems
    located.sort(key=lambda p: p["drawn_km"])
    reversed_, problems = _check_monotone(label, located)
    return ([], False, drawn, problems) if problems else (located, reversed_, drawn, [])


def _locate_post(
    label: str,
    line: LineString,
    vertex_km: NDArray[np.float64],
    row: Any,
    places: gpd.GeoDataFrame,
    max_offset_km: float,
) -> tuple[dict[str, Any] | None, str | None]:
    """Return (the post on the line, None) or (None, the problem) for one km-post row."""
    post: dict[str, Any] = {"place": row.place, "vertex": None}
    if row.place is not None:
        what = f"{label}, post at place {row.place!r} (km {row.km_post:g})"
        if row.place not in places.index:
            close = get_close_matches(str(row.place), [str(p) for p in places.index], n=5)
            hint = f"; did you mean {', '.join(map(repr, close))}?" if close else ""
            return None, f"{what}: unknown place id{hint}"
        point = places.geometry.loc[row.place]
        drawn, offset = locate_on_line(line, float(point.x), float(point.y))
        if offset > max_offset_km:
            limit = f"at most {max_offset_km:g} km allowed"
            return None, f"{what}: the place is {offset:.1f} km from the drawn line ({limit})"
    else:
        vertex = int(row.vertex)
        what = f"{label}, post at vertex {vertex} (km {row.km_post:g})"
        if vertex >= len(vertex_km):
            return None, f"{what}: vertex index out of range (0-{len(vertex_km) - 1})"
        drawn, offset = float(vertex_km[vertex]), 0.0
        post["vertex"] = vertex
    km = float(row.km_post)
    post.update(drawn_km=drawn, km_post=km, track_km=km, offset_km=offset, source=row.source)
    return post, None


def _check_monotone(label: str, located: list[dict[str, Any]]) -> tuple[bool, list[str]]:
    """Return (reversed, problems); set each post's ``track_km`` (flipped when reversed)."""

    def name(p: dict[str, Any]) -> str:
        return repr(p["place"]) if p["place"] is not None else f"vertex {p['vertex']}"

    problems = [
        f"{label}: posts {name(a)} and {name(b)} lie at one position (drawn km "
        f"{a['drawn_km']:.3f}); drop one"
        for a, b in zip(located, located[1:], strict=False)
        if b["drawn_km"] - a["drawn_km"] < 1e-6
    ]
    if problems:
        return False, problems
    steps = np.diff([p["km_post"] for p in located])
    reversed_ = bool(len(steps)) and bool(np.all(steps < 0))
    if len(steps) and not reversed_ and not np.all(steps > 0):
        order = ", ".join(f"{name(p)} {p['km_post']:g}" for p in located)
        return False, [
            f"{label}: km posts are not monotone along the drawn line (in drawn "
            f"order: {order}); they must strictly increase, or strictly decrease "
            "when the line is drawn against the chainage"
        ]
    first = located[0]["km_post"]
    for p in located:
        p["track_km"] = first - p["km_post"] if reversed_ else p["km_post"]
    return reversed_, []


# --------------------------------------------------------------------------- mapping


def track_km(posts_list: Sequence[Mapping[str, Any]], drawn_km: ArrayLike) -> NDArray[np.float64]:
    """Return the track km at drawn km positions, piecewise linear through the posts.

    Parameters
    ----------
    posts_list : sequence of mappings
        Posts with ``drawn_km`` (km along the drawn line) and ``track_km`` (km post, increasing
        with ``drawn_km``), e.g. a route's ``km_posts`` from :func:`calibrate`.
    drawn_km : array_like
        Positions along the drawn line, in km from its first vertex.

    Returns
    -------
    numpy.ndarray
        Track km at each position: between two posts, the track km are spread in proportion to
        drawn length; before the first and beyond the last post the drawn scale holds (slope 1);
        with a single post, an offset only. A route's track length is
        ``track_km(posts, [0, length_km])`` last minus first.

    Raises
    ------
    KmPostError
        No posts, or posts whose drawn km or track km do not strictly increase.

    Examples
    --------
    >>> one = [{"drawn_km": 10.0, "track_km": 100.0}]
    >>> track_km(one, [0.0, 10.0, 30.0]).tolist()
    [90.0, 100.0, 120.0]
    """
    if len(posts_list) < 1:
        raise KmPostError(["track_km: no km posts (at least 1 is needed)"])
    ordered = sorted(posts_list, key=lambda p: float(p["drawn_km"]))
    d = np.array([float(p["drawn_km"]) for p in ordered])
    t = np.array([float(p["track_km"]) for p in ordered])
    if np.any(np.diff(d) <= 0) or np.any(np.diff(t) <= 0):
        why = f"drawn {d.tolist()}, track {t.tolist()}; use calibrate()"
        raise KmPostError([f"track_km: posts must strictly increase in drawn and track km ({why})"])
    x = np.asarray(drawn_km, dtype=float)
    outside = np.where(x < d[0], t[0] + (x - d[0]), t[-1] + (x - d[-1]))
    return np.where((x < d[0]) | (x > d[-1]), outside, np.interp(x, d, t))


def _track_runs(
    pieces: pd.DataFrame | Iterable[Sequence[Any]], posts: Sequence[Mapping[str, Any]]
) -> list[tuple[str | None, float]]:
    """Return (state or None offshore, track km) per run."""
    if isinstance(pieces, pd.DataFrame):
        pieces = zip(pieces["state"], pieces["from_km"], pieces["to_km"], strict=True)
    rows = [tuple(p) for p in pieces]
    states = [None if _missing(r[0]) else str(r[0]) for r in rows]
    ends = np.array([[float(r[1]), float(r[2])] for r in rows]).reshape(-1, 2)
    mapped = track_km(posts, ends.ravel()).reshape(ends.shape) if posts else ends
    return [(s, float(b - a)) for s, (a, b) in zip(states, mapped, strict=True)]


def km_by_state_track(
    pieces: pd.DataFrame | Iterable[Sequence[Any]], posts: Sequence[Mapping[str, Any]]
) -> dict[str, float]:
    """Return the track km of a route in each state, from its runs of drawn km.

    Parameters
    ----------
    pieces : pandas.DataFrame or iterable of (state, from_km, to_km)
        One route's runs along the drawn line (drawn km from its first vertex), e.g. one route's
        rows of a pieces table (columns ``state``, ``from_km``, ``to_km``). A state of None (or
        NaN, "") is offshore and left out here; see :func:`offshore_track_km`.
    posts : sequence of mappings
        The route's ``km_posts`` from :func:`calibrate`; empty: the drawn km are returned.

    Returns
    -------
    dict of str to float
        Track km per state code. With runs covering the line end to end,
        ``sum(km_by_state_track(...).values()) + offshore_track_km(...)`` equals the route's
        track km (up to float rounding).

    Examples
    --------
    >>> posts = [{"drawn_km": 0.0, "track_km": 0.0}, {"drawn_km": 100.0, "track_km": 120.0}]
    >>> km_by_state_track([("RUS", 0.0, 50.0), ("PRK", 50.0, 100.0)], posts)
    {'RUS': 60.0, 'PRK': 60.0}
    """
    totals: dict[str, float] = {}
    for state, km in _track_runs(pieces, posts):
        if state is not None:
            totals[state] = totals.get(state, 0.0) + km
    return totals


def offshore_track_km(
    pieces: pd.DataFrame | Iterable[Sequence[Any]], posts: Sequence[Mapping[str, Any]]
) -> float:
    """Return the track km of a route's offshore runs (state None), as in km_by_state_track.

    Examples
    --------
    >>> offshore_track_km([("RUS", 0.0, 5.0), (None, 5.0, 8.0)], [])
    3.0
    """
    return float(sum(km for state, km in _track_runs(pieces, posts) if state is None))
