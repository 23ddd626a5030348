"""Serve, offline, every CDN asset a folium page asks for: fetched once from the npm registry.

The browser tests run where the only network is the package registries. Each CDN URL prefix that
folium 0.20 (and georoutes' maps) emit is mapped to a file inside a pinned npm package, which is
fetched with ``npm pack`` into ``tests/.assets/`` (gitignored) and served by playwright's
``page.route``. Anything not in the table is aborted and recorded, so a test can fail on it.

Pins and the one substitution:

- leaflet 1.9.3, jquery 3.7.1, bootstrap 5.2.2, @fortawesome/fontawesome-free 6.2.0 and
  leaflet-measure 2.1.7: the exact versions of the CDN URLs.
- Leaflet.awesome-markers: folium links cdnjs' 2.0.2, which was never published to npm (npm has
  2.0.0, 2.0.4, 2.0.5); 2.0.4 is served in its place (the same plugin code, repackaged).
- leaflet-measure's npm package has no ``leaflet-measure.min.css``; its unminified
  ``leaflet-measure.css`` (same rules) is served for it.
- folium's Bootstrap 3 glyphicons and its unpinned icon-rotation CSS are not on npm; georoutes'
  maps do not link them (see ``georoutes.maps._UNUSED_CSS``), so they are not needed here.
"""

from __future__ import annotations

import io
import mimetypes
import re
import shutil
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

CACHE = Path(__file__).resolve().parent / ".assets"


@dataclass(frozen=True)
class Asset:
    """URLs starting with ``prefix`` are files under ``root`` in npm package ``package``."""

    prefix: str
    package: str
    root: str = ""
    aliases: tuple[tuple[str, str], ...] = ()  # (path under the URL prefix, file in the package)


ASSETS: tuple[Asset, ...] = (
    Asset("https://cdn.jsdelivr.net/npm/leaflet@1.9.3/", "leaflet@1.9.3"),
    Asset("https://code.jquery.com/jquery-3.7.1.min.js", "jquery@3.7.1", "dist/jquery.min.js"),
    Asset("https://cdn.jsdelivr.net/npm/bootstrap@5.2.2/", "bootstrap@5.2.2"),
    Asset(
        "https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free@6.2.0/",
        "@fortawesome/fontawesome-free@6.2.0",
    ),
    Asset(
        "https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/",
        "leaflet.awesome-markers@2.0.4",
        "dist/",
    ),
    Asset(
        "https://cdn.jsdelivr.net/gh/ljagis/leaflet-measure@2.1.7/dist/",
        "leaflet-measure@2.1.7",
        "dist/",
        aliases=(("leaflet-measure.min.css", "leaflet-measure.css"),),
    ),
)

#: Tile servers whose requests get a blank tile (the tests check the page, not the tiles).
TILE_HOSTS = re.compile(
    r"^https://([a-z0-9-]+\.)*(basemaps\.cartocdn\.com|tile\.openstreetmap\.org)/"
)


class AssetError(RuntimeError):
    """npm could not fetch an asset package."""


def npm_available() -> bool:
    """Return whether the ``npm`` client is installed."""
    return shutil.which("npm") is not None


def _package_dir(spec: str, cache: Path) -> Path:
    return cache / re.sub(r"[^A-Za-z0-9.@-]+", "_", spec)


def fetch(spec: str, cache: Path = CACHE, *, timeout_s: float = 180.0) -> Path:
    """Return the folder of npm package ``spec`` (``name@version``), fetching it if needed."""
    target = _package_dir(spec, cache)
    if (target / ".complete").exists():
        return target
    cache.mkdir(parents=True, exist_ok=True)
    work = cache / ".download"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    try:
        done = subprocess.run(
            ["npm", "pack", spec, "--pack-destination", str(work), "--silent", "--json"],
            capture_output=True,
            text=True,
            timeout=timeout_s,
            check=False,
            cwd=work,
        )
        if done.returncode != 0:
            raise AssetError(f"npm pack {spec} failed: {done.stderr.strip()[-500:]}")
        tarballs = list(work.glob("*.tgz"))
        if len(tarballs) != 1:
            raise AssetError(f"npm pack {spec}: expected one tarball, got {tarballs}")
        shutil.rmtree(target, ignore_errors=True)
        with tarfile.open(tarballs[0]) as tar:
            tar.extractall(work / "x", filter="data")
        (work / "x" / "package").rename(target)
        (target / ".complete").write_text(spec + "\n")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target


def fetch_all(cache: Path = CACHE) -> dict[str, Path]:
    """Fetch every package of :data:`ASSETS`; return ``{spec: folder}``."""
    return {a.package: fetch(a.package, cache) for a in ASSETS}


def local_file(url: str, folders: dict[str, Path]) -> Path | None:
    """Return the local file serving ``url``, or None if the URL is not a known asset."""
    clean = urlsplit(url)._replace(query="", fragment="").geturl()
    for asset in ASSETS:
        if clean == asset.prefix or (asset.prefix.endswith("/") and clean.startswith(asset.prefix)):
            folder = folders[asset.package].resolve()
            rel = dict(asset.aliases).get(clean[len(asset.prefix) :], clean[len(asset.prefix) :])
            path = (folder / asset.root / rel).resolve()
            if folder in path.parents and path.is_file():
                return path
            return None
    return None


def content_type(path: Path) -> str:
    """Return the Content-Type to serve ``path`` with."""
    kind = {
        ".woff2": "font/woff2",
        ".woff": "font/woff",
        ".ttf": "font/ttf",
        ".js": "application/javascript",
        ".css": "text/css",
    }.get(path.suffix)
    return kind or mimetypes.guess_type(path.name)[0] or "application/octet-stream"


def blank_tile_png() -> bytes:
    """Return a 256 x 256 light-grey PNG, served for every map tile request."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (256, 256), (232, 236, 240)).save(buffer, format="PNG")
    return buffer.getvalue()


def page_urls(html: str) -> list[str]:
    """Return the remote URLs a page links with ``src=``/``href=`` (scripts, stylesheets)."""
    return sorted(set(re.findall(r"""(?:src|href)=["'](https?://[^"']+)["']""", html)))
