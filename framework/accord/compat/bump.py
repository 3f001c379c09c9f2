"""Version policy: the semver bump between two versions of a contract must match its changes.

* a change the contract's compatibility mode refuses  -> a new MAJOR version;
* any other change to what validates (a compatible addition or relaxation, a new default)
  -> at least a new MINOR version;
* annotations only (title, description, examples, ``$comment``, ``x-*``, ``$id``) -> PATCH.

Mode ``NONE`` never refuses a change, but semver must stay honest, so its bumps are judged as
BACKWARD; ``*_TRANSITIVE`` modes are judged by their base mode against the previous version.

Findings (``ACC300``-series diagnostics, ``file=''`` unless ``locate`` maps a pointer to a place):

=======  ========  =============================================================
code     severity  meaning
=======  ========  =============================================================
ACC300   error     a version is not MAJOR.MINOR.PATCH
ACC301   error     the changes need a new major version
ACC302   error     the changes need a new minor version (a patch was released)
ACC303   warning   the bump is bigger than the changes need
ACC304   error     the new version does not come after the old one
ACC305   warning   a major/minor bump that does not reset the lower parts
=======  ========  =============================================================
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from enum import IntEnum
from typing import TYPE_CHECKING, Any

import referencing

from accord import codes
from accord.compat.changes import METADATA_CHANGES, Change
from accord.compat.verdict import Mode, compat
from accord.diagnostics import Diagnostic, Severity
from accord.errors import CompatError
from accord.workspace.semver import Version, parse_version

if TYPE_CHECKING:
    from accord.workspace.contracts import Contract, ContractRegistry

__all__ = ["Bump", "Locate", "check_bump", "check_registry_bumps", "required_bump"]

#: ``locate(pointer) -> (file, line, col)``: where a JSON pointer of the new schema lives.
Locate = Callable[[str], tuple[str, int, int]]

class Bump(IntEnum):
    NONE = 0
    PATCH = 1
    MINOR = 2
    MAJOR = 3

    @property
    def label(self) -> str:
        return self.name.lower()


def _actual(old: Version, new: Version) -> Bump:
    if new.major != old.major:
        return Bump.MAJOR
    if new.minor != old.minor:
        return Bump.MINOR
    return Bump.PATCH if new.patch != old.patch else Bump.NONE


def required_bump(changes: list[Change]) -> tuple[Bump, list[Change]]:
    """The smallest bump ``changes`` (judged under the contract's mode) allow, and the changes
    that force it."""
    breaking = [c for c in changes if not c.compatible]
    if breaking:
        return Bump.MAJOR, breaking
    functional = [c for c in changes if c.type not in METADATA_CHANGES]
    if functional:
        return Bump.MINOR, functional
    return (Bump.PATCH, changes) if changes else (Bump.PATCH, [])


def _listing(changes: list[Change], limit: int = 6) -> str:
    shown = [f"{c.type.value} at {c.pointer or '/'}" for c in changes[:limit]]
    more = f" and {len(changes) - limit} more" if len(changes) > limit else ""
    return "; ".join(shown) + more


def check_bump(old_version: str, old_schema: Any, new_version: str, new_schema: Any,
               mode: str = "BACKWARD", registry: referencing.Registry[Any] | None = None, *,
               policy: str = "strict", locate: Locate | None = None) -> list[Diagnostic]:
    """Diagnostics for a wrong semver bump from ``old_version`` to ``new_version`` (plain
    data: versions as strings, schemas as dicts, the contract's compatibility mode)."""
    def place(pointer: str) -> dict[str, Any]:
        if locate is None:
            return {"pointer": pointer}
        file, line, col = locate(pointer)
        return {"file": file, "line": line, "col": col, "pointer": pointer}

    old_v, new_v = parse_version(old_version), parse_version(new_version)
    bad = [v for v, parsed in ((old_version, old_v), (new_version, new_v)) if parsed is None]
    if bad or old_v is None or new_v is None:
        return [Diagnostic(codes.VERSION_MALFORMED,
                           f"version {v!r} is not MAJOR.MINOR.PATCH", **place(
            "/x-accord/version"), hint="use a semantic version such as 1.2.0") for v in bad]
    if new_v <= old_v:
        return [Diagnostic(codes.VERSION_ORDER, f"version {new_v} does not come after {old_v}",
                           **place("/x-accord/version"),
                           hint=f"release it as {old_v.bumped('patch')} or later")]
    if old_v.prerelease and (old_v.major, old_v.minor, old_v.patch) == (
            new_v.major, new_v.minor, new_v.patch):
        return []  # a pre-release shapes the version it precedes: any change may land in it
    parsed_mode = Mode.parse(mode)
    judged = Mode.BACKWARD if parsed_mode is Mode.NONE else parsed_mode.base
    result = compat(old_schema, new_schema, judged, policy=policy, registry=registry)
    need, why = required_bump(result.changes)
    got = _actual(old_v, new_v)
    out: list[Diagnostic] = []
    first = why[0].pointer if why else "/x-accord/version"
    extra = {"required": need.label, "actual": got.label,
             "changes": [c.to_dict() for c in why]}
    if got < need:
        code = codes.BUMP_MAJOR_NEEDED if need is Bump.MAJOR else codes.BUMP_MINOR_NEEDED
        reason = (f"changes {judged.value} refuses" if need is Bump.MAJOR
                  else "changes beyond annotations")
        out.append(Diagnostic(
            code, f"{old_v} -> {new_v} is a {got.label} bump, but the {reason} need a "
            f"{need.label} bump: {_listing(why)}", **place(first),
            hint=f"release it as {old_v.bumped(need.label)}"
                 + (" or undo the breaking changes" if need is Bump.MAJOR else ""),
            extra=extra))
    elif got > need:
        out.append(Diagnostic(
            codes.BUMP_TOO_BIG,
            f"{old_v} -> {new_v} is a {got.label} bump, but the changes only need a "
            f"{need.label} bump" + (f": {_listing(why)}" if why else " (nothing changed)"),
            **place("/x-accord/version"), hint=f"{old_v.bumped(need.label)} would do",
            severity=Severity.WARNING, extra=extra))
    if (got is Bump.MAJOR and (new_v.minor, new_v.patch) != (0, 0)) or (
            got is Bump.MINOR and new_v.patch != 0):
        out.append(Diagnostic(
            codes.BUMP_NO_RESET, f"{new_v}: a {got.label} bump from {old_v} resets the lower parts",
            **place("/x-accord/version"), hint=f"use {old_v.bumped(got.label)}",
            severity=Severity.WARNING))
    return out


def _locator(contract: Contract) -> Locate:
    def locate(pointer: str) -> tuple[str, int, int]:
        pos = contract.document.position(pointer)
        return contract.display, pos.line, pos.col

    return locate


def check_registry_bumps(registry: ContractRegistry) -> list[Diagnostic]:
    """Each version's semver bump matches its changes against the version before it,
    located in the newer version's file."""
    found: list[Diagnostic] = []
    for name in registry.names():
        for old, new in itertools.pairwise(registry.versions(name)):
            try:
                found.extend(check_bump(old.version, old.schema, new.version, new.schema,
                                        new.compatibility, registry.resource_registry,
                                        locate=_locator(new)))
            except CompatError:
                continue  # an unresolvable $ref: already a finding of the registry
    return found
