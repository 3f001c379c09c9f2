"""The README's Quickstart is what CI runs, exactly."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def quickstart() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("## Quickstart", 1)[1]
    block = re.search(r"```(?:sh|bash)?\n(.*?)```", section, re.S)
    assert block, "README's Quickstart has no code block"
    return [ln for ln in block.group(1).splitlines() if ln.strip()]


def test_quickstart_has_exactly_two_commands() -> None:
    assert len(quickstart()) == 2


def test_ci_runs_the_readme_commands_as_written() -> None:
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    setup, tests = quickstart()
    assert setup in ci, "the first Quickstart command must appear verbatim in .ci/run"
    assert tests in ci, "the second Quickstart command must appear verbatim in .ci/run"
    assert ci.index(setup) < ci.index(tests)


def test_ci_requires_the_external_suites() -> None:
    """In CI a missing external suite (tests/external_suites.py) fails instead of skipping."""
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    setting = "export ACCORD_REQUIRE_EXTERNAL_SUITES=1"
    assert setting in ci
    assert ci.index(setting) < ci.index(quickstart()[1])
