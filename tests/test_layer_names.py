"""Names in the shipped boundary layers are decoded correctly (issue 16, item 4).

The Natural Earth DBF is UTF-8 but ships without a ``.cpg``; read as GDAL's ISO-8859-1 default it
gave "Ã\\x85land" for "Åland". ``scripts/build_boundaries.py`` now reads it as UTF-8, and the
composite takes its names from the Natural Earth layer. Only the shipped parquet files are read.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest

import georoutes
from georoutes._layers import LAYERS, layer_path

# Natural Earth 5.1.1 NAME (= NAME_LONG) for these ADM0_A3 codes, decoded from the DBF's UTF-8.
NE_NAMES = {
    "ALD": "Åland",  # NE's ADM0_A3 for Åland (ISO 3166-1: ALA)
    "BLM": "St-Barthélemy",
    "CIV": "Côte d'Ivoire",
    "CUW": "Curaçao",
    "FIN": "Finland",
}
# SOVEREIGNT, which only the parquet files carry (load_boundaries keeps code and name).
NE_SOVEREIGNT = {"STP": "São Tomé and Principe", "ALD": "Finland", "CUW": "Netherlands"}
# The OpenStreetMap layer takes Natural Earth's NAME for its six states.
OSM_NAMES = {
    "CHN": "China",
    "JPN": "Japan",
    "KOR": "Republic of Korea",
    "MNG": "Mongolia",
    "PRK": "Dem. Rep. Korea",
    "RUS": "Russia",
}
# What UTF-8 decoded as ISO-8859-1 leaves behind: "Ã"/"Â" lead bytes and C1 controls (\x80-\x9f).
MOJIBAKE = ("Ã", "Â", *map(chr, range(0x80, 0xA0)))


def _names(name: str) -> dict[str, str]:
    layer = georoutes.load_boundaries(name)
    return dict(zip(layer["code"], layer["name"], strict=True))


@pytest.mark.parametrize("name", ["ne", "composite"])
def test_natural_earth_names_exact(name: str) -> None:
    names = _names(name)
    assert {code: names[code] for code in NE_NAMES} == NE_NAMES


def test_osm_neasia_names_exact() -> None:
    assert _names("osm-neasia") == OSM_NAMES


def test_composite_names_are_natural_earth_names() -> None:
    assert _names("composite") == _names("ne")


@pytest.mark.parametrize("name", ["ne", "composite"])
def test_sovereignt_exact(name: str) -> None:
    frame = gpd.read_parquet(layer_path(name))
    sov = dict(zip(frame["code"], frame["sovereignt"], strict=True))
    assert {code: sov[code] for code in NE_SOVEREIGNT} == NE_SOVEREIGNT


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_no_mojibake_in_names(name: str) -> None:
    bad = {code: text for code, text in _names(name).items() if any(m in text for m in MOJIBAKE)}
    assert bad == {}


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_no_mojibake_in_any_text_column(name: str) -> None:
    frame = gpd.read_parquet(layer_path(name))
    text = [
        c
        for c in frame.columns
        if c != frame.geometry.name and pd.api.types.is_string_dtype(frame[c])
    ]
    assert {"code", "name"} <= set(text)
    bad = [
        (code, col, value)
        for col in text
        for code, value in zip(frame["code"], frame[col], strict=True)
        if any(m in value for m in MOJIBAKE)
    ]
    assert bad == []


def test_mojibake_markers_catch_the_old_decoding() -> None:
    # The invariant is meaningful: every expected non-ASCII name, mis-decoded the way the old
    # layers were, contains a marker.
    for text in [*NE_NAMES.values(), *NE_SOVEREIGNT.values()]:
        if not text.isascii():
            wrong = text.encode("utf-8").decode("latin-1")
            assert any(m in wrong for m in MOJIBAKE), wrong
