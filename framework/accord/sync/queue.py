"""The exception queue: records a flow could not deliver, with the reason, routed to an owner.

Each exception holds the record, the error, the rule's line (``mappings/x/y.yaml:24``) and
JSON pointer when a rule failed, its class (:class:`accord.mapping.flow.ErrorClass`) and owner
(from the flow's ``exceptions:``), the attempts so far and the correlation id of the run that
saw it. The same record failing again the same way (flow, source system and id, class) while
its exception is open updates that exception (one more attempt, the newest error) instead of
adding another; the database holds at most one open exception per record and class.

An exception leaves ``open`` once: ``resolved`` (fixed at the source, with a note),
``discarded`` (dropped on purpose, with a reason) or ``replayed`` (sent again by the engine,
with its outcome). Every change writes a row of the audit trail: who, what, when and why.
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from accord import codes
from accord.errors import UsageError
from accord.store import Store, utc_now
from accord.store.dialect import POSTGRESQL
from accord.sync.values import Errors, default_actor, dumps, loads

__all__ = ["ERROR_CLASSES", "STATUSES", "AuditEntry", "ExceptionQueue", "ExceptionRecord",
           "unknown_exception"]

#: this repository's errors, located in it
_ERRORS = Errors("exception queue")


def unknown_exception(ident: int) -> UsageError:
    """ACC610 for ``ident`` (exit 2, with the hint to list them)."""
    return _ERRORS.invalid(codes.SYNC_EXCEPTION_UNKNOWN, f"no exception {ident} in the queue")


#: the classes of accord.mapping.flow.ErrorClass (the values the database accepts)
ERROR_CLASSES = ("business_rule", "data_quality", "mapping_error", "authentication",
                 "availability")
STATUSES = ("open", "resolved", "discarded", "replayed")


@dataclass(frozen=True)
class AuditEntry:
    """One change of an exception: ``opened``, ``recurred``, ``resolved``, ``discarded`` or
    ``replayed``."""

    action: str
    actor: str
    note: str
    at: str

    def to_dict(self) -> dict[str, str]:
        return {"action": self.action, "actor": self.actor, "note": self.note, "at": self.at}


@dataclass(frozen=True)
class ExceptionRecord:
    id: int
    flow: str
    key: str | None
    system: str
    source_id: str
    error_class: str
    owner: str
    status: str
    record: Any
    error: str
    rule: str | None  # mappings/<flow>/<spec>.yaml:LINE of the failing rule
    pointer: str | None
    attempts: int
    correlation_id: str
    first_seen: str
    last_seen: str
    run_id: str | None
    audit: list[AuditEntry] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "flow": self.flow, "key": self.key, "system": self.system,
                "source_id": self.source_id, "error_class": self.error_class,
                "owner": self.owner, "status": self.status, "record": self.record,
                "error": self.error, "rule": self.rule, "pointer": self.pointer,
                "attempts": self.attempts, "correlation_id": self.correlation_id,
                "first_seen": self.first_seen, "last_seen": self.last_seen,
                "run_id": self.run_id, "audit": [a.to_dict() for a in self.audit]}


_COLUMNS = ("id, flow, key, system, source_id, error_class, owner, status, record, error, rule, "
            "pointer, attempts, correlation_id, first_seen, last_seen, run_id")


def _opt(value: Any) -> str | None:
    return None if value is None else str(value)


def _exception(row: Sequence[Any], audit: list[AuditEntry] | None = None) -> ExceptionRecord:
    return ExceptionRecord(int(row[0]), str(row[1]), _opt(row[2]), str(row[3]), str(row[4]),
                           str(row[5]), str(row[6]), str(row[7]), loads(row[8]), str(row[9]),
                           _opt(row[10]), _opt(row[11]), int(row[12]), str(row[13]),
                           str(row[14]), str(row[15]), _opt(row[16]), audit or [])


class ExceptionQueue:
    """The exception queue of the workspace database ``store``."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def add(self, *, flow: str, error_class: str, owner: str, record: Any, error: str,
            rule: str | None = None, pointer: str | None = None, system: str, source_id: str,
            key: str | None = None, correlation_id: str, run_id: str | None = None) -> int:
        """Queue a failed record (or count one more attempt of its open exception); its id."""
        _ERRORS.one_of(codes.SYNC_STATE_INVALID, "error class", str(error_class), ERROR_CLASSES)
        now = utc_now()
        with self.store.transaction():
            rows = self.store.query(
                f"INSERT INTO accord_exceptions ({_COLUMNS[4:]}) VALUES "
                "(?, ?, ?, ?, ?, ?, 'open', ?, ?, ?, ?, 1, ?, ?, ?, ?) "
                "ON CONFLICT (flow, system, source_id, error_class) WHERE status = 'open' "
                "DO UPDATE SET attempts = accord_exceptions.attempts + 1, "
                "last_seen = excluded.last_seen, key = excluded.key, owner = excluded.owner, "
                "record = excluded.record, error = excluded.error, rule = excluded.rule, "
                "pointer = excluded.pointer, run_id = excluded.run_id RETURNING id, attempts",
                (flow, key, system, source_id, str(error_class), owner, dumps(record), error,
                 rule, pointer, correlation_id, now, now, run_id))
            ident, attempts = int(rows[0][0]), int(rows[0][1])
            self._audit(ident, "opened" if attempts == 1 else "recurred", "accord",
                        error if attempts == 1 else f"attempt {attempts}: {error}", now)
        return ident

    def list(self, *, flow: str | None = None, status: str | None = "open",
             error_class: str | None = None, owner: str | None = None,
             limit: int | None = None) -> list[ExceptionRecord]:
        """Exceptions by id, filtered (``status=None``: every status)."""
        where: list[str] = []
        params: list[Any] = []
        if status is not None:
            _ERRORS.one_of(codes.SYNC_STATE_INVALID, "status", status, STATUSES)
        if error_class is not None:
            _ERRORS.one_of(codes.SYNC_STATE_INVALID, "error class", error_class, ERROR_CLASSES)
        for column, value in (("flow", flow), ("status", status), ("error_class", error_class),
                              ("owner", owner)):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        sql = f"SELECT {_COLUMNS} FROM accord_exceptions"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY id"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(max(0, int(limit)))
        return [_exception(row) for row in self.store.query(sql, params)]

    def get(self, ident: int) -> ExceptionRecord | None:
        """The exception with its audit trail; None when there is none with that id."""
        rows = self.store.query(f"SELECT {_COLUMNS} FROM accord_exceptions WHERE id = ?",
                                (int(ident),))
        return _exception(rows[0], self.audit(ident)) if rows else None

    def require(self, ident: int) -> ExceptionRecord:
        """:meth:`get`, or an error (ACC610, exit 2) naming the id."""
        found = self.get(ident)
        if found is None:
            raise unknown_exception(ident)
        return found

    def resolve(self, ident: int, *, actor: str | None = None, note: str) -> ExceptionRecord:
        """Close an open exception as fixed (``note``: what was done)."""
        return self._close(ident, "resolved", actor, note, "--note")

    def discard(self, ident: int, *, actor: str | None = None, reason: str) -> ExceptionRecord:
        """Close an open exception as dropped on purpose (``reason``: why)."""
        return self._close(ident, "discarded", actor, reason, "--reason")

    def mark_replayed(self, ident: int, *, actor: str | None = None,
                      outcome: str) -> ExceptionRecord:
        """Close an open exception as sent again (``outcome``: what the replay did)."""
        return self._close(ident, "replayed", actor, outcome, "outcome")

    def audit(self, ident: int) -> builtins.list[AuditEntry]:
        """The exception's trail, oldest first."""
        rows = self.store.query("SELECT action, actor, note, at FROM accord_exception_audit "
                                "WHERE exception_id = ? ORDER BY id", (int(ident),))
        return [AuditEntry(str(a), str(b), str(c), str(d)) for a, b, c, d in rows]

    def _close(self, ident: int, status: str, actor: str | None, note: str,
               option: str) -> ExceptionRecord:
        text = (note or "").strip()
        if not text:
            raise _ERRORS.invalid(codes.SYNC_NOTE_REQUIRED,
                          f"exception {ident}: {status} needs {option} TEXT (it goes to the "
                          "audit trail)")
        who = (actor or "").strip() or default_actor()
        with self.store.transaction():
            lock = " FOR UPDATE" if self.store.dialect is POSTGRESQL else ""
            rows = self.store.query(f"SELECT status FROM accord_exceptions WHERE id = ?{lock}",
                                    (int(ident),))
            if not rows:
                raise unknown_exception(ident)
            if rows[0][0] != "open":
                last = self.audit(ident)[-1]
                raise _ERRORS.invalid(codes.SYNC_EXCEPTION_CLOSED,
                              f"exception {ident} is already {rows[0][0]} (by {last.actor} at "
                              f"{last.at[:19]}Z: {last.note})")
            now = utc_now()
            self.store.execute("UPDATE accord_exceptions SET status = ? WHERE id = ?",
                               (status, int(ident)))
            self._audit(int(ident), status, who, text, now)
        return self.require(ident)

    def _audit(self, ident: int, action: str, actor: str, note: str, at: str) -> None:
        self.store.execute("INSERT INTO accord_exception_audit (exception_id, action, actor, "
                           "note, at) VALUES (?, ?, ?, ?, ?)", (ident, action, actor, note, at))
