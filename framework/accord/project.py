"""The workspace facade: one folder's contracts, systems and mappings, and the stages over them.

``load_workspace(path)`` finds the workspace root (the folder with ``contracts/``); the parts
load lazily through the loaders below (:mod:`accord.workspace`, :mod:`accord.mapping`).
``Workspace.check()`` runs every check, ``Workspace.generate()`` the generator and
``Workspace.examples()`` the golden examples. The facade sits above the stages it drives: the
loaders and the stages never import it. The stages are imported on first use, so a command
that only reads contracts (``accord run``, ``--help``) does not load the compiler.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from accord.diagnostics import Diagnostic
from accord.workspace.contracts import ContractRegistry, load_contracts
from accord.workspace.root import find_root

if TYPE_CHECKING:
    from accord.check.endpoints import WorkspaceResolver
    from accord.codegen.examples import ExampleResult
    from accord.codegen.generator import GeneratedFile, GenerateResult
    from accord.mapping.flow import FlowSet
    from accord.mapping.loader import MappingSet
    from accord.workspace.systems import System

__all__ = ["Workspace", "load_workspace"]


@dataclass
class Workspace:
    root: Path

    @cached_property
    def contracts(self) -> ContractRegistry:
        return load_contracts(self.root)

    @cached_property
    def _systems(self) -> tuple[dict[str, System], list[Diagnostic]]:
        # here, not at import: `accord run` to a contract never loads the OpenAPI machinery
        from accord.workspace.systems import load_systems

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

    @cached_property
    def flows(self) -> FlowSet:
        """The flows under mappings/ (``mappings/<flow>/flow.yaml``, loaded once)."""
        from accord.mapping.flow import load_flows

        return load_flows(self.root)

    def _compatible(self, writer: str, reader: str) -> str | None:
        """Why records of contract ``writer`` cannot be read as ``reader`` (name@version
        each), under BACKWARD compatibility; None when they can."""
        from accord.compat import compat

        old, new = (self.contracts.bundle(*ref.split("@", 1)) for ref in (writer, reader))
        result = compat(old, new, mode="BACKWARD")
        if result.compatible:
            return None
        first = next(iter(result.breaking), None)
        return f"{first.message} ({first.pointer or '/'})" if first is not None else \
            "the versions are not compatible"

    @cached_property
    def resolver(self) -> WorkspaceResolver:
        """A spec's ``source``/``target`` as a JSON Schema: contracts and system schemas."""
        from accord.check.endpoints import WorkspaceResolver

        return WorkspaceResolver(self.contracts, self.systems)

    @cached_property
    def rendered(self) -> tuple[list[GeneratedFile], list[Diagnostic]]:
        """Every spec's module rendered in memory, and the findings of the specs that do not
        generate (once per workspace: ``check`` and ``generate`` share it)."""
        from accord.codegen.generator import generate

        return generate(self.mappings, self.resolver)

    @cached_property
    def mapping_findings(self) -> list[Diagnostic]:
        """The checker's findings on the mapping specs (once per workspace: ``check`` and
        ``generate`` share them)."""
        from accord.check.mapping_check import check_mapping_set

        return check_mapping_set(self.mappings, self.resolver)

    def generate(self, check: bool = False) -> GenerateResult:
        """Write generated/ from the mapping specs; with ``check``, only report stale files.

        A spec the checker finds an error in what the module is compiled from (its rules,
        ``key`` or ``when``: a path the source lacks, a type error, ...) is refused as ``accord
        check`` refuses it: its module is not written (the previous one, if any, is kept) and
        the errors are the result's findings. A source or target that does not resolve, or a
        missing example, is ``check``'s finding only (the module is compiled without them).
        ``check`` only compares generated/ with what the specs give."""
        from accord.codegen.generator import generate_workspace
        from accord.diagnostics import Severity

        files, diags = self.rendered
        if not check:  # --check writes nothing: it compares (the checker is `check`'s stage)
            specs = {spec.display for spec in self.mappings.specs}
            refused = [d for d in self.mapping_findings
                       if d.severity is Severity.ERROR and d.file in specs
                       and d.pointer.split("/")[1:2] in (["fields"], ["key"], ["when"])]
            broken = {d.file for d in refused}
            seen = {(d.code, d.file, d.line) for d in diags}
            files = [f for f in files if f.spec not in broken]
            diags = diags + [d for d in refused if (d.code, d.file, d.line) not in seen]
        return generate_workspace(self.root, self.mappings, self.resolver, check=check,
                                  rendered=(files, diags))

    def examples(self, only: str | None = None
                 ) -> tuple[list[ExampleResult], list[Diagnostic]]:
        """Run the golden examples (of every spec, or of the one named ``only``) and validate
        each expected output against its spec's target."""
        from accord.codegen.examples import run_examples

        rendered = {file.spec: file.text for file in self.rendered[0]} if only is None else None
        return run_examples(self.root, self.mappings, only, resolver=self.resolver,
                            rendered=rendered)

    def check(self) -> list[Diagnostic]:
        """Every finding in the workspace, errors first."""
        from accord.check.flow_check import check_flows
        from accord.check.lifecycle import check_lifecycle
        from accord.check.ownership_check import check_ownership
        from accord.compat.bump import check_registry_bumps

        diagnostics: list[Diagnostic] = list(self.contracts.diagnostics)
        diagnostics.extend(self.mapping_findings)
        # A spec check calls clean always generates: whatever stops the generator (two specs
        # for one module, a zero slice step, code nested deeper than Python parses, ...) is a
        # finding here too, unless the checker already reported it at that line.
        seen = {(d.code, d.file, d.line) for d in diagnostics}
        diagnostics.extend(d for d in self.rendered[1] if (d.code, d.file, d.line) not in seen)
        from accord.workspace.systems import check_systems

        diagnostics.extend(check_systems(*self._systems))
        diagnostics.extend(check_registry_bumps(self.contracts))
        diagnostics.extend(check_lifecycle(self.mappings, self.contracts))
        diagnostics.extend(check_ownership(self.mappings, self.contracts,
                                           {name: s.kind for name, s in self.systems.items()}))
        diagnostics.extend(check_flows(self.flows, self.mappings, self.contracts, self.systems,
                                       self.resolver, self._compatible))
        return sorted(diagnostics, key=Diagnostic.sort_key)

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
            "flows": len(self.flows.flows),
        }


def load_workspace(path: str | Path = ".") -> Workspace:
    """The workspace at or above ``path``. Raises LoadError (exit 2) when there is none."""
    return Workspace(find_root(path))
