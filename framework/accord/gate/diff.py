"""``accord diff CONTRACT OLD NEW``: each change between two versions of a contract and the
mapping rules that read or write the pointer it is at."""

from __future__ import annotations

from dataclasses import dataclass, field

from accord.compat import Change, CompatResult, compat
from accord.compat.report import ordered
from accord.gate.impact import Use, mapping_uses, uses_of
from accord.project import Workspace

__all__ = ["ContractDiff", "ImpactedChange", "contract_diff"]


@dataclass(frozen=True)
class ImpactedChange:
    change: Change
    uses: list[Use] = field(default_factory=list)

    def describe(self, name: str) -> str:
        text = f"{name}: {self.change.pointer or '/'} {self.change.type.value} — " \
               f"{self.change.message}"
        if self.uses:
            text += " — " + ", ".join(u.describe() for u in self.uses)
        return text


@dataclass(frozen=True)
class ContractDiff:
    name: str
    old: str
    new: str
    result: CompatResult
    changes: list[ImpactedChange]


def contract_diff(workspace: Workspace, name: str, old: str, new: str) -> ContractDiff:
    """Changes from ``name@old`` to ``name@new`` under the contract's mode, breaking first, each
    with the mappings (of either version) that use its pointer."""
    a, b = workspace.contracts.get(name, old), workspace.contracts.get(name, new)
    result = compat(a.schema, b.schema, b.compatibility,
                    registry=workspace.contracts.resource_registry)
    uses = mapping_uses(workspace, name, (old, new))
    changes = [ImpactedChange(c, uses_of(c.pointer, uses)) for c in ordered(result.changes)]
    return ContractDiff(name, old, new, result, changes)
