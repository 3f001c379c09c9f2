"""The records a workspace already holds for a system: the golden inputs of the mappings that
read it (each a record of the source schema, as the system sends it). Simulators are seeded
with them, and fuzzing draws the ids of its item requests from them."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from accord import codes, fsio
from accord.diagnostics import Diagnostic, Severity
from accord.errors import AccordError
from accord.jsondoc import loads_bounded
from accord.workspace.apimodel import ApiModel

if TYPE_CHECKING:
    from accord.project import Workspace

__all__ = ["broken_mappings", "golden_records", "mapped_schemas"]


def broken_mappings(workspace: Workspace) -> str:
    """``; these files did not load: ...`` when mapping files have errors (a spec that does
    not load names no schema), else an empty string."""
    broken = sorted({d.file for d in workspace.mappings.diagnostics
                     if d.severity is Severity.ERROR and d.file})
    return (f"; these files did not load: {', '.join(broken)} (`accord check` says why)"
            if broken else "")


def mapped_schemas(workspace: Workspace, system_name: str) -> tuple[list[str],
                                                                    list[tuple[str, Path]]]:
    """The schemas of ``system_name`` the mappings name, and the golden inputs of the mappings
    that read it: (schema, example input file)."""
    schemas: set[str] = set()
    inputs: list[tuple[str, Path]] = []
    for spec in workspace.mappings.specs:
        for role, endpoint in (("source", spec.source), ("target", spec.target)):
            if endpoint.system != system_name or not endpoint.schema:
                continue
            schemas.add(endpoint.schema)
            if role == "source":
                inputs.extend((endpoint.schema, example.input) for example in spec.examples)
    return sorted(schemas), inputs


def golden_records(workspace: Workspace, system_name: str, model: ApiModel
                   ) -> tuple[dict[str, list[tuple[str, Any]]], list[Diagnostic]]:
    """The golden records by collection name, as (id, record); a file that does not read or
    has no id is a warning (ACC701), not an error."""
    _schemas, inputs = mapped_schemas(workspace, system_name)
    found: dict[str, list[tuple[str, Any]]] = {}
    notes: list[Diagnostic] = []
    for schema, path in inputs:
        c = model.collection_for(schema)
        shown = path.relative_to(workspace.root).as_posix() \
            if path.is_relative_to(workspace.root) else str(path)
        try:
            record = loads_bounded(fsio.read_text(path, root=workspace.root, display=shown),
                                   256)
        except (AccordError, ValueError) as exc:
            notes.append(Diagnostic(codes.SIM_SEED_SKIPPED, f"not seeded: {exc}", shown,
                                    severity=Severity.WARNING))
            continue
        if c is None or not isinstance(record, dict) or record.get(c.id_field) is None:
            what = f"its id field {c.id_field!r}" if c else f"a collection for {schema}"
            notes.append(Diagnostic(codes.SIM_SEED_SKIPPED, f"not seeded: the record has no "
                                    f"{what}", shown, severity=Severity.WARNING,
                                    hint=codes.SIM_SEED_SKIPPED.hint))
            continue
        entries = found.setdefault(c.name, [])
        if all(existing != str(record[c.id_field]) for existing, _ in entries):
            entries.append((str(record[c.id_field]), record))
    return found, notes
