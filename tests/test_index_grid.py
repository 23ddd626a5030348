"""The edge grid of a boundary index: a filter that must never drop a real candidate."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from georoutes._index import _GRID_DEG, boundary_index, grid_cells
from georoutes.boundaries import load_boundaries

LAYER = load_boundaries("ne")
INDEX = boundary_index(LAYER)

# Coordinates on the grid's lines (where floor() decides the cell) or anywhere.
lon_values = st.one_of(st.floats(-180, 180), st.integers(-720, 720).map(lambda k: k * _GRID_DEG))
lat_values = st.one_of(st.floats(-90, 90), st.integers(-360, 360).map(lambda k: k * _GRID_DEG))


@settings(max_examples=300, deadline=None, derandomize=True)
@given(lon_values, lat_values, st.floats(0, 3), st.floats(0, 3))
def test_a_box_meeting_an_edge_run_is_never_filtered_out(x, y, w, h):
    minx, miny = np.array([x]), np.array([y])
    maxx, maxy = np.array([min(x + w, 180.0)]), np.array([min(y + h, 90.0)])
    meets = (
        (INDEX.run_minx <= maxx)
        & (INDEX.run_maxx >= minx)
        & (INDEX.run_miny <= maxy)
        & (INDEX.run_maxy >= miny)
    ).any()
    if meets:
        assert INDEX.edges_may_meet(minx, miny, maxx, maxy)[0]


def test_the_filter_drops_boxes_far_from_every_edge():
    # Inland Russia / mid-Pacific: no border, no coast within the box.
    boxes = np.array([[95.0, 60.0, 95.3, 60.2], [-150.0, 10.0, -149.6, 10.3]])
    assert not INDEX.edges_may_meet(*boxes.T).any()
    # Across the Tumen and the Yalu.
    near = np.array([[130.5, 42.3, 130.8, 42.5], [124.2, 39.9, 124.6, 40.2]])
    assert INDEX.edges_may_meet(*near.T).all()


@settings(max_examples=50, deadline=None, derandomize=True)
@given(st.lists(st.tuples(lon_values, lat_values), min_size=64, max_size=400))
def test_locate_by_grid_cells_equals_the_polygon_test(points):
    xy = np.array(points, dtype=float)
    got = INDEX.locate(xy[:, 0], xy[:, 1])
    assert (got == INDEX._locate_exact(xy[:, 0], xy[:, 1])).all()


def test_locate_on_a_dense_sample_equals_the_polygon_test():
    rng = np.random.default_rng(3)
    lon = rng.uniform(-180, 180, 200_000)
    lat = rng.uniform(-90, 90, 200_000)
    lon[:2000] = np.round(lon[:2000] / _GRID_DEG) * _GRID_DEG  # on the cell lines
    lat[:2000] = np.round(lat[:2000] / _GRID_DEG) * _GRID_DEG
    got = INDEX.locate(lon, lat)
    assert (got == INDEX._locate_exact(lon, lat)).all()
    assert (got >= 0).mean() > 0.2  # land found, not everything -1


def test_a_cell_inside_a_state_takes_the_state_an_edge_cell_is_tested():
    # A hand-made layer: one square state, its border through the middle of a cell.
    layer = gpd.GeoDataFrame(
        {"code": ["AAA"], "name": ["A"]},
        geometry=[shapely.box(10.0, 10.0, 12.1, 12.0)],
        crs="EPSG:4326",
    )
    index = boundary_index(layer)
    col, row = grid_cells(np.array([12.1]), np.array([11.0]))
    assert index.edge_grid[row[0], col[0]]
    lon = np.r_[np.linspace(9.0, 13.0, 401), np.full(64, 12.09), np.full(64, 12.11)]
    lat = np.r_[np.full(401, 11.0), np.linspace(10.5, 11.5, 64), np.linspace(10.5, 11.5, 64)]
    want = np.where((lon >= 10.0) & (lon <= 12.1), 0, -1)
    assert (index.locate(lon, lat) == want).all()
