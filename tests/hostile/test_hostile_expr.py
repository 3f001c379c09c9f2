"""Expressions nested hundreds of levels deep (500 parentheses, unary and binary chains, nested
projections and filters): a located syntax finding, never a RecursionError — in the compiler,
the reference interpreter and the mapping checker."""

from __future__ import annotations

from pathlib import Path

import pytest
from accord import ExpressionError, compile_expression
from accord.expr import reference_search
from accord.expr.parse import MAX_NESTING
from hostile_ws import MAPPING, YAML_KINDS, guarded, workspace


def shapes(n: int) -> dict[str, str]:
    return {
        "parentheses": "(" * n + "Name" + ")" * n,
        "function calls": "not_null(" * n + "Name" + ")" * n,
        "multi-select lists": "[" * n + "Name" + "]" * n,
        "multi-select hashes": "{a:" * n + "Name" + "}" * n,
        "not": "!" * n + "Name",
        "or chain": "Name" + " || Name" * n,
        "pipe chain": "Name" + " | @" * n,
        "projections": "Name" + "[*].a" * n,
        "filters": "Name" + "[?a]" * n,
    }


SHAPES = shapes(MAX_NESTING + 100)


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_compiler_and_interpreter_refuse_deep_nesting_as_syntax(shape: str) -> None:
    for run in (compile_expression, lambda e: reference_search(e, {})):
        with pytest.raises(ExpressionError) as caught:
            run(SHAPES[shape])
        assert caught.value.kind == "syntax"
        assert f"more than {MAX_NESTING} levels" in str(caught.value)


def test_deep_but_bounded_nesting_compiles_or_is_a_syntax_error() -> None:
    assert compile_expression("(" * 100 + "Name" + ")" * 100)({"Name": "x"}) == "x"
    for inside in shapes(MAX_NESTING - 10).values():  # inside the bound: no RecursionError
        try:
            compile_expression(inside)
        except ExpressionError as exc:
            assert exc.kind == "syntax"


@pytest.mark.parametrize("shape", ["parentheses", "not", "or chain", "projections"])
def test_check_and_generate_report_a_located_finding(tmp_path: Path, shape: str) -> None:
    spec = MAPPING.replace("  name: Name\n", f"  name: {SHAPES[shape]!r}\n".replace("'", '"'))
    root = workspace(tmp_path, {YAML_KINDS["mapping"]: spec})
    check = guarded(["check", "--format", "json"], root, timeout=60)
    assert check.returncode == 1 and "Traceback" not in check.stderr, check.stderr
    (d,) = [d for d in check.json()["diagnostics"] if d["code"] == "ACC401"]
    assert d["line"] == 9 and d["pointer"] == "/fields/name", d
    assert f"more than {MAX_NESTING} levels" in d["message"]
    generate = guarded(["generate"], root, timeout=60)
    assert generate.returncode in (1, 2), generate.stdout + generate.stderr
    assert "Traceback" not in generate.stderr + generate.stdout
