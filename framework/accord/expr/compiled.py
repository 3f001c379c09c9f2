"""From an expression to Python source (``emit_function``) and to a callable
(``compile_expression``). Both take the same path, so the code the generator embeds is the code
the tests run."""

from __future__ import annotations

import builtins
import hashlib
import keyword
import linecache
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from accord.errors import ExpressionError
from accord.expr.emitter import (
    Emitter,
    SharedFilters,
    expression_key,
    filter_keys,
    path_prefixes,
)
from accord.expr.literals import comment_text
from accord.expr.parse import TOO_DEEP, Node, parse
from accord.runtime import jmes
from accord.runtime.jmes import Function

__all__ = ["CompiledExpression", "InlineCode", "SharedFilters", "compile_expression",
           "emit_function", "emit_inline", "shared_filter_keys", "shared_map_key"]


def emit_function(
    expression: str,
    name: str,
    *,
    functions: Mapping[str, Function] | None = None,
    tree: Node | None = None,
) -> str:
    """Source of ``def <name>(current, *, root=None, parent=None): ...`` evaluating ``expression``.

    ``tree``: the expression's AST when the caller parsed it already (a loaded spec's
    ``Expr.ast``); it is not parsed again.

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
    tree = parse(expression) if tree is None else tree
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


@dataclass(frozen=True)
class InlineCode:
    """An expression as statements to paste into the caller's function body.

    ``lines`` are unindented statements (indent each by the block they go in); after them,
    ``value`` is a Python expression for the result (or, from ``emit_inline(...,
    condition=True)``, for its JMESPath truthiness). ``next_temp`` is the first temporary
    number the next expression pasted into the same function may use."""

    lines: tuple[str, ...]
    value: str
    next_temp: int


def emit_inline(
    expression: str,
    current: str,
    *,
    objects: Mapping[str, str] | None = None,
    condition: bool = False,
    first_temp: int = 1,
    functions: Mapping[str, Function] | None = None,
    shared: SharedFilters | None = None,
    contexts: Mapping[str, str] | None = None,
    tree: Node | None = None,
    hoist: Callable[[Any], str] | None = None,
) -> InlineCode | None:
    """``expression`` evaluated on the local ``current``, as statements for the caller's body.

    The caller's function must have locals ``root`` and ``parent`` (what ``root()`` and
    ``parent()`` return; ``root`` is not defaulted here) and must not use names starting
    with ``_t``, ``_e``, ``_f`` or ``_k`` followed by a digit. ``objects`` maps a local name
    to another one holding the same value when it is an object, else ``{}``: field reads on
    it then skip the type check. Returns None when the expression needs local function or
    constant definitions (expression references, deeply nested projections, constant
    tables): call an ``emit_function`` then. Compile-time errors raise as in
    ``emit_function``.

    ``shared``: the filters on ``current`` that expressions pasted into the same function
    share (see :func:`shared_filter_keys`); this one reads the locals earlier ones computed,
    and records the ones it computes (unless ``shared.recording`` is False). ``contexts``
    renames the locals ``root()`` and ``parent()`` read (``{"parent": "record"}``).
    ``hoist(value)`` names a read-only object literal (a ``lookup()`` table) as a constant of
    the embedding module; without it such expressions are not inlined.
    """
    tree = parse(expression) if tree is None else tree  # ``tree``: already parsed, as above
    before = dict(shared.known) if shared is not None else {}
    mapped_before = dict(shared.mapped) if shared is not None else {}
    objects_before = dict(shared.objects_at) if shared is not None else {}
    emitter = Emitter(expression, functions, indent=0, first_temp=first_temp, objects=objects,
                      shared=shared, top=current, contexts=contexts, hoist=hoist)
    value = emitter.cond(tree, current) if condition else emitter.visit(tree, current)
    if emitter.preamble or emitter.constants:
        if shared is not None:  # the caller emits a function call instead: nothing computed
            shared.known.clear()
            shared.known.update(before)
            shared.mapped = mapped_before
            shared.objects_at = objects_before
        return None
    return InlineCode(tuple(emitter.lines), value, emitter.counter + 1)


def shared_filter_keys(expressions: Sequence[str | Node]) -> SharedFilters:
    """The filters (``base[?condition]``) more than one of ``expressions`` (pasted into one
    function, on the same current value) evaluates, for ``emit_inline(shared=...)``. Each is
    a text or an AST already parsed. Expressions that do not parse are left out
    (``emit_inline`` reports them)."""
    counts: dict[str, int] = {}
    paths: dict[str, int] = {}
    for expression in expressions:
        try:
            tree = parse(expression) if isinstance(expression, str) else expression
        except ExpressionError:
            continue
        for key in filter_keys(tree):
            counts[key] = counts.get(key, 0) + 1
        for key in path_prefixes(tree):
            paths[key] = paths.get(key, 0) + 1
    return SharedFilters(frozenset(key for key, count in counts.items() if count > 1),
                         paths=frozenset(key for key, count in paths.items() if count > 1))


def shared_map_key(expression: str) -> str | None:
    """The key under which :class:`SharedFilters` ``mapped`` holds a ``map()`` whose body is
    ``expression`` (None when such a value is never shared, or it does not parse)."""
    try:
        return expression_key(parse(expression))
    except ExpressionError:
        return None


def _one_line(expression: str) -> str:
    """The expression for its ``# jmespath:`` comment: shortened, then escaped (one line)."""
    text = expression if len(expression) <= 200 else expression[:197] + "..."
    return comment_text(text)


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
    try:
        source = emit_function(expression, "compiled_expression", functions=functions)
    except RecursionError:  # an AST a few hundred levels deep: parse() bounds it at 400
        raise ExpressionError(TOO_DEEP, kind="syntax", expression=expression,
                              column=0) from None
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
