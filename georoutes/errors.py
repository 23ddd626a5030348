"""Errors raised by georoutes.

Every error is a :class:`GeorouteError`, itself a :class:`ValueError`, so callers can catch one
type. Messages follow one shape, ``<source>: feature <n> (<id>): <problem>``, so that the command
line can print them as a single line and a user can find the offending feature in the file.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import get_close_matches

__all__ = [
    "BoundaryError",
    "GeorouteError",
    "Problem",
    "RouteFileError",
    "RouteValidationError",
    "UnknownStateError",
    "feature_label",
    "format_problem",
]


class GeorouteError(ValueError):
    """Base class of every error georoutes raises on bad input."""


class RouteFileError(GeorouteError):
    """A routes file cannot be read at all: missing, malformed, or not GeoJSON."""


class RouteValidationError(GeorouteError):
    """One or more features of a routes layer are invalid; ``problems`` lists each of them."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(p.message for p in self.problems))


class BoundaryError(GeorouteError):
    """A boundary layer cannot be loaded or lacks what the analysis needs."""


class UnknownStateError(GeorouteError):
    """A state code (e.g. a focus state) is not in the boundary layer."""


@dataclass(frozen=True)
class Problem:
    """One problem with one feature of an input layer (``feature`` counts from 0)."""

    source: str
    feature: int | None
    feature_id: object
    what: str

    @property
    def message(self) -> str:
        """Return the one-line message ``<source>: feature <n> (<id>): <what>``."""
        return format_problem(self.source, self.feature, self.feature_id, self.what)


def format_problem(source: str, feature: int | None, feature_id: object, what: str) -> str:
    """Return the one-line error message for a problem with one feature of ``source``."""
    what = " ".join(str(what).split())  # one line, whatever the cause's text held
    if feature is None:
        return f"{source}: {what}"
    return f"{source}: feature {feature} ({feature_label(feature_id)}): {what}"


def feature_label(feature_id: object) -> str:
    """Return how a feature's id is shown in messages: ``'abc'``, ``12``, or ``no id``.

    A missing id is spelled one way whatever stood for it (None, NaN, an empty string).
    """
    if feature_id is None or (isinstance(feature_id, float) and feature_id != feature_id):
        return "no id"
    if isinstance(feature_id, str) and not feature_id.strip():
        return "no id"
    if hasattr(feature_id, "item") and not isinstance(feature_id, (str, bytes)):
        try:
            return feature_label(feature_id.item())
        except (TypeError, ValueError):
            pass
    text = repr(feature_id)
    return text if len(text) <= 80 else text[:79] + "…"


def unknown_code_message(code: object, valid: Iterable[str], *, what: str = "state code") -> str:
    """Return a message for an unknown code that lists close matches among ``valid``."""
    valid = sorted(set(valid))
    text = str(code).upper()
    close = get_close_matches(text, valid, n=5, cutoff=0.5)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    return (
        f"unknown {what} {code!r}: not in the boundary layer{hint} "
        f"(codes are ISO 3166-1 alpha-3 style ADM0_A3, e.g. CHN, PRK, KOR, RUS; "
        f"{len(valid)} available)"
    )


class KmPostError(GeorouteError):
    """Km posts are unusable: unreadable file, unknown place, off the line, not monotone...

    ``problems`` holds one line per problem; the message lists all of them.
    """

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(self.problems))


# Errors of the network builders (georoutes.networks), which re-exports them.


class PlaceError(GeorouteError):
    """A location is unusable: unknown place id, malformed ``LON,LAT``, or out of range."""


class PassageError(GeorouteError):
    """A passage name is unknown, or the same passage is both avoided and allowed."""


class NoRouteError(GeorouteError):
    """The network has no path between the points (closed passages, disconnected track)."""


class NetworkDataError(GeorouteError):
    """Network data cannot be read or holds no usable network (e.g. no railway ways)."""


__all__ += ["KmPostError", "NetworkDataError", "NoRouteError", "PassageError", "PlaceError"]
