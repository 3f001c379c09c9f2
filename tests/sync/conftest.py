"""A migrated workspace database of each backend (SQLite, then the session's PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from accord.store import Store, open_store


@pytest.fixture()
def store(tmp_path: Path, database: str) -> Iterator[Store]:
    with open_store(tmp_path) as opened:
        assert opened.dialect.name == database
        yield opened
