"""Apache Beam: a mapping as a ``PTransform``, for pipelines beyond one machine.

``pcoll | ApplyMapping("salesforce.opportunity_to_project", workspace=".")`` does to each
element what ``accord run`` does to each line — input validation (``validate_input=True``),
``applies`` / ``transform`` / ``key`` and target-schema validation (``validate=False`` to skip)
— through the very loop of ``accord run`` (:func:`accord.runtime.stream.run_stream`), so a
record gives the same output or the same dead letter here as there. The result has two
outputs: ``result.records`` (each output record as a dict, or ``{"key", "record"}`` with
``with_key=True``) and ``result.dead_letters`` (dicts of ``accord run``'s dead-letter shape:
``line_number``, ``class``, ``message``, ``path``, ``pointer``, ``rule``, ``target``, ``input``
or ``raw``, ``violations``). An element is a record (a dict), a JSON line (``str`` or
``bytes``), or ``(line_number, record or line)`` — the number goes into its dead letter (null
otherwise). Beam counters ``accord:written``, ``accord:skipped`` and ``accord:dead_<class>``
count the outcomes.

The mapping is resolved and verified where the pipeline is built (a stale or tampered module
is refused there, as ``accord run`` refuses it), and the transform carries the verified module
text and the target schema: workers need ``accord`` installed (``pip install accord``, through
``--setup_file`` or ``--requirements_file``), not the workspace. Each worker compiles the
module and the validators once, in ``DoFn.setup``; nothing unpicklable is held before.

Apache Beam is an optional extra: ``pip install 'accord[beam]'``.
"""

from __future__ import annotations

import hashlib
import io
import linecache
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

try:
    import apache_beam as beam
    from apache_beam.metrics.metric import Metrics
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise ImportError("accord.beam needs Apache Beam: pip install 'accord[beam]' "
                      "(apache-beam==2.77.0)") from exc

from accord.errors import AccordError, LoadError, UsageError
from accord.project import Workspace, load_workspace
from accord.run import resolve_transformer, source_schema, target_schema
from accord.runtime.deadletter import DeadLetter, ErrorClass
from accord.runtime.jsonl import dumps_line, loads_line
from accord.runtime.stream import run_stream
from accord.runtime.validate import Validator, compile_validator

__all__ = ["DEAD_LETTERS", "RECORDS", "ApplyMapping", "MappingPlan", "plan_mapping"]

#: the tag of the main output (the records) and of the dead letters
RECORDS = "records"
DEAD_LETTERS = "dead_letters"


@dataclass(frozen=True)
class MappingPlan:
    """Everything a worker needs to run a mapping, as plain data (it pickles anywhere): the
    verified module text, the schemas and the options."""

    name: str
    module_text: str
    module_file: str
    target: dict[str, Any] | None  # the target schema; None: outputs are not validated
    target_label: str
    source: dict[str, Any] | None  # the source schema with validate_input, else None
    source_label: str | None
    with_key: bool


def _module_text(module: Any) -> tuple[str, str]:
    filename = getattr(module, "__file__", None)
    if not isinstance(filename, str):
        raise UsageError("accord.beam needs a transformer with a source file: a spec name, a "
                         "spec path or a module path")
    lines = linecache.getlines(filename)  # the verified text a generated module ran from
    if not lines:
        raise LoadError(f"{filename}: cannot read the transformer's source")
    return "".join(lines), filename


def plan_mapping(mapping: str | Path | ModuleType | Any, *,
                 workspace: Workspace | str | Path = ".", validate: bool = True,
                 with_key: bool = False, validate_input: bool = False) -> MappingPlan:
    """Resolve and verify ``mapping`` (what ``accord run`` takes) and its schemas, here."""
    ws = workspace if isinstance(workspace, Workspace) else load_workspace(workspace)
    transformer = resolve_transformer(mapping, ws.root, lambda _folder: ws.resolver)
    text, filename = _module_text(transformer)
    schema, label = None, repr(transformer.TARGET)
    if validate:
        try:
            schema, label = target_schema(ws, transformer.TARGET)
        except AccordError as exc:
            spec = getattr(transformer, "SPEC", None) or filename
            raise LoadError(f"{spec}: target {transformer.TARGET!r}: {exc.message}",
                            diagnostics=exc.diagnostics) from None
    source, source_label = (source_schema(ws, transformer) if validate_input
                            else (None, None))
    name = str(getattr(transformer, "NAME", "") or Path(filename).stem)
    return MappingPlan(name, text, filename, schema, label, source, source_label, with_key)


def _exec_module(plan: MappingPlan) -> ModuleType:
    """The plan's module, compiled from its verified text (never read again from a file)."""
    digest = hashlib.sha256(plan.module_text.encode("utf-8", "surrogatepass")).hexdigest()
    name = f"accord_beam_{Path(plan.module_file).stem}_{digest[:12]}"
    known = sys.modules.get(name)
    if isinstance(known, ModuleType):
        return known
    module = ModuleType(name)
    module.__file__ = plan.module_file
    linecache.cache[plan.module_file] = (len(plan.module_text), None,
                                         plan.module_text.splitlines(keepends=True),
                                         plan.module_file)
    sys.modules[name] = module
    exec(compile(plan.module_text, plan.module_file, "exec"), module.__dict__)
    return module


class _ApplyFn(beam.DoFn):
    """One element through ``accord run``'s loop; outputs and tagged dead letters."""

    def __init__(self, plan: MappingPlan) -> None:
        super().__init__()
        self.plan = plan
        self._transformer: Any = None
        self._validator: Validator | None = None
        self._input_validator: Validator | None = None

    def setup(self) -> None:
        plan = self.plan
        self._transformer = _exec_module(plan)
        self._validator = compile_validator(plan.target) if plan.target is not None else None
        self._input_validator = (compile_validator(plan.source) if plan.source is not None
                                 else None)
        self._written = Metrics.counter("accord", "written")
        self._skipped = Metrics.counter("accord", "skipped")

    def process(self, element: Any) -> Iterator[Any]:
        number, line = _numbered_line(element)
        if isinstance(line, DeadLetter):
            yield from self._dead(line.to_dict(), number)
            return
        out, dead = io.BytesIO(), io.BytesIO()
        stats = run_stream(self._transformer, (line,), out, dead, validator=self._validator,
                           schema_rule=self.plan.target_label, with_key=self.plan.with_key,
                           input_validator=self._input_validator,
                           input_rule=self.plan.source_label)
        self._skipped.inc(stats.skipped)
        for written in out.getvalue().splitlines():
            self._written.inc()
            yield loads_line(written)
        for letter in dead.getvalue().splitlines():
            yield from self._dead(loads_line(letter), number)

    def _dead(self, letter: dict[str, Any], number: int | None) -> Iterator[Any]:
        letter["line_number"] = number
        Metrics.counter("accord", f"dead_{letter['class']}").inc()
        yield beam.pvalue.TaggedOutput(DEAD_LETTERS, letter)


def _numbered_line(element: Any) -> tuple[int | None, bytes | DeadLetter]:
    """``(line number or None, the element as one JSON line)``; a value JSON cannot hold is
    a ``data_quality`` dead letter (as a line that is not JSON is)."""
    number = None
    if isinstance(element, tuple) and len(element) == 2 and isinstance(element[0], int):
        number, element = element
    if isinstance(element, bytes):
        return number, element
    if isinstance(element, str):
        return number, element.encode("utf-8", "surrogatepass")
    try:
        return number, dumps_line(element)
    except (TypeError, ValueError) as exc:
        return number, DeadLetter(number or 0, ErrorClass.DATA_QUALITY,
                                  f"not valid JSON: {exc}", raw=repr(element))


class ApplyMapping(beam.PTransform[Any, Any]):
    """A mapping as a ``PTransform``: ``records`` and ``dead_letters`` outputs (module
    docstring). ``mapping`` is what ``accord run`` takes (a spec name, a spec path, a module
    path, or a loaded transformer module), resolved in ``workspace`` now."""

    def __init__(self, mapping: str | Path | ModuleType | Any, *,
                 workspace: Workspace | str | Path = ".", validate: bool = True,
                 with_key: bool = False, validate_input: bool = False,
                 label: str | None = None) -> None:
        self.plan = plan_mapping(mapping, workspace=workspace, validate=validate,
                                 with_key=with_key, validate_input=validate_input)
        super().__init__(label or f"accord {self.plan.name}")

    def expand(self, pcoll: Any) -> Any:
        return pcoll | "Apply" >> beam.ParDo(_ApplyFn(self.plan)).with_outputs(
            DEAD_LETTERS, main=RECORDS)
