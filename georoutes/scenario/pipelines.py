"""The seed's pipeline options: their exposure to China, transit states, transit fees and cost.

:func:`pipeline_options` picks them (the pipelines that end in South Korea);
:func:`pipelines_table`, :func:`transit_fees_table` and :func:`capex_table` answer one question
each.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import pandas as pd

from georoutes.compare import rank, select
from georoutes.economics import (
    DEFAULT_OFFSHORE_USD_PER_KM,
    DEFAULT_ONSHORE_USD_PER_KM,
    DEFAULT_TARIFF_USD_PER_TCM_PER_100KM,
    capex,
    states_of,
    transit_fee_breakdown,
    transit_fees,
)
from georoutes.scenario.seed import (
    SEED_FOCUS,
    SEED_PIPELINE_DESTINATION,
    SEED_VOLUME_BCM_PER_YEAR,
    names_of,
    route_chain,
    state_name,
    titled,
)

__all__ = ["capex_table", "pipeline_options", "pipelines_table", "transit_fees_table"]


def pipeline_options(
    analysis: pd.DataFrame,
    *,
    pipeline_ids: Sequence[str] | None = None,
    destination: str = SEED_PIPELINE_DESTINATION,
) -> tuple[pd.DataFrame, list[str]]:
    """Return the pipeline options and the ids of the other pipelines of the analysis.

    Parameters
    ----------
    analysis : pandas.DataFrame
        The table returned by :func:`georoutes.analyze`.
    pipeline_ids : sequence of str, optional
        The options; default: the rows of kind ``"pipeline"`` that end in ``destination``.
    destination : str, default "KOR"
        State code where an option ends.

    Returns
    -------
    (pandas.DataFrame, list of str)
        The options' rows, and the pipelines left out because they end elsewhere (none when
        ``pipeline_ids`` is given).
    """
    if pipeline_ids is not None:
        return select(analysis, pipeline_ids), []
    if "kind" in analysis.columns:
        kinds = analysis["kind"]
    else:
        kinds = pd.Series([None] * len(analysis), index=analysis.index, dtype="object")
    is_pipe = (kinds == "pipeline").to_numpy(dtype=bool)
    ends = analysis["states"].map(lambda s: states_of(s)[-1:] == [destination])
    to_destination = ends.to_numpy(dtype=bool)
    excluded = [str(i) for i in analysis.index[is_pipe & ~to_destination]]
    return analysis[is_pipe & to_destination], excluded


def _exposure(analysis: pd.DataFrame, focus: str) -> pd.DataFrame:
    """Return inside / within-band / min-distance km to ``focus`` per route (NaN if absent)."""
    bands = [str(b) for b in analysis.attrs.get("bands_km", [])]
    records: list[dict[str, float]] = []
    for value in analysis.get("exposure", pd.Series([None] * len(analysis))):
        entry = value.get(focus) if isinstance(value, Mapping) else None
        record: dict[str, float] = {}
        if isinstance(entry, Mapping):
            within = entry.get("within_km") or {}
            for band in within:
                if str(band) not in bands:
                    bands.append(str(band))
            record[f"exposure.{focus}.inside_km"] = float(entry.get("inside_km", math.nan))
            for band, km in within.items():
                record[f"exposure.{focus}.within_km.{band}"] = float(km)
            record[f"exposure.{focus}.min_distance_km"] = float(
                entry.get("min_distance_km", math.nan)
            )
        records.append(record)
    bands.sort(key=float)
    columns = (
        [f"exposure.{focus}.inside_km"]
        + [f"exposure.{focus}.within_km.{b}" for b in bands]
        + [f"exposure.{focus}.min_distance_km"]
    )
    return pd.DataFrame(records, index=analysis.index, columns=columns, dtype="float64")


def _pipeline_figures(
    analysis: pd.DataFrame, pipes: pd.DataFrame, *, focus: str, **economics: float
) -> pd.DataFrame:
    """Return the options' length, states, exposure to ``focus``, fees and cost, unsorted."""
    fees = transit_fees(
        pipes,
        volume_bcm_per_year=economics["volume_bcm_per_year"],
        tariff_usd_per_tcm_per_100km=economics["tariff_usd_per_tcm_per_100km"],
    )
    costs = capex(
        pipes,
        onshore_usd_per_km=economics["onshore_usd_per_km"],
        offshore_usd_per_km=economics["offshore_usd_per_km"],
    )
    table = pd.DataFrame(index=pipes.index.copy())
    table["name"] = pipes["name"] if "name" in pipes.columns else ""
    table["length_km"] = pipes["length_km"].astype("float64")
    table["states"] = pipes["states"].map(route_chain)
    if "transit_states" in pipes.columns:
        counts = [len(states_of(t)) for t in pipes["transit_states"]]
    else:  # every state but the two ends
        counts = [max(len(states_of(s)) - 2, 0) for s in pipes["states"]]
    table["transit_states_count"] = counts
    table = table.join(_exposure(analysis, focus))
    table["offshore_km"] = costs["offshore_km"]
    table["transit_fees_total"] = fees.sum(axis=1)
    table["capex_usd"] = costs["capex_usd"]
    return table


def _pipelines_findings(
    table: pd.DataFrame, analysis: pd.DataFrame, *, focus: str, destination: str
) -> tuple[list[str], list[str]]:
    """Return the one-line answers and the notes of the ranked pipeline options."""
    if not len(table):
        note = (
            f"no pipeline to {state_name(destination)} in the analysis (rows of kind 'pipeline' "
            f"ending in {destination})"
        )
        return [], [note]
    answers: list[str] = []
    notes: list[str] = []
    has_focus = any(
        isinstance(v, Mapping) and focus in v for v in analysis.get("exposure", pd.Series([]))
    )
    if not has_focus:
        notes.append(
            f"the analysis has no exposure to {focus}; run analyze(..., focus=('{focus}',)) "
            f"to fill the {state_name(focus)} columns"
        )
    else:
        inside = f"exposure.{focus}.inside_km"
        bands = [c for c in table.columns if c.startswith(f"exposure.{focus}.within_km.")]
        best = table.iloc[0]
        widest = bands[-1] if bands else inside
        answers.append(
            f"Least exposed to {state_name(focus)}: {best.name} ({best[inside]:,.0f}"
            f" km inside, {best[widest]:,.0f} km within {widest.rsplit('.', 1)[-1]} km)."
        )
    fewest = table["transit_states_count"].min()
    names = table.index[table["transit_states_count"] == fewest].tolist()
    answers.append(f"Fewest transit states ({fewest}): {', '.join(map(str, names))}.")
    return answers, notes


def pipelines_table(
    analysis: pd.DataFrame,
    pipes: pd.DataFrame,
    *,
    excluded: Sequence[str] = (),
    focus: str = SEED_FOCUS,
    destination: str = SEED_PIPELINE_DESTINATION,
    volume_bcm_per_year: float = SEED_VOLUME_BCM_PER_YEAR,
    tariff_usd_per_tcm_per_100km: float = DEFAULT_TARIFF_USD_PER_TCM_PER_100KM,
    onshore_usd_per_km: float = DEFAULT_ONSHORE_USD_PER_KM,
    offshore_usd_per_km: float = DEFAULT_OFFSHORE_USD_PER_KM,
) -> pd.DataFrame:
    """Return the pipeline options ranked: least km in / near ``focus``, then fewest transit states.

    Parameters
    ----------
    analysis : pandas.DataFrame
        The table returned by :func:`georoutes.analyze` (its exposure to ``focus`` is read).
    pipes, excluded
        As returned by :func:`pipeline_options`.
    focus : str, default "CHN"
        The state whose nearness is weighed.
    destination : str, default "KOR"
        Where the options end (named in the note when there is none).
    volume_bcm_per_year, tariff_usd_per_tcm_per_100km
        Gas volume (bcm per year) and transit tariff (USD per tcm per 100 km).
    onshore_usd_per_km, offshore_usd_per_km
        Capital cost per km, USD.

    Returns
    -------
    pandas.DataFrame
        Per option: ``rank``, ``name``, ``length_km``, ``states``, ``transit_states_count``,
        ``exposure.<focus>.*`` (km), ``offshore_km``, ``transit_fees_total`` (USD per year),
        ``capex_usd`` (USD); sorted stably by km inside, then within the widest to the
        narrowest band, then transit states.
    """
    table = _pipeline_figures(
        analysis,
        pipes,
        focus=focus,
        volume_bcm_per_year=volume_bcm_per_year,
        tariff_usd_per_tcm_per_100km=tariff_usd_per_tcm_per_100km,
        onshore_usd_per_km=onshore_usd_per_km,
        offshore_usd_per_km=offshore_usd_per_km,
    )
    if len(table):
        inside = f"exposure.{focus}.inside_km"
        bands = [c for c in table.columns if c.startswith(f"exposure.{focus}.within_km.")]
        table = rank(table, [inside, *reversed(bands), "transit_states_count"])
    answers, notes = _pipelines_findings(table, analysis, focus=focus, destination=destination)
    if excluded:
        notes.append(
            f"not options for {state_name(destination)} (other ends): {', '.join(excluded)}"
        )
    return titled(
        table,
        title=f"Pipeline options: exposure to {state_name(focus)}, transit states, fees, cost",
        question=(
            f"Which pipeline options minimise km in / near {state_name(focus)} and the number of "
            "transit states, and what do they earn transit states and cost?"
        ),
        note="; ".join(notes),
        answers=answers,
    )


def transit_fees_table(
    pipes: pd.DataFrame,
    *,
    volume_bcm_per_year: float = SEED_VOLUME_BCM_PER_YEAR,
    tariff_usd_per_tcm_per_100km: float = DEFAULT_TARIFF_USD_PER_TCM_PER_100KM,
) -> pd.DataFrame:
    """Return what each transit state earns per year from each pipeline option.

    Parameters
    ----------
    pipes : pandas.DataFrame
        The options (:func:`pipeline_options`).
    volume_bcm_per_year : float, default 10.0
        Gas volume, bcm per year.
    tariff_usd_per_tcm_per_100km : float, default 2.0
        Transit tariff, USD per 1,000 m³ per 100 km.

    Returns
    -------
    pandas.DataFrame
        :func:`georoutes.economics.transit_fee_breakdown` indexed by route id, with ``name``
        first: ``state``, ``km``, ``volume_bcm_per_year``, ``tariff_usd_per_tcm_per_100km``,
        ``fee_usd_per_year`` (USD per year).
    """
    breakdown = transit_fee_breakdown(
        pipes,
        volume_bcm_per_year=volume_bcm_per_year,
        tariff_usd_per_tcm_per_100km=tariff_usd_per_tcm_per_100km,
    )
    names = names_of(pipes)
    breakdown.insert(1, "name", [names.at[i] for i in breakdown["id"]])
    answers = [
        f"{state} earns ${fee / 1e6:,.1f}M/yr from {route_id} ({km:,.0f} km)."
        for route_id, state, km, fee in zip(
            breakdown["id"].tolist(),
            breakdown["state"].tolist(),
            breakdown["km"].tolist(),
            breakdown["fee_usd_per_year"].tolist(),
            strict=True,
        )
    ]
    return titled(
        breakdown.set_index("id"),
        title=(
            f"Transit fees at {volume_bcm_per_year:g} bcm/yr and "
            f"${tariff_usd_per_tcm_per_100km:.2f} per tcm per 100 km"
        ),
        question="What does each transit state earn per year?",
        note="" if len(breakdown) else "no pipeline crosses a transit state",
        answers=answers,
    )


def capex_table(
    pipes: pd.DataFrame,
    *,
    onshore_usd_per_km: float = DEFAULT_ONSHORE_USD_PER_KM,
    offshore_usd_per_km: float = DEFAULT_OFFSHORE_USD_PER_KM,
) -> pd.DataFrame:
    """Return the capital cost of each pipeline option, USD, and its cost per km.

    Parameters
    ----------
    pipes : pandas.DataFrame
        The options (:func:`pipeline_options`).
    onshore_usd_per_km, offshore_usd_per_km : float
        Capital cost per km on land and at sea, USD.

    Returns
    -------
    pandas.DataFrame
        ``name``, then :func:`georoutes.economics.capex` (km, USD), then ``usd_per_km``.
    """
    table = capex(
        pipes, onshore_usd_per_km=onshore_usd_per_km, offshore_usd_per_km=offshore_usd_per_km
    )
    table.insert(0, "name", names_of(pipes))
    table["usd_per_km"] = table["capex_usd"] / pipes["length_km"].astype("float64")
    return titled(
        table,
        title=(
            f"Capital cost at ${onshore_usd_per_km / 1e6:.2f}M/km onshore and "
            f"${offshore_usd_per_km / 1e6:.2f}M/km offshore"
        ),
        question="What does each pipeline option cost to build?",
        note="" if len(table) else "no pipeline routes in the analysis",
        answers=[f"{i}: ${row.capex_usd / 1e9:,.2f} bn" for i, row in table.iterrows()],
    )
