"""The compatibility rules as data: tests/compat/cases/*.json, each case
``{description, original_schema, update_schema, changes, compatible[, compatible_lenient, mode]}``
run through :func:`accord.compat` under both policies. ``changes`` lists ``"TYPE /pointer"``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import accord
import pytest
from accord.compat import COMPATIBLE_CHANGES_STRICT, ChangeType

CASES_DIR = Path(__file__).parent / "cases"


def _load() -> list[Any]:
    params = []
    for file in sorted(CASES_DIR.glob("*.json")):
        for index, case in enumerate(json.loads(file.read_text(encoding="utf-8"))):
            params.append(pytest.param(case, id=f"{file.stem}[{index}] {case['description']}"))
    return params


CASES = _load()


def test_there_are_enough_cases() -> None:
    assert len(CASES) >= 150


@pytest.mark.parametrize("case", CASES)
def test_case(case: dict[str, Any]) -> None:
    mode = case.get("mode", "BACKWARD")
    strict = accord.compat(case["original_schema"], case["update_schema"], mode)
    found = sorted(f"{c.type.value} {c.pointer}".rstrip() for c in strict.changes)
    assert found == sorted(e.rstrip() for e in case["changes"]), case["description"]
    assert strict.compatible is case["compatible"], [c.message for c in strict.breaking]
    lenient = accord.compat(case["original_schema"], case["update_schema"], mode,
                            policy="lenient")
    assert lenient.compatible is case.get("compatible_lenient", case["compatible"])
    if strict.compatible:
        assert lenient.compatible  # lenient accepts a superset


def test_every_change_kind_is_exercised() -> None:
    """Each ChangeType appears in at least one case (both directions are generated in pairs)."""
    seen = {entry.split(" ", 1)[0] for param in CASES for entry in param.values[0]["changes"]}
    missing = sorted(t.value for t in ChangeType if t.value not in seen)
    assert not missing, f"change kinds with no case: {missing}"


def test_strict_set_is_a_subset_of_lenient() -> None:
    from accord.compat import COMPATIBLE_CHANGES_LENIENT

    assert COMPATIBLE_CHANGES_STRICT < COMPATIBLE_CHANGES_LENIENT
