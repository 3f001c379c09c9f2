"""Type inference of JMESPath expressions against a source schema.

A visitor over the ``jmespath`` AST (``visit_<node type>``). It resolves every path an expression
reads through the source schema (``$ref``, ``allOf``/``anyOf``/``oneOf``, arrays, projections,
filters and ``each`` scopes), infers the result type, and records what is wrong: unknown
properties (with a "did you mean"), reading a property of a non-object, unknown functions and
wrong arity.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from accord import codes
from accord.check.functions import FUNCTIONS
from accord.check.schema_model import ANY, SchemaModel, literal_schema
from accord.check.types import BOOLEAN, UNKNOWN, Ty, array_of, union
from accord.mapping.reads import pure_path

__all__ = ["Inferrer", "Issue", "Scope"]



@dataclass(frozen=True)
class Scope:
    """Where an expression is evaluated: the current value, the enclosing scope, the record."""

    current: Ty
    root: Ty
    parent: Scope | None = None
    label: str = "$"

    def child(self, item: Ty, label: str) -> Scope:
        return Scope(item, self.root, self, label)


@dataclass(frozen=True)
class Issue:
    code: str
    message: str
    hint: str
    column: int  # 0-based offset inside the expression
    warning: bool = False


@dataclass
class Inferrer:
    """Infers one expression's type; ``issues`` collects what is wrong with it."""

    model: SchemaModel
    text: str
    issues: list[Issue] = field(default_factory=list)
    #: labels of paths known not to be null here (a rule's `when`, if()'s condition, `a && …`)
    guarded: frozenset[str] = frozenset()

    def infer(self, node: dict[str, Any], scope: Scope) -> Ty:
        ty, _ = self.visit(node, scope.current, scope.label, scope)
        return ty

    # -- plumbing ------------------------------------------------------------------------------
    def visit(self, node: Any, cur: Ty, label: str, scope: Scope) -> tuple[Ty, str]:
        method = getattr(self, f"visit_{node.get('type')}", None)
        if method is None:
            return UNKNOWN, label
        result: tuple[Ty, str] = method(node, cur, label, scope)
        return result

    def _column(self, token: str) -> int:
        pattern = rf'(?<![A-Za-z0-9_"]){re.escape(token)}(?![A-Za-z0-9_])|"{re.escape(token)}"'
        match = re.search(pattern, self.text)
        return match.start() if match else 0

    def _issue(self, code: str, message: str, hint: str, token: str = "",
               warning: bool = False) -> None:
        issue = Issue(code, message, hint, self._column(token) if token else 0, warning)
        if issue not in self.issues:
            self.issues.append(issue)

    # -- paths ---------------------------------------------------------------------------------
    def visit_field(self, node: dict[str, Any], cur: Ty, label: str,
                    scope: Scope) -> tuple[Ty, str]:
        name: str = node["value"]
        shown = f"{label}.{name}" if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) \
            else f'{label}."{name}"'
        if cur.unknown:
            return UNKNOWN, shown
        found = self.model.property(cur.schema, name)
        if found.not_object:
            self._issue(codes.NOT_OBJECT,
                        f"{label} is {self.model.describe(cur.schema)}, it has no property "
                        f"{name!r}", "read a property of an object; check the path", name)
            return Ty({"type": "null"}, True), shown
        if not found.found:
            close = difflib.get_close_matches(name, found.candidates, n=1, cutoff=0.6)
            if not close:
                lowered = {c.lower(): c for c in found.candidates}
                close = [lowered[name.lower()]] if name.lower() in lowered else []
            hint = f"did you mean {close[0]!r}?" if close else (
                "known properties: " + ", ".join(found.candidates[:12])
                + (", ..." if len(found.candidates) > 12 else "")
                if found.candidates else "this object declares no properties")
            self._issue(codes.UNKNOWN_PATH, f"{shown} does not exist in the source schema",
                        hint, name)
            return Ty(ANY, False), shown  # reported once: no follow-on findings
        nullable = cur.nullable or found.optional or self.model.nullable(found.schema)
        return Ty(found.schema, nullable and shown not in self.guarded), shown

    def visit_subexpression(self, node: dict[str, Any], cur: Ty, label: str,
                            scope: Scope) -> tuple[Ty, str]:
        for child in node["children"]:
            cur, label = self.visit(child, cur, label, scope)
        return cur, label

    def visit_identity(self, node: dict[str, Any], cur: Ty, label: str,
                       scope: Scope) -> tuple[Ty, str]:
        return cur, label

    visit_current = visit_identity

    def visit_literal(self, node: dict[str, Any], cur: Ty, label: str,
                      scope: Scope) -> tuple[Ty, str]:
        value = node["value"]
        return Ty(literal_schema(value), value is None), label

    def _array_items(self, ty: Ty, label: str) -> Ty:
        if ty.unknown:
            return UNKNOWN
        if self.model.is_array(ty.schema) is False:
            self._issue(codes.NOT_ARRAY, f"{label} is {self.model.describe(ty.schema)}, not an "
                        "array", "project or index arrays only; check the path",
                        label.rsplit(".", 1)[-1].strip('"[]*'))
            return UNKNOWN
        return Ty(self.model.items(ty.schema), False)

    def visit_index_expression(self, node: dict[str, Any], cur: Ty, label: str,
                               scope: Scope) -> tuple[Ty, str]:
        left, right = node["children"]
        base, label = self.visit(left, cur, label, scope)
        if right.get("type") == "slice":
            return base, f"{label}[:]"
        item = self._array_items(base, label)
        if _splits(left) and right.get("value") in (0, -1):  # split() gives at least one part
            return Ty(item.schema, base.nullable), f"{label}[{right.get('value')}]"
        return item.maybe_null(), f"{label}[{right.get('value')}]"

    def visit_index(self, node: dict[str, Any], cur: Ty, label: str,
                    scope: Scope) -> tuple[Ty, str]:
        item = self._array_items(cur, label)
        return item.maybe_null(), f"{label}[{node.get('value')}]"

    def visit_slice(self, node: dict[str, Any], cur: Ty, label: str,
                    scope: Scope) -> tuple[Ty, str]:
        return cur, f"{label}[:]"

    def visit_projection(self, node: dict[str, Any], cur: Ty, label: str,
                         scope: Scope) -> tuple[Ty, str]:
        left, right = node["children"]
        base, label = self.visit(left, cur, label, scope)
        item = self._array_items(base, label)
        out, out_label = self.visit(right, item, f"{label}[*]", scope)
        return Ty(array_of(out).schema, base.nullable), out_label

    def visit_flatten(self, node: dict[str, Any], cur: Ty, label: str,
                      scope: Scope) -> tuple[Ty, str]:
        base, label = self.visit(node["children"][0], cur, label, scope)
        item = self._array_items(base, label)
        if not item.unknown and self.model.is_array(item.schema):
            item = Ty(self.model.items(item.schema), False)
        return Ty(array_of(item).schema, base.nullable), f"{label}[]"

    def visit_value_projection(self, node: dict[str, Any], cur: Ty, label: str,
                               scope: Scope) -> tuple[Ty, str]:
        left, right = node["children"]
        base, label = self.visit(left, cur, label, scope)
        values = UNKNOWN
        if not base.unknown:
            props = list(self.model.properties(base.schema).values())
            values = union(*[Ty(p) for p in props]) if props else UNKNOWN
        out, out_label = self.visit(right, values, f"{label}.*", scope)
        return Ty(array_of(out).schema, base.nullable), out_label

    def visit_filter_projection(self, node: dict[str, Any], cur: Ty, label: str,
                                scope: Scope) -> tuple[Ty, str]:
        left, right, condition = node["children"]
        base, label = self.visit(left, cur, label, scope)
        item = self._array_items(base, label)
        self.visit(condition, item, f"{label}[?]", scope)
        out, out_label = self.visit(right, item, f"{label}[?]", scope)
        return Ty(array_of(out).schema, base.nullable), out_label

    def visit_pipe(self, node: dict[str, Any], cur: Ty, label: str,
                   scope: Scope) -> tuple[Ty, str]:
        left, right = node["children"]
        mid, label = self.visit(left, cur, label, scope)
        return self.visit(right, mid, label, scope)

    # -- operators -----------------------------------------------------------------------------
    def visit_comparator(self, node: dict[str, Any], cur: Ty, label: str,
                         scope: Scope) -> tuple[Ty, str]:
        for child in node["children"]:
            self.visit(child, cur, label, scope)
        nullable = node.get("value") in ("lt", "lte", "gt", "gte")
        return Ty(BOOLEAN.schema, nullable), label

    def visit_or_expression(self, node: dict[str, Any], cur: Ty, label: str,
                            scope: Scope) -> tuple[Ty, str]:
        left, _ = self.visit(node["children"][0], cur, label, scope)
        right, _ = self.visit(node["children"][1], cur, label, scope)
        # `a || b` gives `a` only when it is truthy: a part of `a` that is always falsy
        # (the `false` an `&&` passes on) never comes out.
        kept = _without_falsy(left.non_null())
        tys = (kept, right) if kept is not None else (right,)
        return Ty(union(*tys).schema, right.nullable), label

    def visit_and_expression(self, node: dict[str, Any], cur: Ty, label: str,
                             scope: Scope) -> tuple[Ty, str]:
        left, _ = self.visit(node["children"][0], cur, label, scope)
        with self.guard(node["children"][0], label):  # `a && f(a)`: a is truthy in f(a)
            right, _ = self.visit(node["children"][1], cur, label, scope)
        # `a && b` gives `a` only when it is falsy: `false` for a boolean, never a number
        # (0 is truthy in JMESPath), and null when `a` may be null.
        falsy = _falsy_part(left.non_null())
        tys = (falsy, right) if falsy is not None else (right,)
        return Ty(union(*tys).schema, left.nullable or right.nullable), label

    def visit_not_expression(self, node: dict[str, Any], cur: Ty, label: str,
                             scope: Scope) -> tuple[Ty, str]:
        self.visit(node["children"][0], cur, label, scope)
        return BOOLEAN, label

    def visit_multi_select_list(self, node: dict[str, Any], cur: Ty, label: str,
                                scope: Scope) -> tuple[Ty, str]:
        items = [self.visit(child, cur, label, scope)[0] for child in node["children"]]
        return Ty(array_of(union(*items)).schema, cur.nullable), label

    def visit_multi_select_dict(self, node: dict[str, Any], cur: Ty, label: str,
                                scope: Scope) -> tuple[Ty, str]:
        props: dict[str, Any] = {}
        for pair in node["children"]:
            value, _ = self.visit(pair["children"][0], cur, label, scope)
            props[pair["value"]] = value.schema if not value.nullable or value.unknown \
                else {"anyOf": [value.schema, {"type": "null"}]}
        return Ty({"type": "object", "properties": props}, cur.nullable), label

    def visit_key_val_pair(self, node: dict[str, Any], cur: Ty, label: str,
                           scope: Scope) -> tuple[Ty, str]:
        return self.visit(node["children"][0], cur, label, scope)

    def visit_expref(self, node: dict[str, Any], cur: Ty, label: str,
                     scope: Scope) -> tuple[Ty, str]:
        return self.visit(node["children"][0], cur, label, scope)

    # -- functions -----------------------------------------------------------------------------
    def visit_function_expression(self, node: dict[str, Any], cur: Ty, label: str,
                                  scope: Scope) -> tuple[Ty, str]:
        name: str = node["value"]
        args_nodes: list[dict[str, Any]] = node["children"]
        sig = FUNCTIONS.get(name)
        if sig is None:
            close = difflib.get_close_matches(name, list(FUNCTIONS), n=1)
            hint = f"did you mean {close[0]}()?" if close else \
                "see the function library in docs/mapping-spec.md"
            self._issue(codes.UNKNOWN_FUNCTION, f"unknown function {name}()", hint, name)
            for child in args_nodes:
                self.visit(child, cur, label, scope)
            return UNKNOWN, label
        count = len(args_nodes)
        if count < sig.min_args or (sig.max_args is not None and count > sig.max_args):
            self._issue(codes.ARITY, f"{name}() takes {sig.arity_text()}, got {count}",
                        f"call it as {name}({', '.join(['…'] * sig.min_args)})", name)
        if name == "parent":
            if scope.parent is None:
                self._issue(codes.NO_PARENT, "parent() is only meaningful inside `each`",
                            "use root() or a path from the record", name)
                return UNKNOWN, label
            return scope.parent.current, scope.parent.label
        if name == "root":
            return scope.root, "$"
        args: list[Ty] = []
        array_item: Ty = UNKNOWN
        for position, child in enumerate(args_nodes):
            if child.get("type") == "expref":
                ty, _ = self.visit(child, array_item, f"{label}[*]", scope)
                args.append(UNKNOWN)
                continue
            if name == "if" and position == 1:  # the `then` of if(cond, then): cond holds
                with self.guard(args_nodes[0], label):
                    ty, shown = self.visit(child, cur, label, scope)
            else:
                ty, shown = self.visit(child, cur, label, scope)
            if name == "to_string" and ty.nullable and not ty.unknown:
                what = shown if shown != label else "a value"
                self._issue(codes.NULL_TO_STRING,
                            f"to_string() of {what} that may be null gives the text \"null\"",
                            "keep null as null, so that `required: true` or the key catches "
                            "it: if(x != `null`, to_string(x)); or convert a fallback: "
                            "to_string(coalesce(x, `0`))", name, warning=True)
            if not ty.unknown and self.model.is_array(ty.schema) and array_item is UNKNOWN:
                array_item = Ty(self.model.items(ty.schema), False)
            args.append(ty)
        return sig.returns(args, self.model), label


    @contextmanager
    def guard(self, condition: Any, label: str) -> Iterator[None]:
        """Within the block, the paths ``condition`` proves not null are not nullable."""
        saved = self.guarded
        self.guarded = saved | non_null_paths(condition, label)
        try:
            yield
        finally:
            self.guarded = saved


def _splits(node: Any) -> bool:
    """``split(...)``: an array of at least one string (``split('', ' ')`` is ``['']``)."""
    return isinstance(node, dict) and node.get("type") == "function_expression" \
        and node.get("value") == "split"


def _label(label: str, path: tuple[str, ...]) -> str:
    for name in path:
        label = f"{label}.{name}" if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) \
            else f'{label}."{name}"'
    return label


def _is_null(node: Any) -> bool:
    return isinstance(node, dict) and node.get("type") == "literal" and node["value"] is None


def non_null_paths(condition: Any, label: str) -> frozenset[str]:
    """Labels (under ``label``) of the paths that are not null where ``condition`` is true
    (:func:`non_null_locations`)."""
    return frozenset(_label(label, path) for path in non_null_locations(condition))


def non_null_locations(condition: Any) -> frozenset[tuple[str, ...]]:
    """The paths (tuples of names) that are not null where ``condition`` is true: ``a``,
    ``a != `null```, ``!(a == `null`)``, and conjunctions of those."""
    if not isinstance(condition, dict):
        return frozenset()
    kind = condition.get("type")
    children = condition.get("children") or []
    path = pure_path(condition)
    if path is not None:
        return frozenset({path})
    if kind == "and_expression":
        return non_null_locations(children[0]) | non_null_locations(children[1])
    if kind == "comparator" and condition.get("value") == "ne" and len(children) == 2:
        left, right = children
        side = pure_path(left) if _is_null(right) else pure_path(right) if _is_null(left) else None
        return frozenset({side}) if side else frozenset()
    if kind == "not_expression" and children:
        inner = children[0]
        if inner.get("type") == "comparator" and inner.get("value") == "eq":
            return non_null_locations({**inner, "value": "ne"})
    return frozenset()


FALSE_ONLY: dict[str, Any] = {"type": "boolean", "const": False}


def _falsy_part(ty: Ty) -> Ty | None:
    """The part of ``ty`` (not null) that JMESPath calls falsy, or None when it has none:
    ``false`` of a boolean, nothing of a number; other types are kept whole (``""``, ``[]``
    and ``{}`` are still of their type)."""
    members = ty.schema.get("anyOf") if set(ty.schema) == {"anyOf"} else None
    if isinstance(members, list):
        parts = [p for p in (_falsy_part(Ty(m)) for m in members) if p is not None]
        return union(*parts) if parts else None
    kind = ty.schema.get("type")
    kinds = {kind} if isinstance(kind, str) else set(kind) if isinstance(kind, list) else None
    if kinds is None:
        return ty
    kinds.discard("null")
    if kinds <= {"integer", "number"}:
        return None
    if kinds == {"boolean"}:
        return Ty(FALSE_ONLY)
    return ty


def _without_falsy(ty: Ty) -> Ty | None:
    """``ty`` less its always-falsy parts (``false`` from an ``&&``); None if nothing is left."""
    if ty.schema == FALSE_ONLY:
        return None
    members = ty.schema.get("anyOf") if set(ty.schema) == {"anyOf"} else None
    if not isinstance(members, list) or FALSE_ONLY not in members:
        return ty
    kept = [Ty(m) for m in members if m != FALSE_ONLY]
    return Ty(union(*kept).schema, ty.nullable) if kept else None
