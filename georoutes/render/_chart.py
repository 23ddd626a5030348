"""The report's chart: km by state of every route, as small multiples, one panel per family.

Each family (see :mod:`georoutes.render._answer`) gets its own linear km axis, so a 40 km
railway and a 26,000 km sea lane are each readable; rows are in the answer table's order and
labels are whole (a name longer than the label column is shortened with an ellipsis only past
~100 characters, and always shown whole on hover). State colours are :func:`state_colour`'s,
the same in every report and map. At most :data:`MAX_BARS` bars are drawn (the table lists
every route): a big batch gets a chart that still fits a screen.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from markupsafe import Markup

from georoutes.render._answer import Family, row_of
from georoutes.render._html import OFFSHORE_COLOUR, as_list, is_missing, number, templates

__all__ = ["MAX_BARS", "chart"]

#: The most bars the chart draws; families share them in proportion to their size.
MAX_BARS = 40
#: Estimated width of one label character, px (11 px sans-serif, a little generous).
_CHAR_PX = 6.3


def _nice_step(span: float, target_ticks: int = 5) -> float:
    raw = max(span, 1e-9) / target_ticks
    magnitude = 10.0 ** math.floor(math.log10(raw))
    return next(m * magnitude for m in (1.0, 2.0, 2.5, 5.0, 10.0) if m * magnitude >= raw)


@dataclass(frozen=True)
class _Layout:
    width: int = 1200
    right: int = 78
    bar_height: int = 13
    pitch: int = 18  # bar + gap
    title_height: int = 22
    axis_height: int = 22
    panel_gap: int = 10
    max_label_px: int = 640


def _quotas(families: Sequence[Family], limit: int) -> dict[str, int]:
    total = sum(len(f.ids) for f in families)
    if total <= limit:
        return {f.key: len(f.ids) for f in families}
    return {
        f.key: min(len(f.ids), max(2, math.floor(limit * len(f.ids) / total))) for f in families
    }


def _label(name: str, label_px: int) -> str:
    chars = int(label_px / _CHAR_PX)
    return name if len(name) <= chars else name[: max(1, chars - 1)] + "…"


def _segments(row: pd.Series, colours: Mapping[str, str]) -> list[tuple[str, float, str]]:
    km_by_state = {str(k): float(v) for k, v in (row.get("km_by_state") or {}).items()}
    order = [str(s) for s in as_list(row.get("states")) if str(s) in km_by_state]
    order = list(dict.fromkeys(order + sorted(km_by_state, key=lambda c: -km_by_state[c])))
    pieces = [(code, km_by_state[code], colours.get(code, "#999999")) for code in order]
    pieces.append(("offshore", number(row.get("offshore_km")) or 0.0, OFFSHORE_COLOUR))
    return [p for p in pieces if p[1] > 0]


def _panel(
    family: Family,
    shown: int,
    analysis: pd.DataFrame,
    colours: Mapping[str, str],
    lay: _Layout,
    left: int,
    y0: int,
) -> tuple[dict[str, Any], int]:
    ids = family.ids[:shown]
    plot_width = lay.width - left - lay.right
    longest = max((number(analysis.loc[i, "length_km"]) or 0.0 for i in ids), default=0.0) or 1.0
    step = _nice_step(longest)
    top = math.ceil(longest / step) * step
    scale = plot_width / top  # px per km, this panel only
    bars = []
    y = y0 + lay.title_height
    for rid in ids:
        row = row_of(analysis, rid)
        name = str(rid) if is_missing(row.get("name")) else str(row.get("name"))
        x, segments = float(left), []
        for label, km, colour in _segments(row, colours):
            w = km * scale  # pixels for the km analyze() gave
            segments.append(
                {"x": round(x, 2), "w": round(w, 2), "km": km, "label": label, "colour": colour}
            )
            x += w
        length_km = number(row.get("length_km")) or 0.0
        bars.append(
            {
                "id": rid,
                "name": name,
                "label": _label(name, left - 10),
                "y": y,
                "segments": segments,
                "end": round(left + length_km * scale, 2),
                "length_km": length_km,
            }
        )
        y += lay.pitch
    ticks, value = [], 0.0
    while value <= top + 1e-9:
        ticks.append({"x": round(left + value * scale, 2), "label": f"{value:,.0f}"})
        value += step
    more = len(family.ids) - shown
    title = family.title + (f" — {shown} of {len(family.ids)} routes shown" if more else "")
    panel = {
        "key": family.key,
        "title": title,
        "y": y0,
        "plot_top": y0 + lay.title_height - 3,
        "plot_bottom": y,
        "px_per_km": scale,
        "bars": bars,
        "ticks": ticks,
    }
    return panel, y + lay.axis_height + lay.panel_gap


def _legend(
    panels: Sequence[dict[str, Any]], state_names: Mapping[str, str], lay: _Layout, y: int
) -> tuple[list[dict[str, Any]], int]:
    used: dict[str, str] = {}
    for panel in panels:
        for bar in panel["bars"]:
            for seg in bar["segments"]:
                used.setdefault(seg["label"], seg["colour"])
    legend, lx, ly = [], 10, y
    for label, colour in used.items():
        text = label if label == "offshore" else f"{label} {state_names.get(label, '')}".strip()
        item_width = 26 + int(_CHAR_PX * len(text))
        if lx + item_width > lay.width - 10:
            lx, ly = 10, ly + 18
        legend.append({"x": lx, "y": ly, "colour": colour, "label": text})
        lx += item_width
    return legend, ly + 18


def chart(
    analysis: pd.DataFrame,
    families: Sequence[Family],
    colours: Mapping[str, str],
    state_names: Mapping[str, str],
) -> Markup:
    """Return the km-by-state chart (inline SVG): one panel per family, its own km axis."""
    lay = _Layout()
    quotas = _quotas(families, MAX_BARS)
    names = [
        str(i) if is_missing(analysis.loc[i].get("name")) else str(analysis.loc[i].get("name"))
        for f in families
        for i in f.ids[: quotas[f.key]]
    ]
    longest_label = max((len(n) for n in names), default=10)
    left = int(min(lay.max_label_px, max(120, longest_label * _CHAR_PX + 14)))
    panels, y = [], 4
    for family in families:
        panel, y = _panel(family, quotas[family.key], analysis, colours, lay, left, y)
        panels.append(panel)
    legend, height = _legend(panels, state_names, lay, y)
    svg = (
        templates()
        .get_template("chart.svg")
        .render(
            width=lay.width,
            height=height + 4,
            left=left,
            bar_height=lay.bar_height,
            panels=panels,
            legend=legend,
        )
    )
    return Markup(svg)
