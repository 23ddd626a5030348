"""Transit fees and capital costs of routes, from the km each route lies in each state.

The model is the one gas-transit contracts are written in: a transit state charges a tariff per
1,000 m³ (tcm) of gas per 100 km of pipeline on its territory, so

    fee_usd_per_year = volume_tcm_per_year × tariff_usd_per_tcm_per_100km × km_in_state / 100

with 1 bcm = 1,000,000 tcm. At 10 bcm/yr and $2, 100 km earn a state $20 million a year.

Capital cost is km onshore (the sum of ``km_by_state``) times an onshore cost per km, plus km
offshore (``offshore_km``: for a pipeline, its subsea length) times an offshore cost per km.

Every default is a documented figure in ``seeds/economics.toml`` (read it with
:func:`load_assumptions`), where the alternatives are listed with their sources: the rates
Gazprom paid Belarus and Ukraine, the rate KOGAS used in 2018, per-km costs of comparable lines,
and the seed-era estimates for the Russia–DPRK–ROK pipeline. :func:`calibration_table` shows the
model next to the published fee estimates for that pipeline; :func:`calibrate_tariff` gives the
tariff that reproduces one of them exactly.
"""

from __future__ import annotations

import copy
import math
import re
import tomllib
from collections.abc import Collection, Iterable, Mapping
from difflib import get_close_matches
from functools import cache
from typing import Any

import pandas as pd

from georoutes._data import seeds_dir
from georoutes.errors import GeorouteError

__all__ = [
    "DEFAULT_OFFSHORE_USD_PER_KM",
    "DEFAULT_ONSHORE_USD_PER_KM",
    "DEFAULT_TARIFF_USD_PER_TCM_PER_100KM",
    "SEED_PIPELINE_ID",
    "TCM_PER_BCM",
    "calibrate_tariff",
    "calibration_table",
    "capex",
    "capex_check",
    "economics_table",
    "load_assumptions",
    "reference_tariffs",
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
#: The route id of the seed's pipeline (Russia → DPRK → ROK, 2011) in the route catalog.
SEED_PIPELINE_ID = "pipeline-rus-prk-kor-2011"

_SEED_STATE = "PRK"
_SEED_FEE_USD_PER_YEAR = 100_000_000.0  # seeds/economics.toml fee_estimate "seed-2011"
_SEED_VOLUME_BCM_PER_YEAR = 10.0  # idem
_EXEMPT_KEYWORDS = ("origin", "destination")
_CODE = re.compile(r"^[A-Z]{3}$")

Volume = float | Mapping[str, float] | pd.Series


# --------------------------------------------------------------------------------------------
# Assumptions file
# --------------------------------------------------------------------------------------------


@cache
def _read_assumptions() -> dict[str, Any]:
    path = seeds_dir() / "economics.toml"
    try:
        with path.open("rb") as f:
            data = tomllib.load(f)
    except FileNotFoundError as exc:
        raise GeorouteError(f"{path}: the economics assumptions file is missing") from exc
    except tomllib.TOMLDecodeError as exc:
        raise GeorouteError(f"{path}: not valid TOML: {exc}") from exc
    for table in ("tariff", "fee_estimate", "capex_per_km", "project_cost"):
        ids = [entry.get("id") for entry in data.get(table, [])]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes or None in ids:
            raise GeorouteError(f"{path}: [[{table}]] ids must be unique and present: {dupes}")
    return data


def load_assumptions() -> dict[str, Any]:
    """Return the sourced assumptions of ``seeds/economics.toml`` as a dict (a fresh copy).

    Keys: ``defaults``; ``tariff``, ``fee_estimate``, ``capex_per_km``, ``project_cost``: lists
    of entries, each with an ``id``, its value(s) with units in the key, ``year``, ``confirmed``
    (False when the figure could not be confirmed in a source; such figures are never used as
    defaults), ``note`` and ``sources`` (``url`` or ``document``, and what the source ``says``).

    Examples
    --------
    >>> a = load_assumptions()
    >>> a["defaults"]["tariff"]
    'kogas-2018-basis'
    >>> [t["value_usd_per_tcm_per_100km"] for t in a["tariff"] if t["id"] == "belarus-2010"]
    [1.88]
    """
    return copy.deepcopy(_read_assumptions())


def _entry(table: str, entry_id: str) -> dict[str, Any]:
    for entry in _read_assumptions().get(table, []):
        if entry["id"] == entry_id:
            return dict(entry)
    raise GeorouteError(f"seeds/economics.toml: no [[{table}]] entry with id {entry_id!r}")


def _first_source(entry: Mapping[str, Any]) -> str:
    """Return the first source URL of an entry (else its first document), or ""."""
    sources = entry.get("sources") or []
    urls = [s["url"] for s in sources if s.get("url")]
    documents = [s["document"] for s in sources if s.get("document")]
    return str((urls or documents or [""])[0])


def reference_tariffs(*, confirmed_only: bool = True) -> pd.DataFrame:
    """Return the documented transit tariffs (USD per tcm per 100 km), one row per entry.

    Columns: ``tariff_usd_per_tcm_per_100km``, ``year``, ``payer``, ``payee``, ``confirmed``,
    ``note``, ``source`` (the first URL or document); index: the entry ``id``.

    Examples
    --------
    >>> float(reference_tariffs().loc["ukraine-2010", "tariff_usd_per_tcm_per_100km"])
    2.7
    """
    rows = [
        {
            "id": t["id"],
            "tariff_usd_per_tcm_per_100km": float(t["value_usd_per_tcm_per_100km"]),
            "year": t.get("year"),
            "payer": t.get("payer", ""),
            "payee": t.get("payee", ""),
            "confirmed": bool(t.get("confirmed", False)),
            "note": " ".join(str(t.get("note", "")).split()),
            "source": _first_source(t),
        }
        for t in _read_assumptions().get("tariff", [])
        if t.get("confirmed", False) or not confirmed_only
    ]
    return pd.DataFrame(rows).set_index("id")


# --------------------------------------------------------------------------------------------
# Input checks (once, at the edge)
# --------------------------------------------------------------------------------------------


def _check_analysis(analysis: pd.DataFrame, columns: Iterable[str]) -> None:
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


def _check_rate(name: str, value: object) -> float:
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
        values = {i: _check_rate(f"volume_bcm_per_year[{i!r}]", given[i]) for i in analysis.index}
        return pd.Series(values, index=analysis.index, dtype="float64")
    number = _check_rate("volume_bcm_per_year", volume_bcm_per_year)
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


def _applicable(analysis: pd.DataFrame, kinds: Collection[str] | None) -> pd.Series:
    if kinds is None:
        return pd.Series(True, index=analysis.index)
    if isinstance(kinds, str):
        kinds = (kinds,)
    if "kind" not in analysis.columns:
        raise GeorouteError("kinds= was given but the analysis table has no 'kind' column")
    return analysis["kind"].isin(list(kinds))


def _states(value: object) -> list[str]:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return []
    return [str(s) for s in value]  # type: ignore[attr-defined]


def _km_by_state(value: object) -> dict[str, float]:
    if not isinstance(value, Mapping):
        return {}
    return {str(k): float(v) for k, v in value.items()}


# --------------------------------------------------------------------------------------------
# Transit fees
# --------------------------------------------------------------------------------------------


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
    _check_analysis(analysis, ("states", "km_by_state"))
    tariff = _check_rate("tariff_usd_per_tcm_per_100km", tariff_usd_per_tcm_per_100km)
    volumes = _volumes(analysis, volume_bcm_per_year)
    keywords, codes = _parse_exempt(exempt)
    applicable = _applicable(analysis, kinds)

    rows: list[dict[str, Any]] = []
    for route_id, states_value, km_value in zip(
        analysis.index, analysis["states"], analysis["km_by_state"], strict=True
    ):
        if not applicable[route_id]:
            continue
        states = _states(states_value)
        km_by_state = _km_by_state(km_value)
        free = set(codes)
        if states and "origin" in keywords:
            free.add(states[0])
        if states and "destination" in keywords:
            free.add(states[-1])
        volume_tcm = volumes[route_id] * TCM_PER_BCM
        for state in dict.fromkeys(states):  # unique, in order of entry
            if state in free:
                continue
            km = km_by_state.get(state, 0.0)
            rows.append(
                {
                    "id": route_id,
                    "state": state,
                    "km": km,
                    "volume_bcm_per_year": volumes[route_id],
                    "tariff_usd_per_tcm_per_100km": tariff,
                    "fee_usd_per_year": volume_tcm * tariff * km / 100.0,
                }
            )
    columns = [
        "id",
        "state",
        "km",
        "volume_bcm_per_year",
        "tariff_usd_per_tcm_per_100km",
        "fee_usd_per_year",
    ]
    table = pd.DataFrame(rows, columns=columns)
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
    applicable = _applicable(analysis, kinds)
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
        Aligned to ``analysis.index``: ``onshore_km`` (sum of ``km_by_state``), ``offshore_km``,
        ``capex_onshore_usd``, ``capex_offshore_usd``, ``capex_usd``.

    Examples
    --------
    >>> a = pd.DataFrame({"km_by_state": [{"RUS": 100.0}], "offshore_km": [10.0]},
    ...                  index=pd.Index(["r"], name="id"))
    >>> capex(a, onshore_usd_per_km=2e6, offshore_usd_per_km=5e6)["capex_usd"].tolist()
    [250000000.0]
    """
    _check_analysis(analysis, ("km_by_state", "offshore_km"))
    onshore_rate = _check_rate("onshore_usd_per_km", onshore_usd_per_km)
    offshore_rate = _check_rate("offshore_usd_per_km", offshore_usd_per_km)
    applicable = _applicable(analysis, kinds)
    onshore_km = analysis["km_by_state"].map(lambda v: math.fsum(_km_by_state(v).values()))
    offshore_km = pd.to_numeric(analysis["offshore_km"], errors="coerce").astype("float64")
    table = pd.DataFrame(
        {"onshore_km": onshore_km.astype("float64"), "offshore_km": offshore_km},
        index=analysis.index.copy(),
    )
    table["capex_onshore_usd"] = table["onshore_km"] * onshore_rate
    table["capex_offshore_usd"] = table["offshore_km"] * offshore_rate
    table["capex_usd"] = table["capex_onshore_usd"] + table["capex_offshore_usd"]
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
    applicable = _applicable(analysis, kinds)
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


# --------------------------------------------------------------------------------------------
# Calibration against the published figures for the seed pipeline
# --------------------------------------------------------------------------------------------


def _km_in(analysis: pd.DataFrame, route_id: str, state: str) -> float:
    _check_analysis(analysis, ("states", "km_by_state"))
    if route_id not in analysis.index:
        close = get_close_matches(str(route_id), [str(i) for i in analysis.index], n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise GeorouteError(f"route {route_id!r} is not in the analysis{hint}")
    km = _km_by_state(analysis.at[route_id, "km_by_state"]).get(state, 0.0)
    if km <= 0:
        states = _states(analysis.at[route_id, "states"])
        raise GeorouteError(
            f"route {route_id!r} has no km in {state!r} (states: {' → '.join(states) or 'none'})"
        )
    return km


def calibrate_tariff(
    analysis: pd.DataFrame,
    *,
    route_id: str = SEED_PIPELINE_ID,
    state: str = _SEED_STATE,
    target_usd_per_year: float = _SEED_FEE_USD_PER_YEAR,
    volume_bcm_per_year: float = _SEED_VOLUME_BCM_PER_YEAR,
) -> float:
    """Return the tariff, USD per tcm per 100 km, at which ``state`` earns the target fee.

    The inverse of the fee model on the km the analysis measured for ``route_id`` in
    ``state``: tariff = target / (volume_tcm × km / 100). The defaults reproduce the seed's
    figure: $100 million a year to the DPRK for 10 bcm/yr through the 2011 pipeline.

    Examples
    --------
    >>> a = pd.DataFrame({"states": [["RUS", "PRK", "KOR"]],
    ...                   "km_by_state": [{"RUS": 20.0, "PRK": 700.0, "KOR": 380.0}]},
    ...                  index=pd.Index(["pipeline-rus-prk-kor-2011"], name="id"))
    >>> round(calibrate_tariff(a), 4)
    1.4286
    """
    km = _km_in(analysis, route_id, state)
    target = _check_rate("target_usd_per_year", target_usd_per_year)
    volume = _check_rate("volume_bcm_per_year", volume_bcm_per_year)
    if volume == 0:
        raise GeorouteError("volume_bcm_per_year must be > 0 to calibrate a tariff")
    return target / (volume * TCM_PER_BCM * km / 100.0)


def calibration_table(
    analysis: pd.DataFrame,
    *,
    route_id: str = SEED_PIPELINE_ID,
    state: str = _SEED_STATE,
    volume_bcm_per_year: float = _SEED_VOLUME_BCM_PER_YEAR,
    tariff_usd_per_tcm_per_100km: float = DEFAULT_TARIFF_USD_PER_TCM_PER_100KM,
) -> pd.DataFrame:
    """Return the model's fee for ``state`` next to the published estimates and the calibration.

    The calibration is the tariff that reproduces the seed's figure exactly.

    Rows (index ``case``): ``model`` (the analysis km at the given tariff), ``seed-2011`` (the
    seed's ~$100M, with the km reported then and the tariff they imply), ``kogas-2018``
    (KOGAS's estimate at $2; it published no km), ``calibrated`` (the model at
    :func:`calibrate_tariff`: reproduces the seed's fee exactly), then the model at each
    confirmed reference tariff (Belarus, Ukraine). Columns: ``description``, ``basis``
    ("model" or "reported"), ``tariff_usd_per_tcm_per_100km``, ``volume_bcm_per_year``,
    ``km_in_state``, ``fee_usd_per_year``, ``fee_usd_per_year_high``, ``source``.
    """
    km = _km_in(analysis, route_id, state)
    tariff = _check_rate("tariff_usd_per_tcm_per_100km", tariff_usd_per_tcm_per_100km)
    volume = _check_rate("volume_bcm_per_year", volume_bcm_per_year)
    volume_tcm = volume * TCM_PER_BCM

    def model_fee(rate: float) -> float:
        return volume_tcm * rate * km / 100.0

    seed = _entry("fee_estimate", "seed-2011")
    kogas = _entry("fee_estimate", "kogas-2018")
    seed_fee = float(seed["fee_usd_per_year"])
    seed_km = float(seed["km_in_state_reported"])
    seed_volume_tcm = float(seed["volume_bcm_per_year"]) * TCM_PER_BCM
    # The seed's fee is quoted for its own volume; calibrate to it at that volume.
    calibrated = calibrate_tariff(
        analysis,
        route_id=route_id,
        state=state,
        target_usd_per_year=seed_fee,
        volume_bcm_per_year=float(seed["volume_bcm_per_year"]),
    )
    nan = math.nan
    rows: list[dict[str, Any]] = [
        {
            "case": "model",
            "description": f"model: {km:,.0f} km in {state} at ${tariff:.2f}",
            "basis": "model",
            "tariff_usd_per_tcm_per_100km": tariff,
            "volume_bcm_per_year": volume,
            "km_in_state": km,
            "fee_usd_per_year": model_fee(tariff),
            "fee_usd_per_year_high": nan,
            "source": "georoutes.analyze km × seeds/economics.toml tariff",
        },
        {
            "case": "seed-2011",
            "description": "seed (2011): ~$100M/yr; 700 km in the DPRK reported",
            "basis": "reported",
            "tariff_usd_per_tcm_per_100km": seed_fee / (seed_volume_tcm * seed_km / 100.0),
            "volume_bcm_per_year": float(seed["volume_bcm_per_year"]),
            "km_in_state": seed_km,
            "fee_usd_per_year": seed_fee,
            "fee_usd_per_year_high": nan,
            "source": _first_source(seed),
        },
        {
            "case": "kogas-2018",
            "description": "KOGAS (2018): 180.4 bn won/yr at $2 (up to 222.1 bn won)",
            "basis": "reported",
            "tariff_usd_per_tcm_per_100km": float(kogas["tariff_usd_per_tcm_per_100km"]),
            "volume_bcm_per_year": nan,  # quoted as 7.5 Mt/yr; no bcm conversion published
            "km_in_state": nan,  # not published
            "fee_usd_per_year": float(kogas["fee_usd_per_year"]),
            "fee_usd_per_year_high": float(kogas["fee_usd_per_year_high"]),
            "source": _first_source(kogas),
        },
        {
            "case": "calibrated",
            "description": f"model at the tariff that reproduces the seed's ${seed_fee / 1e6:.0f}M",
            "basis": "model",
            "tariff_usd_per_tcm_per_100km": calibrated,
            "volume_bcm_per_year": float(seed["volume_bcm_per_year"]),
            "km_in_state": km,
            "fee_usd_per_year": seed_volume_tcm * calibrated * km / 100.0,
            "fee_usd_per_year_high": nan,
            "source": "calibrate_tariff()",
        },
    ]
    for tariff_id, row in reference_tariffs().iterrows():
        rate = float(row["tariff_usd_per_tcm_per_100km"])
        if tariff_id == _read_assumptions()["defaults"]["tariff"] and rate == tariff:
            continue
        rows.append(
            {
                "case": str(tariff_id),
                "description": f"model at {row['payee']} {row['year']} rate ${rate:.2f}",
                "basis": "model",
                "tariff_usd_per_tcm_per_100km": rate,
                "volume_bcm_per_year": volume,
                "km_in_state": km,
                "fee_usd_per_year": model_fee(rate),
                "fee_usd_per_year_high": nan,
                "source": row["source"],
            }
        )
    table = pd.DataFrame(rows).set_index("case")
    table.attrs = {"route_id": route_id, "state": state, "calibrated_tariff": calibrated}
    return table


def capex_check(
    analysis: pd.DataFrame,
    *,
    route_id: str = SEED_PIPELINE_ID,
    onshore_usd_per_km: float = DEFAULT_ONSHORE_USD_PER_KM,
    offshore_usd_per_km: float = DEFAULT_OFFSHORE_USD_PER_KM,
) -> pd.DataFrame:
    """Return the model's capital cost for ``route_id`` next to the published estimates.

    Rows (index ``case``): ``model`` then each confirmed ``[[project_cost]]`` of
    ``seeds/economics.toml`` for that route. Columns: ``description``, ``basis``,
    ``length_km``, ``capex_usd``, ``capex_usd_high``, ``usd_per_km``, ``source``.
    """
    _check_analysis(analysis, ("km_by_state", "offshore_km", "length_km"))
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
    for entry in _read_assumptions().get("project_cost", []):
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
                "source": _first_source(entry),
            }
        )
    table = pd.DataFrame(rows).set_index("case")
    table.attrs = {"route_id": route_id}
    return table
