"""The sourced figures behind the fee and cost model: ``seeds/economics.toml``.

Every figure is an entry with an ``id``, its value(s) with units in the key, ``year``,
``confirmed`` (False when it could not be confirmed in a source; such figures are never used as
defaults), ``note`` and ``sources``. Tables: ``tariff`` (transit tariffs: Gazprom's Belarus and
Ukraine rates, KOGAS's 2018 basis), ``fee_estimate`` (published transit fees), ``capex_per_km``
(per-km costs of comparable lines), ``project_cost`` (published costs of particular pipelines);
``defaults`` names the entries :mod:`georoutes.economics` uses as its defaults.
"""

from __future__ import annotations

import copy
import tomllib
from collections.abc import Mapping
from functools import cache
from typing import Any

import pandas as pd

from georoutes._data import seed_file
from georoutes.errors import GeorouteError

__all__ = ["assumption", "first_source", "load_assumptions", "reference_tariffs"]


@cache
def _read_assumptions() -> dict[str, Any]:
    path = seed_file("economics.toml")
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


def assumption(table: str, entry_id: str) -> dict[str, Any]:
    """Return one entry of ``seeds/economics.toml`` (a copy), e.g. ``"seed-2011"``.

    Parameters
    ----------
    table : str
        The array of tables: ``"tariff"``, ``"fee_estimate"``, ``"capex_per_km"`` or
        ``"project_cost"``.
    entry_id : str
        The entry's ``id``.

    Returns
    -------
    dict
        The entry: its values carry their units in their keys (``fee_usd_per_year``, ...).

    Raises
    ------
    GeorouteError
        No entry of that table has that id.

    Examples
    --------
    >>> assumption("tariff", "belarus-2010")["value_usd_per_tcm_per_100km"]
    1.88
    """
    for entry in _read_assumptions().get(table, []):
        if entry["id"] == entry_id:
            return copy.deepcopy(dict(entry))
    raise GeorouteError(f"seeds/economics.toml: no [[{table}]] entry with id {entry_id!r}")


def first_source(entry: Mapping[str, Any]) -> str:
    """Return the first source URL of an assumptions entry (else its first document), or "".

    Examples
    --------
    >>> first_source({"sources": [{"document": "KOGAS 2011"}, {"url": "https://example.org"}]})
    'https://example.org'
    """
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
            "source": first_source(t),
        }
        for t in _read_assumptions().get("tariff", [])
        if t.get("confirmed", False) or not confirmed_only
    ]
    return pd.DataFrame(rows).set_index("id")
