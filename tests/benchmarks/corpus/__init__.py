"""The benchmark corpus: six differently shaped mappings, each with its own source and target
contracts (this folder is an accord workspace), a deterministic input generator and a
hand-written twin written as an expert would (exact money with ``Decimal``). The sixth,
``hcm_assignment``, was added after the code generator was tuned on the first five: it shows
the targets on a shape the tuning never saw.

``tests/benchmarks/test_corpus.py`` proves each twin honest (JSON-equal outputs and equal keys
on the generated inputs); ``tests/benchmarks/bench_corpus.py`` times the generated transformers
against their twins in one run.

Each case module defines ``records(n, seed) -> list[dict]`` and a ``Hand`` class with
``applies``, ``transform`` and ``key``, like a generated module.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

WORKSPACE = Path(__file__).resolve().parent
NAMES = ("flat_contact", "nested_order", "line_money", "lookup_time", "dates_strings",
         "hcm_assignment")


@dataclass(frozen=True)
class Case:
    name: str  # the spec is mappings/corpus/<name>.yaml, its twin corpus/<name>.py
    module: ModuleType

    @property
    def spec(self) -> Path:
        return WORKSPACE / "mappings" / "corpus" / f"{self.name}.yaml"

    @property
    def hand(self) -> Any:
        return self.module.Hand

    def records(self, n: int, seed: int = 7) -> list[dict[str, Any]]:
        records: list[dict[str, Any]] = self.module.records(n, seed)
        return records


CASES = [Case(name, importlib.import_module(f"{__name__}.{name}")) for name in NAMES]


def generate(into: Path) -> dict[str, Any]:
    """Generate the corpus's transformers into ``into`` (a fresh folder) and import them:
    ``{case name: module}``."""
    from accord import load_workspace
    from accord.codegen import generate as generate_files
    from accord.codegen.load import import_file
    from accord.mapping import load_mappings

    # with the workspace's contracts, as `accord generate` does (a null result is written
    # where the target admits null)
    files, diagnostics = generate_files(load_mappings(WORKSPACE),
                                        load_workspace(WORKSPACE).resolver)
    if diagnostics:
        raise AssertionError(f"the corpus does not generate: {diagnostics}")
    modules = {}
    for file in files:
        path = into / Path(file.path).name
        path.write_text(file.text, "utf-8")
        modules[path.stem] = import_file(path)
    return modules
