"""``Workspace.generate(check=...)``: write or verify ``generated/``."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from accord.check.endpoints import WorkspaceResolver
from accord.codegen.generator import GeneratedFile, check_fresh, generate, write_files
from accord.diagnostics import Diagnostic

if TYPE_CHECKING:
    from accord.workspace.workspace import Workspace

__all__ = ["GenerateResult", "generate_workspace"]


@dataclass
class GenerateResult:
    files: list[GeneratedFile] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.diagnostics


def generate_workspace(workspace: Workspace, *, check: bool = False) -> GenerateResult:
    """Generate every mapping. With ``check``, write nothing: report stale, missing and orphan
    files instead. Specs that do not load are findings either way."""
    mappings = workspace.mappings
    files, diags = generate(mappings, WorkspaceResolver(workspace))
    result = GenerateResult(files=files, diagnostics=list(mappings.diagnostics) + diags)
    if check:
        result.diagnostics.extend(check_fresh(workspace.root, files))
    elif not result.diagnostics:
        result.written, result.removed = write_files(workspace.root, files)
    else:  # write what could be generated, but never delete while some specs are broken
        for f in files:
            target = workspace.root / f.path
            if not target.is_file() or target.read_text("utf-8") != f.text:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(f.text, "utf-8", newline="\n")
                result.written.append(f.path)
    return result
