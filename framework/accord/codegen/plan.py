"""What a generated module contains, decided in Python; the templates only lay it out.

A :class:`ModulePlan` holds, already rendered as safe Python fragments (literals via
:func:`py_literal`, comments via :func:`comment_text`): the constants, the compiled expression
functions, the lookup tables, and one :class:`ScopePlan` per record scope (the record itself,
and one per ``each``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from accord import codes
from accord.diagnostics import Diagnostic
from accord.errors import CodegenError, ExpressionError
from accord.expr.literals import comment_text, py_literal, text_keys
from accord.jsondoc import ANY_ITEM, Location
from accord.mapping.loader import parse_expression
from accord.mapping.model import (
    DefaultOn,
    EachRule,
    Expr,
    FieldRule,
    Lookup,
    MappingSpec,
    NotApplicable,
    OnMiss,
    Rule,
    compose_lookups,
)
from accord.mapping.reads import key_parts, pure_path, reads
from accord.runtime.deadletter import SAME_ITEM

__all__ = ["Code", "ModulePlan", "RulePlan", "ScopePlan", "build_plan"]


def _version() -> str:
    from accord.version import __version__

    return __version__

#: compiler error kinds -> the checker's codes for the same problem
_KIND_CODES = {"syntax": codes.EXPRESSION_SYNTAX, "unknown-function": codes.UNKNOWN_FUNCTION,
               "invalid-arity": codes.ARITY}
#: Locals of every generated function holding ``record`` / ``parent`` when it is an object,
#: else ``{}`` (field reads on them need no type check).
_OBJECTS = {"record": "data", "parent": "parent_data"}


@dataclass(frozen=True)
class _Locals:
    """The names the code of one scope's rules uses: the value mapped, the locals holding it
    (and the others) when an object, what ``parent()`` reads, the output and its objects."""

    current: str = "record"
    objects: tuple[tuple[str, str], ...] = tuple(_OBJECTS.items())
    contexts: tuple[tuple[str, str], ...] = ()
    out: str = "out"
    prefix: str = "_o"


_RECORD = _Locals()
#: An ``each`` item mapped in the loop of the function mapping its parent (no call per item):
#: the item is ``item`` (``item_data``), ``parent()`` is that function's ``record``.
_ITEM = _Locals("item", (("item", "item_data"), ("record", "data")), (("parent", "record"),),
                "row", "_r")


class _NotInline(Exception):
    """An item scope whose code needs a function of its own: it gets one."""


@dataclass
class Code:
    """An expression ready to paste: statements (unindented) then a value or a condition."""

    lines: list[str]
    value: str

    def uses(self, name: str) -> bool:
        """Whether the code reads the local ``name`` (``data``, ``root``, ``parent``)."""
        pattern = re.compile(rf"(?<![\w.'\"]){re.escape(name)}\b")
        return any(pattern.search(line) for line in (*self.lines, self.value))


@dataclass
class RulePlan:
    kind: str  # "field" | "each" | "n/a"
    comment: str
    rule: str  # literal "mappings/x.yaml:12"
    dotted: str  # literal dotted target
    path: str  # literal location in the record used in errors (``('Amount',)``)
    target: str  # literal location of the output property (``('budget', 'amount')``), in errors
    reads: str  # literal tuple of the paths the rule reads (errors name the absent one)
    sink: str  # where the value goes: ``out['a']`` or ``_o1['b']`` (or a put call's prefix)
    put: str | None = None  # literal target tuple when written with ``_m.put``
    expr: Code | None = None
    when: Code | None = None  # a condition
    default: str | None = None
    default_on: str = "null"
    present: str | None = None  # literal tuple: the source path checked for default_on missing
    lookup: str | None = None  # module constant holding the table
    on_miss: str = "'error'"
    required: bool = False
    write_null: bool = False  # the target admits null: a null result is written, not left out
    #: the lookup in one dict read ("error", "passthrough" or "default"; see the template)
    fast_lookup: str | None = None
    never_null: bool = False  # the value written can never be null (no test before writing)
    number_keys: bool = False  # the table has number-like keys: an int is read by its text
    scope: str | None = None  # function mapping one item (each)
    inline: ScopePlan | None = None  # or: the item's rules, pasted into the loop (each)
    base: str | None = None  # literal tuple: the array an each's filter takes items from
    current: str = "record"  # the local holding the value the rule maps
    reason: str = ""
    attach: list[tuple[str, str, str]] = field(default_factory=list)  # (object, into, comment)


@dataclass
class ScopePlan:
    name: str
    rules: list[RulePlan] = field(default_factory=list)
    objects: list[tuple[str, str]] = field(default_factory=list)  # (local name, comment)
    out: str = "out"

    def uses(self, name: str) -> bool:
        """Whether a rule (or an item rule pasted in) reads the local ``name`` (``data``,
        ``parent_data``, ``item_data``). ``transform`` defines ``parent`` (None) also when only
        ``parent_data`` is read (``parent().x`` at the top level: null)."""
        if name == "parent" and self.name == "transform" and self.uses("parent_data"):
            return True
        return any(code.uses(name) for r in self.rules for code in (r.expr, r.when)
                   if code is not None) or any(r.inline.uses(name) for r in self.rules
                                               if r.inline is not None)

    def needs_root(self) -> bool:
        """Whether the function reads ``root`` (``root()``, or items mapped by a function)."""
        return self.uses("root") or any(r.scope is not None for r in self.rules)


@dataclass
class ModulePlan:
    spec: str
    header: list[str]
    constants: list[tuple[str, str]]
    lookups: list[tuple[str, str, str]]  # (constant, comment, literal)
    functions: list[str]
    scopes: list[ScopePlan]
    applies: Code | None
    key: Code | None
    key_rule: str
    key_parts: str | None = None  # literal tuple: the paths the key is built from
    key_guard: str | None = None  # condition: every key part present and not null (on data)
    key_path: str | None = None  # the key is one path: its subscripts on data (``data['id']``)
    #: the key is ``join('<glue>', [paths])``: the parts' subscripts concatenated with the glue
    key_concat: str | None = None
    key_reads: str = "()"
    when_rule: str = "None"  # literal "mappings/x.yaml:9": the spec's `when`
    when_reads: str = "()"


#: functions whose value is never null (they return their type or raise)
_NEVER_NULL_FUNCTIONS = frozenset(("join", "to_string", "length", "type", "keys",
                                   "values", "contains", "starts_with", "ends_with"))


def _never_null(ast: Any) -> bool:
    """Whether the expression's value is never null (then a rule writes it without testing):
    a non-null literal, ``==``, ``!=`` and ``!``, a function that returns its type or raises,
    ``lookup()`` of a table
    with no null value and a default that is never null, ``a || b`` and ``coalesce(..., b)``
    with ``b`` never null."""
    if not isinstance(ast, dict):
        return False
    kind, children = ast.get("type"), ast.get("children") or []
    if kind == "literal":
        return ast.get("value") is not None
    if kind == "or_expression":
        return _never_null(children[-1])
    if kind == "not_expression" or (kind == "comparator" and ast.get("value") in ("eq", "ne")):
        return True  # a boolean (ordering comparisons give null on non-numbers)
    if kind != "function_expression":
        return False
    name = ast.get("value")
    if name in _NEVER_NULL_FUNCTIONS:
        return True
    if name == "coalesce":
        return bool(children) and _never_null(children[-1])
    if name == "lookup" and len(children) == 3:
        table = children[0]
        return (table.get("type") == "literal" and isinstance(table.get("value"), dict)
                and None not in table["value"].values() and _never_null(children[2]))
    return False


def _subset_base(ast: Any) -> tuple[str, ...] | None:
    """For ``base[?condition]`` or ``base[*]`` over a path (the items are some of the
    elements of the array at ``base``, themselves): the names of ``base``, else None. An error
    in an item then names its position in that array, not in the subset."""
    if isinstance(ast, dict) and ast.get("type") == "subexpression":  # a.b[*]: a, then b[*]
        head = [pure_path(child) for child in ast["children"][:-1]]
        tail = _subset_base(ast["children"][-1])
        if tail is None or any(part is None for part in head):
            return None
        return tuple(name for part in head for name in part or ()) + tail
    if not isinstance(ast, dict) or ast.get("type") not in ("filter_projection", "projection"):
        return None
    left, right = ast["children"][0], ast["children"][1]
    if right.get("type") not in ("identity", "current"):
        return None
    return pure_path(left)


class _Targets:
    """Nested target objects of one scope, built as locals (``_o1`` for ``customer``, ...)
    and attached to their parent after the last rule that writes into them, when non-empty.
    A scope where a rule writes a whole object that another rule writes into keeps
    ``_m.put`` (which merges them)."""

    def __init__(self, rules: tuple[Rule, ...], out: str = "out", prefix: str = "_o") -> None:
        self.out = out
        targets = [r.target for r in rules if not isinstance(r, NotApplicable)]
        whole = set(targets)
        self.static = not any(t[:n] in whole for t in targets for n in range(1, len(t)))
        self.names: dict[tuple[str, ...], str] = {}
        self.last: dict[tuple[str, ...], int] = {}
        for position, target in enumerate(targets):
            for n in range(1, len(target)):
                self.names.setdefault(target[:n], f"{prefix}{len(self.names) + 1}")
                self.last[target[:n]] = position

    def holder(self, path: tuple[str, ...]) -> str:
        return self.out if not path else self.names[path]

    def sink(self, target: tuple[str, ...]) -> str:
        return f"{self.holder(target[:-1])}[{py_literal(target[-1])}]"

    def attach_after(self, position: int) -> list[tuple[str, str, str]]:
        """Objects complete after the ``position``-th writing rule, deepest first."""
        done = [path for path, last in self.last.items() if last == position]
        done.sort(key=len, reverse=True)
        return [(self.names[p], self.sink(p), comment_text(".".join(p))) for p in done]


def _trees(rules: tuple[Rule, ...]) -> list[Any]:
    """The expressions the rules of one scope evaluate on its record (not their items'), as
    the ASTs the loader parsed (the text only for an expression built by hand)."""
    found: list[Expr] = []
    for rule in rules:
        if isinstance(rule, EachRule):
            found.append(rule.each)
        elif isinstance(rule, FieldRule) and rule.expr is not None:
            found.append(rule.expr)
        when = getattr(rule, "when", None)
        if when is not None:
            found.append(when)
    return [e.ast if e.ast is not None else e.text for e in found]


class _Planner:
    def __init__(self, spec: MappingSpec, lookups: dict[str, Lookup],
                 nulls: frozenset[str] = frozenset()) -> None:
        from accord.expr import (
            SharedFilters,
            emit_function,
            emit_inline,
            shared_filter_keys,
            shared_map_key,
        )

        self.emit_function = emit_function
        self.emit_inline = emit_inline
        self.shared_filter_keys = shared_filter_keys
        self.shared_map_key = shared_map_key
        #: in the item rules of an ``each`` pasted into its loop: the ``map()`` results over
        #: the same items computed earlier, by the key of the map's body (see ``reused``)
        self.reuse: dict[str, str] = {}
        #: the filters the rules of the scope being planned share (computed once, in a local)
        self.shared: SharedFilters | None = None
        self.spec = spec
        self.lookups = lookups
        self.nulls = nulls  # pointers of the rules that write a null result
        self.functions: list[str] = []
        self.tables: list[tuple[str, str, str]] = []
        self.table_names: dict[str, str] = {}
        self.scopes: list[ScopePlan] = []
        self.temp = 1  # next temporary number in the function being planned
        self.locals = _RECORD

    def _failed(self, expr: Expr, exc: ExpressionError) -> CodegenError:
        col = expr.col + (exc.column or 0) if "\n" not in expr.text else expr.col
        diag = Diagnostic(_KIND_CODES.get(exc.kind, codes.EXPRESSION_SYNTAX), str(exc),
                          self.spec.display, expr.line, col, expr.pointer,
                          "fix the expression (`accord check` explains more)")
        return CodegenError(diag.format(), diagnostics=[diag])

    def _tree(self, expr: Expr) -> Any:
        """The AST the loader parsed (never parsed again here)."""
        tree, syntax = parse_expression(expr, self.spec.display)
        if syntax is not None:
            raise CodegenError(syntax.message, diagnostics=[syntax])
        return tree

    def compile(self, expr: Expr) -> str:
        name = f"_expr_{len(self.functions)}"
        tree = self._tree(expr)
        try:
            source = self.emit_function(expr.text, name, tree=tree)
        except ExpressionError as exc:
            raise self._failed(expr, exc) from None
        where = f"# {comment_text(self.spec.display)}:{expr.line} {comment_text(expr.text)}"
        self.functions.append(f"{where}\n{source.strip()}")
        return name

    def code(self, expr: Expr, *, condition: bool = False) -> Code:
        """``expr`` on the scope's ``record`` (``data`` when it is an object): inlined, or a
        call of a module-level function when it needs local definitions."""
        tree = self._tree(expr)
        try:
            inline = self.emit_inline(expr.text, self.locals.current,
                                      objects=dict(self.locals.objects), condition=condition,
                                      first_temp=self.temp, shared=self.shared,
                                      contexts=dict(self.locals.contexts), tree=tree,
                                      hoist=self.hoist)
        except ExpressionError as exc:
            raise self._failed(expr, exc) from None
        if inline is not None:
            self.temp = inline.next_temp
            return Code(list(inline.lines), inline.value)
        if self.locals is not _RECORD:
            raise _NotInline
        call = f"{self.compile(expr)}(record, root=root, parent=parent)"
        return Code([], f"_j.is_true({call})" if condition else call)

    def reused(self, expr: Expr) -> Code | None:
        """An item rule's expression read from the ``map()`` of the same expression over the
        same items that an earlier rule of the record computed (``sum(map(&multiply(q, p),
        lines[?x]))`` before ``each: lines[?x]`` with ``multiply(q, p)``): element
        ``len(mapped)`` of that list is this item's value (expressions are pure)."""
        if self.locals is not _ITEM or not self.reuse:
            return None
        local = self.reuse.get(self.shared_map_key(expr.text) or "")
        if local is None:
            return None
        return Code([f"# computed once, in {local}, with the earlier map() over these items"],
                    f"{local}[len(mapped)]")

    def hoist(self, value: Any) -> str:
        """A module constant holding a read-only table literal of an expression (the table of
        ``lookup(`{...}`, key)``), shared by every expression that spells the same one."""
        literal = py_literal(value)
        for const, _, existing in self.tables:
            if existing == literal:
                return const
        const = f"_LOOKUP_{len(self.tables)}"
        self.tables.append((const, comment_text(f"table literal in {self.spec.display}"),
                            literal))
        return const

    def table(self, rule: FieldRule) -> str | None:
        ref = rule.lookup
        if ref is None:
            return None
        tables = []
        for step in ref.steps:
            found = step.inline if step.inline is not None else self.lookups.get(step.name or "")
            if found is None:
                raise CodegenError(f"{self.spec.display}:{rule.line}: lookup table "
                                   f"{step.name!r} not found (run `accord check`)")
            tables.append(found)
        # a chain is one composed table: one dict access per value, whatever its length
        passthrough = rule.on_miss is OnMiss.PASSTHROUGH
        table = compose_lookups(tables, passthrough=passthrough)
        if len(tables) > 1 and passthrough:  # composed differently: a table of its own
            table = replace(table, name=f"{table.name} (passthrough)")
        if table.name in self.table_names:
            return self.table_names[table.name]
        const = f"_LOOKUP_{len(self.tables)}"
        values = {str(k): v for k, v in table.values.items()}
        source = f"{table.file}:{table.line}" if table.file else "inline"
        what = "inline table" if table.inline else f"lookup {table.name}"
        self.tables.append((const, comment_text(f"{what} ({source})"), py_literal(values)))
        self.table_names[table.name] = const
        return const

    def lookup_form(self, rule: FieldRule) -> tuple[str | None, bool]:
        """How the rule's lookup is written: ``"error"`` (no default: a subscript, anything
        but a string key goes to ``_m.lookup``), ``"passthrough"`` or ``"default"`` (a default
        applied to null: ``.get(value, <miss>)``, when no key of the table is the JSON text of
        a number or boolean, so a number misses as ``_m.lookup`` would find), or None (the
        general form). And whether the value written is never null (a ``default`` lookup with
        a non-null default and no null in the table)."""
        if rule.lookup is None or rule.expr is None or rule.default_on is not DefaultOn.NULL:
            return None, False
        table = self.table_values(rule)
        if table is None:
            return None, False
        on_miss = rule.on_miss or OnMiss.ERROR
        if not rule.has_default:
            if on_miss is OnMiss.ERROR:
                return "error", False
            if on_miss is OnMiss.PASSTHROUGH and text_keys(table):
                return "passthrough", False
            return None, False
        never_null = (on_miss is OnMiss.DEFAULT and rule.default is not None
                      and None not in table.values())
        if on_miss is OnMiss.DEFAULT and text_keys(table):
            return "default", never_null
        return None, never_null

    def table_values(self, rule: FieldRule) -> dict[str, Any] | None:
        """The values of the rule's (composed) table, as generated; None when a table is
        missing (:meth:`table` reports it)."""
        ref = rule.lookup
        if ref is None:
            return None
        tables = [step.inline if step.inline is not None else self.lookups.get(step.name or "")
                  for step in ref.steps]
        if any(table is None for table in tables):
            return None
        table = compose_lookups([t for t in tables if t is not None],
                                passthrough=rule.on_miss is OnMiss.PASSTHROUGH)
        return {str(k): v for k, v in table.values.items()}

    def rule(self, rule: Rule, targets: _Targets) -> RulePlan:
        location = f"{self.spec.display}:{rule.line}"
        if self.shared is not None:  # a rule under a `when` computes nothing later ones read
            self.shared.recording = getattr(rule, "when", None) is None
        common: dict[str, Any] = {
            "comment": comment_text(f"{location} {rule.dotted}"),
            "rule": py_literal(location),
            "dotted": py_literal(rule.dotted),
            "current": self.locals.current,
        }
        common["target"] = py_literal(tuple(rule.target))
        if isinstance(rule, NotApplicable):
            return RulePlan(kind="n/a", path="()", sink="", reason=comment_text(rule.reason),
                            reads="()", **common)
        if targets.static:
            common["sink"] = targets.sink(rule.target)
        elif len(rule.target) == 1:
            common["sink"] = f"out[{py_literal(rule.target[0])}]"
        else:
            common["sink"] = ""
            common["put"] = py_literal(tuple(rule.target))
        if isinstance(rule, EachRule):
            ast, _ = parse_expression(rule.each, self.spec.display)
            base = _subset_base(ast)
            path = tuple(base if base is not None else pure_path(ast) or ())
            read = list(reads(ast))
            when = self.code(rule.when, condition=True) if rule.when else None
            if rule.when:
                read[:0] = reads(parse_expression(rule.when, self.spec.display)[0])
            items = self.code(rule.each)
            mapped = self.shared.mapped if self.shared is not None else {}
            saved_reuse, self.reuse = self.reuse, {
                key: local for (elements, key), local in mapped.items()
                if elements == items.value}
            inline = self.inline_scope(rule.rules)
            self.reuse = saved_reuse
            scope = None if inline else self.scope(rule.rules, f"_map_{len(self.scopes)}")
            common["base"] = py_literal(base) if base is not None else None
            return RulePlan(kind="each", path=py_literal(path), expr=items, when=when,
                            scope=scope, inline=inline,
                            reads=py_literal(tuple(dict.fromkeys(read))), **common)
        names = pure = None
        expr = None
        fast_lookup, never_null = self.lookup_form(rule)
        when = self.code(rule.when, condition=True) if rule.when else None
        read = list(reads(parse_expression(rule.when, self.spec.display)[0])) \
            if rule.when else []
        if rule.expr is not None:
            ast, _ = parse_expression(rule.expr, self.spec.display)
            names = pure = pure_path(ast)
            if names is None and len(reads(ast)) == 1:  # `to_string(user.id)`: name user.id
                names = reads(ast)[0]
            read.extend(reads(ast))
            expr = self.reused(rule.expr) or self.code(rule.expr)
            never_null = never_null or (rule.lookup is None and _never_null(ast))
        present = None
        if rule.has_default and rule.default_on is DefaultOn.MISSING and pure is not None:
            present = py_literal(pure)
        return RulePlan(
            kind="field", path=py_literal(tuple(names or ())), expr=expr, when=when,
            fast_lookup=fast_lookup, never_null=never_null,
            number_keys=not text_keys(self.table_values(rule) or {}),
            default=py_literal(rule.default) if rule.has_default else None,
            default_on=rule.default_on.value, present=present, lookup=self.table(rule),
            on_miss=py_literal((rule.on_miss or OnMiss.ERROR).value),
            required=rule.required, write_null=rule.pointer in self.nulls,
            reads=py_literal(tuple(dict.fromkeys(read))), **common)

    def scope(self, rules: tuple[Rule, ...], name: str) -> str:
        """Plan the function ``name`` mapping one value by ``rules``."""
        plan = ScopePlan(name)
        self.scopes.append(plan)
        saved, self.temp = self.temp, 1
        saved_locals, self.locals = self.locals, _RECORD
        self.fill(plan, rules)
        self.temp, self.locals = saved, saved_locals
        return name

    def inline_scope(self, rules: tuple[Rule, ...]) -> ScopePlan | None:
        """The rules of an ``each`` item, planned to be pasted into the parent's loop; None
        when the item needs a function (nested ``each``, merged targets, an expression that
        is not inlined)."""
        if any(isinstance(r, EachRule) for r in rules) or not _Targets(rules).static:
            return None
        plan = ScopePlan("", out=_ITEM.out)
        saved = (self.locals, self.shared, self.temp, len(self.functions))
        self.locals = _ITEM
        try:
            self.fill(plan, rules)
        except _NotInline:
            self.locals, self.shared, self.temp = saved[:3]
            del self.functions[saved[3]:]
            return None
        self.locals, self.shared = saved[:2]
        return plan

    def fill(self, plan: ScopePlan, rules: tuple[Rule, ...]) -> None:
        targets = _Targets(rules, self.locals.out, self.locals.prefix)
        if targets.static:
            plan.objects = [(local, comment_text(".".join(path)))
                            for path, local in targets.names.items()]
        saved_shared, self.shared = self.shared, self.shared_filter_keys(_trees(rules))
        position = 0
        for r in rules:
            rule_plan = self.rule(r, targets)
            if not isinstance(r, NotApplicable):
                if targets.static:
                    rule_plan.attach = targets.attach_after(position)
                position += 1
            plan.rules.append(rule_plan)
        self.shared = saved_shared

    def top(self, expr: Expr, *, condition: bool = False) -> Code:
        """The spec's ``when`` or ``key``, in a function of its own."""
        self.temp = 1
        return self.code(expr, condition=condition)


def rule_index(spec: MappingSpec) -> dict[Location, tuple[str, Location]]:
    """What wrote each output property: its location (``ANY_ITEM`` for an item of an
    ``each``) -> (the rule's ``spec:line``, the location it reads: ``SAME_ITEM`` for the item
    of a plain ``each``, ``ANY_ITEM`` for one of an ``each`` over a filter; ``()`` when it
    reads no one path). The runner names these in a dead letter for an output the target
    refuses (:func:`accord.runtime.deadletter.rule_for_output`)."""
    index: dict[Location, tuple[str, Location]] = {}

    def walk(rules: tuple[Rule, ...], target: Location, source: Location) -> None:
        for rule in rules:
            if isinstance(rule, NotApplicable):
                continue
            out = (*target, *rule.target)
            expr = rule.each if isinstance(rule, EachRule) else rule.expr
            names = pure = None
            if expr is not None:
                ast, _ = parse_expression(expr, spec.display)
                names = pure = pure_path(ast)
                if names is None and len(reads(ast)) == 1:
                    names = reads(ast)[0]
            read = (*source, *names) if names else source
            index[out] = (f"{spec.display}:{rule.line}", read)
            if isinstance(rule, EachRule):  # over a filter, output item n is not source item n
                walk(rule.rules, (*out, ANY_ITEM), (*read, SAME_ITEM if pure else ANY_ITEM))

    walk(spec.rules, (), ())
    return index


def _key_guard(parts: tuple[tuple[str, ...], ...]) -> str | None:
    """``data['order']['id'] is not None and ...``: every part of the key read by subscript
    (a missing key or a non-object on the way raises KeyError or TypeError, which the module
    takes as "not whole"), so a whole key costs no call; None when there are no parts."""
    if not parts:
        return None
    return " and ".join(f"{_subscripts(part)} is not None" for part in parts)


def _key_concat(ast: Any, parts: tuple[tuple[str, ...], ...]) -> str | None:
    """``data['a'] + ':' + data['b']`` for a key ``join(':', [a, b])`` whose elements are
    the key parts, each a path: when every part is a string (else KeyError, TypeError or a
    value that is not a string: the module takes the general path) that is the key."""
    if not (isinstance(ast, dict) and ast.get("type") == "function_expression"
            and ast.get("value") == "join" and len(ast.get("children") or ()) == 2):
        return None
    glue, values = ast["children"]
    if glue.get("type") != "literal" or not isinstance(glue.get("value"), str) \
            or values.get("type") != "multi_select_list":
        return None
    paths = [pure_path(child) for child in values.get("children") or ()]
    if not paths or any(path is None for path in paths) or tuple(paths) != parts:
        return None
    joiner = f" + {py_literal(glue['value'])} + " if glue["value"] else " + "
    return joiner.join(_subscripts(path) for path in paths if path is not None)


def _subscripts(path: tuple[str, ...]) -> str:
    return "data" + "".join(f"[{py_literal(name)}]" for name in path)


def _scope_order(scope: ScopePlan) -> int:
    """``transform`` first, then ``_map_1``, ``_map_2``, ..."""
    return 0 if scope.name == "transform" else int(scope.name.rsplit("_", 1)[1])


def build_plan(spec: MappingSpec, lookups: dict[str, Lookup], digest: str,
               nulls: frozenset[str] = frozenset()) -> ModulePlan:
    """The plan of ``spec``'s module. Raises CodegenError when it cannot be generated.

    ``nulls``: the pointers of the rules whose null result is written as null (their target
    admits null; see :func:`accord.check.null_targets.null_targets`); other rules leave it out.
    """
    planner = _Planner(spec, lookups, nulls)
    applies = planner.top(spec.when, condition=True) if spec.when else None
    key = planner.top(spec.key) if spec.key else None
    planner.scope(spec.rules, "transform")  # the record's own rules: transform() itself
    header = [
        f"Generated by accord {_version()} from {spec.display}. Do not edit:",
        "change the spec and run `accord generate`.",
        f"sha256: {digest} (spec + lookups + templates + accord version)",
    ]
    constants = [
        ("SPEC", py_literal(spec.display)),
        ("NAME", py_literal(spec.name)),
        ("VERSION", py_literal(spec.version)),
        ("SOURCE", py_literal(spec.source.as_dict())),
        ("TARGET", py_literal(spec.target.as_dict())),
        ("RULES", "{" + ", ".join(f"{py_literal(out)}: {py_literal(wrote)}"  # tuple keys
                                  for out, wrote in rule_index(spec).items()) + "}"),
    ]
    key_line = spec.key.line if spec.key else spec.document.position("").line
    key_ast = parse_expression(spec.key, spec.display)[0] if spec.key else None
    when_ast = parse_expression(spec.when, spec.display)[0] if spec.when else None
    parts = key_parts(key_ast) if key_ast is not None else ()
    return ModulePlan(
        spec=comment_text(spec.display),
        header=[comment_text(h) for h in header],
        constants=constants,
        lookups=planner.tables,
        functions=planner.functions,
        scopes=sorted(planner.scopes, key=_scope_order),
        applies=applies,
        key=key,
        key_rule=py_literal(f"{spec.display}:{key_line}"),
        key_parts=py_literal(parts) if parts else None,
        key_guard=_key_guard(parts),
        key_concat=_key_concat(key_ast, parts) if key_ast is not None else None,
        key_path=_subscripts(parts[0]) if key_ast is not None and len(parts) == 1
        and pure_path(key_ast) == parts[0] else None,
        key_reads=py_literal(reads(key_ast)) if key_ast is not None else "()",
        when_rule=py_literal(f"{spec.display}:{spec.when.line}") if spec.when else "None",
        when_reads=py_literal(reads(when_ast)) if when_ast is not None else "()",
    )
