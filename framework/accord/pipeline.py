"""``accord pipeline``: the governed pipeline a CI job (or a newcomer) runs over a workspace.

Stages, in order, each reporting its findings without stopping the others:

1. **check** — contracts, systems and mappings load and check clean (``Workspace.check``);
2. **generated** — ``generated/`` is what the generator makes now
   (``Workspace.generate(check=True)``);
3. **examples** — every mapping's golden examples pass through its transformer;
4. **pacts** — ``generated/pacts/`` is what the mappings derive now
   (:func:`accord.harness.pacts.run_pacts` with ``check``: each pact proved on the consumer
   side, then byte-compared);
5. **verify** — every system's pacts verified against its simulator (``accord verify SYSTEM
   --env local``), each result recorded in the verification matrix;
6. **properties** — generated records through every transformer (``accord test properties``,
   bounded: :data:`PROPERTY_EXAMPLES` records a mapping, seed 0);
7. **fuzz** — Schemathesis against every simulator on the operations the mappings use
   (``accord fuzz SYSTEM``, bounded: :data:`FUZZ_EXAMPLES` examples an operation, seed 0).

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


#: bounds of the pipeline's property and fuzz stages: enough to exercise every mapping and
#: operation on each run; `accord test properties` / `accord fuzz` go deeper on demand
PROPERTY_EXAMPLES = 12
FUZZ_EXAMPLES = 5


def _verify(ws: Workspace) -> tuple[str, list[Diagnostic]]:
    from accord.harness.pact_source import pact_providers
    from accord.harness.verify import verify_system  # here: pact loads its Rust core

    diags: list[Diagnostic] = []
    pacts = passed = 0
    # a pact naming a system the workspace lacks is verify's own usage error (ACC743)
    systems = pact_providers(ws.root)
    for name in systems:
        report = verify_system(ws.root, name, environment="local")
        pacts += len(report.results)
        passed += sum(r.outcome == "passed" for r in report.results)
        diags.extend(report.diagnostics())
    return (f"{passed}/{pacts} pact(s) verified against the simulators of "
            f"{len(systems)} system(s)"), diags


def _properties(ws: Workspace) -> tuple[str, list[Diagnostic]]:
    from accord.harness.properties import check_properties  # here: hypothesis loads

    results, diags = check_properties(ws, max_examples=PROPERTY_EXAMPLES, seed=0)
    failed = sum(r.diagnostic is not None for r in results)
    return (f"{len(results) - failed}/{len(results)} mapping(s) held on "
            f"{PROPERTY_EXAMPLES} generated records each"), diags


def _fuzz(ws: Workspace) -> tuple[str, list[Diagnostic]]:
    from accord.harness.fuzz import fuzz  # here: schemathesis loads

    diags: list[Diagnostic] = []
    operations = failed = 0
    systems = sorted(ws.systems)
    for name in systems:
        result = fuzz(ws, name, max_examples=FUZZ_EXAMPLES, seed=0)
        operations += len(result.operations)
        failed += sum(1 for op in result.operations if op.failures)
        diags.extend(result.diagnostics(ws.systems[name].display))
    return (f"{operations - failed}/{operations} operation(s) of {len(systems)} simulator(s) "
            f"passed Schemathesis"), diags


#: (name, title, stage function)
STAGES: list[tuple[str, str, Callable[[Workspace], tuple[str, list[Diagnostic]]]]] = [
    ("check", "contracts, systems and mappings check clean", _check),
    ("generated", "generated code is fresh", _generated),
    ("examples", "golden examples pass", _examples),
    ("pacts", "derived pacts are fresh", _pacts),
    ("verify", "pacts verify against the simulators", _verify),
    ("properties", "transformers hold on generated records", _properties),
    ("fuzz", "simulators pass Schemathesis", _fuzz),
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
