"""Fixtures shared by the whole suite."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

os.environ.setdefault("PACT_DO_NOT_TRACK", "true")
# Proofs that a generated module is fresh (accord.codegen.provenance) go to a folder of this
# test session, never to the user's cache.
if "ACCORD_CACHE_DIR" not in os.environ:
    import tempfile

    os.environ["ACCORD_CACHE_DIR"] = tempfile.mkdtemp(prefix="accord-test-cache-")


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


@pytest.fixture()
def reference_workspace(tmp_path: Path) -> Path:
    """A copy of the shipped reference workspace (contracts, mappings, generated), with
    nothing beside it: the workspace reads only its own files."""
    import shutil

    root = tmp_path / "repo"
    for part in ("contracts", "mappings", "generated"):
        shutil.copytree(REPO / part, root / part)
    return root


# -- the workspace database (accord.store) ------------------------------------------------------

@pytest.fixture(autouse=True)
def _database_of_the_test(monkeypatch: pytest.MonkeyPatch) -> None:
    """A test chooses its database itself: an ACCORD_DATABASE_URL of the shell never leaks in."""
    monkeypatch.delenv("ACCORD_DATABASE_URL", raising=False)


#: the local PostgreSQL the tests use (user postgres, no password)
PG_SERVER = "postgresql://postgres@127.0.0.1:5432"


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """The URL of a throw-away PostgreSQL database created for this test session (and dropped
    after it). Skips when no PostgreSQL answers on 127.0.0.1:5432."""
    import uuid

    import psycopg

    name = f"accord_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    try:
        admin = psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        pytest.skip(f"no PostgreSQL on 127.0.0.1:5432 (user postgres): {exc}")
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{PG_SERVER}/{name}"
    finally:
        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture()
def postgres_url(postgres_database: str) -> str:
    """The session's PostgreSQL database, emptied of accord's tables (every test migrates a
    new database)."""
    import psycopg

    with psycopg.connect(postgres_database, autocommit=True) as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
            "AND tablename LIKE 'accord%'").fetchall()]
        for table in tables:
            conn.execute(f'DROP TABLE "{table}" CASCADE')
    return postgres_database


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each backend in turn: ``sqlite`` (the default, .accord/accord.db) or ``postgresql`` (the
    session's throw-away database through ACCORD_DATABASE_URL). The backend's name."""
    if request.param == "postgresql":
        monkeypatch.setenv("ACCORD_DATABASE_URL", request.getfixturevalue("postgres_url"))
    return str(request.param)
