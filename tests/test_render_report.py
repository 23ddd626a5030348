"""Content tests of the HTML report (georoutes.render.report) and the ``report`` command.

The rendering tests use the hand-made scenario of conftest.py (known figures, hostile names);
the command tests run the real pipeline on a small GeoJSON file.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from _render import FMT, ROUTES_GEOJSON, route_frame, run_cli
from markupsafe import Markup

import georoutes
from georoutes.render import Source, build_report, map_html, route_map


@pytest.fixture(scope="module")
def hand_html(hand_scenario, boundaries):
    sc = hand_scenario
    return map_html(
        route_map(
            sc.analysis,
            sc.routes,
            transits=sc.transits,
            crossings=sc.crossings,
            boundaries=boundaries,
            places=sc.places,
            tiles=None,
        )
    )


@pytest.fixture(scope="module")
def hand_report(hand_scenario, boundaries):
    sc = hand_scenario
    return build_report(
        sc.analysis,
        sc.routes,
        transits=sc.transits,
        crossings=sc.crossings,
        boundaries=boundaries,
        places=sc.places,
        tiles=None,
        sources=[
            Source("Natural Earth", "https://www.naturalearthdata.com/"),
            Source("evil link", "javascript:alert(6)"),
        ],
        extra_sections=[
            ("Economics", Markup("<table class='econ'><tr><td>1</td></tr></table>")),
            ("Plain text", "<b>not bold</b>"),
        ],
    )


def test_report_table_rows_and_columns(hand_report, hand_scenario):
    table = hand_report.split('id="comparison-table"')[1].split("</table>")[0]
    assert table.count("<tr data-route-id=") == len(hand_scenario.analysis)
    for label in (
        "length km",
        "km RUS",
        "km PRK",
        "offshore km",
        "CHN inside km",
        "CHN ≤50 km",
        "CHN nearest km",
        "crossings",
    ):
        assert f">{label}</th>" in table, label
    pipe = hand_scenario.analysis.loc["pipe"]
    assert f'data-sort="{float(pipe["length_km"])!r}">{FMT(pipe["length_km"])}</td>' in table


def test_report_chart_bars_are_proportional(hand_report, hand_scenario):
    svg = hand_report.split('<svg xmlns="http://www.w3.org/2000/svg" class="georoutes-chart"')[1]
    svg = svg.split("</svg>")[0]
    bars = svg.split('<g class="bar"')[1:]
    assert len(bars) == len(hand_scenario.analysis)
    widths = {}
    for bar in bars:
        rid = re.search(r'data-route-id="([^"]+)"', bar).group(1)
        found = re.findall(r'<rect x="[^"]+" y="[^"]+" width="([^"]+)"', bar)
        widths[rid] = sum(float(w) for w in found)
    a = hand_scenario.analysis
    ratio = widths["ship"] / widths["pipe"]
    assert ratio == pytest.approx(a.loc["ship", "length_km"] / a.loc["pipe", "length_km"], rel=1e-3)
    assert "PRK: 700.5 km" in svg


def test_report_crossings_method_sources_and_hooks(hand_report, hand_scenario):
    crossings = hand_report.split('id="crossings-table"')[1].split("</table>")[0]
    assert crossings.count("<tr><td") == sum(len(c) for c in hand_scenario.analysis["crossings"])
    method = hand_report.split('id="method"')[1]
    assert "Natural Earth admin-0 (test), version 5.1.1" in method
    assert "(50 km)" in method
    assert "WGS84" in method
    assert '<a href="https://www.naturalearthdata.com/"' in method
    assert 'href="javascript:' not in hand_report
    assert "<li>evil link</li>" in method
    assert "<table class='econ'>" in hand_report  # Markup kept as markup
    assert "&lt;b&gt;not bold&lt;/b&gt;" in hand_report  # plain str escaped


def test_report_hostile_names_and_no_remote_scripts(hand_report, hand_scenario):
    outside_map = re.sub(r'srcdoc="[^"]*"', 'srcdoc=""', hand_report)
    for text in hand_scenario.hostile:
        if "<" in text:
            assert text not in hand_report
    for text in hand_scenario.analysis["name"]:  # route names: in the table and the chart
        assert f">{Markup.escape(text)}<" in outside_map  # shown as text, exactly
    assert outside_map.count(f">{Markup.escape(hand_scenario.hostile[0])}<") >= 3  # table, chart
    assert "{{ 7*7 }}</td>" in outside_map  # rendered once by jinja2: braces are just text
    assert re.search(r"<img\b", outside_map) is None
    assert re.search(r"<script\b[^>]*\bsrc=", outside_map) is None  # only the inline sorter
    assert outside_map.count("<script") == 1
    assert "canary-evaluated" not in hand_report
    assert "CANARY42" not in hand_report


def test_report_embeds_the_whole_map(hand_report, hand_html):
    import html as html_lib

    srcdoc = html_lib.unescape(re.search(r'srcdoc="([^"]*)"', hand_report).group(1))
    assert srcdoc.count("georoutes-route georoutes-route-") == hand_html.count(
        "georoutes-route georoutes-route-"
    )
    assert len(hand_report.encode()) < 5_000_000


def test_report_names_the_layer_the_analysis_used():
    routes = route_frame()
    analysis = georoutes.analyze(routes, boundaries="ne", focus=["CHN"], bands_km=[50])
    html = build_report(analysis, routes, tiles=None)
    method = html.split('id="method"')[1]
    assert "Natural Earth 1:10m Admin 0 - Countries, version 5.1.1" in method
    assert "Natural Earth" in html.split("addAttribution")[-1][:300]


# ------------------------------------------------------------------------- the report command


@pytest.fixture(scope="module")
def routes_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("routes") / "routes.geojson"
    path.write_text(json.dumps(ROUTES_GEOJSON), encoding="utf-8")
    return path


def test_report_command(routes_file, tmp_path):
    out = tmp_path / "report.html"
    result = run_cli(
        "report",
        str(routes_file),
        "--focus",
        "CHN",
        "--focus",
        "PRK",
        "--bands",
        "10,50",
        "--out",
        str(out),
    )
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    for label in ("CHN ≤10 km", "CHN ≤50 km", "PRK inside km", "PRK nearest km"):
        assert f">{label}</th>" in html
    assert html.count("<tr data-route-id=") == 2
    assert out.stat().st_mode & 0o044  # readable by others like any file the user writes


@pytest.mark.slow
def test_builtin_catalog_report_is_under_5_mb(tmp_path):
    from georoutes._data import layers_dir

    if not list((layers_dir() / "routes").glob("*.geojson")):
        pytest.skip("no built-in routes in layers/routes/ yet")
    out = tmp_path / "report.html"
    result = run_cli("report", "--out", str(out))
    assert result.exit_code == 0, result.output
    size = out.stat().st_size
    assert 100_000 < size < 5_000_000, size
    assert Path(out).read_text(encoding="utf-8").count("<tr data-route-id=") >= 1
