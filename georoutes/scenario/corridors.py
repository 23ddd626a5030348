"""The seed's Busan → Europe corridors: km through Russia, through China, through others, at sea."""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

from georoutes.compare import select
from georoutes.economics import km_by_state_of
from georoutes.scenario.seed import (
    SEED_CORRIDOR_IDS,
    SEED_CORRIDOR_PREFIX,
    SEED_CORRIDOR_STATE,
    SEED_FOCUS,
    route_chain,
    state_name,
    titled,
)

__all__ = ["corridors_table"]


def _seed_corridors(analysis: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Return the seed's corridors in the analysis (then others with the prefix), and the absent."""
    present = [str(i) for i in analysis.index]
    wanted = [i for i in SEED_CORRIDOR_IDS if i in present] + [
        i for i in present if i.startswith(SEED_CORRIDOR_PREFIX) and i not in SEED_CORRIDOR_IDS
    ]
    absent = [i for i in SEED_CORRIDOR_IDS if i not in present]
    return analysis.loc[wanted], absent


def _water_km(row: pd.Series) -> float:
    """Return a corridor's km over water: off the land polygons (``km_by_zone`` when measured)."""
    zones = row.get("km_by_zone")
    if isinstance(zones, dict) and any("territorial_km" in z for z in zones.values()):
        land = math.fsum(float(z.get("land_km", 0.0)) for z in zones.values())
        return float(row["length_km"]) - land
    return float(row["offshore_km"])


def _least(table: pd.DataFrame, column: str) -> str:
    """Return the ids of the rows with the least value of ``column``, comma-separated."""
    return ", ".join(map(str, table.index[table[column] == table[column].min()]))


def corridors_table(
    analysis: pd.DataFrame,
    *,
    corridor_ids: Sequence[str] | None = None,
    focus: str = SEED_FOCUS,
    corridor_state: str = SEED_CORRIDOR_STATE,
) -> pd.DataFrame:
    """Return, per Busan → Europe corridor, its km through two states, through others, at sea.

    Parameters
    ----------
    analysis : pandas.DataFrame
        The table returned by :func:`georoutes.analyze`.
    corridor_ids : sequence of str, optional
        The corridors; default :data:`SEED_CORRIDOR_IDS` that are in the analysis, then every
        other id starting with :data:`SEED_CORRIDOR_PREFIX` (the note lists the absent ones).
    focus : str, default "CHN"
        The first state of the comparison.
    corridor_state : str, default "RUS"
        The other one.

    Returns
    -------
    pandas.DataFrame
        ``name``, ``length_km``, ``states``, ``km_by_state.<corridor_state>``,
        ``km_by_state.<focus>``, ``other_states_km`` (inside neither), ``offshore_km``
        (outside every state's territory), ``water_km`` (off the land polygons: sea, estuaries,
        wide rivers), km; ``destination``.
        The answers compare corridors to the same destination only.
    """
    if corridor_ids is None:
        corridors, absent = _seed_corridors(analysis)
    else:
        corridors, absent = select(analysis, corridor_ids), []
    km_by_state = corridors["km_by_state"].map(km_by_state_of)
    pair = (corridor_state, focus)
    table = pd.DataFrame(index=corridors.index.copy())
    table["name"] = corridors["name"] if "name" in corridors.columns else ""
    table["length_km"] = corridors["length_km"].astype("float64")
    table["states"] = corridors["states"].map(route_chain)
    for state in pair:
        table[f"km_by_state.{state}"] = km_by_state.map(lambda km, s=state: km.get(s, 0.0))
    table["other_states_km"] = km_by_state.map(
        lambda km: math.fsum(v for s, v in km.items() if s not in pair)
    )
    table["offshore_km"] = corridors["offshore_km"].astype("float64")
    table["water_km"] = [_water_km(row) for _, row in corridors.iterrows()]
    table["destination"] = (
        corridors["destination"].astype(object).where(corridors["destination"].notna(), "")
        if "destination" in corridors.columns
        else ""
    )
    if corridor_ids is None and not len(table):
        note = (
            "no Busan → Europe corridors in the analysis (ids "
            + ", ".join(SEED_CORRIDOR_IDS)
            + "); they appear once analyze() accepts the corridors of "
            "georoutes.catalog.corridors()"
        )
    else:
        note = f"missing from the analysis: {', '.join(absent)}" if absent else ""
    answers: list[str] = []
    # Corridors are compared only with corridors to the same place.
    for destination, group in table.groupby("destination", sort=False):
        to = f"To {destination!s}: " if destination else ""
        answers += [
            f"{to}least km in {state_name(focus)}: {_least(group, f'km_by_state.{focus}')}.",
            f"{to}least km in {state_name(corridor_state)}: "
            f"{_least(group, f'km_by_state.{corridor_state}')}.",
            f"{to}least km in states neither {state_name(corridor_state)} nor "
            f"{state_name(focus)}: {_least(group, 'other_states_km')}.",
        ]
        position = int(group["length_km"].to_numpy().argmin())
        shortest_km = float(group["length_km"].to_numpy()[position])
        sea_km = float(group["water_km"].to_numpy()[position])
        answers.append(
            f"{to}shortest: {group.index[position]} ({shortest_km:,.0f} km, of which "
            f"{sea_km:,.0f} over water)."
        )
    answers = [a[0].upper() + a[1:] for a in answers]
    if table["destination"].nunique() > 1:
        note = (note + "; " if note else "") + (
            "the corridors end in different places: each is compared with those to the same "
            "destination"
        )
    a, b = state_name(corridor_state), state_name(focus)
    return titled(
        table,
        title=f"Busan → Europe corridors: km through {a}, {b}, other states and at sea",
        question=(
            f"For the Busan → Europe corridors, how many km run through {a}, through {b}, "
            "through states that are neither, and at sea?"
        ),
        note=note,
        answers=answers,
    )
