"""The HTML comparison report: the answer first, then the chart, the map and the details.

The first screen is the answer (:mod:`georoutes.render._answer`): per physical route, km inside
and within each band of the focus state, the nearest approach and the transit states, in
families of comparable alternatives. Then the km-by-state chart (small multiples,
:mod:`georoutes.render._chart`), the map, every column, the crossings, the extra sections
(scenario, sensitivity) and the method. A route listed twice with the same line (see
:func:`georoutes.compare.duplicates`) is shown once, with its other ids.

One page (no remote scripts of its own; the map inside it carries Leaflet, see ``assets``).
Like the map, it only formats what :func:`georoutes.analyze` returns, through jinja2 templates
with autoescaping on, so names from users' files show as text.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, Unpack

import geopandas as gpd
import pandas as pd
from markupsafe import Markup

from georoutes._io import write_bytes_atomic
from georoutes.compare import distinct
from georoutes.render._answer import answer_columns, answer_families, answer_rows, band_keys
from georoutes.render._assets import Assets
from georoutes.render._chart import chart
from georoutes.render._html import (
    as_list,
    is_missing,
    number,
    render,
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
from georoutes.scenario import cell_text, column_label, seed_scenario

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


def _wrap(cell: dict[str, Any]) -> dict[str, Any]:
    """Return a text cell that wraps when long (a sea lane's dozens of states)."""
    return {**cell, "wrap": len(cell["text"]) > 40}


def _count_cell(value: int) -> dict[str, Any]:
    return {"text": str(value), "sort": str(value), "numeric": True}


def _name(route_id: object, row: pd.Series) -> str:
    name = row.get("name")
    return str(route_id) if is_missing(name) else str(name)


#: Up to this many states the table has a km column per state; beyond, one "km by state" cell.
MAX_STATE_COLUMNS = 12


def _km_by_state_text(row: pd.Series) -> str:
    km = {str(k): float(v) for k, v in (row["km_by_state"] or {}).items()}
    order = list(dict.fromkeys([str(s) for s in as_list(row["states"]) if str(s) in km] + list(km)))
    return " · ".join(f"{code} {km[code]:,.1f}" for code in order)


def _columns(
    analysis: pd.DataFrame, focus: Sequence[str], states: Sequence[str]
) -> tuple[list[_Column], dict[str, list[str]]]:
    columns = [
        _Column("route", False),
        _Column("id", False, "route id (= other ids listed with the same line)"),
        _Column("kind", False),
        _Column("length km", True),
        _Column("states", False),
        _Column("transit states", False),
        _Column("transits", True, "number of transit states"),
    ]
    if len(states) <= MAX_STATE_COLUMNS:
        columns += [_Column(f"km {code}", True, f"km in {code}") for code in states]
    else:  # dozens of states (sea lanes through territorial waters): one readable cell
        columns.append(_Column("km by state", False, "km in each state, in route order"))
    columns.append(_Column("offshore km", True, "km in no state's territory"))
    bands_of = {code: band_keys(analysis, code) for code in focus}
    for code in focus:
        columns.append(_Column(f"{code} inside km", True, f"km inside {code}"))
        columns += [
            _Column(f"{code} ≤{b} km", True, f"km within {b} km of {code}") for b in bands_of[code]
        ]
        columns.append(_Column(f"{code} nearest km", True, f"closest approach to {code}, km"))
    columns.append(_Column("crossings", True, "number of border crossings"))
    return columns, bands_of


def _table(
    analysis: pd.DataFrame,
    focus: Sequence[str],
    states: Sequence[str],
    aliases: Mapping[str, Sequence[str]],
) -> tuple[list[_Column], list[dict[str, Any]]]:
    columns, bands_of = _columns(analysis, focus, states)
    rows = []
    for route_id, row in analysis.iterrows():
        km_by_state = row["km_by_state"] or {}
        transit = [str(s) for s in as_list(row["transit_states"])]
        cells = [
            _cell(_name(route_id, row), numeric=False),
            _cell(" = ".join([str(route_id), *aliases.get(str(route_id), ())]), numeric=False),
            _cell(row.get("kind"), numeric=False),
            _cell(row["length_km"], numeric=True),
            _wrap(_cell(" → ".join(str(s) for s in as_list(row["states"])), numeric=False)),
            _wrap(_cell(", ".join(transit), numeric=False)),
            _count_cell(len(transit)),
        ]
        if len(states) <= MAX_STATE_COLUMNS:
            cells += [_cell(km_by_state.get(code, 0.0), numeric=True) for code in states]
        else:
            cells.append(_wrap(_cell(_km_by_state_text(row), numeric=False)))
        cells.append(_cell(row["offshore_km"], numeric=True))
        for code in focus:
            exposure = (row["exposure"] or {}).get(code) or {}
            cells.append(_cell(exposure.get("inside_km"), numeric=True))
            within = exposure.get("within_km") or {}
            cells += [_cell(within.get(b), numeric=True) for b in bands_of[code]]
            cells.append(_cell(exposure.get("min_distance_km"), numeric=True))
        cells.append(_count_cell(len(as_list(row["crossings"]))))
        rows.append({"id": str(route_id), "cells": cells})
    return columns, rows


#: What a state's territory is under each model, as the report says it.
_TERRITORY = {
    "land": "territory = land only",
    "territorial": "territory = land and the 12 nm territorial sea",
    "eez": "territory = land, territorial sea and the 200 nm EEZ (modelled, not the legal line)",
}


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
    shown, aliases = distinct(analysis, routes)
    m = route_map(shown, routes, opts, tiles=tiles, height="100%", assets=assets)
    layer = scene_layer(analysis, opts.boundaries)
    state_names = {str(c): str(n) for c, n in zip(layer["code"], layer["name"], strict=True)}
    focus = focus_codes(opts.focus, analysis)
    colours = state_colours(shown)
    families = answer_families(shown, focus, _place_names(shown, opts.places))
    columns, rows = _table(shown, focus, list(colours), aliases)
    answer_cols, groups = answer_columns(shown, focus, state_names)
    sections = [{"title": str(t), "body": body} for t, body in (extra_sections or ())]
    return (
        templates()
        .get_template("report.html")
        .render(
            title=title,
            version=_version(),
            routes=rows,
            n_input=len(analysis),
            duplicates=[(kept, dups) for kept, dups in aliases.items()],
            columns=columns,
            rows=rows,
            answer_columns=answer_cols,
            answer_groups=[(code, groups[code], 2 + len(band_keys(shown, code))) for code in focus],
            answer=[{"family": f, "rows": answer_rows(shown, f, focus, aliases)} for f in families],
            focus=focus,
            bands=[f"{b:g}" for b in bands(opts.bands_km, analysis)],
            boundaries=layer_description(analysis, layer),
            territory=_TERRITORY.get(str(analysis.attrs.get("waters", "land")), ""),
            map_html=map_html(m),
            map_height_px=int(map_height_px),
            chart=chart(shown, families, colours, state_names),
            crossings=_crossing_rows(shown),
            extra_sections=sections,
            sources=_sources(routes, sources),
            tiles=tiles,
        )
    )


def _place_names(analysis: pd.DataFrame, places: gpd.GeoDataFrame | None) -> dict[str, str]:
    """Return place id → name for the routes' origins and destinations (catalog places)."""
    wanted = {
        str(v)
        for column in ("origin", "destination")
        if column in analysis.columns
        for v in analysis[column]
        if not is_missing(v)
    }
    if not wanted:
        return {}
    if places is None or "id" not in places.columns or "name" not in places.columns:
        from georoutes.catalog import places as catalog_places  # only when corridors are shown

        places = catalog_places()
    names = {str(i): str(n) for i, n in zip(places["id"], places["name"], strict=True)}
    return {key: names[key] for key in wanted if key in names and not is_missing(names[key])}


def write_report(
    path: str | os.PathLike[str], analysis: pd.DataFrame, routes: gpd.GeoDataFrame, **kwargs: Any
) -> Path:
    """Build the report (see :func:`build_report`) and write it to ``path`` atomically."""
    html = build_report(analysis, routes, **kwargs)
    return write_bytes_atomic(path, html.encode("utf-8"))


def frame_table(
    frame: pd.DataFrame,
    *,
    index_label: str = "route",
    label: Callable[[str], str] = str,
    text: Callable[[str, object], str] | None = None,
) -> Markup:
    """Return a table (index first) as a sortable HTML table: numbers right-aligned.

    ``label`` names a column (units included), ``text`` formats a cell (default: km with one
    decimal); a column is numeric when its dtype is, or when every cell reads as a signed
    number (the sensitivity table's ``+1.2``).
    """

    def fmt(column: str, value: object) -> str:
        if text is not None:
            return text(column, value)
        v = None if is_missing(value) or value is pd.NA else value
        if isinstance(v, float | int) and not isinstance(v, bool):
            return f"{float(v):,.1f}"
        return "—" if v is None else str(v)

    columns = [{"label": index_label, "numeric": False}]
    numeric = []
    for column in frame.columns:
        series = frame[column]
        is_num = bool(pd.api.types.is_numeric_dtype(series)) and not pd.api.types.is_bool_dtype(
            series
        )
        if not is_num:
            values = [str(v) for v in series if not is_missing(v)]
            is_num = bool(values) and all(_NUMBER.fullmatch(v) for v in values)
        numeric.append(is_num)
        columns.append({"label": label(str(column)), "numeric": is_num})
    rows = []
    for index, row in frame.iterrows():
        cells = [{"text": str(index), "sort": str(index), "numeric": False}]
        for column, is_num in zip(frame.columns, numeric, strict=True):
            value = row[column]
            shown = fmt(str(column), value)
            sort = shown
            if is_num:
                n = (
                    None
                    if is_missing(value) or value is pd.NA
                    else number(str(value).replace(",", "").replace("+", "").replace("−", "-"))
                )
                sort = "" if n is None else repr(n)
            cells.append({"text": shown, "sort": sort, "numeric": is_num})
        rows.append(cells)
    return render("frame_table.html", columns=columns, rows=rows)


_NUMBER = re.compile(r"[+\-−]?[\d,]*\.?\d+")


def _corridor_destinations(table: pd.DataFrame, analysis: pd.DataFrame) -> dict[str, str]:
    if "destination" not in analysis.columns:
        return {}
    out = {}
    for rid in table.index:
        if rid in analysis.index and not is_missing(analysis.loc[rid, "destination"]):
            out[str(rid)] = str(analysis.loc[rid, "destination"])
    return out


def _scenario_section(table: pd.DataFrame, analysis: pd.DataFrame) -> Markup:
    parts = []
    if table.attrs.get("question"):
        parts.append(Markup("<p><em>{}</em></p>").format(table.attrs["question"]))
    answers = list(table.attrs.get("answers") or [])
    shown = table.copy()
    note = ""
    ends = _corridor_destinations(shown, analysis)
    if len(set(ends.values())) > 1 and "length_km" in shown.columns:
        # corridors to different places are not alternatives: say so, and rank within each
        names = _place_names(analysis.loc[list(ends)], None)
        shown.insert(
            0, "to", [names.get(ends.get(str(i), ""), ends.get(str(i), "—")) for i in shown.index]
        )
        shown = shown.sort_values("to", kind="stable")
        answers = [a for a in answers if "shortest" not in str(a).lower()]
        for to, group in shown.groupby("to", sort=False):
            lengths = group["length_km"].astype("float64")
            best = str(lengths.idxmin())
            answers.append(f"Shortest to {to}: {best} ({float(lengths.min()):,.0f} km).")
        note = (
            "These corridors end in different places ("
            + ", ".join(dict.fromkeys(shown["to"]))
            + "): lengths compare only between corridors to the same place."
        )
    if answers:
        items = Markup("").join(Markup("<li>{}</li>").format(a) for a in answers)
        parts.append(Markup("<ul>{}</ul>").format(items))
    index_label = "route" if shown.index.name in (None, "id") else str(shown.index.name)
    parts.append(
        frame_table(shown, index_label=index_label, label=column_label, text=_scenario_text)
    )
    for text in (note, table.attrs.get("note")):
        if text:
            parts.append(Markup("<p class='note'>{}</p>").format(text))
    return Markup("").join(parts)


def _scenario_text(column: str, value: object) -> str:
    return "—" if value is pd.NA else cell_text(column, value).replace("\\|", "|")


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
        (str(table.attrs.get("title", "Scenario")), _scenario_section(table, analysis))
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
        body = intro + frame_table(table)
        out.append((f"Sensitivity to the boundary data: {meta.get('name', key)}", body))
    return out
