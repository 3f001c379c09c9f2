"""Migration 2 (the sync state): applied on a new database and on one left at migration 1 by
an earlier accord, on SQLite and PostgreSQL; its text is pinned (append-only)."""

from __future__ import annotations

from pathlib import Path

from accord.store import MIGRATIONS, open_store

#: the sha256 of each released migration (Migration.checksum). A released migration never
#: changes: a database that applied it would be refused (ACC804). Change the schema with a new
#: migration after the last one, and pin its checksum here.
RELEASED = {
    1: "2fcec0caa603b7230f573a631f519b67cab96dafb3f03a3aee729c8b53afbbab",
    2: "60a5f6b6f4c56e611c700cd8283151bb61090718b365ec68dcdbc41fd76c6d5d",
}

SYNC_TABLES = ("accord_ledger", "accord_targets", "accord_crosswalk", "accord_watermarks",
               "accord_exceptions", "accord_exception_audit", "accord_lineage",
               "accord_periods", "accord_runs", "accord_conflicts")


def test_released_migrations_are_unchanged() -> None:
    assert {m.number: m.checksum for m in MIGRATIONS if m.number in RELEASED} == RELEASED
    assert MIGRATIONS[1].name == "sync state"


def test_a_database_at_migration_1_is_upgraded(tmp_path: Path, database: str) -> None:
    t = "2026-12-01T00:00:00.000000Z"
    with open_store(tmp_path, migrate=False) as old:
        assert old.migrate(MIGRATIONS[:1]) == [1]  # what the previous accord left
        with old.transaction():
            old.execute("INSERT INTO accord_verifications (pact_path, pact_sha256, consumer, "
                        "provider, environment, verified_at, outcome, mismatches, contracts, "
                        "mapping, recorded_at) VALUES ('p.json', ?, 'c', 'p', 'local', ?, "
                        "'passed', '[]', '[]', 'm', ?)", ("0" * 64, t, t))
    with open_store(tmp_path) as store:  # this accord applies what is missing on open
        assert sorted(store.applied()) == [1, 2]
        assert store.applied()[2] == ("sync state", RELEASED[2])
        for table in SYNC_TABLES:
            assert store.query(f"SELECT count(*) FROM {table}") == [(0,)]
        assert store.query("SELECT outcome FROM accord_verifications") == [("passed",)]
        assert store.migrate() == []
