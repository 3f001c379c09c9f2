"""The dependency rules of DESIGN.md, enforced (not just written down)."""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "framework" / "accord"


def _contracts() -> dict[str, dict[str, Any]]:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    return {c["id"]: c for c in config["tool"]["importlinter"]["contracts"]}


def test_import_linter_contracts_hold() -> None:
    """Runs the real import-linter over the package with the contracts in pyproject.toml."""
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint), "--no-cache"], cwd=REPO, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout, result.stdout
    assert "KEPT" in result.stdout and "BROKEN" not in result.stdout, result.stdout


def test_the_layers_contract_covers_the_whole_package() -> None:
    """Every module and subpackage of accord stands on a floor of the layers contract (and
    import-linter's ``exhaustive`` refuses one that does not)."""
    layers = _contracts()["layers"]
    assert layers["type"] == "layers" and layers["containers"] == ["accord"]
    assert layers["exhaustive"] is True and not layers.get("exhaustive_ignores")
    assert not layers.get("ignore_imports"), "no exceptions to the floors"
    placed = {name.strip() for floor in layers["layers"] for name in floor.split("|")}
    children = {p.stem for p in PACKAGE.glob("*.py") if p.name != "__init__.py"}
    children |= {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    assert children == placed, f"unplaced: {children - placed}; gone: {placed - children}"


def test_loaders_stand_below_the_stages_they_feed() -> None:
    """The facade sits above codegen; the loaders (workspace, mapping) sit below every stage."""
    floors = [floor.replace(" ", "").split("|") for floor in _contracts()["layers"]["layers"]]
    level = {name: i for i, floor in enumerate(floors) for name in floor}  # 0 = top
    assert level["project"] < level["codegen"] < level["check"] < level["mapping"]
    assert level["mapping"] < level["workspace"] and level["compat"] < level["workspace"]
    assert level["gate"] < level["project"] and level["cli"] == 0


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def test_generated_modules_import_only_the_runtime() -> None:
    generated = sorted((REPO / "generated").rglob("*.py"))
    for path in generated:
        for name in _imports(path):
            top = name.split(".")[0]
            assert name == "__future__" or name.startswith("accord.runtime") or (
                top != "accord" and top in sys.stdlib_module_names
            ), f"{path.relative_to(REPO)} imports {name}: generated code may only import " \
               "accord.runtime (and the standard library)"


def test_runtime_does_not_import_the_toolchain() -> None:
    """A second, import-linter-independent guard: an AST scan of accord/runtime."""
    forbidden = ("accord.expr", "accord.check", "accord.codegen", "accord.harness", "accord.cli",
                 "accord.gate", "accord.compat", "accord.workspace", "accord.mapping",
                 "accord.project")
    for path in sorted((PACKAGE / "runtime").rglob("*.py")):
        for name in _imports(path):
            assert not name.startswith(forbidden), f"{path.relative_to(REPO)} imports {name}"


def test_cli_holds_no_logic() -> None:
    """CLI modules define commands only: no classes beyond click plumbing, small functions."""
    for path in sorted((PACKAGE / "cli").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                bases = {ast.unparse(b) for b in node.bases}
                assert bases & {"click.Group", "click.Command", "click.ParamType"}, \
                    f"{path.name} defines class {node.name}: put logic in the library"
            if isinstance(node, ast.FunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno
                assert length <= 80, f"{path.name}:{node.lineno} {node.name} is {length} lines"


def test_one_home_for_json_pointers_types_and_literals() -> None:
    """``join_pointer``, ``json_type`` and ``py_literal`` are defined once, and no other module
    open-codes RFC 6901 escaping."""
    homes: dict[str, list[str]] = {"join_pointer": [], "escape_pointer": [],
                                   "unescape_pointer": [], "json_type": [], "py_literal": []}
    for path in sorted(PACKAGE.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef) and node.name.lstrip("_") in homes:
                homes[node.name.lstrip("_")].append(path.relative_to(PACKAGE).as_posix())
        if path.name != "jsondoc.py":
            where = path.relative_to(PACKAGE)
            assert '"~0"' not in text and '"~1"' not in text, \
                f"{where} escapes JSON Pointer tokens itself: use accord.jsondoc"
    assert homes == {"join_pointer": ["jsondoc.py"], "escape_pointer": ["jsondoc.py"],
                     "unescape_pointer": ["jsondoc.py"], "json_type": ["jsondoc.py"],
                     "py_literal": ["expr/literals.py"]}
