"""``accord test examples --update``: rewrite the expected outputs of the examples that differ.

Only an example whose transformer output differs from its expected file (ACC440) is
rewritten — never one that failed to run or whose expected output breaks the target schema.
The file is written atomically (through :mod:`accord.fsio`), as 2-space JSON with a trailing
newline; keys keep the order they have in the old expected file (new keys follow in the
transformer's order), so the diff a reviewer reads is the change and nothing else.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from accord import codes, fsio
from accord.codegen.examples import ExampleResult
from accord.diagnostics import Diagnostic

__all__ = ["expected_text", "update_examples"]


def _ordered(actual: Any, old: Any) -> Any:
    """``actual`` with its object keys in ``old``'s order where ``old`` has them."""
    if isinstance(actual, dict):
        previous = old if isinstance(old, dict) else {}
        keys = [k for k in previous if k in actual] + [k for k in actual if k not in previous]
        return {k: _ordered(actual[k], previous.get(k)) for k in keys}
    if isinstance(actual, list):
        before = old if isinstance(old, list) else []
        return [_ordered(item, before[i] if i < len(before) else None)
                for i, item in enumerate(actual)]
    return actual


def expected_text(actual: Any, old: Any = None) -> str:
    """The expected-output file for ``actual``: 2-space JSON, trailing newline, non-ASCII
    kept, keys in the old file's order."""
    return json.dumps(_ordered(actual, old), indent=2, ensure_ascii=False) + "\n"


def update_examples(root: Path, results: list[ExampleResult], diagnostics: list[Diagnostic]
                    ) -> tuple[list[tuple[Path, ExampleResult]], list[Diagnostic]]:
    """Rewrite the expected output of every result that differs (ACC440), each then marked
    passed; returns the files rewritten (with their results) and the diagnostics that
    remain."""
    rewritten: list[tuple[Path, ExampleResult]] = []
    fixed: list[Diagnostic] = []
    for result in results:
        diag = result.diagnostic
        if (result.passed or diag is None or diag.code != codes.EXAMPLE_MISMATCH
            or result.output is None):
            continue
        fsio.write_text(result.output, expected_text(result.actual, result.expected),
                        root=root)
        result.passed = not result.violations
        result.diagnostic = None
        fixed.append(diag)
        rewritten.append((result.output, result))
    return rewritten, [d for d in diagnostics if not any(d is f for f in fixed)]
