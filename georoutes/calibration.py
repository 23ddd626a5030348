"""The fee and cost model next to published figures.

:func:`calibrate_tariff` gives the tariff that reproduces a published transit fee;
:func:`capex_check` sets a pipeline's modelled capital cost next to its published estimates. The
model is :mod:`georoutes.economics`; the published figures are the sourced entries of
``seeds/economics.toml`` (:mod:`georoutes.assumptions`). The seed scenario's own calibration
(the DPRK's ~$100M a year) is :func:`georoutes.scenario.fee_calibration`.
"""

from __future__ import annotations

import math
from difflib import get_close_matches
from typing import Any

import pandas as pd

from georoutes.assumptions import first_source, load_assumptions
from georoutes.economics import (
    DEFAULT_OFFSHORE_USD_PER_KM,
    DEFAULT_ONSHORE_USD_PER_KM,
    TCM_PER_BCM,
    capex,
    check_analysis,
    check_rate,
    km_by_state_of,
    km_measure,
    states_of,
)
from georoutes.errors import GeorouteError

__all__ = ["calibrate_tariff", "capex_check", "km_in_state"]


def km_in_state(analysis: pd.DataFrame, route_id: str, state: str) -> float:
    """Return the km of route ``route_id`` inside ``state`` (> 0): track km when calibrated.

    The measure is :func:`georoutes.economics.km_measure`'s (the km fees are charged on).

    Parameters
    ----------
    analysis : pandas.DataFrame
        The table returned by :func:`georoutes.analyze`.
    route_id : str
        A route id of the analysis.
    state : str
        A state code, e.g. ``"PRK"``.

    Returns
    -------
    float
        Kilometres.

    Raises
    ------
    GeorouteError
        The route is not in the analysis (close ids are suggested) or has no km in ``state``.

    Examples
    --------
    >>> a = pd.DataFrame({"states": [["RUS", "PRK"]], "km_by_state": [{"RUS": 2, "PRK": 7}]},
    ...                  index=pd.Index(["p"], name="id"))
    >>> km_in_state(a, "p", "PRK")
    7.0
    """
    check_analysis(analysis, ("states", "km_by_state"))
    if route_id not in analysis.index:
        close = get_close_matches(str(route_id), [str(i) for i in analysis.index], n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise GeorouteError(f"route {route_id!r} is not in the analysis{hint}")
    km = km_by_state_of(km_measure(analysis.loc[[route_id]]).at[route_id, "km_by_state"]).get(
        state, 0.0
    )
    if km <= 0:
        states = states_of(analysis.at[route_id, "states"])
        raise GeorouteError(
            f"route {route_id!r} has no km in {state!r} (states: {' → '.join(states) or 'none'})"
        )
    return km


def calibrate_tariff(
    analysis: pd.DataFrame,
    *,
    route_id: str,
    state: str,
    target_usd_per_year: float,
    volume_bcm_per_year: float,
) -> float:
    """Return the tariff, USD per tcm per 100 km, at which ``state`` earns the target fee.

    The inverse of the fee model on the km the analysis measured for ``route_id`` in
    ``state``: tariff = target / (volume_tcm × km / 100).
    :func:`georoutes.scenario.calibrate_seed_tariff` calls it with the seed's figures.

    Parameters
    ----------
    analysis : pandas.DataFrame
        The table returned by :func:`georoutes.analyze`.
    route_id : str
        The pipeline whose fee was published.
    state : str
        The transit state that earns it, e.g. ``"PRK"``.
    target_usd_per_year : float
        The published fee, USD per year.
    volume_bcm_per_year : float
        The volume the fee was quoted for, bcm per year (> 0).

    Returns
    -------
    float
        USD per 1,000 m³ per 100 km.

    Raises
    ------
    GeorouteError
        As :func:`km_in_state`, or a figure is not a finite number >= 0 (volume > 0).

    Examples
    --------
    >>> a = pd.DataFrame({"states": [["RUS", "PRK", "KOR"]],
    ...                   "km_by_state": [{"RUS": 20.0, "PRK": 700.0, "KOR": 380.0}]},
    ...                  index=pd.Index(["p"], name="id"))
    >>> round(calibrate_tariff(a, route_id="p", state="PRK", target_usd_per_year=100e6,
    ...                        volume_bcm_per_year=10.0), 4)
    1.4286
    """
    km = km_in_state(analysis, route_id, state)
    target = check_rate("target_usd_per_year", target_usd_per_year)
    volume = check_rate("volume_bcm_per_year", volume_bcm_per_year)
    if volume == 0:
        raise GeorouteError("volume_bcm_per_year must be > 0 to calibrate a tariff")
    return target / (volume * TCM_PER_BCM * km / 100.0)


def capex_check(
    analysis: pd.DataFrame,
    *,
    route_id: str,
    onshore_usd_per_km: float = DEFAULT_ONSHORE_USD_PER_KM,
    offshore_usd_per_km: float = DEFAULT_OFFSHORE_USD_PER_KM,
) -> pd.DataFrame:
    """Return the model's capital cost for ``route_id`` next to the published estimates.

    Parameters
    ----------
    analysis : pandas.DataFrame
        The table returned by :func:`georoutes.analyze` (``km_by_state``, ``offshore_km``,
        ``length_km``).
    route_id : str
        The pipeline, e.g. ``"pipeline-rus-prk-kor-2011"``.
    onshore_usd_per_km, offshore_usd_per_km : float
        As :func:`capex`, USD per km.

    Returns
    -------
    pandas.DataFrame
        Rows (index ``case``): ``model`` then each confirmed ``[[project_cost]]`` of
        ``seeds/economics.toml`` for that route. Columns: ``description``, ``basis``,
        ``length_km``, ``capex_usd`` (USD), ``capex_usd_high`` (USD), ``usd_per_km``,
        ``source``.

    Examples
    --------
    >>> a = pd.DataFrame({"km_by_state": [{"RUS": 100.0}], "offshore_km": [0.0],
    ...                   "length_km": [100.0]}, index=pd.Index(["p"], name="id"))
    >>> float(capex_check(a, route_id="p", onshore_usd_per_km=2e6).loc["model", "capex_usd"])
    200000000.0
    """
    check_analysis(analysis, ("km_by_state", "offshore_km", "length_km"))
    if route_id not in analysis.index:
        raise GeorouteError(f"route {route_id!r} is not in the analysis")
    model = capex(
        analysis.loc[[route_id]],
        onshore_usd_per_km=onshore_usd_per_km,
        offshore_usd_per_km=offshore_usd_per_km,
    ).iloc[0]
    length_km = float(pd.to_numeric(analysis["length_km"], errors="coerce").loc[route_id])
    rows: list[dict[str, Any]] = [
        {
            "case": "model",
            "description": (
                f"model: {model['onshore_km']:,.0f} km onshore × ${onshore_usd_per_km / 1e6:.2f}M"
                f" + {model['offshore_km']:,.0f} km offshore × ${offshore_usd_per_km / 1e6:.2f}M"
            ),
            "basis": "model",
            "length_km": length_km,
            "capex_usd": float(model["capex_usd"]),
            "capex_usd_high": math.nan,
            "usd_per_km": float(model["capex_usd"]) / length_km if length_km else math.nan,
            "source": "georoutes.analyze km × seeds/economics.toml per-km costs",
        }
    ]
    for entry in load_assumptions().get("project_cost", []):
        if entry.get("route_id") != route_id or not entry.get("confirmed", False):
            continue
        low = float(entry.get("capex_usd", math.nan))
        high = float(entry.get("capex_usd_high", math.nan))
        reported_km = float(entry.get("length_km_reported", math.nan))
        rows.append(
            {
                "case": entry["id"],
                "description": " ".join(str(entry.get("note", "")).split()),
                "basis": "reported",
                "length_km": reported_km,
                "capex_usd": low,
                "capex_usd_high": high,
                "usd_per_km": (low if math.isfinite(low) else high) / reported_km,
                "source": first_source(entry),
            }
        )
    table = pd.DataFrame(rows).set_index("case")
    table.attrs = {"route_id": route_id}
    return table
