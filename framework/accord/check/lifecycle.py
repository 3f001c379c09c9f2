"""Mappings against the lifecycle of the contracts they use.

A mapping whose source or target is a *deprecated* contract version still works, but its days
are counted: ``accord check`` warns (ACC340) and names the version to move to; after the
version's ``sunset`` date it is an error (ACC341). A ``sunset`` that is not a calendar date is
an error of the contract (ACC342).
"""

from __future__ import annotations

import datetime as dt

from accord import codes
from accord.diagnostics import Diagnostic, Severity
from accord.errors import AccordError
from accord.mapping.loader import MappingSet
from accord.workspace.contracts import Contract, ContractRegistry

__all__ = ["check_lifecycle"]



def _sunset(contract: Contract) -> dt.date | None:
    try:
        return dt.date.fromisoformat(contract.sunset) if contract.sunset else None
    except ValueError:
        return None


def _successor(contracts: ContractRegistry, old: Contract) -> str:
    """Where a user of ``old`` should go: the newest released version after it."""
    later = [c for c in contracts.versions(old.name)
             if c.semver > old.semver and c.status == "released"]
    if later:
        new = later[-1]
        return (f"move the mapping to {new.name}@{new.version} (`accord diff {old.name} "
                f"{old.version} {new.version}` lists the rules the changes touch)")
    return f"release a successor of {old.name}@{old.version} and move the mapping to it"


def check_lifecycle(mappings: MappingSet, contracts: ContractRegistry,
                    today: dt.date | None = None) -> list[Diagnostic]:
    """Warnings for mappings on deprecated versions, errors once past their sunset date."""
    day = today or dt.date.today()
    out: list[Diagnostic] = []
    for contract in contracts:
        if contract.sunset and _sunset(contract) is None:
            out.append(contract.diagnostic(
                codes.SUNSET_MALFORMED, f"sunset {contract.sunset!r} is not a calendar date",
                "/x-accord/sunset", hint="write it as YYYY-MM-DD, e.g. 2027-06-30"))
    for spec in sorted(mappings.specs, key=lambda s: s.display):
        for role, endpoint in (("source", spec.source), ("target", spec.target)):
            if not endpoint.contract:
                continue
            try:
                used = contracts.parse_ref(endpoint.contract)
            except AccordError:
                continue  # an unknown contract is the checker's ACC402
            if used.status != "deprecated":
                continue
            sunset = _sunset(used)
            past = sunset is not None and day > sunset
            if sunset is None:
                when = "no sunset date yet"
            else:
                when = f"its sunset was {sunset.isoformat()}" if past else f"sunset {sunset}"
            out.append(spec.document.diagnostic(
                codes.SUNSET_PASSED if past else codes.DEPRECATED_TARGET,
                f"{role} {used.name}@{used.version} is deprecated ({when})",
                f"/{role}", severity=Severity.ERROR if past else Severity.WARNING,
                hint=_successor(contracts, used),
                extra={"contract": f"{used.name}@{used.version}",
                       "sunset": sunset.isoformat() if sunset else None}))
    return out
