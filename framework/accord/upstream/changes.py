"""What changes for the mappings when a system's derived description is replaced.

Two derivations (for the same wanted schemas and operations) are compared at two levels:
operations and component schemas added, removed or changed; then, for every mapping endpoint
on the system, the bundled JSON Schema before and after through the compatibility differ
(properties, types, nullability, ...), each change with the mapping rules (file:line) that read
or write its pointer, from the checker's path index. A *source* schema is judged FORWARD (the
mapping, unchanged, must still read what the new version sends); a *target* BACKWARD (what the
mapping writes must still be accepted).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from accord.check.path_index import index_spec
from accord.compat import compat
from accord.compat.report import ordered
from accord.errors import AccordError
from accord.gate.impact import Use, uses_of
from accord.mapping.model import Endpoint, MappingSpec
from accord.workspace.openapi import OpenApiDocument
from accord.workspace.systems import System

__all__ = ["ApiChange", "api_changes", "document_of"]


@dataclass(frozen=True)
class ApiChange:
    """One difference between the old and the new derived description."""

    subject: str  # "operation listTimeEntries", "schema TimeEntry", "harvest:TimeEntry"
    change: str  # added | removed | changed | a compat ChangeType (TYPE_CHANGED, ...)
    pointer: str = ""
    message: str = ""
    breaking: bool = False
    uses: tuple[Use, ...] = field(default_factory=tuple)

    def describe(self) -> str:
        text = f"{self.subject}"
        if self.pointer:
            text += f" {self.pointer}"
        text += f" {self.change}"
        if self.message:
            text += f" — {self.message}"
        if self.uses:
            text += " — " + ", ".join(u.describe() for u in self.uses)
        return text

    def to_dict(self) -> dict[str, Any]:
        return {"subject": self.subject, "change": self.change, "pointer": self.pointer,
                "message": self.message, "breaking": self.breaking,
                "used_by": [{"access": u.access, "spec": u.spec, "line": u.line}
                            for u in self.uses]}


def document_of(data: dict[str, Any], display: str) -> OpenApiDocument:
    return OpenApiDocument(Path(display), display, data, "")


def _operations(data: dict[str, Any]) -> dict[str, Any]:
    return {op_id: op for op_id, (_, _, op) in document_of(data, "").operations().items()}


def _members(old: dict[str, Any], new: dict[str, Any], subject: str) -> list[ApiChange]:
    found = []
    for name in sorted(old.keys() | new.keys()):
        if name not in new:
            found.append(ApiChange(f"{subject} {name}", "removed"))
        elif name not in old:
            found.append(ApiChange(f"{subject} {name}", "added"))
        elif old[name] != new[name]:
            found.append(ApiChange(f"{subject} {name}", "changed"))
    return found


def _endpoint_schema(system: System, endpoint: Endpoint, role: str) -> dict[str, Any] | None:
    try:
        if endpoint.schema:
            return system.schema(endpoint.schema)
        if role == "source":
            return system.operation_response(endpoint.operation or "")
        return system.operation_request(endpoint.operation or "")
    except AccordError:
        return None


def _endpoint_changes(old: System, new: System, spec: MappingSpec, role: str) -> list[ApiChange]:
    endpoint = spec.source if role == "source" else spec.target
    before = _endpoint_schema(old, endpoint, role)
    after = _endpoint_schema(new, endpoint, role)
    if before is None or after is None:
        return []
    name = f"{endpoint.system}:{endpoint.schema or endpoint.operation}"
    result = compat(before, after, "FORWARD" if role == "source" else "BACKWARD")
    access = "read" if role == "source" else "write"
    uses = [Use(u.pointer, u.access.value, u.spec, u.line, name)
            for u in index_spec(spec, before if role == "source" else {})
            if u.access.value == access]
    return [ApiChange(name, c.type.value, c.pointer, c.message, not c.compatible,
                      tuple(uses_of(c.pointer, uses)))
            for c in ordered(result.changes)]


def api_changes(system: System, old: dict[str, Any], new: dict[str, Any],
                specs: list[MappingSpec]) -> list[ApiChange]:
    """The changes from ``old`` to ``new`` (both derived for ``specs``), operations and schemas
    first, then each endpoint's field-level changes with the rules they touch."""
    found = _members(_operations(old), _operations(new), "operation")
    found += _members((old.get("components") or {}).get("schemas") or {},
                      (new.get("components") or {}).get("schemas") or {}, "schema")
    if not found:
        return found
    before = system.with_api(document_of(old, system.api_display))
    after = system.with_api(document_of(new, system.api_display))
    merged: dict[tuple[str, str, str], ApiChange] = {}
    for spec in specs:
        for role, endpoint in (("source", spec.source), ("target", spec.target)):
            if endpoint.system != system.name:
                continue
            for change in _endpoint_changes(before, after, spec, role):
                key = (change.subject, change.change, change.pointer)
                if key in merged:  # another spec on the same endpoint: add its uses
                    change = replace(merged[key], uses=merged[key].uses + change.uses)
                merged[key] = change
    return found + list(merged.values())
