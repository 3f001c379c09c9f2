"""Who is affected by a contract change: the mapping rules that read or write a pointer.

A mapping *writes* a contract when its target is ``{contract: name@version}`` (every rule's
target path becomes a pointer such as ``/properties/roles/items/properties/hours``); it *reads*
one when its source is, through the field paths its JMESPath expressions use.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import jmespath

from accord.compat.schema import join_pointer
from accord.mapping.loader import MappingSet
from accord.mapping.model import EachRule, Expr, FieldRule, MappingSpec, Rule

__all__ = ["Use", "mapping_uses", "uses_of"]


@dataclass(frozen=True, order=True)
class Use:
    """A mapping reading or writing a pointer of a contract."""

    pointer: str
    access: str  # "read" | "write"
    spec: str  # repo-relative spec file
    line: int
    contract: str  # name@version

    def describe(self) -> str:
        return f"{self.access} by {self.spec}:{self.line}"


def _contract_name(ref: str | None) -> tuple[str, str] | None:
    if not ref:
        return None
    name, _, version = ref.partition("@")
    return name, version


def _pointer(path: Iterable[str], each: Iterable[bool]) -> str:
    ptr = ""
    for segment, is_each in zip(path, each, strict=True):
        ptr = join_pointer(ptr, "properties", segment)
        if is_each:
            ptr = join_pointer(ptr, "items")
    return ptr


def _expr_paths(node: Any, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """Field paths an expression reads (``a.b[*].c`` -> ``a/b/items/c``), approximately."""
    if not isinstance(node, dict):
        return
    kind = node.get("type")
    children = node.get("children", [])
    if kind == "field":
        yield (*prefix, str(node.get("value")))
    elif kind == "subexpression" and len(children) == 2:
        lefts = list(_expr_paths(children[0], prefix)) or [prefix]
        for left in lefts:
            yield from _expr_paths(children[1], left)
        yield from lefts
    elif kind in ("projection", "filter_projection", "value_projection") and children:
        lefts = list(_expr_paths(children[0], prefix)) or [prefix]
        for left in lefts:
            yield left
            for child in children[1:]:
                yield from _expr_paths(child, (*left, "[]"))
    elif kind == "index_expression" and children:
        for left in list(_expr_paths(children[0], prefix)) or [prefix]:
            yield left
            for child in children[1:]:
                yield from _expr_paths(child, (*left, "[]"))
    else:
        for child in children:
            yield from _expr_paths(child, prefix)


def _read_pointer(path: tuple[str, ...]) -> str:
    ptr = ""
    for segment in path:
        ptr = join_pointer(ptr, "items") if segment == "[]" else join_pointer(
            ptr, "properties", segment)
    return ptr


def _reads(expr: Expr | None, scope: tuple[str, ...]) -> Iterator[tuple[str, int]]:
    if expr is None:
        return
    try:
        ast = jmespath.compile(expr.text).parsed
    except Exception:  # an invalid expression is the checker's finding, not ours
        return
    for path in _expr_paths(ast, scope):
        if path:
            yield _read_pointer(path), expr.line


def _walk(spec: MappingSpec, rules: tuple[Rule, ...], target: tuple[str, ...],
          each: tuple[bool, ...], scope: tuple[str, ...], write: bool, read: bool,
          out: list[tuple[str, str, int]]) -> None:
    for rule in rules:
        path, flags = (*target, *rule.target), (*each, *([False] * len(rule.target)))
        if isinstance(rule, FieldRule):
            if write:
                out.append((_pointer(path, flags), "write", rule.line))
            if read:
                out.extend((p, "read", line) for p, line in _reads(rule.expr, scope))
                out.extend((p, "read", line) for p, line in _reads(rule.when, scope))
        elif isinstance(rule, EachRule):
            flags = (*flags[:-1], True)
            if write:
                out.append((_pointer(path, flags), "write", rule.line))
            inner_scope = scope
            if read:
                found = list(_reads(rule.each, scope))
                out.extend((p, "read", line) for p, line in found)
                paths = list(_expr_paths(jmespath.compile(rule.each.text).parsed, scope)) \
                    if found else []
                inner_scope = (*max(paths, key=len), "[]") if paths else scope
            _walk(spec, rule.rules, path, flags, inner_scope, write, read, out)


def mapping_uses(mappings: MappingSet, name: str, versions: Iterable[str] = ()) -> list[Use]:
    """Every pointer of contract ``name`` (any of ``versions``, or all) that a mapping reads or
    writes."""
    wanted = set(versions)
    uses: list[Use] = []
    for spec in mappings.specs:
        for endpoint, write in ((spec.target, True), (spec.source, False)):
            ref = _contract_name(endpoint.contract)
            if ref is None or ref[0] != name or (wanted and ref[1] not in wanted):
                continue
            found: list[tuple[str, str, int]] = []
            _walk(spec, spec.rules, (), (), (), write, not write, found)
            if not write:
                for e in (spec.when, spec.key):
                    found.extend((p, "read", line) for p, line in _reads(e, ()))
            contract = f"{ref[0]}@{ref[1]}"
            uses.extend(Use(p, a, spec.display, line, contract) for p, a, line in found)
    return sorted(set(uses))


def _normalise(pointer: str) -> str:
    parts = pointer.split("/")
    if len(parts) >= 3 and parts[-2] in ("required", "dependentRequired"):
        return "/".join([*parts[:-2], "properties", parts[-1]])
    return pointer


def uses_of(pointer: str, uses: list[Use]) -> list[Use]:
    """The uses at ``pointer``, inside it, or of an enclosing value."""
    p = _normalise(pointer)
    return [u for u in uses if u.pointer == p or u.pointer.startswith(p + "/")
            or p.startswith(u.pointer + "/")]
