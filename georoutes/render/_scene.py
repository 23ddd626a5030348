"""What a map or a figure draws: the analysis' layer, focus and bands, and geometry for display.

Rendering never computes a figure: every km shown comes from :func:`georoutes.analyze` (and
:func:`georoutes.transits` / :func:`georoutes.crossings`). The one thing done to geometry here is
for display: longitudes are unwrapped so a line across ±180° draws as one continuous line, and
country polygons are clipped to the view and simplified (for display only; the analysis always
runs on the full-precision layer).

The boundary layer, the focus states and the bands come from the analysis itself (its
:func:`georoutes.analyze.analysis_info`), so a map never draws other borders than the ones that
made its figures.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from typing import Any, TypedDict

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from markupsafe import Markup

from georoutes.boundaries import LAYERS, load_boundaries
from georoutes.errors import GeorouteError, UnknownStateError, unknown_code_message
from georoutes.exposure import band_polygons
from georoutes.geodesy import densify_parts, unwrap_lon
from georoutes.render._html import (
    as_list,
    dash,
    is_missing,
    kind_colours,
    kind_key,
    route_colours,
    state_colours,
)
from georoutes.waters import load_waters

__all__ = ["DISPLAY_TOLERANCE_M", "RenderInputs", "RenderOptions"]

#: Routes are drawn densified so that the drawn line stays within this many metres of the
#: geodesic (the analysis itself uses georoutes.geodesy's much tighter default).
DISPLAY_TOLERANCE_M = 100.0


class RenderInputs(TypedDict, total=False):
    """The keywords :func:`route_map`, :func:`route_figure` and :func:`build_report` share.

    Each is a field of :class:`RenderOptions` (see there).
    """

    transits: gpd.GeoDataFrame | None
    crossings: gpd.GeoDataFrame | None
    boundaries: gpd.GeoDataFrame | None
    places: gpd.GeoDataFrame | None
    focus: Sequence[str] | str | None
    bands_km: Sequence[float] | float | None


@dataclass(frozen=True)
class RenderOptions:
    """What a map, a figure or a report draws besides the analysis and its routes.

    Give it as ``options=RenderOptions(...)``, or give the same names as keywords; keywords win.

    Attributes
    ----------
    transits : geopandas.GeoDataFrame, optional
        :func:`georoutes.transits` of the same routes: the map adds a layer colouring each
        piece by state.
    crossings : geopandas.GeoDataFrame, optional
        :func:`georoutes.crossings` of the same routes; default: the ``crossings`` column.
    boundaries : geopandas.GeoDataFrame, optional
        The boundary layer; default (and best): the very layer the analysis used. A layer
        whose ``attrs["key"]`` differs from the analysis' is an error.
    places : geopandas.GeoDataFrame, optional
        Points (stations, terminals, border posts) with a ``name`` column, drawn as a layer.
    focus : str or sequence of str, optional
        Focus state codes to highlight; default: the analysis' focus.
    bands_km : float or sequence of float, optional
        Distance bands (km) drawn around each focus state; default: the analysis' bands.
    """

    transits: gpd.GeoDataFrame | None = None
    crossings: gpd.GeoDataFrame | None = None
    boundaries: gpd.GeoDataFrame | None = None
    places: gpd.GeoDataFrame | None = None
    focus: Sequence[str] | str | None = None
    bands_km: Sequence[float] | float | None = None


def merge_options(options: RenderOptions | None, inputs: Mapping[str, Any]) -> RenderOptions:
    """Return ``options`` with the keywords ``inputs`` set (a bad keyword is a TypeError)."""
    names = {f.name for f in fields(RenderOptions)}
    unknown = sorted(set(inputs) - names)
    if unknown:
        raise TypeError(
            f"unexpected keyword {unknown[0]!r} (the drawing keywords are "
            f"{', '.join(sorted(names))})"
        )
    return replace(options or RenderOptions(), **inputs)


# --------------------------------------------------------------------------------------------
# The analysis' own layer, focus and bands


@dataclass(frozen=True)
class _Meta:
    boundaries: Mapping[str, str]
    focus: tuple[str, ...]
    bands_km: tuple[float, ...]
    sensitivity: Mapping[str, Mapping[str, str]]


def analysis_meta(analysis: pd.DataFrame) -> _Meta:
    """Return what produced ``analysis``: its layer record, focus, bands (km), sensitivity."""
    try:
        from georoutes.analyze import analysis_info
    except ImportError:  # before analysis_info existed: the same record, read from attrs
        attrs = analysis.attrs
        return _Meta(
            dict(attrs.get("boundaries") or {}),
            tuple(attrs.get("focus", ())),
            tuple(float(b) for b in attrs.get("bands_km", ())),
            dict(attrs.get("sensitivity") or {}),
        )
    info = analysis_info(analysis)
    return _Meta(info.boundaries, tuple(info.focus), tuple(info.bands_km), info.sensitivity)


def _analysis_layer(analysis: pd.DataFrame) -> gpd.GeoDataFrame:
    """Return the boundary layer ``analysis`` was measured on."""
    try:
        from georoutes.analyze import analysis_info
    except ImportError:
        return load_boundaries((analysis.attrs.get("boundaries") or {}).get("key"))
    return analysis_info(analysis).layer()


def _analysis_territory(analysis: pd.DataFrame) -> gpd.GeoDataFrame:
    """Return the territory the analysis measured to (land, or land and waters)."""
    from georoutes.analyze import analysis_info

    return analysis_info(analysis).territory()


def scene_layer(analysis: pd.DataFrame, boundaries: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame:
    """Return the layer to draw: the analysis' own, or ``boundaries`` if it is the same layer."""
    if boundaries is None:
        return _analysis_layer(analysis)
    used = analysis_meta(analysis).boundaries.get("key")
    given = boundaries.attrs.get("key")
    if used and given and str(used) != str(given):
        raise GeorouteError(
            f"boundaries: the analysis was measured on layer {used!r} but the layer given to "
            f"draw is {given!r}; pass the same layer, or none (the analysis' own is drawn)"
        )
    return boundaries


def layer_attribution(layer: gpd.GeoDataFrame, analysis: pd.DataFrame) -> Markup:
    """Return the attribution the boundary layer requires (ODbL for OSM), as markup, or ""."""
    html = layer.attrs.get("attribution_html")
    key = str(layer.attrs.get("key", ""))
    if not html and key in LAYERS:
        html = LAYERS[key].get("attribution_html")
    if html:
        return Markup(str(html))  # a constant of the shipped registry, not user text
    text = layer.attrs.get("attribution") or analysis_meta(analysis).boundaries.get("attribution")
    return Markup.escape(str(text)) if text else Markup("")


def layer_description(analysis: pd.DataFrame, layer: gpd.GeoDataFrame) -> dict[str, str]:
    """Return the ``name`` and ``version`` of the layer that made ``analysis``."""
    info = analysis_meta(analysis).boundaries
    return {
        "name": str(info.get("name") or layer.attrs.get("name", "boundary layer")),
        "version": str(info.get("version") or layer.attrs.get("version", "")),
    }


def focus_codes(
    focus: Sequence[str] | str | None, analysis: pd.DataFrame, codes: Sequence[str] | None = None
) -> list[str]:
    """Return the focus codes to draw: ``focus``, or the analysis' (checked against ``codes``)."""
    if focus is None:
        focus = analysis_meta(analysis).focus
    if isinstance(focus, str):
        focus = [focus]
    out = []
    for code in focus or ():
        if codes is not None and str(code) not in codes:
            raise UnknownStateError(unknown_code_message(code, codes, what="focus state"))
        out.append(str(code))
    return out


def bands(bands_km: Sequence[float] | float | None, analysis: pd.DataFrame) -> list[float]:
    """Return the bands (km) to draw: ``bands_km``, or the analysis' own, sorted."""
    if bands_km is None:
        bands_km = analysis_meta(analysis).bands_km
    if isinstance(bands_km, int | float):
        bands_km = [bands_km]
    out = []
    for band in bands_km or ():
        value = float(band)
        if not value > 0 or math.isinf(value):
            raise GeorouteError(f"distance band {band!r}: must be a positive number of km")
        out.append(value)
    return sorted(set(out))


# --------------------------------------------------------------------------------------------
# Geometry for display: unwrapped longitudes, a view window, clipped and simplified polygons


def _line_parts(geom: object) -> list[np.ndarray]:
    """Return the coordinate arrays (n x 2, lon/lat) of a (Multi)LineString's parts."""
    if geom is None or shapely.is_empty(geom):
        return []
    out = []
    for part in shapely.get_parts(geom):
        if part.geom_type == "LineString":
            out.append(shapely.get_coordinates(part))
        elif part.geom_type in ("MultiLineString", "GeometryCollection"):
            out.extend(_line_parts(part))
    return [c for c in out if len(c) >= 2]


def _display_parts(geom: object, center_lon: float, *, densify: bool) -> list[np.ndarray]:
    """Return a line's parts as (lon, lat) arrays in degrees, ready to draw.

    The parts are densified along their geodesics (``densify``; Leaflet draws straight Web
    Mercator segments), their longitudes made continuous across ±180° and shifted by 360°
    multiples next to ``center_lon``.
    """
    coords = _line_parts(geom)
    if densify:
        dense = densify_parts(
            [c[:, 0] for c in coords], [c[:, 1] for c in coords], tolerance_m=DISPLAY_TOLERANCE_M
        )
        parts = [np.column_stack([d.lon, d.lat]) for d in dense if d.lon.size >= 2]
    else:
        parts = [np.column_stack([unwrap_lon(c[:, 0]), c[:, 1]]) for c in coords]
    out = []
    for part in parts:
        middle = 0.5 * (part[:, 0].min() + part[:, 0].max())
        out.append(part + np.array([360.0 * round((center_lon - middle) / 360.0), 0.0]))
    return _keep_together(out)


def _keep_together(parts: list[np.ndarray]) -> list[np.ndarray]:
    # Parts of one line (e.g. split at ±180°) stay side by side: each next to the previous one.
    if len(parts) < 2:
        return parts
    out = [parts[0]]
    for part in parts[1:]:
        shift = 360.0 * round((out[-1][-1, 0] - part[0, 0]) / 360.0)
        out.append(part + np.array([shift, 0.0]))
    return out


def _shift_lon(lon: float, center_lon: float) -> float:
    return float(lon + 360.0 * round((center_lon - lon) / 360.0))


def _center_lon(geoms: Iterable[object]) -> float:
    # Circular mean: the middle of a set of longitudes that may straddle ±180°.
    lons = [np.deg2rad(c[:, 0]) for g in geoms for c in _line_parts(g)]
    if not lons:
        return 0.0
    all_lon = np.concatenate(lons)
    return float(np.rad2deg(np.angle(np.mean(np.exp(1j * all_lon)))))


@dataclass(frozen=True)
class Window:
    """The area a map shows, in unwrapped display longitudes (may pass ±180°), degrees."""

    west: float
    south: float
    east: float
    north: float
    detail_deg: float | None = None  # a finer tolerance than the window's own (focus states)

    @property
    def tolerance_deg(self) -> float:
        """Display simplification tolerance: about 1/1500 of the window's larger side."""
        if self.detail_deg is not None:
            return self.detail_deg
        return max(0.005, max(self.east - self.west, self.north - self.south) / 1500.0)

    def clip(self, geoms: Sequence[object]) -> list[tuple[int, object]]:
        """Return ``(index, part in the window)`` for each geometry that shows, simplified.

        Geometries are stored in [-180, 180]; the window may extend past ±180°, so each geometry
        is also tried shifted by ±360° (e.g. Chukotka next to Kamchatka).
        """
        arr = np.asarray(list(geoms), dtype=object)
        pieces: dict[int, list[object]] = {}
        for shift in (-360.0, 0.0, 360.0):
            west, east = self.west - shift, self.east - shift
            if east < -180.0 or west > 180.0:
                continue
            clipped = shapely.clip_by_rect(arr, west, self.south, east, self.north)
            for k in np.flatnonzero(~shapely.is_empty(clipped)):
                geom = clipped[k]
                if shift:
                    geom = shapely.transform(geom, lambda xy, s=shift: xy + np.array([s, 0.0]))
                pieces.setdefault(int(k), []).append(geom)
        out: list[tuple[int, object]] = []
        for i, parts in sorted(pieces.items()):
            shown = self._simplify(parts)
            if shown is not None:
                out.append((i, shown))
        return out

    def _simplify(self, parts: Sequence[object]) -> object | None:
        tolerance = self.tolerance_deg
        decimals = int(min(5, max(2, math.ceil(-math.log10(tolerance / 4.0)))))
        # the shifted copies do not overlap: no union needed, just one multi-geometry
        geom = _drop_small_holes(_multi(parts), tolerance**2)
        geom = shapely.simplify(geom, tolerance, preserve_topology=True)
        polygons = shapely.get_parts(geom)
        big = polygons[shapely.area(polygons) >= tolerance**2]  # sub-pixel islands go
        if not len(big):
            return None
        # rounded, the coordinates print short; for display only
        return shapely.transform(shapely.multipolygons(big), lambda xy, d=decimals: np.round(xy, d))


def _drop_small_holes(geom: object, min_area: float) -> object:
    """Return the polygons without holes smaller than ``min_area`` (sub-pixel lakes, for display).

    OpenStreetMap land polygons carry thousands of tiny holes; simplification that preserves
    topology keeps every one of them.
    """
    kept = []
    for poly in shapely.get_parts(geom):
        holes = [r for r in poly.interiors if shapely.area(shapely.Polygon(r)) >= min_area]
        kept.append(shapely.Polygon(poly.exterior, holes))
    return shapely.multipolygons(kept)


def _multi(geoms: Sequence[object]) -> object:
    polygons = [p for g in geoms for p in shapely.get_parts(g) if p.geom_type == "Polygon"]
    return shapely.multipolygons(polygons)


def _window(display_parts: Sequence[np.ndarray], *, pad_fraction: float = 0.25) -> Window:
    if not display_parts:
        return Window(-180.0, -60.0, 180.0, 80.0)
    xy = np.concatenate(display_parts)
    west, south = xy.min(axis=0)
    east, north = xy.max(axis=0)
    pad = max(3.0, pad_fraction * max(east - west, north - south))
    return Window(
        float(west - pad),
        float(max(-85.0, south - pad)),
        float(east + pad),
        float(min(85.0, north + pad)),
    )


def focus_tolerance_deg(view: tuple[float, float, float, float]) -> float:
    """Return the simplification tolerance of focus-state borders: 1/3000 of the opening view."""
    west, south, east, north = view
    return max(0.002, max(east - west, north - south) / 3000.0)


def _extent(parts: Sequence[np.ndarray]) -> tuple[float, float, float, float] | None:
    if not parts:
        return None
    xy = np.concatenate(parts)
    (west, south), (east, north) = xy.min(axis=0), xy.max(axis=0)
    return float(west), float(south), float(east), float(north)


def opening_view(
    routes_parts: Sequence[Sequence[np.ndarray]],
) -> tuple[float, float, float, float] | None:
    """Return where a map opens: the region of most routes, not the extent of the longest.

    With four routes or more, the view is the union of the extents of the routes whose extent
    (its larger side, degrees) is at most twice the median one: a catalog of regional lines and
    a few intercontinental lanes opens on the region (north-east Asia for the built-in
    catalog), and the long routes run off the edges (the map's "all routes" button shows
    them). With fewer routes, every route is in view. None when there is nothing to draw.
    """
    extents = [e for e in (_extent(p) for p in routes_parts) if e is not None]
    if not extents:
        return None
    if len(extents) >= 4:
        sizes = [max(e[2] - e[0], e[3] - e[1]) for e in extents]
        median = float(np.median(sizes))
        extents = [e for e, size in zip(extents, sizes, strict=True) if size <= 2.0 * median]
    return (
        min(e[0] for e in extents),
        min(e[1] for e in extents),
        max(e[2] for e in extents),
        max(e[3] for e in extents),
    )


# --------------------------------------------------------------------------------------------
# The scene: what both the web map and the static figure draw


@dataclass(frozen=True)
class SceneRoute:
    """One route as drawn: display parts (lon/lat degrees) and its template context."""

    index: int
    id: str
    name: str
    kind: str
    colour: str
    dashed: bool  # a status is given and it is not "operating"; no status: drawn solid
    parts: list[np.ndarray]
    row: dict[str, Any]


@dataclass(frozen=True)
class Scene:
    """Everything a map or a figure draws, in display coordinates (degrees)."""

    center_lon: float
    window: Window
    bounds: tuple[float, float, float, float]  # west, south, east, north of the routes
    view: tuple[float, float, float, float]  # where the map opens (see opening_view)
    routes: list[SceneRoute]
    kind_colours: dict[str, str]
    state_colours: dict[str, str]
    state_names: dict[str, str]
    boundaries: list[tuple[str, object]]  # code, display polygon
    focus: list[tuple[str, str, object]]  # code, name, display polygon
    bands: list[tuple[str, float, object]]  # focus code, km, display polygon
    pieces: list[dict[str, Any]]
    crossings: list[dict[str, Any]]
    places: list[dict[str, Any]]
    attribution: Markup
    #: Maritime zones drawn under the routes (zone, code, display polygon); none under "land".
    zones: tuple[tuple[str, str, object], ...] = ()


def route_context(
    route_id: object, row: Mapping[str, Any], status: object, state_order: Sequence[str]
) -> dict[str, Any]:
    """Return one route's figures as the popup/tooltip templates read them (nothing computed)."""
    km_by_state = dict(row.get("km_by_state") or {})
    states = [str(s) for s in as_list(row.get("states"))]
    order = {code: i for i, code in enumerate([*states, *state_order])}
    exposure = []
    for code, e in (row.get("exposure") or {}).items():
        within = sorted((e.get("within_km") or {}).items(), key=lambda kv: float(kv[0]))
        exposure.append(
            {
                "code": code,
                "inside_km": e.get("inside_km"),
                "within_km": [(f"{float(band):g}", km) for band, km in within],
                "min_distance_km": e.get("min_distance_km"),
            }
        )
    return {
        "id": str(route_id),
        "name": str(dash(row.get("name"), str(route_id))),
        "kind": None if is_missing(row.get("kind")) else str(row.get("kind")),
        "status": None if is_missing(status) else str(status),
        "length_km": row.get("length_km"),
        "states": states,
        "transit_states": [str(s) for s in as_list(row.get("transit_states"))],
        "offshore_km": row.get("offshore_km"),
        "km_by_state": sorted(
            ((str(c), km) for c, km in km_by_state.items()),
            key=lambda ck: (order.get(ck[0], len(order)), -float(ck[1])),
        ),
        "exposure": exposure,
        "crossings": as_list(row.get("crossings")),
        "slivers": as_list(row.get("slivers")),
    }


def _scene_routes(
    analysis: pd.DataFrame, routes: gpd.GeoDataFrame, colours: Mapping[str, str]
) -> tuple[float, list[SceneRoute]]:
    by_id = routes.set_index(routes["id"].astype(str)) if "id" in routes.columns else routes
    kinds = list(analysis["kind"]) if "kind" in analysis.columns else [None] * len(analysis)
    colours_of_routes = route_colours(kinds)
    geoms = []
    for route_id in analysis.index:
        if str(route_id) not in by_id.index:
            raise GeorouteError(
                f"route {route_id!r} is in the analysis but not in the routes layer "
                "(pass the same routes to analyze() and to the map)"
            )
        geoms.append(by_id.geometry.loc[str(route_id)])
    center = _center_lon(geoms)
    out = []
    for i, (route_id, geom) in enumerate(zip(analysis.index, geoms, strict=True)):
        status = by_id["status"].loc[str(route_id)] if "status" in by_id.columns else None
        ctx = route_context(route_id, analysis.loc[route_id], status, list(colours))
        out.append(
            SceneRoute(
                index=i,
                id=str(route_id),
                name=ctx["name"],
                kind=kind_key(ctx["kind"]),
                colour=colours_of_routes[i],
                dashed=ctx["status"] is not None and ctx["status"].strip().lower() != "operating",
                parts=_display_parts(geom, center, densify=True),
                row=ctx,
            )
        )
    return center, out


def build_scene(analysis: pd.DataFrame, routes: gpd.GeoDataFrame, options: RenderOptions) -> Scene:
    """Return what to draw of ``analysis`` and its ``routes`` (display geometry, degrees)."""
    layer = scene_layer(analysis, options.boundaries)
    codes = [str(c) for c in layer["code"]]
    state_names = {
        str(c): str(n) for c, n in zip(layer["code"], layer.get("name", layer["code"]), strict=True)
    }
    focus = focus_codes(options.focus, analysis, codes)
    colours = state_colours(analysis)
    center, scene_routes = _scene_routes(analysis, routes, colours)

    all_parts = [p for r in scene_routes for p in r.parts]
    window = _window(all_parts)
    if all_parts:
        xy = np.concatenate(all_parts)
        (west, south), (east, north) = xy.min(axis=0), xy.max(axis=0)
        bounds = (float(west), float(south), float(east), float(north))
    else:
        bounds = (window.west, window.south, window.east, window.north)
    view = opening_view([r.parts for r in scene_routes]) or bounds

    boundary_shapes = [(codes[i], g) for i, g in window.clip(layer.geometry.values)]
    # The focus states' borders are where the figures are sensitive (the Tumen, the Yalu): they
    # are drawn at the precision of the opening view, not of the whole extent.
    detail = replace(window, detail_deg=focus_tolerance_deg(view))
    focus_rows = [i for i, c in enumerate(codes) if c in set(focus)]
    focus_geoms = detail.clip(layer.geometry.values[focus_rows]) if focus_rows else []
    focus_shapes = [
        (codes[focus_rows[k]], state_names.get(codes[focus_rows[k]], ""), g) for k, g in focus_geoms
    ]
    names = {r.id: r.name for r in scene_routes}
    # Under a maritime model the figures are measured to land and waters: the bands grow from
    # that territory, and the zones are drawn.
    waters = str(analysis.attrs.get("waters", "land"))
    band_layer = layer
    zones: list[tuple[str, str, object]] = []
    if waters != "land":
        try:
            band_layer = _analysis_territory(analysis)
        except GeorouteError:
            band_layer = layer
        for zone in ("territorial", "eez"):
            sea = load_waters(zone)
            sea_codes = [str(c) for c in sea["code"]]
            zones.extend((zone, sea_codes[i], g) for i, g in window.clip(sea.geometry.values))
    return Scene(
        center_lon=center,
        window=window,
        bounds=bounds,
        view=view,
        routes=scene_routes,
        kind_colours=kind_colours(r.kind for r in scene_routes),
        state_colours=colours,
        state_names=state_names,
        boundaries=boundary_shapes,
        focus=focus_shapes,
        bands=_band_shapes(band_layer, focus, bands(options.bands_km, analysis), detail),
        pieces=_pieces(options.transits, names, center),
        crossings=_crossings(options.crossings, analysis, names, state_names, center),
        places=_places(options.places, center),
        attribution=layer_attribution(layer, analysis),
        zones=tuple(zones),
    )


def _band_shapes(
    layer: gpd.GeoDataFrame, focus: Sequence[str], bands_km: Sequence[float], window: Window
) -> list[tuple[str, float, object]]:
    out: list[tuple[str, float, object]] = []
    if not bands_km:
        return out
    for code in focus:
        ring = [(float(km), g) for km, g in band_polygons(layer, code, tuple(bands_km)).items()]
        shown = dict(window.clip([g for _, g in ring]))
        out.extend((code, km, shown[i]) for i, (km, _) in enumerate(ring) if i in shown)
    return out


def _pieces(
    transits: gpd.GeoDataFrame | None, names: Mapping[str, str], center: float
) -> list[dict[str, Any]]:
    if transits is None:
        return []
    out = []
    for row in transits.itertuples(index=False):
        route_id = str(row.route_id)
        if route_id not in names:
            continue
        # Pieces come densified to metres, and as many parts whose ends differ by float noise:
        # join the parts and thin the vertices to the display tolerance (drawing only).
        geom = shapely.line_merge(shapely.set_precision(row.geometry, 1e-7))
        geom = shapely.simplify(geom, DISPLAY_TOLERANCE_M / 111_320.0)
        out.append(
            {
                "route_id": route_id,
                "route_name": names[route_id],
                "state": None if is_missing(row.state) else str(row.state),
                "zone": None if is_missing(getattr(row, "zone", None)) else str(row.zone),
                "from_km": row.from_km,
                "to_km": row.to_km,
                "length_km": row.length_km,
                "parts": _display_parts(geom, center, densify=False),
            }
        )
    return out


def _crossings(
    crossings: gpd.GeoDataFrame | None,
    analysis: pd.DataFrame,
    names: Mapping[str, str],
    state_names: Mapping[str, str],
    center: float,
) -> list[dict[str, Any]]:
    if crossings is not None:
        records = [
            {
                "route_id": str(r["route_id"]),
                **{k: r.get(k) for k in ("from", "to", "via", "km")},
                "lon": float(r["lon"]),
                "lat": float(r["lat"]),
            }
            for r in crossings.drop(columns="geometry", errors="ignore").to_dict("records")
        ]
    else:
        records = [
            {"route_id": str(route_id), **dict(c)}
            for route_id, cs in zip(analysis.index, analysis["crossings"], strict=True)
            for c in as_list(cs)
        ]
    out = []
    for c in records:
        if c["route_id"] not in names or is_missing(c.get("lon")) or is_missing(c.get("lat")):
            continue
        out.append(
            {
                **c,
                "route_name": names[c["route_id"]],
                "from_name": state_names.get(str(c.get("from")), ""),
                "to_name": state_names.get(str(c.get("to")), ""),
                "display_lon": _shift_lon(float(c["lon"]), center),
            }
        )
    return out


def _places(places: gpd.GeoDataFrame | None, center: float) -> list[dict[str, Any]]:
    if places is None or len(places) == 0:
        return []
    out = []
    columns = [c for c in places.columns if c != places.geometry.name]
    for _, row in places.iterrows():
        geom = row[places.geometry.name]
        if geom is None or shapely.is_empty(geom):
            continue
        point = shapely.get_coordinates(geom)[0]
        props = [(str(c), row[c]) for c in columns if not is_missing(row[c]) and c != "name"]
        out.append(
            {
                "name": row.get("name"),
                "properties": [(k, str(v)) for k, v in props],
                "lon": _shift_lon(float(point[0]), center),
                "lat": float(point[1]),
            }
        )
    return out
