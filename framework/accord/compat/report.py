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
#: A file given to ``accord compat`` that is not a contract (a JSON Schema).

#: Keywords at least one of which a contract's top level carries.
_SCHEMA_KEYWORDS = frozenset((
    "$schema", "$id", "$ref", "$defs", "type", "properties", "items", "prefixItems", "allOf",
    "anyOf", "oneOf", "not", "enum", "const", "required", "additionalProperties", "x-accord",
))


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
            codes.BREAKING_CHANGE if not c.compatible else codes.CHANGE,
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


def _not_a_contract(doc: Any) -> Diagnostic | None:
    """Why ``doc`` is not a contract (a JSON Schema), or None when it is one: a mapping spec,
    a lookup table, a system description, an OpenAPI document or plain data is refused (by
    ``compat_files``, exit 2), saying what it is."""
    from jsonschema import Draft202012Validator

    data = doc.data
    what: str | None = None
    pointer = ""
    if not isinstance(data, dict):
        what = f"it holds {type(data).__name__ if data is not None else 'nothing'}, not a schema"
    elif isinstance(data.get("accord"), str):
        kind = str(data["accord"]).split("/")[0]
        what = f"it is an accord {kind} file (accord: {data['accord']})"
        pointer = "/accord"
    elif "openapi" in data or "swagger" in data:
        what = "it is an API description (OpenAPI); compare one of its schemas instead"
        pointer = "/openapi" if "openapi" in data else "/swagger"
    elif not _SCHEMA_KEYWORDS.intersection(data):
        what = ("it has no JSON Schema keyword at its top level (expected some of $schema, "
                "type, properties, $ref, allOf, ...)")
    else:
        error = next(iter(Draft202012Validator(Draft202012Validator.META_SCHEMA)
                          .iter_errors(data)), None)
        if error is not None:
            from accord.jsondoc import join_pointer

            pointer = join_pointer("", *error.absolute_path)
            what = f"it is not a valid JSON Schema 2020-12: {error.message}"
    if what is None:
        return None
    diagnostic: Diagnostic = doc.diagnostic(
        codes.NOT_A_CONTRACT, f"not a contract: {what}", pointer,
        hint="accord compat OLD NEW compares two versions of a contract, e.g. "
             "contracts/canonical/project/1.0.0.yaml contracts/canonical/project/1.1.0.yaml")
    return diagnostic


def compat_files(old: str | Path, new: str | Path, mode: str = "BACKWARD", *,
                 policy: str = "strict") -> CompatResult:
    """Compare two schema files (YAML or JSON). ``$ref``s to canonical contracts resolve
    through the workspace that contains NEW, when there is one."""
    from accord.workspace.yamlio import load_yaml

    old_doc, new_doc = load_yaml(old), load_yaml(new)
    refused = [d for d in (_not_a_contract(old_doc), _not_a_contract(new_doc)) if d is not None]
    if refused:
        from accord.errors import LoadError

        raise LoadError(refused[0].message, diagnostics=refused)
    return compat(old_doc.data, new_doc.data, mode, policy=policy,
                  registry=_workspace_registry(Path(new)))
