"""Flows (``flow/v1``): ``mappings/<flow>/flow.yaml`` as typed objects, and their loader.

A flow names one canonical entity, the systems its records come from (each with its read
operation and inbound mapping), the systems they go to (each with its outbound mapping and the
operations it may use), the entity's key, the gates a record must pass before delivery, how each
system is called, and who owns each class of failure. The loader validates the published
format (``accord schema flow``) through the same hostile-input-safe YAML loader as every
workspace file, parses every expression once with the strict parser (a syntax error is located
inside the expression), and remembers where each part was written; :mod:`accord.check.flow_check`
resolves the references.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from accord import fsio
from accord.diagnostics import Diagnostic, relative
from accord.errors import LoadError
from accord.jsondoc import join_pointer
from accord.mapping.formats import validate_format
from accord.mapping.loader import _expr_start, parse_expression
from accord.mapping.model import Expr
from accord.workspace.yamlio import YamlDocument, load_yaml

__all__ = [
    "ERROR_CLASSES",
    "FLOW_FILES",
    "CallPolicy",
    "Enrichment",
    "ErrorClass",
    "FlowSet",
    "FlowSource",
    "FlowSpec",
    "FlowTarget",
    "Gate",
    "Place",
    "RateLimit",
    "Reconcile",
    "Retry",
    "discover_flows",
    "load_flow",
    "load_flows",
]

#: the file names a flow may have (one per folder of mappings/); they are not mapping specs
FLOW_FILES = ("flow.yaml", "flow.yml")


class ErrorClass(StrEnum):
    """How a failed record is classified, and so whom it is routed to."""

    BUSINESS_RULE = "business_rule"  # a gate failed: not approved, inactive master data, ...
    DATA_QUALITY = "data_quality"  # the record breaks its schema, a key part is missing
    MAPPING_ERROR = "mapping_error"  # a rule failed: lookup miss, type error in a function
    AUTHENTICATION = "authentication"  # 401/403, missing credentials
    AVAILABILITY = "availability"  # timeouts, connection errors, 408, 429, 5xx: retried


ERROR_CLASSES: tuple[ErrorClass, ...] = tuple(ErrorClass)


@dataclass(frozen=True)
class Place:
    """Where a part of a flow is written: its JSON pointer, line and column."""

    pointer: str
    line: int
    col: int


@dataclass(frozen=True)
class FlowSource:
    """A system records come from: read with ``operation`` (list|read), mapped by ``mapping``."""

    system: str
    operation: str
    mapping: str
    place: Place
    watermark: str | None = None


@dataclass(frozen=True)
class FlowTarget:
    """A system records go to: mapped by ``mapping``, written with ``operations``."""

    system: str
    mapping: str
    operations: tuple[str, ...]
    place: Place


@dataclass(frozen=True)
class Gate:
    """A named check before delivery: ``kind`` is ``require``, ``active`` or ``open_period``.

    ``exprs`` holds the gate's expressions by role: ``require``; ``ref`` (active); ``legal_entity``
    and ``date`` (open_period); plus ``when`` when the gate is conditional."""

    name: str
    kind: str
    exprs: dict[str, Expr]
    place: Place
    entity: str | None = None  # active: the canonical entity ``ref`` must be an active record of
    description: str = ""

    @property
    def when(self) -> Expr | None:
        return self.exprs.get("when")


@dataclass(frozen=True)
class Reconcile:
    """What ``accord reconcile`` totals (``measures``: name -> expression giving a number or a
    decimal string) and groups by (``group_by``: name -> expression), in file order."""

    measures: dict[str, Expr]
    group_by: dict[str, Expr]
    place: Place
    description: str = ""


@dataclass(frozen=True)
class Enrichment:
    """``name`` of the record, when it lacks one, from the ``entity`` record ``ref`` points at
    (its ``property``)."""

    name: str
    entity: str
    ref: Expr
    property: str
    place: Place


@dataclass(frozen=True)
class Retry:
    max_attempts: int = 5
    initial_delay: float = 1.0
    max_delay: float = 60.0
    multiplier: float = 2.0
    jitter: str = "full"


@dataclass(frozen=True)
class RateLimit:
    requests: int
    per: float
    burst: int | None = None


@dataclass(frozen=True)
class CallPolicy:
    """How one system is called: the flow's ``default`` entry, then the system's own, over the
    built-in defaults (30 s timeout, 5 attempts from 1 s doubling to 60 s with full jitter, no
    rate limit)."""

    timeout: float = 30.0
    retry: Retry = field(default_factory=Retry)
    rate_limit: RateLimit | None = None


@dataclass
class FlowSpec:
    """One loaded ``flow/v1`` file."""

    path: Path
    display: str
    document: YamlDocument
    name: str
    entity: str
    key: Expr
    sources: tuple[FlowSource, ...]
    targets: tuple[FlowTarget, ...]
    gates: tuple[Gate, ...]
    #: the ``systems`` block as written: name (or ``default``) -> settings
    policies: dict[str, dict[str, Any]]
    #: the ``exceptions`` block as written: class (or ``default``) -> owner
    owners: dict[str, str]
    description: str = ""
    #: the ``reconcile`` block: measures and groups (None: reconcile counts records only)
    reconcile: Reconcile | None = None
    #: when a record counts as active master data (other flows' ``active`` gates); None: always
    active: Expr | None = None
    #: master-data enrichment, in file order (``enrich:``)
    enrich: tuple[Enrichment, ...] = ()

    @property
    def folder(self) -> str:
        """The folder the flow lives in (its name, when the flow is well formed)."""
        return self.path.parent.name

    def owner_of(self, error_class: ErrorClass | str) -> str | None:
        """Who receives exceptions of ``error_class``: its own owner, else the default."""
        return self.owners.get(str(error_class)) or self.owners.get("default")

    def policy(self, system: str) -> CallPolicy:
        """The call settings of ``system``: its entry over ``default`` over the built-ins."""
        merged: dict[str, Any] = {}
        for entry in (self.policies.get("default") or {}, self.policies.get(system) or {}):
            for name, value in entry.items():
                if isinstance(value, dict) and isinstance(merged.get(name), dict):
                    merged[name] = {**merged[name], **value}
                else:
                    merged[name] = value
        retry = Retry(**merged["retry"]) if "retry" in merged else Retry()
        limit = merged.get("rate_limit")
        return CallPolicy(timeout=float(merged.get("timeout", 30.0)), retry=retry,
                          rate_limit=RateLimit(**limit) if limit else None)

    def expressions(self) -> list[Expr]:
        """Every expression of the flow, in file order."""
        found = [self.key, *([self.active] if self.active is not None else [])]
        found.extend(e.ref for e in self.enrich)
        for gate in self.gates:
            found.extend(gate.exprs.values())
        if self.reconcile is not None:
            found.extend(self.reconcile.measures.values())
            found.extend(self.reconcile.group_by.values())
        return found

    def place(self, pointer: str, *, key: bool = False) -> Place:
        pos = self.document.position(pointer, key=key)
        return Place(pointer, pos.line, pos.col)


@dataclass
class FlowSet:
    """Every flow under ``mappings/``, and the findings of those that did not load."""

    flows: list[FlowSpec] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def get(self, name: str) -> FlowSpec | None:
        return next((f for f in self.flows if f.name == name), None)


class _Builder:
    def __init__(self, doc: YamlDocument, text: str) -> None:
        self.doc = doc
        self.text = text
        self.diags: list[Diagnostic] = []

    def place(self, pointer: str, *, key: bool = False) -> Place:
        pos = self.doc.position(pointer, key=key)
        return Place(pointer, pos.line, pos.col)

    def expr(self, value: str, pointer: str) -> Expr:
        line, col = _expr_start(self.doc, self.text, pointer)
        expr = Expr(value, line, col, pointer)
        ast, problem = parse_expression(expr, self.doc.display)  # the one parse
        if problem is not None:
            self.diags.append(problem)
            return expr
        return Expr(value, line, col, pointer, ast)

    def gate(self, name: str, body: dict[str, Any]) -> Gate:
        ptr = join_pointer("/gates", name)
        exprs: dict[str, Expr] = {}
        entity = None
        if "require" in body:
            kind = "require"
            exprs["require"] = self.expr(body["require"], join_pointer(ptr, "require"))
        elif "active" in body:
            kind = "active"
            entity = body["active"]["entity"]
            exprs["ref"] = self.expr(body["active"]["ref"], join_pointer(ptr, "active", "ref"))
        else:
            kind = "open_period"
            for role in ("legal_entity", "date"):
                exprs[role] = self.expr(body["open_period"][role],
                                        join_pointer(ptr, "open_period", role))
        if "when" in body:
            exprs["when"] = self.expr(body["when"], join_pointer(ptr, "when"))
        return Gate(name=name, kind=kind, exprs=exprs, place=self.place(ptr, key=True),
                    entity=entity, description=body.get("description", ""))

    def reconcile(self, body: dict[str, Any]) -> Reconcile:
        parts = {part: {name: self.expr(text, join_pointer("/reconcile", part, name))
                        for name, text in (body.get(part) or {}).items()}
                 for part in ("measures", "group_by")}
        return Reconcile(measures=parts["measures"], group_by=parts["group_by"],
                         place=self.place("/reconcile", key=True),
                         description=body.get("description", ""))


def load_flow(path: str | Path, *, root: str | Path) -> FlowSpec:
    """Load one flow file. Raises :class:`LoadError` carrying every finding when it is not a
    valid ``flow/v1`` file or an expression in it does not parse."""
    p = Path(path)
    display = relative(p, root)
    doc = load_yaml(p, display=display, root=root)
    text = fsio.read_text(p, root=root, display=display)
    diags = validate_format("flow", doc)
    if diags:
        raise LoadError(f"{display}: not a valid flow/v1 file", diagnostics=diags)
    data: dict[str, Any] = doc.data
    builder = _Builder(doc, text)
    key = builder.expr(data["key"], "/key")
    active = builder.expr(data["active"], "/active") if "active" in data else None
    enrich = tuple(
        Enrichment(name, body["from"], builder.expr(body["ref"], join_pointer("/enrich", name,
                                                                                "ref")),
                   body.get("property", name), builder.place(join_pointer("/enrich", name),
                                                             key=True))
        for name, body in (data.get("enrich") or {}).items())
    sources = tuple(
        FlowSource(system=s["system"], operation=s["operation"], mapping=s["mapping"],
                   watermark=s.get("watermark"),
                   place=builder.place(join_pointer("/sources", i)))
        for i, s in enumerate(data.get("sources") or []))
    targets = tuple(
        FlowTarget(system=t["system"], mapping=t["mapping"], operations=tuple(t["operations"]),
                   place=builder.place(join_pointer("/targets", i)))
        for i, t in enumerate(data.get("targets") or []))
    gates = tuple(builder.gate(name, body) for name, body in (data.get("gates") or {}).items())
    reconcile = builder.reconcile(data["reconcile"]) if "reconcile" in data else None
    if builder.diags:
        raise LoadError(f"{display}: invalid expressions", diagnostics=builder.diags)
    return FlowSpec(path=Path(os.path.realpath(p)), display=display, document=doc,
                    name=data["name"], entity=data["entity"], key=key, sources=sources,
                    targets=targets, gates=gates, policies=dict(data.get("systems") or {}),
                    owners=dict(data["exceptions"]), description=data.get("description", ""),
                    reconcile=reconcile, active=active, enrich=enrich)


def discover_flows(root: str | Path) -> list[Path]:
    """``mappings/<flow>/flow.yaml``, sorted (one folder level: lookups/ and examples/ hold
    no flows)."""
    folder = Path(root) / "mappings"
    if not folder.is_dir():
        return []
    return sorted(file for name in FLOW_FILES for file in folder.glob(f"*/{name}")
                  if file.parent.name not in ("lookups", "examples"))


def load_flows(root: str | Path) -> FlowSet:
    """Every flow of the workspace; findings are collected, never raised."""
    result = FlowSet()
    for path in discover_flows(root):
        try:
            result.flows.append(load_flow(path, root=root))
        except LoadError as exc:
            result.diagnostics.extend(exc.diagnostics)
    return result
