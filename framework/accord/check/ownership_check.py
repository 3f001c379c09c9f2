"""System-of-record ownership, statically: a mapping from system S may not write a canonical
property another system owns (ACC482, at the rule's line), and ownership declarations must name
a property and a system or kind (ACC483-ACC485, in the contract).

The owners come from :mod:`accord.workspace.ownership`; an owner written as a kind (``hcm``)
is matched by every system of that kind.
"""

from __future__ import annotations

from accord import codes
from accord.diagnostics import Diagnostic, Severity
from accord.errors import AccordError
from accord.mapping.loader import MappingSet
from accord.mapping.model import EachRule, FieldRule, MappingSpec, Rule
from accord.workspace.contracts import ContractRegistry
from accord.workspace.ownership import ITEMS, Ownership, contract_owners, owner_of, owners_under

__all__ = ["check_ownership", "owns"]


def owns(owner: str, system: str, kinds: dict[str, str]) -> bool:
    """Whether ``system`` is ``owner``: the owner names it, or its kind."""
    return owner == system or kinds.get(system) == owner


def _walk(spec: MappingSpec, rules: tuple[Rule, ...], prefix: tuple[str, ...],
          owners: dict[tuple[str, ...], Ownership], system: str, kinds: dict[str, str],
          out: list[Diagnostic]) -> None:
    for rule in rules:
        if not isinstance(rule, (FieldRule, EachRule)):
            continue  # n/a writes nothing
        path = (*prefix, *rule.target)
        written = [owner_of(owners, path)]
        if isinstance(rule, FieldRule):
            written += owners_under(owners, path)
        for held in written:
            if held is None or owns(held.owner, system, kinds):
                continue
            kind = kinds.get(system)
            out.append(Diagnostic(
                codes.OWNER_CONFLICT,
                f"{rule.dotted}: {system}{f' ({kind})' if kind else ''} writes "
                f"{held.dotted}, which {held.owner} owns ({spec.target.contract})",
                spec.display, rule.line, rule.col, rule.pointer,
                f"only {held.owner} may set {held.dotted}: leave it to that system's "
                f"mapping (`{{n/a: owned by {held.owner}}}`), or change the owner in a new "
                "version of the contract", Severity.ERROR,
                {"target": rule.dotted, "owner": held.owner, "system": system,
                 "declared_at": held.pointer}))
        if isinstance(rule, EachRule):
            _walk(spec, rule.rules, (*path, ITEMS), owners, system, kinds, out)


def check_ownership(mappings: MappingSet, contracts: ContractRegistry,
                    kinds: dict[str, str]) -> list[Diagnostic]:
    """The findings of every contract's ownership declarations, and of every mapping from a
    system into a contract that writes what another system owns. ``kinds``: system -> kind."""
    out: list[Diagnostic] = []
    owned: dict[str, dict[tuple[str, ...], Ownership]] = {}
    for contract in contracts:
        owners, diags = contract_owners(contract, kinds)
        out.extend(diags)
        owned[f"{contract.name}@{contract.version}"] = owners
    for spec in sorted(mappings.specs, key=lambda s: s.display):
        system, target = spec.source.system, spec.target.contract
        if not system or not target:
            continue
        try:
            contract = contracts.parse_ref(target)
        except AccordError:
            continue  # an unknown contract is the checker's ACC402
        owners = owned.get(f"{contract.name}@{contract.version}") or {}
        if owners:
            _walk(spec, spec.rules, (), owners, system, kinds, out)
    return out
