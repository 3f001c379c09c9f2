"""Everything one flow needs before its first record: the flow (checked), its mappings' generated
transformers (fresh, or refused), the validators of the canonical entity and of each target's
records, the compiled key and ``active`` expressions, the entity's owners and each system's
collection (where its records are read and written).

A flow with a finding of ``accord check`` does not run: a sync must never deliver what the
checker would refuse.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from accord.diagnostics import Severity
from accord.errors import CheckError, LoadError, UsageError
from accord.expr import compile_expression
from accord.mapping.flow import FlowSource, FlowSpec, FlowTarget
from accord.project import Workspace
from accord.run import resolve_transformer, target_schema
from accord.runtime.validate import Validator, compile_validator
from accord.workspace.apimodel import Collection, api_model
from accord.workspace.ownership import contract_owners

__all__ = ["Inbound", "Outbound", "PreparedFlow", "prepare_flow"]


@dataclass
class Inbound:
    """A source system of the flow, ready: its transformer into the entity, its collection."""

    source: FlowSource
    transformer: Any
    collection: Collection | None  # None: the flow's input is canonical records (no system)

    @property
    def system(self) -> str:
        return self.source.system

    @property
    def version(self) -> str:
        return str(getattr(self.transformer, "VERSION", "") or "")


@dataclass
class Outbound:
    """A target system of the flow, ready: its transformer from the entity, the validator of
    its records, its collection."""

    target: FlowTarget
    transformer: Any
    validator: Validator
    schema_label: str
    collection: Collection

    @property
    def system(self) -> str:
        return self.target.system

    @property
    def version(self) -> str:
        return str(getattr(self.transformer, "VERSION", "") or "")


@dataclass
class PreparedFlow:
    root: Path
    flow: FlowSpec
    entity: str  # the entity's name (``time_entry``)
    validator: Validator  # the flow's entity version
    key: Callable[[Any], Any]
    active: Callable[[Any], Any] | None
    owners: dict[tuple[str, ...], str]
    kinds: dict[str, str]  # system name -> kind
    entities: frozenset[str] = frozenset()  # every canonical entity's name (for references)
    enrich: list[Callable[[Any], Any]] = field(default_factory=list)  # each enrichment's ref
    sources: list[Inbound] = field(default_factory=list)
    targets: list[Outbound] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.flow.name

    def systems(self) -> list[str]:
        """Every system the flow calls, sources first."""
        names = [s.system for s in self.sources if s.collection is not None]
        return names + [t.system for t in self.targets if t.system not in names]


def _collection(workspace: Workspace, endpoint: dict[str, str], what: str) -> Collection:
    system = workspace.systems.get(endpoint.get("system", ""))
    if system is None:
        raise LoadError(f"{what}: no system {endpoint.get('system')!r} under contracts/systems/")
    schema = endpoint.get("schema")
    model = api_model(system, [schema] if schema else None)
    found: Collection | None = None
    if schema:
        found = model.collection_for(schema)
    else:
        operation = endpoint.get("operation")
        found = next((c for c in model.collections for op in c.operations
                      if op.operation_id == operation), None)
    if found is None:
        raise LoadError(f"{what}: {system.name}'s API description has no collection for "
                        f"{endpoint}: `accord check` says why")
    return found


def prepare_flow(workspace: Workspace, name: str) -> PreparedFlow:
    """The flow ``name`` of ``workspace``, ready to run. UsageError for an unknown flow,
    CheckError carrying the findings when the flow or its mappings do not check clean."""
    flows = workspace.flows
    flow = flows.get(name)
    if flow is None:
        import difflib

        known = sorted(f.name for f in flows.flows)
        close = difflib.get_close_matches(name, known, n=1)
        load_errors = [d for d in flows.diagnostics if f"/{name}/" in d.file]
        if load_errors:
            raise CheckError(f"flow {name} does not load", diagnostics=load_errors)
        raise UsageError(f"no flow {name!r} under mappings/"
                         + (f": did you mean {close[0]!r}?" if close else "")
                         + (f" (flows: {', '.join(known)})" if known else
                            " (a flow is mappings/<name>/flow.yaml: docs/flows.md)"))
    from accord.check.flow_check import check_flow

    used = {s.mapping for s in flow.sources} | {t.mapping for t in flow.targets}
    findings = [d for d in check_flow(flow, workspace.mappings, workspace.contracts,
                                      workspace.systems, workspace.resolver,
                                      workspace._compatible)
                if d.severity == Severity.ERROR]
    from dataclasses import replace

    from accord.check.mapping_check import check_mapping_set

    specs = {spec.name: spec for spec in workspace.mappings.specs}
    mine = replace(workspace.mappings, specs=[specs[m] for m in sorted(used) if m in specs],
                   diagnostics=[])  # only the flow's own mappings are checked
    findings += [d for d in check_mapping_set(mine, workspace.resolver)
                 if d.severity == Severity.ERROR]
    if findings:
        raise CheckError(f"flow {name} has findings: fix them (accord check) before it syncs",
                         diagnostics=findings)
    entity_name, _, _version = flow.entity.partition("@")
    schema, _label = target_schema(workspace, {"contract": flow.entity})
    contract = workspace.contracts.parse_ref(flow.entity)
    owned, _diags = contract_owners(contract, {n: s.kind for n, s in workspace.systems.items()})

    def load(mapping: str) -> Any:
        spec = specs[mapping]
        return resolve_transformer(workspace.root / spec.display, workspace.root,
                                   lambda _folder: workspace.resolver)

    prepared = PreparedFlow(
        root=workspace.root, flow=flow, entity=entity_name, validator=compile_validator(schema),
        key=compile_expression(flow.key.text),
        active=compile_expression(flow.active.text) if flow.active is not None else None,
        owners={path: o.owner for path, o in owned.items()},
        kinds={n: s.kind for n, s in workspace.systems.items()},
        entities=frozenset(workspace.contracts.names()),
        enrich=[compile_expression(item.ref.text) for item in flow.enrich])
    for source in flow.sources:
        transformer = load(source.mapping)
        prepared.sources.append(Inbound(source, transformer, _collection(
            workspace, dict(transformer.SOURCE), f"{flow.display}: source {source.system}")))
    for target in flow.targets:
        transformer = load(target.mapping)
        body, label = target_schema(workspace, dict(transformer.TARGET))
        prepared.targets.append(Outbound(
            target, transformer, compile_validator(body), label,
            _collection(workspace, dict(transformer.TARGET),
                        f"{flow.display}: target {target.system}")))
    return prepared

