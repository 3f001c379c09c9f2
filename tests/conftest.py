"""Fixtures shared by the whole suite."""

from __future__ import annotations

import os
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
