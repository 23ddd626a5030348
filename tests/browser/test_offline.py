"""The map and the report with the network cut: every asset inlined (issue 15, item 1).

Every request the page makes that is not the file itself is aborted and recorded; the test
fails on any. Skipped where chromium, playwright or the xstatic-leaflet package is missing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from georoutes.render import build_report, map_html, route_map

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[1] / ".assets" / "screenshots"


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"chromium is not installed at {CHROMIUM}")
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    pytest.importorskip("xstatic.pkg.leaflet", reason="xstatic-leaflet is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


def _offline_visit(browser, path: Path):
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"uncaught: {e}"))

    def cut(route):
        url = route.request.url
        if url == path.as_uri() or url.startswith(("data:", "about:", "blob:")):
            return route.continue_()
        requests.append(url)
        return route.abort()

    page.route("**/*", cut)
    page.goto(path.as_uri())
    return page, errors, requests


@pytest.fixture(scope="module")
def offline_pages(hand_scenario, boundaries, tmp_path_factory):
    sc = hand_scenario
    folder = tmp_path_factory.mktemp("offline")
    kwargs = {
        "transits": sc.transits,
        "crossings": sc.crossings,
        "boundaries": boundaries,
        "places": sc.places,
        "tiles": None,
        "assets": "inline",
    }
    out = {"map": folder / "map.html", "report": folder / "report.html"}
    out["map"].write_text(map_html(route_map(sc.analysis, sc.routes, **kwargs)), encoding="utf-8")
    out["report"].write_text(build_report(sc.analysis, sc.routes, **kwargs), encoding="utf-8")
    return out


def test_inline_page_links_nothing(offline_pages):
    html = offline_pages["map"].read_text(encoding="utf-8")
    assert "<script src=" not in html
    assert '<link rel="stylesheet" href="http' not in html
    assert "Leaflet 1.9.3" in html


def test_map_offline_shows_every_route_and_no_error(browser, offline_pages, hand_scenario):
    page, errors, requests = _offline_visit(browser, offline_pages["map"])
    try:
        page.wait_for_selector("path.georoutes-route", state="attached", timeout=15_000)
        assert page.evaluate("L.version") == "1.9.3"
        assert page.locator("path.georoutes-route").count() == len(hand_scenario.analysis)
        assert page.locator("path.georoutes-crossing").count() == 4
        assert page.locator(".georoutes-legend").is_visible()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "map-offline.png"))
        assert requests == [], f"requests with the network cut: {requests}"
        assert errors == [], f"browser console errors: {errors}"
    finally:
        page.close()


def test_report_offline_shows_the_map(browser, offline_pages, hand_scenario):
    page, errors, requests = _offline_visit(browser, offline_pages["report"])
    try:
        frame = page.frame_locator("iframe.georoutes-map")
        frame.locator("path.georoutes-route").first.wait_for(state="attached", timeout=15_000)
        assert frame.locator("path.georoutes-route").count() == len(hand_scenario.analysis)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "report-offline.png"))
        assert requests == [], f"requests with the network cut: {requests}"
        assert errors == [], f"browser console errors: {errors}"
    finally:
        page.close()
