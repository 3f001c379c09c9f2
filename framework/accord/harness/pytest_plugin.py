"""accord's pytest plugin: ``pytest`` in a workspace runs its contract tests.

Installed with accord (entry point ``pytest11: accord``), it stays inert until a workspace asks
for it, so other projects' test runs (accord's own suite among them) are not changed: it
activates when the pytest configuration names the workspace (``accord_workspace = "."`` in
``[tool.pytest.ini_options]``, which ``accord init`` writes) or when ``--accord-workspace DIR``
is given. Then it collects, per mapping spec file (``mappings/<flow>/<spec>.yaml``):

- ``<spec>.yaml::examples::<example>``: each golden example (marker ``accord_examples``); a
  failure shows the finding at the rule's line and the diff;
- ``<spec>.yaml::properties::<mapping name>``: the property test (marker
  ``accord_properties``); a failure shows the shrunk record and the rule.

and per system (``contracts/systems/<system>/system.yaml``):

- ``system.yaml::pacts::<system>``: its pacts verified against the provider of
  ``--accord-env`` (default ``local``, the simulator), not recorded in the matrix (marker
  ``accord_pacts``; skipped when the system has no pacts);
- ``system.yaml::fuzz::<system>``: Schemathesis against that provider (marker
  ``accord_fuzz``; skipped when no mapping uses an operation of the system).

Collectors are per kind (:data:`MAPPING_KINDS`, :data:`SYSTEM_KINDS`): a kind is a name, a
marker and a function from a spec (or a system's name) to the items it contributes. Select
with ``-m`` (``-m accord_properties``, ``-m "not accord_fuzz"``). Options:
``--accord-max-examples N``,
``--accord-seed S``, ``--accord-strict``, ``--accord-env ENV`` (or the ini options
``accord_max_examples``, ``accord_seed``, ``accord_env``).

Everything heavy (the workspace, Hypothesis, Schemathesis) is imported only once the plugin is
active and a test runs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from accord.codegen.examples import ExampleResult
    from accord.harness.properties import PropertyResult
    from accord.mapping.model import MappingSpec
    from accord.project import Workspace

__all__ = ["MAPPING_KINDS", "MARKERS", "SYSTEM_KINDS", "Kind"]

#: marker -> what it selects
MARKERS: dict[str, str] = {
    "accord_examples": "accord: a mapping's golden examples through its transformer",
    "accord_properties": "accord: generated source records through a mapping's transformer",
    "accord_pacts": "accord: a system's pacts verified against its provider",
    "accord_fuzz": "accord: Schemathesis against a system's API",
}


@dataclass(frozen=True)
class Kind:
    """One kind of contract test: its name (the collector's), its marker, and the items it
    contributes for one mapping spec or one system."""

    name: str
    marker: str
    items: Callable[[pytest.Collector, Any], Iterable[pytest.Item]]


@dataclass
class _State:
    root: Path
    max_examples: int | None
    seed: int
    strict: bool
    environment: str = "local"
    _workspace: Workspace | None = None
    _examples: dict[str, dict[str, ExampleResult]] = field(default_factory=dict)

    @property
    def workspace(self) -> Workspace:
        if self._workspace is None:
            from accord.project import load_workspace

            self._workspace = load_workspace(self.root)
        return self._workspace

    def spec_at(self, path: Path) -> MappingSpec | None:
        wanted = path.resolve()
        for spec in self.workspace.mappings.specs:
            if spec.path.resolve() == wanted:
                return spec
        return None

    def system_at(self, path: Path) -> str | None:
        """The name of the system whose ``system.yaml`` is ``path``."""
        wanted = path.resolve()
        for name, system in self.workspace.systems.items():
            if system.path.resolve() == wanted:
                return name
        return None

    def examples(self, spec: MappingSpec) -> dict[str, ExampleResult]:
        """The spec's golden examples, run once for all its items."""
        if spec.display not in self._examples:
            results, _ = self.workspace.examples(spec.name)
            self._examples[spec.display] = {r.example: r for r in results}
        return self._examples[spec.display]


_STATE = pytest.StashKey[_State]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("accord", "accord contract tests")
    group.addoption("--accord-workspace", dest="accord_workspace", default=None, metavar="DIR",
                    help="Collect this accord workspace's contract tests (activates the "
                         "plugin; default: the ini option accord_workspace).")
    group.addoption("--accord-max-examples", dest="accord_max_examples", type=int,
                    default=None, metavar="N", help="Records per mapping's property test.")
    group.addoption("--accord-seed", dest="accord_seed", type=int, default=None, metavar="S",
                    help="Hypothesis seed of the property tests (default 0).")
    group.addoption("--accord-strict", dest="accord_strict", action="store_true",
                    help="Property tests fail on an output the target rejects (ACC773).")
    group.addoption("--accord-env", dest="accord_env", default=None, metavar="ENV",
                    help="The environment pacts are verified and systems fuzzed against "
                         "(default: local, the simulators).")
    parser.addini("accord_workspace", "the accord workspace whose contract tests pytest "
                  "collects, relative to the ini file (activates the accord plugin)",
                  default="")
    parser.addini("accord_max_examples", "records per mapping's property test", default="")
    parser.addini("accord_seed", "Hypothesis seed of the property tests", default="")
    parser.addini("accord_env", "the environment of pact verification and fuzzing",
                  default="")


def _workspace_root(config: pytest.Config) -> Path | None:
    given = config.getoption("accord_workspace")
    if given:
        return Path(given).resolve()
    ini = str(config.getini("accord_workspace") or "").strip()
    if not ini:
        return None
    base = config.inipath.parent if config.inipath is not None else config.rootpath
    return (base / ini).resolve()


def _number(config: pytest.Config, option: str) -> int | None:
    value = config.getoption(option)
    if value is not None:
        return int(value)
    text = str(config.getini(option) or "").strip()
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        raise pytest.UsageError(f"{option} = {text!r}: expected a whole number") from None


def pytest_configure(config: pytest.Config) -> None:
    root = _workspace_root(config)
    if root is None:
        return
    if not (root / "contracts").is_dir():
        from accord import codes

        raise pytest.UsageError(
            f"{codes.PYTEST_WORKSPACE}: accord_workspace points at {root}, which holds no "
            f"contracts/ folder: {codes.PYTEST_WORKSPACE.hint}")
    for marker, text in MARKERS.items():
        config.addinivalue_line("markers", f"{marker}: {text}")
    environment = config.getoption("accord_env") or str(config.getini("accord_env") or "")
    config.stash[_STATE] = _State(root, _number(config, "accord_max_examples"),
                                  _number(config, "accord_seed") or 0,
                                  bool(config.getoption("accord_strict")),
                                  environment.strip() or "local")


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    state = parent.config.stash.get(_STATE, None)
    if state is None or file_path.suffix not in (".yaml", ".yml"):
        return None
    try:
        relative = file_path.resolve().relative_to(state.root)
    except ValueError:
        return None
    if relative.parts[:1] == ("mappings",) and state.spec_at(file_path) is not None:
        return MappingFile.from_parent(parent, path=file_path)
    if (len(relative.parts) == 4 and relative.parts[:2] == ("contracts", "systems")
            and relative.name == "system.yaml" and SYSTEM_KINDS):
        return SystemFile.from_parent(parent, path=file_path)
    return None


def _state(node: pytest.Item | pytest.Collector) -> _State:
    state: _State = node.config.stash[_STATE]
    return state


# -- mapping specs -------------------------------------------------------------------------

class MappingFile(pytest.File):
    """A mapping spec: one collector per kind of test."""

    def collect(self) -> Iterator[pytest.Collector]:
        for kind in MAPPING_KINDS:
            yield KindCollector.from_parent(self, name=kind.name, kind=kind)


class SystemFile(pytest.File):
    """A system's ``system.yaml``: one collector per kind of test."""

    def collect(self) -> Iterator[pytest.Collector]:
        for kind in SYSTEM_KINDS:
            yield KindCollector.from_parent(self, name=kind.name, kind=kind)


class KindCollector(pytest.Collector):
    """The items of one kind for one spec or system, each marked with the kind's marker."""

    def __init__(self, *, kind: Kind, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.kind = kind

    def collect(self) -> Iterator[pytest.Item]:
        subject: Any = (_state(self).spec_at(self.path) if isinstance(self.parent, MappingFile)
                        else _state(self).system_at(self.path))
        if subject is None:
            return
        for item in self.kind.items(self, subject):
            item.add_marker(self.kind.marker)
            yield item


class AccordFailure(Exception):
    """A contract test failed; ``text`` is what pytest shows."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


class _AccordItem(pytest.Item):
    line = 0

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException],
                     style: Any = None) -> str | Any:
        if isinstance(excinfo.value, AccordFailure):
            return excinfo.value.text
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Path, int, str]:
        """The spec file, the line of the rule (or example) involved, and ``kind: name`` (the
        headline of a failure)."""
        kind = self.parent.name if self.parent is not None else ""
        return self.path, max(self.line - 1, 0), f"{kind}: {self.name}"


class ExampleItem(_AccordItem):
    """One golden example of a spec."""

    def __init__(self, *, spec: MappingSpec, example: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.spec = spec
        self.example = example
        self.line = next((e.line for e in spec.examples if e.name == example), 0)

    def runtest(self) -> None:
        from accord.diagnostics import printable

        result = _state(self).examples(self.spec).get(self.example)
        if result is None:
            raise AccordFailure(f"{self.spec.display}: example {self.example} did not run "
                                "(`accord check` says why)")
        if result.passed:
            return
        found = [d for d in (result.diagnostic, *result.violations) if d is not None]
        text = "\n".join(printable(d.format()) for d in found)
        if found and found[0].line:
            self.line = found[0].line
        if result.diff:
            text += "\n\n" + printable(result.diff)
        raise AccordFailure(text or f"example {self.example} failed")


class PropertyItem(_AccordItem):
    """A spec's property test."""

    def __init__(self, *, spec: MappingSpec, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.spec = spec
        self.line = 1

    def runtest(self) -> None:
        from accord.diagnostics import printable
        from accord.harness.properties import DEFAULT_MAX_EXAMPLES, check_mapping, failure_text

        state = _state(self)
        result: PropertyResult = check_mapping(
            state.workspace, self.spec, max_examples=state.max_examples or DEFAULT_MAX_EXAMPLES,
            seed=state.seed, strict=state.strict)
        self.user_properties.append(("accord_properties", result.summary()))
        if result.passed:
            return
        diagnostic = result.diagnostic
        if diagnostic is not None:
            self.line = diagnostic.line
        head = printable(diagnostic.location) + ": " if diagnostic is not None else ""
        raise AccordFailure(head + printable(failure_text(result)))


def _example_items(collector: pytest.Collector, spec: MappingSpec) -> Iterator[pytest.Item]:
    for example in spec.examples:
        yield ExampleItem.from_parent(collector, name=example.name, spec=spec,
                                      example=example.name)


def _property_items(collector: pytest.Collector, spec: MappingSpec) -> Iterator[pytest.Item]:
    yield PropertyItem.from_parent(collector, name=spec.name, spec=spec)


class PactsItem(_AccordItem):
    """A system's pacts verified against its provider (``accord verify SYSTEM --env ENV``,
    not recorded in the verification matrix)."""

    def __init__(self, *, system: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.system = system

    def runtest(self) -> None:
        from accord.diagnostics import printable
        from accord.errors import AccordError
        from accord.harness.verify import text_report, verify_system

        state = _state(self)
        try:
            report = verify_system(state.root, self.system, environment=state.environment,
                                   record=False)
        except AccordError as exc:
            if any(d.code == _no_pacts_code() for d in exc.diagnostics):
                pytest.skip(f"{self.system}: no pacts (run `accord pacts`)")
            raise AccordFailure(printable("\n".join(
                [exc.message, *(d.format() for d in exc.diagnostics)]))) from None
        if not report.ok:
            found = report.diagnostics()
            if found and found[0].line:
                self.path, self.line = state.root / found[0].file, found[0].line
            raise AccordFailure(printable("\n".join(text_report(report))))


def _no_pacts_code() -> str:
    from accord import codes

    return str(codes.VERIFY_NO_PACTS)


class FuzzItem(_AccordItem):
    """Schemathesis against a system's provider (``accord fuzz SYSTEM --env ENV``)."""

    def __init__(self, *, system: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.system = system

    def runtest(self) -> None:
        from accord.diagnostics import printable
        from accord.errors import AccordError
        from accord.harness.fuzz import DEFAULT_MAX_EXAMPLES, fuzz

        state = _state(self)
        try:
            result = fuzz(state.workspace, self.system, environment=state.environment,
                          max_examples=state.max_examples or DEFAULT_MAX_EXAMPLES,
                          seed=state.seed)
        except AccordError as exc:
            raise AccordFailure(printable("\n".join(
                [exc.message, *(d.format() for d in exc.diagnostics)]))) from None
        if not result.operations and result.notes:
            pytest.skip(printable(result.notes[0].message))
        if not result.passed:
            raise AccordFailure(printable("\n".join(
                d.format() for d in result.diagnostics(str(self.path)))))


def _pacts_items(collector: pytest.Collector, system: str) -> Iterator[pytest.Item]:
    yield PactsItem.from_parent(collector, name=system, system=system)


def _fuzz_items(collector: pytest.Collector, system: str) -> Iterator[pytest.Item]:
    yield FuzzItem.from_parent(collector, name=system, system=system)


#: the kinds of test collected per mapping spec
MAPPING_KINDS: list[Kind] = [
    Kind("examples", "accord_examples", _example_items),
    Kind("properties", "accord_properties", _property_items),
]

#: the kinds of test collected per system (each given the system's name)
SYSTEM_KINDS: list[Kind] = [
    Kind("pacts", "accord_pacts", _pacts_items),
    Kind("fuzz", "accord_fuzz", _fuzz_items),
]
