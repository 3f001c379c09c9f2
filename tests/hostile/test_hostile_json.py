"""JSON files of the workspace nested 10,000 deep (golden example input and output,
registry.lock): located findings, never a RecursionError or a traceback. Each case runs in a
subprocess with a timeout."""

from __future__ import annotations

from pathlib import Path

import pytest
from accord.jsondoc import TooDeep, loads_bounded, nesting_too_deep
from hostile_ws import JSON_KINDS, guarded, workspace

DEEP = '{"a": ' + "[" * 10_000 + "]" * 10_000 + "}"


@pytest.mark.parametrize("kind", ["example input", "example output"])
def test_deep_golden_example_is_a_finding(tmp_path: Path, kind: str) -> None:
    root = workspace(tmp_path, {JSON_KINDS[kind]: DEEP})
    outcome = guarded(["test", "examples", "--format", "json"], root, timeout=60)
    assert outcome.returncode == 1, outcome.stdout + outcome.stderr
    assert "Traceback" not in outcome.stderr and "RecursionError" not in outcome.stdout
    assert "nested more than 64 levels deep (line 1, column 70)" in outcome.stdout


def test_deep_registry_lock_is_a_located_finding(tmp_path: Path) -> None:
    lock = '{"accord": "registry-lock/v1",\n "contracts": {"x": ' + DEEP + "}}"
    root = workspace(tmp_path, {JSON_KINDS["registry.lock"]: lock})
    outcome = guarded(["check", "--format", "json"], root, timeout=60)
    assert outcome.returncode in (1, 2), outcome.stdout + outcome.stderr
    assert "Traceback" not in outcome.stderr
    (d,) = outcome.json()["diagnostics"]
    assert d["code"] == "ACC022" and (d["line"], d["col"]) == (2, 88), d
    assert d["file"].endswith("registry.lock")


def test_brackets_inside_strings_do_not_count() -> None:
    text = '{"note": "' + "[" * 500 + '", "list": [[1]]}'
    assert nesting_too_deep(text, 3) is None
    assert loads_bounded(text, 3)["list"] == [[1]]
    with pytest.raises(TooDeep) as caught:
        loads_bounded(text, 2)
    assert (caught.value.line, caught.value.col) == (1, 523)
