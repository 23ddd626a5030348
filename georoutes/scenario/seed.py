"""The seed scenario's choices, and the small helpers its tables share.

The seed is the 2011 Russia–DPRK summit scenario: a gas pipeline from Russia through the DPRK to
South Korea, its alternatives, and the Busan → Europe corridors. Each constant is the default
of a parameter of :mod:`georoutes.scenario`.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from georoutes.economics import states_of

__all__ = [
    "SEED_BANDS_KM",
    "SEED_CORRIDOR_IDS",
    "SEED_CORRIDOR_PREFIX",
    "SEED_CORRIDOR_STATE",
    "SEED_FEE_USD_PER_YEAR",
    "SEED_FOCUS",
    "SEED_PIPELINE_DESTINATION",
    "SEED_PIPELINE_ID",
    "SEED_TRANSIT_STATE",
    "SEED_VOLUME_BCM_PER_YEAR",
    "STATE_NAMES",
    "names_of",
    "route_chain",
    "state_name",
    "titled",
]

#: The route id of the seed's pipeline (Russia → DPRK → ROK, 2011) in the route catalog.
SEED_PIPELINE_ID = "pipeline-rus-prk-kor-2011"
#: The transit state whose fee the seed quotes (the DPRK).
SEED_TRANSIT_STATE = "PRK"
#: The seed's fee for the DPRK, USD per year: seeds/economics.toml fee_estimate "seed-2011".
SEED_FEE_USD_PER_YEAR = 100_000_000.0
#: The volume that fee is quoted for, bcm per year (idem).
SEED_VOLUME_BCM_PER_YEAR = 10.0
#: The state whose nearness the seed weighs (km in / near China).
SEED_FOCUS = "CHN"
#: The state the corridor table sets next to the focus state (km through Russia).
SEED_CORRIDOR_STATE = "RUS"
#: The distance bands of the seed's analysis, km.
SEED_BANDS_KM = (10, 50, 100)
#: The seed's pipeline options are the pipelines that end in this state (South Korea).
SEED_PIPELINE_DESTINATION = "KOR"
#: The Busan → Europe corridors of the seed scenario, as the corridor catalog names them:
#: Trans-Korean + Trans-Siberian, via China (Trans-Manchurian / Trans-Mongolian), the middle
#: (Silk Road / TRACECA) route, and the sea route through Suez.
SEED_CORRIDOR_IDS = (
    "corridor-busan-europe-tsr",
    "corridor-busan-europe-china",
    "corridor-busan-europe-middle",
    "corridor-busan-europe-sea",
)
#: Any route id with this prefix is treated as a Busan → Europe corridor by :func:`seed_scenario`.
SEED_CORRIDOR_PREFIX = "corridor-busan-europe-"

#: How the tables' texts name the seed's states; any other state is named by its code.
STATE_NAMES = {"CHN": "China", "RUS": "Russia", "KOR": "South Korea"}


def state_name(code: str) -> str:
    """Return how the scenario's texts name a state: ``"China"`` for ``"CHN"``, else the code.

    Examples
    --------
    >>> state_name("RUS"), state_name("MNG")
    ('Russia', 'MNG')
    """
    return STATE_NAMES.get(code, code)


def titled(
    table: pd.DataFrame, *, title: str, question: str, note: str = "", answers: Sequence[str] = ()
) -> pd.DataFrame:
    """Return ``table`` with its title, question, note and one-line answers in ``attrs``.

    ``attrs`` is replaced: ``{"title", "question", "note", "answers"}``.
    """
    table.attrs = {"title": title, "question": question, "note": note, "answers": list(answers)}
    return table


def names_of(routes: pd.DataFrame) -> pd.Series:
    """Return the ``name`` column of ``routes``, or "" for each route if it has none."""
    if "name" in routes.columns:
        return routes["name"]
    return pd.Series("", index=routes.index)


def route_chain(states: object) -> str:
    """Return a route's states as text, ``"RUS → PRK → KOR"``.

    Examples
    --------
    >>> route_chain(["RUS", "PRK", "KOR"])
    'RUS → PRK → KOR'
    """
    return " → ".join(states_of(states))
