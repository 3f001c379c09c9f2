"""``accord run``: stream records (JSONL, a JSON array or CSV) through a generated transformer.

This module joins the workspace (which knows the target schema) to the runtime (which must not
import the workspace): it resolves the transformer, turns its ``TARGET`` into a compiled
validator, and hands both to :func:`accord.runtime.stream.run_files`.

``TARGET`` forms: ``{"contract": "project@1.1.0"}`` (the bundled canonical contract),
``{"system": "xero_accounting", "schema": "Invoice"}`` (a components/schemas entry) and
``{"system": "xero_accounting", "operation": "createInvoices"}`` (that operation's request
body).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from accord import fsio
from accord.errors import AccordError, LoadError, UsageError
from accord.project import Workspace, load_workspace
from accord.runtime.stream import RunStats, run_files
from accord.runtime.validate import compile_validator
from accord.workspace.contracts import load_contracts

if TYPE_CHECKING:
    from accord.check.endpoints import SchemaResolver

__all__ = ["RunResult", "resolve_transformer", "run_mapping", "source_schema", "target_schema"]

_PROTOCOL = ("applies", "transform", "key", "TARGET")


@dataclass(frozen=True)
class RunResult:
    """What ``accord run`` did: the mapping, its target, the files and the exact counts."""

    mapping: str
    target: str
    validated: bool
    input: Path
    output: Path
    dead_letter: Path
    stats: RunStats
    input_schema: str | None = None  # what inputs were validated against (--validate-input)

    @property
    def exit_code(self) -> int:
        """0 when every record was written or skipped, 1 when any was dead-lettered."""
        return 1 if self.stats.dead else 0

    def to_dict(self) -> dict[str, Any]:
        return {"mapping": self.mapping, "target": self.target, "validated": self.validated,
                "input": str(self.input), "output": str(self.output),
                "dead_letter": str(self.dead_letter), "input_validated_against":
                    self.input_schema, **self.stats.to_dict()}


def resolve_transformer(mapping: str | Path | ModuleType | Any,
                        root: str | Path | None = None,
                        resolver_for: Callable[[Path], SchemaResolver] | None = None) -> Any:
    """A transformer module from a module object, a generated ``.py`` path, or a spec path or
    name (through ``accord.load_transformer``, names looked up in the workspace at ``root``).
    A generated module is imported only when it is exactly what its spec generates (stale or
    tampered: LoadError, exit 2); ``resolver_for`` shares a workspace's loaded contracts."""
    if isinstance(mapping, (str, Path)):
        from accord.codegen.load import load_transformer, open_module

        if str(mapping).endswith(".py"):  # a generated or hand-written module, by its file
            if not fsio.is_file(mapping):
                raise LoadError(f"{mapping}: no such module; run `accord generate`")
            # a generated module is checked against its spec (stale or tampered: refused)
            module: Any = open_module(Path(mapping), resolver_for=resolver_for)
        else:
            module = load_transformer(mapping, root=root, resolver_for=resolver_for)
    else:
        module = mapping
    missing = [name for name in _PROTOCOL if not hasattr(module, name)]
    if missing:
        raise LoadError(f"{getattr(module, '__file__', module)!s} is not a transformer module: "
                        f"missing {', '.join(missing)}; regenerate it with `accord generate`")
    return module


def target_schema(workspace: Workspace, target: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """The self-contained JSON Schema for a mapping's TARGET, and a label naming it."""
    if not isinstance(target, dict):
        raise LoadError(f"TARGET must be a mapping, found {target!r}")
    if "contract" in target:
        ref = str(target["contract"])
        # only this entity and what it references, read without the checks (`accord check`
        # reports those; the validator compiles the schema anyway)
        registry = load_contracts(workspace.root, checked=False,
                                  entities=[ref.partition("@")[0]])
        contract = registry.parse_ref(ref)
        return (registry.bundle(contract.name, contract.version),
                f"contract:{contract.name}@{contract.version}")
    if "system" in target:
        from accord.workspace.systems import get_system

        system = get_system(workspace.systems, str(target["system"]))
        if "schema" in target:
            return system.schema(str(target["schema"])), \
                f"system:{system.name}/schema:{target['schema']}"
        if "operation" in target:
            return system.operation_request(str(target["operation"])), \
                f"system:{system.name}/operation:{target['operation']}"
    raise LoadError(f"unsupported TARGET {target!r}: expected {{contract: name@version}}, "
                    "{system, schema} or {system, operation}")


def source_schema(workspace: Workspace, transformer: Any) -> tuple[dict[str, Any], str]:
    """The JSON Schema a transformer's input records must satisfy, and a label naming it.

    ``SOURCE`` forms are ``TARGET``'s, except that an operation's source is its success
    response body; the spec's ``extra_fields`` (found through ``SPEC``) widen it as the checker
    does."""
    source = getattr(transformer, "SOURCE", None)
    if not isinstance(source, dict):
        raise LoadError(f"{getattr(transformer, '__file__', transformer)!s} has no SOURCE: "
                        "regenerate it with `accord generate` to validate its input")
    if "system" in source and "operation" in source:
        from accord.workspace.systems import get_system

        system = get_system(workspace.systems, str(source["system"]))
        schema = system.operation_response(str(source["operation"]))
        label = f"system:{system.name}/operation:{source['operation']}"
    else:
        schema, label = target_schema(workspace, source)
    spec_path = getattr(transformer, "SPEC", None)
    if isinstance(spec_path, str) and (workspace.root / spec_path).is_file():
        from accord.check.endpoints import with_extra_fields
        from accord.mapping.loader import load_spec

        spec = load_spec(workspace.root / spec_path, root=workspace.root)
        schema = with_extra_fields(schema, spec.source, "source")
    return schema, label


def run_mapping(
    mapping: str | Path | ModuleType | Any,
    *,
    input: str | Path,  # mirrors the --input option
    output: str | Path,
    dead_letter: str | Path,
    workspace: Workspace | str | Path = ".",
    validate: bool = True,
    with_key: bool = False,
    progress: bool | None = None,
    input_format: str | None = None,
    limit: int | None = None,
    validate_input: bool = False,
    workers: int | str = 1,
) -> RunResult:
    """Run one mapping over a file or standard input (``-``) of JSONL, a JSON array or CSV.
    Raises AccordError (exit 2) for unusable input; dead letters are counted in the result,
    never raised. ``validate_input`` checks each record against the source schema first.
    ``workers`` (a number, or ``0``/``"auto"`` for one per CPU) runs the records on that many
    processes, with byte-identical outputs (:mod:`accord.runtime.parallel`)."""
    count = _worker_count(workers)  # a usage error before anything loads
    root = workspace.root if isinstance(workspace, Workspace) else Path(workspace)
    loaded: list[Workspace] = [workspace] if isinstance(workspace, Workspace) else []

    def at(folder: str | Path) -> Workspace:  # one Workspace (contracts loaded once) per root
        found = load_workspace(folder)
        known = next((ws for ws in loaded if ws.root == found.root), None)
        if known is None:
            loaded.append(found)
        return known or found

    transformer = resolve_transformer(mapping, root, lambda folder: at(folder).resolver)
    label = f"{transformer.TARGET!r}"
    validator = input_validator = None
    input_label: str | None = None
    if validate:
        try:
            schema, label = target_schema(at(root), transformer.TARGET)
        except AccordError as exc:  # name the spec whose target it is, not only the target
            spec = getattr(transformer, "SPEC", None) or getattr(transformer, "__file__", "")
            raise LoadError(f"{spec}: target {transformer.TARGET!r}: {exc.message}",
                            diagnostics=exc.diagnostics) from None
        validator = compile_validator(schema)
    if validate_input:
        schema, input_label = source_schema(at(root), transformer)
        input_validator = compile_validator(schema)
    if count > 1:  # the same run on `count` processes (accord.runtime.parallel)
        stats = _run_on_workers(mapping, root, transformer, count, input, output, dead_letter,
                                validator, input_validator, label, input_label, with_key,
                                progress, input_format, limit)
    else:
        stats = run_files(transformer, input, output, dead_letter, validator=validator,
                          schema_rule=label, with_key=with_key, progress=progress,
                          input_format=input_format, limit=limit,
                          input_validator=input_validator, input_rule=input_label)
    name = str(getattr(transformer, "NAME", "")
               or Path(getattr(transformer, "__file__", "mapping")).stem)
    return RunResult(name, label, validate, Path(input), Path(output), Path(dead_letter), stats,
                     input_label)


def _worker_count(workers: int | str) -> int:
    if workers == 1:
        return 1
    from accord.runtime.parallel import worker_count

    return worker_count(workers)


def load_in_worker(mapping: str, root: str) -> Any:
    """The transformer of a worker process of ``accord run --workers`` (verified as in the
    parent: a vouched module loads without rendering)."""
    return resolve_transformer(mapping, root)


def _run_on_workers(mapping: Any, root: Path, transformer: Any, workers: int,
                    input: str | Path, output: str | Path, dead_letter: str | Path,
                    validator: Any, input_validator: Any, label: str,
                    input_label: str | None, with_key: bool, progress: bool | None,
                    input_format: str | None, limit: int | None) -> RunStats:
    from functools import partial

    from accord.runtime.parallel import run_files_parallel

    if isinstance(mapping, (str, Path)):
        named = str(mapping)
    elif isinstance(getattr(transformer, "__file__", None), str):
        named = transformer.__file__
    else:
        raise UsageError("--workers needs a transformer each worker process can load: a spec "
                         "name, a spec path or a module path (this one has no file)")
    options = {"schema": validator.schema if validator is not None else None,
               "input_schema": input_validator.schema if input_validator is not None else None,
               "schema_rule": label, "input_rule": input_label, "with_key": with_key}
    return run_files_parallel(partial(load_in_worker, named, str(root.resolve())), input,
                              output, dead_letter, workers=workers, options=options,
                              progress=progress, input_format=input_format, limit=limit)
