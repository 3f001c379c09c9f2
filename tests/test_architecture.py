"""The dependency rules of DESIGN.md, enforced (not just written down)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "framework" / "accord"


# The rules, as import-linter "forbidden" contracts: source packages -> what they may not import.
TOOLCHAIN = ["accord.workspace", "accord.mapping", "accord.expr", "accord.check",
             "accord.codegen", "accord.compat", "accord.gate", "accord.harness", "accord.sync",
             "accord.run", "accord.pipeline", "accord.cli"]
RULES = {
    "runtime imports nothing from the compiler, checker, harness or cli": (
        ["accord.runtime"], TOOLCHAIN),
    "only the cli imports the cli": (
        [m for m in TOOLCHAIN if m != "accord.cli"] + ["accord.runtime"], ["accord.cli"]),
}


def _exists(module: str) -> bool:
    path = REPO / "framework" / Path(*module.split("."))
    return (path / "__init__.py").is_file() or path.with_suffix(".py").is_file()


def test_import_linter_contracts_hold(tmp_path: Path) -> None:
    """Runs the real import-linter over the package (modules not yet written are left out)."""
    lines = ["[importlinter]", "root_package = accord", ""]
    for i, (name, (sources, forbidden)) in enumerate(RULES.items()):
        src = [m for m in sources if _exists(m)]
        bad = [m for m in forbidden if _exists(m)]
        if not src or not bad:
            continue
        lines += [f"[importlinter:contract:{i}]", f"name = {name}", "type = forbidden",
                  "source_modules =", *[f"    {m}" for m in src], "forbidden_modules =",
                  *[f"    {m}" for m in bad], ""]
    config = tmp_path / "importlinter.ini"
    config.write_text("\n".join(lines), encoding="utf-8")
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint), "--no-cache", "--config", str(config)], cwd=REPO,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "broken" in result.stdout and "0 broken" in result.stdout, result.stdout


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
                 "accord.gate", "accord.compat", "accord.workspace", "accord.mapping")
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
