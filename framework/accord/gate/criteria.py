"""The promotion gate's criteria: each one is a small, pluggable check.

Interface (add a criterion without touching the gate)::

    class Criterion(Protocol):
        name: str                                  # stable, used in registry.lock verdicts
        applies_to: frozenset[str]                 # target statuses it guards
        def __call__(self, ctx: GateContext) -> Verdict: ...

    Verdict(name, passed, reasons=[...], skipped=False, detail={...})

A criterion returns ``passed=False`` with one reason per problem (the gate reports every
reason of every criterion, never only the first), and may add a ``note`` that the report and
the lock keep even when it passes (``verification``: "no pact involves project@1.1.0"). A
failed criterion named in a waiver (``accord promote --waive verification --reason TEXT``;
only those in :data:`WAIVABLE`) becomes ``waived``: it passes, keeps its reasons, and the
waiver (who, when, why) is recorded in registry.lock and shown in the report. Register extra
criteria by passing them to :func:`accord.gate.promote.promote`
(``criteria=[*DEFAULT_CRITERIA, mine]``).

Default criteria, in order: ``transition`` (the next lifecycle step: draft → candidate →
released → deprecated, none skipped), ``check`` (the workspace checks clean), ``generated``
(generated code is fresh), ``examples`` (golden examples pass), ``compat`` (compatible with the
released history of its major line under the contract's mode; the first version of a new major
may break), ``bump`` (the semver bump matches the changes), ``mappings`` (on a new major, every
mapping of the entity fits the version it will use, or stays pinned to the old major; see
:mod:`accord.gate.majors`), ``verification`` (to ``released`` only: every pact involving the
version has a passing verification of its current bytes against the gate's environment,
``local`` by default, in the verification matrix; see :mod:`accord.harness.matrix`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Protocol

from accord import codes
from accord.compat import CompatResult, check_bump, compat_history
from accord.diagnostics import Diagnostic, Severity
from accord.gate.majors import major_moves
from accord.project import Workspace
from accord.workspace.contracts import Contract

__all__ = ["DEFAULT_CRITERIA", "DEFAULT_ENVIRONMENT", "WAIVABLE", "Criterion", "GateContext",
           "Verdict"]

PROMOTABLE = ("candidate", "released", "deprecated")
#: The lifecycle, in order: a promotion takes exactly the next step.
LIFECYCLE = ("draft", "candidate", "released", "deprecated")
_MAX_REASONS = 25
#: the environment whose verifications the gate reads unless told otherwise (the simulators)
DEFAULT_ENVIRONMENT = "local"
#: criteria a promotion may waive, with a reason that is recorded (``--waive NAME``)
WAIVABLE = ("verification",)


@dataclass(frozen=True)
class Verdict:
    name: str
    passed: bool
    reasons: list[str] = field(default_factory=list)
    skipped: bool = False
    detail: dict[str, Any] = field(default_factory=dict)
    #: what a reader must know even when it passes (kept in the lock and the report)
    note: str = ""
    #: a failure waived by the promoter (``passed`` is True then; the reasons stay)
    waived: bool = False

    @property
    def label(self) -> str:
        if self.waived:
            return "waived"
        return "skipped" if self.skipped else "pass" if self.passed else "fail"


@dataclass
class GateContext:
    """Everything a criterion may look at; expensive parts are computed once."""

    workspace: Workspace
    contract: Contract
    target: str
    #: the environment the pacts must be verified against (``accord promote --env``)
    environment: str = DEFAULT_ENVIRONMENT

    @property
    def name(self) -> str:
        return self.contract.name

    @cached_property
    def released_history(self) -> list[Contract]:
        """Released (or deprecated) versions before this one, oldest first, of every major."""
        return [c for c in self.workspace.contracts.versions(self.name)
                if c.semver < self.contract.semver and c.status in ("released", "deprecated")]

    @cached_property
    def line_history(self) -> list[Contract]:
        """The released history within this version's major line: what compatibility is
        judged against (a new major may break what the majors before it promised)."""
        return [c for c in self.released_history if c.semver.major == self.contract.semver.major]

    @cached_property
    def previous(self) -> Contract | None:
        return self.released_history[-1] if self.released_history else None

    @property
    def new_major(self) -> bool:
        """The first version of a major line that follows a released older major."""
        return self.previous is not None and not self.line_history

    @cached_property
    def compat(self) -> CompatResult:
        return compat_history([c.schema for c in self.line_history], self.contract.schema,
                              self.contract.compatibility,
                              registry=self.workspace.contracts.resource_registry)


class Criterion(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def applies_to(self) -> frozenset[str]: ...

    def __call__(self, ctx: GateContext) -> Verdict: ...


def _errors(diags: list[Diagnostic]) -> list[str]:
    errors = [d.format().replace("\n", " ") for d in diags if d.severity is Severity.ERROR]
    more = [f"... and {len(errors) - _MAX_REASONS} more"] if len(errors) > _MAX_REASONS else []
    return errors[:_MAX_REASONS] + more


@dataclass(frozen=True)
class FunctionCriterion:
    """A criterion from a plain function (the usual way to write one)."""

    name: str
    check: Callable[[GateContext], Verdict]
    applies_to: frozenset[str] = frozenset({"candidate", "released"})

    def __call__(self, ctx: GateContext) -> Verdict:
        return self.check(ctx)


def _transition(ctx: GateContext) -> Verdict:
    """Exactly the next lifecycle step; a refusal names the step to take instead."""
    current, target = ctx.contract.status, ctx.target
    here = LIFECYCLE.index(current) if current in LIFECYCLE else 0
    there = LIFECYCLE.index(target)
    if there == here + 1:
        return Verdict("transition", True, detail={"from": current, "to": target})
    step = LIFECYCLE[here + 1] if here + 1 < len(LIFECYCLE) else None
    run = f"`accord promote {ctx.name} {ctx.contract.version} --to {step}`"
    if step is None:
        reason = (f"{ctx.name}@{ctx.contract.version} is {current}, the last step of the "
                  f"lifecycle; release a new version instead")
    elif there > here + 1:
        skipped = " and ".join(LIFECYCLE[here + 1:there])
        reason = f"{current} → {target} skips {skipped}: run {run} first"
    else:
        reason = (f"{ctx.name}@{ctx.contract.version} is {current}: a promotion never goes "
                  f"back ({' → '.join(LIFECYCLE)}); its next step is {step}: run {run}")
    return Verdict("transition", False, [f"{ctx.contract.display}: {reason}"],
                   detail={"from": current, "to": target, "next": step})


def _check(ctx: GateContext) -> Verdict:
    reasons = _errors(ctx.workspace.check())
    return Verdict("check", not reasons, reasons)


def _generated(ctx: GateContext) -> Verdict:
    result = ctx.workspace.generate(check=True)
    reasons = [d.format().replace("\n", " ") for d in result.diagnostics][:_MAX_REASONS]
    if reasons:
        reasons.append("run `accord generate` and commit generated/")
    return Verdict("generated", not reasons, reasons)


def _examples(ctx: GateContext) -> Verdict:
    results, diags = ctx.workspace.examples()
    reasons = _errors(diags)
    passed = sum(r.passed for r in results)
    return Verdict("examples", not reasons, reasons,
                   detail={"passed": passed, "total": len(results)})


def _compat(ctx: GateContext) -> Verdict:
    if ctx.new_major:
        assert ctx.previous is not None
        return Verdict("compat", True, detail={
            "note": f"first version of major line {ctx.contract.semver.major}: it may break "
                    f"{ctx.previous.version}; the mappings criterion decides who moves"})
    if not ctx.line_history:
        return Verdict("compat", True, detail={"note": "first released version"})
    result = ctx.compat
    reasons = [f"{c.type.value} at {c.pointer or '/'}: {c.message}" for c in result.breaking]
    if reasons:
        reasons.append(f"a breaking change is released as a new major version "
                       f"({ctx.contract.semver.major + 1}.0.0), never within major line "
                       f"{ctx.contract.semver.major}")
    return Verdict("compat", result.compatible, reasons[:_MAX_REASONS],
                   detail={"mode": result.mode.value,
                           "against": [c.version for c in ctx.line_history]})


def _bump(ctx: GateContext) -> Verdict:
    prev = ctx.previous
    if prev is None:
        return Verdict("bump", True, detail={"note": "first released version"})
    diags = check_bump(prev.version, prev.schema, ctx.contract.version, ctx.contract.schema,
                       ctx.contract.compatibility, ctx.workspace.contracts.resource_registry)
    reasons = [f"{d.code} {d.message} (hint: {d.hint})" for d in diags
               if d.severity is Severity.ERROR]
    return Verdict("bump", not reasons, reasons, detail={"previous": prev.version})


def _mappings(ctx: GateContext) -> Verdict:
    if not ctx.new_major:
        return Verdict("mappings", True, detail={"note": "not a new major version"})
    moves = major_moves(ctx.workspace, ctx.contract)
    old = ctx.previous.version if ctx.previous else "?"
    reasons = [f"{m.spec} {m.access} {ctx.name} as {m.uses}, which will be "
               f"{ctx.contract.version}, but does not fit it ({m.findings} error(s); first: "
               f"{m.first}): update the mapping, or pin it to the old major with "
               f"`contract: {ctx.name}@{old}`" for m in moves if not m.ok]
    return Verdict("mappings", not reasons, reasons,
                   detail={"major": ctx.contract.semver.major, "previous": old,
                           "mappings": [m.to_dict() for m in moves]})


def _verification(ctx: GateContext) -> Verdict:
    """Every pact involving the version verified (current bytes, passing) against the gate's
    environment, from the verification matrix; see :func:`accord.harness.matrix.can_i_deploy`.
    No pact involving it passes, and says so."""
    from accord.harness.matrix import can_i_deploy

    decision = can_i_deploy(ctx.workspace, ctx.name, ctx.contract.version, ctx.environment)
    reasons = [f"{r.code} {r.pact or r.mapping} ({r.provider}): {r.why}"
               for r in decision.rows if not r.ok]
    reasons += [d.format().replace("\n", " ") for d in decision.problems]
    if reasons:
        reasons = reasons[:_MAX_REASONS]
        reasons.append(f"{codes.GATE_NOT_VERIFIED} promoting to released needs every pact "
                       f"involving {decision.ref} verified against {ctx.environment}; to ship "
                       "without: --waive verification --reason TEXT")
    note = (f"{codes.NOTHING_TO_VERIFY} {decision.summary}" if decision.nothing_to_verify
            else decision.summary)
    return Verdict("verification", not reasons, reasons, note=note,
                   detail={"environment": ctx.environment, "decision": decision.to_dict()})


DEFAULT_CRITERIA: tuple[Criterion, ...] = (
    FunctionCriterion("transition", _transition, frozenset(PROMOTABLE)),
    FunctionCriterion("check", _check),
    FunctionCriterion("generated", _generated),
    FunctionCriterion("examples", _examples),
    FunctionCriterion("compat", _compat),
    FunctionCriterion("bump", _bump),
    FunctionCriterion("mappings", _mappings),
    FunctionCriterion("verification", _verification, frozenset({"released"})),
)
