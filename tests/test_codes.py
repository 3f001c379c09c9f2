"""One catalogue of diagnostic codes (accord.codes): docs/diagnostics.md is generated from it,
no module spells a code as a literal, every code is raised somewhere, and the docs name no code
the catalogue lacks."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

from accord import codes
from accord.diagnostics import Diagnostic

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "framework" / "accord"
CODE = re.compile(r"ACC\d{3}")


def _modules() -> list[Path]:
    return [p for p in sorted(PACKAGE.rglob("*.py")) if p != PACKAGE / "codes.py"]


def test_docs_page_is_generated_from_the_catalogue() -> None:
    page = (REPO / "docs" / "diagnostics.md").read_text("utf-8")
    assert page == codes.markdown(), (
        "docs/diagnostics.md is stale: run `python -m accord.codes > docs/diagnostics.md`")


def test_no_module_spells_a_code() -> None:
    found = []
    for path in _modules():
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                    and CODE.fullmatch(node.value.strip()):
                found.append(f"{path.relative_to(REPO)}:{node.lineno}: {node.value!r}")
            if isinstance(node, ast.JoinedStr) and node.values and \
                    isinstance(node.values[0], ast.Constant) and \
                    str(node.values[0].value).startswith("ACC"):
                found.append(f"{path.relative_to(REPO)}:{node.lineno}: an f-string code")
    assert not found, "name codes through accord.codes:\n" + "\n".join(found)


def test_every_code_is_raised_somewhere() -> None:
    text = "\n".join(p.read_text("utf-8") for p in _modules())
    names = {name for name, value in vars(codes).items() if isinstance(value, codes.Code)}
    unused = sorted(n for n in names if not re.search(rf"\bcodes\.{n}\b", text))
    assert not unused, f"codes never raised (remove them from the catalogue): {unused}"
    assert {str(v) for v in vars(codes).values() if isinstance(v, codes.Code)} == \
        set(codes.CATALOGUE)


def test_docs_name_only_catalogued_codes() -> None:
    stale = []
    for path in [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]:
        for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
            for code in CODE.findall(line):
                if code not in codes.CATALOGUE:
                    stale.append(f"{path.relative_to(REPO)}:{number}: {code}")
    assert not stale, "\n".join(stale)


def test_catalogue_entries_are_well_formed() -> None:
    for code, entry in codes.CATALOGUE.items():
        assert CODE.fullmatch(code) and entry == code
        assert entry.summary and entry.summary == entry.summary.strip()


def test_a_code_is_its_string_everywhere() -> None:
    d = Diagnostic(codes.EXPRESSION_SYNTAX, "bad")
    assert d.code == "ACC401" and d.format().startswith("<input>: ACC401 bad")
    assert json.loads(json.dumps(d.to_dict()))["code"] == "ACC401"
    assert codes.EXPRESSION_SYNTAX.summary == "expression syntax error"


def test_no_name_is_given_to_two_codes() -> None:
    """A second ``NAME = _code(...)`` would silently replace the first (its code then never
    raised, or raised under the other's number)."""
    tree = ast.parse((REPO / "framework/accord/codes.py").read_text("utf-8"))
    names = [t.id for node in tree.body if isinstance(node, ast.Assign)
             for t in node.targets if isinstance(t, ast.Name)]
    assert sorted({n for n in names if names.count(n) > 1}) == []
