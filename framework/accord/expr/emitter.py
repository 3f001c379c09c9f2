"""The emitting visitor: a JMESPath AST in, the body of a straight-line Python function out.

Each ``visit_<node type>`` method appends statements to the current block and returns a Python
expression for the node's value, evaluated where the caller places it. The input of a node is
always an *atom* (a local name or a constant), so it can be read several times for free.
Temporaries are ``_t<N>``, loop variables ``_e<N>``, nested functions (expression references,
deep projections) ``_f<N>``; the function's parameters are ``current``, ``root`` and ``parent``.

The emitted code calls nothing but builtins and ``_j.<helper>`` from ``accord.runtime.jmes``
(and ``_fx_<name>`` for functions the caller added), never the jmespath interpreter.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from accord.errors import ExpressionError
from accord.expr.literals import comment_text, py_literal, text_keys
from accord.expr.parse import Node, function_column
from accord.runtime import jmes
from accord.runtime.jmes import FUNCTIONS, Function

__all__ = ["Emitter", "SharedFilters", "expression_key", "filter_keys", "path_key",
           "path_prefixes"]

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_GET = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\.get\((?:'[^'\\]*'|\"[^\"\\]*\")\)")
_CONSTANT = re.compile(r"None|True|False|-?[0-9][0-9.e+-]*")
_COMPARATOR_HELPER = {"eq": "eq", "ne": "ne", "lt": "lt", "lte": "le", "gt": "gt", "gte": "ge"}
_PY_OPERATOR = {"lt": "<", "lte": "<=", "gt": ">", "gte": ">=", "eq": "==", "ne": "!="}
_MIRROR = {"lt": "gt", "lte": "gte", "gt": "lt", "gte": "lte", "eq": "eq", "ne": "ne"}
#: Nested for/try blocks allowed before a projection body moves into a nested function
#: (CPython refuses more than 20 statically nested blocks).
_MAX_DEPTH = 8
_NUMBER_CHECK = "type({0}) in (int, float)"
#: Functions whose string case is a ``str`` method call pasted inline (see ``_text_method``).
_TEXT_METHODS = frozenset(("upper", "lower", "trim", "replace", "split", "starts_with",
                           "ends_with", "substring", "contains"))
#: ... of which these give null for a null subject (with the literal arguments inlined).
_NULL_IN_NULL_OUT = frozenset(("upper", "lower", "trim", "replace", "split", "substring"))
#: Functions the fused money helpers stand for (not fused when the caller redefines one).
_FUSED_NAMES = ("to_string", "round", "multiply")


def _is_name(expression: str) -> bool:
    return _NAME.fullmatch(expression) is not None and expression not in ("None", "True", "False")


def _is_constant(expression: str) -> bool:
    """A scalar literal (safe to repeat, but not to subscript or compare with ``is``)."""
    return _CONSTANT.fullmatch(expression) is not None or (
        expression[:1] in ("'", '"') and "\n" not in expression
    )


def _wrapped(expression: str) -> str:
    """``expression`` safe to use as an operand (parenthesized unless a name or constant)."""
    if (_is_name(expression) or _is_constant(expression) or expression.startswith("(")
            or _GET.fullmatch(expression)):
        return expression
    return f"({expression})"


def _truthy(atom: str) -> str:
    """Python condition true iff the atom is JMESPath-true (numbers, even 0, are true)."""
    return f"({atom} or {_NUMBER_CHECK.format(atom)})"


def _fast_equality_literal(node: Node) -> bool:
    """Literals Python's ``==`` already compares JMESPath-style (type-strict) against any value."""
    if node["type"] != "literal":
        return False
    value = node["value"]
    if isinstance(value, str) or value is None or isinstance(value, bool):
        return True
    return isinstance(value, int | float) and value not in (0, 1) and math.isfinite(value)


def _read_only_table(function: str, node: Node) -> bool:
    """A literal first argument the function only reads and never hands back: built once.

    ``contains`` returns a boolean; ``lookup`` returns one of the table's values, so only
    tables of scalar values qualify."""
    if node["type"] != "literal" or not isinstance(node["value"], list | dict):
        return False
    if function == "contains":
        return True
    if function == "lookup" and isinstance(node["value"], dict):
        return not any(isinstance(value, list | dict) for value in node["value"].values())
    return False


def _number_literal(node: Node) -> bool:
    value = node.get("value")
    return (
        node["type"] == "literal"
        and isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
    )


@dataclass
class SharedFilters:
    """Filters (``base[?condition]``) several expressions pasted into one function evaluate
    on its current value: the first evaluation keeps the elements that pass (non-null) in a
    local, later ones read that local (expressions are pure, so the list is the same).

    ``wanted`` are the :func:`filter_keys` seen more than once; ``known`` maps a key to the
    local holding its elements; ``recording`` is False while emitting code that runs only
    under a condition (its locals may be unset later)."""

    wanted: frozenset[str]
    known: dict[str, str] = field(default_factory=dict)
    recording: bool = True
    #: ``map(&body, <shared filter>)`` computed unconditionally: (the local holding the
    #: filter's elements, :func:`expression_key` of ``body``) -> the local holding the list of
    #: results, one per element, in order. An ``each`` over the same elements reads its item's
    #: value there instead of computing ``body`` again (the product of a line is computed once
    #: for the line and its total).
    mapped: dict[tuple[str, str], str] = field(default_factory=dict)
    #: Objects several path reads go through (``order.customer`` of ``order.customer.id`` and
    #: ``order.customer.name``): :func:`path_key` of the wanted prefixes, and the locals holding
    #: the object at each one computed so far (``{}`` when it is not an object).
    paths: frozenset[str] = frozenset()
    objects_at: dict[str, str] = field(default_factory=dict)


def _filter_key(node: Node) -> str | None:
    """The identity of ``base[?condition]`` in a filter projection whose right side is the
    element itself or a chain of field reads (null on a null element), else None."""
    left, right, condition = node["children"]
    if right["type"] not in ("identity", "current") and not _field_names(right):
        return None
    return repr((left, condition))


def expression_key(node: Node) -> str | None:
    """The identity of an expression an ``each`` item may share with a ``map()`` body (its
    AST), or None when it must not be shared: it reads ``root()`` or ``parent()`` (which differ
    between the two places), or it is a plain field read (cheaper to read again)."""
    if node["type"] in ("field", "subexpression") and _field_names(node):
        return None
    stack = [node]
    while stack:
        current = stack.pop()
        if current.get("type") == "function_expression" and current.get("value") in (
                "root", "parent"):
            return None
        stack.extend(child for child in current.get("children", ()) if isinstance(child, dict))
    return repr(node)


def path_key(names: list[str] | tuple[str, ...]) -> str:
    """The identity of the path ``names`` from the current value (see ``SharedFilters``)."""
    return repr(tuple(names))


#: nodes whose children are evaluated on the same current value as the node itself
_SAME_CURRENT = frozenset(("function_expression", "comparator", "or_expression",
                           "and_expression", "not_expression", "multi_select_list",
                           "multi_select_dict", "key_val_pair"))


def path_prefixes(node: Node) -> list[str]:
    """The :func:`path_key` of every proper prefix of the pure paths the expression reads from
    its current value (``a.b.c``: ``a`` and ``a.b``), also as function arguments, operands of
    comparisons and ``||``/``&&``/``!``, and elements of multi-selects (``coalesce(c.x,
    c.y)``: ``c`` twice); not inside projections, filters or ``&`` references, which read
    other values."""
    names = _field_names(node)
    if names:
        return [path_key(names[:length]) for length in range(1, len(names))]
    if node.get("type") not in _SAME_CURRENT:
        return []
    return [key for child in node.get("children", ()) if isinstance(child, dict)
            and child.get("type") != "expref" for key in path_prefixes(child)]


def filter_keys(node: Node) -> list[str]:
    """The keys of the shareable filters anywhere in the tree (see :class:`SharedFilters`)."""
    keys: list[str] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if current.get("type") == "filter_projection":
            key = _filter_key(current)
            if key is not None:
                keys.append(key)
        stack.extend(child for child in current.get("children", ()) if isinstance(child, dict))
    return keys


class Emitter:
    """Emit one function body; use :meth:`emit_expression` once per instance."""

    def __init__(
        self,
        expression: str,
        functions: Mapping[str, Function] | None = None,
        *,
        indent: int = 1,
        first_temp: int = 1,
        objects: Mapping[str, str] | None = None,
        shared: SharedFilters | None = None,
        top: str | None = None,
        contexts: Mapping[str, str] | None = None,
        hoist: Callable[[Any], str] | None = None,
    ) -> None:
        self.expression = expression
        #: names a read-only object literal at module level (inline code has no keyword
        #: defaults to hold it); None: a keyword default of the function
        self.hoist = hoist
        #: filters shared with other expressions of the function, on the value ``top``
        self.shared = shared
        self.top = top
        #: the locals ``root()`` and ``parent()`` read
        self.contexts = {"root": "root", "parent": "parent", **(contexts or {})}
        self.extra = dict(functions or {})
        self.lines: list[str] = []
        self.indent = indent
        self.top_indent = indent
        self.depth = 0
        self.counter = first_temp - 1
        #: names known to hold a value -> a name holding it when it is an object, else ``{}``
        #: (set by the caller): field reads on them need no type check.
        self.objects = dict(objects or {})
        self.uses_root = False
        #: Local functions (expression references, deep projection bodies), hoisted to the
        #: top of the function body so nesting never exceeds CPython's limits.
        self.preamble: list[str] = []
        #: (preamble, body indent) of each function being emitted, innermost last. A local
        #: function is defined at the top of the function that uses it, so it is created only
        #: when that one runs, and indentation grows by one level per function.
        self.frames: list[tuple[list[str], int]] = [(self.preamble, 1)]
        #: Constant containers hoisted into keyword defaults (built once, never mutated).
        self.constants: list[tuple[str, str]] = []

    # -- plumbing ---------------------------------------------------------------------------

    def emit(self, line: str) -> None:
        self.lines.append("    " * self.indent + line)

    def tmp(self, prefix: str = "_t") -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"

    def bind(self, expression: str) -> str:
        """A local name holding ``expression``'s value (the expression itself when a name)."""
        if _is_name(expression):
            return expression
        name = self.tmp()
        self.emit(f"{name} = {expression}")
        return name

    def operand(self, expression: str) -> str:
        """Like :meth:`bind`, but scalar constants stay inline (for call arguments)."""
        return expression if _is_constant(expression) else self.bind(expression)

    @contextmanager
    def nested(self, levels: int = 1, loops: int = 0) -> Iterator[list[str]]:
        """Collect the statements emitted inside, ``levels`` indents deeper, into a list."""
        saved = self.lines
        collected: list[str] = []
        self.lines = collected
        self.indent += levels
        self.depth += loops
        try:
            yield collected
        finally:
            self.lines = saved
            self.indent -= levels
            self.depth -= loops

    def visit(self, node: Node, current: str) -> str:
        method: Callable[[Node, str], str] | None = getattr(self, f"visit_{node['type']}", None)
        if method is None:
            raise ExpressionError(
                f"unsupported expression node {node['type']!r}",
                kind="syntax", expression=self.expression, column=0,
            )
        return method(node, current)

    def emit_expression(self, node: Node) -> str:
        return self.visit(node, "current")

    # -- paths ------------------------------------------------------------------------------

    def _fields(self, names: list[str], current: str) -> str:
        """``a.b.c``: null as soon as a step is not an object or lacks the key.

        One ``try`` around ``(current.get('a') or {}).get('b')...``: a missing key or a null
        (or any false value: "", 0, [], {}) reads on as ``{}`` without raising, and only a
        true non-object (a string, a number, a non-empty array) raises AttributeError, which
        gives null. On a name the caller declared an object (``objects``), the read of its
        field is a plain ``.get``, returned unbound when it is the only step. A prefix other
        rules read too (``SharedFilters.paths``) is read once into an object local."""
        if self.shared is not None and current == self.top and len(names) > 1:
            for length in range(len(names) - 1, 0, -1):
                base = self._object_at(names[:length], current)
                if base is not None:
                    return self._read_from(base, names[length:])
        return self._read_from(self.objects.get(current), names, current)

    def _object_at(self, names: list[str], current: str) -> str | None:
        """The local holding the object at ``names`` from the top value (``{}`` when it is
        not an object), computed here at its first unconditional read; None when that path
        is not shared."""
        assert self.shared is not None
        key = path_key(names)
        known = self.shared.objects_at.get(key)
        if known is not None:
            return known
        if (key not in self.shared.paths or not self.shared.recording
                or self.indent != self.top_indent or self.depth):
            return None
        parent = self._object_at(names[:-1], current) if len(names) > 1 else None
        if parent is not None:
            value = self._read_from(parent, names[-1:])
        else:
            value = self.bind(self._read_from(self.objects.get(current), names, current))
        local = value if value.startswith("_t") and _is_name(value) else self.bind(value)
        self.emit(f"if not isinstance({local}, dict):")
        self.emit(f"    {local} = {{}}")
        self.emit(f"# {local}: the object at {comment_text('.'.join(names))} (or {{}}), "
                  "kept for later rules")
        self.shared.objects_at[key] = local
        return local

    def _read_from(self, alias: str | None, names: list[str], current: str = "") -> str:
        """``names`` read from ``alias`` (a local known to hold an object or ``{}``), else from
        ``current`` (any value)."""
        if alias is not None:
            chain = f"{alias}.get({names[0]!r})"
            if len(names) == 1:
                return chain
        else:
            chain = f"{current}.get({names[0]!r})"
        for name in names[1:]:
            chain = f"({chain} or {{}}).get({name!r})"
        value = self.tmp()
        self.emit("try:")
        self.emit(f"    {value} = {chain}")
        self.emit("except AttributeError:")
        self.emit(f"    {value} = None")
        return value

    def visit_field(self, node: Node, current: str) -> str:
        return self._fields([node["value"]], current)

    def visit_subexpression(self, node: Node, current: str) -> str:
        children = _chain(node)
        position = 0
        value = current
        while position < len(children):
            names = []
            while position < len(children) and children[position]["type"] == "field":
                names.append(children[position]["value"])
                position += 1
            if names:
                value = self._fields(names, value)
                if position < len(children):
                    value = self.bind(value)
                continue
            value = self.bind(self.visit(children[position], value))
            position += 1
        return value

    visit_index_expression = visit_subexpression
    visit_pipe = visit_subexpression

    def visit_identity(self, node: Node, current: str) -> str:
        return current

    visit_current = visit_identity

    def visit_index(self, node: Node, current: str) -> str:
        position: int = node["value"]
        if position >= 0:
            bound = f"len({current}) > {position}"
        else:
            bound = f"len({current}) >= {-position}"
        return f"({current}[{position}] if isinstance({current}, list) and {bound} else None)"

    def visit_slice(self, node: Node, current: str) -> str:
        start, stop, step = node["children"]
        if step == 0:
            raise ExpressionError(
                "slice step cannot be 0", kind="invalid-value", expression=self.expression,
                column=_step_column(self.expression),
            )
        parts = ":".join("" if part is None else str(part) for part in (start, stop))
        if step is not None:
            parts += f":{step}"
        return f"({current}[{parts}] if isinstance({current}, list) else None)"

    def visit_flatten(self, node: Node, current: str) -> str:
        base = self.operand(self.visit(node["children"][0], current))
        return f"_j.flatten({base})"

    def visit_literal(self, node: Node, current: str) -> str:
        return py_literal(node["value"])

    # -- projections ------------------------------------------------------------------------

    def visit_projection(self, node: Node, current: str) -> str:
        base = self.bind(self.visit(node["children"][0], current))
        return self._project(base, node["children"][1], None, "list")

    def visit_value_projection(self, node: Node, current: str) -> str:
        base = self.bind(self.visit(node["children"][0], current))
        return self._project(base, node["children"][1], None, "dict")

    def visit_filter_projection(self, node: Node, current: str) -> str:
        left, right, condition = node["children"]
        if self.shared is not None and current == self.top:
            elements = self._shared_filter(node, current)
            if elements is not None:
                value = elements
                for name in _field_names(right):
                    value = self._pluck(value, name)
                return value
        base = self.bind(self.visit(left, current))
        return self._project(base, right, condition, "list")

    def _shared_filter(self, node: Node, current: str) -> str | None:
        """The local holding ``base[?condition]``'s passing elements, computed here when
        this is its first unconditional evaluation; None when it is not shared."""
        assert self.shared is not None
        key = _filter_key(node)
        if key is None or key not in self.shared.wanted:
            return None
        known = self.shared.known.get(key)
        if known is not None:
            return known
        if self.indent != self.top_indent or self.depth:  # runs under a condition
            return None
        left, _, condition = node["children"]
        base = self.bind(self.visit(left, current))
        elements = self._project(base, {"type": "identity", "children": []}, condition, "list")
        if self.shared.recording:
            self.emit(f"# {comment_text(elements)}: kept for the later rules with the same filter")
            self.shared.known[key] = elements
        return elements

    def _project(self, base: str, right: Node, condition: Node | None, over: str) -> str:
        """Loop over ``base`` (an array, or an object's values), keep non-null results."""
        names = _field_names(right)
        if condition is None and over == "list" and names:
            # a projection of plain field reads: one comprehension of subscripts per step
            value = base
            for name in names:
                value = self._pluck(value, name)
            return value
        result = self.tmp()
        element = self.tmp("_e")
        source = base if over == "list" else f"{base}.values()"
        if self.depth >= _MAX_DEPTH:
            body = self._nested_function(right, condition)
            self.emit(f"if isinstance({base}, {over}):")
            self.emit(f"    {result} = []")
            self.emit(f"    for {element} in {source}:")
            self.emit(f"        {element} = {body}({element})")
            self.emit(f"        if {element} is not None:")
            self.emit(f"            {result}.append({element})")
            self.emit("    else:")
            self.emit(f"        {result} = None")
            return result
        with self.nested(levels=2, loops=1) as body_lines:
            # ``[?a && b]`` tests each operand in turn (same short-circuit, same truthiness)
            for part in _conjuncts(condition) if condition is not None else []:
                test = self.cond(part, element)
                self.emit(f"if not {test}:")
                self.emit("    continue")
            value = self.bind(self.visit(right, element))
            self.emit(f"if {value} is not None:")
            self.emit(f"    {result}.append({value})")
        self.emit(f"if isinstance({base}, {over}):")
        self.emit(f"    {result} = []")
        self.emit(f"    for {element} in {source}:")
        self.lines.extend(body_lines)
        self.emit("else:")
        self.emit(f"    {result} = None")
        return result

    def _pluck(self, value: str, name: str) -> str:
        """``value[*].name``: ``_j.pluck``'s fast path inline (a comprehension of subscripts,
        ~2x the speed of the call on short arrays); an array with an element that is not an
        object, lacks the key or holds null there, and anything not an array, take
        ``_j.pluck`` itself, which gives the same value."""
        call = f"_j.pluck({value}, {name!r})"
        if self.depth >= _MAX_DEPTH:
            return call
        base = self.bind(value)
        call = f"_j.pluck({base}, {name!r})"
        result = self.tmp()
        element = self.tmp("_p")  # not ``_e``: a comprehension, not one of the emitted loops
        self.emit(f"if type({base}) is list:")
        self.emit("    try:")
        self.emit(f"        {result} = [{element}[{name!r}] for {element} in {base}]")
        self.emit("    except (KeyError, TypeError):  # an element not an object with the key")
        self.emit(f"        {result} = {call}")
        self.emit(f"    if None in {result}:")
        self.emit(f"        {result} = {call}")
        self.emit("else:")
        self.emit(f"    {result} = {call}")
        return result

    def _nested_function(self, right: Node, condition: Node | None) -> str:
        """A local ``def`` computing one projection element (null when filtered out)."""

        def body(element: str) -> None:
            if condition is not None:
                test = self.cond(condition, element)
                self.emit(f"if not {test}:")
                self.emit("    return None")
            self.emit(f"return {self.visit(right, element)}")

        return self.define(body)

    def define(self, body: Callable[[str], None]) -> str:
        """Hoist ``def _f<N>(_e<M>): <body>`` into the preamble; return its name."""
        name = self.tmp("_f")
        element = self.tmp("_e")
        enclosing, base = self.frames[-1]
        inner: list[str] = []
        self.frames.append((inner, base + 1))
        saved = (self.lines, self.indent, self.depth)
        self.lines, self.indent, self.depth = [], base + 1, 0
        try:
            body(element)
            lines = self.lines
        finally:
            self.lines, self.indent, self.depth = saved
            self.frames.pop()
        enclosing.append("    " * base + f"def {name}({element}):")
        enclosing.extend(inner)
        enclosing.extend(lines)
        return name

    def constant(self, value: Any) -> str:
        """A keyword default ``_k<N>`` holding a container literal that is only ever read (an
        object: a module constant, when the caller hoists them)."""
        if self.hoist is not None and isinstance(value, dict):
            return self.hoist(value)
        name = self.tmp("_k")
        self.constants.append((name, py_literal(value)))
        return name

    # -- multi-select -----------------------------------------------------------------------

    def _guarded(self, current: str, build: Callable[[], str]) -> str:
        """``build()`` evaluated only when ``current`` is not null; null otherwise."""
        with self.nested() as lines:
            value = build()
        if not lines:
            return f"(None if {current} is None else {value})"
        result = self.tmp()
        self.emit(f"if {current} is None:")
        self.emit(f"    {result} = None")
        self.emit("else:")
        self.lines.extend(lines)
        self.emit(f"    {result} = {value}")
        return result

    def visit_multi_select_list(self, node: Node, current: str) -> str:
        def build() -> str:
            items = [self.operand(self.visit(child, current)) for child in node["children"]]
            return "[" + ", ".join(items) + "]"

        return self._guarded(current, build)

    def visit_multi_select_dict(self, node: Node, current: str) -> str:
        def build() -> str:
            items = [
                f"{pair['value']!r}: {self.operand(self.visit(pair['children'][0], current))}"
                for pair in node["children"]
            ]
            return "{" + ", ".join(items) + "}"

        return self._guarded(current, build)

    # -- logic ------------------------------------------------------------------------------

    def visit_or_expression(self, node: Node, current: str) -> str:
        return self._short_circuit(node, current, when_left_true=False)

    def visit_and_expression(self, node: Node, current: str) -> str:
        return self._short_circuit(node, current, when_left_true=True)

    def _short_circuit(self, node: Node, current: str, *, when_left_true: bool) -> str:
        """``a || b`` / ``a && b``: the right side is evaluated only when needed."""
        left, right = node["children"]
        result = self.tmp()
        self.emit(f"{result} = {self.visit(left, current)}")
        with self.nested() as lines:
            value = self.visit(right, current)
        test = _truthy(result)
        self.emit(f"if {test}:" if when_left_true else f"if not {test}:")
        self.lines.extend(lines)
        self.emit(f"    {result} = {value}")
        return result

    def visit_not_expression(self, node: Node, current: str) -> str:
        return f"(not {self.cond(node['children'][0], current)})"

    def cond(self, node: Node, current: str) -> str:
        """A Python condition whose truth is the node's JMESPath truthiness."""
        kind = node["type"]
        if kind == "comparator":
            return self.visit_comparator(node, current)
        if kind == "not_expression":
            return self.visit_not_expression(node, current)
        if kind in ("and_expression", "or_expression"):
            first = self.cond(node["children"][0], current)
            with self.nested() as lines:
                right = self.cond(node["children"][1], current)
            joiner = "and" if kind == "and_expression" else "or"
            if not lines:
                return f"({first} {joiner} {right})"
            left = self.tmp()
            self.emit(f"{left} = {first}")
            self.emit(f"if {left}:" if joiner == "and" else f"if not {left}:")
            self.lines.extend(lines)
            self.emit(f"    {left} = {right}")
            return left
        if kind == "literal":
            value = node["value"]
            return repr(bool(value) or (isinstance(value, int | float) and value is not False))
        value = self.visit(node, current)
        if _is_name(value) or _is_constant(value):
            return _truthy(value)
        name = self.tmp()  # read once, tested twice, no statement needed
        return f"(({name} := {value}) or {_NUMBER_CHECK.format(name)})"

    def visit_comparator(self, node: Node, current: str) -> str:
        operator: str = node["value"]
        left_node, right_node = node["children"]
        if left_node["type"] == "literal" and right_node["type"] == "literal":
            folded = getattr(jmes, _COMPARATOR_HELPER[operator])(
                left_node["value"], right_node["value"]
            )
            return repr(folded)
        if operator in ("eq", "ne") and (
            _fast_equality_literal(right_node) or _fast_equality_literal(left_node)
        ):
            # the other side is read once: no temporary needed
            left, right = (_wrapped(self.visit(n, current)) for n in (left_node, right_node))
        else:
            left = self.operand(self.visit(left_node, current))
            right = self.operand(self.visit(right_node, current))
        if operator in ("eq", "ne"):
            if _fast_equality_literal(right_node) or _fast_equality_literal(left_node):
                literal = right_node if right_node["type"] == "literal" else left_node
                other = left if literal is right_node else right
                if literal["value"] is None or isinstance(literal["value"], bool):
                    word = "is" if operator == "eq" else "is not"
                    return f"({other} {word} {literal['value']!r})"
                return f"({other} {_PY_OPERATOR[operator]} {py_literal(literal['value'])})"
            if right_node["type"] == "literal" and isinstance(right_node["value"], list | dict):
                right = self.constant(right_node["value"])
            if left_node["type"] == "literal" and isinstance(left_node["value"], list | dict):
                left = self.constant(left_node["value"])
            helper = _COMPARATOR_HELPER[operator]
            return f"_j.{helper}({left}, {right})"
        if _number_literal(right_node) or _number_literal(left_node):
            if _number_literal(right_node):
                other, literal_text, op = left, py_literal(right_node["value"]), operator
            else:
                other, literal_text, op = right, py_literal(left_node["value"]), _MIRROR[operator]
            check = _NUMBER_CHECK.format(other)
            return f"({other} {_PY_OPERATOR[op]} {literal_text} if {check} else None)"
        return f"_j.{_COMPARATOR_HELPER[operator]}({left}, {right})"

    # -- functions --------------------------------------------------------------------------

    def lookup(self, name: str) -> tuple[Function, str]:
        """The function called ``name`` and how compiled code refers to it."""
        if name in self.extra:
            return self.extra[name], f"_fx_{name}"
        if name in FUNCTIONS:
            return FUNCTIONS[name], f"_j.fn_{name}"
        raise ExpressionError(
            f"unknown function {name}()", kind="unknown-function",
            expression=self.expression, column=function_column(self.expression, name),
        )

    def visit_function_expression(self, node: Node, current: str) -> str:
        name: str = node["value"]
        spec, reference = self.lookup(name)
        count = len(node["children"])
        if count < spec.min_args or (spec.max_args is not None and count > spec.max_args):
            raise ExpressionError(
                f"{name}() takes {spec.arity_text()} argument(s), got {count}",
                kind="invalid-arity", expression=self.expression,
                column=function_column(self.expression, name),
            )
        if spec.context == "root":
            self.uses_root = True
            return self.contexts["root"]
        if spec.context == "parent":
            return self.contexts["parent"]
        fused = self._money_text(node, current)
        if fused is not None:
            return fused
        if name == "map" and name not in self.extra:
            mapped = self._map(node, current)
            if mapped is not None:
                return mapped
        if name == "coalesce" and name not in self.extra:
            values = [self.operand(self.visit(child, current)) for child in node["children"]]
            chosen = values[-1]
            for value in reversed(values[:-1]):
                chosen = f"({value} if {value} is not None else {chosen})"
            return chosen
        if name == "sum" and name not in self.extra and count == 1:
            # ``_j.fn_sum``'s fast path inline (an array of ints and floats, never booleans);
            # anything else takes the call, which sums or raises the same
            summed = self.operand(self.visit(node["children"][0], current))
            return (f"(sum({summed}) if type({summed}) is list and "
                    f"_j.INT_FLOAT.issuperset(map(type, {summed})) else _j.fn_sum({summed}))")
        if name in _TEXT_METHODS and name not in self.extra:
            text = self._text_method(name, node, current)
            if text is not None:
                return text
        if (name == "lookup" and name not in self.extra
                and _read_only_table(name, node["children"][0])):
            table = self.constant(node["children"][0]["value"])
            rest = [self.operand(self.visit(child, current)) for child in node["children"][1:]]
            key = rest[0]
            default = rest[1] if len(rest) > 1 else "None"
            if text_keys(node["children"][0]["value"]):  # any key but an array or object:
                result = self.tmp()                     # .get() gives lookup()'s value
                self.emit("try:")
                self.emit(f"    {result} = {table}.get({key}, {default})")
                self.emit("except TypeError:  # an array or object: lookup() explains")
                self.emit(f"    {result} = _j.fn_lookup({table}, {', '.join(rest)})")
                return result
            null = "" if _is_constant(key) else f"else {default} if {key} is None "
            return (f"({table}.get({key}, {default}) if type({key}) is str "
                    f"{null}else _j.fn_lookup({table}, {', '.join(rest)}))")
        if (name == "join" and name not in self.extra and count == 2
                and node["children"][0]["type"] == "literal"
                and isinstance(node["children"][0]["value"], str)):
            glue = py_literal(node["children"][0]["value"])
            if node["children"][1]["type"] == "multi_select_list":
                return self._join_list(glue, node["children"][1], current)
            return self._join(glue, self.operand(self.visit(node["children"][1], current)))
        arguments = []
        for position, child in enumerate(node["children"]):
            if position == 0 and _read_only_table(name, child):
                arguments.append(self.constant(child["value"]))
            else:
                arguments.append(self.operand(self.visit(child, current)))
        return f"{reference}({', '.join(arguments)})"

    def _map(self, node: Node, current: str) -> str | None:
        """``map(&body, values)`` as a loop pasted here: no function for the reference, so the
        expression stays inline and ``values`` may read a filter shared with other rules.
        None when it does not apply (another first argument, nesting too deep)."""
        expref, values_node = node["children"]
        if expref["type"] != "expref" or self.depth >= _MAX_DEPTH:
            return None
        values = self.operand(self.visit(values_node, current))
        body = expref["children"][0]
        result = self.tmp()
        element = self.tmp("_e")
        with self.nested(levels=2, loops=1) as lines:
            value = self.visit(body, element)
            self.emit(f"{result}.append({value})")
        self.emit(f"if isinstance({values}, list):")
        self.emit(f"    {result} = []")
        self.emit(f"    for {element} in {values}:")
        self.lines.extend(lines)
        self.emit("else:  # not an array: map() raises its type error")
        self.emit(f"    {result} = _j.fn_map(lambda _: None, {values})")
        shared = self.shared
        if (shared is not None and shared.recording and values in shared.known.values()
                and self.indent == self.top_indent and not self.depth):
            key = expression_key(body)
            if key is not None:
                self.emit(f"# {comment_text(result)}: kept for the items of {comment_text(values)} "
                          "(one per element)")
                shared.mapped[(values, key)] = result
        return result

    def _text_method(self, name: str, node: Node, current: str) -> str | None:
        """``upper(x)``, ``trim(x, 'c')``, ``replace(x, 'a', 'b')``, ``split(x, ',')``,
        ``substring(x, `0`, `4`)``, ``starts_with(x, 'p')``, ``contains(x, 's')``...: the
        ``str`` method the function calls, inline, when ``x`` is a string and the other
        arguments are literals it accepts; the function itself (its value or error) for
        anything else. None when the arguments are not such literals."""
        first, *rest = node["children"]
        if any(child["type"] != "literal" for child in rest):
            return None
        values = [child["value"] for child in rest]
        strings = all(type(value) is str for value in values)
        whole = all(type(value) is int and value >= 0 for value in values)
        if name in ("upper", "lower") and not values:
            method = f".{name}()"
        elif name == "trim" and strings:
            method = f".strip({', '.join(py_literal(v) for v in values)})"
        elif name == "replace" and strings and values[0]:
            method = f".replace({py_literal(values[0])}, {py_literal(values[1])})"
        elif name == "split" and strings and values[0]:
            method = f".split({py_literal(values[0])})"
        elif name in ("starts_with", "ends_with") and strings:
            method = f".{name.replace('_', '')}({py_literal(values[0])})"
        elif name == "substring" and whole and values:
            end = f"{values[0] + values[1]}" if len(values) > 1 else ""
            method = f"[{values[0]}:{end}]"
        elif name == "contains" and strings:
            method = ""
        else:
            return None
        subject = self.bind(self.visit(first, current))  # a name: `1.upper()` would not parse
        arguments = ", ".join([subject, *(py_literal(v) for v in values)])
        fast = f"{py_literal(values[0])} in {subject}" if name == "contains" else \
            f"{subject}{method}"
        if name in _NULL_IN_NULL_OUT:  # null in, null out (the literals are valid)
            return (f"({fast} if type({subject}) is str else None if {subject} is None "
                    f"else _j.fn_{name}({arguments}))")
        return f"({fast} if type({subject}) is str else _j.fn_{name}({arguments}))"

    def _join(self, glue: str, values: str) -> str:
        """``join('<glue>', values)``: ``str.join`` on an array of strings, without a call of
        the function; anything else (a non-string element, not an array) goes to
        ``_j.fn_join``, which gives the value or error of ``join``."""
        result = self.tmp()
        self.emit("try:")
        self.emit(f"    {result} = {glue}.join({values}) if type({values}) is list "
                  f"else _j.fn_join({glue}, {values})")
        self.emit("except TypeError:  # an element is not a string: join() explains")
        self.emit(f"    {result} = _j.fn_join({glue}, {values})")
        return result

    def _join_list(self, glue: str, node: Node, current: str) -> str:
        """``join('<glue>', [a, b, ...])``: the strings concatenated, without building the
        list, when every element is a string; ``_j.fn_join`` on the list (its value or error)
        otherwise, and on null when ``current`` is null (the list is null then)."""
        result = self.tmp()
        with self.nested() as lines:
            items = [self.operand(self.visit(child, current)) for child in node["children"]]
        strings = " and ".join(f"type({item}) is str" for item in items)
        joined = f" + {glue} + ".join(items) if glue != "''" else " + ".join(items)
        self.emit(f"if {current} is None:")
        self.emit(f"    {result} = _j.fn_join({glue}, None)")
        self.emit("else:")
        self.lines.extend(lines)
        self.emit(f"    {result} = ({joined} if {strings} "
                  f"else _j.fn_join({glue}, [{', '.join(items)}]))")
        return result

    def _money_text(self, node: Node, current: str) -> str | None:
        """``to_string(round(x, n))`` and ``to_string(round(multiply(a, b), n))`` as one call
        of a fused helper (same value or error, no float between the steps), or None."""
        if (node["value"] != "to_string" or len(node["children"]) != 1
                or any(name in self.extra for name in _FUSED_NAMES)):
            return None
        inner = node["children"][0]
        if (inner["type"] != "function_expression" or inner["value"] != "round"
                or len(inner["children"]) != 2):
            return None
        amount, places = inner["children"]
        if (amount["type"] == "function_expression" and amount["value"] == "multiply"
                and len(amount["children"]) == 2):
            helper, operands = "multiply_round_to_string", [*amount["children"], places]
        else:
            helper, operands = "round_to_string", [amount, places]
        arguments = [self.operand(self.visit(child, current)) for child in operands]
        return f"_j.{helper}({', '.join(arguments)})"

    def visit_expref(self, node: Node, current: str) -> str:
        def body(element: str) -> None:
            self.emit(f"return {self.visit(node['children'][0], element)}")

        return self.define(body)


_SEQUENTIAL = ("subexpression", "index_expression", "pipe")


def _chain(node: Node) -> list[Node]:
    """The steps of nested ``a.b``, ``a[0]``, ``a | b`` nodes, applied left to right."""
    steps: list[Node] = []
    for child in node["children"]:
        if child["type"] in _SEQUENTIAL:
            steps.extend(_chain(child))
        else:
            steps.append(child)
    return steps


def _field_names(node: Node) -> list[str]:
    """The names of ``a``, ``a.b.c`` (fields only), else an empty list."""
    if node["type"] == "field":
        return [node["value"]]
    if node["type"] == "subexpression":
        names = []
        for child in _chain(node):
            if child["type"] != "field":
                return []
            names.append(child["value"])
        return names
    return []


def _conjuncts(node: Node) -> list[Node]:
    """``a && b && c`` as ``[a, b, c]``; any other node as ``[node]``."""
    if node["type"] == "and_expression":
        return [part for child in node["children"] for part in _conjuncts(child)]
    return [node]


def _step_column(expression: str) -> int | None:
    """Column of the ``0`` in the first ``[a:b:0]`` of the expression."""
    found = re.search(r":\s*0+\s*\]", expression)
    return None if found is None else found.end() - 2
