"""README.md's figures come from the tool, and its two commands are the ones CI runs."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _script():
    spec = importlib.util.spec_from_file_location(
        "readme_figures", ROOT / "scripts" / "readme_figures.py"
    )
    assert spec
    assert spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_readme_figures_match_the_tool():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert _script().render(text) == text, (
        "README.md figures differ from the tool: run python scripts/readme_figures.py"
    )


def test_readme_figure_blocks_fail_when_a_number_is_typed_by_hand():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    tampered = re.sub(r"\$\d+\.\dM", "$115.0M", text, count=1)
    assert tampered != text
    assert _script().render(tampered) != tampered


def test_readme_has_the_two_newcomer_commands_and_ci_runs_the_test_one():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```bash\n(.*?)```", text, re.S).group(1)
    commands = [line.split("#")[0].strip() for line in block.splitlines() if line.strip()]
    assert commands == [
        "pip install . && georoutes report",
        'pip install ".[test]" && python -m pytest',
    ]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "README.md" in ci
    assert "TEST_CMD" in ci
    assert "python3 -m venv" in ci
