"""Reconciliation, the reading: what :func:`accord.sync.reconcile.reconcile` compares, gathered
from a flow's systems and the workspace database.

- **Source side**: every source record re-read in full (a ``list`` source without its
  watermark; a ``read`` source by every id the simulator holds, in ``local``, and every source
  id the ledger knows), mapped into the entity by the inbound transformer and validated, keyed,
  merged across sources under system-of-record ownership and gated exactly as
  ``accord sync`` does. What a gate holds back or the mapping skips is counted outside the
  totals; what fails to map is a problem, by class.
- **Delivered side**: the ledger's records of the flow.
- **Targets**: each delivered record's target id read back with the target's read operation,
  compared field by field with what the outbound mapping makes of the ledger's record now
  (its references completed from the crosswalk, as delivery does).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from accord.errors import AccordError, TransformError
from accord.expr import compile_expression
from accord.mapping.flow import FlowSpec
from accord.runtime.ownership import merge_owned
from accord.sync.reconcile import (
    FieldDiff,
    ReconcileReport,
    ReconcileSpec,
    SourceRecord,
    SourceSide,
    TargetCheck,
    compare_fields,
    reconcile,
)

__all__ = ["EngineSteps", "SourceCollector", "check_target", "reconcile_flow", "reconcile_spec"]


def reconcile_spec(flow: FlowSpec) -> ReconcileSpec:
    """The flow's ``reconcile`` block, compiled (an empty spec counts records only)."""
    block = flow.reconcile
    if block is None:
        return ReconcileSpec()
    texts = {f"measures.{n}": e.text for n, e in block.measures.items()}
    texts.update({f"group_by.{n}": e.text for n, e in block.group_by.items()})
    return ReconcileSpec(
        measures={n: compile_expression(e.text) for n, e in block.measures.items()},
        group_by={n: compile_expression(e.text) for n, e in block.group_by.items()},
        texts=texts)


class _Gates(Protocol):
    def check(self, record: Mapping[str, Any]) -> Any: ...


@dataclass
class SourceCollector:
    """Builds the source side one raw record at a time, as the engine would see it.

    ``key`` is the flow's compiled key, ``validator`` the entity's, ``gates`` the flow's
    (anything whose ``check(record)`` gives None or a failure with ``.gate`` and ``.message``),
    ``owners``/``kinds`` the entity's system-of-record ownership, ``ledger`` the ledger's
    records by key (their ``sources`` decide, like the engine, when a record merges with what
    another source delivered)."""

    key: Callable[[Any], Any]
    validator: Any
    gates: _Gates | None = None
    owners: Mapping[tuple[str, ...], str] = field(default_factory=dict)
    kinds: Mapping[str, str] = field(default_factory=dict)
    ledger: Mapping[str, Any] = field(default_factory=dict)
    side: SourceSide = field(default_factory=SourceSide)
    #: the engine's own steps, when given (see :class:`EngineSteps`): ``canonical(system,
    #: transformer, raw)`` (None: skipped) and ``complete(system, canonical, key, previous)``
    #: (merged and enriched); each raises an exception with ``error_class`` for a refusal
    engine: Any = None
    _seen: dict[str, set[str]] = field(default_factory=dict)
    _held: dict[str, tuple[str, str]] = field(default_factory=dict)

    def outside(self, reason: str) -> None:
        self.side.outside[reason] = self.side.outside.get(reason, 0) + 1

    def unmapped(self, system: str, source_id: str | None, error_class: str,
                 message: str) -> None:
        self.side.unmapped(system, source_id, error_class, message)

    def unreadable(self, system: str, message: str) -> None:
        self.side.unreadable(system, message)

    def add(self, system: str, transformer: Any, raw: Any, source_id: str | None) -> None:
        """One record as read from ``system``."""
        from accord.sync.engine import content_hash

        self.side.read_counts[system] = self.side.read_counts.get(system, 0) + 1
        canonical = self._map(system, transformer, raw, source_id)
        if canonical is None:
            return
        try:
            key_value = self.key(canonical)
        except AccordError as exc:
            self.unmapped(system, source_id, "data_quality", f"the flow's key: {exc.message}")
            return
        if isinstance(key_value, bool) or not isinstance(key_value, (str, int)) or \
                key_value == "":
            self.unmapped(system, source_id, "data_quality",
                          f"the flow's key is {json.dumps(key_value)}")
            return
        key = str(key_value)
        try:
            record = self._complete(system, canonical, key)
        except Exception as exc:
            self.unmapped(system, source_id, str(getattr(exc, "error_class", "mapping_error")),
                          str(getattr(exc, "message", exc)))
            return
        seen = self._seen.setdefault(key, set())
        seen.add(system)
        if self.gates is not None:
            failure = self.gates.check(record)
            if failure is not None:
                self._held[key] = (str(getattr(failure, "gate", "gate")), system)
                self.side.records.pop(key, None)
                return
        self._held.pop(key, None)
        previous = self.side.records.get(key)
        sources = dict(previous.sources) if previous is not None else {}
        if source_id is not None:
            sources[system] = source_id
        self.side.records[key] = SourceRecord(key, record, content_hash(record), sources)

    def result(self) -> SourceSide:
        for gate, _system in self._held.values():
            self.outside(f"held by gate {gate}")
        self._held.clear()
        return self.side

    def _map(self, system: str, transformer: Any, raw: Any,
             source_id: str | None) -> dict[str, Any] | None:
        if self.engine is not None:
            try:
                found = self.engine.canonical(system, transformer, raw)
            except Exception as exc:
                self.unmapped(system, source_id,
                              str(getattr(exc, "error_class", "mapping_error")),
                              str(getattr(exc, "message", exc)))
                return None
            if found is None:
                self.outside(f"skipped by {system}'s mapping")
            return None if found is None else dict(found)
        if not isinstance(raw, dict):
            self.unmapped(system, source_id, "data_quality",
                          f"expected a JSON object, found {type(raw).__name__}")
            return None
        try:
            if not transformer.applies(raw):
                self.outside(f"skipped by {system}'s mapping")
                return None
            canonical = transformer.transform(raw)
        except TransformError as exc:
            self.unmapped(system, source_id, exc.error_class, exc.message)
            return None
        except Exception as exc:
            self.unmapped(system, source_id, "mapping_error", f"{type(exc).__name__}: {exc}")
            return None
        errors = self.validator.errors(canonical)
        if errors:
            first = errors[0]
            where = "/" + "/".join(str(p) for p in first.location)
            self.unmapped(system, source_id, "data_quality",
                          f"the canonical record does not match its schema at {where}: "
                          f"{first.message}")
            return None
        return dict(canonical)

    def _complete(self, system: str, canonical: dict[str, Any], key: str) -> dict[str, Any]:
        """What the engine would store: owned properties from their owner, with the record
        as another source left it (this re-read's, else the ledger's) as the base."""
        entry = self.ledger.get(key)
        known = set(getattr(entry, "sources", {}) or {}) | self._seen.get(key, set())
        current = self.side.records.get(key)
        base = current.canonical if current is not None else (
            entry.canonical if entry is not None else None)
        if self.engine is not None:
            previous = _Previous(dict.fromkeys(known, ""), base) if known else None
            return dict(self.engine.complete(system, canonical, key, previous))
        others = bool(known - {system})
        if not self.owners and not others:
            return canonical
        merged = merge_owned({system: canonical}, dict(self.owners), kinds=dict(self.kinds),
                             base=base if others else None)
        return dict(merged.record)


@dataclass(frozen=True)
class _Previous:
    """What the engine reads of the record as last landed: its sources and canonical record."""

    sources: dict[str, str]
    canonical: dict[str, Any] | None


class EngineSteps:
    """The sync engine's own steps for one record, run without writing anything (a dry-run
    engine): mapping and validation, system-of-record merge, master-data enrichment, and the
    crosswalk completion of references before an outbound mapping."""

    def __init__(self, sync: Any) -> None:
        self.sync = sync
        self._inbound = {s.system: s for s in sync.p.sources}

    def canonical(self, system: str, transformer: Any, raw: Any) -> dict[str, Any] | None:
        found: dict[str, Any] | None = self.sync._canonical(self._inbound.get(system), raw)
        return found

    def complete(self, system: str, canonical: dict[str, Any], key: str,
                 previous: Any) -> dict[str, Any]:
        merged = self.sync._merge(system, canonical, key, previous)
        done: dict[str, Any] = self.sync._enrich_master(merged)
        return done

    def outbound(self, record: dict[str, Any]) -> dict[str, Any]:
        done: dict[str, Any] = self.sync.enrich(record)
        return done


def check_target(system: str, key: str, state: Any, expected: Any,
                 read: Callable[[str], Any], *, id_field: str | None = None) -> TargetCheck:
    """Read one delivery back and compare it with ``expected`` (the outbound record the ledger's
    canonical record makes now). ``state`` is the ledger's target row (None: never intended);
    ``read(target_id)`` returns the target's record or raises (a ``status`` of 404: missing).
    The record's own id (``id_field``) is not compared: the system assigns it, and the ledger
    keeps it as the target id the record was read by."""
    target_id = getattr(state, "target_id", None)
    if state is None or getattr(state, "state", "") != "delivered" or not target_id:
        return TargetCheck(system, key, target_id, "pending",
                           message="no delivery confirmed in the ledger")
    try:
        found = read(str(target_id))
    except AccordError as exc:
        if getattr(exc, "status", None) == 404:
            return TargetCheck(system, key, str(target_id), "missing", message=exc.message)
        return TargetCheck(system, key, str(target_id), "unreadable", message=exc.message)
    if id_field and isinstance(expected, dict):
        expected = {name: value for name, value in expected.items() if name != id_field}
    # a field the read model shapes otherwise than the write model (Xero Projects writes
    # estimateAmount as a number and reads it back as an Amount object) cannot be compared
    diffs: list[FieldDiff] = [d for d in compare_fields(expected, found, subset=True)
                              if d.missing is not None or _same_shape(d.expected, d.found)]
    return TargetCheck(system, key, str(target_id), "drift" if diffs else "ok", tuple(diffs))


def _same_shape(a: Any, b: Any) -> bool:
    """Both objects, both arrays, or both scalars (null is neither: it compares with all)."""
    if a is None or b is None:
        return True
    return isinstance(a, dict) == isinstance(b, dict) and \
        isinstance(a, list) == isinstance(b, list)


def _read_sources(prepared: Any, clients: Mapping[str, Any], collector: SourceCollector,
                  crosswalk: Any, simulated: frozenset[str]) -> None:
    """Every record of every source, from the start (no watermark)."""
    from accord.sync.discover import path_values, simulator_ids
    from accord.sync.source import list_records, read_record

    for inbound in prepared.sources:
        system = inbound.system
        collector.side.read_counts.setdefault(system, 0)
        client = clients[system]
        collection = inbound.collection
        try:
            if inbound.source.operation == "list":
                combos: list[dict[str, str]] = [{}]
                for name in (collection.list.path_params if collection.list else ()):
                    values = path_values(name, system, collection, client, crosswalk,
                                         simulated=system in simulated)
                    combos = [{**c, name: v} for c in combos for v in values]
                for params in combos:
                    for item in list_records(client, collection, path_params=params or None):
                        collector.add(system, inbound.transformer, item.record, item.source_id)
                continue
            found = simulator_ids(client, collection) if system in simulated else []
            known = [str(entry.sources[system]) for entry in collector.ledger.values()
                     if system in (getattr(entry, "sources", {}) or {})]
            ids = [*found, *crosswalk.source_ids(prepared.entity, system), *known]
            for record_id in dict.fromkeys(ids):
                try:
                    item = read_record(client, collection, record_id)
                except AccordError as exc:
                    if getattr(exc, "status", None) == 404:
                        continue  # gone from the source: the ledger's record is not_in_source
                    raise
                collector.add(system, inbound.transformer, item.record,
                              item.source_id or record_id)
        except AccordError as exc:
            collector.unreadable(system, exc.message)


def _check_targets(prepared: Any, clients: Mapping[str, Any], ledger: Any,
                   entries: Sequence[Any], steps: EngineSteps) -> list[TargetCheck]:
    """Each delivery read back, beside what the outbound mapping makes of the ledger's record
    now (its references completed from the crosswalk, as delivery does)."""
    from accord.sync.source import read_record

    checks: list[TargetCheck] = []
    for outbound in prepared.targets:
        client = clients[outbound.system]
        readable = getattr(outbound.collection, "read", None) is not None

        def read(target_id: str, outbound: Any = outbound, client: Any = client) -> Any:
            return read_record(client, outbound.collection, target_id).record

        for entry in entries:
            state = ledger.targets(prepared.flow.name, entry.key).get(outbound.system)
            if not readable:
                checks.append(TargetCheck(outbound.system, entry.key,
                                          getattr(state, "target_id", None), "unchecked",
                                          message="the target's API has no read operation"))
                continue
            try:
                expected = outbound.transformer.transform(steps.outbound(dict(entry.canonical)))
            except Exception as exc:
                checks.append(TargetCheck(outbound.system, entry.key,
                                          getattr(state, "target_id", None), "unreadable",
                                          message=f"the outbound mapping fails on the "
                                                  f"ledger's record: {exc}"))
                continue
            checks.append(check_target(outbound.system, entry.key, state, expected, read,
                                       id_field=getattr(outbound.collection, "id_field", None)))
    return checks


def reconcile_flow(root: str | Path, flow: str, *, environment: str = "local",
                   now: Callable[[], datetime] | None = None) -> ReconcileReport:
    """Reconcile one flow of the workspace at ``root`` against its systems in ``environment``.
    Raises AccordError for what makes the comparison impossible (an unknown flow, a flow with
    findings, an unreachable database); what cannot be read of a system is in the report."""
    from accord.project import load_workspace
    from accord.store.db import open_store
    from accord.sync.engine import SyncOptions, _open_clients, _simulated, _Sync
    from accord.sync.metrics import SyncMetrics
    from accord.sync.prepare import prepare_flow

    workspace = load_workspace(root)
    prepared = prepare_flow(workspace, flow)
    spec = reconcile_spec(prepared.flow)
    stamp = (now or (lambda: datetime.now(UTC)))().strftime("%Y-%m-%dT%H:%M:%SZ")
    options = SyncOptions(environment=environment, dry_run=True, retry_open=False)
    with ExitStack() as stack:
        store = stack.enter_context(open_store(workspace.root))
        simulated = _simulated(workspace, prepared, environment)
        clients = _open_clients(stack, prepared, options, simulated)
        sync = _Sync(prepared, store, clients, options, "reconcile", SyncMetrics(prepared.name),
                     actor="accord reconcile", simulated=simulated)
        steps = EngineSteps(sync)
        entries = list(sync.ledger.records(prepared.flow.name))
        collector = SourceCollector(
            key=prepared.key, validator=prepared.validator, gates=sync.gates,
            owners=prepared.owners, kinds=prepared.kinds,
            ledger={entry.key: entry for entry in entries},
            side=SourceSide(read=bool(prepared.sources)), engine=steps)
        if prepared.sources:
            _read_sources(prepared, clients, collector, sync.crosswalk, simulated)
        source = collector.result()
        checks = _check_targets(prepared, clients, sync.ledger, entries, steps)
    return reconcile(flow=prepared.flow.name, entity=prepared.flow.entity,
                     environment=environment, spec=spec, source=source, delivered=entries,
                     targets=[t.system for t in prepared.targets], checks=checks,
                     generated_at=stamp)
