"""The ledger: per flow and entity key, the canonical record as last landed, and per target
system what was intended and what was delivered.

A record is *put* once it has passed its gates (``accord_ledger``: content hash, canonical id,
the source ids and mapping versions it came from). Delivery to each target is two steps so a
crash between them is never a lost or doubled record: :meth:`Ledger.intend` writes a
``pending`` row (operation, idempotency key, payload hash) before the call, and
:meth:`Ledger.delivered` marks it ``delivered`` with the target's id after it. A re-run finds
the pending rows (:meth:`Ledger.pending`) and sends them again with the same idempotency key.

Every write joins the caller's ``store.transaction()`` when there is one (so the engine can put
a record, intend its targets and write lineage atomically) and runs in its own otherwise.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from accord import codes
from accord.store import Store, utc_now
from accord.sync.values import Errors, dumps, loads

__all__ = ["OPERATIONS", "TARGET_STATES", "Ledger", "LedgerRecord", "TargetRecord"]

#: this repository's errors, located in it
_ERRORS = Errors("ledger")


OPERATIONS = ("create", "update")
TARGET_STATES = ("pending", "delivered")


@dataclass(frozen=True)
class LedgerRecord:
    """One entity record of a flow, as last landed."""

    flow: str
    key: str
    entity: str  # name@version, e.g. time_entry@1.1.0
    canonical: dict[str, Any]
    content_hash: str
    canonical_id: str
    sources: dict[str, str] = field(default_factory=dict)  # system -> source id
    mappings: dict[str, str] = field(default_factory=dict)  # mapping name -> version or sha
    correlation_id: str = ""
    first_seen: str = ""  # set by the ledger (UTC); kept across updates
    updated_at: str = ""  # set by the ledger (UTC)

    def to_dict(self) -> dict[str, Any]:
        return {"flow": self.flow, "key": self.key, "entity": self.entity,
                "canonical": self.canonical, "content_hash": self.content_hash,
                "canonical_id": self.canonical_id, "sources": self.sources,
                "mappings": self.mappings, "correlation_id": self.correlation_id,
                "first_seen": self.first_seen, "updated_at": self.updated_at}


@dataclass(frozen=True)
class TargetRecord:
    """A record's delivery to one target system."""

    system: str
    target_id: str | None  # None until the target answered a create
    state: str  # pending | delivered
    operation: str  # create | update
    idempotency_key: str
    payload_hash: str
    mapping: str
    updated_at: str

    @property
    def delivered(self) -> bool:
        return self.state == "delivered"

    def to_dict(self) -> dict[str, Any]:
        return {"system": self.system, "target_id": self.target_id, "state": self.state,
                "operation": self.operation, "idempotency_key": self.idempotency_key,
                "payload_hash": self.payload_hash, "mapping": self.mapping,
                "updated_at": self.updated_at}


_RECORD = ("flow, key, entity, canonical, content_hash, canonical_id, sources, mappings, "
           "correlation_id, first_seen, updated_at")
_TARGET = "system, target_id, state, operation, idempotency_key, payload_hash, mapping, updated_at"


def _record(row: Sequence[Any]) -> LedgerRecord:
    return LedgerRecord(str(row[0]), str(row[1]), str(row[2]), loads(row[3]), str(row[4]),
                        str(row[5]), loads(row[6]), loads(row[7]), str(row[8]), str(row[9]),
                        str(row[10]))


def _target(row: Sequence[Any]) -> TargetRecord:
    return TargetRecord(str(row[0]), None if row[1] is None else str(row[1]), str(row[2]),
                        str(row[3]), str(row[4]), str(row[5]), str(row[6]), str(row[7]))


class Ledger:
    """The ledger of the workspace database ``store``."""

    def __init__(self, store: Store) -> None:
        self.store = store

    # -- records ----------------------------------------------------------------------------
    def get(self, flow: str, key: str) -> LedgerRecord | None:
        rows = self.store.query(f"SELECT {_RECORD} FROM accord_ledger WHERE flow = ? AND key = ?",
                                (flow, key))
        return _record(rows[0]) if rows else None

    def put(self, record: LedgerRecord) -> LedgerRecord:
        """Insert or replace the record of ``record.flow`` and ``record.key`` (``first_seen``
        kept from the first put); returns it as stored, with its times."""
        now = utc_now()
        with self.store.transaction():
            self.store.execute(
                f"INSERT INTO accord_ledger ({_RECORD}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (flow, key) DO UPDATE SET entity = excluded.entity, "
                "canonical = excluded.canonical, content_hash = excluded.content_hash, "
                "canonical_id = excluded.canonical_id, sources = excluded.sources, "
                "mappings = excluded.mappings, correlation_id = excluded.correlation_id, "
                "updated_at = excluded.updated_at",
                (record.flow, record.key, record.entity, dumps(record.canonical),
                 record.content_hash, record.canonical_id, dumps(dict(record.sources)),
                 dumps(dict(record.mappings)), record.correlation_id, now, now))
            stored = self.get(record.flow, record.key)
        assert stored is not None
        return stored

    def records(self, flow: str) -> Iterator[LedgerRecord]:
        """The flow's records, by key."""
        for row in self.store.query(
                f"SELECT {_RECORD} FROM accord_ledger WHERE flow = ? ORDER BY key", (flow,)):
            yield _record(row)

    def find(self, entity: str, canonical_id: str) -> LedgerRecord | None:
        """The record of canonical entity ``entity`` (a name: any version) with
        ``canonical_id``, whichever flow landed it (the latest, when several did)."""
        rows = self.store.query(
            f"SELECT {_RECORD} FROM accord_ledger WHERE canonical_id = ? AND "
            "(entity = ? OR entity LIKE ?) ORDER BY updated_at DESC", (canonical_id, entity,
                                                                       f"{entity}@%"))
        return _record(rows[0]) if rows else None

    def count(self, flow: str) -> int:
        rows = self.store.query("SELECT count(*) FROM accord_ledger WHERE flow = ?", (flow,))
        return int(rows[0][0])

    # -- targets ----------------------------------------------------------------------------
    def targets(self, flow: str, key: str) -> dict[str, TargetRecord]:
        """The record's deliveries, by target system."""
        rows = self.store.query(f"SELECT {_TARGET} FROM accord_targets WHERE flow = ? AND "
                                "key = ? ORDER BY system", (flow, key))
        return {str(row[0]): _target(row) for row in rows}

    def intend(self, flow: str, key: str, system: str, *, operation: str, idempotency_key: str,
               payload_hash: str, mapping: str) -> TargetRecord:
        """Record, before calling ``system``, that the record is about to be sent (state
        ``pending``). A target id already known (an update) is kept."""
        _ERRORS.one_of(codes.SYNC_STATE_INVALID, "operation", operation, OPERATIONS)
        with self.store.transaction():
            self.store.execute(
                f"INSERT INTO accord_targets (flow, key, {_TARGET}) VALUES "
                "(?, ?, ?, NULL, 'pending', ?, ?, ?, ?, ?) "
                "ON CONFLICT (flow, key, system) DO UPDATE SET state = 'pending', "
                "operation = excluded.operation, idempotency_key = excluded.idempotency_key, "
                "payload_hash = excluded.payload_hash, mapping = excluded.mapping, "
                "updated_at = excluded.updated_at",
                (flow, key, system, operation, idempotency_key, payload_hash, mapping,
                 utc_now()))
            return self.targets(flow, key)[system]

    def delivered(self, flow: str, key: str, system: str, *, target_id: str | None,
                  payload_hash: str) -> TargetRecord:
        """Record that ``system`` accepted the record (its id there: ``target_id``; None keeps
        the id already known). It must have been intended first."""
        with self.store.transaction():
            changed = self.store.execute(
                "UPDATE accord_targets SET state = 'delivered', "
                "target_id = COALESCE(?, target_id), payload_hash = ?, updated_at = ? "
                "WHERE flow = ? AND key = ? AND system = ?",
                (target_id, payload_hash, utc_now(), flow, key, system))
            if not changed:
                raise _ERRORS.invalid(codes.SYNC_STATE_INVALID,
                              f"{flow}: record {key!r} was never intended for {system}: "
                              "call Ledger.intend before the delivery")
            return self.targets(flow, key)[system]

    def pending(self, flow: str) -> list[tuple[str, TargetRecord]]:
        """The deliveries intended but not confirmed (a crash or a failure between the two):
        (key, target), by key and system."""
        rows = self.store.query(f"SELECT key, {_TARGET} FROM accord_targets WHERE flow = ? "
                                "AND state = 'pending' ORDER BY key, system", (flow,))
        return [(str(row[0]), _target(row[1:])) for row in rows]

    def delivered_count(self, flow: str, system: str | None = None) -> int:
        """How many records of the flow are delivered (to ``system``, or to any target)."""
        sql = "SELECT count(*) FROM accord_targets WHERE flow = ? AND state = 'delivered'"
        params: list[str] = [flow]
        if system is not None:
            sql += " AND system = ?"
            params.append(system)
        return int(self.store.query(sql, params)[0][0])

