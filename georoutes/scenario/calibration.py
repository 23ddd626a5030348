"""The seed's calibration: the model next to the published estimates for the seed pipeline.

The model's fee for the DPRK and the pipeline's capital cost. :func:`fee_calibration` is the
figures; :func:`calibration_table` and :func:`capex_check_table` are the scenario's titled
tables. The general inverse of the fee model is :func:`georoutes.calibration.calibrate_tariff`.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from georoutes.assumptions import assumption, first_source, load_assumptions, reference_tariffs
from georoutes.calibration import calibrate_tariff, capex_check, km_in_state
from georoutes.economics import (
    DEFAULT_OFFSHORE_USD_PER_KM,
    DEFAULT_ONSHORE_USD_PER_KM,
    DEFAULT_TARIFF_USD_PER_TCM_PER_100KM,
    TCM_PER_BCM,
    check_rate,
)
from georoutes.scenario.seed import (
    SEED_FEE_USD_PER_YEAR,
    SEED_PIPELINE_ID,
    SEED_TRANSIT_STATE,
    SEED_VOLUME_BCM_PER_YEAR,
    titled,
)

__all__ = ["calibrate_seed_tariff", "calibration_table", "capex_check_table", "fee_calibration"]

_CALIBRATION_COLUMNS = [
    "description",
    "basis",
    "tariff_usd_per_tcm_per_100km",
    "volume_bcm_per_year",
    "km_in_state",
    "fee_usd_per_year",
    "fee_usd_per_year_high",
    "source",
]
_CAPEX_CHECK_COLUMNS = [
    "description",
    "basis",
    "length_km",
    "capex_usd",
    "capex_usd_high",
    "usd_per_km",
    "source",
]


def calibrate_seed_tariff(
    analysis: pd.DataFrame,
    *,
    route_id: str = SEED_PIPELINE_ID,
    state: str = SEED_TRANSIT_STATE,
    target_usd_per_year: float = SEED_FEE_USD_PER_YEAR,
    volume_bcm_per_year: float = SEED_VOLUME_BCM_PER_YEAR,
) -> float:
    """Return the tariff, USD per tcm per 100 km, that reproduces the seed's fee for the DPRK.

    :func:`georoutes.calibration.calibrate_tariff` with the seed's figures as defaults: $100
    million a year to the DPRK for 10 bcm/yr through the 2011 pipeline.

    Examples
    --------
    >>> a = pd.DataFrame({"states": [["RUS", "PRK", "KOR"]],
    ...                   "km_by_state": [{"RUS": 20.0, "PRK": 700.0, "KOR": 380.0}]},
    ...                  index=pd.Index(["pipeline-rus-prk-kor-2011"], name="id"))
    >>> round(calibrate_seed_tariff(a), 4)
    1.4286
    """
    return calibrate_tariff(
        analysis,
        route_id=route_id,
        state=state,
        target_usd_per_year=target_usd_per_year,
        volume_bcm_per_year=volume_bcm_per_year,
    )


def _fee_row(
    case: str,
    description: str,
    basis: str,
    *,
    tariff: float,
    volume: float,
    km: float,
    fee: float,
    fee_high: float = math.nan,
    source: str,
) -> dict[str, Any]:
    return {
        "case": case,
        "description": description,
        "basis": basis,
        "tariff_usd_per_tcm_per_100km": tariff,
        "volume_bcm_per_year": volume,
        "km_in_state": km,
        "fee_usd_per_year": fee,
        "fee_usd_per_year_high": fee_high,
        "source": source,
    }


def _published_fee_rows(
    analysis: pd.DataFrame, *, route_id: str, state: str, km: float
) -> list[dict[str, Any]]:
    """Return the rows of the seed's and KOGAS's published fees, and of the calibrated model."""
    seed = assumption("fee_estimate", "seed-2011")
    kogas = assumption("fee_estimate", "kogas-2018")
    seed_fee = float(seed["fee_usd_per_year"])
    seed_km = float(seed["km_in_state_reported"])
    seed_volume = float(seed["volume_bcm_per_year"])
    seed_volume_tcm = seed_volume * TCM_PER_BCM
    # The seed's fee is quoted for its own volume; calibrate to it at that volume.
    calibrated = calibrate_seed_tariff(
        analysis,
        route_id=route_id,
        state=state,
        target_usd_per_year=seed_fee,
        volume_bcm_per_year=seed_volume,
    )
    return [
        _fee_row(
            "seed-2011",
            "seed (2011): ~$100M/yr; 700 km in the DPRK reported",
            "reported",
            tariff=seed_fee / (seed_volume_tcm * seed_km / 100.0),
            volume=seed_volume,
            km=seed_km,
            fee=seed_fee,
            source=first_source(seed),
        ),
        _fee_row(
            "kogas-2018",
            "KOGAS (2018): 180.4 bn won/yr at $2 (up to 222.1 bn won)",
            "reported",
            tariff=float(kogas["tariff_usd_per_tcm_per_100km"]),
            volume=math.nan,  # quoted as 7.5 Mt/yr; no bcm conversion published
            km=math.nan,  # not published
            fee=float(kogas["fee_usd_per_year"]),
            fee_high=float(kogas["fee_usd_per_year_high"]),
            source=first_source(kogas),
        ),
        _fee_row(
            "calibrated",
            f"model at the tariff that reproduces the seed's ${seed_fee / 1e6:.0f}M",
            "model",
            tariff=calibrated,
            volume=seed_volume,
            km=km,
            fee=seed_volume_tcm * calibrated * km / 100.0,
            source="calibrate_tariff()",
        ),
    ]


def fee_calibration(
    analysis: pd.DataFrame,
    *,
    route_id: str = SEED_PIPELINE_ID,
    state: str = SEED_TRANSIT_STATE,
    volume_bcm_per_year: float = SEED_VOLUME_BCM_PER_YEAR,
    tariff_usd_per_tcm_per_100km: float = DEFAULT_TARIFF_USD_PER_TCM_PER_100KM,
) -> pd.DataFrame:
    """Return the model's fee for ``state`` next to the published estimates and the calibration.

    Parameters
    ----------
    analysis : pandas.DataFrame
        The table returned by :func:`georoutes.analyze`, with the route ``route_id``.
    route_id : str, default "pipeline-rus-prk-kor-2011"
        The seed's pipeline.
    state : str, default "PRK"
        The transit state whose fee is compared.
    volume_bcm_per_year : float, default 10.0
        Gas volume of the model rows, bcm per year.
    tariff_usd_per_tcm_per_100km : float, default 2.0
        Tariff of the ``model`` row, USD per 1,000 m³ per 100 km.

    Returns
    -------
    pandas.DataFrame
        Rows (index ``case``): ``model`` (the analysis km at the given tariff), ``seed-2011``
        (the seed's ~$100M, with the km reported then and the tariff they imply),
        ``kogas-2018`` (KOGAS's estimate at $2; it published no km), ``calibrated`` (the model
        at :func:`calibrate_seed_tariff`: reproduces the seed's fee exactly), then the model at
        each confirmed reference tariff (Belarus, Ukraine). Columns: ``description``,
        ``basis`` ("model" or "reported"), ``tariff_usd_per_tcm_per_100km``,
        ``volume_bcm_per_year``, ``km_in_state``, ``fee_usd_per_year`` (USD per year),
        ``fee_usd_per_year_high``, ``source``. ``attrs["calibrated_tariff"]``: the tariff that
        reproduces the seed's fee.
    """
    km = km_in_state(analysis, route_id, state)
    tariff = check_rate("tariff_usd_per_tcm_per_100km", tariff_usd_per_tcm_per_100km)
    volume = check_rate("volume_bcm_per_year", volume_bcm_per_year)

    def model_fee(rate: float) -> float:
        return volume * TCM_PER_BCM * rate * km / 100.0

    rows = [
        _fee_row(
            "model",
            f"model: {km:,.0f} km in {state} at ${tariff:.2f}",
            "model",
            tariff=tariff,
            volume=volume,
            km=km,
            fee=model_fee(tariff),
            source="georoutes.analyze km × seeds/economics.toml tariff",
        ),
        *_published_fee_rows(analysis, route_id=route_id, state=state, km=km),
    ]
    default_tariff = load_assumptions()["defaults"]["tariff"]
    for tariff_id, row in reference_tariffs().iterrows():
        rate = float(row["tariff_usd_per_tcm_per_100km"])
        if tariff_id == default_tariff and rate == tariff:
            continue
        rows.append(
            _fee_row(
                str(tariff_id),
                f"model at {row['payee']} {row['year']} rate ${rate:.2f}",
                "model",
                tariff=rate,
                volume=volume,
                km=km,
                fee=model_fee(rate),
                source=row["source"],
            )
        )
    table = pd.DataFrame(rows).set_index("case")
    calibrated = next(r["tariff_usd_per_tcm_per_100km"] for r in rows if r["case"] == "calibrated")
    table.attrs = {"route_id": route_id, "state": state, "calibrated_tariff": calibrated}
    return table


def _missing_route_note(route_id: str) -> str:
    return f"route {route_id!r} is not in the analysis; analyze the route catalog"


def calibration_table(
    analysis: pd.DataFrame,
    *,
    route_id: str = SEED_PIPELINE_ID,
    volume_bcm_per_year: float = SEED_VOLUME_BCM_PER_YEAR,
    tariff_usd_per_tcm_per_100km: float = DEFAULT_TARIFF_USD_PER_TCM_PER_100KM,
) -> pd.DataFrame:
    """Return :func:`fee_calibration` with the seed's question and its answers.

    Parameters
    ----------
    analysis : pandas.DataFrame
        The table returned by :func:`georoutes.analyze`.
    route_id : str, default "pipeline-rus-prk-kor-2011"
        The seed's pipeline; without it in the analysis the table is empty and its note says
        so.
    volume_bcm_per_year, tariff_usd_per_tcm_per_100km : float
        Gas volume (bcm per year) and tariff (USD per tcm per 100 km) of the model.

    Returns
    -------
    pandas.DataFrame
        As :func:`fee_calibration`, titled.
    """
    if route_id in analysis.index:
        table = fee_calibration(
            analysis,
            route_id=route_id,
            volume_bcm_per_year=volume_bcm_per_year,
            tariff_usd_per_tcm_per_100km=tariff_usd_per_tcm_per_100km,
        )
        model = table.loc["model"]
        answers = [
            f"Model: the DPRK earns ${model['fee_usd_per_year'] / 1e6:,.0f}M/yr "
            f"({model['km_in_state']:,.0f} km at ${model['tariff_usd_per_tcm_per_100km']:.2f});"
            f" seed ~$100M; KOGAS 2018 $159–195M.",
            f"A tariff of ${table.attrs['calibrated_tariff']:.3f} per tcm per 100 km reproduces "
            "the seed's $100M.",
        ]
        note = ""
    else:
        table, answers = pd.DataFrame(columns=_CALIBRATION_COLUMNS), []
        note = _missing_route_note(route_id)
    return titled(
        table,
        title=f"Calibration: the DPRK's fee from {route_id}",
        question=(
            "What does the model give the DPRK, next to the seed's ~$100M/yr and KOGAS's 2018 "
            "estimate, and which tariff reproduces the seed's figure?"
        ),
        note=note,
        answers=answers,
    )


def capex_check_table(
    analysis: pd.DataFrame,
    *,
    route_id: str = SEED_PIPELINE_ID,
    onshore_usd_per_km: float = DEFAULT_ONSHORE_USD_PER_KM,
    offshore_usd_per_km: float = DEFAULT_OFFSHORE_USD_PER_KM,
) -> pd.DataFrame:
    """Return :func:`georoutes.calibration.capex_check` of the seed pipeline, titled.

    Parameters
    ----------
    analysis : pandas.DataFrame
        The table returned by :func:`georoutes.analyze`.
    route_id : str, default "pipeline-rus-prk-kor-2011"
        The seed's pipeline; without it in the analysis the table is empty and its note says
        so.
    onshore_usd_per_km, offshore_usd_per_km : float
        Capital cost per km on land and at sea, USD.

    Returns
    -------
    pandas.DataFrame
        The model's capital cost (USD) next to the published estimates.
    """
    if route_id in analysis.index:
        table = capex_check(
            analysis,
            route_id=route_id,
            onshore_usd_per_km=onshore_usd_per_km,
            offshore_usd_per_km=offshore_usd_per_km,
        )
        note = ""
    else:
        table, note = pd.DataFrame(columns=_CAPEX_CHECK_COLUMNS), _missing_route_note(route_id)
    return titled(
        table,
        title=f"Capital cost of {route_id}: model and published estimates",
        question="Is the cost model in line with the seed-era estimates for this pipeline?",
        note=note,
    )
