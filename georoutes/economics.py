"""Transit fees and capital costs of routes, from the km each route lies in each state.

The model is the one gas-transit contracts are written in: a transit state charges a tariff per
1,000 m³ (tcm) of gas per 100 km of pipeline on its territory, so

    fee_usd_per_year = volume_tcm_per_year × tariff_usd_per_tcm_per_100km × km_in_state / 100

with 1 bcm = 1,000,000 tcm. At 10 bcm/yr and $2, 100 km earn a state $20 million a year.

Capital cost is km onshore (the sum of ``km_by_state``) times an onshore cost per km, plus km
offshore (``offshore_km``: for a pipeline, its subsea length) times an offshore cost per km.

Every default is a documented figure in ``seeds/economics.toml`` (read it with
:func:`georoutes.assumptions.load_assumptions`), where the alternatives are listed with their
sources: the rates Gazprom paid Belarus and Ukraine, the rate KOGAS used in 2018, per-km costs
of comparable lines, and the published estimates for particular pipelines
(:mod:`georoutes.calibration` sets the model next to those). The seed scenario's own figures
live in :mod:`georoutes.scenario`. ``load_assumptions`` and ``reference_tariffs`` are also
importable from here.
"""

from __future__ import annotations

import importlib
import math
import re
import warnings
from collections.abc import Collection, Iterable, Mapping
from difflib import get_close_matches
from typing import Any

import pandas as pd

# Re-exported: they were defined here before georoutes.assumptions.
from georoutes.assumptions import load_assumptions, reference_tariffs
from georoutes.errors import GeorouteError

__all__ = [
    "DEFAULT_OFFSHORE_USD_PER_KM",
    "DEFAULT_ONSHORE_USD_PER_KM",
    "DEFAULT_TARIFF_USD_PER_TCM_PER_100KM",
    "TCM_PER_BCM",
    "Volume",
    "applies_to",
    "capex",
    "check_analysis",
    "check_rate",
    "economics_table",
    "km_by_state_of",
    "km_measure",
    "load_assumptions",
    "reference_tariffs",
    "states_of",
    "transit_fee_breakdown",
    "transit_fees",
]

#: Thousand cubic metres in one billion cubic metres (10⁹ m³ / 10³ m³).
TCM_PER_BCM = 1_000_000.0

# The defaults below are the entries named in [defaults] of seeds/economics.toml (a test checks
# that the two agree); they are spelled out here so that a signature tells its default.
#: KOGAS's 2018 basis, "from Gazprom's contracts with Ukraine, Belarus and Slovakia"
#: (Korea Herald, 2018-10-23); seeds/economics.toml tariff ``kogas-2018-basis``.
DEFAULT_TARIFF_USD_PER_TCM_PER_100KM = 2.0
#: Global Energy Monitor's worldwide median of 64 pipeline projects, $2.34 million per km
#: (gem.wiki "Oil and Gas Pipeline Construction Costs"); capex_per_km ``gem-gfit-median``.
DEFAULT_ONSHORE_USD_PER_KM = 2_340_000.0
#: Blue Stream's Black Sea section, $1.7 billion for 396 km (kremlin.ru; knowpia);
#: capex_per_km ``blue-stream-subsea``.
DEFAULT_OFFSHORE_USD_PER_KM = 4_293_000.0

_EXEMPT_KEYWORDS = ("origin", "destination")
_CODE = re.compile(r"^[A-Z]{3}$")

#: A gas volume, bcm per year: one number for every route, or one per route id.
Volume = float | Mapping[str, float] | pd.Series

# Names that moved out of this module (module, new name); still readable from here, with a
# DeprecationWarning. The seed's own figures went to georoutes.scenario; the comparison with
# published figures to georoutes.calibration.
_MOVED = {
    "SEED_PIPELINE_ID": ("georoutes.scenario", "SEED_PIPELINE_ID"),
    "calibration_table": ("georoutes.scenario", "fee_calibration"),
    "calibrate_tariff": ("georoutes.calibration", "calibrate_tariff"),
    "capex_check": ("georoutes.calibration", "capex_check"),
}


def __getattr__(name: str) -> Any:
    """Return a name that moved to another module (see ``_MOVED``), with a DeprecationWarning."""
    if name not in _MOVED:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module_name, new = _MOVED[name]
    warnings.warn(
        f"georoutes.economics.{name} is now {module_name}.{new}",
        DeprecationWarning,
        stacklevel=2,
    )
    # Both modules import this one: importing them on use, not at the top, breaks the cycle.
    return getattr(importlib.import_module(module_name), new)


# --------------------------------------------------------------------------------------------
# Input checks (once, at the edge)
# --------------------------------------------------------------------------------------------


def check_analysis(analysis: pd.DataFrame, columns: Iterable[str]) -> None:
    """Raise unless ``analysis`` is an analysis table with these columns and unique route ids.

    Parameters
    ----------
    analysis : pandas.DataFrame
        The table returned by :func:`georoutes.analyze` (not its flattened form).
    columns : iterable of str
        Columns the caller reads, e.g. ``("states", "km_by_state")``.

    Raises
    ------
    GeorouteError
        Not a DataFrame, a column is missing (the message lists those present), or a route id
        is duplicated.

    Examples
    --------
    >>> check_analysis(pd.DataFrame({"states": [["RUS"]]}), ["states", "km_by_state"])
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    georoutes.errors.GeorouteError: the analysis table lacks column(s) 'km_by_state' ...
    """
    if not isinstance(analysis, pd.DataFrame):
        raise GeorouteError(
            f"expected the DataFrame returned by georoutes.analyze(), got {type(analysis).__name__}"
        )
    missing = [c for c in columns if c not in analysis.columns]
    if missing:
        raise GeorouteError(
            f"the analysis table lacks column(s) {', '.join(map(repr, missing))} "
            f"(pass the DataFrame returned by georoutes.analyze(), not its flattened form; "
            f"columns present: {', '.join(map(str, analysis.columns))})"
        )
    if not analysis.index.is_unique:
        dupes = analysis.index[analysis.index.duplicated()].unique().tolist()
        raise GeorouteError(f"route ids must be unique; duplicated: {dupes}")


def check_rate(name: str, value: object) -> float:
    """Return ``value`` as a float, or raise naming ``name`` unless it is a finite number >= 0.

    Examples
    --------
    >>> check_rate("tariff_usd_per_tcm_per_100km", 2)
    2.0
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise GeorouteError(f"{name} must be a number, got {value!r}")
    number = float(value)
    if not math.isfinite(number) or number < 0:
        raise GeorouteError(f"{name} must be a finite number >= 0, got {value!r}")
    return number


def _volumes(analysis: pd.DataFrame, volume_bcm_per_year: Volume) -> pd.Series:
    """Return the volume (bcm/yr) of each route as a Series aligned to the analysis index."""
    if isinstance(volume_bcm_per_year, Mapping | pd.Series):
        given = pd.Series(volume_bcm_per_year, dtype="object")
        missing = [i for i in analysis.index if i not in given.index]
        if missing:
            raise GeorouteError(
                f"volume_bcm_per_year gives no volume for route(s) {missing}; give a number for "
                f"every route, or one number for all"
            )
        values = {i: check_rate(f"volume_bcm_per_year[{i!r}]", given[i]) for i in analysis.index}
        return pd.Series(values, index=analysis.index, dtype="float64")
    number = check_rate("volume_bcm_per_year", volume_bcm_per_year)
    return pd.Series(number, index=analysis.index, dtype="float64")


def _parse_exempt(exempt: str | Iterable[str]) -> tuple[frozenset[str], frozenset[str]]:
    """Split ``exempt`` into keywords (origin/destination) and state codes; report all errors."""
    items = (exempt,) if isinstance(exempt, str) else tuple(exempt)
    keywords: set[str] = set()
    codes: set[str] = set()
    bad: list[str] = []
    for item in items:
        text = str(item).strip()
        if text.lower() in _EXEMPT_KEYWORDS:
            keywords.add(text.lower())
        elif _CODE.match(text.upper()):
            codes.add(text.upper())
        else:
            close = get_close_matches(text.lower(), _EXEMPT_KEYWORDS, n=1, cutoff=0.6)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            bad.append(f"{item!r}{hint}")
    if bad:
        raise GeorouteError(
            f"exempt: {', '.join(bad)} is neither 'origin', 'destination' nor a 3-letter "
            f"state code such as 'RUS'"
        )
    return frozenset(keywords), frozenset(codes)


def applies_to(analysis: pd.DataFrame, kinds: Collection[str] | None) -> pd.Series:
    """Return, per route, whether the fee / cost model applies to it (its kind is in ``kinds``).

    Parameters
    ----------
    analysis : pandas.DataFrame
        The analysis (it needs a ``kind`` column unless ``kinds`` is None).
    kinds : collection of str or None
        Route kinds that carry gas (e.g. ``("pipeline",)``); None: every route.

    Returns
    -------
    pandas.Series
        Booleans aligned to ``analysis.index``.

    Examples
    --------
    >>> a = pd.DataFrame({"kind": ["pipeline", "railway"]}, index=["p", "r"])
    >>> applies_to(a, ("pipeline",)).tolist()
    [True, False]
    """
    if kinds is None:
        return pd.Series(True, index=analysis.index)
    if isinstance(kinds, str):
        kinds = (kinds,)
    if "kind" not in analysis.columns:
        raise GeorouteError("kinds= was given but the analysis table has no 'kind' column")
    return analysis["kind"].isin(list(kinds))


def states_of(value: object) -> list[str]:
    """Return a cell of the analysis ``states`` column as a list of state codes (NaN: ``[]``).

    Examples
    --------
    >>> states_of(("RUS", "PRK", "KOR")), states_of(None)
    (['RUS', 'PRK', 'KOR'], [])
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return []
    return [str(s) for s in value]  # type: ignore[attr-defined]


def km_by_state_of(value: object) -> dict[str, float]:
    """Return a cell of the analysis ``km_by_state`` column as ``{code: km}`` (missing: ``{}``).

    Examples
    --------
    >>> km_by_state_of({"PRK": 700}), km_by_state_of(float("nan"))
    ({'PRK': 700.0}, {})
    """
    if not isinstance(value, Mapping):
        return {}
    return {str(k): float(v) for k, v in value.items()}


# --------------------------------------------------------------------------------------------
# Transit fees
# --------------------------------------------------------------------------------------------


def km_measure(analysis: pd.DataFrame) -> pd.DataFrame:
    """Return the km each route is charged and costed on: track km when calibrated.

    A route calibrated by published km posts (:mod:`georoutes.chainage`) is measured in
    track km (``km_by_state_track``, ``offshore_track_km``), the others by their drawn line
    (``km_by_state``, ``offshore_km``).

    Returns
    -------
    pandas.DataFrame
        Aligned to ``analysis.index``: ``km_by_state`` (dict, km), ``offshore_km`` (km) and
        ``km_basis`` (``"track"`` or ``"drawn"``).

    Examples
    --------
    >>> a = pd.DataFrame({"km_by_state": [{"PRK": 90.0}], "offshore_km": [0.0],
    ...                   "calibrated": [True], "km_by_state_track": [{"PRK": 100.0}],
    ...                   "offshore_track_km": [0.0]}, index=pd.Index(["r"], name="id"))
    >>> row = km_measure(a).loc["r"]
    >>> row["km_by_state"], float(row["offshore_km"]), row["km_basis"]
    ({'PRK': 100.0}, 0.0, 'track')
    """
    drawn = pd.DataFrame(
        {
            "km_by_state": analysis["km_by_state"],
            "offshore_km": analysis.get("offshore_km", math.nan),
            "km_basis": "drawn",
        },
        index=analysis.index,
    )
    if "calibrated" not in analysis or "km_by_state_track" not in analysis:
        return drawn
    track = analysis["calibrated"].map(lambda v: v is True or v == True)  # noqa: E712
    drawn.loc[track, "km_by_state"] = analysis.loc[track, "km_by_state_track"]
    drawn.loc[track, "offshore_km"] = analysis.loc[track, "offshore_track_km"]
    drawn.loc[track, "km_basis"] = "track"
    return drawn


def _land_and_sea(
    analysis: pd.DataFrame, onshore_km: pd.Series, offshore_km: pd.Series
) -> tuple[pd.Series, pd.Series]:
    """Return km on land and at sea when the analysis measured maritime zones.

    Under ``waters="territorial"`` or ``"eez"`` a state's km include its waters, so onshore is
    the routes' ``land_km`` (scaled to track km for calibrated routes) and offshore the rest.
    Routes analysed on land only keep ``km_by_state`` / ``offshore_km``.
    """
    onshore = onshore_km.to_numpy(dtype="float64", copy=True)
    offshore = offshore_km.to_numpy(dtype="float64", copy=True)
    lengths = pd.to_numeric(analysis["length_km"], errors="coerce").to_numpy(dtype="float64")
    for i, zones in enumerate(analysis["km_by_zone"].tolist()):
        if not isinstance(zones, dict) or not any(
            "territorial_km" in z for z in zones.values() if isinstance(z, dict)
        ):
            continue
        land = math.fsum(float(z.get("land_km", 0.0)) for z in zones.values())
        total = onshore[i] + offshore[i]
        scale = total / lengths[i] if lengths[i] > 0 else 1.0
        onshore[i], offshore[i] = land * scale, total - land * scale
    index = onshore_km.index
    return pd.Series(onshore, index=index), pd.Series(offshore, index=index)


_BREAKDOWN_COLUMNS = [
    "id",
    "state",
    "km",
    "volume_bcm_per_year",
    "tariff_usd_per_tcm_per_100km",
    "fee_usd_per_year",
]


def _charged_km(
    states: list[str],
    km_by_state: Mapping[str, float],
    *,
    keywords: frozenset[str],
    codes: frozenset[str],
) -> list[tuple[str, float]]:
    """Return (state, km) for each state that charges the route, in the order it enters them."""
    free = set(codes)
    if states and "origin" in keywords:
        free.add(states[0])
    if states and "destination" in keywords:
        free.add(states[-1])
    unique = dict.fromkeys(states)  # unique, in order of entry
    return [(state, km_by_state.get(state, 0.0)) for state in unique if state not in free]


def transit_fee_breakdown(
    analysis: pd.DataFrame,
    *,
    volume_bcm_per_year: Volume,
    tariff_usd_per_tcm_per_100km: float = DEFAULT_TARIFF_USD_PER_TCM_PER_100KM,
    exempt: str | Iterable[str] = ("origin", "destination"),
    kinds: Collection[str] | None = None,
) -> pd.DataFrame:
    """Return one row per (route, charging state): the km charged and the fee in USD per year.

    Parameters
    ----------
    analysis : pandas.DataFrame
        The table returned by :func:`georoutes.analyze` (columns ``states``, ``km_by_state``).
    volume_bcm_per_year : float or mapping of route id to float
        Gas carried, bcm per year; one number for every route or one per route id.
    tariff_usd_per_tcm_per_100km : float, default 2.0
        USD per 1,000 m³ per 100 km (KOGAS's 2018 basis; alternatives in
        ``seeds/economics.toml``, see :func:`reference_tariffs`).
    exempt : iterable of str, default ("origin", "destination")
        States that charge nothing: ``"origin"`` (the first of ``states``), ``"destination"``
        (the last) and/or state codes (``"RUS"``).
    kinds : collection of str, optional
        Charge only routes of these kinds (e.g. ``("pipeline",)``); None charges every route.

    Returns
    -------
    pandas.DataFrame
        Columns ``id``, ``state``, ``km``, ``volume_bcm_per_year``,
        ``tariff_usd_per_tcm_per_100km``, ``fee_usd_per_year``, in route order and, within a
        route, in the order the route enters the states. A state charges for all its km
        (``km_by_state``), even when the route enters it twice. States a route only grazes
        (slivers, which ``analyze`` leaves out of ``states``) charge nothing.

    Examples
    --------
    >>> a = pd.DataFrame({"states": [["RUS", "PRK", "KOR"]],
    ...                   "km_by_state": [{"RUS": 10.0, "PRK": 100.0, "KOR": 50.0}]},
    ...                  index=pd.Index(["r"], name="id"))
    >>> b = transit_fee_breakdown(a, volume_bcm_per_year=10)
    >>> b[["id", "state", "km", "fee_usd_per_year"]].to_dict("records")
    [{'id': 'r', 'state': 'PRK', 'km': 100.0, 'fee_usd_per_year': 20000000.0}]
    """
    check_analysis(analysis, ("states", "km_by_state"))
    tariff = check_rate("tariff_usd_per_tcm_per_100km", tariff_usd_per_tcm_per_100km)
    volumes = _volumes(analysis, volume_bcm_per_year)
    keywords, codes = _parse_exempt(exempt)
    applicable = applies_to(analysis, kinds)

    measure = km_measure(analysis)
    rows: list[dict[str, Any]] = []
    for route_id, states_value, km_value, basis in zip(
        analysis.index,
        analysis["states"],
        measure["km_by_state"],
        measure["km_basis"],
        strict=True,
    ):
        if not applicable[route_id]:
            continue
        volume = volumes[route_id]
        for state, km in _charged_km(
            states_of(states_value), km_by_state_of(km_value), keywords=keywords, codes=codes
        ):
            fee = volume * TCM_PER_BCM * tariff * km / 100.0
            rows.append(
                {
                    "id": route_id,
                    "state": state,
                    "km": km,
                    "volume_bcm_per_year": volume,
                    "tariff_usd_per_tcm_per_100km": tariff,
                    "fee_usd_per_year": fee,
                    "km_basis": basis,
                }
            )
    columns = _BREAKDOWN_COLUMNS
    table = pd.DataFrame(rows, columns=[*columns, "km_basis"])
    table = table.astype(dict.fromkeys(columns[2:], "float64"))
    table.attrs = {
        "tariff_usd_per_tcm_per_100km": tariff,
        "exempt": sorted(keywords) + sorted(codes),
    }
    return table


def transit_fees(
    analysis: pd.DataFrame,
    *,
    volume_bcm_per_year: Volume,
    tariff_usd_per_tcm_per_100km: float = DEFAULT_TARIFF_USD_PER_TCM_PER_100KM,
    exempt: str | Iterable[str] = ("origin", "destination"),
    kinds: Collection[str] | None = None,
) -> pd.DataFrame:
    """Return the transit fee, USD per year, each state earns from each route.

    One row per route (aligned to ``analysis.index``), one column per state that charges on
    at least one route (sorted codes). 0.0 where a route pays that state nothing; NaN on every
    column of a route outside ``kinds``. Arguments as :func:`transit_fee_breakdown`.

    fee = volume_bcm_per_year × 1,000,000 (tcm per bcm) × tariff × km_in_state / 100.

    Examples
    --------
    >>> a = pd.DataFrame({"states": [["RUS", "PRK", "KOR"], ["RUS", "KOR"]],
    ...                   "km_by_state": [{"RUS": 10.0, "PRK": 100.0, "KOR": 50.0},
    ...                                   {"RUS": 5.0, "KOR": 5.0}]},
    ...                  index=pd.Index(["via-prk", "direct"], name="id"))
    >>> transit_fees(a, volume_bcm_per_year=10, tariff_usd_per_tcm_per_100km=2.0)["PRK"].tolist()
    [20000000.0, 0.0]
    """
    breakdown = transit_fee_breakdown(
        analysis,
        volume_bcm_per_year=volume_bcm_per_year,
        tariff_usd_per_tcm_per_100km=tariff_usd_per_tcm_per_100km,
        exempt=exempt,
        kinds=kinds,
    )
    states = sorted(breakdown["state"].unique().tolist())
    wide = pd.DataFrame(0.0, index=analysis.index.copy(), columns=pd.Index(states, name="state"))
    for route_id, state, fee in zip(
        breakdown["id"], breakdown["state"], breakdown["fee_usd_per_year"], strict=True
    ):
        wide.loc[route_id, state] = fee
    applicable = applies_to(analysis, kinds)
    wide.loc[~applicable, :] = math.nan
    wide.attrs = dict(breakdown.attrs)
    return wide


# --------------------------------------------------------------------------------------------
# Capital cost
# --------------------------------------------------------------------------------------------


def capex(
    analysis: pd.DataFrame,
    *,
    onshore_usd_per_km: float = DEFAULT_ONSHORE_USD_PER_KM,
    offshore_usd_per_km: float = DEFAULT_OFFSHORE_USD_PER_KM,
    kinds: Collection[str] | None = None,
) -> pd.DataFrame:
    """Return the capital cost of each route, USD, from its km onshore and offshore.

    Parameters
    ----------
    analysis : pandas.DataFrame
        The table returned by :func:`georoutes.analyze` (``km_by_state``, ``offshore_km``).
    onshore_usd_per_km : float, default 2.34e6
        Cost per km of route on land (inside any state): Global Energy Monitor's worldwide
        median of 64 projects. Alternatives (OGJ US averages, Blue Stream, Sakhalin–Khabarovsk–
        Vladivostok, Power of Siberia, the seed-era KOGAS estimate) in ``seeds/economics.toml``.
    offshore_usd_per_km : float, default 4.293e6
        Cost per km outside every state's territory (for a pipeline: subsea): Blue Stream's
        Black Sea section.
    kinds : collection of str, optional
        Cost only routes of these kinds; other rows are NaN. None costs every route.

    Returns
    -------
    pandas.DataFrame
        Aligned to ``analysis.index``: ``onshore_km`` (sum of ``km_by_state``; the routes'
        ``land_km`` when the analysis measured maritime zones), ``offshore_km``,
        ``capex_onshore_usd``, ``capex_offshore_usd``, ``capex_usd``.

    Examples
    --------
    >>> a = pd.DataFrame({"km_by_state": [{"RUS": 100.0}], "offshore_km": [10.0]},
    ...                  index=pd.Index(["r"], name="id"))
    >>> capex(a, onshore_usd_per_km=2e6, offshore_usd_per_km=5e6)["capex_usd"].tolist()
    [250000000.0]
    """
    check_analysis(analysis, ("km_by_state", "offshore_km"))
    onshore_rate = check_rate("onshore_usd_per_km", onshore_usd_per_km)
    offshore_rate = check_rate("offshore_usd_per_km", offshore_usd_per_km)
    applicable = applies_to(analysis, kinds)
    measure = km_measure(analysis)
    onshore_km = measure["km_by_state"].map(lambda v: math.fsum(km_by_state_of(v).values()))
    offshore_km = pd.to_numeric(measure["offshore_km"], errors="coerce").astype("float64")
    if "km_by_zone" in analysis and "length_km" in analysis:
        onshore_km, offshore_km = _land_and_sea(analysis, onshore_km, offshore_km)
    table = pd.DataFrame(
        {"onshore_km": onshore_km.astype("float64"), "offshore_km": offshore_km},
        index=analysis.index.copy(),
    )
    table["capex_onshore_usd"] = table["onshore_km"] * onshore_rate
    table["capex_offshore_usd"] = table["offshore_km"] * offshore_rate
    table["capex_usd"] = table["capex_onshore_usd"] + table["capex_offshore_usd"]
    table["km_basis"] = measure["km_basis"]
    cost_columns = ["capex_onshore_usd", "capex_offshore_usd", "capex_usd"]
    table.loc[~applicable, cost_columns] = math.nan
    table.attrs = {"onshore_usd_per_km": onshore_rate, "offshore_usd_per_km": offshore_rate}
    return table


# --------------------------------------------------------------------------------------------
# Both, per route (for the JSON contract and the flat table)
# --------------------------------------------------------------------------------------------


def economics_table(
    analysis: pd.DataFrame,
    *,
    volume_bcm_per_year: Volume,
    tariff_usd_per_tcm_per_100km: float = DEFAULT_TARIFF_USD_PER_TCM_PER_100KM,
    exempt: str | Iterable[str] = ("origin", "destination"),
    onshore_usd_per_km: float = DEFAULT_ONSHORE_USD_PER_KM,
    offshore_usd_per_km: float = DEFAULT_OFFSHORE_USD_PER_KM,
    kinds: Collection[str] | None = None,
) -> pd.DataFrame:
    """Return fees and capital cost per route, shaped like the columns of ``analyze``.

    Columns, aligned to ``analysis.index``: ``transit_fees_usd_per_year`` (dict: state code →
    USD per year, only the states that charge that route), ``transit_fees_total`` (USD per
    year), ``capex_usd``. Routes outside ``kinds`` get ``{}`` and NaN. Join it onto the
    analysis before :func:`georoutes.to_records` to add the figures to the JSON contract.

    Examples
    --------
    >>> a = pd.DataFrame({"states": [["RUS", "PRK", "KOR"]], "offshore_km": [0.0],
    ...                   "km_by_state": [{"RUS": 10.0, "PRK": 100.0, "KOR": 50.0}]},
    ...                  index=pd.Index(["r"], name="id"))
    >>> economics_table(a, volume_bcm_per_year=10).loc["r", "transit_fees_usd_per_year"]
    {'PRK': 20000000.0}
    """
    breakdown = transit_fee_breakdown(
        analysis,
        volume_bcm_per_year=volume_bcm_per_year,
        tariff_usd_per_tcm_per_100km=tariff_usd_per_tcm_per_100km,
        exempt=exempt,
        kinds=kinds,
    )
    costs = capex(
        analysis,
        onshore_usd_per_km=onshore_usd_per_km,
        offshore_usd_per_km=offshore_usd_per_km,
        kinds=kinds,
    )
    applicable = applies_to(analysis, kinds)
    fees: dict[object, dict[str, float]] = {route_id: {} for route_id in analysis.index}
    for route_id, state, fee in zip(
        breakdown["id"], breakdown["state"], breakdown["fee_usd_per_year"], strict=True
    ):
        fees[route_id][state] = float(fee)
    totals = [math.fsum(fees[i].values()) if applicable[i] else math.nan for i in analysis.index]
    table = pd.DataFrame(
        {
            "transit_fees_usd_per_year": pd.Series(
                [fees[i] for i in analysis.index], index=analysis.index, dtype="object"
            ),
            "transit_fees_total": pd.Series(totals, index=analysis.index, dtype="float64"),
            "capex_usd": costs["capex_usd"],
        },
        index=analysis.index.copy(),
    )
    table.attrs = {**breakdown.attrs, **costs.attrs}
    if not isinstance(volume_bcm_per_year, Mapping | pd.Series):
        table.attrs["volume_bcm_per_year"] = float(volume_bcm_per_year)
    return table
