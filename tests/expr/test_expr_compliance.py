"""The official JMESPath compliance suite, through the compiled code and through the reference.

Every result and error case of the suite (``ACCORD_JMESPATH_COMPLIANCE``, else
../shared/jmespath-compliance; see tests/external_suites.py) runs through ``compile_expression``;
``error`` cases may fail at compile or at run time, with the suite's error kind. The bench cases
must compile and run. The same cases also run through ``reference_search`` (jmespath.py with
accord's library) so a disagreement names which side moved.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from accord import ExpressionError
from accord.expr import compile_expression, reference_search
from external_suites import JMESPATH_COMPLIANCE

SUITE = JMESPATH_COMPLIANCE.require_module()


@dataclass(frozen=True)
class Case:
    file: str
    number: int
    given: Any
    expression: str
    outcome: str  # result | error | bench
    expected: Any

    @property
    def id(self) -> str:
        return f"{self.file}:{self.number}:{self.expression[:40]}"


def _cases() -> list[Case]:
    files = sorted(path for path in SUITE.glob("*.json") if path.name != "schema.json")
    if not files:
        raise RuntimeError(f"JMESPath compliance suite not found at {SUITE.resolve()}")
    cases = []
    for path in files:
        number = 0
        for group in json.loads(path.read_text(encoding="utf-8")):
            for case in group["cases"]:
                number += 1
                outcome = next(key for key in ("result", "error", "bench") if key in case)
                cases.append(
                    Case(path.stem, number, group["given"], case["expression"], outcome,
                         case[outcome])
                )
    return cases


CASES = _cases()
CHECKED = [case for case in CASES if case.outcome != "bench"]
BENCH = [case for case in CASES if case.outcome == "bench"]


def test_suite_is_complete() -> None:
    assert len(CHECKED) == 892
    assert sum(case.outcome == "error" for case in CHECKED) == 150
    assert len(BENCH) == 16


def same_json(a: Any, b: Any) -> bool:
    """JSON equality that keeps JSON's types apart: ``true`` is not ``1`` and ``0`` is not
    ``false`` (Python's ``==`` says they are); ``1`` and ``1.0`` are the same number."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same_json(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same_json(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


def test_same_json_keeps_types_apart() -> None:
    assert not same_json(True, 1) and not same_json([0], [False])
    assert not same_json({"a": 1}, {"a": True})
    assert same_json(1, 1.0) and same_json({"a": [1, "x", None]}, {"a": [1.0, "x", None]})
    assert not same_json(None, False) and not same_json("1", 1)


def _run_compiled(case: Case) -> Any:
    return compile_expression(case.expression)(case.given)


@pytest.mark.parametrize("case", CHECKED, ids=lambda case: case.id)
def test_compiled(case: Case) -> None:
    if case.outcome == "result":
        assert same_json(_run_compiled(case), case.expected)
        return
    with pytest.raises(ExpressionError) as raised:
        _run_compiled(case)
    assert raised.value.kind == case.expected


@pytest.mark.parametrize("case", CHECKED, ids=lambda case: case.id)
def test_reference(case: Case) -> None:
    if case.outcome == "result":
        assert same_json(reference_search(case.expression, case.given), case.expected)
        return
    with pytest.raises(ExpressionError) as raised:
        reference_search(case.expression, case.given)
    assert raised.value.kind == case.expected


@pytest.mark.parametrize("case", BENCH, ids=lambda case: case.id)
def test_bench_cases_compile_and_agree(case: Case) -> None:
    compiled = compile_expression(case.expression)
    try:
        expected = reference_search(case.expression, case.given)
    except ExpressionError as error:
        with pytest.raises(ExpressionError) as raised:
            compiled(case.given)
        assert raised.value.kind == error.kind
    else:
        assert same_json(compiled(case.given), expected)
