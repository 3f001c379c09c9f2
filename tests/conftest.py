"""Fixtures shared by the whole suite."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"

os.environ.setdefault("PACT_DO_NOT_TRACK", "true")


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.fail(f"shared/ not found beside the repository at {SHARED}: tests need it")
    return SHARED


@pytest.fixture()
def reference_workspace(tmp_path: Path, shared_dir: Path) -> Path:
    """A copy of the shipped reference workspace (contracts, mappings, generated) with
    ../shared beside it, as in CI."""
    import shutil

    (tmp_path / "shared").symlink_to(shared_dir.resolve())
    root = tmp_path / "repo"
    for part in ("contracts", "mappings", "generated"):
        shutil.copytree(REPO / part, root / part)
    return root
