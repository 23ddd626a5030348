r"""Text and colour for every renderer: jinja2 templates, number formats, escaping, palettes.

Names and properties come from users' files, so they are treated as text, never markup: every
string reaches a page through a jinja2 template with autoescaping on, and the few characters that
would still mean something inside folium's JavaScript template literals (a backtick, ``$``,
``\\``, braces) are written as HTML character references.

Colours are fixed per key, never per report: a route kind always has the same colour, and so
does a state code (issue 15: China must not be orange in one report and red in the next).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
import pandas as pd
from markupsafe import Markup

__all__ = [
    "KIND_COLOURS",
    "KIND_PALETTES",
    "OFFSHORE_COLOUR",
    "STATE_COLOURS",
    "state_colour",
    "state_colours",
    "templates",
]

_TEMPLATES = Path(__file__).resolve().parent / "templates"

# --------------------------------------------------------------------------------------------
# Colours

#: Line colour of each route kind (the first of its :data:`KIND_PALETTES`); other kinds get the
#: next free colour. "shipping" (blues) and "sea" (purples) are different hues.
KIND_COLOURS: dict[str, str] = {
    "pipeline": "#d95f02",
    "rail": "#1b9e77",
    "railway": "#1b9e77",
    "shipping": "#1f78b4",
    "sea": "#6a51a3",
    "road": "#7570b3",
}
#: Colours of the routes of one kind on a map: one hue family per kind, shades far enough apart
#: to tell routes of a family apart (route i of a kind takes shade i, cycling).
KIND_PALETTES: dict[str, tuple[str, ...]] = {
    "pipeline": (
        "#d95f02",
        "#8c2d04",
        "#f39c12",
        "#c0392b",
        "#a0522d",
        "#e67e22",
        "#6e2c00",
        "#f5b041",
    ),
    "rail": (
        "#1b9e77",
        "#00441b",
        "#52be80",
        "#0e6655",
        "#7dcea0",
        "#196f3d",
        "#45b39d",
        "#0b5345",
        "#a9cc3f",
        "#117a65",
        "#2ecc71",
    ),
    "shipping": ("#1f78b4", "#08306b", "#5dade2", "#2e4053", "#3498db", "#1a5276"),
    "sea": ("#6a51a3", "#3f007d", "#9e9ac8", "#54278f", "#bcbddc"),
    "road": ("#7570b3", "#4a4680", "#a5a1d6"),
}
KIND_PALETTES["railway"] = KIND_PALETTES["rail"]
_MORE_KIND_COLOURS = ("#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666")
#: Colour of route pieces that lie in no state's territory.
OFFSHORE_COLOUR = "#9e9e9e"
FOCUS_COLOUR = "#c0392b"
PLACE_COLOUR = "#6a3d9a"
LAND_COLOUR = "#f7f7f4"
SEA_COLOUR = "#dfe9f2"
DASH = "8 6"

#: Fixed colours of the states the built-in routes cross (matplotlib's tab20 hues): the same
#: state has the same colour on every map, figure and chart. Other codes: :func:`state_colour`.
STATE_COLOURS: dict[str, str] = {
    "CHN": "#d62728",
    "RUS": "#1f77b4",
    "PRK": "#9467bd",
    "KOR": "#2ca02c",
    "JPN": "#e377c2",
    "MNG": "#8c564b",
    "USA": "#17becf",
    "KAZ": "#bcbd22",
    "TUR": "#ff7f0e",
    "GEO": "#c49c94",
    "AZE": "#f7b6d2",
    "BLR": "#98df8a",
    "POL": "#ffbb78",
    "DEU": "#aec7e8",
    "NLD": "#dbdb8d",
    "UKR": "#c5b0d5",
}
# tab20 (light twins) and tab20b, without greys (grey is offshore): for codes not listed above
_SPARE_STATE_COLOURS = (
    "#ff9896",
    "#9edae5",
    "#393b79",
    "#5254a3",
    "#6b6ecf",
    "#9c9ede",
    "#637939",
    "#8ca252",
    "#b5cf6b",
    "#cedb9c",
    "#8c6d31",
    "#bd9e39",
    "#e7ba52",
    "#e7cb94",
    "#843c39",
    "#ad494a",
    "#d6616b",
    "#e7969c",
    "#7b4173",
    "#a55194",
    "#ce6dbd",
    "#de9ed6",
)


def state_colour(code: str) -> str:
    """Return the colour (``#rrggbb``) of a state code, the same in every map and report.

    Parameters
    ----------
    code : str
        A state code of the boundary layer (ISO 3166-1 alpha-3 style).

    Returns
    -------
    str
        :data:`STATE_COLOURS` for the states the built-in routes cross; any other code takes a
        colour chosen by a hash of the code (SHA-1, so it does not vary between runs).

    Examples
    --------
    >>> state_colour("CHN")
    '#d62728'
    >>> state_colour("XKX") == state_colour("XKX")
    True
    """
    fixed = STATE_COLOURS.get(code)
    if fixed is not None:
        return fixed
    digest = hashlib.sha1(code.encode("utf-8")).digest()
    return _SPARE_STATE_COLOURS[int.from_bytes(digest[:4], "big") % len(_SPARE_STATE_COLOURS)]


def state_colours(analysis: pd.DataFrame) -> dict[str, str]:
    """Return a colour (``#rrggbb``) for every state in ``analysis["km_by_state"]``.

    Parameters
    ----------
    analysis : pandas.DataFrame
        The output of :func:`georoutes.analyze`.

    Returns
    -------
    dict of str to str
        State code to its :func:`state_colour`, states ordered by first appearance (the order
        a legend lists them in). Offshore pieces are drawn in :data:`OFFSHORE_COLOUR`.
    """
    codes: dict[str, None] = {}
    for km_by_state in analysis["km_by_state"]:
        codes.update(dict.fromkeys(str(code) for code in (km_by_state or {})))
    return {code: state_colour(code) for code in codes}


def route_colours(kinds: Iterable[object]) -> list[str]:
    """Return one colour per route: route i of a kind takes shade i of the kind's palette.

    Kinds without a palette take their :func:`kind_colours` colour for every route.
    """
    base = kind_colours(list(kinds := list(kinds)))
    seen: dict[str, int] = {}
    out = []
    for kind in kinds:
        key = kind_key(kind)
        palette = KIND_PALETTES.get(key.lower()) or (base[key],)
        n = seen.get(key, 0)
        seen[key] = n + 1
        out.append(palette[n % len(palette)])
    return out


def kind_key(kind: object) -> str:
    """Return the legend key of a route kind (``"other"`` when missing)."""
    return "other" if is_missing(kind) else str(kind)


def kind_colours(kinds: Iterable[object]) -> dict[str, str]:
    """Return the colour of each route kind, in the order the kinds first appear."""
    out: dict[str, str] = {}
    spare = iter(_MORE_KIND_COLOURS * 10)
    for kind in kinds:
        key = kind_key(kind)
        if key not in out:
            out[key] = KIND_COLOURS.get(key.lower()) or next(spare, "#666666")
    return out


# --------------------------------------------------------------------------------------------
# Number formats and templates


def is_missing(value: object) -> bool:
    """Return whether a cell is empty: None, NaN or a blank string."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def as_list(value: object) -> list[Any]:
    """Return a list cell as a list (``[]`` for a missing one)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return []
    return list(value)  # type: ignore[call-overload]


def number(value: object) -> float | None:
    """Return a cell as a float, or None when it is missing."""
    return None if is_missing(value) else float(value)  # type: ignore[arg-type]


def fmt_km(value: object) -> str:
    """Return km with one decimal and thousands separators (``—`` when missing)."""
    value = number(value)
    return "—" if value is None else f"{value:,.1f}"


def _fmt_deg(value: object) -> str:
    value = number(value)
    return "—" if value is None else f"{value:.4f}"


def _fmt_share(km: object, total_km: object) -> str:
    # the share of a route's length a state holds: both figures come from analyze()
    part, total = number(km), number(total_km)
    if part is None or not total:
        return "—"
    return f"{100.0 * part / total:.1f} %"


def dash(value: object, default: str = "—") -> object:
    """Return ``value``, or ``default`` when it is missing."""
    return default if is_missing(value) else value


@cache
def templates() -> jinja2.Environment:
    """Return the jinja2 environment of georoutes' HTML templates (autoescaping on)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(_TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters.update(km=fmt_km, deg=_fmt_deg, share=_fmt_share, dash=dash)
    return env


def render(name: str, **context: Any) -> Markup:
    """Return template ``name`` rendered with ``context``, as safe markup."""
    return Markup(templates().get_template(name).render(**context).strip())


# --------------------------------------------------------------------------------------------
# Escaping

_FOLIUM_UNSAFE: dict[int, str] = {ord(c): f"&#{ord(c)};" for c in "\\`${}"}


def js_literal_safe(markup: Markup) -> str:
    r"""Return HTML that folium can carry as-is: no character of it means anything to folium.

    folium puts popup and tooltip HTML inside JavaScript template literals (`...`), where a
    backtick ends the string, ``${...}`` runs code and ``\\x3c`` becomes ``<``; and branca then
    parses every rendered element *again as a jinja2 template*, so ``{{ ... }}`` in a name would
    run Python (folium 0.20, branca 0.8). Our templates contain none of these characters, so any
    here came from data: they are written as character references, which the browser shows as
    the characters themselves.
    """
    return str(markup).translate(_FOLIUM_UNSAFE)


def layer_name(text: str) -> str:
    """Return a Leaflet layer name: escaped text (the layer control shows it as innerHTML)."""
    return js_literal_safe(Markup.escape(text))


_PLAIN = str.maketrans("{}%#", "()  ")


def plain_property(text: object) -> str:
    """Return text for a GeoJSON property (branca's second template pass reads those too)."""
    return str(text).translate(_PLAIN)


def mpl_text(text: object) -> str:
    """Return text matplotlib shows literally (it reads ``$...$`` as mathtext)."""
    return str(text).replace("$", r"\$")


def safe_url(url: object) -> str | None:
    """Return ``url`` if it is a web link (http or https), else None: it is shown as text."""
    text = "" if is_missing(url) else str(url).strip()
    return text if text.lower().startswith(("https://", "http://")) else None
