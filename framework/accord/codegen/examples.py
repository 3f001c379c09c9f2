"""Golden examples: every spec's ``examples:`` pairs run through its generated transformer.

The transformer is rendered in memory from the spec (what ``accord generate`` would write) and
imported with its source registered in ``linecache``, so a traceback shows generated lines. A
mismatch is a finding that carries a readable diff and the line of the rule that wrote the
first differing property. Given a schema resolver, every golden output is also validated
against the spec's target schema: an expected output the target rejects is a finding located
in the example file (line and column of the offending JSON node, its JSON path and pointer).
"""

from __future__ import annotations

import difflib
import json
import linecache
import os
import types
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from accord import codes, fsio
from accord.check.endpoints import EndpointError, SchemaResolver
from accord.codegen.generator import output_path, render_spec
from accord.diagnostics import Diagnostic, JUnitCase, junit_cases
from accord.errors import AccordError, LoadError, TransformError
from accord.jsondoc import Location, TooDeep, json_equal, json_path, loads_bounded
from accord.mapping.loader import MappingSet
from accord.mapping.model import EachRule, Example, MappingSpec, Rule
from accord.runtime.validate import Validator, compile_validator
from accord.workspace.yamlio import MAX_DEPTH, Position, load_yaml

__all__ = ["ExampleResult", "import_source", "load_example_json", "run_examples"]



@dataclass
class ExampleResult:
    spec: str
    example: str
    passed: bool
    diagnostic: Diagnostic | None = None
    diff: str = ""
    #: where the golden output breaks the target schema (one finding per violation)
    violations: tuple[Diagnostic, ...] = ()
    #: for an output that differs (ACC440): the expected file and what the transformer gave
    output: Path | None = None
    actual: Any = None
    expected: Any = None


def import_source(text: str, filename: str, name: str) -> types.ModuleType:
    """Execute generated source as a module, registered in linecache for tracebacks."""
    module = types.ModuleType(name)
    module.__file__ = filename
    linecache.cache[filename] = (len(text), None, text.splitlines(True), filename)
    exec(compile(text, filename, "exec"), module.__dict__)  # our own generated code
    return module


def _differences(expected: Any, actual: Any, path: Location = ()) -> list[Location]:
    if isinstance(expected, dict) and isinstance(actual, dict):
        out: list[Location] = []
        for key in sorted(set(expected) | set(actual)):
            out.extend(_differences(expected.get(key, _ABSENT), actual.get(key, _ABSENT),
                                    (*path, key)))
        return out
    if isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        out = []
        for i, (e, a) in enumerate(zip(expected, actual, strict=True)):
            out.extend(_differences(e, a, (*path, i)))
        return out
    return [] if json_equal(expected, actual) else [path]


_ABSENT = object()


def _rule_for(rules: tuple[Rule, ...], path: Location) -> Rule | None:
    """The rule that writes ``path`` (``("a", "b", 0, "c")``), the closest one."""
    best: Rule | None = None
    for rule in rules:
        n = len(rule.target)
        if path[:n] == rule.target:
            best = rule
            if isinstance(rule, EachRule):  # the item's index, then the item's own target
                inner = _rule_for(rule.rules, path[n + 1:]) if len(path) > n and \
                    isinstance(path[n], int) else None
                return inner or rule
    return best


def load_example_json(path: Path, root: Path) -> Any:
    """An example file's JSON, read through fsio: confined to the workspace, never a FIFO,
    device or oversized file."""
    return loads_bounded(fsio.read_text(path, root=root, display=_display(root, path)),
                         MAX_DEPTH)  # deeper: a ValueError saying where, not a RecursionError


def _run_one(spec: MappingSpec, module: types.ModuleType, example: Example,
             root: Path) -> ExampleResult:
    where = spec.document.diagnostic
    current = example.input
    try:
        record = load_example_json(current, root)
        current = example.output
        expected = load_example_json(current, root)
    except LoadError as exc:
        problem = exc.diagnostics[0].message if exc.diagnostics else str(exc)
        diag = where(codes.EXAMPLE_UNREADABLE, f"example {example.name}: cannot read "
                     f"{_display(root, current)}: {problem}", example.pointer,
                     hint="example files are regular JSON files inside the workspace")
        return ExampleResult(spec.display, example.name, False, diag)
    except (OSError, ValueError) as exc:
        diag = where(codes.EXAMPLE_UNREADABLE,
                     f"example {example.name}: {_json_problem(_display(root, current), exc)}",
                     example.pointer, hint="example files hold one JSON document each",
                     extra={"example_file": _display(root, current)})
        return ExampleResult(spec.display, example.name, False, diag)
    try:
        if not module.applies(record):
            actual: Any = None
        else:
            actual = module.transform(record)
            module.key(record)
    except TransformError as exc:
        diag = where(codes.EXAMPLE_RAISED,
                     f"example {example.name}: {exc.error_class} at {json_path(exc.path)}: "
                     f"{exc.message}" + (f" (rule {exc.rule})" if exc.rule else ""),
                     example.pointer, hint="fix the rule or the example input")
        return ExampleResult(spec.display, example.name, False, diag)
    except AccordError as exc:
        diag = where(codes.EXAMPLE_RAISED, f"example {example.name}: {exc}", example.pointer,
                     hint="fix the expression or the example input")
        return ExampleResult(spec.display, example.name, False, diag)
    if json_equal(actual, expected):  # 111354 equals 111354.0; true never equals 1
        return ExampleResult(spec.display, example.name, True)
    paths = _differences(expected, actual)
    first = paths[0] if paths else ()
    shown = [json_path(p) for p in paths]
    rule = _rule_for(spec.rules, first) if actual is not None else None
    exp_text = json.dumps(expected, indent=2, sort_keys=True, ensure_ascii=False).splitlines()
    act_text = json.dumps(actual, indent=2, sort_keys=True, ensure_ascii=False).splitlines()
    diff = "\n".join(difflib.unified_diff(exp_text, act_text, f"expected {example.output.name}",
                                          "actual", lineterm="", n=2))
    if actual is None:
        message = f"example {example.name}: the spec's `when` skipped the record"
    else:
        message = (f"example {example.name}: output differs at {', '.join(shown[:5])}"
                   + (", ..." if len(paths) > 5 else ""))
    line, col, pointer = (rule.line, rule.col, rule.pointer) if rule else (
        example.line, 1, example.pointer)
    hint = (f"the rule on line {rule.line} ({rule.dotted}) wrote it; fix the rule, or the "
            f"expected output {example.output.name}" if rule else
            f"fix the spec or the expected output {example.output.name}")
    diag = Diagnostic(codes.EXAMPLE_MISMATCH, message, spec.display, line, col, pointer, hint,
                      extra={"diff": diff, "paths": shown})
    return ExampleResult(spec.display, example.name, False, diag, diff, output=example.output,
                         actual=actual, expected=expected)


def _json_problem(display: str, exc: Exception) -> str:
    """What is wrong with the example file ``display``, at its line and column when known
    (``mappings/examples/a.json:2:1 is not valid JSON: Expecting ...``)."""
    if isinstance(exc, json.JSONDecodeError):
        return f"{display}:{exc.lineno}:{exc.colno} is not valid JSON: {exc.msg}"
    if isinstance(exc, TooDeep):
        return f"{display} is {exc}"  # nested more than N levels deep (line L, column C)
    return f"cannot read {display} as JSON: {exc}"


def _display(root: Path, path: Path) -> str:
    return Path(os.path.relpath(path, root)).as_posix()


def _target_validator(spec: MappingSpec, resolver: SchemaResolver
                      ) -> tuple[Validator | None, Diagnostic | None]:
    """A compiled validator of the spec's target; None when it does not resolve.

    An unresolvable target is the checker's finding (ACC402), not repeated here; a target
    that is not a valid JSON Schema is reported, since no golden output can be checked.
    """
    try:
        schema = resolver.resolve(spec.target, "target")
    except EndpointError:
        return None, None
    try:
        return compile_validator(schema), None
    except AccordError as exc:
        return None, spec.document.diagnostic(
            codes.EXAMPLE_INVALID, f"cannot validate golden outputs against the target "
            f"{spec.target.describe()}: {exc}", "/target",
            hint="fix the target schema (or the system's API description)")


def _schema_violations(root: Path, spec: MappingSpec, example: Example,
                       validator: Validator) -> tuple[Diagnostic, ...]:
    """Findings where the golden output of ``example`` breaks the target schema."""
    try:
        expected = load_example_json(example.output, root)
    except (AccordError, OSError, ValueError):
        return ()  # reported as unreadable by the run itself
    if expected is None:  # the spec's `when` skips the record: no output to validate
        return ()
    violations = validator.errors(expected)
    if not violations:
        return ()
    display = _display(root, example.output)
    try:
        located = load_yaml(example.output, display=display, root=root)  # JSON is YAML
    except AccordError:
        located = None
    out: list[Diagnostic] = []
    for violation in violations:
        pointer = violation.pointer
        pos = located.position(pointer) if located is not None else Position(1, 1)
        out.append(Diagnostic(
            codes.EXAMPLE_INVALID,
            f"example {example.name}: the golden output breaks the target "
            f"{spec.target.describe()} at {violation.path}: {violation.message}",
            display, pos.line, pos.col, pointer,
            hint=f"a golden output must be a valid target record: fix {example.output.name} "
                 f"(and, if the transformer wrote it, the rule in {spec.display})",
            extra={"spec": spec.display, "example": example.name, "path": violation.path}))
    return tuple(out)


def run_examples(root: Path, mappings: MappingSet, only: str | None = None, *,
                 resolver: SchemaResolver | None = None,
                 rendered: Mapping[str, str] | None = None
                 ) -> tuple[list[ExampleResult], list[Diagnostic]]:
    """Run the examples of every spec (or of the spec named ``only``). ``rendered`` holds
    modules the generator already rendered from these specs (by spec display path): reused,
    not rendered again.

    With ``resolver``, each golden output is also validated against the spec's target schema
    (ACC444, located in the example file); a violation fails the example.
    """
    results: list[ExampleResult] = []
    diags = list(mappings.diagnostics)
    if only and mappings.get(only) is None:
        raise mappings.unknown(only)
    for spec in sorted(mappings.specs, key=lambda s: s.display):
        if only and only not in (spec.name, spec.display, spec.stem):
            continue
        if not spec.examples:
            continue
        try:
            text = (rendered or {}).get(spec.display) or render_spec(spec, mappings.lookups,
                                                                     resolver)
        except AccordError as exc:
            diags.extend(exc.diagnostics or [spec.document.diagnostic(codes.EXAMPLE_RAISED,
                                                                      str(exc))])
            continue
        filename = str(root / output_path(spec))
        module = import_source(text, filename, f"accord_examples_{spec.stem}")
        validator: Validator | None = None
        if resolver is not None:
            validator, problem = _target_validator(spec, resolver)
            if problem is not None:
                diags.append(problem)
        for example in spec.examples:
            result = _run_one(spec, module, example, root)
            if validator is not None:
                result.violations = _schema_violations(root, spec, example, validator)
                result.passed = result.passed and not result.violations
            results.append(result)
    for r in results:
        if r.diagnostic is not None:
            diags.append(r.diagnostic)
        diags.extend(r.violations)
    return results, diags


def junit_example_cases(results: list[ExampleResult],
                        diagnostics: list[Diagnostic]) -> list[JUnitCase]:
    """One JUnit case per golden example (the diff in the failure body), then one per finding
    that belongs to no example (an unreadable spec, a missing module)."""
    cases = []
    attached: set[int] = set()
    for r in results:
        failure = body = None
        if not r.passed:
            found = [r.diagnostic, *r.violations] if r.diagnostic else list(r.violations)
            attached.update(id(d) for d in found if d is not None)
            failure = found[0].message if found and found[0] else "example failed"
            body = "\n".join(d.format() for d in found if d is not None)
            if r.diff:
                body += "\n\n" + r.diff
        cases.append(JUnitCase(name=r.example, classname=r.spec, failure=failure,
                               failure_type="example", body=body or ""))
    rest = [d for d in diagnostics if id(d) not in attached]
    return cases + junit_cases(rest, suite="accord test examples")
