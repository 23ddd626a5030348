"""Multi-part routes: parts merged, ordered and oriented; gaps and overlaps reported
(georoutes.chains), with small hand-made fixtures of each case."""

from __future__ import annotations

import random

import numpy as np
import pyproj
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from georoutes.chains import chain_parts

GEOD = pyproj.Geod(ellps="WGS84")
# A route drawn as five touching parts, west to east then north (lon, lat).
LINE = [(0.0, 0.0), (1.0, 0.0), (2.0, 0.2), (3.0, 0.5), (3.5, 1.5), (4.0, 2.5)]


def _parts(coords, cuts):
    return [coords[a : b + 1] for a, b in zip(cuts[:-1], cuts[1:], strict=True)]


def _km(geom) -> float:
    return sum(GEOD.geometry_length(p) for p in shapely.get_parts(geom)) / 1000.0


def test_a_line_is_left_as_it_is():
    line = shapely.LineString(LINE)
    chain = chain_parts(line)
    assert chain.topology == "line"
    assert chain.geometry.equals_exact(line, 0)
    assert chain.gaps == []
    assert chain.overlap_km == 0.0


def test_parts_already_in_order_are_kept_vertex_for_vertex():
    mls = shapely.MultiLineString(_parts(LINE, [0, 2, 5]))
    chain = chain_parts(mls)
    assert chain.geometry.equals_exact(mls, 0)  # same parts, same order: nothing re-noded
    assert chain.topology == "chain"
    assert chain.gaps == []


@pytest.mark.parametrize("seed", range(5))
def test_shuffled_and_reversed_touching_parts_merge_into_the_line(seed):
    parts = _parts(LINE, [0, 1, 2, 3, 4, 5])
    rng = random.Random(seed)
    rng.shuffle(parts)
    parts = [p[::-1] if rng.random() < 0.5 else p for p in parts]
    chain = chain_parts(shapely.MultiLineString(parts))
    assert chain.topology == "chain"
    assert chain.gaps == []
    coords = list(chain.geometry.coords)
    assert coords in (LINE, LINE[::-1])
    assert _km(chain.geometry) == pytest.approx(_km(shapely.LineString(LINE)), rel=1e-12)


def test_a_gap_is_reported_where_it_is_and_how_long():
    west, east = [(0.0, 0.0), (1.0, 0.0)], [(1.5, 0.0), (3.0, 0.0)]
    chain = chain_parts(shapely.MultiLineString([east[::-1], west]))
    assert [list(p.coords) for p in chain.geometry.geoms] in (
        [west, east],
        [east[::-1], west[::-1]],
    )
    (gap,) = chain.gaps
    _, _, d = GEOD.inv(1.0, 0.0, 1.5, 0.0)
    assert gap["length_km"] == pytest.approx(d / 1000.0, rel=1e-12)
    assert {gap["from_lon"], gap["to_lon"]} == {1.0, 1.5}


def test_the_best_chain_has_the_least_total_gap():
    a, b, c = [(0, 0), (1, 0)], [(5, 0), (6, 0)], [(1.2, 0), (4.8, 0)]
    chain = chain_parts(shapely.MultiLineString([a, b, c]))
    lons = [next(iter(p.coords))[0] for p in chain.geometry.geoms]
    assert lons in ([0, 1.2, 5], [6, 4.8, 1])
    assert sum(g["length_km"] for g in chain.gaps) < 50


def test_overlapping_duplicate_parts_count_once_and_report_the_overlap():
    whole = [(0.0, 0.0), (1.0, 0.0), (2.0, 0.0)]
    dup = [(0.5, 0.0), (1.0, 0.0), (1.5, 0.0)]
    chain = chain_parts(shapely.MultiLineString([whole, dup]))
    _, _, d = GEOD.inv(0.5, 0.0, 1.5, 0.0)
    assert chain.overlap_km == pytest.approx(d / 1000.0, rel=1e-9)
    assert _km(chain.geometry) == pytest.approx(_km(shapely.LineString(whole)), rel=1e-9)
    assert chain.topology == "chain"


def test_a_branch_is_a_network_analysed_as_a_set():
    trunk = [(0.0, 0.0), (1.0, 0.0), (2.0, 0.0)]
    branch = [(1.0, 0.0), (1.0, 1.0)]
    chain = chain_parts(shapely.MultiLineString([branch, trunk]))
    assert chain.topology == "network"
    lengths = [_km(p) for p in chain.geometry.geoms]
    assert lengths == sorted(lengths, reverse=True)  # longest first
    assert _km(chain.geometry) == pytest.approx(
        _km(shapely.MultiLineString([branch, trunk])), rel=1e-12
    )


@settings(max_examples=40, deadline=None)
@given(
    cuts=st.lists(st.integers(1, 4), min_size=1, max_size=4, unique=True),
    seed=st.integers(0, 10_000),
    gap=st.booleans(),
)
def test_length_is_kept_and_reversing_the_input_mirrors_the_chain(cuts, seed, gap):
    cut = [0, *sorted(cuts), 5]
    parts = _parts(LINE, cut)
    if gap:  # open a gap by dropping the first vertex of every part after the first
        parts = [parts[0]] + [p[1:] if len(p) > 2 else p for p in parts[1:]]
    rng = random.Random(seed)
    order = list(range(len(parts)))
    rng.shuffle(order)
    mixed = [parts[i][::-1] if rng.random() < 0.5 else parts[i] for i in order]
    given_km = _km(shapely.MultiLineString(mixed))
    chain = chain_parts(shapely.MultiLineString(mixed))
    assert _km(chain.geometry) == pytest.approx(given_km, rel=1e-12)
    back = chain_parts(shapely.MultiLineString([p[::-1] for p in mixed[::-1]]))
    fwd = shapely.get_coordinates(chain.geometry)
    rev = shapely.get_coordinates(back.geometry)
    assert np.allclose(fwd, rev[::-1])
    assert sorted(round(g["length_km"], 9) for g in chain.gaps) == sorted(
        round(g["length_km"], 9) for g in back.gaps
    )
