"""Compare routes: rank, group, select; add the economics; answer the seed scenario's questions.

Functions here take the flat table of :func:`georoutes.flatten` (one row per route id, dotted
numeric columns such as ``exposure.CHN.within_km.50``, ``km_by_state.PRK``,
``transit_states_count``) or the nested table of :func:`georoutes.analyze`, and return
DataFrames indexed by route id. They compute nothing geographic; the km come from ``analyze``
and the money from :mod:`georoutes.economics`.
"""

from __future__ import annotations

import math
import os
from collections.abc import Collection, Iterable, Mapping, Sequence
from difflib import get_close_matches
from pathlib import Path
from typing import Any

import pandas as pd

from georoutes import economics
from georoutes._io import write_files_atomic
from georoutes.errors import GeorouteError

__all__ = [
    "SEED_CORRIDOR_IDS",
    "SEED_CORRIDOR_PREFIX",
    "SEED_PIPELINE_DESTINATION",
    "add_economics",
    "comparison",
    "group",
    "rank",
    "scenario_markdown",
    "seed_analysis",
    "seed_scenario",
    "select",
    "write_scenario",
]

#: The Busan → Europe corridors of the seed scenario, as the corridor catalog names them:
#: Trans-Korean + Trans-Siberian, via China (Trans-Manchurian / Trans-Mongolian), the middle
#: (Silk Road / TRACECA) route, and the sea route through Suez.
SEED_CORRIDOR_IDS = (
    "corridor-busan-europe-tsr",
    "corridor-busan-europe-china",
    "corridor-busan-europe-middle",
    "corridor-busan-europe-sea",
)
#: The seed's pipeline options are the pipelines that end in this state (South Korea).
SEED_PIPELINE_DESTINATION = "KOR"
#: Any route id with this prefix is treated as a Busan → Europe corridor by :func:`seed_scenario`.
SEED_CORRIDOR_PREFIX = "corridor-busan-europe-"

_FOCUS = "CHN"


# --------------------------------------------------------------------------------------------
# Columns and ids: lookups that tell the fix
# --------------------------------------------------------------------------------------------


def _is_numeric(series: pd.Series) -> bool:
    return bool(pd.api.types.is_numeric_dtype(series)) and not pd.api.types.is_bool_dtype(series)


def _check_columns(frame: pd.DataFrame, columns: Sequence[str], *, numeric: bool) -> None:
    """Raise one GeorouteError naming every unknown (or non-numeric) column, with close matches."""
    names = [str(c) for c in frame.columns]
    numeric_names = [str(c) for c in frame.columns if _is_numeric(frame[c])]
    problems: list[str] = []
    for column in columns:
        if column not in frame.columns:
            pool = numeric_names if numeric else names
            close = get_close_matches(str(column), pool, n=5, cutoff=0.6)
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            problems.append(f"unknown column {column!r}{hint}")
        elif numeric and not _is_numeric(frame[column]):
            problems.append(f"column {column!r} is not numeric")
    if problems:
        pool = numeric_names if numeric else names
        shown = ", ".join(pool[:40]) + (f", … ({len(pool)} in all)" if len(pool) > 40 else "")
        kind = "numeric columns" if numeric else "columns"
        raise GeorouteError(f"{'; '.join(problems)}; {kind}: {shown}")


def _ids(frame: pd.DataFrame) -> pd.Index:
    """Return the route ids of a table: its index, or its ``id`` column if it has one."""
    if "id" in frame.columns and frame.index.name != "id":
        return pd.Index(frame["id"].astype(str), name="id")
    return frame.index


def _by_id(frame: pd.DataFrame) -> pd.DataFrame:
    """Return ``frame`` indexed by route id (the flat table may carry ids as a column)."""
    if "id" in frame.columns and frame.index.name != "id":
        return frame.set_index("id")
    return frame


# --------------------------------------------------------------------------------------------
# rank / group / select
# --------------------------------------------------------------------------------------------


def rank(
    flat: pd.DataFrame,
    by: str | Sequence[str],
    *,
    ascending: bool | Sequence[bool] = True,
    group_by: str | None = None,
) -> pd.DataFrame:
    """Return ``flat`` sorted by numeric column(s) ``by``, with a 1-based ``rank`` column first.

    The sort is stable (equal rows keep their input order; values equal to 12 significant
    digits are equal) and missing values go last whatever the direction. Ties share a rank
    and the next rank skips (1, 2, 2, 4); a row with a missing value in ``by`` has rank <NA>.
    With ``group_by`` (e.g. ``"kind"``) the groups come in order of first appearance and ranks
    restart at 1 in each.

    Parameters
    ----------
    flat : pandas.DataFrame
        One row per route (e.g. :func:`georoutes.flatten` output).
    by : str or sequence of str
        Numeric column(s), e.g. ``"exposure.CHN.within_km.50"`` or ``"transit_fees_total"``.
    ascending : bool or sequence of bool, default True
        Direction, for all of ``by`` or one per column.
    group_by : str, optional
        Rank within groups of this column.

    Returns
    -------
    pandas.DataFrame
        A sorted copy with an ``Int64`` column ``rank`` inserted first.

    Raises
    ------
    GeorouteError
        A column is unknown (the message lists close matches) or not numeric.

    Examples
    --------
    >>> flat = pd.DataFrame({"length_km": [3.0, float("nan"), 1.0, 3.0]},
    ...                     index=pd.Index(["a", "b", "c", "d"], name="id"))
    >>> r = rank(flat, "length_km")
    >>> list(r.index), r["rank"].tolist()
    (['c', 'a', 'd', 'b'], [1, 2, 2, <NA>])
    """
    columns = [by] if isinstance(by, str) else list(by)
    if not columns:
        raise GeorouteError("rank: give at least one column to rank by")
    directions = (
        [bool(ascending)] * len(columns)
        if isinstance(ascending, bool)
        else [bool(a) for a in ascending]
    )
    if len(directions) != len(columns):
        raise GeorouteError(
            f"rank: {len(columns)} column(s) to rank by but {len(directions)} ascending flag(s)"
        )
    _check_columns(flat, columns, numeric=True)
    if group_by is not None:
        _check_columns(flat, [group_by], numeric=False)

    # Stable multi-key sort, NaN last in both directions: sort by the least significant key
    # first, each pass stable (mergesort), with missing values pushed to the end.
    order = list(range(len(flat)))
    for column, up in reversed(list(zip(columns, directions, strict=True))):
        values = _rank_keys(flat[column])
        present = [i for i in order if not math.isnan(values[i])]
        missing = [i for i in order if math.isnan(values[i])]
        present.sort(key=lambda i: values[i], reverse=not up)
        order = present + missing
    if group_by is not None:
        keys = flat[group_by].tolist()
        first_seen: dict[object, int] = {}
        for i, key in enumerate(keys):
            first_seen.setdefault(_group_key(key), i)
        order.sort(key=lambda i: first_seen[_group_key(keys[i])])  # stable

    result = flat.iloc[order].copy()
    key_values = [tuple(_rank_keys(result[c])) for c in columns]
    groups = result[group_by].tolist() if group_by is not None else [None] * len(result)
    ranks: list[int | None] = []
    position = 0
    previous: tuple[object, tuple[float, ...]] | None = None
    current_rank: int | None = None
    current_group: object = object()
    for row in range(len(result)):
        group_key = _group_key(groups[row])
        if group_key != current_group:
            current_group, position, previous = group_key, 0, None
        position += 1
        key = tuple(values[row] for values in key_values)
        if any(math.isnan(v) for v in key):
            ranks.append(None)
            continue
        if previous is None or key != previous[1]:
            current_rank = position
        previous = (group_key, key)
        ranks.append(current_rank)
    if "rank" in result.columns:
        result = result.drop(columns="rank")
    result.insert(0, "rank", pd.Series(ranks, index=result.index, dtype="Int64"))
    return result


def _rank_keys(series: pd.Series) -> list[float]:
    """Return the values to rank by: floats rounded to 12 significant digits, NaN kept.

    Routes that share a stretch of line get km that differ only by float noise (1e-12 km) from
    different computation paths; rounding makes them ties that keep their input order.
    """
    values = pd.to_numeric(series, errors="coerce").to_numpy(dtype="float64")
    return [v if not math.isfinite(v) else float(f"{v:.12g}") for v in values.tolist()]


def _group_key(value: object) -> object:
    """Map every missing value (None, NaN, pd.NA) to None so that they form one group."""
    try:
        if pd.isna(value):  # type: ignore[call-overload]
            return None
    except (TypeError, ValueError):  # list-likes
        pass
    return value


def group(flat: pd.DataFrame, by: str = "kind") -> dict[object, pd.DataFrame]:
    """Return the rows of ``flat`` split by the values of column ``by``.

    Keys come in order of first appearance; rows with a missing value are under the key None.
    Each group keeps the input row order.

    Examples
    --------
    >>> flat = pd.DataFrame({"kind": ["pipeline", "railway", "pipeline"]},
    ...                     index=pd.Index(["a", "b", "c"], name="id"))
    >>> {k: list(v.index) for k, v in group(flat).items()}
    {'pipeline': ['a', 'c'], 'railway': ['b']}
    """
    _check_columns(flat, [by], numeric=False)
    keys = [_group_key(v) for v in flat[by].tolist()]
    groups: dict[object, list[int]] = {}
    for i, key in enumerate(keys):
        groups.setdefault(key, []).append(i)
    return {key: flat.iloc[rows].copy() for key, rows in groups.items()}


def select(table: pd.DataFrame, ids: str | Iterable[str]) -> pd.DataFrame:
    """Return the rows of ``table`` (analysis or flat) with these route ids, in the order given.

    Duplicated ids are kept once. Unknown ids raise one GeorouteError that names each of them
    with close matches and lists the ids available.

    Examples
    --------
    >>> t = pd.DataFrame({"length_km": [1.0, 2.0]}, index=pd.Index(["a", "b"], name="id"))
    >>> list(select(t, ["b", "a"]).index)
    ['b', 'a']
    """
    wanted = [ids] if isinstance(ids, str) else [str(i) for i in ids]
    wanted = list(dict.fromkeys(wanted))
    frame = _by_id(table)
    available = [str(i) for i in frame.index]
    unknown = [i for i in wanted if i not in set(available)]
    if unknown:
        parts = []
        for route_id in unknown:
            close = get_close_matches(route_id, available, n=3, cutoff=0.6)
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            parts.append(f"{route_id!r}{hint}")
        shown = ", ".join(available[:30]) + (" …" if len(available) > 30 else "")
        raise GeorouteError(
            f"unknown route id(s) {', '.join(parts)}; {len(available)} route(s): {shown}"
        )
    return frame.loc[wanted].copy()


# --------------------------------------------------------------------------------------------
# Economics in the flat table
# --------------------------------------------------------------------------------------------


def _is_analysis(table: pd.DataFrame) -> bool:
    return "km_by_state" in table.columns and "states" in table.columns


def _analysis_from_flat(flat: pd.DataFrame) -> pd.DataFrame:
    """Return the columns economics needs (states, km_by_state, offshore_km, kind) of a flat table.

    Its ``states`` column is the ``"RUS>PRK>KOR"`` text of :func:`georoutes.flatten`.
    """
    needed = ["states", "offshore_km"]
    missing = [c for c in needed if c not in flat.columns]
    if missing:
        raise GeorouteError(
            f"add_economics: the flat table lacks {', '.join(map(repr, missing))}; pass the "
            f"analysis it came from as analysis= (fees depend on the order of the states)"
        )
    prefix = "km_by_state."
    km_columns = [str(c) for c in flat.columns if str(c).startswith(prefix)]
    km = {c[len(prefix) :]: pd.to_numeric(flat[c], errors="coerce").tolist() for c in km_columns}
    km_by_state = [
        {state: float(values[row]) for state, values in km.items() if values[row] > 0}
        for row in range(len(flat))
    ]
    states = [
        [s for s in str(v).split(">") if s] if isinstance(v, str) else list(v)
        for v in flat["states"]
    ]
    rebuilt = pd.DataFrame(
        {
            "states": pd.Series(states, index=flat.index, dtype="object"),
            "km_by_state": pd.Series(km_by_state, index=flat.index, dtype="object"),
            "offshore_km": flat["offshore_km"],
        },
        index=flat.index,
    )
    if "kind" in flat.columns:
        rebuilt["kind"] = flat["kind"]
    return rebuilt


def add_economics(
    table: pd.DataFrame,
    *,
    volume_bcm_per_year: economics.Volume,
    tariff_usd_per_tcm_per_100km: float = economics.DEFAULT_TARIFF_USD_PER_TCM_PER_100KM,
    exempt: str | Iterable[str] = ("origin", "destination"),
    onshore_usd_per_km: float = economics.DEFAULT_ONSHORE_USD_PER_KM,
    offshore_usd_per_km: float = economics.DEFAULT_OFFSHORE_USD_PER_KM,
    kinds: Collection[str] | None = None,
    analysis: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Return the flat table with the transit fees and the capital cost of each route added.

    The new columns are ``transit_fees_total`` (USD per year), one
    ``transit_fees_usd_per_year.<ISO3>`` per charging state, and ``capex_usd``.

    Parameters
    ----------
    table : pandas.DataFrame
        Either the analysis (:func:`georoutes.analyze`; it is flattened with
        :func:`georoutes.flatten`) or an already flat table: the states and km are then read
        from its ``states`` (``"RUS>PRK>KOR"``), ``km_by_state.<ISO3>`` and ``offshore_km``
        columns, unless the analysis it came from is given as ``analysis=``.
    volume_bcm_per_year, tariff_usd_per_tcm_per_100km, exempt, kinds
        As :func:`georoutes.economics.transit_fees`.
    onshore_usd_per_km, offshore_usd_per_km
        As :func:`georoutes.economics.capex`.
    analysis : pandas.DataFrame, optional
        The analysis behind a flat ``table`` (preferred: it keeps the exact km and states).

    Returns
    -------
    pandas.DataFrame
        A copy of the flat table with the new columns: one ``transit_fees_usd_per_year.<ISO3>``
        per state that charges any route (0.0 where it charges that route nothing), NaN for
        routes outside ``kinds``. The assumptions are in ``attrs["economics"]``.
    """
    if _is_analysis(table):
        analysis = table
        from georoutes import flatten  # the package imports this module: import late

        flat = flatten(table)
    elif analysis is None:
        flat = table
        analysis = _analysis_from_flat(_by_id(table))
    else:
        flat = table
    flat = _by_id(flat).copy()
    missing = [i for i in flat.index if i not in analysis.index]
    if missing:
        raise GeorouteError(f"add_economics: route id(s) {missing} are not in the analysis")
    sub = analysis.loc[list(flat.index)]
    fees = economics.transit_fees(
        sub,
        volume_bcm_per_year=volume_bcm_per_year,
        tariff_usd_per_tcm_per_100km=tariff_usd_per_tcm_per_100km,
        exempt=exempt,
        kinds=kinds,
    )
    costs = economics.capex(
        sub,
        onshore_usd_per_km=onshore_usd_per_km,
        offshore_usd_per_km=offshore_usd_per_km,
        kinds=kinds,
    )
    flat["transit_fees_total"] = fees.sum(axis=1, min_count=0).where(
        economics._applicable(sub, kinds)
    )
    for state in fees.columns:
        flat[f"transit_fees_usd_per_year.{state}"] = fees[state]
    flat["capex_usd"] = costs["capex_usd"]
    flat.attrs = dict(flat.attrs)
    flat.attrs["economics"] = {
        **fees.attrs,
        **costs.attrs,
        "volume_bcm_per_year": (
            volume_bcm_per_year
            if not isinstance(volume_bcm_per_year, Mapping | pd.Series)
            else dict(pd.Series(volume_bcm_per_year))
        ),
        "kinds": None if kinds is None else sorted(kinds),
    }
    return flat


def comparison(
    analysis: pd.DataFrame,
    *,
    only: Sequence[str] | None = None,
    rank_by: str | Sequence[str] | None = None,
    ascending: bool | Sequence[bool] = True,
    group_by: str | None = None,
    volume_bcm_per_year: economics.Volume | None = None,
    tariff_usd_per_tcm_per_100km: float = economics.DEFAULT_TARIFF_USD_PER_TCM_PER_100KM,
    kinds: Collection[str] | None = ("pipeline",),
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return the analysis and its flat table, selected, with economics, in ranking order.

    What ``georoutes compare --only ... --volume-bcm ... --tariff ... --rank-by ... --group ...``
    shows. Steps: :func:`select` ``only`` (if given); with ``volume_bcm_per_year``, add the
    fees and capital cost (:func:`georoutes.economics.economics_table` columns to the analysis,
    for the JSON contract; :func:`add_economics` columns to the flat table); :func:`rank` by
    ``rank_by`` (within ``group_by`` groups), or just gather the groups.

    Parameters
    ----------
    analysis : pandas.DataFrame
        The table returned by :func:`georoutes.analyze`.
    only : sequence of str, optional
        Route ids to keep, in this order (unless ranked).
    rank_by, ascending, group_by
        As :func:`rank`; ``group_by`` alone groups without ranking.
    volume_bcm_per_year : float or mapping, optional
        Gas volume; None adds no economics.
    tariff_usd_per_tcm_per_100km : float, default 2.0
        Transit tariff.
    kinds : collection of str or None, default ("pipeline",)
        Route kinds that carry gas and so pay fees and have a pipeline's capital cost; other
        routes get NaN. None: every route.

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        The analysis rows (with ``transit_fees_usd_per_year``, ``transit_fees_total``,
        ``capex_usd`` and, when ranked, ``rank`` columns; ``attrs`` kept) and the flat table
        (with ``rank`` first when ranked), both in the same row order.
    """
    chosen = select(analysis, only) if only else analysis
    from georoutes import flatten

    flat = flatten(chosen)
    nested = chosen.copy()
    if volume_bcm_per_year is not None:
        flat = add_economics(
            flat,
            analysis=chosen,
            volume_bcm_per_year=volume_bcm_per_year,
            tariff_usd_per_tcm_per_100km=tariff_usd_per_tcm_per_100km,
            kinds=kinds,
        )
        extra = economics.economics_table(
            chosen,
            volume_bcm_per_year=volume_bcm_per_year,
            tariff_usd_per_tcm_per_100km=tariff_usd_per_tcm_per_100km,
            kinds=kinds,
        )
        for column in extra.columns:
            nested[column] = extra[column]
    if rank_by is not None:
        flat = rank(flat, rank_by, ascending=ascending, group_by=group_by)
        nested = nested.loc[flat.index]
        nested["rank"] = flat["rank"]
    elif group_by is not None:
        parts = list(group(flat, group_by).values())
        flat = pd.concat(parts) if parts else flat
        nested = nested.loc[flat.index]
    nested.attrs = dict(analysis.attrs)
    flat.attrs = {**analysis.attrs, **flat.attrs}
    return nested, flat


# --------------------------------------------------------------------------------------------
# The seed scenario
# --------------------------------------------------------------------------------------------


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


def _chain(states: object) -> str:
    return " → ".join(economics._states(states))


def _km(value: object, state: str) -> float:
    return economics._km_by_state(value).get(state, 0.0)


def _titled(
    table: pd.DataFrame, *, title: str, question: str, note: str = "", answers: Sequence[str] = ()
) -> pd.DataFrame:
    table.attrs = {"title": title, "question": question, "note": note, "answers": list(answers)}
    return table


def seed_scenario(
    analysis: pd.DataFrame,
    *,
    volume_bcm_per_year: float = 10.0,
    tariff_usd_per_tcm_per_100km: float = economics.DEFAULT_TARIFF_USD_PER_TCM_PER_100KM,
    onshore_usd_per_km: float = economics.DEFAULT_ONSHORE_USD_PER_KM,
    offshore_usd_per_km: float = economics.DEFAULT_OFFSHORE_USD_PER_KM,
    pipeline_ids: Sequence[str] | None = None,
    corridor_ids: Sequence[str] | None = None,
) -> dict[str, pd.DataFrame]:
    """Return the tables that answer the seed scenario's questions, keyed by name.

    ``pipelines``: each pipeline option (rows of kind ``"pipeline"`` that end in South Korea, or
    ``pipeline_ids``) with
    its km in / within each band of China, its transit states and their number, the transit
    fees they earn in all and the capital cost; sorted so that the options that keep furthest
    from China come first, then the fewest transit states (stable). ``transit_fees``: what
    each transit state earns per year from each pipeline. ``calibration``: the model's DPRK fee
    next to the seed's ~$100M and KOGAS's 2018 estimate (see
    :func:`georoutes.economics.calibration_table`). ``capex``: capital cost per pipeline, and
    ``capex_check``: the model next to the published estimates for the seed pipeline.
    ``corridors``: for the Busan → Europe corridors (ids ``corridor_ids``, default every id
    starting with ``corridor-busan-europe-``), km through Russia, through China, through other
    states, and at sea (``offshore_km``).

    A table whose routes are not in the analysis is returned empty with its columns, and its
    ``attrs["note"]`` says what is missing and how to add it; every table has
    ``attrs["title"]``, ``attrs["question"]`` and ``attrs["answers"]`` (one-line findings).
    """
    economics._check_analysis(analysis, ("states", "km_by_state", "offshore_km", "length_km"))
    if "kind" in analysis.columns:
        kinds = analysis["kind"]
    else:
        kinds = pd.Series([None] * len(analysis), index=analysis.index, dtype="object")
    excluded: list[str] = []
    if pipeline_ids is None:
        is_pipe = (kinds == "pipeline").to_numpy(dtype=bool)
        to_korea = analysis["states"].map(
            lambda s: economics._states(s)[-1:] == [SEED_PIPELINE_DESTINATION]
        )
        pipes = analysis[is_pipe & to_korea.to_numpy(dtype=bool)]
        excluded = [str(i) for i in analysis.index[is_pipe & ~to_korea.to_numpy(dtype=bool)]]
    else:
        pipes = select(analysis, pipeline_ids)
    exposure = _exposure(analysis, _FOCUS)
    has_focus = any(
        isinstance(v, Mapping) and _FOCUS in v for v in analysis.get("exposure", pd.Series([]))
    )
    tables: dict[str, pd.DataFrame] = {}

    # -- pipelines ------------------------------------------------------------------------
    fees = economics.transit_fees(
        pipes,
        volume_bcm_per_year=volume_bcm_per_year,
        tariff_usd_per_tcm_per_100km=tariff_usd_per_tcm_per_100km,
    )
    costs = economics.capex(
        pipes, onshore_usd_per_km=onshore_usd_per_km, offshore_usd_per_km=offshore_usd_per_km
    )
    pipe_table = pd.DataFrame(index=pipes.index.copy())
    pipe_table["name"] = pipes["name"] if "name" in pipes.columns else ""
    pipe_table["length_km"] = pipes["length_km"].astype("float64")
    pipe_table["states"] = pipes["states"].map(_chain)
    transit = pipes["transit_states"] if "transit_states" in pipes.columns else pipes["states"]
    pipe_table["transit_states_count"] = [
        len(economics._states(t))
        if "transit_states" in pipes.columns
        else max(len(economics._states(t)) - 2, 0)
        for t in transit
    ]
    pipe_table = pipe_table.join(exposure)
    pipe_table["offshore_km"] = costs["offshore_km"]
    pipe_table["transit_fees_total"] = fees.sum(axis=1)
    pipe_table["capex_usd"] = costs["capex_usd"]
    band_columns = [c for c in exposure.columns if ".within_km." in c]
    sort_by = [f"exposure.{_FOCUS}.inside_km", *reversed(band_columns), "transit_states_count"]
    answers: list[str] = []
    note = ""
    if len(pipe_table):
        pipe_table = rank(pipe_table, sort_by)
        if not has_focus:
            note = (
                f"the analysis has no exposure to {_FOCUS}; run analyze(..., focus=('{_FOCUS}',)) "
                f"to fill the China columns"
            )
        else:
            best = pipe_table.iloc[0]
            widest = band_columns[-1] if band_columns else f"exposure.{_FOCUS}.inside_km"
            answers.append(
                f"Least exposed to China: {best.name} ({best[f'exposure.{_FOCUS}.inside_km']:,.0f}"
                f" km inside, {best[widest]:,.0f} km within {widest.rsplit('.', 1)[-1]} km)."
            )
        fewest = pipe_table["transit_states_count"].min()
        names = pipe_table.index[pipe_table["transit_states_count"] == fewest].tolist()
        answers.append(f"Fewest transit states ({fewest}): {', '.join(map(str, names))}.")
    else:
        note = "no pipeline to South Korea in the analysis (rows of kind 'pipeline' ending in KOR)"
    if excluded:
        note = "; ".join(
            [
                *([note] if note else []),
                f"not options for Korea (other ends): {', '.join(excluded)}",
            ]
        )
    tables["pipelines"] = _titled(
        pipe_table,
        title="Pipeline options: exposure to China, transit states, fees, cost",
        question=(
            "Which pipeline options minimise km in / near China and the number of transit "
            "states, and what do they earn transit states and cost?"
        ),
        note=note,
        answers=answers,
    )

    # -- transit fees per state -------------------------------------------------------------
    breakdown = economics.transit_fee_breakdown(
        pipes,
        volume_bcm_per_year=volume_bcm_per_year,
        tariff_usd_per_tcm_per_100km=tariff_usd_per_tcm_per_100km,
    )
    breakdown.insert(
        1, "name", [pipes.at[i, "name"] if "name" in pipes.columns else "" for i in breakdown["id"]]
    )
    fee_answers = [
        f"{state} earns ${fee / 1e6:,.1f}M/yr from {route_id} ({km:,.0f} km)."
        for route_id, state, km, fee in zip(
            breakdown["id"].tolist(),
            breakdown["state"].tolist(),
            breakdown["km"].tolist(),
            breakdown["fee_usd_per_year"].tolist(),
            strict=True,
        )
    ]
    tables["transit_fees"] = _titled(
        breakdown.set_index("id"),
        title=(
            f"Transit fees at {volume_bcm_per_year:g} bcm/yr and "
            f"${tariff_usd_per_tcm_per_100km:.2f} per tcm per 100 km"
        ),
        question="What does each transit state earn per year?",
        note="" if len(breakdown) else "no pipeline crosses a transit state",
        answers=fee_answers,
    )

    # -- calibration against the published figures ----------------------------------------
    seed_id = economics.SEED_PIPELINE_ID
    if seed_id in analysis.index:
        calibration = economics.calibration_table(
            analysis,
            route_id=seed_id,
            volume_bcm_per_year=volume_bcm_per_year,
            tariff_usd_per_tcm_per_100km=tariff_usd_per_tcm_per_100km,
        )
        model = calibration.loc["model"]
        tariff_fit = calibration.attrs["calibrated_tariff"]
        cal_answers = [
            f"Model: the DPRK earns ${model['fee_usd_per_year'] / 1e6:,.0f}M/yr "
            f"({model['km_in_state']:,.0f} km at ${model['tariff_usd_per_tcm_per_100km']:.2f});"
            f" seed ~$100M; KOGAS 2018 $159–195M.",
            f"A tariff of ${tariff_fit:.3f} per tcm per 100 km reproduces the seed's $100M.",
        ]
        cal_note = ""
        checks = economics.capex_check(
            analysis,
            route_id=seed_id,
            onshore_usd_per_km=onshore_usd_per_km,
            offshore_usd_per_km=offshore_usd_per_km,
        )
    else:
        calibration = pd.DataFrame(
            columns=[
                "description",
                "basis",
                "tariff_usd_per_tcm_per_100km",
                "volume_bcm_per_year",
                "km_in_state",
                "fee_usd_per_year",
                "fee_usd_per_year_high",
                "source",
            ]
        )
        checks = pd.DataFrame(
            columns=[
                "description",
                "basis",
                "length_km",
                "capex_usd",
                "capex_usd_high",
                "usd_per_km",
                "source",
            ]
        )
        cal_answers = []
        cal_note = f"route {seed_id!r} is not in the analysis; analyze the route catalog"
    tables["calibration"] = _titled(
        calibration,
        title=f"Calibration: the DPRK's fee from {seed_id}",
        question=(
            "What does the model give the DPRK, next to the seed's ~$100M/yr and KOGAS's 2018 "
            "estimate, and which tariff reproduces the seed's figure?"
        ),
        note=cal_note,
        answers=cal_answers,
    )

    # -- capital cost -----------------------------------------------------------------------
    capex_table = costs.copy()
    capex_table.insert(
        0, "name", pipes["name"] if "name" in pipes.columns else pd.Series("", index=pipes.index)
    )
    capex_table["usd_per_km"] = capex_table["capex_usd"] / pipes["length_km"].astype("float64")
    tables["capex"] = _titled(
        capex_table,
        title=(
            f"Capital cost at ${onshore_usd_per_km / 1e6:.2f}M/km onshore and "
            f"${offshore_usd_per_km / 1e6:.2f}M/km offshore"
        ),
        question="What does each pipeline option cost to build?",
        note="" if len(capex_table) else "no pipeline routes in the analysis",
        answers=[f"{i}: ${row.capex_usd / 1e9:,.2f} bn" for i, row in capex_table.iterrows()],
    )
    tables["capex_check"] = _titled(
        checks,
        title=f"Capital cost of {seed_id}: model and published estimates",
        question="Is the cost model in line with the seed-era estimates for this pipeline?",
        note=cal_note,
    )

    # -- Busan → Europe corridors -------------------------------------------------------------
    if corridor_ids is None:
        present = [str(i) for i in analysis.index]
        wanted = [i for i in SEED_CORRIDOR_IDS if i in present] + [
            i for i in present if i.startswith(SEED_CORRIDOR_PREFIX) and i not in SEED_CORRIDOR_IDS
        ]
        absent = [i for i in SEED_CORRIDOR_IDS if i not in present]
        corridors = analysis.loc[wanted]
    else:
        corridors = select(analysis, corridor_ids)
        absent = []
    corridor_table = pd.DataFrame(index=corridors.index.copy())
    corridor_table["name"] = corridors["name"] if "name" in corridors.columns else ""
    corridor_table["length_km"] = corridors["length_km"].astype("float64")
    corridor_table["states"] = corridors["states"].map(_chain)
    corridor_table["km_by_state.RUS"] = corridors["km_by_state"].map(lambda v: _km(v, "RUS"))
    corridor_table["km_by_state.CHN"] = corridors["km_by_state"].map(lambda v: _km(v, "CHN"))
    corridor_table["other_states_km"] = corridors["km_by_state"].map(
        lambda v: math.fsum(
            km for s, km in economics._km_by_state(v).items() if s not in ("RUS", "CHN")
        )
    )
    corridor_table["offshore_km"] = corridors["offshore_km"].astype("float64")
    if corridor_ids is None and not len(corridor_table):
        corridor_note = (
            "no Busan → Europe corridors in the analysis (ids "
            + ", ".join(SEED_CORRIDOR_IDS)
            + "); they appear once analyze() accepts the corridors of "
            "georoutes.catalog.corridors()"
        )
    elif absent:
        corridor_note = f"missing from the analysis: {', '.join(absent)}"
    else:
        corridor_note = ""
    corridor_answers: list[str] = []
    if len(corridor_table):
        corridor_answers.append(
            "Least km in China: "
            + ", ".join(
                map(
                    str,
                    corridor_table.index[
                        corridor_table["km_by_state.CHN"] == corridor_table["km_by_state.CHN"].min()
                    ],
                )
            )
            + "."
        )
        corridor_answers.append(
            "Least km in Russia: "
            + ", ".join(
                map(
                    str,
                    corridor_table.index[
                        corridor_table["km_by_state.RUS"] == corridor_table["km_by_state.RUS"].min()
                    ],
                )
            )
            + "."
        )
        corridor_answers.append(
            "Least km in states neither Russia nor China: "
            + ", ".join(
                map(
                    str,
                    corridor_table.index[
                        corridor_table["other_states_km"] == corridor_table["other_states_km"].min()
                    ],
                )
            )
            + "."
        )
        position = int(corridor_table["length_km"].to_numpy().argmin())
        shortest = corridor_table.index[position]
        shortest_km = float(corridor_table["length_km"].to_numpy()[position])
        sea_km = float(corridor_table["offshore_km"].to_numpy()[position])
        corridor_answers.append(
            f"Shortest: {shortest} ({shortest_km:,.0f} km, of which {sea_km:,.0f} at sea)."
        )
    tables["corridors"] = _titled(
        corridor_table,
        title="Busan → Europe corridors: km through Russia, China, other states and at sea",
        question=(
            "For the Busan → Europe corridors, how many km run through Russia, through China, "
            "through states that are neither, and at sea?"
        ),
        note=corridor_note,
        answers=corridor_answers,
    )
    for table in tables.values():
        table.attrs["assumptions"] = {
            "volume_bcm_per_year": volume_bcm_per_year,
            "tariff_usd_per_tcm_per_100km": tariff_usd_per_tcm_per_100km,
            "onshore_usd_per_km": onshore_usd_per_km,
            "offshore_usd_per_km": offshore_usd_per_km,
            "boundaries": dict(analysis.attrs.get("boundaries", {})),
        }
    return tables


def seed_analysis() -> pd.DataFrame:
    """Return ``analyze`` of the built-in seed catalog: its routes and its corridors."""
    import georoutes
    from georoutes.catalog import builtin_routes

    return georoutes.analyze(builtin_routes())


# --------------------------------------------------------------------------------------------
# Markdown and CSV
# --------------------------------------------------------------------------------------------

_LABELS = {
    "length_km": "length km",
    "offshore_km": "offshore km",
    "onshore_km": "onshore km",
    "transit_states_count": "transit states",
    "transit_fees_total": "transit fees $M/yr",
    "capex_usd": "capex $bn",
    "capex_onshore_usd": "onshore capex $bn",
    "capex_offshore_usd": "offshore capex $bn",
    "capex_usd_high": "capex (high) $bn",
    "usd_per_km": "$M per km",
    "fee_usd_per_year": "fee $M/yr",
    "fee_usd_per_year_high": "fee (high) $M/yr",
    "tariff_usd_per_tcm_per_100km": "tariff $/tcm/100 km",
    "volume_bcm_per_year": "bcm/yr",
    "km_in_state": "km in state",
    "km": "km",
    "km_by_state.RUS": "km in Russia",
    "km_by_state.CHN": "km in China",
    "other_states_km": "km in other states",
}


def _label(column: str) -> str:
    if column in _LABELS:
        return _LABELS[column]
    if column.startswith("exposure."):
        _, focus, what, *band = column.split(".")
        if what == "inside_km":
            return f"km in {focus}"
        if what == "within_km":
            return f"km ≤{band[0]} km of {focus}"
        if what == "min_distance_km":
            return f"min km to {focus}"
    return column


def _cell(column: str, value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, float | int) and not isinstance(value, bool):
        number = float(value)
        if column in ("capex_usd", "capex_onshore_usd", "capex_offshore_usd", "capex_usd_high"):
            return f"{number / 1e9:,.2f}"
        if (
            column.endswith("usd_per_year")
            or column.endswith("usd_per_year_high")
            or (column == "transit_fees_total")
        ):
            return f"{number / 1e6:,.1f}"
        if column == "usd_per_km":
            return f"{number / 1e6:,.2f}"
        if column == "tariff_usd_per_tcm_per_100km":
            return f"{number:.3f}"
        if column in ("rank", "transit_states_count"):
            return f"{int(number)}"
        return f"{number:,.1f}"
    return str(value).replace("|", "\\|").replace("\n", " ")


def _markdown_table(table: pd.DataFrame) -> str:
    columns = [str(c) for c in table.columns]
    header = ["id", *(_label(c) for c in columns)]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(["---"] * len(header)) + "|"]
    for route_id, row in table.iterrows():
        cells = [_cell("id", route_id), *(_cell(c, row[c]) for c in columns)]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


_ORDER = ("pipelines", "transit_fees", "calibration", "capex", "capex_check", "corridors")


def scenario_markdown(tables: Mapping[str, pd.DataFrame]) -> str:
    """Return the seed scenario's tables as one Markdown document (answers, notes, sources)."""
    first = next(iter(tables.values()), pd.DataFrame())
    assumptions = first.attrs.get("assumptions", {})
    boundaries = assumptions.get("boundaries") or {}
    parts = [
        "# Seed scenario: the Russia → DPRK → ROK pipeline and its alternatives",
        "",
        "Generated by `georoutes scenario seed`. Km from `georoutes.analyze` (geodesic, "
        f"boundaries: {boundaries.get('name', '?')} {boundaries.get('version', '')}".rstrip()
        + "); money from `georoutes.economics` with the sourced assumptions of "
        "`seeds/economics.toml`.",
        "",
    ]
    if assumptions:
        parts += [
            f"Assumptions: {assumptions['volume_bcm_per_year']:g} bcm/yr; tariff "
            f"${assumptions['tariff_usd_per_tcm_per_100km']:.2f} per 1,000 m³ per 100 km; "
            f"${assumptions['onshore_usd_per_km'] / 1e6:.2f}M per km onshore, "
            f"${assumptions['offshore_usd_per_km'] / 1e6:.2f}M per km offshore. "
            "Origin and destination states charge no transit fee.",
            "",
        ]
    names = [n for n in _ORDER if n in tables] + [n for n in tables if n not in _ORDER]
    for name in names:
        table = tables[name]
        parts += [f"## {table.attrs.get('title', name)}", ""]
        if table.attrs.get("question"):
            parts += [f"*{table.attrs['question']}*", ""]
        for answer in table.attrs.get("answers", []):
            parts.append(f"- {answer}")
        if table.attrs.get("answers"):
            parts.append("")
        if table.attrs.get("note"):
            parts += [f"> Note: {table.attrs['note']}", ""]
        if len(table):
            parts += [_markdown_table(table), ""]
        parts += [f"CSV: `scenario-{name.replace('_', '-')}.csv`", ""]
    return "\n".join(parts).rstrip() + "\n"


def _write_atomic(files: Mapping[Path, str]) -> None:
    """Write every file to a temporary sibling first, then move them all into place."""
    write_files_atomic(files)


def write_scenario(
    out_dir: str | os.PathLike[str],
    tables: Mapping[str, pd.DataFrame] | None = None,
    *,
    analysis: pd.DataFrame | None = None,
    **options: Any,
) -> list[Path]:
    """Write the seed scenario as ``scenario.md`` and one ``scenario-<table>.csv`` per table.

    Parameters
    ----------
    out_dir : path
        Folder to write into (created if missing).
    tables : mapping of str to DataFrame, optional
        The output of :func:`seed_scenario`; computed from ``analysis`` if not given.
    analysis : pandas.DataFrame, optional
        The analysis to compute the tables from; default :func:`seed_analysis`.
    **options
        Passed to :func:`seed_scenario` (``volume_bcm_per_year``, ``tariff_usd_per_tcm_per_100km``,
        ...).

    Returns
    -------
    list of pathlib.Path
        The files written. Either all of them are written or none is changed.
    """
    if tables is None:
        tables = seed_scenario(analysis if analysis is not None else seed_analysis(), **options)
    folder = Path(out_dir)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise GeorouteError(f"{folder}: cannot create the output folder: {exc.strerror}") from exc
    if not folder.is_dir():
        raise GeorouteError(f"{folder}: not a folder")
    files: dict[Path, str] = {folder / "scenario.md": scenario_markdown(tables)}
    for name, table in tables.items():
        path = folder / f"scenario-{name.replace('_', '-')}.csv"
        files[path] = table.to_csv(index_label=str(table.index.name or "id"), lineterminator="\n")
    try:
        _write_atomic(files)
    except OSError as exc:
        raise GeorouteError(f"{folder}: cannot write the scenario files: {exc}") from exc
    return list(files)
