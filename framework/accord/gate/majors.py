"""A new major version and the mappings of its entity.

Compatibility is judged within a major line, so the first version of a new major (``2.0.0``
after ``1.x``) may break what ``1.x`` promised. Then every mapping that reads or writes the
entity must either fit the version it will use, or stay pinned to the old major:

* on an older major (``contract: project@1.1.0``) — it stays there (``accord check`` warns
  once that version is deprecated, and fails after its sunset date);
* on this major line (``contract: project@2.0.0``) — it must check clean against the version
  being promoted, or the gate refuses.

For each mapping the gate also says whether it already fits the new version, so the report
doubles as the migration list.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from accord.check.endpoints import with_extra_fields
from accord.check.mapping_check import check_spec
from accord.diagnostics import Diagnostic, Severity
from accord.errors import AccordError
from accord.mapping.model import Endpoint, MappingSpec
from accord.project import Workspace
from accord.workspace.contracts import Contract
from accord.workspace.semver import parse_version

__all__ = ["MappingMove", "major_moves"]


@dataclass(frozen=True)
class MappingMove:
    """One mapping of the entity, seen from a new major version."""

    spec: str  # repo-relative spec file
    access: str  # "reads" | "writes" | "reads and writes"
    uses: str  # the reference(s) in the spec: "project@1.1.0"
    fits: bool  # checks clean against the new version
    findings: int  # errors against the new version
    first: str  # the first of them, for the report
    outcome: str  # "stays on 1.1.0 (fits 2.0.0 too)" | "fits 2.0.0" | "does not fit 2.0.0"
    ok: bool  # acceptable for the gate

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _uses(spec: MappingSpec, name: str) -> list[tuple[str, Endpoint]]:
    return [(role, e) for role, e in (("source", spec.source), ("target", spec.target))
            if e.contract and e.contract.partition("@")[0] == name]


def _errors(workspace: Workspace, spec: MappingSpec, new: Contract | None
            ) -> list[Diagnostic]:
    """Errors of ``spec`` as written (``new`` None), or with every use of the entity resolved
    to the version ``new``."""
    schemas: dict[str, dict[str, Any]] = {}
    for role, endpoint in (("source", spec.source), ("target", spec.target)):
        if new is not None and endpoint.contract and \
                endpoint.contract.partition("@")[0] == new.name:
            bundle = workspace.contracts.bundle(new.name, new.version)
            schemas[role] = with_extra_fields(bundle, endpoint, role)
        else:
            schemas[role] = workspace.resolver.resolve(endpoint, role)
    return [d for d in check_spec(spec, schemas["source"], schemas["target"],
                                  workspace.mappings.lookups) if d.severity is Severity.ERROR]


def _against(workspace: Workspace, new: Contract, spec: MappingSpec, staying: bool
             ) -> tuple[int, str]:
    """How many errors ``spec`` has on ``new``, and the first. For a mapping that stays on an
    older major, only the errors the move would add count (not those it has today)."""
    try:
        errors = _errors(workspace, spec, new)
        if staying:
            today = {(d.code, d.line, d.col, d.message) for d in _errors(workspace, spec, None)}
            errors = [d for d in errors if (d.code, d.line, d.col, d.message) not in today]
    except AccordError as exc:  # an endpoint that does not resolve (EndpointError)
        return 1, str(exc).splitlines()[0]
    first = f"{errors[0].code} line {errors[0].line}: {errors[0].message}" if errors else ""
    return len(errors), first


def major_moves(workspace: Workspace, new: Contract) -> list[MappingMove]:
    """Every mapping that reads or writes ``new``'s entity, and where it stands on ``new``."""
    major, version = new.semver.major, new.version
    moves = []
    for spec in sorted(workspace.mappings.specs, key=lambda s: s.display):
        uses = _uses(spec, new.name)
        if not uses:
            continue
        roles = {role for role, _ in uses}
        access = " and ".join(a for r, a in (("source", "reads"), ("target", "writes"))
                              if r in roles)
        refs = sorted({e.contract or "" for _, e in uses})
        pinned = [parse_version(r.partition("@")[2]) for r in refs]
        staying = all(v is not None and v.major < major for v in pinned)
        findings, first = _against(workspace, new, spec, staying)
        fits = findings == 0
        if staying:
            outcome = f"stays on {', '.join(r.partition('@')[2] for r in refs)}" + (
                f" (fits {version} too)" if fits else f" (does not fit {version} yet)")
            ok = True
        else:
            outcome = f"fits {version}" if fits else f"does not fit {version}"
            ok = fits
        moves.append(MappingMove(spec.display, access, ", ".join(refs), fits, findings, first,
                                 outcome, ok))
    return moves
