"""The rendered module, parsed back: it must hold exactly what the generator planned.

Spec text reaches a module only as ``repr()`` literals and escaped comments; this check is
the second wall. The module must parse, its lines must be the lines Python sees (no character
other than ``\\n`` that ``str.splitlines()`` breaks on), and its top level must be exactly: the
docstring, the four imports, the planned constants (each a pure literal) and the planned
functions, in that order, with no decorators and no import anywhere inside them.
"""

from __future__ import annotations

import ast

from accord import codes
from accord.codegen.plan import ModulePlan
from accord.diagnostics import Diagnostic
from accord.errors import CodegenError

__all__ = ["expected_top_level", "verify_module"]


_IMPORTS = (
    "from __future__ import annotations",
    "from typing import Any",
    "from accord.runtime import jmes as _j",
    "from accord.runtime import mapping as _m",
)


def expected_top_level(plan: ModulePlan) -> list[str]:
    """What the module's top-level statements are, one line each, in order."""
    wanted = ["docstring", *(f"import: {line}" for line in _IMPORTS)]
    wanted += [f"constant {name}" for name, _ in plan.constants]
    wanted += [f"constant {const}" for const, _, _ in plan.lookups]
    wanted += [f"def {_function_name(i)}" for i in range(len(plan.functions))]
    wanted += ["def applies", "def key"]
    wanted += [f"def {scope.name}" for scope in plan.scopes]
    return wanted


def _function_name(index: int) -> str:
    return f"_expr_{index}"  # the planner's name for its index-th expression function


def _describe(node: ast.stmt) -> str:
    if (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)):
        return "docstring"
    if isinstance(node, ast.ImportFrom) and node.level == 0:
        return f"import: {ast.unparse(node)}"
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.simple:
        try:
            ast.literal_eval(node.value) if node.value is not None else None
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            return f"constant {node.target.id} with a value that is not a literal"
        return f"constant {node.target.id}" if node.value is not None else "annotation"
    if isinstance(node, ast.FunctionDef) and not node.decorator_list:
        return f"def {node.name}"
    return f"{type(node).__name__} statement"


def _nested_import(tree: ast.Module) -> ast.stmt | None:
    for top in tree.body:
        if isinstance(top, ast.FunctionDef):
            for node in ast.walk(top):
                if isinstance(node, ast.Import | ast.ImportFrom):
                    return node
    return None


def _fail(display: str, line: int, problem: str) -> CodegenError:
    diag = Diagnostic(codes.GENERATED_STRUCTURE,
                      f"generated code for {display} failed its structure "
                      f"check: {problem}", display, 1, 1,
                      hint="this is a generator bug or a spec the generator mishandles; "
                           "nothing was written. Please report it with the spec",
                      extra={"module_line": line})
    return CodegenError(diag.format(), diagnostics=[diag])


def verify_module(text: str, plan: ModulePlan, display: str) -> None:
    """Raise :class:`CodegenError` (ACC460) unless ``text`` is exactly the planned module."""
    if "\r" in text or len(text.splitlines()) != text.count("\n"):
        bad = next((i for i, line in enumerate(text.split("\n"), 1)
                    if "\r" in line or len(line.splitlines()) > 1), 0)
        raise _fail(display, bad, f"line {bad} holds a line break other than \\n")
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, MemoryError, RecursionError) as exc:
        line = getattr(exc, "lineno", 0) or 0
        raise _fail(display, line, f"it does not parse (line {line}): {exc}") from None
    found = [_describe(node) for node in tree.body]
    wanted = expected_top_level(plan)
    if found != wanted:
        at = next((i for i, (f, w) in enumerate(zip(found, wanted, strict=False)) if f != w),
                  min(len(found), len(wanted)))
        node_line = tree.body[at].lineno if at < len(tree.body) else 0
        got = found[at] if at < len(found) else "the end of the module"
        expected = wanted[at] if at < len(wanted) else "the end of the module"
        raise _fail(display, node_line,
                    f"top-level statement {at + 1} (line {node_line}) is {got}, "
                    f"expected {expected}")
    nested = _nested_import(tree)
    if nested is not None:
        raise _fail(display, nested.lineno, f"an import inside a function (line "
                                            f"{nested.lineno})")
