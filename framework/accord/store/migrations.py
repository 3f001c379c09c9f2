"""The workspace database's schema, as numbered migrations.

Rules (a test keeps the first three):

* numbers start at 1 and have no gaps; a migration is **append-only**: once released, its
  statements never change (each applied one is recorded with the sha256 of its text, and a
  database whose record differs from this list is refused, ACC804);
* statements are written once for both databases, with the dialect's tokens (``{id}``,
  ``{bigint}``, ``{timestamp}``: :mod:`accord.store.dialect`);
* every table is prefixed ``accord_`` (a PostgreSQL database may be shared with other tools);
* a migration runs in one transaction with the row that records it (SQLite and PostgreSQL both
  have transactional DDL): it is applied whole or not at all.

Later features add their tables here, after the last one: the sync ledger and exception queue
(issue 10) are migration 2 and on. :func:`accord.store.open_store` applies what is missing
when it opens the database, under a lock (SQLite ``BEGIN IMMEDIATE``, PostgreSQL a
transaction-scoped advisory lock), so two processes opening a new database at once apply each
migration exactly once.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

__all__ = ["MIGRATIONS", "MIGRATIONS_TABLE", "Migration"]

#: where applied migrations are recorded (number, name, checksum, applied_at)
MIGRATIONS_TABLE = "accord_schema_migrations"


@dataclass(frozen=True)
class Migration:
    number: int
    name: str
    statements: tuple[str, ...]

    @property
    def checksum(self) -> str:
        text = "\n;\n".join((self.name, *self.statements))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "verification matrix", (
        """CREATE TABLE accord_verifications (
            id {id},
            pact_path TEXT NOT NULL,
            pact_sha256 TEXT NOT NULL,
            consumer TEXT NOT NULL,
            provider TEXT NOT NULL,
            environment TEXT NOT NULL,
            verified_at {timestamp} NOT NULL,
            outcome TEXT NOT NULL CHECK (outcome IN ('passed', 'failed')),
            mismatches TEXT NOT NULL,
            contracts TEXT NOT NULL,
            mapping TEXT NOT NULL,
            recorded_at {timestamp} NOT NULL
        )""",
        """CREATE INDEX accord_verifications_latest
            ON accord_verifications (environment, pact_path, pact_sha256, verified_at)""",
    )),
)
