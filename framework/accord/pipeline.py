"""``accord pipeline``: the governed pipeline a CI job (or a newcomer) runs over a workspace.

Stages, in order, each reporting its findings without stopping the others:

1. **check** — contracts, systems and mappings load and check clean (``Workspace.check``);
2. **generated** — ``generated/`` is what the generator makes now
   (``Workspace.generate(check=True)``);
3. **examples** — every mapping's golden examples pass through its transformer;
4. **pacts** — ``generated/pacts/`` is what the mappings derive now
   (:func:`accord.harness.pacts.run_pacts` with ``check``: each pact proved on the consumer
   side, then byte-compared).

The result is a list of :class:`StageResult`; the pipeline passes when every stage does.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from accord import codes
from accord.diagnostics import Diagnostic, JUnitCase, Severity, junit_cases
from accord.errors import AccordError
from accord.project import Workspace

__all__ = ["STAGES", "StageResult", "junit_stage_cases", "run_pipeline"]


@dataclass
class StageResult:
    name: str
    title: str
    ok: bool
    detail: str
    seconds: float
    diagnostics: list[Diagnostic] = field(default_factory=list)


def _errors(diags: list[Diagnostic]) -> int:
    return sum(1 for d in diags if d.severity is Severity.ERROR)


def _check(ws: Workspace) -> tuple[str, list[Diagnostic]]:
    diags = ws.check()
    summary = ws.summary()
    parts = [f"{summary['entities']} entities", f"{summary['versions']} contract versions"]
    parts += [f"{v} {k.replace('_', ' ')}" for k, v in summary.items()
              if k not in ("entities", "versions", "versions_by_status")]
    return ", ".join(parts), diags


def _generated(ws: Workspace) -> tuple[str, list[Diagnostic]]:
    result = ws.generate(check=True)
    return f"{len(result.files)} module(s) compared byte for byte", result.diagnostics


def _examples(ws: Workspace) -> tuple[str, list[Diagnostic]]:
    results, diags = ws.examples()
    passed = sum(r.passed for r in results)
    return f"{passed}/{len(results)} golden example(s) passed", diags


def _pacts(ws: Workspace) -> tuple[str, list[Diagnostic]]:
    from accord.harness.pacts import run_pacts  # here: pact loads its Rust core

    result = run_pacts(ws, check=True)
    return f"{len(result.files)} pact(s) compared byte for byte", result.diagnostics


#: (name, title, stage function)
STAGES: list[tuple[str, str, Callable[[Workspace], tuple[str, list[Diagnostic]]]]] = [
    ("check", "contracts, systems and mappings check clean", _check),
    ("generated", "generated code is fresh", _generated),
    ("examples", "golden examples pass", _examples),
    ("pacts", "derived pacts are fresh", _pacts),
]


def run_pipeline(ws: Workspace, *, on_stage: Callable[[str, str], None] | None = None,
                 only: list[str] | None = None) -> list[StageResult]:
    """Run the stages (all, or those named in ``only``); ``on_stage(name, title)`` is called as
    each starts, for progress display."""
    results = []
    for name, title, stage in STAGES:
        if only and name not in only:
            continue
        if on_stage:
            on_stage(name, title)
        start = time.perf_counter()
        try:
            detail, diags = stage(ws)
        except AccordError as exc:
            detail, diags = str(exc), list(exc.diagnostics) or [
                Diagnostic(codes.STAGE_FAILED, f"stage {name} could not run: {exc}")]
        seconds = time.perf_counter() - start
        results.append(StageResult(name, title, _errors(diags) == 0, detail, seconds, diags))
    return results


def junit_stage_cases(results: list[StageResult]) -> list[JUnitCase]:
    """One JUnit case per stage (failed when it has errors, its detail as output), then one per
    finding of any stage."""
    cases = [JUnitCase(r.name, "accord pipeline", seconds=r.seconds, body=r.detail,
                       failure=None if r.ok else f"{_errors(r.diagnostics)} error(s): {r.detail}",
                       failure_type="stage") for r in results]
    return cases + junit_cases([d for r in results for d in r.diagnostics],
                               suite="accord pipeline")
