"""Spec text can never become code: every line-breaking character, the structure check, and a
property test with arbitrary Unicode in every place spec text reaches a generated module."""

from __future__ import annotations

import ast
import io
import json
import tokenize
from pathlib import Path
from typing import Any

import pytest
import yaml
from accord import compile_expression
from accord.codegen import generate
from accord.codegen.plan import build_plan
from accord.codegen.verify import verify_module
from accord.errors import CodegenError
from accord.expr import emit_function
from accord.expr.literals import LINE_BREAKS, comment_text
from accord.mapping import load_mappings
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

#: Every character ``str.splitlines()`` breaks on besides ``\n`` and ``\r``.
BREAKS = ["\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]
#: Names a payload defines or calls; the generator never writes them as code.
SENTINELS = {"PWNED", "__import__", "eval", "exec", "breakpoint", "globals", "open", "system"}
#: What generated modules define at the top level (any name else is foreign).
_CONSTANTS = {"SPEC", "NAME", "VERSION", "SOURCE", "TARGET", "RULES"}


def _write(root: Path, doc: dict[str, Any], flow: str = "flow", stem: str = "spec",
           lookups: dict[str, dict[str, Any]] | None = None) -> None:
    (root / "contracts").mkdir(exist_ok=True)
    spec = root / "mappings" / flow / f"{stem}.yaml"
    spec.parent.mkdir(parents=True, exist_ok=True)
    spec.write_text(yaml.safe_dump(doc, allow_unicode=False, sort_keys=False,
                                   width=float("inf")), "ascii")
    for name, values in (lookups or {}).items():
        folder = root / "mappings" / "lookups"
        folder.mkdir(exist_ok=True)
        (folder / f"{name}.yaml").write_text(yaml.safe_dump(
            {"accord": "lookup/v1", "name": name, "values": values}, allow_unicode=False,
            width=float("inf")), "ascii")


def _spec(fields: dict[str, Any], **top: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {"accord": "mapping/v1", "name": "t.x", "version": "1.0.0",
                           "source": {"contract": "src@1.0.0"},
                           "target": {"contract": "tgt@1.0.0"}}
    doc.update(top)
    doc["fields"] = fields
    return doc


def _generated(root: Path) -> str:
    files, diags = generate(load_mappings(root))
    assert diags == [], [d.format() for d in diags]
    assert len(files) == 1
    return files[0].text


def assert_safe(text: str) -> None:
    """The module's lines are Python's lines; comments are single escaped lines; no payload
    name is code; the top level holds only what a generator writes."""
    assert "\r" not in text
    assert len(text.splitlines()) == text.count("\n")
    lines = text.split("\n")
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if token.type == tokenize.COMMENT:
            assert token.start[0] == token.end[0]
            assert token.string == lines[token.start[0] - 1][token.start[1]:]
            body = token.string[1:]
            assert all(ch.isprintable() and ch not in LINE_BREAKS for ch in body), body
        elif token.type == tokenize.NAME:
            assert token.string not in SENTINELS, (token, lines[token.start[0] - 1])
        elif token.type == tokenize.STRING:
            ast.literal_eval(token.string)
    tree = ast.parse(text)
    for node in tree.body:
        if isinstance(node, ast.ImportFrom):
            assert node.module in ("__future__", "typing", "accord.runtime"), ast.unparse(node)
        elif isinstance(node, ast.AnnAssign):
            assert isinstance(node.target, ast.Name)
            name = node.target.id
            assert name in _CONSTANTS or name.startswith("_LOOKUP_"), name
            ast.literal_eval(node.value)  # type: ignore[arg-type]
        elif isinstance(node, ast.FunctionDef):
            assert not node.decorator_list
            assert node.name in ("applies", "key", "transform") or node.name.startswith(
                ("_expr_", "_map_")), node.name
        else:
            assert isinstance(node, ast.Expr) and node is tree.body[0], ast.unparse(node)
    assert not any(isinstance(n, ast.Import | ast.ImportFrom) for top in tree.body
                   if isinstance(top, ast.FunctionDef) for n in ast.walk(top))


def _payload(ch: str) -> str:
    """A raw-string literal that, with its comment split on ``ch``, was a module of its own:
    a statement ending the expression function, a top-level assignment, and a new def."""
    return (f"sort_by(items, &a) || '{ch}    pass{ch}import os; PWNED = 1{ch}"
            f"def _x(current, *, root=None, parent=None):{ch}    #'")


@pytest.mark.parametrize("ch", BREAKS, ids=[f"U+{ord(c):04X}" for c in BREAKS])
def test_a_line_break_in_an_expression_never_reaches_column_0(tmp_path: Path, ch: str) -> None:
    _write(tmp_path, _spec({"a": _payload(ch)}))
    text = _generated(tmp_path)
    assert_safe(text)
    assert not any(line.startswith(("import os", "PWNED", "def _x")) for line in text.split("\n"))
    namespace: dict[str, Any] = {}
    exec(compile(text, "generated.py", "exec"), namespace)
    assert "PWNED" not in namespace and "_x" not in namespace
    # the value is still the literal, and the comment shows it escaped
    assert namespace["transform"]({"items": []})["a"] == _payload(ch).split("|| '")[1][:-1]
    assert f"# jmespath: {comment_text(_payload(ch))}" in text


@pytest.mark.parametrize("ch", BREAKS, ids=[f"U+{ord(c):04X}" for c in BREAKS])
def test_compiled_expression_source_is_one_line_per_statement(ch: str) -> None:
    source = emit_function(_payload(ch), "f")
    assert len(source.splitlines()) == source.count("\n")
    assert compile_expression(_payload(ch))({"items": []}) == _payload(ch).split("|| '")[1][:-1]


def test_comment_text_escapes_every_break_and_nonprintable() -> None:
    for ch in [*LINE_BREAKS, "\x00", "\t", "\u202e", "\ud800", "\x7f", "\u200b"]:
        escaped = comment_text(f"a{ch}b")
        assert escaped.isprintable() and len(escaped.splitlines()) == 1
        assert escaped.encode("ascii").decode("unicode_escape") == f"a{ch}b"
    assert comment_text("a\\u2028b") == "a\\\\u2028b"  # a backslash is doubled: unambiguous
    assert comment_text("naïve € 😀 ok") == "naïve € 😀 ok"


def _plan_and_text(tmp_path: Path) -> tuple[Any, str, str]:
    _write(tmp_path, _spec({"a": "sort_by(items, &a)", "b": {"expr": "x", "lookup": {"k": "v"}},
                            "lines": {"each": "items", "fields": {"c": "c"}}}), )
    mappings = load_mappings(tmp_path)
    spec = mappings.specs[0]
    plan = build_plan(spec, mappings.lookups, "0" * 64)
    return plan, _generated(tmp_path), spec.display


@pytest.mark.parametrize("inject", [
    ("after", "import os"),
    ("after", "PWNED = __import__('os')"),
    ("after", "print('hi')"),
    ("after", "def extra(record):\n    return record"),
    ("after", "SPEC: str = str(1)"),
    ("after", "@staticmethod\ndef applies(record):\n    return True"),
    ("before", "import os"),
    ("inside", "    import os"),
    ("break", "\u2028PWNED = 1"),
])
def test_the_structure_check_refuses_anything_not_planned(tmp_path: Path,
                                                          inject: tuple[str, str]) -> None:
    plan, text, display = _plan_and_text(tmp_path)
    verify_module(text, plan, display)  # the real module passes
    where, code = inject
    if where == "after":
        bad = text + "\n" + code + "\n"
    elif where == "before":
        bad = code + "\n" + text
    elif where == "inside":
        bad = text.replace("    out: dict[str, Any] = {}\n",
                           "    out: dict[str, Any] = {}\n" + code + "\n", 1)
    else:
        bad = text.replace("# Generated by", "# x" + code + "\n# Generated by", 1)
    assert bad != text
    with pytest.raises(CodegenError) as caught:
        verify_module(bad, plan, display)
    assert [d.code for d in caught.value.diagnostics] == ["ACC460"]
    assert caught.value.diagnostics[0].file == display


def test_an_unescaped_comment_is_caught_by_the_structure_check(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Defence in depth: with the old comment code (only \\r and \\n replaced), the module is
    refused with a finding instead of being returned."""
    import accord.expr.compiled as compiled

    monkeypatch.setattr(compiled, "_one_line",
                        lambda e: e.replace("\r", " ").replace("\n", " "))
    _write(tmp_path, _spec({"a": _payload("\u2028")}))
    files, diags = generate(load_mappings(tmp_path))
    assert files == []
    assert [d.code for d in diags] == ["ACC460"]


# -- the property test: arbitrary Unicode wherever spec text reaches the module ------------------

#: Characters that matter most, mixed into arbitrary ones so every example meets some.
_NASTY = [*BREAKS, "\n", "\r", "\t", "\x00", "\\", "'", '"', "`", "#", "{{", "}}", "{%", "%}",
          "\u202e", "\ufeff", "\x7f", ":", "&", "|", "\u3000", " PWNED ", "__import__('os')",
          "\u2028    pass\u2028PWNED = 1\u2028"]


def _text(min_size: int = 0, exclude: str = "") -> st.SearchStrategy[str]:
    """Arbitrary Unicode (YAML cannot carry lone surrogates) mixed with the nasty pieces."""
    pieces = [p for p in _NASTY if not set(p) & set(exclude)]
    chars = st.characters(exclude_categories=("Cs",), exclude_characters=exclude)
    return st.lists(st.one_of(st.sampled_from(pieces), chars), min_size=min_size,
                    max_size=10).map("".join)


TEXT = _text()
TEXT1 = _text(1)
NAME = _text(1, ".")
#: Inside a JMESPath quoted identifier or JSON literal (JSON escapes): surrogates too.
JSON_TEXT = st.lists(st.one_of(st.sampled_from([*_NASTY, "\ud800", "\udfff"]),
                               st.characters()), max_size=10).map("".join)
#: A path segment a file system takes (no separator, no NUL, a sane length).
PATH_PART = st.text(st.one_of(st.sampled_from([*BREAKS, "\\", "'", '"', "#", " ", "\u202e"]),
                              st.characters(exclude_categories=("Cs",),
                                            exclude_characters="/\x00")),
                    min_size=1, max_size=8).filter(lambda s: s not in (".", "..")
                                                   and not s.startswith(".")
                                                   and len(s.encode()) < 100)


def _raw(text: str) -> str:
    """A JMESPath raw string literal (only ``\\'`` is an escape in one)."""
    body = text.replace("'", "\\'")
    return f"'{body} '" if body.endswith("\\") else f"'{body}'"


def _quoted(text: str) -> str:
    return json.dumps(text)


def _json_literal(value: Any) -> str:
    return "`" + json.dumps(value).replace("`", "\\`") + "`"


@st.composite
def expressions(draw: st.DrawFn) -> str:
    a, b = _quoted(draw(JSON_TEXT)), _quoted(draw(JSON_TEXT))
    lit = _raw(draw(TEXT))
    forms = [
        f"{a}",
        f"{a}.{b}",
        f"{a} || {lit}",
        f"sort_by(items, &{a}) || {lit}",  # a module-level function and its comment
        f"map(&{lit}, items)",
        f"join({lit}, [{a}, {lit}])",
        f"{{{a}: {lit}, {b}: {_json_literal(draw(JSON_TEXT))}}}",
        f"items[?{a} == {lit}].{b}",
        f"lookup({_json_literal({draw(JSON_TEXT): draw(JSON_TEXT)})}, {a})",
        f"contains({_json_literal([draw(JSON_TEXT), 1])}, {a})",
        f"{_json_literal(draw(JSON_TEXT))}",
    ]
    return draw(st.sampled_from(forms))


@st.composite
def rules(draw: st.DrawFn) -> Any:
    kind = draw(st.sampled_from(["expr", "options", "default", "n/a", "each", "inline"]))
    if kind == "expr":
        return draw(expressions())
    if kind == "options":
        return {"expr": draw(expressions()), "when": draw(expressions()),
                "default": draw(TEXT), "note": draw(TEXT)}
    if kind == "default":
        return {"default": draw(st.one_of(TEXT, st.integers(), st.booleans(), st.none(),
                                          st.lists(TEXT, max_size=2),
                                          st.dictionaries(TEXT, TEXT, max_size=2))),
                "note": draw(TEXT)}
    if kind == "n/a":
        return {"n/a": draw(TEXT1)}
    if kind == "inline":
        return {"expr": draw(expressions()), "on_miss": "passthrough",
                "lookup": draw(st.dictionaries(TEXT, st.one_of(TEXT, st.integers(),
                                                               st.none()), max_size=3))}
    fields = draw(st.dictionaries(NAME, expressions(), min_size=1, max_size=2))
    return {"each": draw(expressions()), "fields": fields, "note": draw(TEXT)}


@st.composite
def workspaces(draw: st.DrawFn) -> tuple[dict[str, Any], str, str, dict[str, Any]]:
    targets = draw(st.lists(st.lists(NAME, min_size=1, max_size=2).map(".".join),
                            min_size=1, max_size=4, unique=True))
    fields: dict[str, Any] = {t: draw(rules()) for t in targets}
    table = draw(st.dictionaries(TEXT, st.one_of(TEXT, st.integers()), min_size=1,
                                 max_size=3))
    fields["from_table"] = {"expr": draw(expressions()), "lookup": "table",
                            "on_miss": "passthrough"}
    source = draw(st.sampled_from([{"contract": "src@1.0.0"},
                                   {"system": draw(TEXT1),
                                    "schema": draw(TEXT1)}]))
    target = {"system": draw(TEXT1), "operation": draw(TEXT1)}
    top = {"name": draw(TEXT1), "description": draw(TEXT), "source": source,
           "target": target, "when": draw(expressions()), "key": draw(expressions())}
    return _spec(fields, **top), draw(PATH_PART), draw(PATH_PART), table


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(workspaces())
def test_arbitrary_unicode_in_a_spec_never_becomes_code(
        tmp_path_factory: pytest.TempPathFactory,
        case: tuple[dict[str, Any], str, str, dict[str, Any]]) -> None:
    doc, flow, stem, table = case
    root = tmp_path_factory.mktemp("ws")
    try:
        _write(root, doc, flow, stem, {"table": table})
    except OSError:  # a name this file system refuses
        assume(False)
    mappings = load_mappings(root)
    assume(not any(d.code == "ACC401" for d in mappings.diagnostics))  # a form jmespath refuses
    assert mappings.diagnostics == [], [d.format() for d in mappings.diagnostics]
    files, diags = generate(mappings)
    assert diags == [], [d.format() for d in diags]
    text = files[0].text
    assert_safe(text)
    namespace: dict[str, Any] = {}
    exec(compile(text, "generated.py", "exec"), namespace)
    spec = mappings.specs[0]
    assert namespace["NAME"] == spec.name and namespace["SPEC"] == spec.display
    assert namespace["TARGET"] == spec.target.as_dict()
    assert not SENTINELS & set(namespace)
