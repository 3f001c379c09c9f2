"""Presenting a :class:`~accord.compat.verdict.CompatResult`: rows for a table (breaking
first), diagnostics for json/junit renderers, and loading two schema files to compare."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from accord import codes
from accord.compat.changes import Change
from accord.compat.verdict import CompatResult, compat
from accord.diagnostics import Diagnostic, Severity

__all__ = ["change_rows", "compat_files", "ordered", "to_diagnostics"]

#: Diagnostic code of a change a mode refuses / accepts.
CODE_BREAKING = codes.BREAKING_CHANGE
CODE_CHANGE = codes.CHANGE


def ordered(changes: list[Change]) -> list[Change]:
    """Breaking changes first, then by pointer (stable for equal pointers)."""
    return sorted(changes, key=lambda c: (c.compatible, c.pointer))


def change_rows(result: CompatResult) -> list[dict[str, str]]:
    return [{"verdict": "ok" if c.compatible else "BREAKING", "type": c.type.value,
             "pointer": c.pointer or "/", "message": c.message} for c in ordered(result.changes)]


def to_diagnostics(result: CompatResult, file: str = "") -> list[Diagnostic]:
    """One diagnostic per change: errors for those the mode refuses, info for the rest."""
    out = []
    for c in ordered(result.changes):
        out.append(Diagnostic(
            CODE_BREAKING if not c.compatible else CODE_CHANGE,
            f"{c.type.value}: {c.message}", file=file, pointer=c.pointer,
            hint=(f"not allowed under {result.mode.value} ({result.policy.value}); release it "
                  "as a new major version or undo the change") if not c.compatible else "",
            severity=Severity.ERROR if not c.compatible else Severity.INFO,
        ))
    return out


def _workspace_registry(path: Path) -> Any:
    """The contract registry of the workspace that holds ``path`` (for urn ``$ref``s)."""
    for folder in [path.resolve().parent, *path.resolve().parents]:
        if (folder / "contracts" / "canonical").is_dir():
            from accord.workspace.contracts import load_contracts  # imports compat: keep lazy

            return load_contracts(folder).resource_registry
    return None


def compat_files(old: str | Path, new: str | Path, mode: str = "BACKWARD", *,
                 policy: str = "strict") -> CompatResult:
    """Compare two schema files (YAML or JSON). ``$ref``s to canonical contracts resolve
    through the workspace that contains NEW, when there is one."""
    from accord.workspace.yamlio import load_yaml

    old_doc, new_doc = load_yaml(old), load_yaml(new)
    return compat(old_doc.data, new_doc.data, mode, policy=policy,
                  registry=_workspace_registry(Path(new)))
