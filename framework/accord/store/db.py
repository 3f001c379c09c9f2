"""Open the workspace database, migrate it, and run statements on it.

``open_store(root)`` resolves the database (:mod:`accord.store.config`), connects, and applies
the migrations it lacks (:mod:`accord.store.migrations`), then returns a :class:`Store`::

    with open_store(root) as store:
        with store.transaction():
            store.execute("INSERT INTO accord_x (a, b) VALUES (?, ?)", (1, "two"))
        rows = store.query("SELECT a, b FROM accord_x WHERE a = ?", (1,))

Statements use ``?`` placeholders on both databases (:mod:`accord.store.dialect`). Every
driver error becomes a :class:`~accord.errors.StoreError` with an ACC80x code and a message
that never holds the password; nothing outside this module sees sqlite3 or psycopg.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
import stat
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

from accord import codes, fsio
from accord.codes import Code
from accord.diagnostics import Diagnostic
from accord.errors import AccordError, StoreError
from accord.store.config import ENV_VAR, DatabaseConfig, redact, resolve
from accord.store.dialect import POSTGRESQL, SQLITE, Dialect
from accord.store.migrations import MIGRATIONS, MIGRATIONS_TABLE, Migration

__all__ = ["Store", "open_store"]

#: seconds a connection waits for another process's write lock (SQLite) or for the server
BUSY_TIMEOUT = 30.0
CONNECT_TIMEOUT = 10
#: pg_advisory_xact_lock key of the migrations (any constant; "accord" in ASCII)
_ADVISORY_KEY = 0x6163636F7264

Row = tuple[Any, ...]


def utc_now() -> str:
    """The current UTC time as accord stores times: ``YYYY-MM-DDTHH:MM:SS.ffffffZ``."""
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class Store:
    """One connection to the workspace database (not shared between threads)."""

    def __init__(self, config: DatabaseConfig, dialect: Dialect, connection: Any) -> None:
        self.config = config
        self.dialect = dialect
        self._conn = connection
        self._depth = 0

    # -- plumbing -----------------------------------------------------------------------------
    @property
    def display(self) -> str:
        """Where the database is, for people (a PostgreSQL password shown as ***)."""
        return self.config.display

    def _error(self, exc: Exception, code: Code = codes.DATABASE_QUERY_FAILED,
               what: str = "query failed") -> StoreError:
        return _store_error(self.config, code, f"{what}: {_first_line(exc)}")

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run one statement; the number of rows it changed."""
        try:
            cur = self._conn.execute(self.dialect.sql(sql), tuple(params))
            return int(cur.rowcount or 0)
        except Exception as exc:
            if _is_driver_error(exc):
                raise self._error(exc) from None
            raise

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """The rows of one query, as tuples."""
        try:
            cur = self._conn.execute(self.dialect.sql(sql), tuple(params))
            return [tuple(r) for r in cur.fetchall()]
        except Exception as exc:
            if _is_driver_error(exc):
                raise self._error(exc) from None
            raise

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Store]:
        """A transaction that holds the write lock from its start (SQLite ``BEGIN
        IMMEDIATE``): commits when the block ends, rolls back when it raises. Nested blocks
        join the outer transaction."""
        if self._depth:
            self._depth += 1
            try:
                yield self
            finally:
                self._depth -= 1
            return
        self._depth = 1
        try:
            if self.dialect is SQLITE:
                self._raw("BEGIN IMMEDIATE")
                try:
                    yield self
                except BaseException:
                    with contextlib.suppress(sqlite3.Error):  # SQLite may have rolled back
                        self._conn.execute("ROLLBACK")
                    raise
                self._raw("COMMIT")
            else:
                try:
                    with self._conn.transaction():
                        yield self
                except Exception as exc:
                    if _is_driver_error(exc):
                        raise self._error(exc) from None
                    raise
        finally:
            self._depth = 0

    def _raw(self, sql: str) -> None:
        try:
            self._conn.execute(sql)
        except sqlite3.Error as exc:
            raise self._error(exc) from None

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    # -- migrations ---------------------------------------------------------------------------
    def applied(self) -> dict[int, tuple[str, str]]:
        """The migrations recorded in the database: number -> (name, checksum); empty for a
        new database."""
        if self.dialect is SQLITE:
            exists = self.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                                (MIGRATIONS_TABLE,))
        else:
            exists = self.query("SELECT 1 WHERE to_regclass(?) IS NOT NULL", (MIGRATIONS_TABLE,))
        if not exists:
            return {}
        rows = self.query(f"SELECT number, name, checksum FROM {MIGRATIONS_TABLE}")
        return {int(n): (str(name), str(checksum)) for n, name, checksum in rows}

    @property
    def schema_version(self) -> int:
        """The number of the last migration applied."""
        return max(self.applied(), default=0)

    def migrate(self, migrations: Sequence[Migration] = MIGRATIONS) -> list[int]:
        """Apply the migrations the database lacks, each in its own transaction together with
        its record; the numbers applied (empty when it was up to date). Safe to call from two
        processes at once: the second waits for the first and applies nothing twice."""
        if self._validate(self.applied(), migrations):
            return []  # the usual case: up to date, no lock taken
        done: list[int] = []
        for migration in migrations:
            with self.transaction():
                if self.dialect is POSTGRESQL:
                    self.query("SELECT pg_advisory_xact_lock(?)", (_ADVISORY_KEY,))
                self.execute(f"""CREATE TABLE IF NOT EXISTS {MIGRATIONS_TABLE} (
                    number INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL,
                    applied_at TEXT NOT NULL)""")
                applied = self.applied()
                self._validate(applied, migrations)
                if migration.number in applied:
                    continue  # another process applied it while this one waited
                for statement in migration.statements:
                    try:
                        self._conn.execute(self.dialect.ddl(statement))
                    except Exception as exc:
                        if not _is_driver_error(exc):
                            raise
                        raise _store_error(self.config, codes.MIGRATION_FAILED,
                                           f"migration {migration.number} ({migration.name}) "
                                           f"failed: {_first_line(exc)}") from None
                self.execute(f"INSERT INTO {MIGRATIONS_TABLE} (number, name, checksum, "
                             "applied_at) VALUES (?, ?, ?, ?)",
                             (migration.number, migration.name, migration.checksum, utc_now()))
                done.append(migration.number)
        return done

    def _validate(self, applied: dict[int, tuple[str, str]],
                  migrations: Sequence[Migration]) -> bool:
        """Whether every migration is applied; raises when the database disagrees with this
        accord (a changed migration, ACC804; one it does not know, ACC803)."""
        known = {m.number: m for m in migrations}
        newer = sorted(n for n in applied if n not in known)
        if newer:
            raise _store_error(self.config, codes.DATABASE_NEWER,
                               f"the database has migration(s) {newer} that this accord does "
                               f"not know (it knows 1..{max(known, default=0)})")
        for number, (name, checksum) in sorted(applied.items()):
            if checksum != known[number].checksum:
                raise _store_error(self.config, codes.MIGRATION_CHANGED,
                                   f"migration {number} ({name}) was applied from different "
                                   "statements than this accord's")
        return all(n in applied for n in known)


# -- opening ------------------------------------------------------------------------------------

def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0].strip() if text else type(exc).__name__


def _store_error(config: DatabaseConfig, code: Code, message: str) -> StoreError:
    where = ".accord/accord.db" if config.source == "default" else ENV_VAR
    text = redact(f"{config.kind} database {config.display}: {message}", config.password)
    diag = Diagnostic(code, text, where, hint=code.hint)
    return StoreError(diag.format(), diagnostics=[diag])


def _is_driver_error(exc: Exception) -> bool:
    if isinstance(exc, sqlite3.Error):
        return True
    module = type(exc).__module__ or ""
    return module.startswith("psycopg")


def _open_sqlite(root: Path, config: DatabaseConfig) -> Store:
    assert config.path is not None
    path = config.path
    confined = config.source == "default"
    if confined:
        fsio.make_dirs(path.parent, root=root, display=".accord")
    else:
        fsio.make_dirs(path.parent)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise _store_error(config, codes.DATABASE_NOT_SQLITE,
                           f"cannot open: {exc.strerror or exc}") from None
    if st is not None and not stat.S_ISREG(st.st_mode):
        raise _store_error(config, codes.DATABASE_NOT_SQLITE,
                           "is not a regular file (a FIFO, device or folder)")
    if confined and os.path.lexists(path) and not fsio.inside(path, root):
        raise _store_error(config, codes.OUTSIDE_WORKSPACE,
                           "is a symlink that leaves the workspace")
    try:
        conn = sqlite3.connect(os.fspath(path), timeout=BUSY_TIMEOUT, isolation_level=None)
    except sqlite3.Error as exc:
        raise _store_error(config, codes.DATABASE_NOT_SQLITE,
                           f"cannot open: {_first_line(exc)}") from None
    # Switching a new database to WAL takes an exclusive lock, and SQLite answers "database
    # is locked" at once (no busy handler) when another process is doing the same: wait and
    # retry within the busy timeout; only what is not a lock says the file is not SQLite.
    deadline = time.monotonic() + BUSY_TIMEOUT
    pause = 0.01
    while True:
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT * 1000)}")
            conn.execute("PRAGMA journal_mode = WAL")  # readers never wait for a writer
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("SELECT count(*) FROM sqlite_master").fetchall()
            return Store(config, SQLITE, conn)
        except sqlite3.OperationalError as exc:
            text = str(exc).lower()
            if ("locked" in text or "busy" in text) and time.monotonic() < deadline:
                time.sleep(pause)
                pause = min(pause * 2, 0.25)
                continue
            conn.close()
            code = codes.DATABASE_NOT_SQLITE if "locked" not in text and "busy" not in text \
                else codes.DATABASE_UNREACHABLE
            raise _store_error(config, code, _first_line(exc)) from None
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise _store_error(config, codes.DATABASE_NOT_SQLITE, _first_line(exc)) from None


def _open_postgresql(config: DatabaseConfig) -> Store:
    import psycopg  # here: only a PostgreSQL workspace pays for the driver
    from psycopg.conninfo import conninfo_to_dict

    try:
        params = conninfo_to_dict(config.url)
    except psycopg.Error as exc:
        raise _store_error(config, codes.DATABASE_URL_INVALID,
                           f"not a valid PostgreSQL URL: {_first_line(exc)}") from None
    extra: dict[str, Any] = {"autocommit": True}
    if "connect_timeout" not in params:
        extra["connect_timeout"] = CONNECT_TIMEOUT
    if "application_name" not in params:
        extra["application_name"] = "accord"
    try:
        conn = psycopg.connect(config.url, **extra)
    except psycopg.Error as exc:
        raise _store_error(config, codes.DATABASE_UNREACHABLE,
                           f"cannot connect: {_first_line(exc)}") from None
    return Store(config, POSTGRESQL, conn)


def open_store(root: str | os.PathLike[str], *, url: str | None = None,
               migrate: bool = True) -> Store:
    """The database of the workspace at ``root``, migrated to this accord's schema.

    ``url`` overrides ``ACCORD_DATABASE_URL``; unset, it is SQLite at ``.accord/accord.db``.
    Raises StoreError (exit 2) when it cannot be opened or migrated."""
    base = Path(root)
    config = resolve(base, url)
    store = _open_sqlite(base, config) if config.kind == "sqlite" else _open_postgresql(config)
    if migrate:
        try:
            store.migrate()
        except AccordError:
            store.close()
            raise
    return store
