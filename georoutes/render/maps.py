"""The web map (folium/Leaflet) of analysed routes: their pieces, crossings and focus bands.

The map only lays out what :func:`georoutes.analyze` measured (see :mod:`georoutes.render._scene`
for the display geometry); every string reaches the page escaped (:mod:`georoutes.render._html`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Unpack

import folium
import folium.folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import MacroElement
from folium.plugins import MeasureControl
from folium.template import Template
from folium.utilities import JsCode
from markupsafe import Markup

from georoutes._io import write_bytes_atomic
from georoutes.errors import GeorouteError
from georoutes.render._assets import Assets, use_assets
from georoutes.render._html import (
    DASH,
    FOCUS_COLOUR,
    LAND_COLOUR,
    OFFSHORE_COLOUR,
    PLACE_COLOUR,
    SEA_COLOUR,
    dash,
    js_literal_safe,
    layer_name,
    plain_property,
    render,
)
from georoutes.render._scene import RenderInputs, RenderOptions, Scene, build_scene, merge_options

__all__ = ["map_html", "route_map", "write_atomic", "write_map"]


class _Attribution(MacroElement):
    """Adds the boundary layer's required attribution (a constant of ours, not user text)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.text|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "GeoroutesAttribution"
        self.text = text


class _Legend(MacroElement):
    """A legend as a Leaflet control; its markup is pre-rendered (escaped) by our templates."""

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>
          .georoutes-legend { background: rgba(255,255,255,0.92); padding: 4px 9px;
            font: 12px/1.45 system-ui, sans-serif; border-radius: 4px;
            box-shadow: 0 1px 4px rgba(0,0,0,0.3); max-width: 340px; }
          .georoutes-legend svg { vertical-align: middle; }
          .georoutes-legend-title { font-weight: 600; cursor: pointer; }
          .georoutes-legend-body { max-height: 60vh; overflow-y: auto; padding-right: 4px; }
          .georoutes-legend-kind { font-weight: 600; margin-top: 4px; }
          .georoutes-legend-route { white-space: nowrap; overflow: hidden;
            text-overflow: ellipsis; }
          .georoutes-popup h4 { font-size: 14px; margin: 0 0 4px; }
          .georoutes-popup table { border-collapse: collapse; margin: 4px 0; font-size: 12px; }
          .georoutes-popup th, .georoutes-popup td { padding: 1px 6px 1px 0; text-align: left;
            vertical-align: top; }
          .georoutes-popup td { font-variant-numeric: tabular-nums; }
          .leaflet-control-layers, .leaflet-control-scale { font-size: 12px; }
          .leaflet-control-layers-expanded { line-height: 1.4; }
          {% if this.sea %}.leaflet-container { background: {{ this.sea }}; }{% endif %}
        </style>
        {% endmacro %}
        {% macro html(this, kwargs) %}
        <div id="{{ this.get_name() }}" class="georoutes-legend leaflet-control">
          {{- this.markup -}}
        </div>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        (function () {
            var control = L.control({position: "bottomleft"});
            control.onAdd = function () {
                var el = document.getElementById({{ this.get_name()|tojson }});
                L.DomEvent.disableClickPropagation(el);
                L.DomEvent.disableScrollPropagation(el);
                return el;
            };
            control.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
        """
    )

    def __init__(self, markup: Markup, *, sea: str | None) -> None:
        super().__init__()
        self._name = "GeoroutesLegend"
        self.markup = js_literal_safe(markup)  # branca renders our output again as a template
        self.sea = sea


class _Hover(MacroElement):
    """One tooltip for every route under the pointer, and a button that shows every route.

    Overlapping routes (a corridor over the lines it is made of) no longer hide each other's
    tooltips: the route tooltips folium bound are collected, and on each pointer move the
    routes within a few pixels are listed, nearest first, with their colours. The button
    (when the map opens on the region of most routes, see ``opening_view``) fits all routes.
    """

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>
          .georoutes-hover { width: max-content; max-width: 380px; white-space: normal; }
          .georoutes-hover .georoutes-tip { padding: 2px 0 2px 8px; border-left: 4px solid; }
          .georoutes-hover .georoutes-tip + .georoutes-tip { margin-top: 3px; }
          .georoutes-all { font: 600 12px system-ui, sans-serif; background: #fff; padding: 4px 7px;
            border-radius: 4px; box-shadow: 0 1px 4px rgba(0,0,0,0.3); cursor: pointer; }
        </style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }};
            var routes = [];
            map.eachLayer(function (layer) {
                var cls = (layer.options && layer.options.className) || "";
                if (layer instanceof L.Polyline && /\\bgeoroutes-route\\b/.test(cls)
                        && layer.getTooltip()) {
                    layer.georoutesTip = layer.getTooltip().getContent();
                    layer.unbindTooltip();
                    routes.push(layer);
                }
            });
            var tip = L.tooltip({sticky: true, direction: "top", offset: [0, -10],
                                 className: "georoutes-hover", opacity: 0.95});
            function under(point) {
                var hits = [];
                routes.forEach(function (layer) {
                    if (!map.hasLayer(layer) || !layer._parts || !layer._parts.length) { return; }
                    var q = layer.closestLayerPoint(point);
                    if (q && q.distance <= 7) { hits.push([q.distance, layer]); }
                });
                hits.sort(function (a, b) { return a[0] - b[0]; });
                return hits.map(function (h) { return h[1]; });
            }
            var last = null, queued = false;
            function show() {
                queued = false;
                var hits = under(last.layerPoint);
                if (!hits.length) { map.closeTooltip(tip); return; }
                var html = hits.slice(0, 6).map(function (layer) {
                    return '<div class="georoutes-tip" style="border-color:' + layer.options.color
                        + '">' + layer.georoutesTip + "</div>";
                }).join("");
                if (hits.length > 6) { html += "<div>+ " + (hits.length - 6) + " more</div>"; }
                tip.setContent(html).setLatLng(last.latlng);
                if (!map.hasLayer(tip)) { map.openTooltip(tip); }
            }
            map.on("mousemove", function (e) {
                last = e;
                if (!queued) { queued = true; L.Util.requestAnimFrame(show); }
            });
            map.on("mouseout", function () { map.closeTooltip(tip); });
            {% if this.all_button %}
            var all = L.control({position: "topleft"});
            all.onAdd = function () {
                var el = L.DomUtil.create("div", "georoutes-all leaflet-bar");
                el.title = "Zoom out to every route";
                el.textContent = "all routes";
                L.DomEvent.disableClickPropagation(el);
                L.DomEvent.on(el, "click", function () {
                    map.fitBounds({{ this.bounds|tojson }}, {padding: [20, 20]});
                });
                return el;
            };
            all.addTo(map);
            {% endif %}
        })();
        {% endmacro %}
        """
    )

    def __init__(self, bounds: list[list[float]], *, all_button: bool) -> None:
        super().__init__()
        self._name = "GeoroutesHover"
        self.bounds = bounds
        self.all_button = all_button


def _latlon(parts: Sequence[np.ndarray]) -> list[list[list[float]]]:
    # Leaflet wants (lat, lon); 5 decimals is ~1 m, plenty for display.
    return [np.round(p[:, ::-1], 5).tolist() for p in parts]


def _lines(parts: Sequence[np.ndarray]) -> object:
    return shapely.MultiLineString([np.round(p, 5) for p in parts])


def _geojson(features: Iterable[tuple[dict[str, Any], object]]) -> dict[str, Any]:
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": props, "geometry": shapely.geometry.mapping(geom)}
            for props, geom in features
        ],
    }


# Binds each feature's pre-rendered, escaped tooltip/popup HTML (see js_literal_safe). One
# GeoJSON layer instead of hundreds of folium elements keeps the page small and quick to open.
_BIND = JsCode(
    """function (feature, layer) {
        var p = feature.properties;
        if (p.tooltip) { layer.bindTooltip(p.tooltip, {sticky: true}); }
        if (p.popup) { layer.bindPopup(p.popup, {maxWidth: 320}); }
    }"""
)


def _feature_layer(
    name: str,
    features: Sequence[tuple[dict[str, Any], object]],
    *,
    class_name: str,
    show: bool,
    style_function: Any = None,
    marker: folium.CircleMarker | None = None,
) -> folium.GeoJson:
    return folium.GeoJson(
        _geojson(features),
        name=layer_name(name),
        show=show,
        on_each_feature=_BIND,
        style_function=style_function,
        marker=marker,
        class_name=class_name,
    )


def _polygon_layer(
    name: str,
    shapes: Iterable[tuple[dict[str, Any], object]],
    style: Mapping[str, Any],
    *,
    show: bool = True,
) -> folium.GeoJson:
    return folium.GeoJson(
        _geojson(shapes),
        name=layer_name(name),
        style_function=lambda _f, s=dict(style): s,
        interactive=False,
        show=show,
    )


#: How the maritime zones are drawn (fills under the routes; toggle them in the layer control).
ZONE_STYLES: dict[str, tuple[str, dict[str, Any]]] = {
    "territorial": (
        "Territorial seas (12 nm)",
        {"color": "#4f8fbf", "weight": 0.6, "fillColor": "#4f8fbf", "fillOpacity": 0.18},
    ),
    "eez": (
        "EEZ (200 nm, modelled: not the legal boundary)",
        {"color": "#7fa7c9", "weight": 0.5, "dashArray": "3 3", "fillOpacity": 0.0},
    ),
}
#: Route pieces by zone: solid on land, dashed in territorial seas, dotted in EEZs.
ZONE_DASH: dict[str | None, str | None] = {
    "land": None,
    "territorial": "8 4",
    "eez": "2 5",
    None: "2 6",
}


def _add_zones(m: folium.Map, scene: Scene) -> None:
    for zone in ("eez", "territorial"):
        shapes = [
            ({"code": plain_property(c), "zone": zone}, g) for z, c, g in scene.zones if z == zone
        ]
        if shapes:
            title, style = ZONE_STYLES[zone]
            _polygon_layer(title, shapes, style, show=zone == "territorial").add_to(m)


# The default background. xyzservices (2026.9) lists CARTO's basemaps as needing an API key and
# then builds a URL with a "?key=<insert your API key here>" placeholder; CARTO's public basemap
# URL (https://github.com/CartoDB/basemap-styles) is used instead, with its required attribution.
_KNOWN_TILES: dict[str, dict[str, Any]] = {
    "cartodbpositron": {
        "tiles": "https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}{r}.png",
        "attr": '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> '
        'contributors &copy; <a href="https://carto.com/attributions">CARTO</a>',
        "subdomains": "abcd",
        "max_zoom": 20,
        "name": "CartoDB Positron",
    },
}


def _tile_layer(tiles: str) -> folium.TileLayer:
    if re.search(r"\{[{%#]", tiles):
        raise GeorouteError(
            f"tiles {tiles!r}: a tile URL has single braces only, e.g. {{z}}/{{x}}/{{y}}"
        )
    known = _KNOWN_TILES.get(tiles.replace(" ", "").replace(".", "").lower())
    if known is not None:
        return folium.TileLayer(**known)
    try:
        return folium.TileLayer(tiles, name=layer_name(f"Tiles: {tiles}"))
    except (ValueError, KeyError) as exc:
        raise GeorouteError(
            f"unknown tiles {tiles!r}: give a folium/xyzservices name (e.g. cartodbpositron, "
            "openstreetmap), a URL template with {z}/{x}/{y}, or 'none'"
        ) from exc


def _add_areas(m: folium.Map, scene: Scene, *, tiles: bool) -> None:
    land = (({"code": plain_property(code)}, g) for code, g in scene.boundaries)
    _polygon_layer(
        "Countries",
        land,
        {
            "color": "#8c8c8c",
            "weight": 0.8,
            "fillColor": LAND_COLOUR,
            "fillOpacity": 0.0 if tiles else 1.0,
        },
    ).add_to(m)
    _add_zones(m, scene)
    for code, name, geom in scene.focus:
        _polygon_layer(
            f"Focus: {code}" + (f" ({name})" if name else ""),
            [({"code": plain_property(code)}, geom)],
            {"color": FOCUS_COLOUR, "weight": 2, "fillColor": FOCUS_COLOUR, "fillOpacity": 0.15},
        ).add_to(m)
    styles = band_styles(scene)
    for code, km, geom in sorted(scene.bands, key=lambda b: -b[1]):
        style = styles[f"{km:g}"]
        _polygon_layer(
            f"{code}: within {km:g} km",
            [({"code": plain_property(code), "band_km": km}, geom)],
            {
                "color": FOCUS_COLOUR,
                "weight": style["weight"],
                "dashArray": style["dash"],
                "fillColor": FOCUS_COLOUR,
                "fillOpacity": style["fill_opacity"],
            },
        ).add_to(m)


#: How the distance bands are drawn, narrowest first (cycling): a solid, a dashed, a dotted and
#: a dash-dot outline, fainter fills outwards; the legend shows the same symbol.
BAND_STYLES: tuple[dict[str, Any], ...] = (
    {"dash": None, "weight": 2.0, "fill_opacity": 0.10},
    {"dash": "7 4", "weight": 1.6, "fill_opacity": 0.06},
    {"dash": "1.5 4", "weight": 1.6, "fill_opacity": 0.035},
    {"dash": "9 3 2 3", "weight": 1.2, "fill_opacity": 0.02},
)


def band_styles(scene: Scene) -> dict[str, dict[str, Any]]:
    """Return the style of each band of the scene (keyed by its km as ``f"{km:g}"``)."""
    kms = sorted({km for _, km, _ in scene.bands})
    return {f"{km:g}": BAND_STYLES[i % len(BAND_STYLES)] for i, km in enumerate(kms)}


def _add_pieces(m: folium.Map, scene: Scene) -> None:
    if not scene.pieces:
        return
    features = []
    for piece in scene.pieces:
        colour = scene.state_colours.get(piece["state"] or "", OFFSHORE_COLOUR)
        features.append(
            (
                {
                    "colour": colour,
                    "dash": ZONE_DASH.get(piece.get("zone") or "land")
                    if piece["state"]
                    else ZONE_DASH[None],
                    "tooltip": js_literal_safe(render("piece_tooltip.html", p=piece)),
                },
                _lines(piece["parts"]),
            )
        )
    _feature_layer(
        "Route pieces by state",
        features,
        class_name="georoutes-piece",
        show=False,
        style_function=lambda f: {
            "color": f["properties"]["colour"],
            "weight": 7,
            "opacity": 0.85,
            "dashArray": f["properties"]["dash"],
        },
    ).add_to(m)


def _add_routes(m: folium.Map, scene: Scene) -> None:
    groups: dict[str, folium.FeatureGroup] = {}
    for route in scene.routes:
        if route.kind not in groups:
            groups[route.kind] = folium.FeatureGroup(name=layer_name(f"Routes: {route.kind}"))
            groups[route.kind].add_to(m)
        tooltip = js_literal_safe(render("route_tooltip.html", r=route.row))
        popup = js_literal_safe(render("route_popup.html", r=route.row))
        folium.PolyLine(
            _latlon(route.parts),
            color=route.colour,
            weight=4,
            opacity=0.9,
            dash_array=DASH if route.dashed else None,
            class_name=f"georoutes-route georoutes-route-{route.index}",
            tooltip=folium.Tooltip(tooltip, sticky=True),
            popup=folium.Popup(popup, max_width=460, lazy=True),
        ).add_to(groups[route.kind])


def _add_points(m: folium.Map, scene: Scene) -> None:
    if scene.crossings:
        group = folium.FeatureGroup(name="Border crossings").add_to(m)
        for c in scene.crossings:
            popup = js_literal_safe(render("crossing_popup.html", c=c))
            label = js_literal_safe(
                Markup("{} → {}").format(dash(c.get("from")), dash(c.get("to")))
            )
            folium.CircleMarker(
                [c["lat"], c["display_lon"]],
                radius=6,
                color="#222222",
                weight=2,
                fill_color="#ffffff",
                fill_opacity=1.0,
                class_name="georoutes-crossing",
                popup=folium.Popup(popup, max_width=320, lazy=True),
                tooltip=folium.Tooltip(label),
            ).add_to(group)
    if scene.places:
        features = [
            (
                {
                    "tooltip": js_literal_safe(Markup("{}").format(dash(p.get("name")))),
                    "popup": js_literal_safe(render("place_popup.html", p=p)),
                },
                shapely.Point(p["lon"], p["lat"]),
            )
            for p in scene.places
        ]
        # off at first: a catalog has hundreds of stations, which would hide the routes
        _feature_layer(
            "Places",
            features,
            class_name="georoutes-place",
            show=False,
            marker=folium.CircleMarker(
                radius=4,
                color="#ffffff",
                weight=1,
                fill=True,
                fill_color=PLACE_COLOUR,
                fill_opacity=1.0,
                class_name="georoutes-place",
            ),
        ).add_to(m)


def _add_controls(m: folium.Map, scene: Scene, *, tiles: bool, measure: bool) -> None:
    styles = band_styles(scene)
    families: dict[str, list[tuple[str, str, bool]]] = {}
    for route in scene.routes:
        families.setdefault(route.kind, []).append((route.name, route.colour, route.dashed))
    legend = render(
        "legend.html",
        families=list(families.items()),
        dashed=any(route.dashed for route in scene.routes),
        crossings=bool(scene.crossings),
        places=bool(scene.places),
        focus=[(c, n) for c, n, _ in scene.focus],
        bands=[(km, styles[km]) for km in sorted(styles, key=float)],
        focus_colour=FOCUS_COLOUR,
    )
    m.add_child(_Legend(legend, sea=None if tiles else SEA_COLOUR))
    if scene.attribution:
        m.add_child(_Attribution(str(scene.attribution)))
    if measure:  # leaflet-measure is on no PyPI package: a CDN-linked page only
        MeasureControl(
            position="topleft",
            primary_length_unit="kilometers",
            secondary_length_unit="miles",
            primary_area_unit="sqkilometers",
        ).add_to(m)
    folium.LayerControl(collapsed=True).add_to(m)
    west, south, east, north = scene.bounds
    m.add_child(
        _Hover(
            [[round(south, 5), round(west, 5)], [round(north, 5), round(east, 5)]],
            all_button=scene.view != scene.bounds,
        )
    )


def route_map(
    analysis: pd.DataFrame,
    routes: gpd.GeoDataFrame,
    options: RenderOptions | None = None,
    *,
    tiles: str | None = "cartodbpositron",
    height: str = "100%",
    assets: Assets = "inline",
    **inputs: Unpack[RenderInputs],
) -> folium.Map:
    """Return a folium map of analysed routes, their pieces, crossings and focus-state bands.

    The borders, focus states and bands drawn are those the analysis was measured with.

    Parameters
    ----------
    analysis : pandas.DataFrame
        The output of :func:`georoutes.analyze` (index: route id). Only its rows are drawn.
    routes : geopandas.GeoDataFrame
        The routes that were analysed (column ``id``; ``status`` is used when present: routes
        whose status is not ``"operating"`` are dashed).
    options : RenderOptions, optional
        Layers to add (transits, crossings, places) and overrides of the boundary layer, focus
        states and bands (km); see :class:`~georoutes.render.RenderOptions`.
    tiles : str or None
        A folium/xyzservices tile name or URL template; ``None`` for none (the country layer,
        drawn as vectors, keeps the map readable).
    height : str
        CSS height of the map.
    assets : {"cdn", "inline"}
        ``"inline"``: the page carries Leaflet's script and style itself (from the
        ``xstatic-leaflet`` package) and opens with no network; it has no measuring tool.
        ``"cdn"``: the page links folium's pinned CDN copies.
    **inputs
        The fields of :class:`~georoutes.render.RenderOptions` as keywords (``transits``,
        ``crossings``, ``boundaries``, ``places``, ``focus``, ``bands_km``); they win over
        ``options``.

    Returns
    -------
    folium.Map
        One polyline layer per route (SVG class ``georoutes-route``), grouped by kind.

    Raises
    ------
    GeorouteError
        If a route of ``analysis`` is not in ``routes``, a band is not a positive km, the tiles
        are unknown, or ``boundaries`` is another layer than the analysis used.

    Examples
    --------
    >>> import georoutes
    >>> routes = georoutes.read_routes("routes.geojson")  # doctest: +SKIP
    >>> analysis = georoutes.analyze(routes, focus=["CHN"], bands_km=[50])  # doctest: +SKIP
    >>> route_map(analysis, routes).save("maps/routes.html")  # doctest: +SKIP
    """
    scene = build_scene(analysis, routes, merge_options(options, inputs))
    west, south, east, north = scene.bounds
    m = folium.Map(
        tiles=None,
        control_scale=True,
        width="100%",
        height=height,
        zoom_start=3,
        location=[0.5 * (south + north), 0.5 * (west + east)],
        world_copy_jump=False,
        prefer_canvas=False,
        zoom_snap=0.25,  # fit the opening view closely (whole zoom levels jump by 2x)
    )
    use_assets(m, assets)
    if tiles:
        _tile_layer(tiles).add_to(m)
    _add_areas(m, scene, tiles=bool(tiles))
    _add_pieces(m, scene)
    _add_routes(m, scene)
    _add_points(m, scene)
    _add_controls(m, scene, tiles=bool(tiles), measure=assets == "cdn")
    v_west, v_south, v_east, v_north = scene.view
    m.fit_bounds(
        [[round(v_south, 5), round(v_west, 5)], [round(v_north, 5), round(v_east, 5)]],
        padding=(20, 20),
    )
    return m


def map_html(m: folium.Map) -> str:
    """Return the standalone HTML page of a folium map."""
    return str(m.get_root().render())


def write_map(m: folium.Map, path: str | os.PathLike[str]) -> Path:
    """Write a map's HTML page to ``path`` atomically (temporary file, then rename)."""
    return write_bytes_atomic(path, map_html(m).encode("utf-8"))


def write_atomic(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` via a temporary file in the same folder: never half-written.

    Kept for old callers; it is :func:`georoutes._io.write_bytes_atomic`.
    """
    return write_bytes_atomic(path, data)
