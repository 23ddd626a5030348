"""The report's first screen: the focus-exposure answer, one compact row per physical route.

Routes are shown in families of comparable alternatives: routes with an ``origin`` and a
``destination`` (corridors) are grouped by that pair, so a corridor is only ever ranked against
corridors between the same two places; every other route by its ``kind``. Inside a family the
rows run from the least to the most exposed to the (first) focus state: km inside it, then km
within each band from the narrowest, then the farther nearest approach first. Nothing is
computed here: every figure is a value of :func:`georoutes.analyze`'s table, formatted.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import pandas as pd

from georoutes.render._html import as_list, is_missing, kind_key, number

__all__ = [
    "Family",
    "answer_columns",
    "answer_families",
    "band_keys",
    "exposure_of",
    "row_of",
]


def row_of(analysis: pd.DataFrame, route_id: str) -> pd.Series:
    """Return the analysis row of one route id (the index is unique)."""
    return cast(pd.Series, analysis.loc[route_id])


#: How many transit states a row of the answer table names (in order, each once); the rest are
#: counted ("+12") and all listed on hover. A sea lane through territorial waters can
#: have dozens.
TRANSIT_SHOWN = 4


@dataclass
class Family:
    """Routes that are alternatives to each other: one kind, or one origin → destination."""

    key: str
    title: str
    ids: list[str] = field(default_factory=list)
    corridor: bool = False


def exposure_of(row: Any, code: str) -> dict[str, Any]:
    """Return a row's exposure record for focus state ``code`` (empty when absent)."""
    return dict(((row.get("exposure") or {}).get(code)) or {})


def band_keys(analysis: pd.DataFrame, code: str) -> list[str]:
    """Return the band keys (as the analysis stores them) of ``code``, narrowest first."""
    keys: set[str] = set()
    for exposure in analysis["exposure"]:
        keys.update(((exposure or {}).get(code) or {}).get("within_km", {}).keys())
    return sorted(keys, key=float)


def _place_name(place: object, place_names: Mapping[str, str]) -> str:
    text = str(place)
    return place_names.get(text, text)


def _family_of(row: pd.Series, place_names: Mapping[str, str]) -> tuple[str, str, bool]:
    origin, destination = row.get("origin"), row.get("destination")
    if not is_missing(origin) and not is_missing(destination):
        title = f"{_place_name(origin, place_names)} → {_place_name(destination, place_names)}"
        return f"od:{origin}→{destination}", title, True
    kind = kind_key(row.get("kind"))
    return f"kind:{kind}", kind[:1].upper() + kind[1:], False


def _sort_key(row: pd.Series, focus: Sequence[str], bands: Mapping[str, Sequence[str]]) -> tuple:
    def value(v: object) -> float:
        n = number(v)
        return math.inf if n is None or math.isnan(n) else n

    key: list[float] = []
    for code in focus:
        e = exposure_of(row, code)
        key.append(value(e.get("inside_km")))
        within = e.get("within_km") or {}
        key += [value(within.get(b)) for b in bands[code]]
        nearest = value(e.get("min_distance_km"))
        key.append(-nearest if math.isfinite(nearest) else math.inf)
    key.append(value(row.get("length_km")))
    return tuple(key)


def answer_families(
    analysis: pd.DataFrame, focus: Sequence[str], place_names: Mapping[str, str]
) -> list[Family]:
    """Return the families of ``analysis``' rows (first appearance), least exposed first.

    A family's title names its kind (``Pipeline``) or its origin → destination with the kinds
    of its routes (``Busan → Kars (rail+ferry)``).
    """
    bands = {code: band_keys(analysis, code) for code in focus}
    families: dict[str, Family] = {}
    kinds: dict[str, list[str]] = {}
    for route_id, row in analysis.iterrows():
        key, title, corridor = _family_of(row, place_names)
        family = families.setdefault(key, Family(key, title, corridor=corridor))
        family.ids.append(str(route_id))
        kinds.setdefault(key, [])
        kind = kind_key(row.get("kind"))
        if kind not in kinds[key]:
            kinds[key].append(kind)
    rows = {str(i): row for i, row in analysis.iterrows()}
    for family in families.values():
        family.ids.sort(key=lambda rid: _sort_key(rows[rid], focus, bands))
        if family.corridor:
            family.title += f" ({', '.join(kinds[family.key])})"
    return list(families.values())


@dataclass(frozen=True)
class AnswerColumn:
    """A column of the answer table: its group heading (a focus state), label, sort type."""

    label: str
    group: str | None = None
    numeric: bool = True
    title: str | None = None


def answer_columns(
    analysis: pd.DataFrame, focus: Sequence[str], state_names: Mapping[str, str]
) -> tuple[list[AnswerColumn], dict[str, str]]:
    """Return the answer table's columns and the heading of each focus state's column group."""
    columns = [AnswerColumn("route", numeric=False), AnswerColumn("length", title="length, km")]
    groups: dict[str, str] = {}
    for code in focus:
        name = state_names.get(code, "")
        groups[code] = f"{name} ({code}), km" if name and name != code else f"{code}, km"
        columns.append(AnswerColumn("inside", code, title=f"km inside {code}"))
        columns += [
            AnswerColumn(f"≤ {float(b):g} km", code, title=f"km within {float(b):g} km of {code}")
            for b in band_keys(analysis, code)
        ]
        columns.append(AnswerColumn("nearest", code, title=f"closest approach to {code}, km"))
    columns.append(AnswerColumn("transit states", numeric=False))
    return columns, groups


def km_cell(value: object) -> dict[str, Any]:
    """Return a km cell: text with one decimal, sort key, and whether it is zero (muted)."""
    v = number(value)
    if v is None or math.isnan(v):
        return {"text": "—", "sort": "", "numeric": True, "zero": True}
    return {"text": f"{v:,.1f}", "sort": repr(v), "numeric": True, "zero": v == 0.0}


def answer_rows(
    analysis: pd.DataFrame,
    family: Family,
    focus: Sequence[str],
    aliases: Mapping[str, Sequence[str]],
) -> list[dict[str, Any]]:
    """Return the cells of a family's rows, in the family's order."""
    bands = {code: band_keys(analysis, code) for code in focus}
    out = []
    for rid in family.ids:
        row = row_of(analysis, rid)
        name = str(rid) if is_missing(row.get("name")) else str(row.get("name"))
        cells: list[dict[str, Any]] = [km_cell(row.get("length_km"))]
        for code in focus:
            e = exposure_of(row, code)
            cells.append(km_cell(e.get("inside_km")))
            within = e.get("within_km") or {}
            cells += [km_cell(within.get(b)) for b in bands[code]]
            cells.append(km_cell(e.get("min_distance_km")))
        transit = [str(s) for s in as_list(row.get("transit_states"))]
        distinct = list(dict.fromkeys(transit))
        shown = ", ".join(distinct[:TRANSIT_SHOWN])
        if len(distinct) > TRANSIT_SHOWN:
            shown += f" +{len(distinct) - TRANSIT_SHOWN}"
        out.append(
            {
                "id": str(rid),
                "name": name,
                "aliases": list(aliases.get(str(rid), ())),
                "cells": cells,
                "transit": shown,
                "transit_all": ", ".join(transit),
            }
        )
    return out
