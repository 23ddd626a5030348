"""Content tests of the web map (georoutes.render.maps) and of the ``georoutes map`` command.

The rendering tests use the hand-made scenario of conftest.py (known figures, hostile names);
the command tests run the real pipeline (read_routes -> analyze -> transits -> render) on a small
GeoJSON file. The same pages are opened in a real browser in tests/browser/test_browser.py.
"""

from __future__ import annotations

import json
import re

import folium
import pandas as pd
import pytest
from _render import FMT, ROUTES_GEOJSON, children, js_text, polylines, route_frame, run_cli

import georoutes
from georoutes.errors import GeorouteError, UnknownStateError
from georoutes.render import KIND_COLOURS, RenderOptions, map_html, route_map


@pytest.fixture(scope="module")
def hand_map(hand_scenario, boundaries):
    sc = hand_scenario
    # Linked assets (assets="cdn"): these tests read the page's script and style URLs; the
    # offline (inline) page is tested in tests/browser/test_offline.py and below.
    return route_map(
        sc.analysis,
        sc.routes,
        transits=sc.transits,
        crossings=sc.crossings,
        boundaries=boundaries,
        places=sc.places,
        tiles=None,
        assets="cdn",
    )


def test_the_default_page_is_self_contained(hand_scenario, boundaries):
    sc = hand_scenario
    html = map_html(route_map(sc.analysis, sc.routes, boundaries=boundaries, tiles=None))
    assert "<script src=" not in html
    assert "cdn.jsdelivr.net" not in html
    assert "L.map(" in html or "L.map (" in html


@pytest.fixture(scope="module")
def hand_html(hand_map):
    return map_html(hand_map)


# ---------------------------------------------------------------------------------- the map


def test_one_route_layer_per_route_grouped_by_kind(hand_map, hand_scenario):
    routes = polylines(hand_map, "georoutes-route")
    assert sorted(routes) == list(range(len(hand_scenario.analysis)))
    kinds = {i: hand_scenario.analysis["kind"].iloc[i] for i in routes}
    for i, line in routes.items():
        expected = KIND_COLOURS.get(kinds[i])
        if expected:
            assert line.options["color"] == expected
    assert routes[0].options["color"] != routes[1].options["color"]  # pipeline vs rail


def test_dashed_only_when_a_status_says_not_operating(hand_map, hand_scenario):
    status = dict(zip(hand_scenario.routes["id"], hand_scenario.routes["status"], strict=True))
    assert any(pd.isna(v) for v in status.values())  # the fixture has a route without status
    for i, line in polylines(hand_map, "georoutes-route").items():
        value = status[hand_scenario.analysis.index[i]]
        solid = pd.isna(value) or value == "operating"  # a user's route without status: solid
        assert (line.options.get("dashArray") is None) == solid


def _routes_of(kinds, boxes):
    import geopandas as gpd
    import shapely

    frame = gpd.GeoDataFrame(
        {
            "id": [f"r{i}" for i in range(len(kinds))],
            "name": [f"route {i}" for i in range(len(kinds))],
            "kind": kinds,
        },
        geometry=[shapely.LineString([(w, s), (e, n)]) for w, s, e, n in boxes],
        crs="EPSG:4326",
    )
    return georoutes.read_routes(frame)


def test_map_opens_on_the_region_of_most_routes(boundaries):
    from georoutes.render._scene import build_scene

    korea = [(126.0, 35.0, 129.0, 38.0), (127.0, 36.0, 130.0, 40.0), (125.0, 37.0, 128.0, 39.0)]
    world = [(129.0, 35.0, 4.0, 52.0)]  # Busan - Rotterdam
    routes = _routes_of(["rail"] * 4, korea + world)
    analysis = georoutes.analyze(routes, boundaries="ne", focus=["KOR"], bands_km=[50])
    scene = build_scene(analysis, routes, RenderOptions())
    west, south, east, north = scene.view
    assert (west, south, east, north) == pytest.approx((125.0, 35.0, 130.0, 40.0), abs=0.05)
    assert scene.bounds[0] < 10.0  # the whole extent reaches Europe
    html = map_html(route_map(analysis, routes, tiles=None))
    assert re.search(r"fitBounds\(\s*\[\[35\.0\d*, 125\.0\d*\], \[40\.0\d*, 130\.0", html)
    assert "all routes" in html  # a button to see them all
    few = routes.iloc[[0, 3]]
    scene = build_scene(analysis.loc[["r0", "r3"]], few, RenderOptions())
    assert scene.view == scene.bounds  # fewer than four routes: all in view


def test_routes_of_one_kind_have_distinct_colours_and_sea_is_not_shipping(boundaries):
    kinds = ["pipeline"] * 5 + ["shipping", "sea"]
    boxes = [(120.0 + i, 40.0, 121.0 + i, 41.0) for i in range(7)]
    routes = _routes_of(kinds, boxes)
    analysis = georoutes.analyze(routes, boundaries="ne", focus=["CHN"], bands_km=[10, 50, 100])
    m = route_map(analysis, routes, tiles=None)
    colours = [line.options["color"] for _, line in sorted(polylines(m, "georoutes-route").items())]
    assert len(set(colours[:5])) == 5
    assert colours[5] != colours[6]
    assert colours[5][1:3] != colours[6][1:3]  # different hues, not two near-identical blues
    html = map_html(m)
    legend = html.split('class="georoutes-legend leaflet-control"')[1].split("</details>")[0]
    for i in range(7):
        assert f"route {i}</div>" in legend  # every route is named in the legend
    bands = re.findall(r'class="georoutes-legend-band"><svg[^>]*><rect ([^>]*)/>', legend)
    assert len(bands) == 3
    assert len(set(bands)) == 3  # a distinct symbol per band
    assert "<details" in legend  # collapsed until clicked
    assert '"collapsed": true' in html  # and the layer control too


def test_layers_and_controls_present(hand_html):
    for name in (
        "Countries",
        "Focus: CHN (China)",
        "CHN: within 50 km",
        "Route pieces by state",
        "Routes: pipeline",
        "Routes: rail",
        "Routes: shipping",
        "Border crossings",
        "Places",
    ):
        assert json.dumps(name) in hand_html, name
    assert "L.control.layers" in hand_html
    assert "L.control.scale" in hand_html
    assert "L.Control.Measure" in hand_html
    assert "fitBounds" in hand_html
    assert 'class="georoutes-legend leaflet-control"' in hand_html
    assert hand_html.count('"className": "georoutes-crossing"') == 4


def test_pieces_and_places_layers(hand_map, hand_scenario):
    layers = {c.layer_name: c for c in children(hand_map) if isinstance(c, folium.GeoJson)}
    pieces = layers["Route pieces by state"].data["features"]
    assert len(pieces) == len(hand_scenario.transits)  # 3 + 2 + 2 + 1 pieces
    colours = {f["properties"]["colour"] for f in pieces}
    assert len(colours) == 5  # RUS, PRK, KOR, CHN, USA
    assert "PRK: 700.5 km (km 120.2 to 820.8)" in pieces[1]["properties"]["tooltip"]
    places = layers["Places"].data["features"]
    assert [f["properties"]["tooltip"] for f in places][:2] == ["Vladivostok", "Khasan"]
    assert "<td>border post</td>" in places[1]["properties"]["popup"]
    assert not layers["Places"].show
    assert not layers["Route pieces by state"].show


def test_popups_and_tooltips_carry_the_figures(hand_html, hand_scenario):
    a = hand_scenario.analysis
    pipe = a.loc["pipe"]
    assert f"{FMT(pipe['length_km'])} km" in hand_html  # tooltip and popup
    for code, km in pipe["km_by_state"].items():
        assert f"<td>{code}</td><td>{FMT(km)}</td>" in hand_html
    assert "RUS → PRK → KOR" in hand_html
    assert "within 50 km</th><td>40.5 km" in hand_html  # exposure of the pipeline to CHN
    # crossing popups: "RUS → PRK", km along the route, via
    assert '<span class="georoutes-crossing-states">RUS → PRK</span>' in hand_html
    assert f"km {FMT(120.25)} along the route, via land" in hand_html
    assert "Russia → Dem. Rep. Korea" in hand_html  # names from the boundary layer
    assert "RUS → USA" in hand_html
    assert "via sea" in hand_html


def test_hostile_names_are_text_everywhere(hand_html, hand_scenario):
    for text in hand_scenario.hostile:
        assert text not in hand_html
        as_json = js_text(text).replace("&", "\\u0026")  # in GeoJSON properties (tojson)
        assert js_text(text) in hand_html or as_json in hand_html, text
    assert re.search(r"<img\b", hand_html) is None
    assert re.search(r"<svg onload", hand_html) is None
    assert "`${alert" not in hand_html
    assert "\\x3cimg" not in hand_html
    # folium/branca re-parse rendered elements as jinja2 templates: braces must not survive
    assert "{{ 7*7 }}" not in hand_html
    assert "49" not in hand_html.split("alert(4)")[1][:80]
    assert "{{ 6*6 }}" not in hand_html
    assert "&#123;&#123; 6*6 &#125;&#125;" in hand_html
    # a place's kind with jinja2 syntax stays text
    assert "canary-evaluated" not in hand_html
    assert "CANARY42" not in hand_html
    # every <script> block is closed by its own </script>: no name closed one early
    assert hand_html.count("<script") == hand_html.count("</script>")
    # layer names reach Leaflet's control (which uses innerHTML) escaped
    legend = hand_html.split('class="georoutes-legend leaflet-control">')[1][:3000]
    assert "&lt;b&gt;bold kind&lt;/b&gt; &#123;&#123; 6*6 &#125;&#125;</div>" in legend
    assert "</b> 36" not in legend
    name = "Routes: &lt;b&gt;bold kind&lt;/b&gt; &#123;&#123; 6*6 &#125;&#125;"
    assert json.dumps(name).replace("&", "\\u0026") in hand_html  # jinja2's tojson


def test_antimeridian_route_is_one_continuous_line(hand_map, hand_scenario):
    i = list(hand_scenario.analysis.index).index("ship")
    line = polylines(hand_map, "georoutes-route")[i]
    lons = [lon for part in line.locations for _lat, lon in part]
    assert min(lons) > 150.0
    assert max(lons) < 215.0
    steps = [abs(b - a) for a, b in zip(lons, lons[1:], strict=False)]
    assert max(steps) < 5.0
    assert len(lons) > 4  # densified along the geodesics for display


def test_boundaries_are_clipped_to_the_view_and_simplified(hand_map, boundaries):
    layer = next(
        c
        for c in children(hand_map)
        if isinstance(c, folium.GeoJson) and c.layer_name == "Countries"
    )
    features = layer.data["features"]
    assert 10 < len(features) < len(boundaries)
    codes = {f["properties"]["code"] for f in features}
    assert {"CHN", "PRK", "KOR", "RUS", "JPN", "USA"} <= codes
    assert "FRA" not in codes
    assert "BRA" not in codes
    n_coords = sum(len(json.dumps(f["geometry"])) for f in features)
    assert n_coords < 1_500_000


def test_focus_band_surrounds_the_focus_state(hand_map):
    def layer(name):
        return next(
            c for c in children(hand_map) if isinstance(c, folium.GeoJson) and c.layer_name == name
        )

    import shapely

    focus = shapely.geometry.shape(layer("Focus: CHN (China)").data["features"][0]["geometry"])
    band = shapely.geometry.shape(layer("CHN: within 50 km").data["features"][0]["geometry"])
    assert band.area > focus.area
    assert band.buffer(0.05).contains(focus)


def test_folium_template_injection_is_neutralised(hand_scenario, boundaries):
    # branca renders every element's output again as a jinja2 template (folium 0.20): a name
    # such as this one would run Python while the map is being written, were it passed as is.
    # The marker is built by the expression, so it appears in the page only if it was evaluated.
    sc = hand_scenario
    analysis = sc.analysis.copy()
    analysis.loc["rail", "name"] = "{{ 'zq' ~ 'INJECTED' ~ 'qz' }}"
    html = map_html(route_map(analysis, sc.routes, boundaries=boundaries, tiles=None, bands_km=()))
    assert "zqINJECTEDqz" not in html
    assert (
        "&#123;&#123; &#39;zq&#39; ~ &#39;INJECTED&#39; ~ &#39;qz&#39; &#125;&#125;" in html
        or "&#123;&#123; 'zq' ~ 'INJECTED' ~ 'qz' &#125;&#125;" in html
    )
    with pytest.raises(GeorouteError, match="single braces"):
        route_map(sc.analysis, sc.routes, boundaries=boundaries, tiles="https://x/{{ 1 }}/{z}")


def test_tiles(hand_scenario, boundaries):
    sc = hand_scenario
    html = map_html(route_map(sc.analysis, sc.routes, boundaries=boundaries, bands_km=()))
    assert "basemaps.cartocdn.com/light_all" in html
    assert "insert your API key" not in html
    assert "CARTO" in html  # attribution
    osm = map_html(
        route_map(sc.analysis, sc.routes, boundaries=boundaries, bands_km=(), tiles="OpenStreetMap")
    )
    assert "tile.openstreetmap.org" in osm
    with pytest.raises(GeorouteError, match="unknown tiles 'no-such-tiles'"):
        route_map(sc.analysis, sc.routes, boundaries=boundaries, tiles="no-such-tiles")


def test_no_tiles_draws_land_and_sea(hand_html):
    assert "basemaps" not in hand_html
    assert "tile.openstreetmap" not in hand_html
    assert ".leaflet-container { background: #dfe9f2; }" in hand_html
    assert '"fillOpacity": 1.0' in hand_html  # countries filled: the map reads with no tiles


def test_focus_must_be_in_the_boundary_layer(hand_scenario, boundaries):
    sc = hand_scenario
    with pytest.raises(UnknownStateError, match=r"'CHX'.*did you mean CHN"):
        route_map(sc.analysis, sc.routes, boundaries=boundaries, focus=["CHX"])


def test_route_missing_from_routes_layer_is_an_error(hand_scenario, boundaries):
    sc = hand_scenario
    with pytest.raises(GeorouteError, match=r"'pipe'.*not in the routes layer"):
        route_map(sc.analysis, sc.routes[sc.routes["id"] != "pipe"], boundaries=boundaries)


def test_page_assets_are_pinned_and_on_npm(hand_html):
    from _assets import ASSETS, page_urls

    urls = page_urls(hand_html)
    assert urls, "folium links its scripts and stylesheets"
    for url in urls:
        assert any(url == a.prefix or url.startswith(a.prefix) for a in ASSETS), url
    assert "glyphicons" not in hand_html
    assert "awesome.rotate" not in hand_html


# ------------------------------------------------------------------- the analysis' own layer


def _attribution(html: str) -> str:
    found = re.search(r'attributionControl\.addAttribution\(("(?:[^"\\]|\\.)*")\)', html)
    assert found, "the map adds its boundary layer's attribution"
    return json.loads(found.group(1))


@pytest.fixture(scope="module")
def tkr_routes():
    return route_frame()


def test_map_draws_the_layer_the_analysis_used(tkr_routes):
    from georoutes.render._scene import _analysis_layer

    ne = georoutes.load_boundaries("ne")
    analysis = georoutes.analyze(tkr_routes, boundaries="ne", focus=["CHN"], bands_km=[50])
    assert _analysis_layer(analysis) is ne
    html = map_html(route_map(analysis, tkr_routes, tiles=None))
    attribution = _attribution(html)
    assert "Natural Earth" in attribution
    assert "OpenStreetMap" not in attribution
    assert "OpenStreetMap" not in html  # no OSM tiles, no OSM borders
    # the same map as with the layer given explicitly
    explicit = map_html(route_map(analysis, tkr_routes, tiles=None, boundaries=ne))
    assert _attribution(explicit) == attribution
    assert re.sub(r"_[0-9a-f]{32}", "", explicit) == re.sub(r"_[0-9a-f]{32}", "", html)


def test_map_of_the_default_layer_credits_openstreetmap(tkr_routes):
    analysis = georoutes.analyze(tkr_routes, focus=["CHN"], bands_km=[50])
    if analysis.attrs["boundaries"].get("key") != "composite":
        pytest.skip("the composite (OSM) layer is not the default here")
    assert "OpenStreetMap" in _attribution(map_html(route_map(analysis, tkr_routes, tiles=None)))


def test_another_layer_than_the_analysis_used_is_an_error(tkr_routes):
    analysis = georoutes.analyze(tkr_routes, boundaries="ne", focus=["CHN"], bands_km=[50])
    other = georoutes.load_boundaries("osm-neasia")
    with pytest.raises(GeorouteError, match=r"measured on layer 'ne'.*'osm-neasia'"):
        route_map(analysis, tkr_routes, boundaries=other)


def test_focus_and_bands_come_from_the_analysis(tkr_routes):
    analysis = georoutes.analyze(tkr_routes, boundaries="ne", focus=["PRK"], bands_km=[10, 100])
    html = map_html(route_map(analysis, tkr_routes, tiles=None))
    for name in ("Focus: PRK", "PRK: within 10 km", "PRK: within 100 km"):
        assert name in html, name
    assert "CHN: within" not in html


def test_options_object_and_keywords_draw_the_same_map(hand_scenario, boundaries):
    sc = hand_scenario
    options = RenderOptions(
        transits=sc.transits, crossings=sc.crossings, boundaries=boundaries, places=sc.places
    )
    by_options = map_html(route_map(sc.analysis, sc.routes, options, tiles=None))
    by_keywords = map_html(
        route_map(
            sc.analysis,
            sc.routes,
            tiles=None,
            transits=sc.transits,
            crossings=sc.crossings,
            boundaries=boundaries,
            places=sc.places,
        )
    )

    def strip(html):
        return re.sub(r"_[0-9a-f]{32}", "", html)

    assert strip(by_options) == strip(by_keywords)
    # keywords win over the options object
    no_bands = map_html(route_map(sc.analysis, sc.routes, options, tiles=None, bands_km=()))
    assert "CHN: within 50 km" in by_options
    assert "CHN: within 50 km" not in no_bands
    with pytest.raises(TypeError, match="unexpected keyword 'transit'"):
        route_map(sc.analysis, sc.routes, transit=sc.transits)


def test_state_colours_are_the_same_in_every_map(hand_scenario, boundaries):
    from georoutes.render import state_colour, state_colours

    sc = hand_scenario
    colours = state_colours(sc.analysis)
    assert colours["CHN"] == state_colour("CHN") == "#d62728"
    only_rail = sc.analysis.loc[["rail"]]  # CHN is now the longest state: same colour
    assert state_colours(only_rail)["CHN"] == colours["CHN"]
    assert state_colour("ZZZ") == state_colour("ZZZ")


# ------------------------------------------------------------------------- the map command


@pytest.fixture(scope="module")
def routes_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("routes") / "routes.geojson"
    path.write_text(json.dumps(ROUTES_GEOJSON), encoding="utf-8")
    return path


def test_map_command_writes_map_and_png(routes_file, tmp_path):
    out, png = tmp_path / "m" / "routes.html", tmp_path / "routes.png"
    result = run_cli(
        "map",
        str(routes_file),
        "--focus",
        "CHN",
        "--bands",
        "50",
        "--out",
        str(out),
        "--tiles",
        "none",
        "--png",
        str(png),
    )
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert html.count('"className": "georoutes-route georoutes-route-') == 2
    assert "Trans-Korean &lt;Railway&gt;" in html
    assert "basemaps" not in html
    assert png.read_bytes()[:4] == b"\x89PNG"
    # the map shows the analysis' figures
    analysis = georoutes.analyze(str(routes_file), focus=["CHN"], bands_km=[50])
    assert f"{FMT(analysis.loc['tkr', 'length_km'])} km" in html
    assert analysis.loc["bering", "states"] == ["RUS", "USA"]
    assert "RUS → USA" in html


def test_map_command_draws_a_repeated_line_once(tmp_path):
    import copy

    data = copy.deepcopy(ROUTES_GEOJSON)
    twin = copy.deepcopy(data["features"][0])
    twin["properties"]["id"] = "tkr-again"
    data["features"].append(twin)
    path = tmp_path / "twice.geojson"
    path.write_text(json.dumps(data), encoding="utf-8")
    out = tmp_path / "routes.html"
    result = run_cli("map", str(path), "--bands", "50", "--out", str(out), "--tiles", "none")
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert html.count('"className": "georoutes-route georoutes-route-') == 2  # not 3


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--focus", "XXX"], "error: focus: unknown state code 'XXX'"),
        (["--bands", "ten"], "error: --bands: 'ten' is not a number of km"),
        (["--tiles", "no-such-tiles"], "error: unknown tiles 'no-such-tiles'"),
    ],
)
@pytest.mark.parametrize("command", ["map", "report"])
def test_command_errors_exit_2_with_one_line_and_no_file(
    routes_file, tmp_path, command, args, message
):
    out = tmp_path / "out.html"
    out.write_text("previous", encoding="utf-8")
    result = run_cli(command, str(routes_file), *args, "--out", str(out))
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith(message), result.output
    assert out.read_text(encoding="utf-8") == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["out.html"]  # no temporary file left


def test_command_error_on_a_missing_routes_file(tmp_path):
    result = run_cli("map", str(tmp_path / "nope.geojson"), "--out", str(tmp_path / "m.html"))
    assert result.exit_code == 2
    assert result.output.startswith("error: ")
    assert "nope.geojson" in result.output
    assert not (tmp_path / "m.html").exists()


def test_focus_borders_are_drawn_at_the_opening_views_precision(boundaries):
    import shapely

    from georoutes.render._scene import build_scene, focus_tolerance_deg

    korea = [(124.0, 39.0, 126.0, 41.0), (129.0, 42.0, 131.0, 43.0), (126.0, 37.0, 128.0, 39.0)]
    routes = _routes_of(["rail"] * 4, [*korea, (129.0, 35.0, 4.0, 52.0)])  # + Busan - Rotterdam
    analysis = georoutes.analyze(routes, boundaries="ne", focus=["CHN"], bands_km=[10])
    scene = build_scene(analysis, routes, RenderOptions())
    assert focus_tolerance_deg(scene.view) < scene.window.tolerance_deg / 5
    (china,) = [g for code, g in scene.boundaries if code == "CHN"]
    ((_, _, focus),) = scene.focus
    # the same state, drawn finer where the figures are sensitive (the Yalu, the Tumen)
    assert shapely.get_num_coordinates(focus) > 3 * shapely.get_num_coordinates(china)
    assert shapely.area(shapely.symmetric_difference(focus, china)) < 0.01 * shapely.area(china)
