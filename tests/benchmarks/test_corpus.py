"""The benchmark corpus is honest: every generated transformer and its hand-written twin agree
(``applies``, JSON-equal ``transform`` outputs, ``key``) on the generated inputs, and every
output is valid against the mapping's target contract."""

from __future__ import annotations

from typing import Any

import corpus
import orjson
import pytest
from accord import load_workspace
from accord.errors import TransformError
from accord.runtime.validate import compile_validator


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return corpus.generate(tmp_path_factory.mktemp("corpus"))


def test_corpus_workspace_checks_clean() -> None:
    workspace = load_workspace(corpus.WORKSPACE)
    assert [d for d in workspace.check() if d.severity.value == "error"] == []
    assert sorted(s.name for s in workspace.mappings.specs) == sorted(
        f"corpus.{name}" for name in corpus.NAMES)


def _outcome(impl: Any, record: dict[str, Any]) -> Any:
    if not impl.applies(record):
        return "skipped"
    try:
        out = impl.transform(record)
    except TransformError:
        return "failed"
    return orjson.dumps(out, option=orjson.OPT_SORT_KEYS), impl.key(record)


@pytest.mark.parametrize("case", corpus.CASES, ids=lambda case: case.name)
def test_generated_and_hand_written_twin_agree(case: corpus.Case,
                                               generated: dict[str, Any]) -> None:
    module = generated[case.name]
    schema = load_workspace(corpus.WORKSPACE).contracts.bundle(
        *module.TARGET["contract"].split("@"))
    validator = compile_validator(schema)
    outcomes: dict[str, int] = {}
    for record in case.records(300, seed=3):
        mine, theirs = _outcome(module, record), _outcome(case.hand, record)
        assert mine == theirs, (case.name, record)
        kind = mine if isinstance(mine, str) else "written"
        outcomes[kind] = outcomes.get(kind, 0) + 1
        if kind == "written":
            assert validator.is_valid(orjson.loads(mine[0])), mine
    assert outcomes.get("written", 0) >= 200, outcomes  # mostly real outputs, not failures
