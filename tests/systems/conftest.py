"""Fixtures for the systems tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def shared_systems(shared_dir: Path) -> Path:
    """../shared/systems beside the repository; its absence fails the tests, never skips."""
    path = shared_dir / "systems"
    assert path.is_dir(), f"{path} is missing"
    return path
