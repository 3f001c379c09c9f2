"""One parse, one truth: the loader parses each expression once with the strict parser; the
checker, the path index and the generator read that AST; a spec `accord check` calls clean
always generates."""

from __future__ import annotations

import json
from pathlib import Path

import jmespath.parser
import pytest
from accord.check.path_index import index_mapping_set
from accord.cli.main import cli
from accord.codegen import generate
from accord.expr import compiled
from accord.mapping import loader
from accord.project import load_workspace
from accord.workspace.scaffold import init_workspace
from click.testing import CliRunner

SPEC = "mappings/account-to-customer/crm_account.yaml"


@pytest.fixture()
def root(tmp_path: Path) -> Path:
    """`accord init`'s workspace (it passes `accord pipeline` as created)."""
    init_workspace(tmp_path / "ws")
    return tmp_path / "ws"


def _with_rule(root: Path, body: str) -> None:
    path = root / SPEC
    text = path.read_text("utf-8")
    assert "  website: Website\n" in text
    path.write_text(text.replace("  website: Website\n", f"  website: {body}\n"), "utf-8")


def _codes(result_output: str) -> list[tuple[str, int]]:
    return [(d["code"], d["line"]) for d in json.loads(result_output)["diagnostics"]
            if d["severity"] == "error"]


def test_a_json_literal_that_is_not_json_is_a_located_finding_in_check(root: Path) -> None:
    """``name: "`foo`"`` used to check clean (jmespath.py's deprecated form) and then fail in
    generate; the strict parser is now the loader's, so check reports it where it is."""
    _with_rule(root, '"`foo`"')
    result = CliRunner().invoke(cli, ["check", "--format", "json", str(root)])
    assert result.exit_code == 1, result.output
    [diag] = [d for d in json.loads(result.output)["diagnostics"] if d["code"] == "ACC401"]
    assert (diag["file"], diag["line"], diag["col"]) == (SPEC, 17, 13)  # the backtick
    assert "a `literal` must be JSON" in diag["message"] and "`foo`\n    ^" in diag["message"]
    gen = CliRunner().invoke(cli, ["generate", "--format", "json", str(root)])
    assert _codes(gen.output) == [("ACC401", 17)]


#: Expressions the parser takes but the compiler (or Python) would not, and fine ones.
CASES = {
    "json literal": ('"`foo`"', "ACC401"),
    "zero slice step": ('"[Name][::0] | [0]"', "ACC465"),
    "long path": (json.dumps(".".join(["Name"] * 300)), "ACC465"),
    "long or-chain": (json.dumps(" || ".join(["Name"] * 400)), "ACC465"),
    "deep brackets": (json.dumps("[" * 100 + "Name" + "]" * 100), "ACC465"),
    "300 parentheses": (json.dumps("(" * 300 + "Name" + ")" * 300), None),
    "expression reference": ('"&Name"', None),
    "deep literal": (json.dumps("`" + "[" * 100 + "]" * 100 + "` | to_string(@)"), None),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_what_check_calls_clean_generates(root: Path, case: str) -> None:
    body, code = CASES[case]
    _with_rule(root, body)
    checked = CliRunner().invoke(cli, ["check", "--format", "json", str(root)])
    assert "Traceback" not in checked.output
    generated = CliRunner().invoke(cli, ["generate", "--format", "json", str(root)])
    if code is None:
        assert checked.exit_code == 0 and generated.exit_code == 0, checked.output
    else:
        assert code in {c for c, _ in _codes(checked.output)}, checked.output
        assert code in {c for c, _ in _codes(generated.output)}, generated.output
        assert all(line == 17 for _, line in _codes(generated.output))


def test_nothing_downstream_of_the_loader_parses_again(root: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    workspace = load_workspace(root)
    mappings = workspace.mappings  # the one parse
    assert all(e.ast is not None for s in mappings.specs for e in s.expressions())
    flows = workspace.flows  # a flow's expressions too: parsed once, when it loads
    assert flows.flows and all(e.ast is not None for f in flows.flows for e in f.expressions())

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("an expression was parsed again after loading")

    monkeypatch.setattr(jmespath.parser.Parser, "parse", refuse)
    monkeypatch.setattr(jmespath.parser.Parser, "_do_parse", refuse)
    monkeypatch.setattr(loader, "parse", refuse)
    monkeypatch.setattr(compiled, "parse", refuse)
    assert [d for d in workspace.check() if d.severity == "error"] == []
    assert index_mapping_set(mappings, workspace.resolver)
    files, diags = generate(mappings, workspace.resolver)
    assert diags == [] and len(files) == 1
