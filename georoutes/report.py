"""Backward-compatible home of the HTML report: see :mod:`georoutes.render`."""

from __future__ import annotations

from georoutes.render import (
    SOURCE_COLUMNS,
    Source,
    build_report,
    scenario_sections,
    sensitivity_sections,
    write_report,
)

__all__ = [
    "SOURCE_COLUMNS",
    "Source",
    "build_report",
    "scenario_sections",
    "sensitivity_sections",
    "write_report",
]
