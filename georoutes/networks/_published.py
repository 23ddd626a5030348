"""How a drawn route's length compares with the length a source publishes for it.

Lines drawn station to station miss the track's windings (railways come out short where no
track geometry was available; :func:`georoutes.networks.trace_rail` retraces them on OSM track).
This belongs with the catalog (``georoutes.catalog``); it lives here until it moves there.
"""

from __future__ import annotations

import math

__all__ = ["drawn_vs_published_pct", "published_length_km"]


def published_length_km(value: object) -> float | None:
    """Return a route's ``published_length_km`` property as km, or None when it has none.

    Missing, non-numeric, NaN and non-positive values all mean "no published length".

    Examples
    --------
    >>> published_length_km(9289), published_length_km(None), published_length_km("n/a")
    (9289.0, None, None)
    """
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) and number > 0 else None


def drawn_vs_published_pct(length_km: float, published_km: float | None) -> float | None:
    """Return how much longer (+) or shorter (-) the drawn line is than published, in % (0.1).

    Parameters
    ----------
    length_km
        The drawn line's geodesic length, km.
    published_km
        The published length, km (None: no published length, so no comparison).

    Examples
    --------
    >>> drawn_vs_published_pct(8_800.0, 9_289.0)
    -5.3
    >>> drawn_vs_published_pct(100.0, None) is None
    True
    """
    if published_km is None:
        return None
    return round(100.0 * (length_km / published_km - 1), 1)
