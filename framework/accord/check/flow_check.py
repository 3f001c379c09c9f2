"""Flows against the workspace: every name a flow uses resolves, and fits its place.

For each ``mappings/<flow>/flow.yaml``: the flow is named after its folder; its entity is a
contract version; each source system exists, its inbound mapping reads that system and writes
the entity, and the system's API description serves the source's operation (list/read) for the
mapping's record schema (:mod:`accord.workspace.apimodel`); each target system exists, its
outbound mapping reads the entity and writes that system, and the description serves every
operation the target may use (create/update); mapping versions read each other (the caller's
``compatible``, :func:`accord.compat`); the key and the gates read paths the entity has (the
checker's own path resolution); every error class has an owner. Findings ACC490-ACC499, located.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from accord import codes
from accord.check.endpoints import EndpointError, SchemaResolver
from accord.check.infer import Inferrer, Scope
from accord.check.schema_model import SchemaModel
from accord.check.types import Ty
from accord.diagnostics import Diagnostic, Severity
from accord.errors import AccordError
from accord.jsondoc import join_pointer
from accord.mapping.flow import ERROR_CLASSES, FlowSet, FlowSpec
from accord.mapping.loader import MappingSet
from accord.mapping.model import Endpoint, Expr, MappingSpec
from accord.workspace.apimodel import ApiModel, Collection, document_model
from accord.workspace.contracts import ContractRegistry
from accord.workspace.systems import System

__all__ = ["Compatible", "check_flows"]

#: ``compatible(writer, reader)``: why records of contract ``writer`` (name@version) cannot be
#: read as ``reader``, or None when they can
Compatible = Callable[[str, str], "str | None"]

_KINDS = ("list", "read", "create", "update")
_ROLE_KINDS = {"inbound": ("list", "read"), "outbound": ("create", "update")}


@dataclass
class _Context:
    flow: FlowSpec
    mappings: MappingSet
    contracts: ContractRegistry
    systems: dict[str, System]
    resolver: SchemaResolver
    compatible: Compatible
    models: dict[tuple[str, str | None], ApiModel | None]
    diags: list[Diagnostic] = field(default_factory=list)

    def at(self, pointer: str, code: str, message: str, hint: str, *, key: bool = False,
           **extra: Any) -> None:
        self.diags.append(self.flow.document.diagnostic(code, message, pointer, hint=hint,
                                                        key=key, extra=extra))

    # -- names ---------------------------------------------------------------------------------
    def system(self, name: str, pointer: str) -> System | None:
        found = self.systems.get(name)
        if found is None:
            close = difflib.get_close_matches(name, list(self.systems), n=1)
            self.at(pointer, codes.FLOW_SYSTEM_UNKNOWN, f"no system named {name!r}",
                    f"did you mean {close[0]!r}?" if close else
                    f"systems: {', '.join(sorted(self.systems)) or 'none'}")
        return found

    def mapping(self, name: str, pointer: str) -> MappingSpec | None:
        spec = self.mappings.get(name)
        if spec is None:
            names = [s.name for s in self.mappings.specs]
            close = difflib.get_close_matches(name, names, n=1)
            self.at(pointer, codes.FLOW_MAPPING_UNKNOWN, f"no mapping named {name!r}",
                    f"did you mean {close[0]!r}?" if close else
                    "use the name: of a spec under mappings/ (`accord check` shows why a spec "
                    "did not load)")
        return spec

    def model(self, system: System, schema: str | None) -> ApiModel | None:
        """The API model of one record schema of a system, or (``schema`` None) of all of
        them; None when the description is broken (the system's own check reports it)."""
        key = (system.name, schema)
        if key not in self.models:
            try:
                self.models[key] = document_model(system.api,
                                                  None if schema is None else [schema])
            except AccordError:
                self.models[key] = None
        return self.models[key]

    # -- expressions ---------------------------------------------------------------------------
    def paths(self, expr: Expr, schema: dict[str, Any], what: str) -> Ty | None:
        """What an expression reads must exist in ``schema`` (errors of the checker's own path
        resolution; its warnings about types are the mappings' business, not the flow's).
        Returns the expression's inferred type (None when it did not parse)."""
        if expr.ast is None:
            return None
        model = SchemaModel(schema)
        record = Ty(schema, False)
        inferrer = Inferrer(model, expr.text)
        ty = inferrer.infer(expr.ast, Scope(record, record))
        one_line = "\n" not in expr.text
        for issue in inferrer.issues:
            if issue.warning:
                continue
            col = expr.col + issue.column if one_line else expr.col
            message = issue.message.replace("the source schema", self.flow.entity)
            self.diags.append(Diagnostic(
                codes.FLOW_EXPRESSION, f"{what}: {message}", self.flow.display,
                expr.line, col, expr.pointer, issue.hint, Severity.ERROR,
                {"expression": expr.text, "checker_code": str(issue.code)}))
        return ty


def _entity_name(ref: str | None) -> str:
    return (ref or "").partition("@")[0]


def _operation_of(model: ApiModel, operation_id: str) -> list[tuple[Collection, str]]:
    return [(c, kind) for c in model.collections for kind in _KINDS
            if getattr(c, kind) is not None and getattr(c, kind).operation_id == operation_id]


def _served(ctx: _Context, system: System, endpoint: Endpoint, wanted: tuple[str, ...],
            pointer: str, role: str) -> None:
    """The description serves each kind in ``wanted`` for the mapping's record schema."""
    if endpoint.schema:
        model = ctx.model(system, endpoint.schema)
        if model is None:
            return
        collection = model.collection_for(endpoint.schema)
        have = [k for k in _KINDS
                if collection is not None and k in collection.kinds_for(endpoint.schema)]
        for kind in wanted:
            if kind in have:
                continue
            where = (f"serves {', '.join(have)} for {endpoint.schema}" if have else
                     f"has no collection of {endpoint.schema} (no GET on a path ending in "
                     "an id that answers it)")
            fitting = [k for k in have if k in _ROLE_KINDS[role]]
            ctx.at(pointer, codes.FLOW_OPERATION,
                   f"{system.name}'s API description has no {kind} operation for "
                   f"{endpoint.schema}: it {where}",
                   f"use {' or '.join(fitting)}" if fitting else
                   "re-import the system with the operations the flow needs "
                   "(`accord system import`)", operation=kind, schema=endpoint.schema)
        return
    if endpoint.operation:
        whole = ctx.model(system, None)
        if whole is None:
            return
        kinds = sorted({kind for _c, kind in _operation_of(whole, endpoint.operation)})
        for kind in wanted:
            if kind not in kinds:
                ctx.at(pointer, codes.FLOW_OPERATION,
                       f"the {role} mapping's operation {endpoint.operation!r} is not a {kind} "
                       f"operation of {system.name}"
                       + (f" (it is {', '.join(kinds)})" if kinds else ""),
                       "point the mapping at the operation that does it, or change the "
                       "flow's operation", operation=kind)


def _version(ctx: _Context, writer: str, reader: str, pointer: str, what: str) -> None:
    if writer == reader:
        return
    try:
        ctx.contracts.parse_ref(writer)
        ctx.contracts.parse_ref(reader)
    except AccordError:
        return  # an unknown contract is reported where it is named
    reason = ctx.compatible(writer, reader)
    if reason is not None:
        ctx.at(pointer, codes.FLOW_CONTRACT,
               f"{what}: records of {writer} cannot be read as {reader}: {reason}",
               f"move the mapping to {ctx.flow.entity}, or the flow to a version both read",
               writer=writer, reader=reader)


def _check_sources(ctx: _Context) -> None:
    flow = ctx.flow
    seen: dict[str, int] = {}
    for index, source in enumerate(flow.sources):
        ptr = join_pointer("/sources", index)
        if source.system in seen:
            ctx.at(join_pointer(ptr, "system"), codes.FLOW_EMPTY,
                   f"{source.system} is a source twice (also /sources/{seen[source.system]})",
                   "one source per system: a second mapping of the same system is a flow of "
                   "its own")
        seen.setdefault(source.system, index)
        system = ctx.system(source.system, join_pointer(ptr, "system"))
        spec = ctx.mapping(source.mapping, join_pointer(ptr, "mapping"))
        if spec is None:
            continue
        if spec.source.system != source.system:
            ctx.at(join_pointer(ptr, "mapping"), codes.FLOW_MAPPING_DIRECTION,
                   f"inbound mapping {spec.name} reads {spec.source.describe()}, not "
                   f"{source.system}", f"use a mapping whose source is {source.system} "
                   f"(mapping {spec.display})", mapping=spec.name)
        if _entity_name(spec.target.contract) != _entity_name(flow.entity):
            ctx.at(join_pointer(ptr, "mapping"), codes.FLOW_MAPPING_DIRECTION,
                   f"inbound mapping {spec.name} writes {spec.target.describe()}, not the "
                   f"flow's entity {flow.entity}",
                   f"an inbound mapping's target is {{contract: {flow.entity}}}",
                   mapping=spec.name)
        elif spec.target.contract:
            _version(ctx, spec.target.contract, flow.entity, join_pointer(ptr, "mapping"),
                     f"inbound mapping {spec.name}")
        if system is not None and spec.source.system == source.system:
            _served(ctx, system, spec.source, (source.operation,),
                    join_pointer(ptr, "operation"), "inbound")
            if source.watermark and spec.source.schema:
                _watermark(ctx, spec, source.watermark, join_pointer(ptr, "watermark"))


def _watermark(ctx: _Context, spec: MappingSpec, name: str, pointer: str) -> None:
    try:
        schema = ctx.resolver.resolve(spec.source, "source")
    except EndpointError:
        return  # the mapping's own finding
    model = SchemaModel(schema)
    found = model.property(schema, name)
    if not found.found:
        close = difflib.get_close_matches(name, found.candidates, n=1)
        ctx.at(pointer, codes.FLOW_EXPRESSION,
               f"watermark {name!r} is not a property of {spec.source.describe()}",
               f"did you mean {close[0]!r}?" if close else
               "name the field that orders the source's changes (its last-modified time)")


def _check_targets(ctx: _Context) -> None:
    flow = ctx.flow
    seen: dict[str, int] = {}
    for index, target in enumerate(flow.targets):
        ptr = join_pointer("/targets", index)
        if target.system in seen:
            ctx.at(join_pointer(ptr, "system"), codes.FLOW_EMPTY,
                   f"{target.system} is a target twice (also /targets/{seen[target.system]})",
                   "one target per system: list its operations once")
        seen.setdefault(target.system, index)
        system = ctx.system(target.system, join_pointer(ptr, "system"))
        spec = ctx.mapping(target.mapping, join_pointer(ptr, "mapping"))
        if spec is None:
            continue
        if _entity_name(spec.source.contract) != _entity_name(flow.entity):
            ctx.at(join_pointer(ptr, "mapping"), codes.FLOW_MAPPING_DIRECTION,
                   f"outbound mapping {spec.name} reads {spec.source.describe()}, not the "
                   f"flow's entity {flow.entity}",
                   f"an outbound mapping's source is {{contract: {flow.entity}}}",
                   mapping=spec.name)
        elif spec.source.contract:
            _version(ctx, flow.entity, spec.source.contract, join_pointer(ptr, "mapping"),
                     f"outbound mapping {spec.name}")
        if spec.target.system != target.system:
            ctx.at(join_pointer(ptr, "mapping"), codes.FLOW_MAPPING_DIRECTION,
                   f"outbound mapping {spec.name} writes {spec.target.describe()}, not "
                   f"{target.system}", f"use a mapping whose target is {target.system}",
                   mapping=spec.name)
        elif system is not None:
            _served(ctx, system, spec.target, target.operations,
                    join_pointer(ptr, "operations"), "outbound")


def _check_expressions(ctx: _Context) -> None:
    flow = ctx.flow
    try:
        ctx.contracts.parse_ref(flow.entity)
    except AccordError:
        ctx.at("/entity", codes.FLOW_CONTRACT, f"no contract {flow.entity}",
               "name a version under contracts/canonical/<entity>/ (accord check lists them)")
        return
    try:
        schema = ctx.resolver.resolve(Endpoint(contract=flow.entity), "source")
    except EndpointError:
        return  # the contract's own findings say why
    ctx.paths(flow.key, schema, "the key")
    if flow.active is not None:
        ctx.paths(flow.active, schema, "active")
    names = set(ctx.contracts.names())
    _check_enrich(ctx, schema, names)
    for gate in flow.gates:
        for role, expr in gate.exprs.items():
            ctx.paths(expr, schema, f"gate {gate.name} ({role})")
        if gate.entity is not None and gate.entity not in names:
            close = difflib.get_close_matches(gate.entity, sorted(names), n=1)
            ctx.at(join_pointer("/gates", gate.name, "active", "entity"), codes.FLOW_CONTRACT,
                   f"gate {gate.name}: no canonical entity {gate.entity!r}",
                   f"did you mean {close[0]!r}?" if close else "name a canonical entity")
    if flow.reconcile is not None:
        _check_reconcile(ctx, schema)


#: JSON types a reconcile measure can never total
_NOT_AMOUNTS = frozenset({"object", "array", "boolean"})


def _check_reconcile(ctx: _Context, schema: dict[str, Any]) -> None:
    """Measures and groups read paths the entity has; a measure can be a number."""
    block = ctx.flow.reconcile
    assert block is not None
    for name, expr in block.group_by.items():
        ctx.paths(expr, schema, f"reconcile group {name}")
    for name, expr in block.measures.items():
        ty = ctx.paths(expr, schema, f"reconcile measure {name}")
        kinds = set(SchemaModel(schema).types(ty.schema) or ()) - {"null"} if ty else set()
        if kinds and kinds <= _NOT_AMOUNTS:
            ctx.diags.append(Diagnostic(
                codes.RECONCILE_MEASURE_TYPE,
                f"reconcile measure {name}: {expr.text} is {' or '.join(sorted(kinds))}, "
                "not an amount", ctx.flow.display, expr.line, expr.col, expr.pointer,
                "total a number or a decimal string: budget.amount, not budget",
                Severity.ERROR, {"expression": expr.text}))


def _check_enrich(ctx: _Context, schema: dict[str, Any], names: set[str]) -> None:
    """Each enrichment fills a property of the entity from a property of a known entity."""
    own = set(schema.get("properties") or {})
    for item in ctx.flow.enrich:
        ptr = join_pointer("/enrich", item.name)
        ctx.paths(item.ref, schema, f"enrich {item.name} (ref)")
        if item.name not in own:
            close = difflib.get_close_matches(item.name, sorted(own), n=1)
            ctx.at(ptr, codes.FLOW_EXPRESSION, f"enrich: {item.name} is not a property of "
                   f"{ctx.flow.entity}", f"did you mean {close[0]!r}?" if close else
                   "name a property of the flow's entity", key=True)
        if item.entity not in names:
            close = difflib.get_close_matches(item.entity, sorted(names), n=1)
            ctx.at(join_pointer(ptr, "from"), codes.FLOW_CONTRACT,
                   f"enrich {item.name}: no canonical entity {item.entity!r}",
                   f"did you mean {close[0]!r}?" if close else "name a canonical entity")
            continue
        theirs = set(ctx.contracts.latest(item.entity).schema.get("properties") or {})
        if item.property not in theirs:
            close = difflib.get_close_matches(item.property, sorted(theirs), n=1)
            ctx.at(join_pointer(ptr, "property") if item.property != item.name else ptr,
                   codes.FLOW_EXPRESSION, f"enrich {item.name}: {item.entity} has no property "
                   f"{item.property!r}", f"did you mean {close[0]!r}?" if close else
                   f"name a property of {item.entity}")


def _check_policies_and_owners(ctx: _Context) -> None:
    flow = ctx.flow
    used = {s.system for s in flow.sources} | {t.system for t in flow.targets}
    for name in flow.policies:
        if name != "default" and name not in used:
            ctx.at(join_pointer("/systems", name), codes.FLOW_POLICY_SYSTEM,
                   f"call settings for {name!r}, which the flow neither reads nor writes",
                   f"key systems: by {', '.join(sorted(used)) or 'its systems'} or "
                   "default", key=True)
    missing = [c.value for c in ERROR_CLASSES if flow.owner_of(c) is None]
    if missing:
        ctx.at("/exceptions", codes.FLOW_OWNER_MISSING,
               f"no owner for {', '.join(missing)} exceptions",
               "name an owner for each class under exceptions:, or a default", key=True,
               classes=missing)


def check_flow(flow: FlowSpec, mappings: MappingSet, contracts: ContractRegistry,
               systems: dict[str, System], resolver: SchemaResolver,
               compatible: Compatible, models: dict[tuple[str, str | None], ApiModel | None] | None
               = None) -> list[Diagnostic]:
    """Every finding of one loaded flow."""
    ctx = _Context(flow, mappings, contracts, systems, resolver, compatible,
                   models if models is not None else {})
    if flow.name != flow.folder:
        ctx.at("/name", codes.FLOW_NAME,
               f"flow {flow.name!r} lives in mappings/{flow.folder}/",
               f"name it {flow.folder!r} (accord sync runs a flow by its folder's name)")
    if not flow.sources and not flow.targets:
        ctx.at("", codes.FLOW_EMPTY, f"flow {flow.name} reads nothing and delivers nowhere",
               "give it sources: (systems to read) or targets: (systems to write)")
    _check_expressions(ctx)
    _check_sources(ctx)
    _check_targets(ctx)
    _check_policies_and_owners(ctx)
    return ctx.diags


def check_flows(flows: FlowSet, mappings: MappingSet, contracts: ContractRegistry,
                systems: dict[str, System], resolver: SchemaResolver,
                compatible: Compatible) -> list[Diagnostic]:
    """Load findings plus the check of every flow that loaded."""
    diags = list(flows.diagnostics)
    models: dict[tuple[str, str | None], ApiModel | None] = {}
    for flow in flows.flows:
        diags.extend(check_flow(flow, mappings, contracts, systems, resolver, compatible,
                                models))
    return diags
