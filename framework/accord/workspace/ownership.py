"""System-of-record ownership declared in a canonical contract.

A property is owned by one system, named or by kind (``crm``, ``psa``, ``erp``, ``hcm``,
``timekeeping``): only that system's records may set it. The primary form sits on the property::

    employment_status:
      x-accord-owner: hcm
      type: string

and an ``owners`` map in the ``x-accord`` block, keyed by JSON pointers into the contract, says
the same from one place (``x-accord: {owners: {/properties/employment_status: hcm}}``). An owner
applies to the property and everything under it; a property inside array items is written as a
path through ``[]`` (``roles.[].amount``). Ownership is read from the entity's own document
(its properties and the ``#/$defs`` they reference), not from the shared contracts it
references by urn.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from accord import codes
from accord.diagnostics import Diagnostic
from accord.jsondoc import join_pointer, resolve_pointer, unescape_pointer
from accord.workspace.contracts import Contract
from accord.workspace.systems import KINDS

__all__ = ["ITEMS", "OWNER_KEY", "Ownership", "contract_owners", "owner_of", "owners_under"]

#: the annotation on a property schema
OWNER_KEY = "x-accord-owner"
#: the path segment of "each item of the array"
ITEMS = "[]"

Path = tuple[str, ...]


@dataclass(frozen=True)
class Ownership:
    """``path`` of the contract is owned by ``owner``; ``pointer`` is where that is written."""

    path: Path
    owner: str
    pointer: str

    @property
    def dotted(self) -> str:
        return ".".join(self.path)


def _local(schema: dict[str, Any], ref: str) -> Any:
    """The node a local ``#/...`` reference points at (None: nothing there)."""
    try:
        return resolve_pointer(schema, ref[1:]) if ref.startswith("#/") else None
    except KeyError:
        return None


def _walk(schema: dict[str, Any], node: Any, pointer: str, path: Path,
          found: list[tuple[Path, str, str]], seen: frozenset[str], depth: int) -> None:
    """Every ``x-accord-owner`` reachable from ``node`` through properties, items, local
    ``$ref``s and ``allOf``/``anyOf``/``oneOf`` (a $ref cycle or 32 levels end the walk)."""
    if not isinstance(node, dict) or depth > 32:
        return
    owner = node.get(OWNER_KEY)
    if owner is not None:
        found.append((path, owner if isinstance(owner, str) else "", join_pointer(pointer,
                                                                                  OWNER_KEY)))
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/") and ref not in seen:
        _walk(schema, _local(schema, ref), ref[1:], path, found, seen | {ref}, depth + 1)
    props = node.get("properties")
    if isinstance(props, dict):
        for name, sub in props.items():
            _walk(schema, sub, join_pointer(pointer, "properties", name), (*path, name), found,
                  seen, depth + 1)
    items = node.get("items")
    if isinstance(items, dict):
        _walk(schema, items, join_pointer(pointer, "items"), (*path, ITEMS), found, seen,
              depth + 1)
    for key in ("allOf", "anyOf", "oneOf"):
        branches = node.get(key)
        if isinstance(branches, list):
            for index, sub in enumerate(branches):
                _walk(schema, sub, join_pointer(pointer, key, index), path, found, seen,
                      depth + 1)


def _pointer_path(schema: dict[str, Any], pointer: str) -> Path | None:
    """The property path a pointer of the ``owners`` map names (None: not a property)."""
    parts = [unescape_pointer(p) for p in pointer.split("/")[1:]]
    path: list[str] = []
    node: Any = schema
    index = 0
    while index < len(parts):
        part = parts[index]
        if part == "properties" and index + 1 < len(parts):
            props = node.get("properties") if isinstance(node, dict) else None
            name = parts[index + 1]
            if not isinstance(props, dict) or name not in props:
                return None
            node, index = props[name], index + 2
            path.append(name)
        elif part == "items" and isinstance(node, dict) and isinstance(node.get("items"), dict):
            node, index = node["items"], index + 1
            path.append(ITEMS)
        else:
            return None
        ref = node.get("$ref") if isinstance(node, dict) else None
        if isinstance(ref, str) and ref.startswith("#/") and "properties" not in node:
            node = _local(schema, ref)
    return tuple(path) if path else None


def contract_owners(contract: Contract, systems: dict[str, str] | None = None
                    ) -> tuple[dict[Path, Ownership], list[Diagnostic]]:
    """The owned paths of a contract, and the findings about its declarations.

    ``systems`` (name -> kind) lets an owner be checked against the workspace's systems."""
    schema = contract.schema
    found: list[tuple[Path, str, str]] = []
    _walk(schema, schema, "", (), found, frozenset(), 0)
    block = contract.x_accord.get("owners")
    for pointer, owner in (block.items() if isinstance(block, dict) else ()):
        where = join_pointer("/x-accord/owners", pointer)
        path = _pointer_path(schema, str(pointer))
        found.append((path if path is not None else (), owner if isinstance(owner, str)
                      else "", where))
    owners: dict[Path, Ownership] = {}
    diags: list[Diagnostic] = []
    kinds = set((systems or {}).values())
    for path, owner, where in found:
        if not path or not owner:
            what = "names no property of the contract" if not path else "is not a system name"
            diags.append(contract.diagnostic(codes.OWNER_MALFORMED,
                                             f"ownership at {where} {what}", where,
                                             hint=codes.OWNER_MALFORMED.hint))
            continue
        if systems is not None and owner not in systems and owner not in {*KINDS, *kinds}:
            diags.append(contract.diagnostic(
                codes.OWNER_UNKNOWN, f"owner {owner!r} of {'.'.join(path)} is neither a "
                f"system nor a system kind", where, hint=codes.OWNER_UNKNOWN.hint))
            continue
        held = owners.get(path)
        if held is not None and held.owner != owner:
            diags.append(contract.diagnostic(
                codes.OWNER_TWICE, f"{'.'.join(path)} is owned by {held.owner!r} (at "
                f"{held.pointer}) and by {owner!r}", where, hint=codes.OWNER_TWICE.hint))
            continue
        owners.setdefault(path, Ownership(path, owner, where))
    return owners, diags


def owner_of(owners: dict[Path, Ownership], path: Path) -> Ownership | None:
    """Who owns ``path``: the declaration on it or on its nearest owned ancestor."""
    for length in range(len(path), 0, -1):
        held = owners.get(path[:length])
        if held is not None:
            return held
    return None


def owners_under(owners: dict[Path, Ownership], path: Path) -> list[Ownership]:
    """Declarations strictly below ``path`` (a rule writing ``path`` whole writes them too)."""
    return [o for p, o in sorted(owners.items()) if len(p) > len(path) and p[:len(path)] == path]
