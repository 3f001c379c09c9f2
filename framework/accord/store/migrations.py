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

Later features add their tables here, after the last one: migration 2 is the sync state of
issue 10 (ledger, target deliveries, crosswalk, watermarks, exception queue and its audit,
lineage, accounting periods, runs and ownership conflicts; :mod:`accord.sync` reads and writes
them, docs/flows.md describes them). :func:`accord.store.open_store` applies what is missing
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
    )),    Migration(2, "sync state", (
        # one row per flow and entity key: the canonical record as last landed
        """CREATE TABLE accord_ledger (
            flow TEXT NOT NULL,
            key TEXT NOT NULL,
            entity TEXT NOT NULL,
            canonical TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            canonical_id TEXT NOT NULL,
            sources TEXT NOT NULL,
            mappings TEXT NOT NULL,
            correlation_id TEXT NOT NULL,
            first_seen {timestamp} NOT NULL,
            updated_at {timestamp} NOT NULL,
            PRIMARY KEY (flow, key)
        )""",
        "CREATE INDEX accord_ledger_canonical ON accord_ledger (canonical_id)",
        # one row per flow, key and target system: intended (pending) or delivered
        """CREATE TABLE accord_targets (
            flow TEXT NOT NULL,
            key TEXT NOT NULL,
            system TEXT NOT NULL,
            target_id TEXT,
            state TEXT NOT NULL CHECK (state IN ('pending', 'delivered')),
            operation TEXT NOT NULL CHECK (operation IN ('create', 'update')),
            idempotency_key TEXT NOT NULL,
            payload_hash TEXT NOT NULL,
            mapping TEXT NOT NULL,
            updated_at {timestamp} NOT NULL,
            PRIMARY KEY (flow, key, system)
        )""",
        "CREATE INDEX accord_targets_state ON accord_targets (flow, state)",
        "CREATE INDEX accord_targets_target ON accord_targets (system, target_id)",
        # which record of each system is which canonical record, and whether it is active
        """CREATE TABLE accord_crosswalk (
            entity TEXT NOT NULL,
            canonical_id TEXT NOT NULL,
            system TEXT NOT NULL,
            external_id TEXT NOT NULL,
            active INTEGER NOT NULL CHECK (active IN (0, 1)),
            updated_at {timestamp} NOT NULL,
            PRIMARY KEY (entity, system, external_id)
        )""",
        "CREATE INDEX accord_crosswalk_canonical ON accord_crosswalk (entity, canonical_id)",
        """CREATE TABLE accord_watermarks (
            flow TEXT NOT NULL,
            system TEXT NOT NULL,
            value TEXT NOT NULL,
            updated_at {timestamp} NOT NULL,
            PRIMARY KEY (flow, system)
        )""",
        """CREATE TABLE accord_exceptions (
            id {id},
            flow TEXT NOT NULL,
            key TEXT,
            system TEXT NOT NULL,
            source_id TEXT NOT NULL,
            error_class TEXT NOT NULL CHECK (error_class IN ('business_rule', 'data_quality',
                'mapping_error', 'authentication', 'availability')),
            owner TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('open', 'resolved', 'discarded',
                'replayed')),
            record TEXT NOT NULL,
            error TEXT NOT NULL,
            rule TEXT,
            pointer TEXT,
            attempts INTEGER NOT NULL,
            correlation_id TEXT NOT NULL,
            first_seen {timestamp} NOT NULL,
            last_seen {timestamp} NOT NULL,
            run_id TEXT
        )""",
        # at most one open exception per flow, source record and class (a repeat updates it)
        """CREATE UNIQUE INDEX accord_exceptions_open
            ON accord_exceptions (flow, system, source_id, error_class) WHERE status = 'open'""",
        "CREATE INDEX accord_exceptions_status ON accord_exceptions (status, flow, id)",
        """CREATE TABLE accord_exception_audit (
            id {id},
            exception_id {bigint} NOT NULL REFERENCES accord_exceptions (id),
            action TEXT NOT NULL,
            actor TEXT NOT NULL,
            note TEXT NOT NULL,
            at {timestamp} NOT NULL
        )""",
        "CREATE INDEX accord_exception_audit_exception ON accord_exception_audit (exception_id)",
        """CREATE TABLE accord_lineage (
            id {id},
            correlation_id TEXT NOT NULL,
            flow TEXT NOT NULL,
            key TEXT NOT NULL,
            action TEXT NOT NULL CHECK (action IN ('create', 'update', 'skip', 'land')),
            source_system TEXT,
            source_id TEXT,
            canonical_id TEXT,
            target_system TEXT,
            target_id TEXT,
            mappings TEXT NOT NULL,
            run_id TEXT,
            at {timestamp} NOT NULL
        )""",
        "CREATE INDEX accord_lineage_flow_key ON accord_lineage (flow, key)",
        "CREATE INDEX accord_lineage_key ON accord_lineage (key)",
        "CREATE INDEX accord_lineage_source ON accord_lineage (source_id)",
        "CREATE INDEX accord_lineage_canonical ON accord_lineage (canonical_id)",
        "CREATE INDEX accord_lineage_target ON accord_lineage (target_id)",
        "CREATE INDEX accord_lineage_correlation ON accord_lineage (correlation_id)",
        """CREATE TABLE accord_periods (
            legal_entity TEXT NOT NULL,
            period TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
            updated_by TEXT NOT NULL,
            updated_at {timestamp} NOT NULL,
            PRIMARY KEY (legal_entity, period)
        )""",
        """CREATE TABLE accord_runs (
            run_id TEXT PRIMARY KEY,
            flow TEXT NOT NULL,
            environment TEXT NOT NULL,
            dry_run INTEGER NOT NULL CHECK (dry_run IN (0, 1)),
            started_at {timestamp} NOT NULL,
            finished_at {timestamp},
            status TEXT NOT NULL CHECK (status IN ('running', 'ok', 'failed', 'interrupted')),
            summary TEXT NOT NULL
        )""",
        "CREATE INDEX accord_runs_flow ON accord_runs (flow, started_at)",
        """CREATE TABLE accord_conflicts (
            id {id},
            run_id TEXT NOT NULL,
            flow TEXT NOT NULL,
            key TEXT NOT NULL,
            path TEXT NOT NULL,
            owner TEXT NOT NULL,
            system TEXT NOT NULL,
            value TEXT NOT NULL,
            kept TEXT NOT NULL,
            at {timestamp} NOT NULL
        )""",
        "CREATE INDEX accord_conflicts_run ON accord_conflicts (run_id)",
        "CREATE INDEX accord_conflicts_flow ON accord_conflicts (flow, key)",
    )),
)
