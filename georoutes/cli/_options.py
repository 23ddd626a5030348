"""The options the commands share, declared once so that every command has the same defaults.

=================  ===========================================================================
``ROUTES...``      route files; none = the built-in catalog (routes and corridors)
``--only``         only these route ids (repeatable)
``--focus``        focus state code, repeatable (default ``CHN``)
``--bands``        distance bands in km (default ``10,50,100``)
``--boundaries``   boundary layer: a shipped name or a file (default: the default layer)
``--code-column``  state code column of a ``--boundaries`` file (default ``code``)
``--min-piece-km`` slivers shorter than this are absorbed (default ``0.5``)
``--workers``      local Dask cluster processes for large route sets (``0`` = one per CPU)
``--scheduler``    ``processes`` (a local cluster) or ``tcp://HOST:PORT`` (a running one)
``--volume-bcm``   gas volume, bcm/yr: adds fees and capital cost (default: none)
``--tariff``       transit tariff, USD per 1,000 m³ per 100 km (needs ``--volume-bcm``)
``--out``          write here instead of stdout, never half-written
=================  ===========================================================================
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click
import geopandas as gpd

from .._io import open_atomic
from ..catalog import builtin_routes
from ..compare import select
from ..economics import DEFAULT_TARIFF_USD_PER_TCM_PER_100KM
from ..errors import GeorouteError, feature_label
from ..routes import as_routes, read_routes

__all__ = [
    "analysis_options",
    "bands_option",
    "boundaries_options",
    "economics_options",
    "focus_option",
    "load_routes",
    "min_piece_option",
    "only_option",
    "out_option",
    "parse_bands",
    "routes_argument",
    "scheduler_kwargs",
    "tariff_for",
    "waters_kwargs",
    "workers_option",
]

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_FOCUS = ("CHN",)
DEFAULT_BANDS = "10,50,100"
PATH = click.Path(dir_okay=False, path_type=Path)


def _apply(f: F, decorators: Sequence[Callable[[F], F]]) -> F:
    for decorator in reversed(decorators):
        f = decorator(f)
    return f


def parse_bands(text: str) -> tuple[float, ...]:
    """Return the bands of a ``--bands 10,50,100`` option (km; every item a positive number)."""
    items = [item.strip() for item in str(text).split(",")]
    if not any(items):
        raise GeorouteError("--bands: give at least one distance in km, e.g. --bands 10,50,100")
    out = []
    for item in items:
        if not item:
            raise GeorouteError(
                f"--bands: {text!r} has an empty item; give distances in km "
                "separated by single commas, e.g. --bands 10,50,100"
            )
        try:
            value = float(item)
        except ValueError as exc:
            raise GeorouteError(
                f"--bands: {item!r} is not a number of km (give e.g. --bands 10,50,100)"
            ) from exc
        if not (value > 0 and value != float("inf")):
            raise GeorouteError(f"--bands: {item!r} must be a positive, finite number of km")
        out.append(value)
    return tuple(out)


def _bands_callback(ctx: click.Context, param: click.Parameter, value: str) -> tuple[float, ...]:
    return parse_bands(value)


def _non_negative(ctx: click.Context, param: click.Parameter, value: float | None) -> float | None:
    if value is not None and (not math.isfinite(value) or value < 0):
        raise GeorouteError(
            f"--{param.name.replace('_', '-') if param.name else 'value'} must "
            f"be a finite number >= 0, got {value!r}"
        )
    return value


def _remember(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    ctx.meta[f"georoutes.{param.name}"] = value
    return value


def routes_argument(f: F) -> F:
    """Add ROUTES (files, directories, globs; none = the built-in catalog) and how to read them.

    ``--id-field``, ``--skip-invalid`` and ``--skipped FILE`` are read by :func:`load_routes`
    (they are kept in the click context, not passed to the command function).
    """
    return _apply(
        f,
        [
            click.argument("routes", nargs=-1, type=str),
            click.option(
                "--id-field",
                default=None,
                metavar="NAME",
                expose_value=False,
                callback=_remember,
                help="Property holding each route's id (default 'id'; else the GeoJSON "
                "id, else the file name).",
            ),
            click.option(
                "--skip-invalid",
                is_flag=True,
                expose_value=False,
                callback=_remember,
                help="Analyse the valid features, report each skipped one (exit 0).",
            ),
            click.option(
                "--skipped",
                type=PATH,
                default=None,
                expose_value=False,
                callback=_remember,
                help="With --skip-invalid: write the skipped features' report (CSV) "
                "here instead of stderr.",
            ),
        ],
    )


def only_option(f: F) -> F:
    """Add ``--only ID`` (repeatable)."""
    return click.option(
        "--only", multiple=True, metavar="ID", help="Only these route ids (repeatable)."
    )(f)


def focus_option(f: F) -> F:
    """Add ``--focus CODE`` (repeatable, default CHN)."""
    return click.option(
        "--focus",
        "focus",
        multiple=True,
        default=DEFAULT_FOCUS,
        show_default=True,
        metavar="CODE",
        help="Focus state code (ISO 3166-1 alpha-3 style); repeat for several.",
    )(f)


def bands_option(f: F) -> F:
    """Add ``--bands`` (km, comma-separated, default 10,50,100), parsed to a tuple of floats."""
    return click.option(
        "--bands",
        "bands_km",
        default=DEFAULT_BANDS,
        show_default=True,
        callback=_bands_callback,
        help="Distance bands in km around each focus state, comma-separated.",
    )(f)


def boundaries_options(f: F) -> F:
    """Add ``--boundaries``, ``--code-column`` and the waters options.

    ``--waters``, ``--waters-layer`` and ``--waters-code-column`` are kept in the click
    context and read by :func:`waters_kwargs`.
    """
    return _apply(
        f,
        [
            click.option(
                "--boundaries",
                default=None,
                help="Boundary layer: a shipped layer name or a file path.",
            ),
            click.option(
                "--code-column",
                default="code",
                show_default=True,
                help="State code column of a --boundaries file.",
            ),
            click.option(
                "--waters",
                type=click.Choice(["land", "territorial", "eez"], case_sensitive=False),
                default=None,
                expose_value=False,
                callback=_remember,
                help="What a state's territory is: land; land + 12 nm territorial sea (the "
                "default with shipped layers); + 200 nm EEZ (modelled unless --waters-layer).",
            ),
            click.option(
                "--waters-layer",
                type=PATH,
                default=None,
                expose_value=False,
                callback=_remember,
                help="Your own EEZ layer (e.g. Marine Regions) instead of the modelled one.",
            ),
            click.option(
                "--waters-code-column",
                default="code",
                show_default=True,
                expose_value=False,
                callback=_remember,
                help="State code column of the --waters-layer file.",
            ),
        ],
    )


def waters_kwargs() -> dict[str, Any]:
    """Return ``waters``, ``waters_layer`` and ``code_column`` as given on the command line."""
    meta = click.get_current_context().meta
    return {
        "waters": meta.get("georoutes.waters"),
        "waters_layer": meta.get("georoutes.waters_layer"),
        "code_column": meta.get("georoutes.waters_code_column") or "code",
    }


def min_piece_option(f: F) -> F:
    """Add ``--min-piece-km`` (default 0.5)."""
    return click.option(
        "--min-piece-km",
        default=0.5,
        show_default=True,
        type=float,
        help="Runs shorter than this between two runs of another same state are slivers.",
    )(f)


def _scheduler_callback(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
    if value is not None and value != "processes" and "://" not in value:
        raise click.BadParameter(
            f"{value!r} is neither 'processes' (a local cluster) nor a scheduler address "
            "such as tcp://10.0.0.5:8786",
            ctx=ctx,
            param=param,
        )
    return _remember(ctx, param, value)


def workers_option(f: F) -> F:
    """Add ``--workers`` (default 1; 0 = one per CPU) and ``--scheduler``.

    ``--scheduler`` is kept in the click context and read by :func:`scheduler_kwargs`.
    """
    return _apply(
        f,
        [
            click.option(
                "--workers",
                type=click.IntRange(min=0),
                default=1,
                show_default=True,
                help="Worker processes of a local Dask cluster for large route sets (0 = one "
                "per CPU; under 500 routes: this process). Needs georoutes[dask].",
            ),
            click.option(
                "--scheduler",
                default=None,
                expose_value=False,
                callback=_scheduler_callback,
                metavar="processes|tcp://HOST:PORT",
                help="Analyse on Dask: 'processes' starts a local cluster (--workers "
                "processes, default one per CPU), an address connects to a running scheduler.",
            ),
        ],
    )


def scheduler_kwargs() -> dict[str, Any]:
    """Return ``scheduler`` as given on the command line (``None``: not given)."""
    return {"scheduler": click.get_current_context().meta.get("georoutes.scheduler")}


def economics_options(f: F) -> F:
    """Add ``--volume-bcm`` and ``--tariff`` (finite, >= 0; check them with :func:`tariff_for`)."""
    return _apply(
        f,
        [
            click.option(
                "--volume-bcm",
                type=float,
                default=None,
                callback=_non_negative,
                help="Gas volume (bcm/yr): adds transit fees and capital cost per route.",
            ),
            click.option(
                "--tariff",
                type=float,
                default=None,
                callback=_non_negative,
                help="Transit tariff, USD per 1000 m3 per 100 km (with --volume-bcm; "
                f"default {DEFAULT_TARIFF_USD_PER_TCM_PER_100KM}).",
            ),
        ],
    )


def out_option(
    help_text: str = "Write to this file instead of stdout (never half-written).",
) -> Callable[[F], F]:
    """Return the ``--out FILE`` option (default: none, each command says what that means)."""
    return click.option("--out", type=PATH, default=None, help=help_text)


def analysis_options(f: F) -> F:
    """Add what every analysing command takes (ROUTES and the shared options).

    ROUTES, --only, --focus, --bands, --boundaries, --code-column, --min-piece-km, --workers,
    --scheduler, --volume-bcm and --tariff.
    """
    return _apply(
        f,
        [
            routes_argument,
            only_option,
            focus_option,
            bands_option,
            boundaries_options,
            min_piece_option,
            workers_option,
            economics_options,
        ],
    )


def tariff_for(volume_bcm: float | None, tariff: float | None) -> float:
    """Return the tariff to use; ``--tariff`` without ``--volume-bcm`` is an error."""
    if tariff is not None and volume_bcm is None:
        raise GeorouteError(
            "--tariff needs --volume-bcm: fees are volume x tariff x km "
            "(e.g. --volume-bcm 10 --tariff 2.0)"
        )
    return DEFAULT_TARIFF_USD_PER_TCM_PER_100KM if tariff is None else tariff


def load_routes(routes: Sequence[str | Path], only: Sequence[str] = ()) -> gpd.GeoDataFrame:
    """Return the validated routes: the given inputs (or the built-in catalog), ``only`` kept.

    Inputs are files, directories or glob patterns (see :func:`georoutes.read_routes`). With
    ``--skip-invalid`` every skipped feature is reported (to stderr, or as CSV to
    ``--skipped FILE``) with a one-line summary; made-up ids are announced on stderr.
    """
    meta = click.get_current_context().meta if click.get_current_context(silent=True) else {}
    id_field = meta.get("georoutes.id_field")
    skip = bool(meta.get("georoutes.skip_invalid"))
    skipped_path = meta.get("georoutes.skipped")
    if skipped_path is not None and not skip:
        raise GeorouteError("--skipped needs --skip-invalid")
    if routes:
        frame = read_routes(list(routes), id_field=id_field, on_invalid="skip" if skip else "raise")
        _report_inputs(frame, skipped_path)
    else:
        frame = as_routes(builtin_routes())
    if only:
        frame = select(frame, only).reset_index()
    return frame


def _report_inputs(frame: gpd.GeoDataFrame, skipped_path: Path | None) -> None:
    skipped = frame.attrs.get("georoutes_skipped", [])
    made_up = frame.attrs.get("georoutes_made_up_ids", [])
    if made_up:
        shown = ", ".join(made_up[:3]) + (" …" if len(made_up) > 3 else "")
        click.echo(
            f"note: {len(made_up)} route id(s) made up from file names ({shown}); "
            "give --id-field NAME to take them from a property",
            err=True,
        )
    if not skipped:
        return
    if skipped_path is not None:
        buf = io.StringIO()
        writer = csv.DictWriter(
            buf, fieldnames=["source", "feature", "id", "reason"], lineterminator="\n"
        )
        writer.writeheader()
        for item in skipped:
            writer.writerow(
                {k: "" if item.get(k) is None else item.get(k) for k in writer.fieldnames}
            )
        with open_atomic(skipped_path) as f:
            f.write(buf.getvalue())
    else:
        for item in skipped:
            where = (
                ""
                if item["feature"] is None
                else f"feature {item['feature']} ({feature_label(item['id'])}): "
            )
            click.echo(f"skipped: {item['source']}: {where}{item['reason']}", err=True)
    files = len({item["source"] for item in skipped})
    target = f"; report in {skipped_path}" if skipped_path is not None else ""
    click.echo(
        f"skipped {len(skipped)} invalid feature(s) or file(s) in {files} file(s); "
        f"analysed {len(frame)} route(s){target}",
        err=True,
    )
