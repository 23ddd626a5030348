"""The ``georoutes map`` and ``georoutes report`` commands (registered by :mod:`georoutes.cli`).

Both analyse the routes (the given files, or the built-in catalog) and only format the result.
Errors are :class:`~georoutes.errors.GeorouteError`, which the ``georoutes`` group prints as one
``error: ...`` line with exit status 2; output files are built in memory and written through a
temporary file, so a failure never leaves one half-written.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from georoutes.errors import GeorouteError

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

__all__ = ["map_command", "report_command"]


def _routes_frame(inputs: Any) -> gpd.GeoDataFrame:
    """Return one validated routes GeoDataFrame from what ``cli.load_inputs`` returns."""
    import geopandas as gpd
    import pandas as pd

    from georoutes import read_routes

    if isinstance(inputs, gpd.GeoDataFrame):
        return read_routes(inputs)
    frames = [read_routes(item) for item in inputs]
    frame = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry="geometry",
                             crs="EPSG:4326")  # fmt: skip
    duplicated = frame["id"][frame["id"].duplicated()]
    if not duplicated.empty:
        raise GeorouteError(f"route id {duplicated.iloc[0]!r} appears in more than one input")
    return frame


def _catalog_extras(frame: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame | None, list[Any]]:
    """Return the built-in catalog's places on ``frame``'s routes and the sources they cite."""
    import importlib

    from georoutes.report import Source

    try:
        catalog = importlib.import_module("georoutes.catalog")
    except ImportError:
        return None, []
    places = catalog.places() if callable(getattr(catalog, "places", None)) else None
    if places is not None and "places" in frame.columns and "id" in places.columns:
        # only the places the routes run through (stations, terminals, border posts)
        used = {str(p) for value in frame["places"] if _is_list(value) for p in value}
        places = places[places["id"].astype(str).isin(used)] if used else places
    facts = catalog.seed_facts() if callable(getattr(catalog, "seed_facts", None)) else {}
    keys: list[str] = []
    for column in ("sources", "published_length_source"):
        if column in frame.columns:
            for value in frame[column]:
                keys.extend(str(k) for k in (value if _is_list(value) else [value])
                            if isinstance(k, str) and k)  # fmt: skip
    sources = []
    for key in sorted(set(keys)):
        fact = facts.get(key, {})
        if fact.get("url"):
            sources.append(Source(str(fact.get("title") or key), str(fact["url"])))
        elif fact:
            what = fact.get("what") or fact.get("title") or key
            sources.append(Source(f"{what} — {fact.get('citation', 'seed ' + key)}"))
        else:
            sources.append(Source(key))
    return places, sources


def _analyse(
    routes: tuple[Path, ...],
    *,
    focus: Sequence[str],
    bands: str,
    boundaries: str | None,
    code_column: str,
    min_piece_km: float,
    sensitivity: Sequence[str] = (),
) -> dict[str, Any]:
    """Return everything the map and the report draw, as keyword arguments."""
    from georoutes import analyze, load_boundaries, transits
    from georoutes.cli import load_inputs, parse_bands

    bands_km = parse_bands(bands)
    layer = load_boundaries(boundaries, code_column=code_column)
    frame = _routes_frame(load_inputs(routes))
    analysis: pd.DataFrame = analyze(frame, boundaries=layer, focus=tuple(focus),
                                     bands_km=bands_km, min_piece_km=min_piece_km,
                                     sensitivity=tuple(sensitivity))  # fmt: skip
    pieces = transits(frame, boundaries=layer, min_piece_km=min_piece_km)
    places, sources = _catalog_extras(frame) if not routes else (None, [])
    return {"analysis": analysis, "routes": frame, "transits": pieces, "boundaries": layer,
            "places": places, "sources": sources}  # fmt: skip


def _is_list(value: object) -> bool:
    return not isinstance(value, str | bytes | dict) and hasattr(value, "__iter__")


def _tiles(value: str) -> str | None:
    return None if value.strip().lower() in {"none", "no", "off", ""} else value.strip()


def _common(f: Any) -> Any:
    options = [
        click.argument("routes", nargs=-1, type=click.Path(dir_okay=False, path_type=Path)),
        click.option("--focus", "focus", multiple=True, default=("CHN",), show_default=True,
                     help="Focus state code (ISO 3166-1 alpha-3 style); repeat for several."),
        click.option("--boundaries", default=None,
                     help="Boundary layer: a shipped layer name or a file path."),
        click.option("--code-column", default="code", show_default=True,
                     help="Code column of a --boundaries file."),
        click.option("--min-piece-km", default=0.5, show_default=True, type=float,
                     help="Runs shorter than this between two runs of another same state are "
                          "slivers."),
        click.option("--tiles", default="cartodbpositron", show_default=True,
                     help="Background tiles: a folium/xyzservices name or URL, or 'none' "
                          "(country outlines are drawn either way)."),
    ]  # fmt: skip
    for option in reversed(options):
        f = option(f)
    return f


@click.command("map")
@_common
@click.option("--bands", default="50", show_default=True,
              help="Distance bands (km) drawn around each focus state, comma-separated.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("maps/routes.html"), show_default=True, help="The HTML map to write.")
@click.option("--png", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write a static figure (PNG) of the same content.")
def map_command(routes: tuple[Path, ...], focus: tuple[str, ...], boundaries: str | None,
                code_column: str, min_piece_km: float, tiles: str, bands: str, out: Path,
                png: Path | None) -> None:
    """Draw routes on a web map: kinds, pieces by state, crossings, focus state and its bands.

    With no ROUTES, maps the built-in catalog.
    """
    from georoutes.maps import map_html, png_bytes, route_figure, route_map, write_atomic

    data = _analyse(routes, focus=focus, bands=bands, boundaries=boundaries,
                    code_column=code_column, min_piece_km=min_piece_km)  # fmt: skip
    data.pop("sources")
    html = map_html(route_map(**data, tiles=_tiles(tiles))).encode("utf-8")
    figure = None
    if png is not None:
        data.pop("transits")
        figure = png_bytes(route_figure(**data))
    write_atomic(out, html)
    click.echo(f"wrote {out}", err=True)
    if png is not None and figure is not None:
        write_atomic(png, figure)
        click.echo(f"wrote {png}", err=True)


@click.command("report")
@_common
@click.option("--bands", default="10,50,100", show_default=True,
              help="Distance bands in km, comma-separated.")
@click.option("--title", default="Route comparison", show_default=True, help="Page title.")
@click.option("--sensitivity", multiple=True,
              help="Also analyse on this boundary layer and show how every figure moves "
                   "(default with the composite layer: ne; give 'none' to skip).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("maps/report.html"), show_default=True,
              help="The HTML report to write.")
def report_command(routes: tuple[Path, ...], focus: tuple[str, ...], boundaries: str | None,
                   code_column: str, min_piece_km: float, tiles: str, bands: str, title: str,
                   sensitivity: tuple[str, ...], out: Path) -> None:
    """Write the comparison report: map, sortable table, km-by-state chart, crossings, method.

    With no ROUTES, compares the built-in catalog.
    """
    from georoutes.maps import write_atomic
    from georoutes.report import build_report, scenario_sections, sensitivity_sections

    if not sensitivity:
        # The default layer is the composite: show how far Natural Earth would move each figure.
        sensitivity = ("ne",) if boundaries in (None, "composite", "osm-neasia") else ()
    sensitivity = tuple(s for s in sensitivity if s.lower() != "none")
    data = _analyse(routes, focus=focus, bands=bands, boundaries=boundaries,
                    code_column=code_column, min_piece_km=min_piece_km,
                    sensitivity=sensitivity)  # fmt: skip
    sections = scenario_sections(data["analysis"]) + sensitivity_sections(data["analysis"])
    html = build_report(**data, tiles=_tiles(tiles), title=title, extra_sections=sections)
    write_atomic(out, html.encode("utf-8"))
    click.echo(f"wrote {out} ({len(html.encode('utf-8')) / 1e6:.1f} MB)", err=True)
