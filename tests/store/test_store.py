"""The workspace database on SQLite and on a real PostgreSQL: where it lives, migrations
(numbered, recorded, idempotent, all-or-nothing, safe under concurrent processes), the dialect
layer, and the diagnostics for a database accord cannot use (exit 2, never the password)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from accord import codes
from accord.cli.main import cli
from accord.errors import StoreError
from accord.store import MIGRATIONS, Migration, open_store, redact, resolve
from accord.store.migrations import MIGRATIONS_TABLE
from click.testing import CliRunner

REPO = Path(__file__).resolve().parents[2]


def test_sqlite_by_default_in_the_workspace_and_gitignored(tmp_path: Path) -> None:
    with open_store(tmp_path) as store:
        assert store.dialect.name == "sqlite"
        assert store.display == str(tmp_path / ".accord" / "accord.db")
    assert (tmp_path / ".accord" / "accord.db").is_file()
    assert "/.accord/" in (REPO / ".gitignore").read_text("utf-8").splitlines()


def test_init_scaffolds_a_gitignore_for_the_database(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["init", str(tmp_path / "ws")])
    assert result.exit_code == 0, result.output
    assert ".accord/" in (tmp_path / "ws" / ".gitignore").read_text("utf-8").splitlines()


def test_migrations_are_numbered_from_one_without_gaps_and_prefixed() -> None:
    assert [m.number for m in MIGRATIONS] == list(range(1, len(MIGRATIONS) + 1))
    for m in MIGRATIONS:
        for statement in m.statements:
            words = statement.split()
            if words[0] == "CREATE" and words[1] in ("TABLE", "INDEX"):
                assert words[2].startswith("accord_"), statement


def test_migrations_apply_once_and_are_recorded(tmp_path: Path, database: str) -> None:
    with open_store(tmp_path) as store:
        assert store.dialect.name == database
        applied = store.applied()
        assert sorted(applied) == [m.number for m in MIGRATIONS]
        assert applied[1] == (MIGRATIONS[0].name, MIGRATIONS[0].checksum)
        assert store.schema_version == len(MIGRATIONS)
        assert store.migrate() == []  # idempotent
    with open_store(tmp_path) as again:  # a second open applies nothing either
        assert again.migrate() == []
        rows = again.query(f"SELECT number FROM {MIGRATIONS_TABLE}")
        assert sorted(r[0] for r in rows) == [m.number for m in MIGRATIONS]


def test_a_later_migration_adds_a_table_through_the_same_mechanism(tmp_path: Path,
                                                                   database: str) -> None:
    """How issue 10's ledger will arrive: a new numbered migration after the last one."""
    ledger = Migration(len(MIGRATIONS) + 1, "a ledger", (
        "CREATE TABLE accord_test_ledger (id {id}, key TEXT NOT NULL UNIQUE, "
        "at {timestamp} NOT NULL, n {bigint})",))
    with open_store(tmp_path) as store:
        assert store.migrate([*MIGRATIONS, ledger]) == [ledger.number]
        with store.transaction():
            store.execute("INSERT INTO accord_test_ledger (key, at, n) VALUES (?, ?, ?)",
                          ("a|1", "2026-12-01T00:00:00.000000Z", 2**40))
        assert store.query("SELECT key, n FROM accord_test_ledger WHERE key LIKE ?",
                           ("a|%",)) == [("a|1", 2**40)]
        # this accord does not know the added migration: it refuses the database (ACC803)
    with pytest.raises(StoreError) as info:
        open_store(tmp_path)
    assert info.value.diagnostics[0].code == codes.DATABASE_NEWER


def test_a_changed_migration_is_refused(tmp_path: Path, database: str) -> None:
    open_store(tmp_path).close()
    edited = Migration(1, MIGRATIONS[0].name, (*MIGRATIONS[0].statements, "SELECT 1"))
    with open_store(tmp_path, migrate=False) as store, pytest.raises(StoreError) as info:
        store.migrate([edited, *MIGRATIONS[1:]])
    assert info.value.diagnostics[0].code == codes.MIGRATION_CHANGED
    assert info.value.exit_code == 2


def test_a_failing_migration_applies_nothing(tmp_path: Path, database: str) -> None:
    broken = Migration(len(MIGRATIONS) + 1, "broken", (
        "CREATE TABLE accord_half (a TEXT)", "CREATE TABLE accord_half (a TEXT)"))
    with open_store(tmp_path) as store:
        with pytest.raises(StoreError) as info:
            store.migrate([*MIGRATIONS, broken])
        assert info.value.diagnostics[0].code == codes.MIGRATION_FAILED
        assert f"migration {broken.number} (broken) failed" in str(info.value)
        assert broken.number not in store.applied()
        with pytest.raises(StoreError):  # the first statement was rolled back with it
            store.query("SELECT a FROM accord_half")


def test_a_transaction_rolls_back_when_its_block_raises(tmp_path: Path, database: str) -> None:
    with open_store(tmp_path) as store:
        insert = ("INSERT INTO accord_verifications (pact_path, pact_sha256, consumer, provider,"
                  " environment, verified_at, outcome, mismatches, contracts, mapping, "
                  "recorded_at) VALUES (?, ?, 'c', 'p', 'local', ?, ?, '[]', '[]', 'm', ?)")
        t = "2026-12-01T00:00:00.000000Z"
        with pytest.raises(RuntimeError), store.transaction():
            store.execute(insert, ("a.json", "0" * 64, t, "passed", t))
            raise RuntimeError("boom")
        assert store.query("SELECT count(*) FROM accord_verifications") == [(0,)]
        with pytest.raises(StoreError) as info:  # the CHECK constraint holds on both
            store.execute(insert, ("a.json", "0" * 64, t, "maybe", t))
        assert info.value.diagnostics[0].code == codes.DATABASE_QUERY_FAILED
        with store.transaction(), store.transaction():  # nested blocks join the outer one
            store.execute(insert, ("a.json", "0" * 64, t, "failed", t))
        assert store.query("SELECT outcome FROM accord_verifications") == [("failed",)]


_OPENER = textwrap.dedent("""
    import sys, time
    from accord.store import open_store
    start = float(sys.argv[2])
    while time.time() < start:
        pass
    with open_store(sys.argv[1]) as store:
        print(sorted(store.applied()))
""")


@pytest.mark.slow
def test_concurrent_processes_migrate_a_new_database_once(tmp_path: Path, database: str) -> None:
    """Four real processes open the same new database at the same instant: each sees every
    migration applied, and each is recorded exactly once."""
    start = time.time() + 2.0  # all four imported and spinning by then
    procs = [subprocess.Popen([sys.executable, "-c", _OPENER, str(tmp_path), str(start)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env=os.environ.copy())
             for _ in range(4)]
    outputs = [p.communicate(timeout=120) for p in procs]
    expected = str([m.number for m in MIGRATIONS])
    for proc, (out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err
        assert out.strip() == expected
    with open_store(tmp_path) as store:
        rows = store.query(f"SELECT number, count(*) FROM {MIGRATIONS_TABLE} GROUP BY number")
        assert sorted(rows) == [(m.number, 1) for m in MIGRATIONS]


# -- databases accord cannot use -------------------------------------------------------------

def _cli(root: Path, env: dict[str, str]) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["can-i-deploy", "rate_card", "1.0.0", "--to", "local",
                                      "-w", str(root)], env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.exit_code, result.output


@pytest.fixture()
def workspace(reference_workspace: Path) -> Path:
    return reference_workspace


@pytest.mark.parametrize(("url", "code"), [
    ("postgresql://accord:s3cr3t-pw@127.0.0.1:1/accord", codes.DATABASE_UNREACHABLE),
    ("postgresql://postgres:s3cr3t-pw@127.0.0.1:5432/no_such_db_accord",
     codes.DATABASE_UNREACHABLE),
    ("postgresql://accord:s3cr3t-pw@no-such-host.invalid/accord", codes.DATABASE_UNREACHABLE),
    ("postgresql://accord:s3cr3t-pw@127.0.0.1/accord?sslmode=sometimes",
     codes.DATABASE_UNREACHABLE),
    ("postgresql://accord:s3cr3t pw@127.0.0.1/accord", codes.DATABASE_URL_INVALID),
    ("mysql://accord:s3cr3t-pw@127.0.0.1/accord", codes.DATABASE_URL_INVALID),
    ("s3cr3t-pw", codes.DATABASE_URL_INVALID),
    ("postgresql:accord:s3cr3t-pw", codes.DATABASE_URL_INVALID),
])
def test_a_database_accord_cannot_use_is_exit_2_without_the_password(
        workspace: Path, url: str, code: str) -> None:
    exit_code, out = _cli(workspace, {"ACCORD_DATABASE_URL": url})
    assert exit_code == 2, out
    assert code in out and "ACCORD_DATABASE_URL" in out
    assert "s3cr3t" not in out
    assert "Traceback" not in out


def test_a_file_that_is_not_a_database(workspace: Path) -> None:
    (workspace / ".accord").mkdir()
    (workspace / ".accord" / "accord.db").write_bytes(b"this is not SQLite\n" * 100)
    exit_code, out = _cli(workspace, {})
    assert exit_code == 2 and codes.DATABASE_NOT_SQLITE in out, out


def test_a_fifo_is_refused_without_hanging(workspace: Path) -> None:
    (workspace / ".accord").mkdir()
    os.mkfifo(workspace / ".accord" / "accord.db")
    exit_code, out = _cli(workspace, {})
    assert exit_code == 2 and codes.DATABASE_NOT_SQLITE in out, out


def test_a_database_folder_that_leaves_the_workspace(workspace: Path, tmp_path: Path) -> None:
    (tmp_path / "elsewhere").mkdir()
    (workspace / ".accord").symlink_to(tmp_path / "elsewhere")
    exit_code, out = _cli(workspace, {})
    assert exit_code == 2 and codes.OUTSIDE_WORKSPACE in out, out
    assert not (tmp_path / "elsewhere" / "accord.db").exists()


def test_sqlite_urls(tmp_path: Path) -> None:
    assert resolve(tmp_path, "sqlite:db/x.db").path == tmp_path / "db" / "x.db"
    assert resolve(tmp_path, f"sqlite://{tmp_path}/y.db").path == tmp_path / "y.db"
    with open_store(tmp_path, url=f"sqlite://{tmp_path}/y.db") as store:
        assert store.schema_version == len(MIGRATIONS)
    assert resolve(tmp_path, "  ").kind == "sqlite"


@pytest.mark.parametrize(("text", "shown"), [
    ("postgresql://u:pw@h:5432/db", "postgresql://u:***@h:5432/db"),
    ("postgresql://u:p@ss/w0rd@h/db", "postgresql://u:***@h/db"),
    ("postgresql://h/db?sslmode=require&password=pw2", "postgresql://h/db?sslmode=require"
                                                       "&password=***"),
    ("postgresql://u@h/db", "postgresql://u@h/db"),
])
def test_redact(text: str, shown: str) -> None:
    assert redact(text) == shown


def test_the_password_is_never_in_a_store_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError) as info:
        open_store(tmp_path, url="postgresql://postgres:pw-9f2@127.0.0.1:1/x?connect_timeout=2")
    text = str(info.value) + "".join(d.format() for d in info.value.diagnostics)
    assert "pw-9f2" not in text and "postgresql://postgres:***@127.0.0.1:1/x" in text
