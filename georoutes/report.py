"""The HTML comparison report: the map, a sortable table, a km-by-state chart, the crossings.

One self-contained page (no remote scripts of its own; the map inside it loads Leaflet like any
folium map). Like :mod:`georoutes.maps` it only formats what :func:`georoutes.analyze` returns,
through jinja2 templates with autoescaping on, so names from users' files show as text.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from markupsafe import Markup

from georoutes.maps import (
    OFFSHORE_COLOUR,
    _as_list,
    _is_missing,
    map_html,
    route_map,
    state_colours,
    templates,
    write_atomic,
)

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["Source", "build_report", "write_report"]

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
        from georoutes import __version__
    except ImportError:  # pragma: no cover - partial checkout
        return "unknown"
    return str(__version__)


def _number(value: object) -> float | None:
    if _is_missing(value):
        return None
    return float(value)  # type: ignore[arg-type]


def _cell(value: object, *, numeric: bool) -> dict[str, Any]:
    if numeric:
        number = _number(value)
        text = "—" if number is None else f"{number:,.1f}"
        return {"text": text, "sort": "" if number is None else repr(number), "numeric": True}
    text = "—" if _is_missing(value) else str(value)
    return {"text": text, "sort": "" if _is_missing(value) else str(value), "numeric": False}


def _count_cell(value: int) -> dict[str, Any]:
    return {"text": str(value), "sort": str(value), "numeric": True}


def _table(analysis: pd.DataFrame, focus: Sequence[str], states: Sequence[str]) -> tuple[
    list[_Column], list[dict[str, Any]]
]:
    columns = [
        _Column("route", False), _Column("kind", False), _Column("length km", True),
        _Column("states", False), _Column("transit states", False),
        _Column("transits", True, "number of transit states"),
    ]  # fmt: skip
    columns += [_Column(f"km {code}", True, f"km in {code}") for code in states]
    columns.append(_Column("offshore km", True, "km in no state's territory"))
    bands: dict[str, list[str]] = {}
    for code in focus:
        keys: set[str] = set()
        for exposure in analysis["exposure"]:
            keys.update(((exposure or {}).get(code) or {}).get("within_km", {}).keys())
        bands[code] = sorted(keys, key=float)
        columns.append(_Column(f"{code} inside km", True, f"km inside {code}"))
        columns += [_Column(f"{code} ≤{b} km", True, f"km within {b} km of {code}")
                    for b in bands[code]]  # fmt: skip
        columns.append(_Column(f"{code} nearest km", True, f"closest approach to {code}, km"))
    columns.append(_Column("crossings", True, "number of border crossings"))

    rows = []
    for route_id, row in analysis.iterrows():
        km_by_state = row["km_by_state"] or {}
        states_list = [str(s) for s in _as_list(row["states"])]
        transit = [str(s) for s in _as_list(row["transit_states"])]
        cells = [
            _cell(_name(route_id, row), numeric=False), _cell(row.get("kind"), numeric=False),
            _cell(row["length_km"], numeric=True), _cell(" → ".join(states_list), numeric=False),
            _cell(", ".join(transit), numeric=False), _count_cell(len(transit)),
        ]  # fmt: skip
        cells += [_cell(km_by_state.get(code, 0.0), numeric=True) for code in states]
        cells.append(_cell(row["offshore_km"], numeric=True))
        for code in focus:
            exposure = (row["exposure"] or {}).get(code) or {}
            cells.append(_cell(exposure.get("inside_km"), numeric=True))
            within = exposure.get("within_km") or {}
            cells += [_cell(within.get(b), numeric=True) for b in bands[code]]
            cells.append(_cell(exposure.get("min_distance_km"), numeric=True))
        cells.append(_count_cell(len(_as_list(row["crossings"]))))
        rows.append({"id": str(route_id), "cells": cells})
    return columns, rows


def _name(route_id: object, row: pd.Series) -> str:
    name = row.get("name")
    return str(route_id) if _is_missing(name) else str(name)


def _nice_step(span: float, target_ticks: int = 6) -> float:
    raw = max(span, 1e-9) / target_ticks
    magnitude = 10.0 ** math.floor(math.log10(raw))
    return next(m * magnitude for m in (1.0, 2.0, 2.5, 5.0, 10.0) if m * magnitude >= raw)


def _chart(analysis: pd.DataFrame, colours: dict[str, str], state_names: dict[str, str]) -> Markup:
    """Return the stacked bar chart (inline SVG) of km by state for every route."""
    width, left, right, top, bar_height, gap = 1000, 300, 70, 12, 18, 8
    plot_width = width - left - right
    lengths = [_number(v) or 0.0 for v in analysis["length_km"]]
    longest = max(lengths, default=0.0) or 1.0
    step = _nice_step(longest)
    scale = plot_width / (math.ceil(longest / step) * step)
    bars: list[dict[str, Any]] = []
    for i, (route_id, row) in enumerate(analysis.iterrows()):
        km_by_state = {str(k): float(v) for k, v in (row["km_by_state"] or {}).items()}
        order = [str(s) for s in _as_list(row["states"]) if str(s) in km_by_state]
        order = list(dict.fromkeys(order + sorted(km_by_state, key=lambda c: -km_by_state[c])))
        pieces = [(code, code, km_by_state[code], colours.get(code, "#999")) for code in order]
        pieces.append(("offshore", "offshore", _number(row["offshore_km"]) or 0.0, OFFSHORE_COLOUR))
        x, segments = float(left), []
        for _, label, km, colour in pieces:
            if km <= 0:
                continue
            w = km * scale
            segments.append({"x": round(x, 2), "w": round(w, 2), "km": km, "label": label,
                             "colour": colour})  # fmt: skip
            x += w
        name = _name(route_id, row)
        bars.append({
            "id": str(route_id), "name": name,
            "label": name if len(name) <= 42 else name[:41] + "…",  # ~7 px a character
            "y": top + i * (bar_height + gap), "segments": segments,
            "end": round(left + lengths[i] * scale, 2), "length_km": lengths[i],
        })  # fmt: skip
    plot_bottom = top + len(bars) * (bar_height + gap)
    ticks = []
    value = 0.0
    while value * scale <= plot_width + 0.5:
        ticks.append({"x": round(left + value * scale, 2), "label": f"{value:,.0f}"})
        value += step
    used = list(dict.fromkeys(seg["label"] for bar in bars for seg in bar["segments"]))
    legend, lx, ly = [], left, plot_bottom + 44
    for label in used:
        text = label if label == "offshore" else f"{label} {state_names.get(label, '')}".strip()
        item_width = 24 + 7 * len(text)
        if lx + item_width > width - 10:
            lx, ly = left, ly + 18
        colour = OFFSHORE_COLOUR if label == "offshore" else colours.get(label, "#999")
        legend.append({"x": lx, "y": ly, "colour": colour, "label": text})
        lx += item_width
    height = ly + 24
    svg = templates().get_template("chart.svg").render(
        width=width, height=height, left=left, top=top, plot_width=plot_width,
        plot_bottom=plot_bottom, bar_height=bar_height, bars=bars, ticks=ticks, legend=legend,
    )  # fmt: skip
    return Markup(svg)


def _crossing_rows(analysis: pd.DataFrame) -> list[dict[str, Any]]:
    out = []
    for route_id, row in analysis.iterrows():
        for seq, c in enumerate(_as_list(row["crossings"])):
            out.append({"route_name": _name(route_id, row), "seq": seq + 1, **dict(c)})
    return out


def _safe_url(url: object) -> str | None:
    # Only web links become links: a "javascript:" URL from a file must stay text.
    text = "" if _is_missing(url) else str(url).strip()
    return text if text.lower().startswith(("https://", "http://")) else None


def _sources(routes: gpd.GeoDataFrame, extra: Iterable[Source | str] | None) -> list[Source]:
    out: list[Source] = []
    for item in extra or ():
        out.append(item if isinstance(item, Source) else Source(str(item), _safe_url(item)))
    for column in SOURCE_COLUMNS:
        if column not in routes.columns:
            continue
        for value in routes[column]:
            many = not isinstance(value, str | bytes | dict) and hasattr(value, "__iter__")
            for text in (list(value) if many else [value]):
                if not _is_missing(text):
                    out.append(Source(str(text), _safe_url(text)))
    seen: set[tuple[str, str | None]] = set()
    unique = []
    for source in out:
        source = Source(source.label, _safe_url(source.url))
        if (source.label, source.url) not in seen:
            seen.add((source.label, source.url))
            unique.append(source)
    return unique


def build_report(
    analysis: pd.DataFrame,
    routes: gpd.GeoDataFrame,
    *,
    transits: gpd.GeoDataFrame | None = None,
    crossings: gpd.GeoDataFrame | None = None,
    boundaries: gpd.GeoDataFrame | None = None,
    places: gpd.GeoDataFrame | None = None,
    focus: Sequence[str] | str | None = None,
    bands_km: Sequence[float] | float | None = None,
    tiles: str | None = "cartodbpositron",
    title: str = "Route comparison",
    sources: Iterable[Source | str] | None = None,
    extra_sections: Sequence[tuple[str, Markup]] | None = None,
    map_height_px: int = 620,
) -> str:
    """Return the comparison report as one HTML page.

    Parameters
    ----------
    analysis, routes, transits, crossings, boundaries, places, focus, bands_km, tiles
        As for :func:`georoutes.maps.route_map`; the table and chart use ``analysis`` only.
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
        Height of the map.

    Returns
    -------
    str
        The HTML page (the map is embedded whole, as an ``<iframe srcdoc>``).
    """
    m = route_map(
        analysis, routes, transits=transits, crossings=crossings, boundaries=boundaries,
        places=places, focus=focus, bands_km=bands_km, tiles=tiles, height="100%",
    )  # fmt: skip
    if boundaries is None:
        from georoutes import load_boundaries

        boundaries = load_boundaries()
    state_names = {str(c): str(n) for c, n in zip(boundaries["code"], boundaries["name"],
                                                   strict=True)}  # fmt: skip
    focus_codes = list(analysis.attrs.get("focus", ())) if focus is None else (
        [focus] if isinstance(focus, str) else list(focus))  # fmt: skip
    bands = analysis.attrs.get("bands_km", ()) if bands_km is None else (
        [bands_km] if isinstance(bands_km, int | float) else list(bands_km))  # fmt: skip
    colours = state_colours(analysis)
    columns, rows = _table(analysis, focus_codes, list(colours))
    info = analysis.attrs.get("boundaries") or {}
    boundaries_info = {
        "name": info.get("name") or boundaries.attrs.get("name", "boundary layer"),
        "version": info.get("version") or boundaries.attrs.get("version", ""),
    }
    sections = [{"title": str(t), "body": body} for t, body in (extra_sections or ())]
    return templates().get_template("report.html").render(
        title=title, version=_version(), routes=rows, columns=columns, rows=rows,
        focus=focus_codes, bands=[f"{float(b):g}" for b in bands], boundaries=boundaries_info,
        map_html=map_html(m), map_height_px=int(map_height_px),
        chart=_chart(analysis, colours, state_names), crossings=_crossing_rows(analysis),
        extra_sections=sections, sources=_sources(routes, sources), tiles=tiles,
    )  # fmt: skip


def write_report(path: str | os.PathLike[str], analysis: pd.DataFrame,
                 routes: gpd.GeoDataFrame, **kwargs: Any) -> Path:
    """Build the report (see :func:`build_report`) and write it to ``path`` atomically."""
    html = build_report(analysis, routes, **kwargs)
    return write_atomic(path, html.encode("utf-8"))


def scenario_sections(analysis: pd.DataFrame) -> list[tuple[str, Markup]]:
    """Return the seed scenario's answers as report sections (empty when they do not apply).

    The tables come from :func:`georoutes.compare.seed_scenario` (fees, costs, exposure of the
    pipeline options; km by Russia / China / others / sea for the Busan → Europe corridors);
    here they are only rendered, every cell escaped by pandas.
    """
    from georoutes.compare import seed_scenario

    try:
        tables = seed_scenario(analysis)
    except Exception:  # a user's routes without the seed ids: no scenario section
        return []
    out: list[tuple[str, Markup]] = []
    for table in tables.values():
        if table.empty:
            continue
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
        out.append((str(table.attrs.get("title", "Scenario")), Markup("").join(parts)))
    return out


def sensitivity_sections(analysis: pd.DataFrame) -> list[tuple[str, Markup]]:
    """Return a section showing how each figure moves on the other boundary layers, if any.

    The differences come from ``analyze(..., sensitivity=...)`` (alternative minus the layer the
    report is built on); here they are only formatted, as signed km, every cell escaped.
    """
    if "sensitivity" not in analysis.columns:
        return []
    layers = analysis.attrs.get("sensitivity", {})
    base = analysis.attrs.get("boundaries", {})
    out: list[tuple[str, Markup]] = []
    for key, meta in layers.items():
        rows = []
        for rid, row in analysis.iterrows():
            delta = row["sensitivity"][key]
            rec: dict[str, Any] = {"route": str(rid)}
            moved = {c: v for c, v in delta["km_by_state"].items() if abs(v) >= 0.05}
            rec["km by state ±"] = " ".join(f"{c} {v:+,.1f}" for c, v in moved.items()) or "0"
            rec["offshore km ±"] = f"{delta['offshore_km']:+,.1f}"
            for code, ex in delta["exposure"].items():
                rec[f"{code} inside ±"] = f"{ex['inside_km']:+,.1f}"
                for d, v in ex["within_km"].items():
                    rec[f"{code} ≤{d} km ±"] = f"{v:+,.1f}"
                rec[f"{code} nearest ±"] = f"{ex['min_distance_km']:+,.1f}"
            rec["crossings"] = (f"+{len(delta['crossings_added'])} / "
                                f"−{len(delta['crossings_removed'])}")
            rec["states change"] = "yes" if delta["states_changed"] else ""
            rows.append(rec)
        table = pd.DataFrame(rows).set_index("route")
        intro = Markup(
            "<p>Every figure above is measured on <strong>{}</strong> ({}). This table gives how "
            "far each would move on <strong>{}</strong> ({}): the other layer's value minus this "
            "one's, in km; crossings that appear / disappear.</p>"
        ).format(base.get("name", ""), base.get("version", ""), meta.get("name", key),
                 meta.get("version", ""))
        body = intro + Markup(table.to_html(escape=True, classes="scenario", border=0))
        out.append((f"Sensitivity to the boundary data: {meta.get('name', key)}", body))
    return out
