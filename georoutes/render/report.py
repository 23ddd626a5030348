"""The HTML comparison report: the map, a sortable table, a km-by-state chart, the crossings.

One page (no remote scripts of its own; the map inside it loads Leaflet like any folium map).
Like the map, it only formats what :func:`georoutes.analyze` returns, through jinja2 templates
with autoescaping on, so names from users' files show as text.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, Unpack

import geopandas as gpd
import pandas as pd
from markupsafe import Markup

from georoutes._io import write_bytes_atomic
from georoutes.render._assets import Assets
from georoutes.render._html import (
    OFFSHORE_COLOUR,
    as_list,
    is_missing,
    number,
    safe_url,
    state_colours,
    templates,
)
from georoutes.render._scene import (
    RenderInputs,
    RenderOptions,
    analysis_meta,
    bands,
    focus_codes,
    layer_description,
    merge_options,
    scene_layer,
)
from georoutes.render.maps import map_html, route_map
from georoutes.scenario import seed_scenario

__all__ = [
    "SOURCE_COLUMNS",
    "Source",
    "build_report",
    "scenario_sections",
    "sensitivity_sections",
    "write_report",
]

#: Columns of the routes layer whose values are listed as the routes' sources.
SOURCE_COLUMNS = ("source", "sources", "source_url", "citation")


@dataclass(frozen=True)
class Source:
    """A source listed in the report's data-and-method section (``url``: http(s) only)."""

    label: str
    url: str | None = None


@dataclass(frozen=True)
class _Column:
    label: str
    numeric: bool
    title: str | None = None


def _version() -> str:
    try:
        return version("georoutes")
    except PackageNotFoundError:  # pragma: no cover - a source checkout that is not installed
        return "unknown"


def _cell(value: object, *, numeric: bool) -> dict[str, Any]:
    if numeric:
        value = number(value)
        text = "—" if value is None else f"{value:,.1f}"
        return {"text": text, "sort": "" if value is None else repr(value), "numeric": True}
    text = "—" if is_missing(value) else str(value)
    return {"text": text, "sort": "" if is_missing(value) else str(value), "numeric": False}


def _count_cell(value: int) -> dict[str, Any]:
    return {"text": str(value), "sort": str(value), "numeric": True}


def _name(route_id: object, row: pd.Series) -> str:
    name = row.get("name")
    return str(route_id) if is_missing(name) else str(name)


def _columns(
    analysis: pd.DataFrame, focus: Sequence[str], states: Sequence[str]
) -> tuple[list[_Column], dict[str, list[str]]]:
    columns = [
        _Column("route", False),
        _Column("kind", False),
        _Column("length km", True),
        _Column("states", False),
        _Column("transit states", False),
        _Column("transits", True, "number of transit states"),
    ]
    columns += [_Column(f"km {code}", True, f"km in {code}") for code in states]
    columns.append(_Column("offshore km", True, "km in no state's territory"))
    band_keys: dict[str, list[str]] = {}
    for code in focus:
        keys: set[str] = set()
        for exposure in analysis["exposure"]:
            keys.update(((exposure or {}).get(code) or {}).get("within_km", {}).keys())
        band_keys[code] = sorted(keys, key=float)
        columns.append(_Column(f"{code} inside km", True, f"km inside {code}"))
        columns += [
            _Column(f"{code} ≤{b} km", True, f"km within {b} km of {code}") for b in band_keys[code]
        ]
        columns.append(_Column(f"{code} nearest km", True, f"closest approach to {code}, km"))
    columns.append(_Column("crossings", True, "number of border crossings"))
    return columns, band_keys


def _table(
    analysis: pd.DataFrame, focus: Sequence[str], states: Sequence[str]
) -> tuple[list[_Column], list[dict[str, Any]]]:
    columns, band_keys = _columns(analysis, focus, states)
    rows = []
    for route_id, row in analysis.iterrows():
        km_by_state = row["km_by_state"] or {}
        transit = [str(s) for s in as_list(row["transit_states"])]
        cells = [
            _cell(_name(route_id, row), numeric=False),
            _cell(row.get("kind"), numeric=False),
            _cell(row["length_km"], numeric=True),
            _cell(" → ".join(str(s) for s in as_list(row["states"])), numeric=False),
            _cell(", ".join(transit), numeric=False),
            _count_cell(len(transit)),
        ]
        cells += [_cell(km_by_state.get(code, 0.0), numeric=True) for code in states]
        cells.append(_cell(row["offshore_km"], numeric=True))
        for code in focus:
            exposure = (row["exposure"] or {}).get(code) or {}
            cells.append(_cell(exposure.get("inside_km"), numeric=True))
            within = exposure.get("within_km") or {}
            cells += [_cell(within.get(b), numeric=True) for b in band_keys[code]]
            cells.append(_cell(exposure.get("min_distance_km"), numeric=True))
        cells.append(_count_cell(len(as_list(row["crossings"]))))
        rows.append({"id": str(route_id), "cells": cells})
    return columns, rows


def _nice_step(span: float, target_ticks: int = 6) -> float:
    raw = max(span, 1e-9) / target_ticks
    magnitude = 10.0 ** math.floor(math.log10(raw))
    return next(m * magnitude for m in (1.0, 2.0, 2.5, 5.0, 10.0) if m * magnitude >= raw)


@dataclass(frozen=True)
class _ChartLayout:
    width: int = 1000
    left: int = 300
    right: int = 70
    top: int = 12
    bar_height: int = 18
    gap: int = 8

    @property
    def plot_width(self) -> int:
        return self.width - self.left - self.right


def _bar(
    i: int,
    route_id: object,
    row: pd.Series,
    colours: dict[str, str],
    scale: float,
    lay: _ChartLayout,
) -> dict[str, Any]:
    km_by_state = {str(k): float(v) for k, v in (row["km_by_state"] or {}).items()}
    order = [str(s) for s in as_list(row["states"]) if str(s) in km_by_state]
    order = list(dict.fromkeys(order + sorted(km_by_state, key=lambda c: -km_by_state[c])))
    pieces = [(code, km_by_state[code], colours.get(code, "#999")) for code in order]
    pieces.append(("offshore", number(row["offshore_km"]) or 0.0, OFFSHORE_COLOUR))
    x, segments = float(lay.left), []
    for label, km, colour in pieces:
        if km <= 0:
            continue
        w = km * scale  # pixels for the km analyze() gave
        segments.append(
            {"x": round(x, 2), "w": round(w, 2), "km": km, "label": label, "colour": colour}
        )
        x += w
    name = _name(route_id, row)
    length_km = number(row["length_km"]) or 0.0
    return {
        "id": str(route_id),
        "name": name,
        "label": name if len(name) <= 42 else name[:41] + "…",  # ~7 px a character
        "y": lay.top + i * (lay.bar_height + lay.gap),
        "segments": segments,
        "end": round(lay.left + length_km * scale, 2),
        "length_km": length_km,
    }


def _chart_legend(
    bars: list[dict[str, Any]],
    colours: dict[str, str],
    state_names: dict[str, str],
    lay: _ChartLayout,
    y: int,
) -> tuple[list[dict[str, Any]], int]:
    used = list(dict.fromkeys(seg["label"] for bar in bars for seg in bar["segments"]))
    legend, lx, ly = [], lay.left, y
    for label in used:
        text = label if label == "offshore" else f"{label} {state_names.get(label, '')}".strip()
        item_width = 24 + 7 * len(text)
        if lx + item_width > lay.width - 10:
            lx, ly = lay.left, ly + 18
        colour = OFFSHORE_COLOUR if label == "offshore" else colours.get(label, "#999")
        legend.append({"x": lx, "y": ly, "colour": colour, "label": text})
        lx += item_width
    return legend, ly


def _chart(analysis: pd.DataFrame, colours: dict[str, str], state_names: dict[str, str]) -> Markup:
    """Return the stacked bar chart (inline SVG) of km by state for every route."""
    lay = _ChartLayout()
    longest = max((number(v) or 0.0 for v in analysis["length_km"]), default=0.0) or 1.0
    step = _nice_step(longest)
    scale = lay.plot_width / (math.ceil(longest / step) * step)  # pixels per km
    bars = [
        _bar(i, rid, row, colours, scale, lay) for i, (rid, row) in enumerate(analysis.iterrows())
    ]
    plot_bottom = lay.top + len(bars) * (lay.bar_height + lay.gap)
    ticks = []
    value = 0.0
    while value * scale <= lay.plot_width + 0.5:
        ticks.append({"x": round(lay.left + value * scale, 2), "label": f"{value:,.0f}"})
        value += step
    legend, ly = _chart_legend(bars, colours, state_names, lay, plot_bottom + 44)
    svg = (
        templates()
        .get_template("chart.svg")
        .render(
            width=lay.width,
            height=ly + 24,
            left=lay.left,
            top=lay.top,
            plot_width=lay.plot_width,
            plot_bottom=plot_bottom,
            bar_height=lay.bar_height,
            bars=bars,
            ticks=ticks,
            legend=legend,
        )
    )
    return Markup(svg)


def _crossing_rows(analysis: pd.DataFrame) -> list[dict[str, Any]]:
    out = []
    for route_id, row in analysis.iterrows():
        for seq, c in enumerate(as_list(row["crossings"])):
            out.append({"route_name": _name(route_id, row), "seq": seq + 1, **dict(c)})
    return out


def _sources(routes: gpd.GeoDataFrame, extra: Iterable[Source | str] | None) -> list[Source]:
    out: list[Source] = []
    for item in extra or ():
        out.append(item if isinstance(item, Source) else Source(str(item), safe_url(item)))
    for column in SOURCE_COLUMNS:
        if column not in routes.columns:
            continue
        for value in routes[column]:
            many = not isinstance(value, str | bytes | dict) and hasattr(value, "__iter__")
            for text in list(value) if many else [value]:
                if not is_missing(text):
                    out.append(Source(str(text), safe_url(text)))
    seen: set[tuple[str, str | None]] = set()
    unique = []
    for source in out:
        source = Source(source.label, safe_url(source.url))
        if (source.label, source.url) not in seen:
            seen.add((source.label, source.url))
            unique.append(source)
    return unique


def build_report(
    analysis: pd.DataFrame,
    routes: gpd.GeoDataFrame,
    options: RenderOptions | None = None,
    *,
    tiles: str | None = "cartodbpositron",
    title: str = "Route comparison",
    sources: Iterable[Source | str] | None = None,
    extra_sections: Sequence[tuple[str, Markup]] | None = None,
    map_height_px: int = 620,
    assets: Assets = "inline",
    **inputs: Unpack[RenderInputs],
) -> str:
    """Return the comparison report as one HTML page.

    Parameters
    ----------
    analysis : pandas.DataFrame
        The output of :func:`georoutes.analyze`; the table and chart use it only.
    routes : geopandas.GeoDataFrame
        The routes that were analysed.
    options : RenderOptions, optional
        As for :func:`~georoutes.render.route_map`.
    tiles : str or None
        As for :func:`~georoutes.render.route_map`.
    title : str
        The page's title and heading.
    sources : iterable of Source or str, optional
        Listed in the data-and-method section, after the values of the routes' own
        ``source``/``sources``/``source_url``/``citation`` columns.
    extra_sections : sequence of (str, markupsafe.Markup), optional
        **Hook for later sections** (e.g. economics tables): each ``(title, body)`` is added,
        in order, after the crossings. Build ``body`` with jinja2 (autoescape on) or
        ``markupsafe.Markup.format`` so that it is safe markup; a plain ``str`` is escaped and
        shows as text.
    map_height_px : int
        Height of the map, CSS pixels.
    assets : {"cdn", "inline"}
        As for :func:`~georoutes.render.route_map`: ``"inline"`` makes a page that opens
        offline.
    **inputs
        The fields of :class:`~georoutes.render.RenderOptions` as keywords.

    Returns
    -------
    str
        The HTML page (the map is embedded whole, as an ``<iframe srcdoc>``).
    """
    opts = merge_options(options, inputs)
    m = route_map(analysis, routes, opts, tiles=tiles, height="100%", assets=assets)
    layer = scene_layer(analysis, opts.boundaries)
    state_names = {str(c): str(n) for c, n in zip(layer["code"], layer["name"], strict=True)}
    focus = focus_codes(opts.focus, analysis)
    colours = state_colours(analysis)
    columns, rows = _table(analysis, focus, list(colours))
    sections = [{"title": str(t), "body": body} for t, body in (extra_sections or ())]
    return (
        templates()
        .get_template("report.html")
        .render(
            title=title,
            version=_version(),
            routes=rows,
            columns=columns,
            rows=rows,
            focus=focus,
            bands=[f"{b:g}" for b in bands(opts.bands_km, analysis)],
            boundaries=layer_description(analysis, layer),
            map_html=map_html(m),
            map_height_px=int(map_height_px),
            chart=_chart(analysis, colours, state_names),
            crossings=_crossing_rows(analysis),
            extra_sections=sections,
            sources=_sources(routes, sources),
            tiles=tiles,
        )
    )


def write_report(
    path: str | os.PathLike[str], analysis: pd.DataFrame, routes: gpd.GeoDataFrame, **kwargs: Any
) -> Path:
    """Build the report (see :func:`build_report`) and write it to ``path`` atomically."""
    html = build_report(analysis, routes, **kwargs)
    return write_bytes_atomic(path, html.encode("utf-8"))


def _scenario_section(table: pd.DataFrame) -> Markup:
    parts = []
    if table.attrs.get("question"):
        parts.append(Markup("<p><em>{}</em></p>").format(table.attrs["question"]))
    answers = table.attrs.get("answers") or []
    if answers:
        items = Markup("").join(Markup("<li>{}</li>").format(a) for a in answers)
        parts.append(Markup("<ul>{}</ul>").format(items))
    shown = table.copy()
    for col in shown.columns:
        if pd.api.types.is_float_dtype(shown[col]):
            shown[col] = shown[col].map(lambda v: "" if pd.isna(v) else f"{v:,.1f}")
    parts.append(Markup(shown.to_html(escape=True, classes="scenario", border=0)))
    if table.attrs.get("note"):
        parts.append(Markup("<p class='note'>{}</p>").format(table.attrs["note"]))
    return Markup("").join(parts)


def scenario_sections(analysis: pd.DataFrame) -> list[tuple[str, Markup]]:
    """Return the seed scenario's answers as report sections (empty when they do not apply).

    Parameters
    ----------
    analysis : pandas.DataFrame
        The output of :func:`georoutes.analyze` on routes that include the seed's.

    Returns
    -------
    list of (str, markupsafe.Markup)
        ``(title, body)`` per non-empty table of :func:`georoutes.scenario.seed_scenario` (fees,
        costs and exposure of the pipeline options; km by Russia / China / others / sea for
        the Busan → Europe corridors); only rendered here, every cell escaped by pandas.
    """
    # imported here: the scenario module is the seed's, and imports most of the package

    try:
        tables = seed_scenario(analysis)
    except Exception:  # a user's routes without the seed ids: no scenario section
        return []
    return [
        (str(table.attrs.get("title", "Scenario")), _scenario_section(table))
        for table in tables.values()
        if not table.empty
    ]


def _sensitivity_row(rid: object, delta: dict[str, Any]) -> dict[str, Any]:
    rec: dict[str, Any] = {"route": str(rid)}
    moved = {c: v for c, v in delta["km_by_state"].items() if abs(v) >= 0.05}
    rec["km by state ±"] = " ".join(f"{c} {v:+,.1f}" for c, v in moved.items()) or "0"
    rec["offshore km ±"] = f"{delta['offshore_km']:+,.1f}"
    for code, ex in delta["exposure"].items():
        rec[f"{code} inside ±"] = f"{ex['inside_km']:+,.1f}"
        for d, v in ex["within_km"].items():
            rec[f"{code} ≤{d} km ±"] = f"{v:+,.1f}"
        rec[f"{code} nearest ±"] = f"{ex['min_distance_km']:+,.1f}"
    rec["crossings"] = f"+{len(delta['crossings_added'])} / −{len(delta['crossings_removed'])}"
    rec["states change"] = "yes" if delta["states_changed"] else ""
    return rec


def sensitivity_sections(analysis: pd.DataFrame) -> list[tuple[str, Markup]]:
    """Return a section showing how each figure moves on the other boundary layers, if any.

    Parameters
    ----------
    analysis : pandas.DataFrame
        The output of ``analyze(..., sensitivity=...)``.

    Returns
    -------
    list of (str, markupsafe.Markup)
        One ``(title, body)`` per alternative layer: the differences (alternative minus the
        layer the report is built on, signed km) that analyze() computed, every cell escaped.
    """
    if "sensitivity" not in analysis.columns:
        return []
    meta_of = analysis_meta(analysis)
    layers, base = meta_of.sensitivity, meta_of.boundaries
    out: list[tuple[str, Markup]] = []
    for key, meta in layers.items():
        rows = [_sensitivity_row(rid, row["sensitivity"][key]) for rid, row in analysis.iterrows()]
        table = pd.DataFrame(rows).set_index("route")
        intro = Markup(
            "<p>Every figure above is measured on <strong>{}</strong> ({}). This table gives how "
            "far each would move on <strong>{}</strong> ({}): the other layer's value minus this "
            "one's, in km; crossings that appear / disappear.</p>"
        ).format(
            base.get("name", ""),
            base.get("version", ""),
            meta.get("name", key),
            meta.get("version", ""),
        )
        body = intro + Markup(table.to_html(escape=True, classes="scenario", border=0))
        out.append((f"Sensitivity to the boundary data: {meta.get('name', key)}", body))
    return out
