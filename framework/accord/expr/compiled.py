"""From an expression to Python source (``emit_function``) and to a callable
(``compile_expression``). Both take the same path, so the code the generator embeds is the code
the tests run."""

from __future__ import annotations

import builtins
import hashlib
import keyword
import linecache
from collections.abc import Callable, Mapping
from typing import Any

from accord.errors import ExpressionError
from accord.expr.emitter import Emitter
from accord.expr.parse import parse
from accord.runtime import jmes
from accord.runtime.jmes import Function

__all__ = ["CompiledExpression", "compile_expression", "emit_function"]


def emit_function(
    expression: str,
    name: str,
    *,
    functions: Mapping[str, Function] | None = None,
) -> str:
    """Source of ``def <name>(current, *, root=None, parent=None): ...`` evaluating ``expression``.

    The source refers only to builtins, to ``_j`` (``from accord.runtime import jmes as _j``)
    and, for each function in ``functions``, to ``_fx_<function name>`` (that function's
    ``.checked``), which the embedding module must define. Syntax, arity and unknown-function
    errors raise ``ExpressionError`` here, with a column.
    """
    if not name.isidentifier() or keyword.iskeyword(name):
        raise ValueError(f"{name!r} is not a valid Python function name")
    for extra in functions or {}:
        if not extra.isidentifier():
            raise ValueError(f"{extra!r} is not a valid function name")
    tree = parse(expression)
    emitter = Emitter(expression, functions)
    result = emitter.emit_expression(tree)
    if emitter.constants:
        lines = [f"def {name}(", "    current, *, root=None, parent=None,"]
        lines += [f"    {constant}={value}," for constant, value in emitter.constants]
        lines.append("):")
    else:
        lines = [f"def {name}(current, *, root=None, parent=None):"]
    lines.append(f"    # jmespath: {_one_line(expression)}")
    if emitter.uses_root:
        lines += ["    if root is None:", "        root = current"]
    lines += emitter.preamble
    lines += emitter.lines
    lines.append(f"    return {result}")
    return "\n".join(lines) + "\n"


def _one_line(expression: str) -> str:
    text = expression.replace("\r", " ").replace("\n", " ")
    return text if len(text) <= 200 else text[:197] + "..."


class CompiledExpression:
    """A compiled expression: call it on a document.

    ``compiled(data, root=None, parent=None)``; ``.source`` is the generated Python,
    ``.expression`` the JMESPath text, ``.function`` the bare generated function (the same
    call without this wrapper's small overhead).
    """

    __slots__ = ("expression", "function", "source")

    def __init__(self, expression: str, source: str, function: Callable[..., Any]) -> None:
        self.expression = expression
        self.source = source
        self.function = function

    def __call__(self, data: Any, *, root: Any = None, parent: Any = None) -> Any:
        return self.function(data, root=root, parent=parent)

    def search(self, data: Any) -> Any:
        """Alias of calling it, as in ``jmespath.compile(e).search(data)``."""
        return self.function(data)

    def __repr__(self) -> str:
        return f"CompiledExpression({self.expression!r})"


def compile_expression(
    expression: str,
    *,
    functions: Mapping[str, Function] | None = None,
) -> CompiledExpression:
    """Compile a JMESPath expression (with accord's function library, plus ``functions``).

    Raises ``ExpressionError`` (``syntax``, ``invalid-arity``, ``unknown-function``,
    ``invalid-value`` for a zero slice step) at compile time; calling the result raises
    ``ExpressionError`` (``invalid-type``, ``invalid-value``) when the data is wrong.
    """
    source = emit_function(expression, "compiled_expression", functions=functions)
    digest = hashlib.sha256(source.encode("utf-8")).hexdigest()[:16]
    filename = f"<accord-expression-{digest}>"
    # Registered so tracebacks and debuggers show the generated line (mtime None: never purged).
    linecache.cache[filename] = (len(source), None, source.splitlines(keepends=True), filename)
    namespace: dict[str, Any] = {"_j": jmes, "__builtins__": builtins}
    for name, spec in (functions or {}).items():
        namespace[f"_fx_{name}"] = spec.checked
    try:
        code = compile(source, filename, "exec")
    except (SyntaxError, RecursionError, MemoryError) as error:
        raise ExpressionError(
            f"expression is too deeply nested to compile: {error}",
            kind="syntax", expression=expression, column=0,
        ) from None
    exec(code, namespace)
    return CompiledExpression(expression, source, namespace["compiled_expression"])
