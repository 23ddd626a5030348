"""The seed scenario: the 2011 Russia → DPRK → ROK pipeline, its alternatives, the corridors.

The seed's questions, one function per table, each returning one titled table (``attrs``:
``title``, ``question``, ``note``, ``answers``):

- :mod:`~georoutes.scenario.pipelines`: :func:`pipelines_table` (exposure to China, transit
  states, fees, cost of the options :func:`pipeline_options` picks), :func:`transit_fees_table`,
  :func:`capex_table`;
- :mod:`~georoutes.scenario.calibration`: :func:`calibration_table` (the DPRK's fee next to the
  published estimates, :func:`fee_calibration`), :func:`capex_check_table`;
- :mod:`~georoutes.scenario.corridors`: :func:`corridors_table` (Busan → Europe: km through
  Russia, China, other states, at sea);
- :mod:`~georoutes.scenario.waters`: :func:`waters_table` (km of each route at sea in each
  state's land, territorial sea and EEZ; how it enters each).

:func:`seed_scenario` composes them; :mod:`~georoutes.scenario.markdown` renders them and
:func:`write_scenario` writes them. The seed's choices are the constants of
:mod:`~georoutes.scenario.seed` and the defaults of the parameters. The km come from
:func:`georoutes.analyze`, the money from :mod:`georoutes.economics`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from georoutes._io import write_files_atomic
from georoutes.analyze import analyze
from georoutes.catalog import builtin_routes
from georoutes.economics import (
    DEFAULT_OFFSHORE_USD_PER_KM,
    DEFAULT_ONSHORE_USD_PER_KM,
    DEFAULT_TARIFF_USD_PER_TCM_PER_100KM,
    check_analysis,
)
from georoutes.errors import GeorouteError
from georoutes.scenario.calibration import (
    calibrate_seed_tariff,
    calibration_table,
    capex_check_table,
    fee_calibration,
)
from georoutes.scenario.corridors import corridors_table
from georoutes.scenario.markdown import cell_text, column_label, scenario_files, scenario_markdown
from georoutes.scenario.pipelines import (
    capex_table,
    pipeline_options,
    pipelines_table,
    transit_fees_table,
)
from georoutes.scenario.seed import (
    SEED_BANDS_KM,
    SEED_CORRIDOR_IDS,
    SEED_CORRIDOR_PREFIX,
    SEED_CORRIDOR_STATE,
    SEED_FEE_USD_PER_YEAR,
    SEED_FOCUS,
    SEED_PIPELINE_DESTINATION,
    SEED_PIPELINE_ID,
    SEED_TRANSIT_STATE,
    SEED_VOLUME_BCM_PER_YEAR,
)
from georoutes.scenario.waters import waters_table

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
    "calibrate_seed_tariff",
    "calibration_table",
    "capex_check_table",
    "capex_table",
    "cell_text",
    "column_label",
    "corridors_table",
    "fee_calibration",
    "pipeline_options",
    "pipelines_table",
    "scenario_files",
    "scenario_markdown",
    "seed_analysis",
    "seed_scenario",
    "transit_fees_table",
    "waters_table",
    "write_scenario",
]


def seed_scenario(
    analysis: pd.DataFrame,
    *,
    volume_bcm_per_year: float = SEED_VOLUME_BCM_PER_YEAR,
    tariff_usd_per_tcm_per_100km: float = DEFAULT_TARIFF_USD_PER_TCM_PER_100KM,
    onshore_usd_per_km: float = DEFAULT_ONSHORE_USD_PER_KM,
    offshore_usd_per_km: float = DEFAULT_OFFSHORE_USD_PER_KM,
    pipeline_ids: Sequence[str] | None = None,
    corridor_ids: Sequence[str] | None = None,
    focus: str = SEED_FOCUS,
    corridor_state: str = SEED_CORRIDOR_STATE,
    destination: str = SEED_PIPELINE_DESTINATION,
    seed_pipeline_id: str = SEED_PIPELINE_ID,
) -> dict[str, pd.DataFrame]:
    """Return the tables that answer the seed scenario's questions, keyed by name.

    ``pipelines`` (:func:`pipelines_table`), ``transit_fees`` (:func:`transit_fees_table`),
    ``calibration`` (:func:`calibration_table`), ``capex`` (:func:`capex_table`),
    ``capex_check`` (:func:`capex_check_table`), ``corridors`` (:func:`corridors_table`),
    ``waters`` (:func:`waters_table`: km in each state's land, territorial sea and EEZ).
    A table whose routes are not in the analysis is returned empty with its columns, and its
    ``attrs["note"]`` says what is missing and how to add it; every table has
    ``attrs["title"]``, ``attrs["question"]``, ``attrs["answers"]`` (one-line findings) and
    ``attrs["assumptions"]`` (the figures below and the boundary layer).

    Parameters
    ----------
    analysis : pandas.DataFrame
        The table returned by :func:`georoutes.analyze`, e.g. :func:`seed_analysis`.
    volume_bcm_per_year : float, default 10.0
        Gas volume, bcm per year.
    tariff_usd_per_tcm_per_100km : float, default 2.0
        Transit tariff, USD per 1,000 m³ per 100 km.
    onshore_usd_per_km, offshore_usd_per_km : float
        Capital cost per km on land and at sea, USD.
    pipeline_ids, corridor_ids : sequence of str, optional
        The routes compared; default :func:`pipeline_options` and the seed's corridors.
    focus : str, default "CHN"
        The state whose km in / near a route are weighed.
    corridor_state : str, default "RUS"
        The state the corridors' km are counted in next to ``focus``.
    destination : str, default "KOR"
        Where the pipeline options end.
    seed_pipeline_id : str, default "pipeline-rus-prk-kor-2011"
        The pipeline calibrated against the published fee and cost estimates.

    Returns
    -------
    dict of str to pandas.DataFrame
        The seven tables, in the order above.
    """
    check_analysis(analysis, ("states", "km_by_state", "offshore_km", "length_km"))
    pipes, excluded = pipeline_options(analysis, pipeline_ids=pipeline_ids, destination=destination)
    fees = {
        "volume_bcm_per_year": volume_bcm_per_year,
        "tariff_usd_per_tcm_per_100km": tariff_usd_per_tcm_per_100km,
    }
    costs = {"onshore_usd_per_km": onshore_usd_per_km, "offshore_usd_per_km": offshore_usd_per_km}
    tables = {
        "pipelines": pipelines_table(
            analysis,
            pipes,
            excluded=excluded,
            focus=focus,
            destination=destination,
            **fees,
            **costs,
        ),
        "transit_fees": transit_fees_table(pipes, **fees),
        "calibration": calibration_table(analysis, route_id=seed_pipeline_id, **fees),
        "capex": capex_table(pipes, **costs),
        "capex_check": capex_check_table(analysis, route_id=seed_pipeline_id, **costs),
        "corridors": corridors_table(
            analysis, corridor_ids=corridor_ids, focus=focus, corridor_state=corridor_state
        ),
        "waters": waters_table(analysis),
    }
    boundaries = analysis.attrs.get("boundaries", {})
    for table in tables.values():
        table.attrs["assumptions"] = {**fees, **costs, "boundaries": dict(boundaries)}
    return tables


def seed_analysis(
    *, focus: Sequence[str] = (SEED_FOCUS,), bands_km: Sequence[float] = SEED_BANDS_KM
) -> pd.DataFrame:
    """Return :func:`georoutes.analyze` of the built-in catalog: its routes and its corridors.

    Parameters
    ----------
    focus : sequence of str, default ("CHN",)
        Focus states of the analysis.
    bands_km : sequence of float, default (10, 50, 100)
        Distance bands, km.

    Returns
    -------
    pandas.DataFrame
        The analysis :func:`seed_scenario` answers from.
    """
    return analyze(builtin_routes(), focus=tuple(focus), bands_km=tuple(bands_km))


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

    Raises
    ------
    GeorouteError
        The folder cannot be created, is a file, or a file cannot be written.
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
    files = {folder / name: text for name, text in scenario_files(tables).items()}
    try:
        write_files_atomic(files)
    except OSError as exc:
        raise GeorouteError(f"{folder}: cannot write the scenario files: {exc}") from exc
    return list(files)
