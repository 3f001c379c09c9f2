"""Schemathesis against a provider, through its Python API.

``fuzz`` loads the system's API description into Schemathesis, keeps the operations the
mappings use (a mapping that reads the system: its collection's read and list; one that writes
it: create and update; a mapping naming an ``operation``: that one), and for each operation
draws ``max_examples`` requests from Schemathesis' Hypothesis strategy (``seed``: the same
requests every run; no example database), sends them and runs the checks on each response.

The default checks judge a provider's responses: ``not_a_server_error``,
``status_code_conformance``, ``content_type_conformance`` and
``response_schema_conformance``. Others (``negative_data_rejection``,
``positive_data_acceptance``, ...) are selected by name. Every distinct failure is kept (check,
operation, title, message and a curl command to replay it); nothing is shrunk, so a run makes
exactly ``max_examples`` requests per operation.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from accord import codes
from accord.diagnostics import Diagnostic, JUnitCase, Severity, junit_cases
from accord.errors import LoadError, UsageError
from accord.workspace.apimodel import api_model

if TYPE_CHECKING:
    from accord.project import Workspace
    from accord.workspace.systems import System

__all__ = ["DEFAULT_CHECKS", "FuzzFailure", "FuzzOperation", "FuzzResult", "fuzz",
           "fuzzed_operations", "known_checks"]

DEFAULT_CHECKS = ("not_a_server_error", "status_code_conformance", "content_type_conformance",
                  "response_schema_conformance")
DEFAULT_MAX_EXAMPLES = 25


@dataclass(frozen=True)
class FuzzFailure:
    """One distinct failure: which check, on which operation, and how to replay it."""

    check: str
    operation: str
    title: str
    message: str
    curl: str = ""

    def to_dict(self) -> dict[str, str]:
        return {"check": self.check, "operation": self.operation, "title": self.title,
                "message": self.message, "curl": self.curl}


@dataclass
class FuzzOperation:
    """What one operation got: requests sent, and the failures."""

    label: str
    operation_id: str
    examples: int = 0
    failures: list[FuzzFailure] = field(default_factory=list)
    #: how many responses had each status
    statuses: dict[int, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"operation": self.label, "operation_id": self.operation_id,
                "examples": self.examples, "passed": not self.failures,
                "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
                "failures": [f.to_dict() for f in self.failures]}


@dataclass
class FuzzResult:
    """A fuzz run against one provider."""

    system: str
    base_url: str
    environment: str
    checks: tuple[str, ...]
    max_examples: int
    seed: int | None
    operations: list[FuzzOperation] = field(default_factory=list)
    seconds: float = 0.0
    #: warnings: nothing to fuzz
    notes: list[Diagnostic] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(not op.failures for op in self.operations)

    @property
    def failures(self) -> list[FuzzFailure]:
        return [f for op in self.operations for f in op.failures]

    def diagnostics(self, where: str) -> list[Diagnostic]:
        return [Diagnostic(codes.FUZZ_FAILED, f"{f.operation}: {f.check}: {f.title}"
                           + (f" — {_first_line(f.message)}" if f.message else ""), where,
                           hint=f"replay: {f.curl}" if f.curl else codes.FUZZ_FAILED.hint)
                for f in self.failures]

    def junit_cases(self) -> list[JUnitCase]:
        """One case per operation: failed with each distinct failure in its body."""
        suite = f"accord fuzz {self.system}"
        cases = junit_cases(self.notes, suite=suite)
        for op in self.operations:
            failed = (f"{len(op.failures)} check failure(s): "
                      + ", ".join(sorted({f.check for f in op.failures}))) \
                if op.failures else None
            body = "\n\n".join(f"{f.check}: {f.title}\n{f.message}\n{f.curl}"
                               for f in op.failures) \
                or f"{op.examples} request(s), statuses {op.statuses}"
            cases.append(JUnitCase(name=op.label, classname=suite, failure=failed,
                                   failure_type=codes.FUZZ_FAILED, body=body))
        return cases

    def to_dict(self) -> dict[str, Any]:
        return {"system": self.system, "base_url": self.base_url,
                "environment": self.environment, "checks": list(self.checks),
                "max_examples": self.max_examples, "seed": self.seed,
                "passed": self.passed, "seconds": round(self.seconds, 3),
                "operations": [op.to_dict() for op in self.operations],
                "notes": [d.to_dict() for d in self.notes]}


def _usage(code: str, message: str, where: str = "") -> UsageError:
    diag = Diagnostic(code, message, where, hint=codes.CATALOGUE[code].hint)
    return UsageError(diag.format(), diagnostics=[diag])


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


def known_checks() -> list[str]:
    """The names of Schemathesis' checks."""
    from schemathesis.checks import CHECKS, load_all_checks

    load_all_checks()
    return sorted(n for n in CHECKS.get_all_names() if not n.startswith("_"))


def _check_functions(names: tuple[str, ...]) -> list[Any]:
    from schemathesis.checks import CHECKS, load_all_checks

    load_all_checks()
    available = set(CHECKS.get_all_names())
    unknown = [n for n in names if n not in available or n.startswith("_")]
    if unknown:
        raise _usage(codes.FUZZ_UNKNOWN_CHECK, f"unknown check(s) {', '.join(unknown)}; "
                     f"Schemathesis has: {', '.join(known_checks())}")
    return [CHECKS.get_one(n) for n in names]


def fuzzed_operations(workspace: Workspace, system: System) -> list[str]:
    """The operationIds the mappings use on ``system``, sorted."""
    reads: set[str] = set()
    writes: set[str] = set()
    named: set[str] = set()
    for spec in workspace.mappings.specs:
        for role, endpoint in (("source", spec.source), ("target", spec.target)):
            if endpoint.system != system.name:
                continue
            if endpoint.operation:
                named.add(endpoint.operation)
            if endpoint.schema:
                (reads if role == "source" else writes).add(endpoint.schema)
    model = api_model(system, reads | writes)
    ops = set(named)
    for c in model.collections:  # a write shape (ProjectCreateOrUpdate): its create/update
        kinds = {k for name in reads for k in c.kinds_for(name) if k in ("read", "list")} | \
            {k for name in writes for k in c.kinds_for(name) if k in ("create", "update")}
        ops.update(getattr(c, kind).operation_id for kind in kinds)
    return sorted(ops)


def fuzz(workspace: Workspace, system_name: str, *, environment: str = "local",
         base_url: str | None = None, max_examples: int = DEFAULT_MAX_EXAMPLES,
         seed: int | None = None, checks: tuple[str, ...] = DEFAULT_CHECKS,
         state_path: Path | None = None, every_operation: bool = False) -> FuzzResult:
    """Run Schemathesis against ``system_name``'s provider: ``base_url`` when given, else the
    environment (``local``: the simulator, started for the run). ``every_operation``: every
    operation of the description, not only those the mappings use."""
    system = workspace.systems.get(system_name)
    if system is None:
        raise UsageError(f"unknown system {system_name!r}; systems: "
                         f"{', '.join(sorted(workspace.systems)) or 'none'}")
    if max_examples < 1:
        raise UsageError("--max-examples must be at least 1")
    functions = _check_functions(checks)
    operations = sorted(system.api.operations()) if every_operation else \
        fuzzed_operations(workspace, system)
    if not operations:
        from accord.harness.golden import broken_mappings

        result = FuzzResult(system_name, base_url or "", "url" if base_url else environment,
                            checks, max_examples, seed)
        result.notes.append(Diagnostic(
            codes.FUZZ_NO_OPERATIONS, f"nothing to fuzz: no mapping uses an operation of "
            f"{system_name!r}{broken_mappings(workspace)}", system.display,
            severity=Severity.WARNING, hint=codes.FUZZ_NO_OPERATIONS.hint))
        return result
    with _provider(workspace, system, environment, base_url, state_path) as (url, headers):
        result = FuzzResult(system_name, url, "url" if base_url else environment, checks,
                            max_examples, seed)
        started = time.perf_counter()
        _run(system, operations, url, headers, functions, result,
             _known_paths(workspace, system))
        result.seconds = time.perf_counter() - started
    return result


@contextmanager
def _provider(workspace: Workspace, system: System, environment: str, base_url: str | None,
              state_path: Path | None) -> Iterator[tuple[str, dict[str, str]]]:
    if base_url:
        yield base_url.rstrip("/"), {}
        return
    env = system.environments.get(environment)
    if env is None and environment != "local":
        raise _usage(codes.FUZZ_ENVIRONMENT, f"system {system.name!r} declares no environment "
                     f"{environment!r}; it has: "
                     f"{', '.join(sorted(system.environments)) or 'none'}", system.display)
    if env is None or env.simulator:
        from accord.harness.simulator import running

        with running(workspace.root, system.name, state_path=state_path) as handle:
            yield handle.base_url, {}
        return
    if not env.base_url:
        raise _usage(codes.FUZZ_ENVIRONMENT, f"environment {environment!r} of {system.name!r} "
                     "has no base_url", system.display)
    yield env.base_url.rstrip("/"), _auth_headers(env.auth, env.headers)


def _auth_headers(auth: dict[str, str], headers: dict[str, str]) -> dict[str, str]:
    """Headers from the environment: a bearer token read from the variable ``auth`` names
    (the value is never logged)."""
    import os

    out = dict(headers)
    variable = auth.get("bearer_env")
    if variable:
        token = os.environ.get(variable)
        if not token:
            raise _usage(codes.FUZZ_ENVIRONMENT, f"the environment variable {variable} "
                         "(auth.bearer_env) is not set")
        out["Authorization"] = f"Bearer {token}"
    return out


def _known_paths(workspace: Workspace, system: System) -> dict[str, list[dict[str, str]]]:
    """The path parameters of the golden records, by operationId of each item operation
    (the record's id fills the last parameter; a parent parameter comes from the record's
    field of that name): fuzzing sends some requests to records that exist."""
    from accord.harness.golden import golden_records, mapped_schemas

    schemas, _inputs = mapped_schemas(workspace, system.name)
    model = api_model(system, schemas or None)
    records, _notes = golden_records(workspace, system.name, model)
    known: dict[str, list[dict[str, str]]] = {}
    for c in model.collections:
        for op in c.operations:
            if not op.path_params:
                continue
            for record_id, record in records.get(c.name, []):
                params = {name: str(record[name]) for name in op.path_params[:-1]
                          if isinstance(record, dict) and record.get(name) is not None}
                if len(params) == len(op.path_params) - 1:
                    known.setdefault(op.operation_id, []).append(
                        {**params, op.path_params[-1]: record_id})
    return known


def _run(system: System, operations: list[str], url: str, headers: dict[str, str],
         functions: list[Any], result: FuzzResult,
         known: dict[str, list[dict[str, str]]]) -> None:
    import requests
    import schemathesis
    from schemathesis.core.result import Ok

    schema = schemathesis.openapi.from_dict(system.api.data)
    schema.config.update(base_url=url)
    wanted = set(operations)
    session = requests.Session()
    try:
        found = [r.ok() for r in schema.get_all_operations() if isinstance(r, Ok)]
        for operation in sorted(found, key=lambda o: o.label):
            op_id = operation.definition.raw.get("operationId")
            if op_id not in wanted:
                continue
            outcome = FuzzOperation(operation.label, str(op_id))
            result.operations.append(outcome)
            _drive(operation, url, headers, functions, result, outcome, session,
                   known.get(str(op_id), []))
    finally:
        session.close()


def _drive(operation: Any, url: str, headers: dict[str, str], functions: list[Any],
           result: FuzzResult, outcome: FuzzOperation, session: Any,
           known: list[dict[str, str]]) -> None:
    import requests
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as seed_decorator
    from hypothesis import strategies as st
    from schemathesis.core.failures import FailureGroup

    seen: set[tuple[str, str]] = set()

    def one(case: Any) -> None:
        outcome.examples += 1
        try:
            response = case.call(base_url=url, session=session, headers=headers or None,
                                 timeout=30)
        except requests.RequestException as exc:
            raise _Unreachable(str(exc)) from None
        outcome.statuses[response.status_code] = outcome.statuses.get(response.status_code,
                                                                      0) + 1
        try:
            case.validate_response(response, checks=functions, headers=headers or None)
        except FailureGroup as group:
            for failure in group.exceptions:
                check = _check_of(failure)
                key = (check, failure.title)
                if key in seen:
                    continue
                seen.add(key)
                outcome.failures.append(FuzzFailure(
                    check, outcome.label, str(failure.title), str(failure.message or ""),
                    case.as_curl_command(headers=headers or None, base_url=url)))

    strategy = operation.as_strategy()
    if known:
        strategy = st.one_of(*(operation.as_strategy(path_parameters=params)
                               for params in known), strategy)
    test = given(strategy)(one)  # type: ignore[no-untyped-call]
    test = settings(max_examples=result.max_examples, database=None, deadline=None,
                    derandomize=False, phases=[Phase.explicit, Phase.generate],
                    suppress_health_check=list(HealthCheck), report_multiple_bugs=False)(test)
    if result.seed is not None:
        test = seed_decorator(result.seed)(test)
    try:
        test()
    except _Unreachable as exc:
        diag = Diagnostic(codes.FUZZ_UNREACHABLE, f"{url} could not be reached: {exc}", url,
                          hint=codes.FUZZ_UNREACHABLE.hint)
        raise LoadError(diag.format(), diagnostics=[diag]) from None


class _Unreachable(Exception):
    """The provider did not answer (connection refused, timeout)."""


def _check_of(failure: Any) -> str:
    names = getattr(failure, "checks", None) or ()
    if isinstance(names, tuple) and names:
        return str(names[0])
    return type(failure).__name__
