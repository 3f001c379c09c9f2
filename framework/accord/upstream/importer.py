"""``accord system import``: derive ``contracts/systems/<name>/openapi.yaml`` from the vendor's
full description, record ``upstream: {source, sha256}`` in system.yaml, and (``--check``)
re-derive to catch drift.

What a system's mappings use is read from the workspace's specs: every ``source``/``target``
naming the system with a ``schema`` or an ``operation``.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from accord import codes, fsio
from accord.diagnostics import Diagnostic, Severity
from accord.errors import AccordError, LoadError, UsageError
from accord.mapping.model import MappingSpec
from accord.project import Workspace
from accord.upstream.changes import ApiChange, api_changes
from accord.upstream.derive import derive, dump
from accord.upstream.source import Upstream, is_url, read_upstream, recorded_source
from accord.upstream.system_file import API_FILE, new_system_yaml, update_system_yaml
from accord.workspace.apimodel import document_model
from accord.workspace.openapi import OpenApiDocument, parse_openapi
from accord.workspace.systems import KINDS, SYSTEMS_DIR, System

__all__ = ["ImportResult", "Usage", "check_imports", "import_system", "mapping_usage",
           "served_operations"]

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass
class ImportResult:
    """One system imported or checked."""

    system: str
    source: str = ""
    sha256: str = ""
    schemas: int = 0
    operations: int = 0
    written: list[str] = field(default_factory=list)
    changes: list[ApiChange] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"system": self.system, "source": self.source, "sha256": self.sha256,
                "schemas": self.schemas, "operations": self.operations,
                "written": self.written, "changes": [c.to_dict() for c in self.changes],
                "diagnostics": [d.to_dict() for d in self.diagnostics]}


@dataclass
class Usage:
    """The schemas and operations of one system that the mappings name, and where."""

    specs: list[MappingSpec]
    schemas: dict[str, list[tuple[MappingSpec, str]]]
    operations: dict[str, list[tuple[MappingSpec, str]]]


def mapping_usage(workspace: Workspace, name: str) -> Usage:
    usage = Usage([], {}, {})
    for spec in workspace.mappings.specs:
        uses = False
        for role, endpoint in (("source", spec.source), ("target", spec.target)):
            if endpoint.system != name:
                continue
            uses = True
            if endpoint.schema:
                usage.schemas.setdefault(endpoint.schema, []).append((spec, role))
            if endpoint.operation:
                usage.operations.setdefault(endpoint.operation, []).append((spec, role))
        if uses:
            usage.specs.append(spec)
    return usage


def _derive(upstream: Upstream, usage: Usage) -> tuple[dict[str, Any] | None,
                                                         list[Diagnostic]]:
    doc = parse_openapi(upstream.raw, Path(upstream.location), upstream.location)
    found: list[Diagnostic] = []
    for kinds, table, known in (("schema", usage.schemas, doc.schemas),
                                ("operation", usage.operations, doc.operations())):
        for name, uses in sorted(table.items()):
            if name in known:
                continue
            for spec, role in uses:
                found.append(spec.document.diagnostic(
                    codes.UPSTREAM_LACKS_NAME,
                    f"{role} {kinds} {name!r} is not in the upstream description "
                    f"{upstream.location}", f"/{role}/{kinds}",
                    hint=f"use a {kinds} the vendor's description defines, or import from the "
                         "description that has it (--from FILE|URL)"))
    if found:
        return None, found
    return derive(doc, usage.schemas, served_operations(doc, usage)), []


def served_operations(doc: OpenApiDocument, usage: Usage) -> list[str]:
    """The operations the mappings name, and the read/list/create/update operations of every
    schema they name (the collections of :mod:`accord.workspace.apimodel`), so simulators,
    pacts and fuzzing have paths."""
    known = doc.operations()
    served = document_model(doc, [s for s in usage.schemas if s in doc.schemas]).operation_ids
    return sorted({o for o in usage.operations if o in known} | set(served))


def _old_derivation(system: System | None, usage: Usage) -> dict[str, Any] | None:
    """What the current description gives for the same use (None when there is none)."""
    if system is None or not system.api_path.is_file():
        return None
    try:
        doc = system.api
        return derive(doc, [s for s in usage.schemas if s in doc.schemas],
                      served_operations(doc, usage))
    except AccordError:
        return None


def _write(workspace: Workspace, path: Path, text: str) -> None:
    """Atomically, and only inside the workspace (never through a symlink out of it)."""
    fsio.make_dirs(path.parent, root=workspace.root)
    fsio.write_text(path, text, root=workspace.root, display=_shown(workspace, path))


def _counts(data: dict[str, Any]) -> tuple[int, int]:
    schemas = (data.get("components") or {}).get("schemas") or {}
    ops = OpenApiDocument(Path(), "", data, "").operations()
    return len(schemas), len(ops)


def import_system(workspace: Workspace, name: str, source: str | None, *,
                  kind: str | None = None, cwd: Path | None = None) -> ImportResult:
    """Derive and write ``contracts/systems/<name>/openapi.yaml`` from ``source`` (a file,
    relative to ``cwd``, or an http(s) URL; default: the recorded ``upstream.source``) and
    record ``upstream`` in system.yaml (created when the system is new: ``kind`` needed).

    Returns what was written and the changes against the description it replaces; findings
    (ACC223: a mapping names what upstream lacks) leave every file as it was."""
    if not _NAME.match(name):
        raise UsageError(f"system name {name!r}: use lowercase letters, digits and _ "
                         "(it is the directory name under contracts/systems/)")
    system = workspace.systems.get(name)
    directory = workspace.root / SYSTEMS_DIR / name
    system_file = directory / "system.yaml"
    if system is None and system_file.exists():
        raise LoadError(f"{system_file}: the system does not load; run `accord check` and fix "
                        "its findings first")
    if system is None and kind not in KINDS:
        raise UsageError(f"system {name!r} is new: say what it is with --kind "
                         f"({'|'.join(KINDS)})")
    if source is None:
        if system is None or system.upstream is None:
            raise UsageError(f"no upstream recorded for {name!r}: name the vendor's "
                             "description with --from FILE|URL")
        upstream = read_upstream(system.upstream["source"], directory)
        recorded = system.upstream["source"]
    else:
        upstream = read_upstream(source, cwd or Path.cwd())
        recorded = recorded_source(source if is_url(source) else
                                   str((cwd or Path.cwd()) / source), directory)
    usage = mapping_usage(workspace, name)
    data, findings = _derive(upstream, usage)
    result = ImportResult(name, recorded, upstream_sha(upstream), diagnostics=findings)
    if data is None:
        return result
    result.schemas, result.operations = _counts(data)
    old = _old_derivation(system, usage)
    if old is not None and system is not None:
        result.changes = api_changes(system, old, data, usage.specs)
    api_path = directory / API_FILE
    text = dump(data)
    if fsio.probe(api_path) is not None or \
            fsio.read_text(api_path, root=workspace.root) != text:
        _write(workspace, api_path, text)
        result.written.append(_shown(workspace, api_path))
    if system is None:
        system_text = new_system_yaml(name, kind or "", recorded, result.sha256)
        before = ""
    else:
        before = fsio.read_text(system_file, root=workspace.root,
                                display=_shown(workspace, system_file))
        system_text = update_system_yaml(before, recorded, result.sha256)
    if system_text != before:
        _write(workspace, system_file, system_text)
        result.written.append(_shown(workspace, system_file))
    return result


def upstream_sha(upstream: Upstream) -> str:
    return hashlib.sha256(upstream.raw).hexdigest()


def _shown(workspace: Workspace, path: Path) -> str:
    return path.relative_to(workspace.root).as_posix()


def check_imports(workspace: Workspace, name: str | None, source: str | None, *,
                  allow_missing_upstream: bool = False,
                  cwd: Path | None = None) -> list[ImportResult]:
    """Re-derive each imported system (``name``, or every system with ``upstream``) and
    compare: ACC221 when the upstream file is not the one recorded, ACC222 when openapi.yaml
    is not what the derivation gives. An upstream not at hand is ACC220: an error, or a note
    with ``allow_missing_upstream``."""
    if name is not None and name not in workspace.systems:
        raise UsageError(f"unknown system {name!r}; systems: "
                         f"{', '.join(sorted(workspace.systems)) or 'none'}")
    if name is None and source is not None:
        raise UsageError("--from with --check needs the system's NAME")
    chosen = [workspace.systems[name]] if name else [
        s for _, s in sorted(workspace.systems.items()) if s.upstream is not None]
    results = []
    for system in chosen:
        if system.upstream is None:
            raise UsageError(f"system {system.name!r} has no `upstream:`: its description is "
                             "written by hand, there is nothing to re-derive")
        results.append(_check_one(workspace, system, source, allow_missing_upstream,
                                  cwd or Path.cwd()))
    return results


def _check_one(workspace: Workspace, system: System, source: str | None, allow_missing: bool,
               cwd: Path) -> ImportResult:
    assert system.upstream is not None
    doc = system.document
    result = ImportResult(system.name, source or system.upstream["source"])
    try:
        upstream = read_upstream(source, cwd) if source else read_upstream(
            system.upstream["source"], system.path.parent,
            hint=f"get the vendor's file and pass it with --from, or run with "
                 f"--allow-missing-upstream (upstream.source in {system.display})")
    except LoadError as exc:
        missing = exc.diagnostics[0]
        if allow_missing:
            missing = Diagnostic(codes.UPSTREAM_MISSING, missing.message + "; not re-derived "
                                 "(--allow-missing-upstream)", system.display,
                                 doc.position("/upstream/source").line,
                                 doc.position("/upstream/source").col,
                                 severity=Severity.INFO)
        result.diagnostics.append(missing)
        return result
    result.sha256 = upstream_sha(upstream)
    if result.sha256 != system.upstream["sha256"]:
        result.diagnostics.append(doc.diagnostic(
            codes.UPSTREAM_CHANGED, f"the upstream description changed since it was imported: "
                      f"{upstream.location} has sha256 {result.sha256[:12]}…, recorded "
                      f"{system.upstream['sha256'][:12]}…", "/upstream/sha256",
            hint=f"re-import (accord system import {system.name}"
                 f"{' --from ' + source if source else ''}) and review the changes it lists"))
    usage = mapping_usage(workspace, system.name)
    data, findings = _derive(upstream, usage)
    result.diagnostics.extend(findings)
    if data is None:
        return result
    result.schemas, result.operations = _counts(data)
    text = dump(data)
    current = fsio.read_text(system.api_path, root=workspace.root) \
        if fsio.probe(system.api_path, root=workspace.root) is None else None
    if current != text:
        old = _old_derivation(system, usage)
        if old is not None:
            result.changes = api_changes(system, old, data, usage.specs)
        what = "is missing" if current is None else "differs from what the upstream and the " \
            "mappings give" + (f" ({len(result.changes)} change(s))" if result.changes else
                               " (hand-edited, or no longer sorted and stripped)")
        result.diagnostics.append(doc.diagnostic(
            codes.IMPORT_DRIFT, f"{system.api_display} {what}", "/api",
            hint=f"re-derive it: accord system import {system.name}"
                 f"{' --from ' + source if source else ''}"))
    return result
