"""Content tests of the HTML report (georoutes.render.report) and the ``report`` command.

The rendering tests use the hand-made scenario of conftest.py (known figures, hostile names);
the command tests run the real pipeline on a small GeoJSON file.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
import shapely
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


def _panels(html: str) -> dict[str, tuple[float, dict[str, float]]]:
    """Return per chart panel its px per km and each bar's total width (px) by route id."""
    svg = html.split('<svg xmlns="http://www.w3.org/2000/svg" class="georoutes-chart"')[1]
    svg = svg.split("</svg>")[0].split('<g class="legend-item"')[0]
    out = {}
    for panel in svg.split('<g class="panel"')[1:]:
        key = re.search(r'data-family="([^"]+)"', panel).group(1)
        scale = float(re.search(r'data-px-per-km="([^"]+)"', panel).group(1))
        widths = {}
        for bar in panel.split('<g class="bar"')[1:]:
            rid = re.search(r'data-route-id="([^"]+)"', bar).group(1)
            found = re.findall(r'<rect x="[^"]+" y="[^"]+" width="([^"]+)"', bar)
            widths[rid] = sum(float(w) for w in found)
        out[key] = (scale, widths)
    return out


def test_report_chart_is_one_panel_per_family_each_to_scale(hand_report, hand_scenario):
    a = hand_scenario.analysis
    panels = _panels(hand_report)
    assert set(panels) == {f"kind:{Markup.escape(k)}" for k in a["kind"]}
    assert sum(len(w) for _, w in panels.values()) == len(a)
    for scale, widths in panels.values():
        drawn = {
            rid: sum(a.loc[rid, "km_by_state"].values()) + a.loc[rid, "offshore_km"]
            for rid in widths
        }
        for rid, width in widths.items():
            # a bar is the route's km (by state, then offshore) at its panel's scale
            assert width == pytest.approx(drawn[rid] * scale, abs=0.05)
        assert max(a.loc[rid, "length_km"] for rid in widths) * scale > 300  # fills the axis
    svg = hand_report.split('class="georoutes-chart"')[1].split("</svg>")[0]
    assert "PRK: 700.5 km" in svg


def test_report_chart_labels_are_whole_and_height_bounded(hand_scenario, boundaries):
    sc = hand_scenario
    long_name = "A route with a name of well over thirty characters, " + "x" * 40  # 93
    analysis = sc.analysis.copy()
    analysis.loc["pipe", "name"] = long_name.strip()
    html = build_report(analysis, sc.routes, boundaries=boundaries, tiles=None)
    svg = html.split('class="georoutes-chart"')[1].split("</svg>")[0]
    assert f"<title>{long_name.strip()}</title>{long_name.strip()}</text>" in svg
    height = float(re.search(r'height="([\d.]+)"', svg).group(1))
    assert height < 900


def test_chart_draws_at_most_max_bars_for_a_big_batch():
    from georoutes.render._answer import Family
    from georoutes.render._chart import MAX_BARS, chart

    n = 300
    ids = [f"r{i}" for i in range(n)]
    analysis = pd.DataFrame(
        {
            "name": [f"route {i}" for i in range(n)],
            "kind": ["rail" if i % 3 else "pipeline" for i in range(n)],
            "length_km": [100.0 + i for i in range(n)],
            "states": [["RUS"]] * n,
            "km_by_state": [{"RUS": 100.0 + i} for i in range(n)],
            "offshore_km": [0.0] * n,
        },
        index=pd.Index(ids, name="id"),
    )
    families = [
        Family("kind:pipeline", "Pipeline", [i for i in ids if int(i[1:]) % 3 == 0]),
        Family("kind:rail", "Rail", [i for i in ids if int(i[1:]) % 3]),
    ]
    svg = str(chart(analysis, families, {"RUS": "#1f77b4"}, {"RUS": "Russia"}))
    assert svg.count('<g class="bar"') <= MAX_BARS
    assert svg.count('<g class="panel"') == 2
    assert "of 100 routes shown" in svg
    assert "of 200 routes shown" in svg
    assert float(re.search(r'height="([\d.]+)"', svg).group(1)) < 900


def _answer(html: str) -> str:
    return html.split('id="answer-table"')[1].split("</table>")[0]


def test_answer_table_comes_first_one_row_per_route(hand_report, hand_scenario):
    a = hand_scenario.analysis
    assert hand_report.index('id="answer-table"') < hand_report.index('class="georoutes-chart"')
    assert hand_report.index('class="georoutes-chart"') < hand_report.index("<iframe")
    table = _answer(hand_report)
    assert table.count("<tr data-route-id=") == len(a)
    assert table.count('<tr class="family">') == a["kind"].nunique()
    for label in (">inside</th>", ">≤ 50 km</th>", ">nearest</th>", ">length, km</th>"):
        assert label in table, label
    assert "China (CHN), km</th>" in table  # the unit is in the heading
    pipe = a.loc["pipe"]["exposure"]["CHN"]
    row = table.split('<tr data-route-id="pipe">')[1].split("</tr>")[0]
    cells = re.findall(r'<td class="num[^"]*" data-sort="([^"]*)">([^<]*)</td>', row)
    expected = [
        a.loc["pipe", "length_km"],
        pipe["inside_km"],
        *[pipe["within_km"][b] for b in sorted(pipe["within_km"], key=float)],
        pipe["min_distance_km"],
    ]
    assert [float(sort) for sort, _ in cells] == pytest.approx(expected)
    assert [text for _, text in cells] == [FMT(v) for v in expected]


def test_answer_rows_run_least_exposed_first(boundaries):
    routes = route_frame(1)
    far = routes.copy()
    far["id"] = ["far"]
    far["name"] = ["Far away"]
    far.geometry = [shapely.LineString([(140.0, 40.0), (141.0, 41.0)])]
    near = routes.copy()
    near["id"] = ["near"]
    near["name"] = ["Through China"]
    near.geometry = [shapely.LineString([(124.0, 41.0), (126.0, 42.0)])]
    both = georoutes.read_routes(pd.concat([near, far], ignore_index=True))
    analysis = georoutes.analyze(both, boundaries="ne", focus=["CHN"], bands_km=[50])
    html = build_report(analysis, both, tiles=None)
    order = re.findall(r'<tr data-route-id="([^"]+)">', _answer(html))
    assert order == ["far", "near"]
    assert analysis.loc["near", "exposure"]["CHN"]["inside_km"] > 0


def test_report_shows_a_repeated_line_once(hand_scenario, boundaries):
    sc = hand_scenario
    twin = sc.routes[sc.routes["id"] == "pipe"].copy()
    twin["id"] = ["pipe-again"]
    routes = pd.concat([sc.routes, twin], ignore_index=True)
    extra = sc.analysis.loc[["pipe"]].copy()
    extra.index = pd.Index(["pipe-again"], name=sc.analysis.index.name)
    analysis = pd.concat([sc.analysis, extra])
    analysis.attrs = sc.analysis.attrs
    html = build_report(analysis, routes, boundaries=boundaries, tiles=None)
    table = _answer(html)
    assert table.count("<tr data-route-id=") == len(sc.analysis)
    assert "(= pipe-again)" in table
    details = html.split('id="comparison-table"')[1].split("</table>")[0]
    assert details.count("<tr data-route-id=") == len(sc.analysis)
    assert "pipe = pipe-again" in details
    assert f"1 of the {len(sc.analysis) + 1} listed repeat another" in html


def test_corridors_to_different_places_are_not_ranked_together():
    from georoutes.render.report import _scenario_section

    table = pd.DataFrame(
        {"name": ["A", "B", "C"], "length_km": [9000.0, 8000.0, 20000.0]},
        index=pd.Index(["c-rail-1", "c-rail-2", "c-sea"], name="id"),
    )
    table.attrs["answers"] = ["Shortest: c-rail-2 (8,000 km, of which 0 at sea)."]
    analysis = pd.DataFrame(
        {"destination": ["moscow-x", "moscow-x", "rotterdam-x"]}, index=table.index.copy()
    )
    html = str(_scenario_section(table, analysis))
    assert "Shortest: c-rail-2" not in html
    assert "Shortest to moscow-x: c-rail-2 (8,000 km)." in html
    assert "Shortest to rotterdam-x: c-sea (20,000 km)." in html
    assert "end in different places" in html
    assert '<td class="num" data-sort="9000.0">9,000.0</td>' in html
    assert ">length km</th>" in html


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
    assert html.count("<tr data-route-id=") == 2 * 2  # the answer table and every figure
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


def test_answer_names_a_few_transit_states_and_counts_the_rest():
    from georoutes.render._answer import TRANSIT_SHOWN, Family, answer_rows

    states = ["CHN", "TWN", "IDN", "SGP", "IDN", "MYS", "LKA", "EGY", "ITA", "ESP", "FRA"]
    analysis = pd.DataFrame(
        {"name": ["lane"], "length_km": [20000.0], "transit_states": [states], "exposure": [{}]},
        index=pd.Index(["lane"], name="id"),
    )
    (row,) = answer_rows(analysis, Family("kind:sea", "Sea", ["lane"]), [], {})
    distinct = list(dict.fromkeys(states))
    more = len(distinct) - TRANSIT_SHOWN
    assert row["transit"] == ", ".join(distinct[:TRANSIT_SHOWN]) + f" +{more}"
    assert row["transit_all"] == ", ".join(states)


def test_many_states_fold_into_one_km_by_state_cell(hand_scenario, boundaries):
    from georoutes.render.report import MAX_STATE_COLUMNS

    sc = hand_scenario
    analysis = sc.analysis.copy()
    codes = [f"X{i:02d}" for i in range(MAX_STATE_COLUMNS + 1)]
    analysis.at["ship", "km_by_state"] = {code: 10.0 + i for i, code in enumerate(codes)}
    analysis.at["ship", "states"] = codes
    html = build_report(analysis, sc.routes, boundaries=boundaries, tiles=None)
    details = html.split('id="comparison-table"')[1].split("</table>")[0]
    assert ">km by state</th>" in details
    assert ">km X00</th>" not in details
    assert "X00 10.0 · X01 11.0 · X02 12.0" in details
    few = build_report(sc.analysis, sc.routes, boundaries=boundaries, tiles=None)
    assert ">km by state</th>" not in few
