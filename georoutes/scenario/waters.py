"""The seed's questions at sea: km of each route at sea in each state's waters, and how it crosses.

The East Sea subsea line bypasses the DPRK's land, but does it enter the DPRK's waters? How much
of the Yellow Sea line lies in Chinese waters? Which states' straits and zones does each sea lane
pass? Answered from ``km_by_zone`` (land, territorial sea, EEZ per state; the EEZ modelled by
equidistance unless the analysis used a legal layer) and the crossings' ``via``.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from georoutes.scenario.seed import SEED_PIPELINE_ID, names_of, titled
from georoutes.waters import SEA_KINDS

__all__ = ["SEA_QUESTION_IDS", "waters_table"]

#: The catalog routes the seed's sea questions are about (the subsea line, the Yellow Sea line).
SEA_QUESTION_IDS = {
    "subsea": "pipeline-east-sea-subsea",
    "yellow_sea": "pipeline-china-yellow-sea",
}

_COLUMNS = [
    "route_id",
    "route",
    "kind",
    "state",
    "land_km",
    "territorial_km",
    "eez_km",
    "entered_via",
    "high_seas_km",
]


def _at_sea(row: pd.Series) -> bool:
    """Return whether a route is at sea: a pipeline or sea route in waters, any route in an EEZ.

    (Railways and roads cross rivers and bays, internal waters, without being "at sea".)
    """
    zones = row.get("km_by_zone") or {}
    eez = sum(z.get("eez_km", 0.0) for z in zones.values())
    waters = eez + sum(z.get("territorial_km", 0.0) for z in zones.values())
    kind = str(row.get("kind", "")).strip().lower()
    return eez > 0.05 or (waters > 0.05 and (kind == "pipeline" or kind in SEA_KINDS))


def _entered(row: pd.Series) -> dict[str, str]:
    """Return, per state, how the route first enters its territory (the crossing's via)."""
    out: dict[str, str] = {}
    for x in row["crossings"]:
        out.setdefault(str(x["to"]), str(x["via"]))
    return out


def waters_table(analysis: pd.DataFrame) -> pd.DataFrame:
    """Return, per route at sea and state on it, km on land, in the territorial sea, in the EEZ.

    Parameters
    ----------
    analysis : pandas.DataFrame
        The table returned by :func:`georoutes.analyze` under ``waters="territorial"`` or
        ``"eez"`` (under ``"land"`` there are no zones and the table is empty, with a note).

    Returns
    -------
    pandas.DataFrame
        One row per (route, state), indexed by route id, states in order along the route:
        ``route``,
        ``kind``, ``state``, ``land_km``, ``territorial_km`` (waters within 12 nm, internal
        waters included), ``eez_km``, ``entered_via`` (how the route enters that state's
        territory: land, maritime, landfall, sea; empty for the first state) and the route's
        ``high_seas_km``. ``attrs["answers"]`` states the seed's findings.
    """
    waters = str(analysis.attrs.get("waters", "land"))
    rows: list[dict[str, Any]] = []
    names: dict[Any, Any] = names_of(analysis).to_dict()
    seen: set[tuple[Any, ...]] = set()
    if waters != "land":
        for rid, row in analysis.iterrows():
            # A line listed twice (a sea lane and the corridor made of it alone) is shown once.
            same = (round(float(row["length_km"]), 6), tuple(row["states"]))
            if not _at_sea(row) or same in seen:
                continue
            seen.add(same)
            via = _entered(row)
            zones = row["km_by_zone"]
            for code, z in zones.items():  # in the order the route reaches them
                rows.append(
                    {
                        "route_id": str(rid),
                        "route": names[rid],
                        "kind": row["kind"],
                        "state": code,
                        "land_km": z.get("land_km", 0.0),
                        "territorial_km": z.get("territorial_km", 0.0),
                        "eez_km": z.get("eez_km", 0.0),
                        "entered_via": via.get(code, ""),
                        "high_seas_km": row["high_seas_km"],
                    }
                )
    table = pd.DataFrame(rows, columns=_COLUMNS)
    table.index = pd.Index(table["route_id"].tolist(), name="id")
    table = table.drop(columns="route_id")
    note = (
        ""
        if waters != "land"
        else "the analysis measured land only (waters='land'): run it with "
        "waters='territorial' or 'eez' for the zones"
    )
    return titled(
        table,
        title="At sea: km in each state's waters",
        question=(
            "Does the East Sea subsea line enter the DPRK's waters? How much of the Yellow Sea "
            "line lies in Chinese waters? Whose straits and zones do the sea lanes pass?"
        ),
        note=note
        + ("; " if note else "")
        + "EEZ figures use the modelled zones (equidistance, 200 nm), not the legal boundaries",
        answers=_answers(analysis, table) if waters != "land" else [],
    )


def _km(table: pd.DataFrame, rid: str, code: str, column: str) -> float:
    sel = table[(table.index == rid) & (table["state"] == code).to_numpy()]
    return float(sel[column].sum()) if len(sel) else 0.0


def _answers(analysis: pd.DataFrame, table: pd.DataFrame) -> list[str]:
    out = []
    sub = SEA_QUESTION_IDS["subsea"]
    if sub in analysis.index:
        ts, eez = _km(table, sub, "PRK", "territorial_km"), _km(table, sub, "PRK", "eez_km")
        land = _km(table, sub, "PRK", "land_km")
        verdict = "enters" if ts + eez + land > 0.05 else "stays out of"
        out.append(
            f"{sub} {verdict} the DPRK's waters: {ts:,.1f} km in its territorial sea, "
            f"{eez:,.1f} km in its (modelled) EEZ, {land:,.1f} km on its land."
        )
    ys = SEA_QUESTION_IDS["yellow_sea"]
    if ys in analysis.index:
        ts, eez = _km(table, ys, "CHN", "territorial_km"), _km(table, ys, "CHN", "eez_km")
        out.append(
            f"{ys}: {ts:,.1f} km in China's territorial sea and {eez:,.1f} km in its "
            f"(modelled) EEZ, besides {_km(table, ys, 'CHN', 'land_km'):,.1f} km on its land."
        )
    if SEED_PIPELINE_ID in analysis.index:
        xings: list[dict[str, Any]] = list(analysis.loc[SEED_PIPELINE_ID, "crossings"])  # type: ignore[arg-type]
        first = xings[0] if xings else None
        if first is not None:
            out.append(
                f"{SEED_PIPELINE_ID} crosses {first['from']} → {first['to']} via {first['via']} "
                f"at km {first['km']:,.1f} (the Tumen: a river border)."
            )
    lanes = table[table["kind"].isin(["sea", "shipping"])]
    for rid, group in lanes.groupby(level=0, sort=False):
        top = group.assign(water=group["territorial_km"] + group["eez_km"]).nlargest(3, "water")
        listed = ", ".join(f"{r.state} {r.water:,.0f}" for r in top.itertuples())
        high = float(group["high_seas_km"].iloc[0])
        high_text = f"{high:,.0f} km" if math.isfinite(high) else "n/a"
        out.append(
            f"{rid}: {group['state'].nunique()} states' waters; most km in {listed} "
            f"(territorial sea + EEZ); high seas {high_text}."
        )
    return out
