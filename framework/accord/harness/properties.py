"""Property tests through the transformers: records generated from a mapping's source schema,
run through its transformer the way ``accord run`` runs them.

For each mapping, Hypothesis draws source records from the source schema (the system schema
with the spec's ``extra_fields``, or the bundled canonical contract) through Schemathesis's
JSON Schema 2020-12 generator: the schema is wrapped as the request body of a throw-away
OpenAPI 3.1 operation, its local ``$ref``s re-rooted under ``components/schemas``. Every record
goes through :func:`accord.runtime.stream.run_stream` with the target's validator and
``with_key`` (the path of ``accord run --with-key``), and must end one of three ways:

- written: a JSON output the target schema accepts, under a string key;
- skipped: the spec's ``when`` is false;
- dead-lettered with a class the runtime knows (``data_quality``, ``business_rule``,
  ``mapping_error``), raised by the mapping itself (a ``TransformError`` naming its rule) or by
  the runtime's target validation.

A property fails (ACC770-ACC774) when the transformer raises anything but a
``TransformError`` (an unhandled exception the runtime only catches as a last resort), writes
an output the target rejects, returns a value JSON cannot hold, or answers twice differently
for one record. With ``strict``, an output the runtime had to dead-letter because it breaks
the target schema fails too (ACC773): the mapping turned a record its source allows into one
its target refuses, without rejecting it itself.

Hypothesis then shrinks the failing record; the finding carries the shrunk record and the rule
(``mappings/<flow>/<spec>.yaml:<line>``) involved. Runs are deterministic for a seed and bounded
by ``max_examples``; nothing is written to the workspace (no example database; Hypothesis's
caches go to accord's cache folder).
"""

from __future__ import annotations

import io
import json
import re
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from accord import codes
from accord.diagnostics import Diagnostic, JUnitCase
from accord.errors import AccordError, TransformError, UsageError
from accord.jsondoc import Location, json_path
from accord.runtime.deadletter import rule_for_output
from accord.runtime.jsonl import dumps_line
from accord.runtime.stream import run_stream
from accord.runtime.validate import Validator, compile_validator

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

    from accord.mapping.model import MappingSpec
    from accord.project import Workspace

__all__ = [
    "DEFAULT_MAX_EXAMPLES",
    "PropertyFailure",
    "PropertyResult",
    "check_mapping",
    "check_properties",
    "check_transformer",
    "junit_property_cases",
    "record_strategy",
]

#: examples per mapping when none is given: ~1-10 s a mapping on 2 cores (docs/contract-testing.md)
DEFAULT_MAX_EXAMPLES = 50
#: the largest integer every JSON consumer reads exactly (the runtime refuses larger ones)
_SAFE_INTEGER = 2**53 - 1

_SCHEMA_MAPS = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
_SCHEMA_ONE = ("items", "additionalProperties", "unevaluatedProperties", "unevaluatedItems",
               "contains", "propertyNames", "not", "if", "then", "else",
               "additionalItems")
#: annotations an API description attaches that would change what a request generator draws
#: (OpenAPI leaves readOnly properties out of request bodies); a record read from a system has
#: them, and they constrain nothing here
_DROPPED = frozenset({"$id", "$schema", "$comment", "readOnly", "writeOnly", "examples",
                      "example", "discriminator", "xml", "externalDocs"})
_ROOT = "#/components/schemas/Root"


# -- generation ----------------------------------------------------------------------------

def _prepared(node: Any, *, everything: bool) -> Any:
    """A copy of schema ``node`` ready for the generator: local refs re-rooted under
    ``components/schemas/Root``, annotations that steer a request generator dropped, numbers
    bounded to what JSON carries exactly; with ``everything``, every declared property
    required (records that reach the deep rules of a mapping)."""
    if isinstance(node, bool) or not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in _DROPPED or key.startswith("x-"):
            continue
        if key == "$ref" and isinstance(value, str) and value.startswith("#"):
            out[key] = _ROOT + value[1:]
        elif key in _SCHEMA_MAPS and isinstance(value, dict):
            out[key] = {name: _prepared(sub, everything=everything)
                        for name, sub in value.items()}
        elif key in _SCHEMA_LISTS and isinstance(value, list):
            out[key] = [_prepared(sub, everything=everything) for sub in value]
        elif key in _SCHEMA_ONE:
            out[key] = _prepared(value, everything=everything)
        else:
            out[key] = value
    kinds = node.get("type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    if "integer" in kinds or "number" in kinds:
        if "minimum" not in out and "exclusiveMinimum" not in out:
            out["minimum"] = -_SAFE_INTEGER
        if "maximum" not in out and "exclusiveMaximum" not in out:
            out["maximum"] = _SAFE_INTEGER
    properties = out.get("properties")
    if everything and isinstance(properties, dict):
        wanted = [name for name, sub in properties.items() if sub is not False]
        out["required"] = sorted(set(out.get("required") or []) | set(wanted))
    return out


def _clamped(value: Any) -> Any:
    """``value`` with integers JSON cannot carry exactly brought into range (the generator
    draws them where a schema says nothing about a value)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return max(-_SAFE_INTEGER, min(_SAFE_INTEGER, value))
    if isinstance(value, dict):
        return {k: _clamped(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clamped(v) for v in value]
    return value


def _body_strategy(schema: dict[str, Any] | bool) -> SearchStrategy[Any]:
    import schemathesis
    from schemathesis import GenerationMode

    document = {
        "openapi": "3.1.0",
        "info": {"title": "accord property test", "version": "1"},
        "paths": {"/record": {"post": {
            "requestBody": {"required": True, "content": {"application/json": {
                "schema": {"$ref": _ROOT}}}},
            "responses": {"200": {"description": "ok"}}}}},
        "components": {"schemas": {"Root": schema}},
    }
    operation = schemathesis.openapi.from_dict(document)["/record"]["POST"]
    return operation.as_strategy(generation_mode=GenerationMode.POSITIVE).map(
        lambda case: case.body)


def _blend(draw: Callable[[Any], Any], base: Any, other: Any) -> Any:
    """``base`` (a golden input) with parts of ``other`` (a generated record) blended in; every
    choice shrinks towards keeping ``base``, so a shrunk record reads as a golden input with
    the fewest changes that still fail."""
    from hypothesis import strategies as st

    if isinstance(base, dict) and isinstance(other, dict):
        out: dict[str, Any] = {}
        for key in [*base, *(k for k in other if k not in base)]:
            if key in base and key in other:
                choice = draw(st.integers(0, 2))  # keep, take the generated value, blend
                out[key] = (base[key] if choice == 0 else other[key] if choice == 1
                            else _blend(draw, base[key], other[key]))
            elif key in base:
                if not draw(st.booleans()):  # True drops it
                    out[key] = base[key]
            elif draw(st.booleans()):  # True adds the generated property
                out[key] = other[key]
        return out
    if isinstance(base, list) and isinstance(other, list) and base and other:
        return [_blend(draw, item, other[index % len(other)]) if draw(st.booleans()) else item
                for index, item in enumerate(base)]
    return other if draw(st.booleans()) else base


def record_strategy(schema: dict[str, Any], *, source: Validator | None = None,
                    seeds: Sequence[Any] = ()) -> SearchStrategy[Any]:
    """Records valid against the JSON Schema 2020-12 ``schema``: some as drawn, some with every
    declared property present (so the rules deep in a mapping see values, not only absences),
    and, given ``seeds`` (the golden inputs), some that are a golden input with generated
    values blended in (records that pass the spec's ``when`` and its lookups, then vary).
    Raises UsageError when the schema cannot be generated from."""
    from hypothesis import strategies as st

    validator = source or compile_validator(schema)
    try:
        drawn = _body_strategy(_prepared(schema, everything=False))
        full = _body_strategy(_prepared(schema, everything=True))
    except Exception as exc:  # Schemathesis refuses the schema: the caller reports it
        raise UsageError(f"cannot generate records from the source schema: "
                         f"{type(exc).__name__}: {exc}") from None
    choices = [drawn, full]
    goldens = [seed for seed in seeds if validator.is_valid(seed)]
    if goldens:
        @st.composite
        def blended(draw: Callable[[Any], Any]) -> Any:
            return _blend(draw, draw(st.sampled_from(goldens)), draw(drawn))

        choices.append(blended())
    return st.one_of(choices).map(_clamped).filter(validator.is_valid)


# -- one record through the runtime ---------------------------------------------------------

@dataclass(frozen=True)
class PropertyFailure:
    """A record the transformer mishandled: what broke, the (shrunk) record, and the rule."""

    code: str
    message: str
    input: Any
    rule: str | None = None  # "mappings/x.yaml:14", or a module's file:line
    path: str | None = None  # where in the record (source) or output (target)
    detail: str = ""  # a traceback tail, the violations

    def to_dict(self) -> dict[str, Any]:
        return {"code": str(self.code), "message": self.message, "rule": self.rule,
                "path": self.path, "input": self.input, "detail": self.detail}


class _Violation(Exception):
    def __init__(self, failure: PropertyFailure) -> None:
        super().__init__(failure.message)
        self.failure = failure


class _Watched:
    """The transformer as ``run_stream`` sees it, noting what each call raised or returned."""

    def __init__(self, module: Any) -> None:
        self._module = module
        self.RULES = getattr(module, "RULES", None)
        self.reset()

    def reset(self) -> None:
        self.raised: BaseException | None = None
        self.stage = ""
        self.output: Any = None
        self.returned = False

    def _call(self, stage: str, function: Callable[[Any], Any], record: Any) -> Any:
        self.stage = stage
        try:
            return function(record)
        except Exception as exc:
            self.raised = exc
            raise

    def applies(self, record: Any) -> bool:
        return bool(self._call("applies()", self._module.applies, record))

    def transform(self, record: Any) -> Any:
        self.output = self._call("transform()", self._module.transform, record)
        self.returned = True
        return self.output

    def key(self, record: Any) -> Any:
        return self._call("key()", self._module.key, record)


_RULE_COMMENT = re.compile(r"^\s*# (\S+\.ya?ml:\d+)\b")


def _rule_of_frame(module: Any, error: BaseException) -> tuple[str | None, str]:
    """The rule whose code raised ``error``: the innermost frame in the transformer's module,
    named by the ``# <spec>:<line>`` comment above it in a generated module, else by the
    module's file and line. Also the traceback's last lines, for the finding."""
    filename = getattr(module, "__file__", None)
    frames = traceback.extract_tb(error.__traceback__)
    tail = "".join(traceback.format_exception_only(type(error), error)).strip()
    shown = "".join(traceback.format_list(frames[-3:])) + tail
    ours = [f for f in frames if filename and f.filename == filename]
    if not ours:
        return None, shown
    frame = ours[-1]
    import linecache

    lines = linecache.getlines(frame.filename)
    for number in range((frame.lineno or 1) - 1, -1, -1):
        if number < len(lines):
            found = _RULE_COMMENT.match(lines[number])
            if found:
                return found.group(1), shown
    return f"{filename}:{frame.lineno}", shown


def _not_json(value: Any, location: Location = ()) -> Location | None:
    """The location of the first value in ``value`` that JSON cannot hold, else None."""
    if value is None or isinstance(value, (str, bool, int)):
        return None
    if isinstance(value, float):
        return None if value == value and value not in (float("inf"), float("-inf")) \
            else location
    if isinstance(value, dict):
        for key, sub in value.items():
            if not isinstance(key, str):
                return (*location, str(key))
            found = _not_json(sub, (*location, key))
            if found is not None:
                return found
        return None
    if isinstance(value, list):
        for index, sub in enumerate(value):
            found = _not_json(sub, (*location, index))
            if found is not None:
                return found
        return None
    return location


@dataclass
class _Probe:
    """Runs one record through ``run_stream`` and judges the outcome."""

    module: Any
    validator: Validator
    target_label: str
    strict: bool
    outcomes: Counter[str] = field(default_factory=Counter)
    counting: bool = True

    def __post_init__(self) -> None:
        self.watched = _Watched(self.module)
        self.checker = compile_validator(self.validator.schema)  # not the runtime's own

    def run(self, record: Any) -> tuple[bytes, bytes]:
        self.watched.reset()
        out, dead = io.BytesIO(), io.BytesIO()
        run_stream(self.watched, [dumps_line(record)], out, dead, validator=self.validator,
                   schema_rule=self.target_label, with_key=True)
        return out.getvalue(), dead.getvalue()

    def __call__(self, record: Any) -> None:
        written, dead = self.run(record)
        watched = self.watched
        rules = watched.RULES
        if watched.raised is not None and not isinstance(watched.raised, TransformError):
            rule, shown = _rule_of_frame(self.module, watched.raised)
            self._fail(codes.PROPERTY_UNHANDLED,
                       f"{watched.stage} raised {type(watched.raised).__name__}: "
                       f"{watched.raised} on a record the source schema allows",
                       record, rule, None, shown)
        if watched.returned and not written:
            bad = _not_json(watched.output)
            if bad is not None:
                wrote = rule_for_output(rules, bad) if rules else None
                self._fail(codes.PROPERTY_NOT_JSON,
                           f"transform() returned a value JSON cannot hold at {json_path(bad)}",
                           record, wrote[0] if wrote else None, json_path(bad))
        if written:
            envelope = json.loads(written)
            body = envelope.get("record") if isinstance(envelope, dict) else None
            key = envelope.get("key") if isinstance(envelope, dict) else None
            if not isinstance(key, str):
                self._fail(codes.PROPERTY_UNDELIVERED,
                           f"key() returned {type(key).__name__}, not a string", record, None,
                           "$")
            violations = self.checker.errors(body)
            if violations:
                first = violations[0]
                wrote = rule_for_output(rules, first.location) if rules else None
                self._fail(codes.PROPERTY_UNDELIVERED,
                           f"an output the target {self.target_label} rejects was written, "
                           f"not dead-lettered: {first.path}: {first.message}",
                           record, wrote[0] if wrote else None, first.path)
            outcome = "written"
        elif dead:
            letter = json.loads(dead)
            schema_letter = watched.returned and watched.raised is None
            if self.strict and schema_letter:
                found = letter.get("violations") or [{"message": letter["message"]}]
                self._fail(codes.PROPERTY_BREAKS_TARGET,
                           f"the output breaks the target {self.target_label} at "
                           f"{letter.get('target') or letter.get('path')}: {found[0]['message']}",
                           record, letter.get("rule"), letter.get("target"),
                           json.dumps(letter.get("violations", []), ensure_ascii=False))
            outcome = f"dead:{letter['class']}"
            if schema_letter and self.counting:
                self.outcomes["breaks_target"] += 1
        else:
            outcome = "skipped"
        again_written, again_dead = self.run(record)
        if (again_written, again_dead) != (written, dead):
            self._fail(codes.PROPERTY_UNSTABLE,
                       "the same record gave two different results", record, None, "$",
                       f"first: {(written or dead).decode()[:500]}\n"
                       f"second: {(again_written or again_dead).decode()[:500]}")
        if self.counting:
            self.outcomes[outcome] += 1

    def _fail(self, code: str, message: str, record: Any, rule: str | None,
              path: str | None, detail: str = "") -> None:
        self.counting = False
        raise _Violation(PropertyFailure(code, message, record, rule, path, detail))


# -- results -------------------------------------------------------------------------------

@dataclass
class PropertyResult:
    """The property test of one mapping."""

    mapping: str  # the spec's display path (or the module's name)
    name: str
    source: str
    target: str
    examples: int
    seed: int
    outcomes: dict[str, int]
    seconds: float
    failure: PropertyFailure | None = None
    diagnostic: Diagnostic | None = None  # the failure (or why it could not run) as a finding
    strict: bool = False

    @property
    def passed(self) -> bool:
        return self.failure is None and self.diagnostic is None

    def summary(self) -> str:
        """``50 records: 16 written, 15 skipped, 19 dead-lettered (data_quality 19; 4 broke
        the target)``; a failed run counts the records that passed before the failure."""
        written = self.outcomes.get("written", 0)
        skipped = self.outcomes.get("skipped", 0)
        dead = {k.split(":", 1)[1]: v for k, v in sorted(self.outcomes.items())
                if k.startswith("dead:")}
        count = written + skipped + sum(dead.values())
        text = (f"{count} records" if self.failure is None
                else f"failed after {count} passing records") + \
            f": {written} written, {skipped} skipped, {sum(dead.values())} dead-lettered"
        if dead:
            broke = self.outcomes.get("breaks_target", 0)
            text += " (" + ", ".join(f"{k} {v}" for k, v in dead.items()) + (
                f"; {broke} broke the target: --strict shows one" if broke else "") + ")"
        return text

    def to_dict(self) -> dict[str, Any]:
        return {"mapping": self.mapping, "name": self.name, "source": self.source,
                "target": self.target, "passed": self.passed, "max_examples": self.examples,
                "seed": self.seed, "outcomes": dict(sorted(self.outcomes.items())),
                "seconds": round(self.seconds, 3),
                "failure": self.failure.to_dict() if self.failure else None}


def check_transformer(module: Any, source: dict[str, Any], target: dict[str, Any], *,
                      max_examples: int = DEFAULT_MAX_EXAMPLES, seed: int = 0,
                      strict: bool = False, source_label: str = "source",
                      target_label: str = "target", name: str | None = None,
                      seeds: Sequence[Any] = ()) -> PropertyResult:
    """The property test of one transformer module (``applies``, ``transform``, ``key``, and
    optionally ``RULES``) between the JSON Schemas ``source`` and ``target``; ``seeds``: valid
    source records (golden inputs) that generated records vary."""
    from hypothesis import HealthCheck, Phase, Verbosity, given, settings
    from hypothesis import seed as with_seed
    from hypothesis.errors import HypothesisException

    if max_examples < 1:
        raise UsageError(f"--max-examples must be 1 or more, got {max_examples}")
    label = name or str(getattr(module, "NAME", "") or getattr(module, "__name__", "mapping"))
    started = time.perf_counter()
    source_validator = compile_validator(source)
    probe = _Probe(module, compile_validator(target), target_label, strict)
    strategy = record_strategy(source, source=source_validator, seeds=seeds)

    @settings(max_examples=max_examples, database=None, deadline=None, derandomize=False,
              suppress_health_check=list(HealthCheck), report_multiple_bugs=False,
              phases=(Phase.generate, Phase.shrink), verbosity=Verbosity.quiet,
              print_blob=False)
    @with_seed(seed)
    @given(strategy)
    def holds(record: Any) -> None:
        probe(record)

    failure: PropertyFailure | None = None
    problem: str | None = None
    try:
        holds()
    except _Violation as violation:
        failure = violation.failure
    except HypothesisException as exc:  # Unsatisfiable: no valid record could be drawn
        problem = f"{type(exc).__name__}: {exc}"
    except AccordError:
        raise
    except Exception as exc:  # the generator failed on this schema (an unsupported keyword)
        problem = f"{type(exc).__name__}: {exc}"
    result = PropertyResult(label, label, source_label, target_label, max_examples, seed,
                            dict(probe.outcomes), time.perf_counter() - started, failure,
                            strict=strict)
    if problem is not None:
        result.diagnostic = Diagnostic(
            codes.PROPERTY_NO_RECORDS, f"{label}: no records could be generated from the "
            f"source {source_label}: {problem}",
            hint="the source schema admits no record, or uses what the generator does not "
                 "support; `accord check` the contract or system description")
    return result


def _spec_line(rule: str | None, spec: MappingSpec) -> int:
    if rule and rule.rpartition(":")[0] == spec.display:
        tail = rule.rpartition(":")[2]
        if tail.isdigit():
            return int(tail)
    return 1


_HINTS: dict[str, str] = {
    codes.PROPERTY_UNHANDLED: "a rule's code raised instead of failing the record: regenerate "
                              "the module, or fix the hand-written transformer",
    codes.PROPERTY_UNDELIVERED: "the runtime let through an output its target rejects",
    codes.PROPERTY_NOT_JSON: "make the rule return strings, numbers, booleans, null, arrays "
                             "and objects only",
    codes.PROPERTY_BREAKS_TARGET: "map the value into what the target accepts, or make the rule "
                                  "reject the record itself (`required`, a `when`, a lookup "
                                  "with on_miss: error)",
    codes.PROPERTY_UNSTABLE: "a transformer must be a pure function of its record",
}


def _finding(spec: MappingSpec, failure: PropertyFailure, seed: int) -> Diagnostic:
    shown = json.dumps(failure.input, ensure_ascii=False, sort_keys=True)
    return Diagnostic(
        failure.code, f"{spec.name}: {failure.message}"
        + (f" (rule {failure.rule})" if failure.rule else ""),
        spec.display, _spec_line(failure.rule, spec), 1, "",
        _HINTS.get(failure.code, "") + f"; the shrunk record: {shown[:2000]}"
        + f"; reproduce with --seed {seed}",
        extra={"input": failure.input, "rule": failure.rule, "path": failure.path,
               "detail": failure.detail, "seed": seed})


def check_mapping(workspace: Workspace, spec: MappingSpec, *,
                  max_examples: int = DEFAULT_MAX_EXAMPLES, seed: int = 0,
                  strict: bool = False) -> PropertyResult:
    """The property test of one spec of ``workspace``, through its module as ``accord
    generate`` renders it (what generated/ holds when it is fresh)."""
    from accord.codegen.examples import import_source
    from accord.codegen.generator import output_path

    rendered = {file.spec: file.text for file in workspace.rendered[0]}
    text = rendered.get(spec.display)
    if text is None:
        found = [d for d in workspace.rendered[1] if d.file == spec.display]
        return PropertyResult(spec.display, spec.name, spec.source.describe(),
                              spec.target.describe(), max_examples, seed, {}, 0.0,
                              diagnostic=found[0] if found else spec.document.diagnostic(
                                  codes.PROPERTY_NO_RECORDS,
                                  f"{spec.name}: the spec does not generate; `accord check`"))
    module = import_source(text, str(workspace.root / output_path(spec)),
                           f"accord_properties_{spec.stem}")
    try:
        source = workspace.resolver.resolve(spec.source, "source")
        target = workspace.resolver.resolve(spec.target, "target")
    except AccordError as exc:
        return PropertyResult(spec.display, spec.name, spec.source.describe(),
                              spec.target.describe(), max_examples, seed, {}, 0.0,
                              diagnostic=spec.document.diagnostic(
                                  codes.PROPERTY_NO_RECORDS,
                                  f"{spec.name}: {exc.message}", "/source"))
    try:
        result = check_transformer(module, source, target, max_examples=max_examples,
                                   seed=seed, strict=strict,
                                   source_label=spec.source.describe(),
                                   target_label=spec.target.describe(), name=spec.name,
                                   seeds=_golden_inputs(workspace, spec))
    except UsageError as exc:
        if "--max-examples" in exc.message:
            raise
        return PropertyResult(spec.display, spec.name, spec.source.describe(),
                              spec.target.describe(), max_examples, seed, {}, 0.0,
                              diagnostic=spec.document.diagnostic(
                                  codes.PROPERTY_NO_RECORDS, f"{spec.name}: {exc.message}",
                                  "/source"))
    result.mapping = spec.display
    if result.failure is not None:
        result.diagnostic = _finding(spec, result.failure, seed)
    elif result.diagnostic is not None:
        result.diagnostic = Diagnostic(result.diagnostic.code, result.diagnostic.message,
                                       spec.display, 1, 1, "/source", result.diagnostic.hint)
    return result


def _golden_inputs(workspace: Workspace, spec: MappingSpec) -> list[Any]:
    """The inputs of the spec's golden examples that can be read (the examples command
    reports the others)."""
    from accord.codegen.examples import load_example_json

    found = []
    for example in spec.examples:
        try:
            found.append(load_example_json(example.input, workspace.root))
        except (AccordError, OSError, ValueError):
            continue
    return found


def _selected(workspace: Workspace, names: Sequence[str]) -> list[MappingSpec]:
    mappings = workspace.mappings
    if not names:
        return sorted(mappings.specs, key=lambda s: s.display)
    chosen: list[MappingSpec] = []
    for name in names:
        spec = mappings.get(name) or _by_path(workspace, name)
        if spec is None:
            raise mappings.unknown(name)
        if spec not in chosen:
            chosen.append(spec)
    return chosen


def _by_path(workspace: Workspace, name: str) -> MappingSpec | None:
    try:
        wanted = Path(name).resolve()
    except OSError:
        return None
    for spec in workspace.mappings.specs:
        if spec.path.resolve() == wanted:
            return spec
    return None


def _hypothesis_home() -> None:
    """Hypothesis keeps caches (Unicode tables) in ``.hypothesis/`` of the working folder: put
    them in accord's cache folder instead, so a run leaves nothing in the workspace (unless
    HYPOTHESIS_STORAGE_DIRECTORY says where)."""
    import os

    if os.environ.get("HYPOTHESIS_STORAGE_DIRECTORY"):
        return
    from hypothesis.configuration import set_hypothesis_home_dir

    configured = os.environ.get("ACCORD_CACHE_DIR", "")
    if configured and configured.lower() not in ("off", "0", "none"):
        base = Path(configured)
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "accord"
    set_hypothesis_home_dir(str(base / "hypothesis"))


def check_properties(workspace: Workspace, names: Sequence[str] = (), *,
                     max_examples: int = DEFAULT_MAX_EXAMPLES, seed: int = 0,
                     strict: bool = False,
                     progress: Callable[[PropertyResult], None] | None = None
                     ) -> tuple[list[PropertyResult], list[Diagnostic]]:
    """The property tests of the mappings named (by name, file or stem; all when none), in
    file order. Findings: each failure (ACC770-ACC774, located at the rule involved), each
    mapping that could not be tested (ACC775), and the specs that do not load."""
    specs = _selected(workspace, names)
    _hypothesis_home()
    results: list[PropertyResult] = []
    diagnostics: list[Diagnostic] = list(workspace.mappings.diagnostics)
    for spec in specs:
        result = check_mapping(workspace, spec, max_examples=max_examples, seed=seed,
                               strict=strict)
        results.append(result)
        if result.diagnostic is not None:
            diagnostics.append(result.diagnostic)
        if progress is not None:
            progress(result)
    return results, diagnostics


def failure_text(result: PropertyResult) -> str:
    """A failure as people read it: what broke, the rule, the shrunk record."""
    failure = result.failure
    if failure is None:
        return result.diagnostic.format() if result.diagnostic else ""
    lines = [f"{failure.code} {result.name}: {failure.message}",
             f"  rule:  {failure.rule or '(none: the code of the module itself)'}"]
    if failure.path:
        lines.append(f"  path:  {failure.path}")
    lines.append("  shrunk input:")
    lines.extend("    " + line for line in json.dumps(
        failure.input, indent=2, ensure_ascii=False, sort_keys=True).splitlines())
    if failure.detail:
        lines.append("  detail:")
        lines.extend("    " + line for line in failure.detail.splitlines())
    lines.append(f"  reproduce: accord test properties {result.name} --seed {result.seed} "
                 f"--max-examples {result.examples}" + (" --strict" if result.strict else ""))
    return "\n".join(lines)


def junit_property_cases(results: Iterable[PropertyResult],
                         diagnostics: Sequence[Diagnostic]) -> list[JUnitCase]:
    """One JUnit case per mapping (the shrunk record in the failure body), then one per
    finding that belongs to no mapping's run."""
    from accord.diagnostics import junit_cases

    cases = []
    attached: set[int] = set()
    for r in results:
        if r.diagnostic is not None:
            attached.add(id(r.diagnostic))
        body = failure_text(r) if not r.passed else r.summary()
        cases.append(JUnitCase(name=f"properties {r.name}", classname=r.mapping,
                               failure=None if r.passed else (
                                   r.diagnostic.message if r.diagnostic else "failed"),
                               failure_type=str(r.diagnostic.code) if r.diagnostic else "",
                               body=body, seconds=r.seconds))
    rest = [d for d in diagnostics if id(d) not in attached]
    return cases + junit_cases(rest, suite="accord test properties")
