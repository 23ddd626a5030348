"""The static figure (matplotlib) of analysed routes: the same content as the web map."""

from __future__ import annotations

import io
import math
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Unpack

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, PathPatch
from matplotlib.path import Path as MplPath

from georoutes._io import write_bytes_atomic
from georoutes.render._html import FOCUS_COLOUR, LAND_COLOUR, PLACE_COLOUR, SEA_COLOUR, mpl_text
from georoutes.render._scene import RenderInputs, RenderOptions, Scene, build_scene, merge_options
from georoutes.render.maps import band_styles

__all__ = ["png_bytes", "route_figure", "write_png"]


def _polygon_patch(ax: Axes, geoms: Iterable[object], **style: Any) -> None:
    # One compound path per layer (hundreds of patches are slow); exteriors counter-clockwise
    # and holes clockwise, so matplotlib's nonzero fill leaves the holes empty.
    verts, codes = [], []
    for geom in geoms:
        for poly in shapely.get_parts(shapely.orient_polygons(geom)):
            if poly.geom_type != "Polygon":
                continue
            for ring in [poly.exterior, *poly.interiors]:
                xy = np.asarray(ring.coords)
                verts.append(xy)
                codes.append(
                    [MplPath.MOVETO] + [MplPath.LINETO] * (len(xy) - 2) + [MplPath.CLOSEPOLY]
                )
    if verts:
        path = MplPath(np.concatenate(verts), np.concatenate(codes))
        ax.add_artist(PathPatch(path, **style))  # add_patch would re-scan every vertex


def _draw(ax: Axes, scene: Scene) -> None:
    ax.set_facecolor(SEA_COLOUR)
    _polygon_patch(
        ax,
        [g for _, g in scene.boundaries],
        facecolor=LAND_COLOUR,
        edgecolor="#8c8c8c",
        linewidth=0.4,
    )
    _polygon_patch(
        ax,
        [g for _, _, g in scene.focus],
        facecolor=FOCUS_COLOUR,
        alpha=0.15,
        edgecolor=FOCUS_COLOUR,
        lw=1.2,
    )
    for _, km, geom in scene.bands:
        _polygon_patch(
            ax, [geom], facecolor="none", edgecolor=FOCUS_COLOUR, lw=0.9, ls=_band_ls(scene, km)
        )
    for route in scene.routes:
        for part in route.parts:
            ax.plot(
                part[:, 0],
                part[:, 1],
                color=route.colour,
                lw=2.0,
                ls=(0, (5, 3)) if route.dashed else "-",
                solid_capstyle="round",
                zorder=3,
            )
    if scene.crossings:
        ax.scatter(
            [c["display_lon"] for c in scene.crossings],
            [c["lat"] for c in scene.crossings],
            s=22,
            facecolor="white",
            edgecolor="#222222",
            linewidth=1.2,
            zorder=4,
        )
    if scene.places:
        # small and under the routes: a catalog has hundreds of stations
        ax.scatter(
            [p["lon"] for p in scene.places],
            [p["lat"] for p in scene.places],
            s=3,
            color=PLACE_COLOUR,
            alpha=0.6,
            linewidths=0,
            zorder=2.5,
        )


def _frame(ax: Axes, scene: Scene) -> None:
    west, south, east, north = scene.bounds
    pad = max(2.0, 0.08 * max(east - west, north - south))
    ax.set_xlim(west - pad, east + pad)
    ax.set_ylim(max(-85.0, south - pad), min(85.0, north + pad))
    ax.set_aspect(1.0 / max(0.1, math.cos(math.radians(0.5 * (south + north)))))
    ax.set_xlabel("longitude (°)")
    ax.set_ylabel("latitude (°)")
    # unwrapped longitudes are labelled in [-180, 180]: 190 reads -170, 180 stays 180
    ax.xaxis.set_major_formatter(lambda x, _pos: f"{180.0 - (180.0 - x) % 360.0:g}")


#: Up to this many routes the figure's legend names each route (beyond, kinds only).
MAX_NAMED_ROUTES = 12


def _band_ls(scene: Scene, km: float) -> Any:
    """Return the band's line style: the map's (solid, dashed, dotted...), narrowest first."""
    dash = band_styles(scene)[f"{km:g}"]["dash"]
    return "-" if dash is None else (0, tuple(float(v) for v in dash.split()))


def _legend(ax: Axes, scene: Scene) -> None:
    handles: list[Any] = [
        Line2D([], [], color=c, lw=2.5, label=mpl_text(k)) for k, c in scene.kind_colours.items()
    ]
    if any(route.dashed for route in scene.routes):
        handles.append(
            Line2D([], [], color="#555555", lw=2.0, ls=(0, (3, 2)), label="not operating")
        )
    if scene.crossings:
        handles.append(
            Line2D([], [], ls="", marker="o", mfc="white", mec="#222222", label="border crossing")
        )
    if scene.places:
        handles.append(Line2D([], [], ls="", marker="o", ms=4, color=PLACE_COLOUR, label="place"))
    for code, name, _ in scene.focus:
        handles.append(
            Patch(
                facecolor=FOCUS_COLOUR,
                alpha=0.3,
                label=mpl_text(f"focus: {code}" + (f" ({name})" if name else "")),
            )
        )
    for band in sorted({km for _, km, _ in scene.bands}):
        handles.append(
            Patch(
                facecolor="none",
                edgecolor=FOCUS_COLOUR,
                ls=_band_ls(scene, band),
                label=f"within {band:g} km",
            )
        )
    if len(scene.routes) <= MAX_NAMED_ROUTES:  # few routes: each named with its shade
        handles += [
            Line2D(
                [],
                [],
                color=r.colour,
                lw=2.0,
                ls=(0, (5, 3)) if r.dashed else "-",
                label=mpl_text(r.name if len(r.name) <= 60 else r.name[:59] + "…"),
            )
            for r in scene.routes
        ]
    # beside the plot, never over the routes (constrained layout makes room for it)
    ax.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(1.02, 1.0),
        fontsize=8,
        framealpha=0.9,
        handlelength=3.5,
    )


def route_figure(
    analysis: pd.DataFrame,
    routes: gpd.GeoDataFrame,
    options: RenderOptions | None = None,
    *,
    title: str | None = None,
    figsize_in: tuple[float, float] = (11.0, 7.5),
    **inputs: Unpack[RenderInputs],
) -> Figure:
    """Return a static matplotlib figure with the same content as :func:`route_map`.

    Countries, focus states and their bands, routes coloured by kind (dashed when their status
    is not operating), border crossings and places, on an equirectangular plot (axes in
    degrees) whose aspect is true at the middle latitude. For papers and slides; save it with
    :func:`write_png`.

    Parameters
    ----------
    analysis : pandas.DataFrame
        The output of :func:`georoutes.analyze` (index: route id).
    routes : geopandas.GeoDataFrame
        The routes that were analysed.
    options : RenderOptions, optional
        As for :func:`route_map`; ``transits`` is not drawn (pieces by state are in the map).
    title : str, optional
        The figure's title; default: the number of routes and the focus states.
    figsize_in : tuple of float
        Width and height, inches.
    **inputs
        The fields of :class:`~georoutes.render.RenderOptions` as keywords.

    Returns
    -------
    matplotlib.figure.Figure
        One axes; one line per route part.
    """
    opts = merge_options(options, inputs)
    scene = build_scene(
        analysis,
        routes,
        RenderOptions(
            crossings=opts.crossings,
            boundaries=opts.boundaries,
            places=opts.places,
            focus=opts.focus,
            bands_km=opts.bands_km,
        ),
    )
    fig = Figure(figsize=figsize_in, layout="constrained")
    ax = fig.add_subplot()
    _draw(ax, scene)
    _frame(ax, scene)
    _legend(ax, scene)
    if title is None:
        title = f"{len(scene.routes)} route{'s' if len(scene.routes) != 1 else ''}"
        if scene.focus:
            title += " — focus " + ", ".join(c for c, _, _ in scene.focus)
    ax.set_title(mpl_text(title))
    return fig


def png_bytes(fig: Figure, *, dpi: int = 150) -> bytes:
    """Return a figure as PNG bytes (``dpi``: dots per inch)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def write_png(fig: Figure, path: str | os.PathLike[str], *, dpi: int = 150) -> Path:
    """Write a figure as PNG (``dpi``: dots per inch) to ``path`` atomically."""
    return write_bytes_atomic(path, png_bytes(fig, dpi=dpi))
