"""Fixtures for the systems tests: the vendors' full API descriptions (an external suite, see
tests/external_suites.py) loaded as systems."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from accord.workspace.systems import System, load_systems
from external_suites import VENDOR_FILES, VENDOR_SYSTEMS


@pytest.fixture(scope="session")
def shared_systems() -> Path:
    """The directory of the vendors' full descriptions (skips, or fails in CI, when absent)."""
    return VENDOR_SYSTEMS.require()


@pytest.fixture(scope="session")
def vendor_systems(shared_systems: Path, tmp_path_factory: pytest.TempPathFactory) -> \
        dict[str, System]:
    """Each reference system with the vendor's full description as its ``api:`` (a copy inside
    a throw-away workspace)."""
    root = tmp_path_factory.mktemp("vendor-ws")
    for name, (kind, file) in VENDOR_FILES.items():
        folder = root / "contracts" / "systems" / name
        folder.mkdir(parents=True)
        shutil.copyfile(shared_systems / file, folder / Path(file).name)
        (folder / "system.yaml").write_text(
            f"accord: system/v1\nname: {name}\nkind: {kind}\napi: {Path(file).name}\n",
            encoding="utf-8")
    systems, diags = load_systems(root)
    assert diags == []
    return systems
