"""Tests of georoutes.assumptions: the sourced figures of seeds/economics.toml."""

from __future__ import annotations

import pytest

from georoutes.assumptions import assumption, first_source, load_assumptions, reference_tariffs
from georoutes.errors import GeorouteError


def test_every_used_figure_is_confirmed_and_sourced():
    a = load_assumptions()
    defaults = a["defaults"]
    for table in ("tariff", "fee_estimate", "capex_per_km", "project_cost"):
        for entry in a[table]:
            assert isinstance(entry.get("confirmed"), bool), entry["id"]
            assert entry.get("note"), entry["id"]
            if entry["confirmed"]:
                assert entry["sources"], entry["id"]
                for source in entry["sources"]:
                    assert source.get("url") or source.get("document"), entry["id"]
                    assert source.get("says"), entry["id"]
    used = {defaults["tariff"], defaults["onshore_capex"], defaults["offshore_capex"]}
    confirmed = {e["id"] for t in ("tariff", "capex_per_km") for e in a[t] if e["confirmed"]}
    assert used <= confirmed


def test_derived_per_km_figures_match_their_derivation():
    capex_by_id = {c["id"]: c for c in load_assumptions()["capex_per_km"]}
    assert capex_by_id["blue-stream-subsea"]["value_usd_per_km"] == pytest.approx(
        1.7e9 / 396, rel=1e-3
    )
    assert capex_by_id["blue-stream-onshore"]["value_usd_per_km"] == pytest.approx(
        1.5e9 / 817, rel=1e-3
    )
    assert capex_by_id["kogas-vostok-2011"]["value_usd_per_km"] == pytest.approx(
        2.5e9 / 1100, rel=1e-6
    )


def test_load_assumptions_returns_a_copy():
    a = load_assumptions()
    a["defaults"]["tariff"] = "changed"
    assert load_assumptions()["defaults"]["tariff"] == "kogas-2018-basis"


def test_one_entry_and_its_first_source():
    seed = assumption("fee_estimate", "seed-2011")
    assert seed["fee_usd_per_year"] == 100_000_000.0
    assert first_source(seed).startswith("http")
    seed["fee_usd_per_year"] = 0.0
    assert assumption("fee_estimate", "seed-2011")["fee_usd_per_year"] == 100_000_000.0
    with pytest.raises(GeorouteError, match="no \\[\\[tariff\\]\\] entry with id 'nowhere'"):
        assumption("tariff", "nowhere")


def test_reference_tariffs_are_the_confirmed_ones_unless_asked():
    confirmed = reference_tariffs()
    every = reference_tariffs(confirmed_only=False)
    assert confirmed["confirmed"].all()
    assert set(confirmed.index) < set(every.index)
    assert "ukraine-2006" in every.index
