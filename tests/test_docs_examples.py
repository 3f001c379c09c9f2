"""The docs say what the code does: their examples run, and their shown output is compared.

What runs, in README.md and docs/*.md:

* a fenced block whose info string says ``test`` (```` ```console test ````,
  ```` ```python test ````), in a fresh copy of the reference workspace per document;
* before it, every ```` ```<lang> file=PATH ```` block of the same document is written to PATH
  in that copy (a mapping, a lookup, an input file the example reads);
* ``console``: each ``$ command`` runs in the copy (``accord`` is this checkout's); the lines
  after it, up to the next ``$``, must appear in its output in that order (``...`` matches
  anything within a line). The exit code must be 0, or what ``# exit N`` at the end of the
  command line says;
* ``python``: the block runs; a line ``<expression>  # -> <value>`` asserts the expression
  equals the Python literal ``value``;
* the example column of docs/functions.md: each ``f(...) -> value`` is evaluated by the compiler
  and by the reference interpreter and must equal ``value`` (a ``...`` in a string value
  means the documented value is a prefix).
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
_FENCE = re.compile(r"^```(\S*)([^\n]*)\n(.*?)^```\s*$", re.M | re.S)
_ASSERTED = re.compile(r"^(?P<expr>\S.*?)\s+# -> (?P<value>.+)$")


@dataclass(frozen=True)
class Block:
    doc: Path
    line: int
    lang: str
    options: tuple[str, ...]
    body: str

    @property
    def file(self) -> str | None:
        return next((o[5:] for o in self.options if o.startswith("file=")), None)

    @property
    def runs(self) -> bool:
        return "test" in self.options

    def __str__(self) -> str:
        return f"{self.doc.relative_to(REPO)}:{self.line}"


def blocks(doc: Path) -> list[Block]:
    text = doc.read_text("utf-8")
    return [Block(doc, text.count("\n", 0, m.start()) + 1, m.group(1),
                  tuple(m.group(2).split()), m.group(3)) for m in _FENCE.finditer(text)]


RUNNABLE = [b for doc in DOCS for b in blocks(doc) if b.runs]


def test_the_docs_have_runnable_examples() -> None:
    """The convention is in use (a typo in ``test`` would silently run nothing)."""
    assert {b.lang for b in RUNNABLE} >= {"console", "python"}
    for doc in DOCS:
        for block in blocks(doc):
            unknown = [o for o in block.options if o != "test" and not o.startswith("file=")]
            assert not unknown, f"{block}: unknown fence option(s) {unknown}"


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "ws"
    for part in ("contracts", "mappings", "generated"):
        shutil.copytree(REPO / part, root / part)
    monkeypatch.chdir(root)
    return root


def _prepare(block: Block, root: Path) -> None:
    """Write the document's ``file=`` blocks that come before ``block``."""
    for earlier in blocks(block.doc):
        if earlier.line >= block.line:
            break
        if earlier.file:
            target = (root / earlier.file).resolve()
            assert target.is_relative_to(root), f"{earlier}: file= outside the workspace"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(earlier.body, "utf-8")


def _pattern(expected: str) -> re.Pattern[str]:
    parts = [re.escape(part) for part in expected.rstrip().split("...")]
    return re.compile(".*".join(parts))


def _console(block: Block, root: Path) -> None:
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
               COLUMNS="200", NO_COLOR="1")
    commands: list[tuple[str, list[str]]] = []
    for line in block.body.splitlines():
        if line.startswith("$ "):
            commands.append((line[2:], []))
        elif commands and line.strip():
            commands[-1][1].append(line)
    assert commands, f"{block}: a console test block needs `$ command` lines"
    for command, expected in commands:
        wanted = 0
        found = re.search(r"\s+# exit (\d+)\s*$", command)
        if found:
            wanted, command = int(found.group(1)), command[:found.start()]
        done = subprocess.run(["bash", "-c", command], cwd=root, env=env, capture_output=True,
                              text=True, timeout=300, check=False)
        output = (done.stdout + done.stderr).splitlines()
        where = f"{block}: `{command}`"
        assert done.returncode == wanted, f"{where} exited {done.returncode}:\n" + \
            "\n".join(output[-30:])
        position = 0
        for line in expected:
            pattern = _pattern(line)
            for index in range(position, len(output)):
                if pattern.fullmatch(output[index].rstrip()):
                    position = index + 1
                    break
            else:
                raise AssertionError(f"{where}: the docs show {line!r}, not in the output "
                                     f"(after line {position}):\n" + "\n".join(output))


def _python(block: Block) -> None:
    namespace: dict[str, Any] = {"__name__": "docs_example"}
    for number, line in enumerate(block.body.splitlines(), start=block.line + 1):
        asserted = _ASSERTED.match(line)
        if asserted:
            value = eval(asserted.group("expr"), namespace)
            assert value == ast.literal_eval(asserted.group("value")), \
                f"{block.doc.name}:{number}: {asserted.group('expr')} gives {value!r}"
        else:
            exec(compile(line, f"{block.doc.name}:{number}", "exec"), namespace)


@pytest.mark.parametrize("block", RUNNABLE, ids=str)
def test_doc_example(block: Block, workspace: Path) -> None:
    _prepare(block, workspace)
    if block.lang == "console":
        _console(block, workspace)
    elif block.lang == "python":
        _python(block)
    else:
        pytest.fail(f"{block}: cannot run a {block.lang!r} block")


# -- the function table -------------------------------------------------------------------

_ROW = re.compile(r"^\| `(?P<signature>[a-z_0-9]+)\(.*?\| `(?P<example>.+)` \|$", re.M)


def _examples() -> list[tuple[str, str]]:
    text = (REPO / "docs" / "functions.md").read_text("utf-8")
    found = []
    for row in _ROW.finditer(text):
        example = row.group("example")
        if " -> " in example:
            expression, _, value = example.rpartition(" -> ")
            found.append((expression, value))
    return found


def _documented(value: str) -> Any:
    """A documented result: Python/JSON literals, and the docs' object shorthand ``{a: 1}``."""
    words = {"true": "True", "false": "False", "null": "None"}
    value = re.sub(r"\b(true|false|null)\b", lambda m: words[m.group(1)], value)
    try:
        return ast.literal_eval(value)
    except (ValueError, SyntaxError):
        return ast.literal_eval(re.sub(r"([{,]\s*)([A-Za-z_]\w*)(\s*:)", r"\1'\2'\3", value))


@pytest.mark.parametrize(("expression", "value"), _examples(), ids=[e for e, _ in _examples()])
def test_function_table_examples(expression: str, value: str) -> None:
    from accord import compile_expression
    from accord.expr import reference_search

    got = compile_expression(expression)({})
    assert got == reference_search(expression, {})
    documented = _documented(value)
    if isinstance(documented, str) and documented.endswith("..."):
        assert isinstance(got, str) and got.startswith(documented[:-3]), got
    else:
        assert got == documented and type(got) is type(documented), got


def test_the_function_table_shows_results() -> None:
    assert len(_examples()) >= 40

