"""A simulator's state: the records of each collection, in SQLite (a file, or memory).

One row per record: its collection, its id (text), where it came from (``seed``: a golden
example; ``state``: a provider state; ``api``: written through the API, i.e. by accord), an
insertion sequence (lists keep insertion order) and the record as JSON. Beside them: the
answers to writes sent with an ``Idempotency-Key`` (replayed for the same key) and the log of
requests (method, path, status, key; the last :data:`REQUEST_LOG_ROWS`).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from accord import codes
from accord.diagnostics import Diagnostic
from accord.errors import LoadError

__all__ = ["Logged", "Replay", "SimState", "Stored", "dumps"]


def dumps(value: Any) -> bytes:
    """JSON bytes; integers past 64 bits (a fuzzer sends them) through the standard
    library, which has no bound."""
    try:
        return orjson.dumps(value)
    except TypeError:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    collection TEXT NOT NULL,
    id TEXT NOT NULL,
    origin TEXT NOT NULL,
    seq INTEGER NOT NULL,
    body BLOB NOT NULL,
    PRIMARY KEY (collection, id)
);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS idempotency (
    key TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    status INTEGER NOT NULL,
    media TEXT,
    body BLOB
);
CREATE TABLE IF NOT EXISTS requests (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    status INTEGER NOT NULL,
    idempotency_key TEXT,
    replayed INTEGER NOT NULL DEFAULT 0
);
"""

#: how many requests the log keeps (the oldest go first)
REQUEST_LOG_ROWS = 100_000


@dataclass(frozen=True)
class Stored:
    """One stored record."""

    id: str
    origin: str
    record: Any

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "origin": self.origin, "record": self.record}


@dataclass(frozen=True)
class Replay:
    """The answer kept for an idempotency key, and the fingerprint of its request."""

    fingerprint: str
    status: int
    media: str | None
    body: Any


@dataclass(frozen=True)
class Logged:
    """One request the simulator answered."""

    seq: int
    method: str
    path: str
    status: int
    idempotency_key: str | None
    replayed: bool

    def to_dict(self) -> dict[str, Any]:
        return {"seq": self.seq, "method": self.method, "path": self.path,
                "status": self.status, "idempotency_key": self.idempotency_key,
                "replayed": self.replayed}


class SimState:
    """Thread-safe record storage (the server thread and the admin API share it)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        try:
            self._db = sqlite3.connect(str(path) if path else ":memory:",
                                       check_same_thread=False, isolation_level=None)
            self._db.executescript(_SCHEMA)
        except sqlite3.Error as exc:
            diag = Diagnostic(codes.SIM_STATE, f"cannot use {path} as simulator state: {exc}",
                              str(path or ""), hint="name a new file, or one a simulator wrote")
            raise LoadError(diag.format(), diagnostics=[diag]) from None
        # re-entrant: a transaction holds it across the writes made inside it
        self._lock = threading.RLock()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Every write inside is one SQLite transaction (all or none after a crash); other
        threads wait until it ends."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _next(self, name: str) -> int:
        row = self._db.execute("SELECT value FROM counters WHERE name = ?", (name,)).fetchone()
        value = (row[0] if row else 0) + 1
        self._db.execute("INSERT OR REPLACE INTO counters (name, value) VALUES (?, ?)",
                         (name, value))
        return int(value)

    def counter(self, name: str) -> int:
        """The next number of a named counter (1, 2, ...), kept with the state."""
        with self._lock:
            return self._next("n:" + name)

    def put(self, collection: str, record_id: str, record: Any, origin: str, *,
            keep: bool = False) -> None:
        """Store (replace) a record; with ``keep``, leave an existing one as it is."""
        body = dumps(record)
        with self._lock:
            exists = self._db.execute("SELECT seq FROM records WHERE collection = ? AND id = ?",
                                      (collection, record_id)).fetchone()
            if exists and keep:
                return
            seq = exists[0] if exists else self._next("seq")
            self._db.execute("INSERT OR REPLACE INTO records (collection, id, origin, seq, body)"
                             " VALUES (?, ?, ?, ?, ?)",
                             (collection, record_id, origin, seq, body))

    def get(self, collection: str, record_id: str) -> Stored | None:
        with self._lock:
            row = self._db.execute("SELECT origin, body FROM records WHERE collection = ? "
                                   "AND id = ?", (collection, record_id)).fetchone()
        return Stored(record_id, row[0], orjson.loads(row[1])) if row else None

    def delete(self, collection: str, record_id: str) -> bool:
        with self._lock:
            cursor = self._db.execute("DELETE FROM records WHERE collection = ? AND id = ?",
                                      (collection, record_id))
        return cursor.rowcount > 0

    def all(self, collection: str, origin: str | None = None) -> list[Stored]:
        query = "SELECT id, origin, body FROM records WHERE collection = ?"
        args: tuple[str, ...] = (collection,)
        if origin is not None:
            query += " AND origin = ?"
            args += (origin,)
        with self._lock:
            rows = self._db.execute(query + " ORDER BY seq", args).fetchall()
        return [Stored(r[0], r[1], orjson.loads(r[2])) for r in rows]

    def clear(self) -> None:
        """Forget records, counters and kept answers (the request log stays)."""
        with self._lock:
            self._db.execute("DELETE FROM records")
            self._db.execute("DELETE FROM counters")
            self._db.execute("DELETE FROM idempotency")

    # -- idempotency keys -------------------------------------------------------------------

    def replay(self, key: str) -> Replay | None:
        with self._lock:
            row = self._db.execute("SELECT fingerprint, status, media, body FROM idempotency "
                                   "WHERE key = ?", (key,)).fetchone()
        if row is None:
            return None
        return Replay(row[0], int(row[1]), row[2], orjson.loads(row[3]) if row[3] else None)

    def keep_answer(self, key: str, fingerprint: str, status: int, media: str | None,
                    body: Any) -> None:
        """Keep the answer to a write sent with ``key`` (the first one stays)."""
        with self._lock:
            self._db.execute("INSERT OR IGNORE INTO idempotency (key, fingerprint, status, "
                             "media, body) VALUES (?, ?, ?, ?, ?)",
                             (key, fingerprint, status, media,
                              None if body is None else dumps(body)))

    # -- the request log --------------------------------------------------------------------

    def log_request(self, method: str, path: str, status: int, key: str | None,
                    replayed: bool = False) -> None:
        with self._lock:
            cursor = self._db.execute(
                "INSERT INTO requests (method, path, status, idempotency_key, replayed) "
                "VALUES (?, ?, ?, ?, ?)", (method, path, status, key, int(replayed)))
            seq = cursor.lastrowid or 0
            if seq % 1000 == 0:
                self._db.execute("DELETE FROM requests WHERE seq <= ?",
                                 (seq - REQUEST_LOG_ROWS,))

    def requests(self) -> list[Logged]:
        with self._lock:
            rows = self._db.execute("SELECT seq, method, path, status, idempotency_key, "
                                    "replayed FROM requests ORDER BY seq").fetchall()
        return [Logged(int(r[0]), r[1], r[2], int(r[3]), r[4], bool(r[5])) for r in rows]

    def clear_requests(self) -> None:
        with self._lock:
            self._db.execute("DELETE FROM requests")
