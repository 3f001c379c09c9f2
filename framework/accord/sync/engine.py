"""``accord sync FLOW``: one flow end to end, from its source systems through the canonical
entity to its target systems, governed.

For each record a source yields: the inbound mapping makes the canonical record, which is
validated against the flow's entity; its key is the flow's ``key``; properties owned by
another system keep the owner's value (a non-owner's differing value is a conflict, logged,
not applied); the gates run in order; then, for each target, the outbound mapping makes the
target's record, validated against its schema, and it is created (the ledger holds no id of
the entity in that system) or updated (it does, and the record changed) — or, when nothing
changed, skipped and counted. A flow without targets lands its records in the canonical store
(ledger and crosswalk). Every failure becomes an exception in the queue, classified and routed
to its owner, with the record, the error, the rule's line and a correlation id; a poison
record never stops the batch.

Crash safety: before each call that writes, the ledger records the intent (operation,
idempotency key, payload hash) and commits; the call carries the intent's ``Idempotency-Key``;
its result is committed with the ledger, crosswalk and lineage rows in one transaction. A run
killed between the two finds the pending intent and repeats the call with the same key, which
the system answers with the record it already made: nothing is sent twice. Watermarks move
only after a source has been read to its end, so a killed run re-reads what it had not
finished (the ledger recognises what it had).
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import IO, Any

from accord.errors import AccordError, TransformError, UsageError
from accord.jsondoc import json_pointer
from accord.project import Workspace, load_workspace
from accord.runtime.deadletter import rule_for_output
from accord.runtime.ownership import MISSING, merge_owned
from accord.runtime.validate import Validator
from accord.store.db import Store, open_store
from accord.sync.gates import Gates
from accord.sync.metrics import SyncMetrics
from accord.sync.prepare import Inbound, Outbound, PreparedFlow, prepare_flow

__all__ = ["DEFAULT_FAIL_ON", "Outcome", "RecordResult", "SyncOptions", "SyncReport",
           "replay_exception", "sync_flow"]

#: the failure classes that make ``accord sync`` exit 1 by default: what is wrong with the
#: integration. business_rule exceptions (unapproved time, a closed period) are the business
#: working as intended: routed to their owners, not a failed run.
DEFAULT_FAIL_ON = frozenset({"data_quality", "mapping_error", "authentication", "availability"})

#: the source "system" of records given as canonical input to a flow without sources
CANONICAL = "canonical"


class Outcome(StrEnum):
    LANDED = "landed"  # stored in the canonical store (a flow without targets)
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    SKIPPED = "skipped"  # the inbound mapping's `applies` is false: not this flow's record
    EXCEPTION = "exception"


@dataclass
class RecordResult:
    """What happened to one source record."""

    system: str
    source_id: str | None
    outcome: Outcome
    key: str | None = None
    actions: dict[str, str] = field(default_factory=dict)  # target system -> what was done
    error_class: str | None = None
    message: str | None = None
    rule: str | None = None
    pointer: str | None = None
    exception_id: int | None = None
    correlation_id: str = ""

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"system": self.system, "source_id": self.source_id,
                                "key": self.key, "outcome": self.outcome.value,
                                "correlation_id": self.correlation_id}
        if self.actions:
            data["targets"] = dict(self.actions)
        if self.outcome is Outcome.EXCEPTION:
            data.update({"class": self.error_class, "message": self.message,
                         "rule": self.rule, "pointer": self.pointer,
                         "exception_id": self.exception_id})
        return data


@dataclass(frozen=True)
class SyncOptions:
    """How to run a flow (the options of ``accord sync``)."""

    environment: str = "local"
    since: str | None = None  # overrides the stored watermark of every list source
    dry_run: bool = False
    ids: Mapping[str, Sequence[str]] = field(default_factory=dict)  # read sources: system -> ids
    #: values of list operations' path parameters (``projectId`` -> ids): accord.sync.discover
    params: Mapping[str, Sequence[str]] = field(default_factory=dict)
    input: Path | None = None  # canonical records, for a flow without sources
    limit: int | None = None
    fail_on: frozenset[str] = DEFAULT_FAIL_ON
    retry_open: bool = True  # first retry the flow's open availability exceptions


@dataclass
class SourceSummary:
    system: str
    operation: str
    read: int = 0
    watermark_from: str | None = None
    watermark_to: str | None = None
    error: str | None = None
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"system": self.system, "operation": self.operation, "read": self.read,
                "watermark_from": self.watermark_from, "watermark_to": self.watermark_to,
                "error": self.error, "note": self.note}


@dataclass
class SyncReport:
    flow: str
    run_id: str
    environment: str
    dry_run: bool
    metrics: SyncMetrics
    results: list[RecordResult] = field(default_factory=list)
    sources: list[SourceSummary] = field(default_factory=list)
    fail_on: frozenset[str] = DEFAULT_FAIL_ON
    conflicts: list[dict[str, Any]] = field(default_factory=list)

    @property
    def failed(self) -> list[RecordResult]:
        return [r for r in self.results if r.outcome is Outcome.EXCEPTION
                and r.error_class in self.fail_on]

    @property
    def exit_code(self) -> int:
        """1 when a source could not be read or a record failed with a class in ``fail_on``."""
        return 1 if self.failed or any(s.error for s in self.sources) else 0

    def to_dict(self, *, records: bool = True) -> dict[str, Any]:
        data: dict[str, Any] = {
            "flow": self.flow, "run_id": self.run_id, "environment": self.environment,
            "dry_run": self.dry_run, "exit_code": self.exit_code,
            "fail_on": sorted(self.fail_on),
            "sources": [s.to_dict() for s in self.sources], **self.metrics.to_dict(),
            "conflict_details": self.conflicts}
        if records:
            data["results"] = [r.to_dict() for r in self.results]
        return data


class _Refused(Exception):
    """One record's failure, classified and located (caught per record)."""

    def __init__(self, error_class: str, message: str, rule: str | None = None,
                 pointer: str | None = None) -> None:
        super().__init__(message)
        self.error_class = error_class
        self.message = message
        self.rule = rule
        self.pointer = pointer


def canonical_json(value: Any) -> str:
    """The one text a record's hash is taken of: sorted keys, no spaces, UTF-8 kept."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False)


def content_hash(value: Any) -> str:
    return hashlib.sha256(canonical_json(value).encode("utf-8")).hexdigest()


def idempotency_key(flow: str, key: str, system: str, operation: str, payload_hash: str) -> str:
    """The Idempotency-Key of one write: the same record, target and content, the same key."""
    text = "\0".join((flow, key, system, operation, payload_hash))
    return "accord-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:40]


def _valid(validator: Validator, body: Any) -> bool:
    try:
        return bool(validator.is_valid(body))
    except ValueError:  # a value JSON cannot hold
        return False


def _transform(transformer: Any, record: Any, what: str) -> Any:
    try:
        return transformer.transform(record)
    except TransformError as exc:
        raise _Refused(exc.error_class, f"{what}: {exc.message}", exc.rule,
                       json_pointer(exc.path)) from None
    except Exception as exc:  # any failure of one record is an exception, not a crash
        raise _Refused("mapping_error", f"{what}: transform() raised {type(exc).__name__}: "
                                        f"{exc}", getattr(transformer, "SPEC", None)) from None


def _invalid(validator: Validator, body: Any, transformer: Any | None, what: str,
             rule: str | None) -> _Refused:
    violations = validator.errors(body)
    first = violations[0] if violations else None
    where = first.location if first else ()
    rules = getattr(transformer, "RULES", None) if transformer is not None else None
    wrote = rule_for_output(rules, where) if rules else None
    pointer = json_pointer(where)
    return _Refused("data_quality", f"{what} does not match its schema at {pointer or '/'}: "
                                    f"{first.message if first else 'invalid'}",
                    wrote[0] if wrote else rule, pointer)


class _Sync:
    """One run of one prepared flow (or one replay) against open systems and the store."""

    def __init__(self, prepared: PreparedFlow, store: Store, clients: Mapping[str, Any],
                 options: SyncOptions, run_id: str, metrics: SyncMetrics, *,
                 actor: str = "accord sync", simulated: frozenset[str] = frozenset()) -> None:
        from accord.sync.crosswalk import Crosswalk
        from accord.sync.ledger import Ledger
        from accord.sync.lineage import Lineage
        from accord.sync.periods import Periods
        from accord.sync.queue import ExceptionQueue
        from accord.sync.runs import Conflicts

        self.p = prepared
        self.flow = prepared.flow
        self.store = store
        self.clients = clients
        self.options = options
        self.run_id = run_id
        self.metrics = metrics
        self.actor = actor
        self.simulated = simulated  # the systems served by their simulators in this run
        self.ledger = Ledger(store)
        self.crosswalk = Crosswalk(store)
        self.lineage = Lineage(store)
        self.queue = ExceptionQueue(store)
        self.conflicts = Conflicts(store)
        self.gates = Gates(self.flow, self.crosswalk, Periods(store))
        self.conflict_details: list[dict[str, Any]] = []
        self._key_rule = f"{self.flow.display}:{self.flow.key.line}"
        #: the flow's open exceptions by (system, source id): a record that now goes through
        #: closes its own (replayed, with the outcome)
        self.open: dict[tuple[str, str], list[int]] = {}
        if not options.dry_run:
            for exc in self.queue.list(flow=self.flow.name, status="open"):
                self.open.setdefault((exc.system, exc.source_id), []).append(exc.id)

    # -- one record -------------------------------------------------------------------------
    def process(self, inbound: Inbound | None, raw: Any, source_id: str | None) -> RecordResult:
        system = inbound.system if inbound is not None else CANONICAL
        result = RecordResult(system, source_id, Outcome.EXCEPTION,
                              correlation_id=uuid.uuid4().hex)
        try:
            canonical = self._canonical(inbound, raw)
            if canonical is None:
                result.outcome = Outcome.SKIPPED
            else:
                self._deliver(inbound, canonical, result)
        except _Refused as refused:
            self.refuse(result, refused, raw)
        except AccordError as exc:  # a call that failed after its retries (accord.sync.http)
            error_class = str(getattr(exc, "error_class", "availability"))
            self.refuse(result, _Refused(error_class, exc.message), raw)
        self.metrics.count(result.outcome.value)
        if result.outcome is not Outcome.EXCEPTION and source_id is not None:
            self._close_open(system, source_id, result)
        return result

    def _close_open(self, system: str, source_id: str, result: RecordResult) -> None:
        for ident in self.open.pop((system, source_id), []):
            with self.store.transaction():
                self.queue.mark_replayed(ident, actor=self.actor,
                                         outcome=f"{result.outcome.value} by run {self.run_id}")

    def refuse(self, result: RecordResult, refused: _Refused, raw: Any) -> None:
        result.outcome = Outcome.EXCEPTION
        result.error_class = refused.error_class
        result.message = refused.message
        result.rule = refused.rule
        result.pointer = refused.pointer
        self.metrics.fail(refused.error_class)
        if self.options.dry_run:
            return
        with self.store.transaction():
            result.exception_id = self.queue.add(
                flow=self.flow.name, error_class=refused.error_class,
                owner=self.flow.owner_of(refused.error_class) or "unassigned",
                record=raw, error=refused.message, rule=refused.rule,
                pointer=refused.pointer, system=result.system,
                source_id=result.source_id or result.key or result.correlation_id,
                key=result.key, correlation_id=result.correlation_id, run_id=self.run_id)

    def _canonical(self, inbound: Inbound | None, raw: Any) -> dict[str, Any] | None:
        started = time.perf_counter()
        if not isinstance(raw, dict):
            raise _Refused("data_quality", f"expected a JSON object, found {type(raw).__name__}")
        transformer = inbound.transformer if inbound is not None else None
        if transformer is not None:
            try:
                if not transformer.applies(raw):
                    return None
            except Exception as exc:
                raise _Refused("mapping_error", f"applies() raised {type(exc).__name__}: "
                                                f"{exc}", getattr(transformer, "SPEC", None)
                               ) from None
            canonical = _transform(transformer, raw, f"inbound mapping {inbound.source.mapping}"
                                   if inbound is not None else "inbound mapping")
        else:
            canonical = raw
        if not _valid(self.p.validator, canonical):
            raise _invalid(self.p.validator, canonical, transformer,
                           f"the canonical {self.flow.entity} record", None)
        self.metrics.stage("inbound").add(time.perf_counter() - started)
        return dict(canonical)

    def _key(self, canonical: dict[str, Any]) -> str:
        try:
            value = self.p.key(canonical)
        except AccordError as exc:
            raise _Refused("data_quality", f"the flow's key {self.flow.key.text} failed: "
                                           f"{exc.message}", self._key_rule) from None
        if isinstance(value, bool) or not isinstance(value, (str, int)) or value == "":
            raise _Refused("data_quality", f"the flow's key {self.flow.key.text} is "
                                           f"{json.dumps(value)} on this record: a key must be "
                                           "a non-empty string or an integer", self._key_rule)
        return str(value)

    def _merge(self, system: str, canonical: dict[str, Any], key: str,
               previous: Any) -> dict[str, Any]:
        others = previous is not None and bool(set(previous.sources) - {system})
        if not self.p.owners and not others:
            return canonical
        merged = merge_owned({system: canonical}, self.p.owners, kinds=self.p.kinds,
                             base=previous.canonical if others else None)
        for conflict in merged.conflicts:
            # the owner sent nothing yet and nothing is stored: the value is dropped (None kept)
            kept = None if conflict.kept is MISSING else conflict.kept
            detail = {"key": key, **conflict.to_dict(), "kept": kept}
            self.conflict_details.append(detail)
            self.metrics.conflicts += 1
            if not self.options.dry_run:
                self.conflicts.add(run_id=self.run_id, flow=self.flow.name, key=key,
                                   path=conflict.dotted, owner=conflict.owner,
                                   system=conflict.system, value=conflict.value, kept=kept)
        record = dict(merged.record)
        if record != canonical and not _valid(self.p.validator, record):
            raise _invalid(self.p.validator, record, None,
                           f"the {self.flow.entity} record merged under system-of-record "
                           "ownership", None)
        return record

    def _enrich_master(self, record: dict[str, Any]) -> dict[str, Any]:
        """The flow's ``enrich:``: what the record lacks, from the records it references (as
        the canonical store holds them); validated again when anything was filled."""
        from accord.sync.gates import resolve_ref

        filled = dict(record)
        for item, ref in zip(self.flow.enrich, self.p.enrich, strict=True):
            if filled.get(item.name) is not None:
                continue
            try:
                canonical_id, _shown = resolve_ref(self.crosswalk, item.entity, ref(filled))
            except AccordError:
                continue  # the reference cannot be read: nothing to fill from
            found = self.ledger.find(item.entity, canonical_id) if canonical_id else None
            value = found.canonical.get(item.property) if found is not None else None
            if value is not None:
                filled[item.name] = value
        if filled != record and not _valid(self.p.validator, filled):
            raise _invalid(self.p.validator, filled, None,
                           f"the {self.flow.entity} record enriched from master data", None)
        return filled

    def _deliver(self, inbound: Inbound | None, canonical: dict[str, Any],
                 result: RecordResult) -> None:
        system = result.system
        key = result.key = self._key(canonical)
        previous = self.ledger.get(self.flow.name, key)
        record = self._enrich_master(self._merge(system, canonical, key, previous))
        started = time.perf_counter()
        failure = self.gates.check(record)
        self.metrics.stage("gates").add(time.perf_counter() - started)
        if failure is not None:
            raise _Refused("business_rule", failure.message, failure.rule, failure.pointer)
        digest = content_hash(record)
        states = self.ledger.targets(self.flow.name, key) if self.p.targets else {}
        done = all(t.system in states and states[t.system].state == "delivered"
                   for t in self.p.targets)
        if previous is not None and previous.content_hash == digest and done:
            result.outcome = Outcome.UNCHANGED
            return
        created = updated = False
        for outbound in self.p.targets:
            action = self._target(outbound, record, key, states.get(outbound.system), result)
            result.actions[outbound.system] = action
            created |= action == "created"
            updated |= action == "updated"
        result.outcome = (Outcome.CREATED if created else Outcome.UPDATED if updated
                          else Outcome.UNCHANGED if self.p.targets else Outcome.LANDED)
        if self.options.dry_run:
            return
        self._commit(inbound, record, key, digest, previous, result)

    def _commit(self, inbound: Inbound | None, record: dict[str, Any], key: str, digest: str,
                previous: Any, result: RecordResult) -> None:
        from accord.sync.ledger import LedgerRecord

        system = result.system
        canonical_id = str(record.get("id") or key)
        sources = dict(previous.sources) if previous is not None else {}
        mappings = dict(previous.mappings) if previous is not None else {}
        if result.source_id is not None:
            sources[system] = result.source_id
        if inbound is not None:
            mappings[inbound.source.mapping] = inbound.version
        for outbound in self.p.targets:
            mappings[outbound.target.mapping] = outbound.version
        active = True
        if self.p.active is not None:
            try:
                from accord.sync.gates import truthy

                active = truthy(self.p.active(record))
            except AccordError:
                active = False
        now_entry = LedgerRecord(
            flow=self.flow.name, key=key, entity=self.flow.entity, canonical=record,
            content_hash=digest, canonical_id=canonical_id, sources=sources,
            mappings=mappings, correlation_id=result.correlation_id,
            first_seen=previous.first_seen if previous is not None else "",
            updated_at="")
        with self.store.transaction():
            self.ledger.put(now_entry)
            links = dict(record.get("external_ids") or {}) if isinstance(
                record.get("external_ids"), dict) else {}
            if result.source_id is not None and system != CANONICAL:
                links[system] = result.source_id
            for linked_system, external_id in sorted(links.items()):
                if isinstance(external_id, (str, int)) and not isinstance(external_id, bool):
                    self.crosswalk.link(self.p.entity, canonical_id, linked_system,
                                        str(external_id), active=active)
            self.crosswalk.set_active(self.p.entity, canonical_id, active)
            if not self.p.targets:
                self.lineage.record(
                    correlation_id=result.correlation_id, flow=self.flow.name, key=key,
                    action="land", source_system=system, source_id=result.source_id,
                    canonical_id=canonical_id, target_system=None, target_id=None,
                    mappings=mappings, run_id=self.run_id)

    def enrich(self, record: dict[str, Any]) -> dict[str, Any]:
        """``record`` with its references completed from the crosswalk, for outbound mappings:
        a property named for a canonical entity holding ``{id?, external_ids}`` gains the
        canonical id and every system's id the crosswalk knows for it (never replacing what
        the record says). The stored canonical record stays as the sources made it."""
        out = dict(record)
        for name, ref in record.items():
            if name not in self.p.entities or not isinstance(ref, dict):
                continue
            ids = ref.get("external_ids")
            known = dict(ids) if isinstance(ids, dict) else {}
            canonical_id = ref.get("id") if isinstance(ref.get("id"), str) else None
            for system, value in sorted(known.items()):
                if canonical_id is None and isinstance(value, (str, int)):
                    canonical_id = self.crosswalk.resolve(name, system, str(value))
            if canonical_id is None:
                continue
            found = self.crosswalk.external_ids(name, canonical_id)
            out[name] = {**ref, "id": canonical_id,
                         "external_ids": {**found, **known}}
        return out

    def _target(self, outbound: Outbound, record: dict[str, Any], key: str, state: Any,
                result: RecordResult) -> str:
        from accord.sync import target as wire

        system = outbound.system
        started = time.perf_counter()
        payload = _transform(outbound.transformer, self.enrich(record),
                             f"outbound mapping {outbound.target.mapping}")
        if not _valid(outbound.validator, payload):
            raise _invalid(outbound.validator, payload, outbound.transformer,
                           f"the {system} record ({outbound.schema_label})", None)
        self.metrics.stage("outbound").add(time.perf_counter() - started)
        payload_hash = content_hash(payload)
        operations = outbound.target.operations
        target_id = state.target_id if state is not None else None
        delivered = state is not None and state.state == "delivered" and target_id
        if delivered and state.payload_hash == payload_hash:
            return "unchanged"
        if delivered and "update" not in operations:
            return "kept"  # [create] never touches a record once created
        if not delivered and target_id is None and "create" not in operations:
            raise _Refused("business_rule", f"{system} has no record of {key} to update, and "
                                            "the flow may only update there: create it in "
                                            f"{system} and link it, or allow create",
                           f"{self.flow.display}:{outbound.target.place.line}",
                           outbound.target.place.pointer)
        operation = "update" if target_id else "create"
        recovered: str | None = None
        if state is not None and state.state == "pending" and state.operation == operation:
            idem = state.idempotency_key  # a run died mid-call: repeat it with its key
            recovered = state.payload_hash
        else:
            idem = idempotency_key(self.flow.name, key, system, operation, payload_hash)
        if self.options.dry_run:
            return f"would {operation}"
        with self.store.transaction():
            self.ledger.intend(self.flow.name, key, system, operation=operation,
                               idempotency_key=idem, payload_hash=recovered or payload_hash,
                               mapping=outbound.target.mapping)
        client = self.clients[system]
        started = time.perf_counter()
        if operation == "create":
            answer = wire.create(client, outbound.collection, payload, idempotency_key=idem)
        else:
            answer = wire.update(client, outbound.collection, str(target_id), payload,
                                 idempotency_key=idem)
        self.metrics.stage("deliver").add(time.perf_counter() - started)
        new_id = str(answer.target_id or target_id)
        with self.store.transaction():
            self.ledger.delivered(self.flow.name, key, system, target_id=new_id,
                                  payload_hash=recovered or payload_hash)
            self.crosswalk.link(self.p.entity, str(record.get("id") or key), system, new_id)
            self.lineage.record(
                correlation_id=result.correlation_id, flow=self.flow.name, key=key,
                action=operation, source_system=result.system, source_id=result.source_id,
                canonical_id=str(record.get("id") or key), target_system=system,
                target_id=new_id, mappings={outbound.target.mapping: outbound.version},
                run_id=self.run_id)
        if recovered is not None and recovered != payload_hash and "update" in operations:
            # the repeated call re-answered an older content: bring it up to date
            self._target(outbound, record, key,
                         self.ledger.targets(self.flow.name, key).get(system), result)
        return operation + "d"


@dataclass
class _Feed:
    """The canonical input of a flow without sources, opened before the run starts (an
    unreadable file is refused with its name, exit 2, and nothing is recorded)."""

    source: Path
    fmt: str
    handle: IO[bytes]
    from_stdin: bool

    @classmethod
    def open(cls, path: Path) -> _Feed:
        from accord.runtime.stream import open_input

        return cls(*open_input(path, None, None))

    def records(self) -> Iterator[tuple[Any, str | None]]:
        """Each record with None, or its line with why it is not JSON (data_quality)."""
        from accord.runtime.jsonl import MalformedLine, loads_line
        from accord.runtime.readers import record_lines

        name = "standard input" if self.from_stdin else str(self.source)
        try:
            for line in record_lines(self.handle, self.fmt, name=name):
                if not line.strip():
                    continue
                try:
                    yield loads_line(line), None
                except MalformedLine as exc:
                    yield line.decode("utf-8", "backslashreplace"), str(exc)
        finally:
            if not self.from_stdin:
                self.handle.close()


class _Runner:
    """Reads a flow's sources and feeds :class:`_Sync`, record by record."""

    def __init__(self, sync: _Sync, progress: Callable[[RecordResult], None] | None) -> None:
        self.sync = sync
        self.progress = progress
        self.results: list[RecordResult] = []
        self.sources: list[SourceSummary] = []
        self.feed: _Feed | None = None
        self.count = 0

    def full(self) -> bool:
        limit = self.sync.options.limit
        return limit is not None and self.count >= limit

    def handle(self, inbound: Inbound | None, raw: Any, source_id: str | None) -> None:
        result = self.sync.process(inbound, raw, source_id)
        self.count += 1
        self.results.append(result)
        if self.progress is not None:
            self.progress(result)

    def refused(self, system: str, source_id: str | None, refused: _Refused, raw: Any) -> None:
        """A record that failed before its mapping could see it (unreadable, not JSON)."""
        result = RecordResult(system, source_id, Outcome.EXCEPTION,
                              correlation_id=uuid.uuid4().hex)
        self.sync.refuse(result, refused, raw)
        self.sync.metrics.count(result.outcome.value)
        self.count += 1
        self.results.append(result)
        if self.progress is not None:
            self.progress(result)

    def retry_open(self) -> None:
        """The flow's open availability exceptions retry on their own, first."""
        sync = self.sync
        by_system = {s.system: s for s in sync.p.sources}
        for exc in sync.queue.list(flow=sync.flow.name, status="open",
                                   error_class="availability"):
            if self.full():
                return
            inbound = by_system.get(exc.system)
            if inbound is None and exc.system != CANONICAL:
                continue
            self.handle(inbound, exc.record, exc.source_id)  # closes it when it goes through

    def read_all(self) -> None:
        sync = self.sync
        if not sync.p.sources:
            summary = SourceSummary(CANONICAL, "input")
            self.sources.append(summary)
            if self.feed is None:
                summary.error = ("this flow has no sources: give its canonical records with "
                                 "--input FILE")
                return
            assert self.feed is not None  # opened by sync_flow with the input
            for raw, malformed in self.feed.records():
                if self.full():
                    return
                summary.read += 1
                if malformed is not None:
                    self.refused(CANONICAL, None, _Refused("data_quality", malformed), raw)
                    continue
                source_id = raw.get("id") if isinstance(raw, dict) else None
                self.handle(None, raw, source_id if isinstance(source_id, str) else None)
            return
        for inbound in sync.p.sources:
            summary = SourceSummary(inbound.system, inbound.source.operation)
            self.sources.append(summary)
            try:
                if inbound.source.operation == "list":
                    self._list(inbound, summary)
                else:
                    self._read(inbound, summary)
            except AccordError as exc:  # the listing itself failed (after its retries)
                summary.error = exc.message

    def _list(self, inbound: Inbound, summary: SourceSummary) -> None:
        from accord.sync.source import list_records
        from accord.sync.watermarks import Watermarks, later

        sync = self.sync
        assert inbound.collection is not None
        marks = Watermarks(sync.store)
        since = sync.options.since or marks.get(sync.flow.name, inbound.system)
        summary.watermark_from = since
        highest: str | None = None
        field_name = inbound.source.watermark
        for params in self._path_params(inbound, summary):
            for item in list_records(sync.clients[inbound.system], inbound.collection,
                                     since=since, watermark=field_name,
                                     path_params=params or None):
                if self.full():
                    return  # a limited run never moves the watermark
                summary.read += 1
                self.handle(inbound, item.record, item.source_id)
                mark = None if item.watermark is None else str(item.watermark)
                if mark is not None and (highest is None or later(mark, highest)):
                    highest = mark
        summary.watermark_to = highest or since
        if highest is not None and field_name and not sync.options.dry_run:
            with sync.store.transaction():
                marks.advance(sync.flow.name, inbound.system, highest)

    def _path_params(self, inbound: Inbound, summary: SourceSummary) -> list[dict[str, str]]:
        """Every combination of the list operation's path parameters (one empty one when it
        has none): accord.sync.discover."""
        from accord.sync.discover import path_values

        sync = self.sync
        assert inbound.collection is not None
        op = inbound.collection.list
        combos: list[dict[str, str]] = [{}]
        for name in (op.path_params if op is not None else ()):
            values = path_values(name, inbound.system, inbound.collection,
                                 sync.clients[inbound.system], sync.crosswalk,
                                 given=sync.options.params.get(name, ()),
                                 simulated=inbound.system in sync.simulated)
            if not values:
                summary.note = (f"nothing to list: no value of {name} is known (give it with "
                                f"--param {name}=VALUE, or sync the flow that delivers its "
                                "records first)")
            combos = [{**c, name: v} for c in combos for v in values]
        return combos

    def _read(self, inbound: Inbound, summary: SourceSummary) -> None:
        from accord.sync.source import read_record

        sync = self.sync
        assert inbound.collection is not None  # a source always has one
        for record_id in self._ids(inbound):
            if self.full():
                return
            summary.read += 1
            try:
                item = read_record(sync.clients[inbound.system], inbound.collection, record_id)
            except AccordError as exc:
                self.refused(inbound.system, record_id, _Refused(
                    str(getattr(exc, "error_class", "availability")), exc.message),
                    {"id": record_id})
                continue
            self.handle(inbound, item.record, item.source_id or record_id)

    def _ids(self, inbound: Inbound) -> list[str]:
        """What a read source reads: the ids given; else, against the local simulator, every
        record it holds (it stands in for the system's change events); and every id of the
        system the crosswalk knows for the entity (a refresh)."""
        sync = self.sync
        given = list(sync.options.ids.get(inbound.system, ()))
        if given:
            return given
        found: list[str] = []
        if inbound.system in sync.simulated and inbound.collection is not None:
            from accord.sync.discover import simulator_ids

            found = simulator_ids(sync.clients[inbound.system], inbound.collection)
        known = sync.crosswalk.source_ids(sync.p.entity, inbound.system)
        return list(dict.fromkeys([*found, *known]))


def _open_clients(stack: ExitStack, prepared: PreparedFlow, options: SyncOptions,
                  simulated: frozenset[str]) -> dict[str, Any]:
    """A client per system of the flow, under the flow's call settings — but a simulator is
    not rate-limited: the limits protect the real system (its timeouts and retries stay)."""
    from dataclasses import replace

    from accord.sync.endpoints import open_systems

    systems = prepared.systems()
    if not systems:
        return {}
    policies = {name: prepared.flow.policy(name) for name in systems}
    policies = {name: replace(p, rate_limit=None) if name in simulated else p
                for name, p in policies.items()}
    return dict(stack.enter_context(open_systems(prepared.root, systems, options.environment,
                                                 policies)))


def _simulated(ws: Workspace, prepared: PreparedFlow, environment: str) -> frozenset[str]:
    """The flow's systems that ``environment`` serves by their simulators."""
    found = set()
    for name in prepared.systems():
        declared = ws.systems[name].environments.get(environment)
        if (declared.simulator if declared is not None else environment == "local"):
            found.add(name)
    return frozenset(found)


def _collect_requests(clients: Mapping[str, Any], metrics: SyncMetrics) -> None:
    for name, client in clients.items():
        stats = client.stats
        if stats.latencies:
            metrics.system(name).extend(stats.latencies)
        if stats.retries:
            metrics.retries[name] += int(stats.retries)


def sync_flow(workspace: Workspace | str | Path, flow: str, options: SyncOptions | None = None,
              *, progress: Callable[[RecordResult], None] | None = None) -> SyncReport:
    """Run one flow (see the module docstring). Raises AccordError for what stops the run
    before its first record (an unknown flow, findings, an unreachable database or system);
    every record's failure is in the report and the exception queue."""
    options = options or SyncOptions()
    ws = workspace if isinstance(workspace, Workspace) else load_workspace(workspace)
    prepared = prepare_flow(ws, flow)
    if options.input is not None and prepared.sources:
        raise UsageError(f"flow {prepared.name} reads its sources "
                         f"({', '.join(s.system for s in prepared.sources)}): --input is only "
                         "for a flow without sources (its canonical records)")
    feed = _Feed.open(options.input) if options.input is not None else None
    metrics = SyncMetrics(prepared.name)
    started = time.perf_counter()
    with ExitStack() as stack:
        store = stack.enter_context(open_store(ws.root))
        from accord.sync.runs import Runs

        runs = Runs(store)
        if options.dry_run:  # a dry run leaves no trace, not even its own record
            run_id = uuid.uuid4().hex
        else:
            with store.transaction():
                run_id = runs.start(prepared.name, options.environment, dry_run=False)
        simulated = _simulated(ws, prepared, options.environment)
        clients = _open_clients(stack, prepared, options, simulated)
        sync = _Sync(prepared, store, clients, options, run_id, metrics, simulated=simulated)
        runner = _Runner(sync, progress)
        runner.feed = feed
        if feed is not None and not feed.from_stdin:
            stack.callback(feed.handle.close)  # also when the run stops before reading it
        status = "failed"
        try:
            if options.retry_open and not options.dry_run:
                runner.retry_open()
            runner.read_all()
            status = "ok"
        finally:
            metrics.seconds = time.perf_counter() - started
            metrics.finished_at = time.time()
            _collect_requests(clients, metrics)
            report = SyncReport(prepared.name, run_id, options.environment, options.dry_run,
                                metrics, runner.results, runner.sources, options.fail_on,
                                sync.conflict_details)
            if status == "ok" and report.exit_code:
                status = "failed"
            if not options.dry_run:
                with store.transaction():
                    runs.finish(run_id, status, report.to_dict(records=False))
    return report


def replay_exception(workspace: Workspace | str | Path, exception_id: int, *, actor: str,
                     environment: str = "local") -> RecordResult:
    """Run one queued exception's record through its flow again. When it goes through, the
    exception is marked replayed (with the outcome) in its audit trail; when it fails again,
    the same exception counts another attempt."""
    from accord.sync.queue import ExceptionQueue

    ws = workspace if isinstance(workspace, Workspace) else load_workspace(workspace)
    with ExitStack() as stack:
        store = stack.enter_context(open_store(ws.root))
        queue = ExceptionQueue(store)
        exc = queue.require(exception_id)
        if exc.status != "open":
            raise UsageError(f"exception {exception_id} is {exc.status}: only an open "
                             "exception is replayed (accord exceptions list)")
        prepared = prepare_flow(ws, exc.flow)
        options = SyncOptions(environment=environment, retry_open=False)
        metrics = SyncMetrics(prepared.name)
        simulated = _simulated(ws, prepared, environment)
        clients = _open_clients(stack, prepared, options, simulated)
        from accord.sync.runs import Runs

        runs = Runs(store)
        with store.transaction():
            run_id = runs.start(prepared.name, environment, dry_run=False)
        sync = _Sync(prepared, store, clients, options, run_id, metrics, actor=actor,
                     simulated=simulated)
        inbound = next((s for s in prepared.sources if s.system == exc.system), None)
        result = sync.process(inbound, exc.record, exc.source_id)  # closes it when it goes
        with store.transaction():
            runs.finish(run_id, "ok" if result.outcome is not Outcome.EXCEPTION else "failed",
                        {"replay": exception_id, "record": result.to_dict()})
    return result

