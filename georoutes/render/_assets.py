"""The page's scripts and styles: inlined from installed packages (offline) or linked (cdn).

``assets="inline"`` writes every script and stylesheet the map needs into the page, so that it
opens with no network (a report is mailed, or opened on a plane). The files come from a package
installed from PyPI, never from this repository: Leaflet 1.9.3 (the version folium 0.20's code is
written for) from ``xstatic-leaflet``, its images as ``data:`` URIs. folium's other default
assets (jQuery, Bootstrap, Font Awesome, awesome-markers) are not used by these maps and are
left out. ``assets="cdn"`` links folium's pinned CDN URLs instead (small pages, online).
"""

from __future__ import annotations

import base64
import re
from functools import cache
from pathlib import Path
from typing import Any, Literal

import folium
import folium.folium
from branca.element import Element

from georoutes.errors import GeorouteError

__all__ = ["ASSET_MODES", "Assets", "use_assets"]

Assets = Literal["inline", "cdn"]
ASSET_MODES: tuple[str, ...] = ("inline", "cdn")

# folium's page links two stylesheets that are on no package registry and that these maps never
# use: Bootstrap 3.0.0's glyphicons (we give every icon the Font Awesome prefix) and the icon
# rotation CSS, which folium takes from the *unpinned* head of its GitHub repository. Leaving them
# out keeps every asset of the page pinned and fetchable from npm (see tests/_assets.py).
_UNUSED_CSS = frozenset({"glyphicons_css", "awesome_rotate_css"})


class _Raw(Element):
    """Page text added as is: branca would otherwise compile it as a jinja2 template."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self._text = text

    def render(self, **kwargs: Any) -> str:
        """Return the text unchanged."""
        return self._text


def _leaflet_dir() -> Path:
    try:
        from xstatic.pkg import leaflet
    except ImportError as exc:
        raise GeorouteError(
            "assets='inline' needs Leaflet's files from the xstatic-leaflet package "
            "(pip install 'xstatic-leaflet==1.9.3.*'), or give assets='cdn'"
        ) from exc
    return Path(leaflet.BASE_DIR)


def _data_uri(path: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


@cache
def _inline_leaflet() -> str:
    folder = _leaflet_dir()
    css = (folder / "leaflet.css").read_text(encoding="utf-8")
    css = re.sub(
        r"url\((images/[\w.-]+\.png)\)", lambda m: f"url({_data_uri(folder / m.group(1))})", css
    )
    js = (folder / "leaflet.js").read_text(encoding="utf-8")
    # neither may close its element early: "</" would, inside a <style> or a <script>
    css, js = css.replace("</", "<\\/"), js.replace("</", "<\\/")
    return f"<style>{css}</style>\n<script>{js}</script>"


# folium's popups and "bring to front" call two jQuery forms: $(`<div>...</div>`)[0] (parse HTML)
# and $(document).ready(fn). Without jQuery (not inlined: the maps use nothing else of it) this
# small stand-in provides exactly those two, so popups open on an offline page.
_JQUERY_STAND_IN = """<script>
window.$ = window.$ || function (arg) {
  if (typeof arg === "string") {
    var t = document.createElement("template");
    t.innerHTML = arg.trim();
    return [t.content.firstElementChild || t.content.firstChild];
  }
  return {ready: function (fn) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", fn);
    } else { fn(); }
  }};
};
</script>"""


def use_assets(m: folium.Map, assets: str) -> None:
    """Make map ``m`` inline its scripts and styles (``"inline"``) or link them (``"cdn"``)."""
    if assets == "cdn":
        m.default_css = [(n, u) for n, u in folium.folium._default_css if n not in _UNUSED_CSS]
        return
    if assets != "inline":
        raise GeorouteError(f"assets: {assets!r} is not one of {', '.join(ASSET_MODES)}")
    m.default_js = []
    m.default_css = []
    m.get_root().header.add_child(_Raw(_inline_leaflet()), name="georoutes_leaflet")  # type: ignore[attr-defined]
    m.get_root().header.add_child(_Raw(_JQUERY_STAND_IN), name="georoutes_jquery")  # type: ignore[attr-defined]
