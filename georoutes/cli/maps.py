"""``georoutes map`` and ``georoutes report``: the web map and the comparison report (HTML).

Both analyse the routes (the given files, or the built-in catalog) and only hand the result to
:mod:`georoutes.maps` / :mod:`georoutes.report`; files are built in memory and written through a
temporary file, so a failure never leaves one half-written.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click
import geopandas as gpd

from .._io import write_bytes_atomic
from ..analyze import analyze
from ..boundaries import load_boundaries
from ..catalog import places as catalog_places
from ..catalog import seed_facts
from ..compare import comparison, distinct
from ..render import (
    Source,
    build_report,
    map_html,
    png_bytes,
    route_figure,
    route_map,
    scenario_sections,
    sensitivity_sections,
)
from ..render._assets import Assets
from ..transit import transits
from ._options import analysis_options, load_routes, scheduler_kwargs, tariff_for, waters_kwargs
from ._output import status

__all__ = ["map_command", "report_command"]


def _is_list(value: object) -> bool:
    return not isinstance(value, str | bytes | dict) and hasattr(value, "__iter__")


def _catalog_extras(frame: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, list[Source]]:
    """Return the catalog's places on ``frame``'s routes and the sources the routes cite."""
    places = catalog_places()
    if "places" in frame.columns and "id" in places.columns:
        # only the places the routes run through (stations, terminals, border posts)
        used = {str(p) for value in frame["places"] if _is_list(value) for p in value}
        places = places[places["id"].astype(str).isin(used)] if used else places
    facts = seed_facts()
    keys: list[str] = []
    for column in ("sources", "published_length_source"):
        if column in frame.columns:
            for value in frame[column]:
                keys.extend(
                    str(k)
                    for k in (value if _is_list(value) else [value])
                    if isinstance(k, str) and k
                )
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
    only: Sequence[str],
    focus: Sequence[str],
    bands_km: tuple[float, ...],
    boundaries: str | None,
    code_column: str,
    min_piece_km: float,
    workers: int,
    volume_bcm: float | None,
    tariff: float | None,
    sensitivity: Sequence[str] = (),
) -> dict[str, Any]:
    """Return everything the map and the report draw, as keyword arguments."""
    tariff_value = tariff_for(volume_bcm, tariff)
    layer = load_boundaries(boundaries, code_column=code_column)
    frame = load_routes(routes, only)
    with status(f"analysing {len(frame):,} route(s)"):
        analysis = analyze(
            frame,
            boundaries=layer,
            focus=tuple(focus),
            bands_km=bands_km,
            min_piece_km=min_piece_km,
            sensitivity=tuple(sensitivity),
            workers=workers,
            **waters_kwargs(),
            **scheduler_kwargs(),
        )
        pieces = transits(frame, boundaries=layer, min_piece_km=min_piece_km, **waters_kwargs())
    if volume_bcm is not None:
        with_fees, _ = comparison(
            analysis,
            volume_bcm_per_year=volume_bcm,
            tariff_usd_per_tcm_per_100km=tariff_value,
            kinds=("pipeline",),
        )
        with_fees.attrs = analysis.attrs
        analysis = with_fees
    places, sources = _catalog_extras(frame) if not routes else (None, [])
    return {
        "analysis": analysis,
        "routes": frame,
        "transits": pieces,
        "boundaries": layer,
        "places": places,
        "sources": sources,
    }


def _tiles(value: str) -> str | None:
    return None if value.strip().lower() in {"none", "no", "off", ""} else value.strip()


def _assets() -> Assets:
    value = click.get_current_context().meta.get("georoutes.assets")
    return "cdn" if value == "cdn" else "inline"


def _remember_assets(ctx: click.Context, param: click.Parameter, value: str) -> str:
    ctx.meta["georoutes.assets"] = value
    return value


_ASSETS = click.option(
    "--assets",
    type=click.Choice(["inline", "cdn"]),
    default="inline",
    show_default=True,
    expose_value=False,
    callback=_remember_assets,
    help="inline: every script and style inside the file (works offline); cdn: linked from "
    "the web (smaller files).",
)

_TILES = click.option(
    "--tiles",
    default="cartodbpositron",
    show_default=True,
    help="Background tiles: a folium/xyzservices name or URL, or 'none' "
    "(country outlines are drawn either way).",
)


@click.command("map")
@analysis_options
@_TILES
@_ASSETS
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The HTML map to write (default: maps/routes.html).",
)
@click.option(
    "--png",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write a static figure (PNG) of the same content.",
)
def map_command(
    routes: tuple[Path, ...],
    only: tuple[str, ...],
    focus: tuple[str, ...],
    bands_km: tuple[float, ...],
    boundaries: str | None,
    code_column: str,
    min_piece_km: float,
    workers: int,
    volume_bcm: float | None,
    tariff: float | None,
    tiles: str,
    out: Path | None,
    png: Path | None,
) -> None:
    """Draw routes on a web map: kinds, pieces by state, crossings, focus state and its bands.

    With no ROUTES, maps the built-in catalog.
    """
    out = Path("maps/routes.html") if out is None else out
    data = _analyse(
        routes,
        only=only,
        focus=focus,
        bands_km=bands_km,
        boundaries=boundaries,
        code_column=code_column,
        min_piece_km=min_piece_km,
        workers=workers,
        volume_bcm=volume_bcm,
        tariff=tariff,
    )
    data.pop("sources")
    # each physical route drawn once (a one-leg corridor is its route; see compare.duplicates)
    data["analysis"], _ = distinct(data["analysis"], data["routes"])
    with status("drawing the map"):
        html = map_html(route_map(**data, tiles=_tiles(tiles), assets=_assets())).encode("utf-8")
        figure = None
        if png is not None:
            data.pop("transits")
            figure = png_bytes(route_figure(**data))
    write_bytes_atomic(out, html)
    click.echo(f"wrote {out}", err=True)
    if png is not None and figure is not None:
        write_bytes_atomic(png, figure)
        click.echo(f"wrote {png}", err=True)


@click.command("report")
@analysis_options
@_TILES
@_ASSETS
@click.option("--title", default="Route comparison", show_default=True, help="Page title.")
@click.option(
    "--sensitivity",
    multiple=True,
    help="Also analyse on this boundary layer and show how every figure moves "
    "(default with the composite layer: ne; give 'none' to skip).",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The HTML report to write (default: maps/report.html).",
)
def report_command(
    routes: tuple[Path, ...],
    only: tuple[str, ...],
    focus: tuple[str, ...],
    bands_km: tuple[float, ...],
    boundaries: str | None,
    code_column: str,
    min_piece_km: float,
    workers: int,
    volume_bcm: float | None,
    tariff: float | None,
    tiles: str,
    title: str,
    sensitivity: tuple[str, ...],
    out: Path | None,
) -> None:
    """Write the comparison report: map, sortable table, km-by-state chart, crossings, method.

    With no ROUTES, compares the built-in catalog.
    """
    out = Path("maps/report.html") if out is None else out
    if not sensitivity:
        # The default layer is the composite: show how far Natural Earth would move each figure.
        sensitivity = ("ne",) if boundaries in (None, "composite", "osm-neasia") else ()
    sensitivity = tuple(s for s in sensitivity if s.lower() != "none")
    data = _analyse(
        routes,
        only=only,
        focus=focus,
        bands_km=bands_km,
        boundaries=boundaries,
        code_column=code_column,
        min_piece_km=min_piece_km,
        workers=workers,
        volume_bcm=volume_bcm,
        tariff=tariff,
        sensitivity=sensitivity,
    )
    with status("writing the report"):
        sections = scenario_sections(data["analysis"]) + sensitivity_sections(data["analysis"])
        html = build_report(
            **data, tiles=_tiles(tiles), title=title, extra_sections=sections, assets=_assets()
        ).encode("utf-8")
    write_bytes_atomic(out, html)
    click.echo(f"wrote {out} ({len(html) / 1e6:.1f} MB)", err=True)
