"""``generated/pacts/``: writing the derived pacts, and checking they are fresh.

Like the generated modules, pact files are derived and committed: ``accord pacts`` writes them
(each file atomically, under the lock of ``generated/`` that ``accord generate`` also takes,
nothing through a symlink that leaves the workspace), and ``accord pacts --check`` derives them
in memory and byte-compares, naming stale, missing and orphan files. An orphan accord wrote
(its ``metadata.accord`` names a mapping) is deleted by ``accord pacts``; any other file there
is reported, never deleted: pacts are derived, not hand-written.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from accord import codes, fsio
from accord.codegen.generator import compare_derived, current_text
from accord.codegen.paths import GENERATED_DIR
from accord.diagnostics import Diagnostic, JUnitCase, Severity, junit_cases
from accord.errors import OutputError
from accord.harness.pacts.derive import PACTS_DIR, PactFile, derive_pacts
from accord.project import Workspace

__all__ = ["PactsResult", "check_pacts", "junit_pact_cases", "run_pacts"]


@dataclass
class PactsResult:
    files: list[PactFile] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not any(d.severity is Severity.ERROR for d in self.diagnostics)


def _present(root: Path) -> list[Path]:
    """The JSON files under generated/pacts/ (relative to the root), not following a symlinked
    folder out of the workspace."""
    folder = root / PACTS_DIR
    if not folder.is_dir() or not fsio.inside(folder, root):
        return []
    return sorted(p.relative_to(root) for p in folder.rglob("*.json")
                  if fsio.inside(p.parent, root))


def _ours(root: Path, path: Path) -> bool:
    """Whether accord wrote this file (its ``metadata.accord`` names a mapping)."""
    text = current_text(root, path)
    try:
        document = json.loads(text) if text else None
    except ValueError:
        return False
    accord = document.get("metadata", {}).get("accord") if isinstance(document, dict) else None
    return isinstance(accord, dict) and isinstance(accord.get("mapping"), str)


def _orphan(path: Path) -> Diagnostic:
    return Diagnostic(codes.PACT_ORPHAN, "orphan: no mapping derives this pact",
                      path.as_posix(), 1, 1, hint="delete it, or run `accord pacts` (which "
                      "deletes the pacts accord wrote); pacts are derived, never hand-written")


def check_pacts(root: Path, files: list[PactFile], keep: set[Path] | None = None
                ) -> list[Diagnostic]:
    """Stale, missing and orphan pact files (derived in memory, byte-compared). ``keep``: the
    files of mappings that failed to derive (reported already, not orphans)."""
    diags = compare_derived(root, [(p.path, p.text, p.spec) for p in files],
                            missing=codes.PACT_MISSING, stale=codes.PACT_STALE,
                            command="pacts", made="derived")
    wanted = {pact.path for pact in files} | (keep or set())
    diags.extend(_orphan(path) for path in _present(root) if path not in wanted)
    return diags


def _write(root: Path, files: list[PactFile], keep: set[Path], *, remove_orphans: bool
           ) -> tuple[list[Path], list[Path], list[Diagnostic]]:
    folder = root / PACTS_DIR
    for outer in (root / GENERATED_DIR, folder):
        if outer.exists() and not fsio.inside(outer, root):
            diag = Diagnostic(codes.OUTSIDE_WORKSPACE, "leads out of the workspace (a "
                              "symlink?); nothing written", fsio.display_path(outer, root),
                              hint="make it a real folder in the workspace")
            raise OutputError(diag.format(), diagnostics=[diag])
    written: list[Path] = []
    removed: list[Path] = []
    diags: list[Diagnostic] = []
    fsio.make_dirs(root / GENERATED_DIR, root=root, display=GENERATED_DIR)
    with fsio.locked(root / GENERATED_DIR, display=GENERATED_DIR):
        for pact in files:
            if current_text(root, pact.path) == pact.text:
                continue
            fsio.make_dirs((root / pact.path).parent, root=root,
                           display=pact.path.parent.as_posix())
            fsio.write_text(root / pact.path, pact.text, root=root,
                            display=pact.path.as_posix())
            written.append(pact.path)
        wanted = {pact.path for pact in files} | keep
        for path in _present(root):
            if path in wanted:
                continue
            if remove_orphans and _ours(root, path):
                fsio.remove(root / path, root=root, display=path.as_posix())
                removed.append(path)
            else:
                diags.append(_orphan(path))
    return written, removed, diags


def run_pacts(ws: Workspace, *, check: bool = False) -> PactsResult:
    """Derive every pact of the workspace; write them (``check``: only compare). While some
    mapping fails to derive, what derived is written but no orphan is deleted."""
    start = time.perf_counter()
    derived = derive_pacts(ws)
    files = derived.files
    result = PactsResult(files=files,
                         diagnostics=list(ws.mappings.diagnostics) + derived.diagnostics)
    if check:
        result.diagnostics.extend(check_pacts(ws.root, files, derived.failed))
    else:
        failed = any(d.severity is Severity.ERROR for d in result.diagnostics)
        result.written, result.removed, orphans = _write(ws.root, files, derived.failed,
                                                         remove_orphans=not failed)
        result.diagnostics.extend(orphans)
    result.seconds = time.perf_counter() - start
    return result


def junit_pact_cases(result: PactsResult) -> list[JUnitCase]:
    """One JUnit case per derived pact (failed when a finding names its file), then one per
    finding that names no pact."""
    cases = []
    attached: set[int] = set()
    for pact in result.files:
        found = [d for d in result.diagnostics if d.file == pact.path.as_posix()
                 and d.severity is Severity.ERROR]
        attached.update(id(d) for d in found)
        cases.append(JUnitCase(
            name=pact.path.as_posix(), classname=pact.spec,
            failure=found[0].message if found else None, failure_type=str(found[0].code)
            if found else "failure", body="\n".join(d.format() for d in found) or
            f"{pact.consumer} -> {pact.provider}: {pact.interactions} interaction(s)"))
    rest = [d for d in result.diagnostics if id(d) not in attached]
    return cases + junit_cases(rest, suite="accord pacts")
