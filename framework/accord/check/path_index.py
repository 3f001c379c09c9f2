"""The path index: for each mapping rule, the source schema pointers it reads and the target
pointer it writes, with the spec file and line.

Reads are resolved by the checker's own inference (:class:`~accord.check.infer.Inferrer` over a
:class:`~accord.check.schema_model.SchemaModel`), so they follow ``$ref``, ``allOf``/``anyOf``,
projections, filters, functions, ``each`` scopes and ``parent()``/``root()`` exactly as the
checker does. A read is named by its *logical* pointer — the path through the schema as the data
has it (``/properties/lines/items/properties/amount``), through ``$ref``s, without
``$defs``/combiner segments — which is how the compatibility checker names a change.

Writes are the rule's target path (``each`` adds ``/items``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from accord.check.endpoints import EndpointError, SchemaResolver
from accord.check.infer import Inferrer, Scope
from accord.check.schema_model import PropertyLookup, SchemaModel
from accord.check.types import Ty
from accord.jsondoc import join_pointer
from accord.mapping.loader import MappingSet, parse_expression
from accord.mapping.model import EachRule, Expr, FieldRule, MappingSpec, Rule

__all__ = ["Access", "PathUse", "index_mapping_set", "index_spec"]


class Access(StrEnum):
    READ = "read"
    WRITE = "write"


@dataclass(frozen=True, order=True)
class PathUse:
    """One mapping rule reading (from its source) or writing (to its target) a pointer."""

    pointer: str
    access: Access
    spec: str  # repo-relative spec file
    line: int
    col: int
    endpoint: str  # the source or target it is a pointer of, e.g. "time_entry@1.1.0"
    rule: str  # the rule's dotted target path ("" for the spec's `when`/`key`)


class _PointerModel(SchemaModel):
    """A :class:`SchemaModel` that knows the logical pointer of every node it hands out.

    Each node returned by :meth:`property` or :meth:`items` is a fresh shallow copy, registered
    with its pointer: a ``$defs`` entry reached through two properties is two distinct nodes
    with two pointers. Copies are kept alive, so ids are never reused while indexing."""

    def __init__(self, root: dict[str, Any]) -> None:
        super().__init__(root)
        self._nodes: dict[int, tuple[dict[str, Any], str]] = {}
        self.reads: list[str] = []
        self.root_node = self.register(root, "")

    def register(self, schema: dict[str, Any], pointer: str) -> dict[str, Any]:
        node = dict(schema)
        self._nodes[id(node)] = (node, pointer)
        return node

    def pointer_of(self, schema: Any) -> str | None:
        entry = self._nodes.get(id(schema))
        return entry[1] if entry is not None and entry[0] is schema else None

    def property(self, schema: Any, name: str) -> PropertyLookup:
        found = super().property(schema, name)
        base = self.pointer_of(schema)
        if base is None or found.not_object:
            return found
        return replace(found, schema=self.register(found.schema,
                                                   join_pointer(base, "properties", name)))

    def items(self, schema: Any) -> dict[str, Any]:
        found = super().items(schema)
        base = self.pointer_of(schema)
        return found if base is None else self.register(found, join_pointer(base, "items"))


class _PointerInferrer(Inferrer):
    """The checker's inference, recording the pointer of every property it reads — also below
    nodes whose schema says nothing (``additionalProperties``, an unknown property), where the
    checker stops resolving but the data path goes on."""

    model: _PointerModel

    def visit_field(self, node: dict[str, Any], cur: Ty, label: str,
                    scope: Scope) -> tuple[Ty, str]:
        base = self.model.pointer_of(cur.schema)
        ty, shown = super().visit_field(node, cur, label, scope)
        if base is not None:
            pointer = join_pointer(base, "properties", str(node["value"]))
            self.model.reads.append(pointer)
            if self.model.pointer_of(ty.schema) is None:
                ty = Ty(self.model.register(ty.schema, pointer), ty.nullable)
        return ty, shown


def _leaves(pointers: Iterable[str]) -> list[str]:
    """The pointers that are not a step on the way to another one (``a`` of ``a.b``)."""
    found = sorted(set(pointers))
    return [p for p in found if not any(q.startswith(p + "/") for q in found)]


@dataclass
class _Indexer:
    spec: MappingSpec
    model: _PointerModel
    source: str
    target: str
    uses: list[PathUse]

    def read(self, expr: Expr | None, scope: Scope, rule: str) -> tuple[Ty, list[str]]:
        """Index one expression's reads; its inferred type and the pointers it reads."""
        if expr is None:
            return Ty({}, True), []
        ast, syntax = parse_expression(expr, self.spec.display)
        if syntax is not None:
            return Ty({}, True), []  # the checker reports it
        start = len(self.model.reads)
        ty = _PointerInferrer(self.model, expr.text).infer(ast, scope)
        leaves = _leaves(self.model.reads[start:])
        self.uses.extend(PathUse(p, Access.READ, self.spec.display, expr.line, expr.col,
                                 self.source, rule) for p in leaves)
        return ty, leaves

    def write(self, rule: Rule, pointer: str) -> None:
        self.uses.append(PathUse(pointer, Access.WRITE, self.spec.display, rule.line, rule.col,
                                 self.target, rule.dotted))

    def rules(self, rules: tuple[Rule, ...], scope: Scope, base: str) -> None:
        for rule in rules:
            pointer = base
            for segment in rule.target:
                pointer = join_pointer(pointer, "properties", segment)
            if isinstance(rule, FieldRule):
                self.write(rule, pointer)
                self.read(rule.expr, scope, rule.dotted)
                self.read(rule.when, scope, rule.dotted)
            elif isinstance(rule, EachRule):
                pointer = join_pointer(pointer, "items")
                self.write(rule, pointer)
                array, leaves = self.read(rule.each, scope, rule.dotted)
                self.read(rule.when, scope, rule.dotted)
                item = Ty(self.model.items(array.schema), False)
                if self.model.pointer_of(item.schema) is None and leaves:
                    item = Ty(self.model.register(item.schema, _item_pointer(leaves)), False)
                self.rules(rule.rules, scope.child(item, f"{scope.label}[*]"), pointer)


def _item_pointer(leaves: list[str]) -> str:
    """Where the items of a computed array come from: the deepest array its expression reads
    (``lines[?active]`` -> ``/properties/lines/items``)."""
    deepest = max(leaves, key=len)
    head, found, _ = deepest.rpartition("/items")
    return head + found if found else join_pointer(deepest, "items")


def _endpoint_name(spec: MappingSpec, role: str) -> str:
    endpoint = spec.source if role == "source" else spec.target
    if endpoint.contract:
        return endpoint.contract
    return f"{endpoint.system}:{endpoint.schema or endpoint.operation}"


def index_spec(spec: MappingSpec, source_schema: dict[str, Any]) -> list[PathUse]:
    """Every read (resolved through ``source_schema``) and write of one spec, in rule order."""
    model = _PointerModel(source_schema)
    indexer = _Indexer(spec, model, _endpoint_name(spec, "source"),
                       _endpoint_name(spec, "target"), [])
    record = Ty(model.root_node, False)
    scope = Scope(record, record)
    for expr in (spec.when, spec.key):
        indexer.read(expr, scope, "")
    indexer.rules(spec.rules, scope, "")
    return indexer.uses


def index_mapping_set(mappings: MappingSet, resolver: SchemaResolver,
                      specs: Iterable[MappingSpec] | None = None) -> list[PathUse]:
    """The index of ``specs`` (default: every spec). A spec whose source does not resolve is
    indexed against an empty schema: its writes and the paths its expressions name are still
    there (the checker reports the endpoint)."""
    uses: list[PathUse] = []
    for spec in mappings.specs if specs is None else specs:
        try:
            source = resolver.resolve(spec.source, "source")
        except EndpointError:
            source = {}
        uses.extend(index_spec(spec, source))
    return uses
