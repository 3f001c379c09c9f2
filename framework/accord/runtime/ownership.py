"""System-of-record ownership at run time: one canonical record from several systems' records.

When records for the same entity arrive from several systems (the HCM's worker and the PSA's
resource, mapped to one canonical resource), each owned property is taken from its owner only;
a non-owner's value that differs is a :class:`Conflict` (reported, never applied). Properties
nobody owns are taken from the records in the order given, a later record overriding an earlier
one. A pure function: no I/O, no clock; the sync engine logs the conflicts.

Owners come from the contract (``accord.workspace.ownership``) as ``{path: owner}``, a path being
a tuple of property names; an owner is a system name or a system kind (``hcm``), matched through
``kinds`` (system -> kind). A path through array items (a ``[]`` segment) is owned as the whole
array before it: items carry no identity to merge them one by one.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

__all__ = ["MISSING", "Conflict", "Merged", "merge_owned"]


class _Missing:
    """The one "no value here" marker: copies of it are itself."""

    def __repr__(self) -> str:
        return "MISSING"

    def __copy__(self) -> _Missing:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> _Missing:
        return self


#: the value of a property a record does not have
MISSING: Final = _Missing()

_ITEMS = "[]"


@dataclass(frozen=True)
class Conflict:
    """``system``, which does not own ``path``, sent ``value``; the record keeps ``kept``
    (the owner's value, or the base record's when the owner sent none: :data:`MISSING` when
    neither has one)."""

    path: tuple[str, ...]
    owner: str
    system: str
    value: Any
    kept: Any

    @property
    def dotted(self) -> str:
        return ".".join(self.path)

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.dotted, "owner": self.owner, "system": self.system,
                "value": self.value, "kept": None if self.kept is MISSING else self.kept}


@dataclass(frozen=True)
class Merged:
    """The merged record, the conflicts, and which system each owned value came from."""

    record: dict[str, Any]
    conflicts: tuple[Conflict, ...] = ()
    taken_from: dict[tuple[str, ...], str] = field(default_factory=dict)


def _get(record: Any, path: tuple[str, ...]) -> Any:
    node = record
    for name in path:
        if not isinstance(node, dict) or name not in node:
            return MISSING
        node = node[name]
    return node


def _set(record: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    node = record
    if value is MISSING:
        parent = _get(record, path[:-1])
        if isinstance(parent, dict):
            parent.pop(path[-1], None)
        return
    for name in path[:-1]:
        child = node.get(name)
        if not isinstance(child, dict):
            child = {}
            node[name] = child
        node = child
    node[path[-1]] = copy.deepcopy(value)


def _owned_path(path: tuple[str, ...]) -> tuple[str, ...]:
    return path[:path.index(_ITEMS)] if _ITEMS in path else path


def _deep_update(into: dict[str, Any], record: Mapping[str, Any]) -> None:
    for name, value in record.items():
        if isinstance(value, dict) and isinstance(into.get(name), dict):
            _deep_update(into[name], value)
        else:
            into[name] = copy.deepcopy(value)


def merge_owned(records: Mapping[str, Mapping[str, Any]], owners: Mapping[tuple[str, ...], str],
                *, kinds: Mapping[str, str] | None = None, base: Mapping[str, Any] | None = None,
                order: Sequence[str] | None = None) -> Merged:
    """One canonical record from ``records`` (system name -> that system's canonical record).

    ``owners``: path -> owner (a system name or kind); ``kinds``: system name -> kind;
    ``base``: the record as it stands (the last delivered one), whose owned values stay when
    the owner sent none; ``order``: the systems in the order their unowned values apply
    (default: the order of ``records``). The inputs are never modified."""
    kinds = kinds or {}
    systems = [s for s in (order if order is not None else list(records)) if s in records]

    def owns(owner: str, system: str) -> bool:
        return owner == system or kinds.get(system) == owner

    merged: dict[str, Any] = copy.deepcopy(dict(base)) if base is not None else {}
    for system in systems:
        _deep_update(merged, records[system])
    paths: dict[tuple[str, ...], str] = {}
    for path, owner in sorted(owners.items()):  # inside an array: the array's first owner
        key = _owned_path(path)
        if key:
            paths.setdefault(key, owner)
    conflicts: list[Conflict] = []
    taken: dict[tuple[str, ...], str] = {}
    for path, owner in sorted(paths.items()):  # an ancestor first, then what it holds
        holders = [s for s in systems if owns(owner, s) and _get(records[s], path) is not MISSING]
        if holders:
            kept = _get(records[holders[-1]], path)
            taken[path] = holders[-1]
        else:
            kept = _get(base, path) if base is not None else MISSING
        _set(merged, path, kept)
        for system in systems:
            if owns(owner, system):
                continue
            value = _get(records[system], path)
            if value is not MISSING and value != kept:
                conflicts.append(Conflict(path, owner, system, copy.deepcopy(value),
                                          copy.deepcopy(kept)))
    return Merged(merged, tuple(conflicts), taken)
