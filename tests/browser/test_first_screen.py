"""The built-in catalog's report at 1400×900, network cut: the answer is on the first screen.

Issue 15's "done when": at 1400×900 the first screen shows the focus-exposure answer for every
catalog route without scrolling sideways; the chart fits one screen; no duplicate route rows;
the map shows every route with no console error. Skipped where chromium or playwright is
missing. Screenshots go to ``tests/.assets/screenshots/`` (catalog-first-screen.png, ...).
"""

from __future__ import annotations

from pathlib import Path

import pytest

import georoutes
from georoutes.compare import duplicates

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
SCREENSHOTS = Path(__file__).resolve().parents[1] / ".assets" / "screenshots"
WIDTH, HEIGHT = 1400, 900


@pytest.fixture(scope="module")
def catalog_report(tmp_path_factory):
    if not CHROMIUM.exists():
        pytest.skip(f"chromium is not installed at {CHROMIUM}")
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    from click.testing import CliRunner

    from georoutes.cli import cli

    out = tmp_path_factory.mktemp("catalog") / "report.html"
    # no basemap: tiles are optional, the vector countries carry the map with the network cut
    args = ["report", "--tiles", "none", "--out", str(out)]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def page(catalog_report):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS)
        page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
        page.georoutes_errors = []
        page.georoutes_requests = []
        page.on(
            "console", lambda m: page.georoutes_errors.append(m.text) if m.type == "error" else None
        )
        page.on("pageerror", lambda e: page.georoutes_errors.append(f"uncaught: {e}"))

        def cut(route):
            url = route.request.url
            if url == catalog_report.as_uri() or url.startswith(("data:", "about:", "blob:")):
                return route.continue_()
            page.georoutes_requests.append(url)
            return route.abort()

        page.route("**/*", cut)
        page.goto(catalog_report.as_uri())
        frame = page.frame_locator("iframe.georoutes-map")
        frame.locator("path.georoutes-route").first.wait_for(state="attached", timeout=20_000)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "catalog-first-screen.png"))
        yield page
        browser.close()


def _distinct_catalog_ids() -> list[str]:
    routes = georoutes.builtin_routes()
    repeated = duplicates(routes)
    return [str(i) for i in routes["id"] if str(i) not in repeated]


def test_first_screen_answers_for_every_catalog_route(page):
    expected = _distinct_catalog_ids()
    box = page.locator("#answer-table").bounding_box()
    print(f"answer table at {WIDTH}x{HEIGHT}: {box['width']:.0f} x {box['height']:.0f} px")
    assert page.evaluate("document.scrollingElement.scrollWidth") <= WIDTH  # no sideways scroll
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= WIDTH
    assert box["y"] + box["height"] <= HEIGHT  # the whole table on the first screen
    rows = page.locator("#answer-table tr[data-route-id]")
    ids = [r.get_attribute("data-route-id") for r in rows.all()]
    assert sorted(ids) == sorted(expected)  # every catalog route, each physical route once
    assert len(set(ids)) == len(ids)
    names = rows.locator("td.name").all_inner_texts()
    assert len({n.split(" (= ")[0] for n in names}) == len(names)  # no two rows named alike
    for row in rows.all():
        cells = row.locator("td").all()
        b = row.bounding_box()
        assert b["y"] + b["height"] <= HEIGHT
        numbers = [c.inner_text() for c in cells[1:-1]]
        assert all(text.replace(",", "").replace(".", "").isdigit() for text in numbers), numbers
        align = [c.evaluate("c => getComputedStyle(c).textAlign") for c in cells[1:-1]]
        assert set(align) == {"right"}
    heads = page.locator("#answer-table thead").inner_text()
    for label in ("China (CHN), km", "inside", "≤ 10 km", "≤ 50 km", "≤ 100 km", "nearest"):
        assert label in heads


def test_corridors_are_compared_only_between_the_same_places(page):
    families = page.locator("#answer-table tr.family").all_inner_texts()
    corridor_families = [f for f in families if "→" in f]
    assert len(corridor_families) >= 2  # Busan → Moscow and Busan → Kars are apart
    assert any("Busan → Kars" in f for f in corridor_families)


def test_chart_fits_one_screen(page):
    chart = page.locator("svg.georoutes-chart")
    box = chart.bounding_box()
    print(f"chart: {box['width']:.0f} x {box['height']:.0f} px")
    assert box["height"] <= HEIGHT
    assert box["x"] + box["width"] <= WIDTH
    bars = chart.locator("g.bar")
    assert bars.count() == len(_distinct_catalog_ids())
    # whole labels: the longest catalog name is shown, not cut at 30 characters
    longest = max((str(n) for n in georoutes.catalog()["name"]), key=len)
    labels = chart.locator("g.bar > text:first-child").evaluate_all(
        "els => els.map(e => e.lastChild.textContent)"
    )
    assert longest in labels
    chart.scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "catalog-chart.png"))


def test_map_opens_on_north_east_asia_with_every_route(page):
    frame = page.frame_locator("iframe.georoutes-map")
    assert frame.locator("path.georoutes-route").count() == len(_distinct_catalog_ids())
    view = page.evaluate(
        """() => { const w = document.querySelector('iframe.georoutes-map').contentWindow;
        const m = Object.keys(w).map(k => w[k]).find(v => v instanceof w.L.Map);
        const b = m.getBounds(); return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]; }"""
    )
    west, south, east, north = view
    assert 70 < west < 125  # not Europe: the long sea lanes and rail run off the edge
    assert 135 < east < 180  # the frame is twice as wide as high: ~100° of longitude
    assert 25 < south < 40
    assert 50 < north < 70
    page.locator("iframe.georoutes-map").scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "catalog-map.png"))
    assert page.georoutes_requests == [], page.georoutes_requests
    assert page.georoutes_errors == [], page.georoutes_errors


_POINT_ON_PATH = """(path) => {
    const total = path.getTotalLength();
    for (let k = 1; k < 40; k++) {
        const p = path.getPointAtLength(total * k / 40);
        const m = path.getScreenCTM();
        const x = p.x * m.a + p.y * m.c + m.e, y = p.x * m.b + p.y * m.d + m.f;
        if (x > 60 && y > 60 && x < innerWidth - 60 && y < innerHeight - 60
                && document.elementFromPoint(x, y) === path) { return {x: x, y: y}; }
    }
    return null;
}"""


def test_overlapping_routes_share_one_tooltip(page):
    # the TSR corridor runs on the Trans-Korean east line, Khasan-Rajin, Baranovsky-Khasan and
    # the Trans-Siberian: hovering it lists it and the line under it, neither hides the other
    ids = _distinct_catalog_ids()
    corridor = ids.index("corridor-busan-europe-tsr")
    iframe = page.locator("iframe.georoutes-map")
    iframe.scroll_into_view_if_needed()
    box = iframe.bounding_box()
    frame = page.frame_locator("iframe.georoutes-map")
    point = frame.locator(f"path.georoutes-route-{corridor}").evaluate(_POINT_ON_PATH)
    assert point is not None, "no visible point on the corridor"
    page.mouse.move(box["x"] + 5, box["y"] + 5)
    page.mouse.move(box["x"] + point["x"], box["y"] + point["y"], steps=8)
    tip = frame.locator(".georoutes-hover")
    tip.wait_for(state="visible", timeout=5_000)
    names = tip.locator(".georoutes-tip .georoutes-name").all_inner_texts()
    assert "Busan to Moscow by the Trans-Korean east line and the Trans-Siberian" in names
    assert len(names) >= 2, names
    page.screenshot(path=str(SCREENSHOTS / "catalog-map-hover.png"))
