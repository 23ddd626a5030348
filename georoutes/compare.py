"""Compare routes: rank, group and select them; add the fees and costs; the comparison table.

Functions here take the flat table of :func:`georoutes.flatten` (one row per route id, dotted
numeric columns such as ``exposure.CHN.within_km.50``, ``km_by_state.PRK``,
``transit_states_count``) or the nested table of :func:`georoutes.analyze`, and return
DataFrames indexed by route id. They compute nothing geographic; the km come from ``analyze``
and the money from :mod:`georoutes.economics`. The seed scenario's questions are answered in
:mod:`georoutes.scenario` (its names are still importable from here).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from difflib import get_close_matches
from typing import Any

import pandas as pd
import shapely

from georoutes import economics
from georoutes.analyze import flatten
from georoutes.errors import GeorouteError

__all__ = ["add_economics", "comparison", "distinct", "duplicates", "group", "rank", "select"]


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


def _by_id(frame: pd.DataFrame) -> pd.DataFrame:
    """Return ``frame`` indexed by route id (the flat table may carry ids as a column)."""
    if "id" in frame.columns and frame.index.name != "id":
        return frame.set_index("id")
    return frame


def _group_codes(values: pd.Series) -> tuple[Any, list[object]]:
    """Return a group number per row (in order of first appearance) and each group's key.

    Every missing value (None, NaN, pd.NA) is one group, keyed None.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    keys = [None if pd.isna(key) else key for key in pd.Index(uniques).tolist()]
    return codes, keys


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
    and the next rank skips (1, 2, 2, 4: pandas' ``rank(method="min")``); a row with a missing
    value in ``by`` has rank <NA>. With ``group_by`` (e.g. ``"kind"``) the groups come in order
    of first appearance and ranks restart at 1 in each.

    Parameters
    ----------
    flat : pandas.DataFrame
        One row per route (e.g. :func:`georoutes.flatten` output).
    by : str or sequence of str
        Numeric column(s), e.g. ``"exposure.CHN.within_km.50"`` (km) or
        ``"transit_fees_total"`` (USD per year).
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

    names = [f"key{i}" for i in range(len(columns))]
    keys = pd.DataFrame({n: _rank_keys(flat[c]) for n, c in zip(names, columns, strict=True)})
    keys["group"] = _group_codes(flat[group_by])[0] if group_by is not None else 0
    keys = keys.sort_values(
        ["group", *names], ascending=[True, *directions], na_position="last", kind="stable"
    )
    values = keys[names]
    # Number the distinct key tuples in sort order (a tie repeats the number); the min-rank of
    # that number within the group counts the rows before the tie, missing keys included.
    tuple_number = values.ne(values.shift()).any(axis=1).cumsum()
    ranks = tuple_number.groupby(keys["group"]).rank(method="min")
    ranks = ranks.where(values.notna().all(axis=1))

    result = flat.iloc[keys.index.to_numpy()].copy()
    if "rank" in result.columns:
        result = result.drop(columns="rank")
    result.insert(0, "rank", pd.Series(ranks.to_numpy(), index=result.index).astype("Int64"))
    return result


def _rank_keys(series: pd.Series) -> pd.Series:
    """Return the values to rank by: floats rounded to 12 significant digits, NaN kept.

    Routes that share a stretch of line get km that differ only by float noise (1e-12 km) from
    different computation paths; rounding makes them ties that keep their input order.
    """
    values = pd.to_numeric(series, errors="coerce").to_numpy(dtype="float64", na_value=math.nan)
    rounded = [v if not math.isfinite(v) else float(f"{v:.12g}") for v in values.tolist()]
    return pd.Series(rounded, dtype="float64")


def group(flat: pd.DataFrame, by: str = "kind") -> dict[object, pd.DataFrame]:
    """Return the rows of ``flat`` split by the values of column ``by``.

    Keys come in order of first appearance; rows with a missing value are under the key None.
    Each group keeps the input row order.

    Parameters
    ----------
    flat : pandas.DataFrame
        One row per route (e.g. :func:`georoutes.flatten` output).
    by : str, default "kind"
        The column to split by.

    Returns
    -------
    dict of object to pandas.DataFrame
        One copy of the rows per value of ``by``.

    Raises
    ------
    GeorouteError
        The column is unknown (the message lists close matches).

    Examples
    --------
    >>> flat = pd.DataFrame({"kind": ["pipeline", "railway", "pipeline"]},
    ...                     index=pd.Index(["a", "b", "c"], name="id"))
    >>> {k: list(v.index) for k, v in group(flat).items()}
    {'pipeline': ['a', 'c'], 'railway': ['b']}
    """
    _check_columns(flat, [by], numeric=False)
    codes, keys = _group_codes(flat[by])
    return {key: flat.iloc[codes == number].copy() for number, key in enumerate(keys)}


def select(table: pd.DataFrame, ids: str | Iterable[str]) -> pd.DataFrame:
    """Return the rows of ``table`` (analysis or flat) with these route ids, in the order given.

    Duplicated ids are kept once.

    Parameters
    ----------
    table : pandas.DataFrame
        The analysis or its flat table (indexed by id, or with an ``id`` column).
    ids : str or iterable of str
        Route ids.

    Returns
    -------
    pandas.DataFrame
        A copy of those rows, indexed by route id.

    Raises
    ------
    GeorouteError
        One error names every unknown id with close matches and lists the ids available.

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
# One row per physical route
# --------------------------------------------------------------------------------------------

#: Coordinates are compared to this many decimals of a degree (about 1 cm) when looking for the
#: same line listed twice (e.g. a one-leg corridor that is a whole catalog route).
SAME_LINE_DECIMALS = 7


def _line_key(geom: object) -> bytes | None:
    """Return a key equal for the same line however it is stored (parts, direction, noise)."""
    if geom is None or shapely.is_empty(geom):
        return None
    kind = shapely.get_type_id(geom)
    merged = shapely.line_merge(geom) if kind == 5 else geom  # 5: MultiLineString
    line = shapely.normalize(merged)
    rounded = shapely.transform(line, lambda xy: xy.round(SAME_LINE_DECIMALS))
    return bytes(shapely.to_wkb(rounded))


def duplicates(routes: pd.DataFrame) -> dict[str, str]:
    """Return, for each route that repeats an earlier route's line, the id of that first route.

    Two rows are the same physical route when their lines are the same: the same vertices to
    :data:`SAME_LINE_DECIMALS` decimals of a degree, whichever way they run and however they
    are split into parts (a corridor of one whole-route leg is that route). Such rows get the
    same figures from :func:`georoutes.analyze`, so a comparison shows them once.

    Parameters
    ----------
    routes : geopandas.GeoDataFrame
        Routes with an ``id`` column (or indexed by id) and line geometries.

    Returns
    -------
    dict of str to str
        Duplicate id → the id of the first row with the same line (rows in input order);
        empty when every line is distinct.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import LineString, MultiLineString
    >>> line = LineString([(0, 0), (1, 1)])
    >>> frame = gpd.GeoDataFrame({"id": ["a", "b", "c"]}, geometry=[
    ...     line, MultiLineString([line.reverse()]), LineString([(0, 0), (2, 2)])])
    >>> duplicates(frame)
    {'b': 'a'}
    """
    ids = routes["id"] if "id" in routes.columns else pd.Series(routes.index, index=routes.index)
    first: dict[bytes, str] = {}
    out: dict[str, str] = {}
    for route_id, geom in zip(ids.astype(str), routes.geometry, strict=True):
        key = _line_key(geom)
        if key is None:
            continue
        if key in first:
            out[route_id] = first[key]
        else:
            first[key] = route_id
    return out


def distinct(
    analysis: pd.DataFrame, routes: pd.DataFrame
) -> tuple[pd.DataFrame, dict[str, list[str]]]:
    """Return the analysis with each physical route once, and the ids each kept row stands for.

    Parameters
    ----------
    analysis : pandas.DataFrame
        The output of :func:`georoutes.analyze` (indexed by id).
    routes : geopandas.GeoDataFrame
        The routes it was made from (see :func:`duplicates`).

    Returns
    -------
    (pandas.DataFrame, dict of str to list of str)
        The rows of ``analysis`` whose line no earlier row has (``attrs`` kept), and, per kept
        id that had duplicates, the duplicate ids in input order.
    """
    repeats = duplicates(routes)
    present = {str(i) for i in analysis.index}
    aliases: dict[str, list[str]] = {}
    for dup, kept in repeats.items():
        if dup in present and kept in present:
            aliases.setdefault(kept, []).append(dup)
    dropped = {d for ds in aliases.values() for d in ds}
    kept_rows = analysis[[str(i) not in dropped for i in analysis.index]]
    kept_rows.attrs = dict(analysis.attrs)
    return kept_rows, aliases


# --------------------------------------------------------------------------------------------
# Economics in the flat table
# --------------------------------------------------------------------------------------------


def _is_analysis(table: pd.DataFrame) -> bool:
    return "km_by_state" in table.columns and "states" in table.columns


def _flat_and_analysis(
    table: pd.DataFrame, analysis: pd.DataFrame | None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return the flat table (a copy, by id) and the analysis rows behind it, in its order."""
    if _is_analysis(table):
        analysis, flat = table, flatten(table)
    elif analysis is None:
        raise GeorouteError(
            "add_economics: a flat table does not keep the order of the states a route "
            "crosses, and fees depend on it; pass the analysis it came from as analysis=, "
            "or pass the analysis itself"
        )
    else:
        flat = table
    flat = _by_id(flat).copy()
    missing = [i for i in flat.index if i not in analysis.index]
    if missing:
        raise GeorouteError(f"add_economics: route id(s) {missing} are not in the analysis")
    return flat, analysis.loc[list(flat.index)]


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
    ``transit_fees_usd_per_year.<ISO3>`` per charging state (USD per year), and ``capex_usd``
    (USD).

    Parameters
    ----------
    table : pandas.DataFrame
        Either the analysis (:func:`georoutes.analyze`; it is flattened with
        :func:`georoutes.flatten`) or its flat table, with the analysis it came from as
        ``analysis=`` (fees depend on the order of the states, which only the analysis keeps).
    volume_bcm_per_year, tariff_usd_per_tcm_per_100km, exempt, kinds
        As :func:`georoutes.economics.transit_fees` (bcm per year; USD per tcm per 100 km).
    onshore_usd_per_km, offshore_usd_per_km
        As :func:`georoutes.economics.capex` (USD per km).
    analysis : pandas.DataFrame, optional
        The analysis behind a flat ``table``.

    Returns
    -------
    pandas.DataFrame
        A copy of the flat table with the new columns: one ``transit_fees_usd_per_year.<ISO3>``
        per state that charges any route (0.0 where it charges that route nothing), NaN for
        routes outside ``kinds``. The assumptions are in ``attrs["economics"]``.

    Raises
    ------
    GeorouteError
        A flat table without its analysis, or route ids of the table not in the analysis.
    """
    flat, sub = _flat_and_analysis(table, analysis)
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
        economics.applies_to(sub, kinds)
    )
    for state in fees.columns:
        flat[f"transit_fees_usd_per_year.{state}"] = fees[state]
    flat["capex_usd"] = costs["capex_usd"]
    volume = volume_bcm_per_year
    if isinstance(volume, Mapping | pd.Series):
        volume = dict(pd.Series(volume))
    flat.attrs = dict(flat.attrs)
    flat.attrs["economics"] = {
        **fees.attrs,
        **costs.attrs,
        "volume_bcm_per_year": volume,
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
    shows. Steps: :func:`select` ``only`` (if given); flatten once; with
    ``volume_bcm_per_year``, add the fees and capital cost
    (:func:`georoutes.economics.economics_table` columns to the analysis, for the JSON
    contract; :func:`add_economics` columns to the flat table); :func:`rank` by ``rank_by``
    (within ``group_by`` groups), or just gather the groups.

    Parameters
    ----------
    analysis : pandas.DataFrame
        The table returned by :func:`georoutes.analyze`.
    only : sequence of str, optional
        Route ids to keep, in this order (unless ranked).
    rank_by, ascending, group_by
        As :func:`rank`; ``group_by`` alone groups without ranking.
    volume_bcm_per_year : float or mapping, optional
        Gas volume, bcm per year; None adds no economics.
    tariff_usd_per_tcm_per_100km : float, default 2.0
        Transit tariff, USD per 1,000 m³ per 100 km.
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
# Names that moved to georoutes.scenario
# --------------------------------------------------------------------------------------------

#: The seed scenario's names this module used to define, and their names in georoutes.scenario.
#: The CLI and older code import them from here.
_SCENARIO_NAMES = {
    "SEED_CORRIDOR_IDS": "SEED_CORRIDOR_IDS",
    "SEED_CORRIDOR_PREFIX": "SEED_CORRIDOR_PREFIX",
    "SEED_PIPELINE_DESTINATION": "SEED_PIPELINE_DESTINATION",
    "scenario_markdown": "scenario_markdown",
    "seed_analysis": "seed_analysis",
    "seed_scenario": "seed_scenario",
    "write_scenario": "write_scenario",
    "_cell": "cell_text",
    "_label": "column_label",
}


def __getattr__(name: str) -> Any:
    """Return a seed-scenario name from :mod:`georoutes.scenario` (see ``_SCENARIO_NAMES``)."""
    if name not in _SCENARIO_NAMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    # georoutes.scenario imports this module: importing it on first use breaks the cycle.
    from georoutes import scenario

    return getattr(scenario, _SCENARIO_NAMES[name])
