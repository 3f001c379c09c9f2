"""The workspace: one folder holding contracts, systems, mappings and generated code.

``load_workspace(path)`` finds the workspace root (the folder with ``contracts/``) and loads its
parts lazily; ``Workspace.check()`` runs every check and returns all findings.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from accord.diagnostics import Diagnostic
from accord.errors import CompatError, LoadError
from accord.workspace.contracts import ContractRegistry, load_contracts
from accord.workspace.systems import System, check_systems, load_systems

if TYPE_CHECKING:
    from accord.codegen.workspace_generate import GenerateResult
    from accord.mapping.loader import MappingSet

__all__ = ["Workspace", "find_root", "load_workspace"]


def find_root(path: str | Path) -> Path:
    """The workspace root at or above ``path``. Raises LoadError (exit 2) when there is none."""
    start = Path(path).resolve()
    if not start.exists():
        raise LoadError(f"{path}: no such file or directory")
    if start.is_file():
        start = start.parent
    for candidate in (start, *start.parents):
        if (candidate / "contracts").is_dir():
            return candidate
    raise LoadError(
        f"{path}: not inside an accord workspace (no contracts/ folder here or above); "
        "create one with `accord init DIR`"
    )


@dataclass
class Workspace:
    root: Path

    @cached_property
    def contracts(self) -> ContractRegistry:
        return load_contracts(self.root)

    @cached_property
    def _systems(self) -> tuple[dict[str, System], list[Diagnostic]]:
        return load_systems(self.root)

    @property
    def systems(self) -> dict[str, System]:
        """Every system under contracts/systems, by name (API descriptions parse lazily)."""
        return self._systems[0]

    @cached_property
    def mappings(self) -> MappingSet:
        """Mapping specs and lookup tables under mappings/ (loaded once)."""
        from accord.mapping.loader import load_mappings

        return load_mappings(self.root)

    def generate(self, check: bool = False) -> GenerateResult:
        """Write generated/ from the mapping specs; with ``check``, only report stale files."""
        from accord.codegen.workspace_generate import generate_workspace

        return generate_workspace(self, check=check)

    def check(self) -> list[Diagnostic]:
        """Every finding in the workspace, errors first."""
        diagnostics: list[Diagnostic] = list(self.contracts.diagnostics)
        # -- checks from other subsystems --
        from accord.check.workspace_check import check_workspace_mappings

        diagnostics.extend(check_workspace_mappings(self))
        diagnostics.extend(check_systems(*self._systems))
        diagnostics.extend(self._check_bumps())
        return sorted(diagnostics, key=Diagnostic.sort_key)

    def _check_bumps(self) -> list[Diagnostic]:
        """Each version's semver bump matches its changes against the version before it."""
        from accord.compat import check_bump

        found: list[Diagnostic] = []
        for name in self.contracts.names():
            versions = self.contracts.versions(name)
            for old, new in itertools.pairwise(versions):
                def locate(pointer: str, doc: Any = new.document) -> tuple[str, int, int]:
                    pos = doc.position(pointer)
                    return doc.display, pos.line, pos.col

                try:
                    found.extend(check_bump(old.version, old.schema, new.version, new.schema,
                                            new.compatibility, self.contracts.resource_registry,
                                            locate=locate))
                except CompatError:
                    continue  # an unresolvable $ref: already a finding of the registry
        return found

    def contract_table(self) -> list[dict[str, str]]:
        """One row per entity: its versions (oldest first) with status, and the latest."""
        rows = []
        for name in self.contracts.names():
            versions = self.contracts.versions(name)
            rows.append({
                "entity": name,
                "versions": ", ".join(f"{c.version} ({c.status})" for c in versions),
                "latest": versions[-1].version,
                "owner": versions[-1].owner,
            })
        return rows

    def summary(self) -> dict[str, Any]:
        by_status: dict[str, int] = {}
        for contract in self.contracts:
            by_status[contract.status] = by_status.get(contract.status, 0) + 1
        return {
            "entities": len(self.contracts.names()),
            "versions": len(self.contracts),
            "versions_by_status": dict(sorted(by_status.items())),
            "systems": len(self.systems),
            "mappings": len(self.mappings.specs),
            "lookup_tables": len(self.mappings.lookups),
        }


def load_workspace(path: str | Path = ".") -> Workspace:
    return Workspace(find_root(path))
