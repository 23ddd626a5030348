"""The bad-input contract: exit status 2, one ``error:`` line naming the file, no traceback,
nothing written — and a GeorouteError in Python. The cases first, then a fuzz test of it."""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import georoutes
from georoutes.cli import cli
from georoutes.errors import GeorouteError, feature_label, format_problem

GOOD = [[129.0, 42.0], [130.0, 42.5]]


def _run(args: list[str]):
    return CliRunner().invoke(cli, args)


def _assert_clean_error(result, *, names: str | None = None) -> list[str]:
    assert result.exit_code == 2, (result.exit_code, result.output, result.exception)
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert lines, "no error line"
    assert all(line.startswith("error: ") and line[len("error: ") :].strip() for line in lines), (
        lines
    )
    if names is not None:
        assert all(names in line for line in lines), lines
    return lines


def _write(path: Path, doc) -> Path:
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc), encoding="utf-8")
    return path


def test_boundaries_that_are_a_csv(tmp_path):
    csv = tmp_path / "borders.csv"
    csv.write_text("code,name\nCHN,China\n", encoding="utf-8")
    out = tmp_path / "out.json"
    lines = _assert_clean_error(
        _run(["compare", "--boundaries", str(csv), "--out", str(out)]), names=str(csv)
    )
    assert len(lines) == 1
    assert "no geometry" in lines[0]
    assert not out.exists()
    with pytest.raises(georoutes.BoundaryError, match="no geometry"):
        georoutes.load_boundaries(csv)


def test_boundaries_that_are_not_spatial_at_all(tmp_path):
    junk = tmp_path / "notes.txt"
    junk.write_text("just words\n", encoding="utf-8")
    _assert_clean_error(_run(["compare", "--boundaries", str(junk)]), names=str(junk))


@pytest.mark.parametrize(
    ("geometry", "expected"),
    [
        ({"type": "LineString", "coordinates": [[129.0, 42.0]]}, "at least two positions"),
        (
            {"type": "MultiLineString", "coordinates": [GOOD, [[1.0, 2.0]]]},
            "part 1 of the MultiLineString: a line needs at least two positions",
        ),
        ({"type": "LineString", "coordinates": [[129.0], [130.0, 42.0]]}, "position 0 [129.0]"),
        ({"type": "LineString", "coordinates": [["a", 42.0], [130.0, 42.0]]}, "must be numbers"),
        ({"type": "LineString", "coordinates": "129,42"}, "no 'coordinates' list"),
        ({"type": "Polygon", "coordinates": [[[0, 0], [1, 1]]]}, "malformed Polygon"),
        ({"type": "Curve", "coordinates": GOOD}, "'Curve' is not GeoJSON"),
    ],
)
def test_geometry_problems_in_the_users_words(tmp_path, geometry, expected):
    path = _write(
        tmp_path / "r.geojson",
        {
            "type": "FeatureCollection",
            "features": [{"type": "Feature", "properties": {"id": "a"}, "geometry": geometry}],
        },
    )
    lines = _assert_clean_error(_run(["compare", str(path)]), names=str(path))
    assert len(lines) == 1
    assert expected in lines[0]
    for jargon in ("IllegalArgumentException", "GEOS", "ordinate (", "inhomogeneous"):
        assert jargon not in lines[0]
    with pytest.raises(georoutes.RouteValidationError, match="feature 0"):
        georoutes.read_routes(path)


def test_positions_keep_lon_lat_and_drop_further_numbers(tmp_path):
    path = _write(
        tmp_path / "r.geojson",
        {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "properties": {"id": "a"},
                    "geometry": {
                        "type": "LineString",
                        "coordinates": [[129.0, 42.0, 5.0, 1.0], [130.0, 42.5, 6.0, 2.0]],
                    },
                }
            ],
        },
    )
    routes = georoutes.read_routes(path)
    assert list(routes.geometry.iloc[0].coords) == [(129.0, 42.0), (130.0, 42.5)]


def test_a_message_ending_in_a_newline_prints_no_empty_error_line(tmp_path, monkeypatch):
    import georoutes.cli.compare as cli_module

    def boom(*args, **kwargs):
        raise GeorouteError("first problem\n\nsecond problem\n")

    monkeypatch.setattr(cli_module, "analyze", boom)
    lines = _assert_clean_error(_run(["compare"]))
    assert lines == ["error: first problem", "error: second problem"]


def test_missing_ids_are_named_one_way(tmp_path):
    path = _write(
        tmp_path / "r.geojson",
        '{"type": "FeatureCollection", "features": ['
        '{"type": "Feature", "properties": {"id": NaN}, "geometry": null},'
        '{"type": "Feature", "properties": {}, "geometry": null},'
        '{"type": "Feature", "properties": {"id": ""}, "geometry": null}]}',
    )
    lines = _assert_clean_error(_run(["compare", str(path)]), names=str(path))
    assert lines
    assert all("(no id)" in line for line in lines), lines
    assert not any("nan" in line.lower() for line in lines)
    assert [feature_label(v) for v in (None, math.nan, "", "  ", "a", 3)] == [
        "no id",
        "no id",
        "no id",
        "no id",
        "'a'",
        "3",
    ]
    assert format_problem("f", 1, None, "x\ny") == "f: feature 1 (no id): x y"


def test_parquet_without_geo_metadata(tmp_path):
    path = tmp_path / "plain.parquet"
    pd.DataFrame({"id": ["a"], "wkt": ["LINESTRING (129 42, 130 42.5)"]}).to_parquet(path)
    lines = _assert_clean_error(_run(["compare", str(path)]), names=str(path))
    assert len(lines) == 1
    assert "GeoParquet metadata" in lines[0]
    assert "pandas.read_parquet" not in lines[0]
    with pytest.raises(georoutes.RouteFileError, match="GeoParquet"):
        georoutes.read_routes(path)


def test_tariff_without_volume_is_an_error(tmp_path):
    out = tmp_path / "out.json"
    lines = _assert_clean_error(_run(["compare", "--tariff", "3", "--out", str(out)]))
    assert "--volume-bcm" in lines[0]
    assert not out.exists()


@pytest.mark.parametrize("bands", ["10,,50", ",10", "10,", ",", "", "10,-5", "10,inf", "x"])
def test_bad_band_lists(bands):
    lines = _assert_clean_error(_run(["compare", "--bands", bands]))
    assert len(lines) == 1
    assert "--bands" in lines[0]


# ---------------------------------------------------------------------------------------------
# Fuzz: malformed files and option values; every outcome is a result or a clean error.

_numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**400), max_value=10**400),
    st.sampled_from([0, -0.0, 1e-320, 1e308, -1e308, 90.0, -90.0, 180.0, 360.0, 361.0, 91.0]),
)
_hostile = st.sampled_from(
    [
        "<script>alert(1)</script>",
        "{{ 7*7 }}",
        "\x00",
        "'; DROP",
        "é\u202e",
        "../../etc/passwd",
        "a\nb",
        " ",
        "",
    ]
)
_scalars = st.one_of(st.none(), st.booleans(), _numbers, st.text(max_size=12), _hostile)
_position = st.one_of(
    st.lists(_numbers, min_size=0, max_size=4),
    st.tuples(st.floats(-180, 180), st.floats(-90, 90)).map(list),
    _scalars,
)
_line = st.lists(_position, min_size=0, max_size=5)
_geometry = st.one_of(
    st.none(),
    _scalars,
    st.fixed_dictionaries(
        {
            "type": st.sampled_from(["LineString", "Point", "Polygon", "Nope"]),
            "coordinates": st.one_of(_line, _scalars),
        }
    ),
    st.fixed_dictionaries(
        {
            "type": st.just("MultiLineString"),
            "coordinates": st.one_of(st.lists(_line, max_size=3), _scalars),
        }
    ),
    st.just({"type": "LineString", "coordinates": GOOD}),
)
_properties = st.one_of(
    st.none(),
    _scalars,
    st.dictionaries(
        st.sampled_from(["id", "name", "kind", "status", "x"]),
        st.one_of(_scalars, st.lists(_scalars, max_size=2)),
        max_size=4,
    ),
)
_feature = st.one_of(
    _scalars,
    st.fixed_dictionaries(
        {
            "type": st.sampled_from(["Feature", "Feature", "feature", "Nope"]),
            "properties": _properties,
            "geometry": _geometry,
        }
    ),
)
_document = st.one_of(
    _scalars,
    st.fixed_dictionaries(
        {
            "type": st.sampled_from(["FeatureCollection", "Feature", "X"]),
            "features": st.one_of(st.lists(_feature, max_size=4), _scalars),
        }
    ),
)
_text_mutation = st.sampled_from(["as-is", "truncate", "bom", "latin1", "nan-literal"])


def _render(doc, mutation: str) -> bytes:
    text = json.dumps(doc, allow_nan=True, default=str)
    if mutation == "truncate":
        text = text[: max(0, len(text) // 2)]
    elif mutation == "nan-literal":
        text = text.replace("null", "NaN", 1)
    data = text.encode("utf-8", "surrogatepass")
    if mutation == "bom":
        data = b"\xef\xbb\xbf" + data
    elif mutation == "latin1":
        data = data + b"\xe9"
    return data


@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    doc=_document,
    mutation=_text_mutation,
    focus=st.one_of(st.just("CHN"), st.text(max_size=5), _hostile),
    bands=st.one_of(st.just("10,50"), st.text(max_size=8)),
)
def test_fuzz_route_files_and_options_never_give_a_traceback(tmp_path, doc, mutation, focus, bands):
    path = tmp_path / "fuzz.geojson"
    path.write_bytes(_render(doc, mutation))
    out = tmp_path / "out.json"
    out.unlink(missing_ok=True)
    # Python: a GeoDataFrame or a GeorouteError, nothing else.
    try:
        georoutes.read_routes(path)
        python_ok = True
    except GeorouteError:
        python_ok = False
    result = _run(["compare", str(path), "--focus", focus, "--bands", bands, "--out", str(out)])
    if result.exit_code == 0:
        assert python_ok
        assert json.loads(out.read_text(encoding="utf-8"))["routes"]
    else:
        _assert_clean_error(result)
        assert not out.exists()
        assert not list(tmp_path.glob(".out.json.*"))


def _nan_line() -> shapely.LineString:
    with warnings.catch_warnings():  # shapely warns when it builds a line with NaN
        warnings.simplefilter("ignore", RuntimeWarning)
        return shapely.LineString([(math.nan, 1), (2, 3)])


def test_fuzz_geodataframes_never_give_a_traceback():
    nan_line = _nan_line()

    @settings(max_examples=60, deadline=None, derandomize=True)
    @given(
        ids=st.lists(_scalars, min_size=1, max_size=3),
        geoms=st.lists(
            st.sampled_from(
                [
                    None,
                    shapely.LineString(),
                    shapely.Point(1, 2),
                    shapely.LineString(GOOD),
                    shapely.LineString([(0, 0), (0, 0)]),
                    shapely.LineString([(1e9, 0), (2e9, 1)]),
                    shapely.LineString([(42, 129), (42.5, 130)]),
                    shapely.MultiLineString([GOOD, [(131, 43), (131.5, 43.5)]]),
                    nan_line,
                ]
            ),
            min_size=3,
            max_size=3,
        ),
        crs=st.sampled_from([None, "EPSG:4326", "EPSG:3857", "EPSG:32652"]),
    )
    def check(ids, geoms, crs):
        n = len(ids)
        try:
            gdf = gpd.GeoDataFrame({"id": ids}, geometry=geoms[:n], crs=crs)
        except OverflowError:  # pandas < 2.2 cannot hold an int beyond 64 bits in a column
            return
        try:
            out = georoutes.read_routes(gdf)
        except GeorouteError as exc:
            message = str(exc)
        else:
            message = None
        if message is not None:
            assert message.strip()
            assert "\n\n" not in message
        else:
            assert out["id"].is_unique
            assert out.crs.to_epsg() == 4326

    check()


# ---------------------------------------------------------------------------------------------
# One error handler for every command; --debug anywhere.

_COMMANDS = [
    "compare",
    "pieces",
    "crossings",
    "map",
    "report",
    "catalog",
    "sea-route",
    "trace-rail",
    "scenario",
]


@pytest.mark.parametrize("command", _COMMANDS)
def test_every_command_takes_debug_and_the_shared_help(command):
    result = _run([command, "--help"])
    assert result.exit_code == 0, result.output
    assert "--debug" in result.stdout


@pytest.mark.parametrize("where", ["before", "after"])
def test_debug_before_or_after_the_command_shows_the_exception(tmp_path, where):
    path = _write(tmp_path / "r.geojson", "{broken")
    args = ["compare", str(path)]
    args = ["--debug", *args] if where == "before" else [*args, "--debug"]
    result = _run(args)
    assert result.exit_code == 1
    assert isinstance(result.exception, GeorouteError)
    assert not result.stderr.startswith("error: ")


@pytest.mark.parametrize("command", ["compare", "pieces", "map", "report"])
def test_the_shared_options_have_the_same_defaults(command):
    text = " ".join(_run([command, "--help"]).stdout.split())  # help wraps lines
    if command != "pieces":
        assert "[default: CHN]" in text
        assert "[default: 10,50,100]" in text
        assert "--volume-bcm" in text
        assert "--workers" in text
    assert "--only" in text
    assert "--boundaries" in text
    assert "[default: code]" in text


@pytest.mark.parametrize(
    "args",
    [
        ["compare", "--volume-bcm", "-1"],
        ["compare", "--volume-bcm", "10", "--tariff", "nan"],
        ["map", "--tariff", "3"],
        ["map", "--bands", "10,,50"],
        ["scenario", "seed", "--volume-bcm", "inf"],
    ],
)
def test_bad_numbers_on_any_command_are_one_error_line(tmp_path, args):
    out = tmp_path / "out"
    lines = _assert_clean_error(_run([*args, "--out", str(out)]))
    assert len(lines) == 1
    assert not out.exists()
