"""Deprecated: the ``scenario`` command is :mod:`georoutes.cli.scenario`; run it via ``cli``."""

from .cli import standalone
from .cli.scenario import scenario_command as _scenario_command

__all__ = ["scenario_command"]

#: The command runnable on its own, with the command line's error handling.
scenario_command = standalone(_scenario_command)
