"""Helpers of the render tests (tests/test_render_*.py): folium tree walks, a routes file."""

from __future__ import annotations

import re

import folium
from click.testing import CliRunner
from markupsafe import Markup

FMT = "{:,.1f}".format


def js_text(text: str) -> str:
    """What a user's string looks like in the page: HTML-escaped, JS-literal characters too."""
    table = {"\\": "&#92;", "`": "&#96;", "$": "&#36;", "{": "&#123;", "}": "&#125;"}
    return str(Markup.escape(text)).translate(str.maketrans(table))


def children(element):
    for child in element._children.values():
        yield child
        yield from children(child)


def polylines(m: folium.Map, cls: str) -> dict[int, folium.PolyLine]:
    out = {}
    for child in children(m):
        if isinstance(child, folium.PolyLine) and cls in (child.options.get("className") or ""):
            found = re.search(rf"{cls}-(\d+)", child.options["className"])
            out[int(found.group(1)) if found else len(out)] = child
    return out


ROUTES_GEOJSON = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {
                "id": "tkr",
                "name": "Trans-Korean <Railway>",
                "kind": "rail",
                "status": "proposed",
            },
            "geometry": {
                "type": "LineString",
                "coordinates": [
                    [129.04, 35.12],
                    [126.98, 37.56],
                    [126.55, 37.97],
                    [125.75, 39.03],
                    [129.80, 42.95],
                    [130.70, 42.30],
                    [131.90, 43.10],
                ],
            },
        },
        {
            "type": "Feature",
            "properties": {
                "id": "bering",
                "name": "Anadyr–Kotzebue",
                "kind": "shipping",
                "status": "operating",
            },
            "geometry": {
                "type": "LineString",
                "coordinates": [[177.5, 64.73], [-175.0, 65.2], [-168.5, 65.7], [-162.6, 66.9]],
            },
        },
    ],
}


def run_cli(*args: str):
    """Run the ``georoutes`` command group with ``args``; return click's result."""
    from georoutes.cli import cli

    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def route_frame(n: int = 1):
    """Return the first ``n`` routes of :data:`ROUTES_GEOJSON`, read by georoutes.read_routes."""
    import geopandas as gpd

    import georoutes

    frame = gpd.GeoDataFrame.from_features(ROUTES_GEOJSON["features"][:n], crs="EPSG:4326")
    return georoutes.read_routes(frame)
