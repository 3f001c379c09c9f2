"""Sync runs and the ownership conflicts they logged.

:meth:`Runs.start` records a run (``running``) and gives its id; :meth:`Runs.finish` closes it
``ok``, ``failed`` or ``interrupted`` with a summary (counts, timings: any JSON object). A run
left ``running`` by a killed process stays so until the next run of the flow sees it
(:meth:`Runs.last`). :class:`Conflicts` keeps what system-of-record ownership refused: a
non-owner's differing value for an owned property
(:class:`accord.runtime.ownership.Conflict`), per run, flow and key.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from accord import codes
from accord.store import Store, utc_now
from accord.sync.values import Errors, dumps, loads

__all__ = ["RUN_STATUSES", "ConflictRecord", "Conflicts", "Run", "Runs"]

#: this repository's errors, located in it
_ERRORS = Errors("sync runs")


RUN_STATUSES = ("running", "ok", "failed", "interrupted")


@dataclass(frozen=True)
class Run:
    run_id: str
    flow: str
    environment: str
    dry_run: bool
    started_at: str
    finished_at: str | None
    status: str
    summary: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {"run_id": self.run_id, "flow": self.flow, "environment": self.environment,
                "dry_run": self.dry_run, "started_at": self.started_at,
                "finished_at": self.finished_at, "status": self.status,
                "summary": self.summary}


_RUN = "run_id, flow, environment, dry_run, started_at, finished_at, status, summary"


def _run(row: Sequence[Any]) -> Run:
    return Run(str(row[0]), str(row[1]), str(row[2]), bool(row[3]), str(row[4]),
               None if row[5] is None else str(row[5]), str(row[6]), loads(row[7]))


class Runs:
    """The sync runs of the workspace database ``store``."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def start(self, flow: str, environment: str, *, dry_run: bool) -> str:
        """Record a new run (``running``); its id (32 hex digits)."""
        run_id = uuid.uuid4().hex
        with self.store.transaction():
            self.store.execute(f"INSERT INTO accord_runs ({_RUN}) VALUES "
                               "(?, ?, ?, ?, ?, NULL, 'running', '{}')",
                               (run_id, flow, environment, int(dry_run), utc_now()))
        return run_id

    def finish(self, run_id: str, status: str, summary: Mapping[str, Any]) -> Run:
        """Close the run with ``status`` (ok, failed, interrupted) and its summary."""
        _ERRORS.one_of(codes.SYNC_STATE_INVALID, "run status", status, RUN_STATUSES[1:])
        with self.store.transaction():
            changed = self.store.execute(
                "UPDATE accord_runs SET status = ?, summary = ?, finished_at = ? "
                "WHERE run_id = ?", (status, dumps(dict(summary)), utc_now(), run_id))
            if not changed:
                raise _ERRORS.invalid(codes.SYNC_RUN_UNKNOWN, f"no sync run {run_id!r}")
        found = self.get(run_id)
        assert found is not None
        return found

    def get(self, run_id: str) -> Run | None:
        rows = self.store.query(f"SELECT {_RUN} FROM accord_runs WHERE run_id = ?", (run_id,))
        return _run(rows[0]) if rows else None

    def last(self, flow: str) -> Run | None:
        """The flow's most recently started run."""
        rows = self.store.query(f"SELECT {_RUN} FROM accord_runs WHERE flow = ? "
                                "ORDER BY started_at DESC, run_id LIMIT 1", (flow,))
        return _run(rows[0]) if rows else None


@dataclass(frozen=True)
class ConflictRecord:
    run_id: str
    flow: str
    key: str
    path: str  # the owned property, dotted (employment_status, roles.rate)
    owner: str  # the system (or kind) that owns it
    system: str  # the non-owner whose value was refused
    value: Any  # what the non-owner sent
    kept: Any  # what the record kept
    at: str

    def to_dict(self) -> dict[str, Any]:
        return {"run_id": self.run_id, "flow": self.flow, "key": self.key, "path": self.path,
                "owner": self.owner, "system": self.system, "value": self.value,
                "kept": self.kept, "at": self.at}


_CONFLICT = "run_id, flow, key, path, owner, system, value, kept, at"


class Conflicts:
    """The ownership conflicts of the workspace database ``store``."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def add(self, *, run_id: str, flow: str, key: str, path: str, owner: str, system: str,
            value: Any, kept: Any) -> ConflictRecord:
        conflict = ConflictRecord(run_id, flow, key, path, owner, system, value, kept,
                                  utc_now())
        with self.store.transaction():
            self.store.execute(f"INSERT INTO accord_conflicts ({_CONFLICT}) VALUES "
                               "(?, ?, ?, ?, ?, ?, ?, ?, ?)",
                               (run_id, flow, key, path, owner, system, dumps(value),
                                dumps(kept), conflict.at))
        return conflict

    def list(self, run_id: str | None = None, flow: str | None = None) -> list[ConflictRecord]:
        """The conflicts (of a run, of a flow), oldest first."""
        where, params = [], []
        for column, value in (("run_id", run_id), ("flow", flow)):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        sql = f"SELECT {_CONFLICT} FROM accord_conflicts"
        if where:
            sql += " WHERE " + " AND ".join(where)
        rows = self.store.query(sql + " ORDER BY id", params)
        return [ConflictRecord(str(r[0]), str(r[1]), str(r[2]), str(r[3]), str(r[4]),
                               str(r[5]), loads(r[6]), loads(r[7]), str(r[8])) for r in rows]
