"""Print a pip constraints file pinning every declared dependency to its lower bound.

Usage: python scripts/lower_bounds.py > oldest.txt; pip install -c oldest.txt ".[test]"

Reads ``[project] dependencies`` and every optional-dependency group of pyproject.toml; a
requirement without a ``>=`` bound is left free. CI's "oldest" job uses it to prove the ranges.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def lower_bounds(pyproject: Path) -> list[str]:
    """Return ``name==version`` for every requirement of ``pyproject`` with a ``>=`` bound."""
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    reqs = list(project.get("dependencies", []))
    for group in project.get("optional-dependencies", {}).values():
        reqs.extend(group)
    out: dict[str, str] = {}
    for req in reqs:
        req = req.split(";")[0]
        m = re.match(r"\s*([A-Za-z0-9_.\-]+)(\[[^\]]*\])?\s*(.*)", req)
        if not m:
            continue
        name, spec = m.group(1).lower(), m.group(3)
        low = re.search(r">=\s*([0-9][^,\s]*)", spec)
        # A name bounded twice (a runtime and a test need) takes the higher bound.
        if low and (name not in out or _key(low.group(1)) > _key(out[name])):
            out[name] = low.group(1)
    return [f"{n}=={v}" for n, v in sorted(out.items())]


def _key(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d+", version))


if __name__ == "__main__":
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "pyproject.toml"
    print("\n".join(lower_bounds(path)))
