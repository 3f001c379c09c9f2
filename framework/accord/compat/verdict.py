"""Verdicts: compatibility modes, :func:`compat` for one pair of schemas and
:func:`compat_history` for a new version against its released history.

BACKWARD: the new schema reads data written with the old one (every change old→new is in the
policy's compatible set). FORWARD: the old schema reads data written with the new one (every
change of the reverse diff new→old is compatible). FULL: both. ``*_TRANSITIVE``: the same against
every version in the history, not only the latest. NONE: never refuses.

The reported ``changes`` always describe the edit old→new (what the author did); each change's
``compatible`` says whether the mode accepts it. For FORWARD and FULL a change is compatible when
the reverse diff's changes at the same pointer are; reverse-diff findings that have no
counterpart are reported too, with a message that says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import referencing

from accord.compat.changes import Change, ChangeType, Policy, compatible_set
from accord.compat.diff import Difference, diff_sides
from accord.compat.schema import root_side
from accord.errors import UsageError

__all__ = ["CompatResult", "Mode", "compat", "compat_history"]


class Mode(StrEnum):
    BACKWARD = "BACKWARD"
    BACKWARD_TRANSITIVE = "BACKWARD_TRANSITIVE"
    FORWARD = "FORWARD"
    FORWARD_TRANSITIVE = "FORWARD_TRANSITIVE"
    FULL = "FULL"
    FULL_TRANSITIVE = "FULL_TRANSITIVE"
    NONE = "NONE"

    @classmethod
    def parse(cls, value: Mode | str) -> Mode:
        try:
            return cls(str(value.value if isinstance(value, Mode) else value).upper())
        except ValueError:
            choices = ", ".join(m.value for m in cls)
            raise UsageError(f"unknown compatibility mode {value!r}; use one of {choices}") \
                from None

    @property
    def transitive(self) -> bool:
        return self.value.endswith("_TRANSITIVE")

    @property
    def base(self) -> Mode:
        return Mode(self.value.removesuffix("_TRANSITIVE"))

    @property
    def backward(self) -> bool:
        return self.base in (Mode.BACKWARD, Mode.FULL)

    @property
    def forward(self) -> bool:
        return self.base in (Mode.FORWARD, Mode.FULL)


@dataclass(frozen=True)
class CompatResult:
    """The verdict: ``compatible`` under ``mode`` and ``policy``, and every change found."""

    compatible: bool
    mode: Mode
    changes: list[Change] = field(default_factory=list)
    policy: Policy = Policy.STRICT

    @property
    def breaking(self) -> list[Change]:
        return [c for c in self.changes if not c.compatible]

    def to_dict(self) -> dict[str, Any]:
        return {"compatible": self.compatible, "mode": self.mode.value,
                "changes": [c.to_dict() for c in self.changes]}


def _parse_policy(policy: Policy | str) -> Policy:
    try:
        return Policy(policy)
    except ValueError:
        raise UsageError(f"unknown policy {policy!r}; use strict or lenient") from None


def _diff(old: Any, new: Any, registry: referencing.Registry[Any] | None,
          allowed: frozenset[ChangeType]) -> list[Difference]:
    return diff_sides(root_side(old, registry), root_side(new, registry), allowed)


def _verdict_changes(old: Any, new: Any, mode: Mode, allowed: frozenset[ChangeType],
                     registry: referencing.Registry[Any] | None, label: str = "") -> list[Change]:
    forward_diffs = _diff(old, new, registry, allowed)
    reverse_diffs = _diff(new, old, registry, allowed) if mode.forward else []
    reverse_bad: dict[str, list[Difference]] = {}
    for d in reverse_diffs:
        if d.type not in allowed:
            reverse_bad.setdefault(d.pointer, []).append(d)
    prefix = f"{label}: " if label else ""
    changes: list[Change] = []
    pointers = set()
    for d in forward_diffs:
        pointers.add(d.pointer)
        ok = True
        if mode is not Mode.NONE:
            if mode.backward and d.type not in allowed:
                ok = False
            if mode.forward and d.pointer in reverse_bad:
                ok = False
        message = d.message
        if mode.forward and d.pointer in reverse_bad:
            message += "; old readers: " + "; ".join(r.message for r in reverse_bad[d.pointer])
        changes.append(Change(d.type, d.pointer, prefix + message, ok))
    for pointer, found in reverse_bad.items():
        if pointer in pointers:
            continue
        for r in found:
            changes.append(Change(r.type, r.pointer, f"{prefix}old readers of new data: "
                                  f"{r.message}", mode is Mode.NONE))
    return changes


def compat(old_schema: Any, new_schema: Any, mode: Mode | str = "BACKWARD", *,
           policy: Policy | str = "strict",
           registry: referencing.Registry[Any] | None = None) -> CompatResult:
    """Compare two versions of a schema under a compatibility ``mode``.

    ``registry`` resolves ``$ref``s to other documents (e.g. canonical contracts by urn);
    references inside each schema resolve without it. A transitive mode with only two schemas
    behaves as its base mode (use :func:`compat_history` for the history)."""
    parsed = Mode.parse(mode)
    pol = _parse_policy(policy)
    allowed = compatible_set(pol)
    changes = _verdict_changes(old_schema, new_schema, parsed, allowed, registry)
    return CompatResult(all(c.compatible for c in changes), parsed, changes, pol)


def compat_history(history: Sequence[Any], new_schema: Any, mode: Mode | str = "BACKWARD", *,
                   policy: Policy | str = "strict",
                   registry: referencing.Registry[Any] | None = None) -> CompatResult:
    """``new_schema`` against released ``history`` (oldest first): every version for the
    ``_TRANSITIVE`` modes, the latest otherwise. Changes against earlier versions name the
    version (its ``$id``, else its index)."""
    parsed = Mode.parse(mode)
    pol = _parse_policy(policy)
    if not history:
        return CompatResult(True, parsed, [], pol)
    allowed = compatible_set(pol)
    targets = list(enumerate(history)) if parsed.transitive else [(len(history) - 1,
                                                                    history[-1])]
    changes: list[Change] = []
    for index, old in targets:
        latest = index == len(history) - 1
        label = "" if latest else _name(old, index)
        found = _verdict_changes(old, new_schema, parsed, allowed, registry, label)
        if not latest:
            found = [c for c in found if not c.compatible]  # only what the older one adds
        changes.extend(found)
    return CompatResult(all(c.compatible for c in changes), parsed, changes, pol)


def _name(schema: Any, index: int) -> str:
    if isinstance(schema, dict) and isinstance(schema.get("$id"), str):
        return f"against {schema['$id']}"
    return f"against version #{index + 1}"
