"""Locations are tuples end to end, rendered only at the edge by one renderer.

A failure's place is a tuple of names and indexes on ``TransformError`` (for programs), and the
same place is written one way in every output: dead letters (``path`` and ``pointer``), the
golden-example findings of ``accord test examples`` in text, JSON and JUnit."""

from __future__ import annotations

import ast
import copy
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from accord.cli.main import cli
from accord.diagnostics import printable
from accord.errors import TransformError
from accord.jsondoc import ANY_ITEM, json_path, json_pointer
from accord.run import run_mapping
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

FRAMEWORK = Path(__file__).resolve().parents[2] / "framework" / "accord"


@pytest.mark.parametrize(("location", "path", "pointer"), [
    ((), "$", ""),
    (("OpportunityLineItems", "records", 1, "Role__c"),
     "$.OpportunityLineItems.records[1].Role__c", "/OpportunityLineItems/records/1/Role__c"),
    (("_a1",), "$._a1", "/_a1"),
    (("größe",), "$['größe']", "/größe"),  # non-ASCII letters: quoted, kept as they are
    (("名前", 0),  "$['名前'][0]", "/名前/0"),
    (("it's",), "$['it\\'s']", "/it's"),
    (('say "hi"',), "$['say \"hi\"']", '/say "hi"'),
    (("back\\slash",), "$['back\\\\slash']", "/back\\slash"),
    (("a.b",), "$['a.b']", "/a.b"),
    (("a b",), "$['a b']", "/a b"),
    (("",), "$['']", "/"),
    (("0",), "$['0']", "/0"),  # a name, not the index [0]
    (("1st",), "$['1st']", "/1st"),
    (("a/b~c",), "$['a/b~c']", "/a~1b~0c"),
    (("tab\there", "new\nline", "\x01\x1f"),
     "$['tab\\there']['new\\nline']['\\u0001\\u001f']", "/tab\there/new\nline/\x01\x1f"),
    (("del\x7f",), "$['del\x7f']", "/del\x7f"),  # not a C0 control: printable() escapes it
    (("lines", ANY_ITEM, "q"), "$.lines[*].q", None),
])
def test_locations_render_as_json_paths_and_pointers(
        location: tuple[str | int, ...], path: str, pointer: str | None) -> None:
    assert json_path(location) == path
    assert json_pointer(location) == pointer


@given(st.lists(st.lists(st.one_of(st.text(max_size=6), st.integers(0, 20)), max_size=4),
                min_size=2, max_size=2))
def test_a_json_path_is_one_line_and_names_one_location(
        pair: list[list[str | int]]) -> None:
    first, second = (tuple(x) for x in pair)
    rendered = json_path(first)
    assert not any(ch in rendered for ch in "\n\r\x00\x1f")
    assert (rendered == json_path(second)) is (first == second)


def test_one_renderer() -> None:
    """Only accord.jsondoc renders a location: no other module defines a JSON-path renderer
    or builds one from ``"$"``."""
    found = []
    for file in FRAMEWORK.rglob("*.py"):
        if file.name == "jsondoc.py":
            continue
        tree = ast.parse(file.read_text("utf-8"))
        found.extend(f"{file.name}: def {node.name}" for node in tree.body
                     if isinstance(node, ast.FunctionDef) and "json_path" in node.name)
        for node in ast.walk(tree):
            if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add) and \
                    isinstance(node.left, ast.Constant) and node.left.value in ("$", "$."):
                found.append(f"{file.name}:{node.lineno}: '$' + ...")
    assert found == []


def test_transform_error_refuses_a_rendered_path() -> None:
    with pytest.raises(TypeError, match="locations"):
        TransformError("x", path="$.a")  # type: ignore[arg-type]
    error = TransformError("x", path=("a", 0), target=("b",))
    assert (error.path, error.json_path, error.pointer) == (("a", 0), "$.a[0]", "/a/0")


# --- an `each` over a filter names the real source item, through the API and `accord run`

SALESFORCE = "salesforce.opportunity_to_project"


def _opportunity(repo_root: Path) -> dict[str, Any]:
    """The shipped example with its line items reordered: the licence (no hours, left out by
    the filter) first, then a line with hours and no role, then a good one."""
    record = json.loads((repo_root / "mappings/examples/salesforce/"
                         "opportunity_closed_won.json").read_text("utf-8"))
    senior, manager, licence = copy.deepcopy(record["OpportunityLineItems"]["records"])
    senior["Role__c"] = None
    record["OpportunityLineItems"]["records"] = [licence, senior, manager]
    return record


def test_an_each_over_a_filter_names_the_source_item_through_the_api(
        repo_root: Path) -> None:
    import accord

    module = accord.load_transformer(
        repo_root / "generated/opportunity-to-project/salesforce_opportunity.py")
    with pytest.raises(TransformError) as caught:
        module.transform(_opportunity(repo_root))
    error = caught.value
    assert error.error_class == "data_quality"
    assert error.path == ("OpportunityLineItems", "records", 1, "Role__c")
    assert error.target == ("roles", 0, "role")  # the first item the filter kept
    assert error.json_path == "$.OpportunityLineItems.records[1].Role__c"
    assert error.rule == "mappings/opportunity-to-project/salesforce_opportunity.yaml:30"


@pytest.mark.parametrize("through", ["cli", "api"])
def test_an_each_over_a_filter_names_the_source_item_in_the_dead_letter(
        repo_root: Path, tmp_path: Path, through: str) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps(_opportunity(repo_root)) + "\n", "utf-8")
    out, dead = tmp_path / "out.jsonl", tmp_path / "dead.jsonl"
    if through == "cli":
        result = CliRunner().invoke(cli, ["run", SALESFORCE, "-i", str(source), "-o", str(out),
                                          "-d", str(dead), "-w", str(repo_root)])
        assert result.exit_code == 1, result.output
    else:
        run = run_mapping(SALESFORCE, input=source, output=out, dead_letter=dead,
                          workspace=repo_root, progress=False)
        assert run.exit_code == 1
    [letter] = [json.loads(line) for line in dead.read_text("utf-8").splitlines()]
    assert list(letter) == ["line_number", "class", "message", "path", "pointer", "rule",
                            "target", "input"]
    assert (letter["class"], letter["path"], letter["pointer"], letter["target"]) == (
        "data_quality", "$.OpportunityLineItems.records[1].Role__c",
        "/OpportunityLineItems/records/1/Role__c", "$.roles[0].role")


# --- odd names render identically in every output

#: source property -> how every output writes its location
ODD = {
    "größe": "$['größe']",
    "a.b": "$['a.b']",
    "it's \\ ok": "$['it\\'s \\\\ ok']",
    'say "hi"': "$['say \"hi\"']",
    "0": "$['0']",
    "tab\tname": "$['tab\\tname']",
}
#: the target property each odd name is mapped to (required: a missing value fails)
TARGETS = ["name", "legal_name", "customer_number", "industry", "website", "tax_number"]


def _odd_workspace(tmp_path: Path) -> Path:
    """``accord init``'s workspace, its account carrying the odd names, each mapped by a
    required rule, with a golden example per name whose input lacks it."""
    root = tmp_path / "ws"
    assert CliRunner().invoke(cli, ["init", str(root)]).exit_code == 0
    api = root / "contracts/systems/crm/openapi.yaml"
    text = api.read_text("utf-8")
    anchor = "        Id: {type: string}\n"
    extra = "".join(f"        {json.dumps(name)}: {{type: string}}\n" for name in ODD)
    api.write_text(text.replace(anchor, anchor + extra), "utf-8")
    spec = root / "mappings/account-to-customer/crm_account.yaml"
    text = spec.read_text("utf-8")
    text = text.replace("  name: {expr: Name, required: true}\n", "".join(
        f"  {target}: {{expr: {json.dumps(json.dumps(name))}, required: true}}\n"
        for target, name in zip(TARGETS, ODD, strict=True)))
    text = text.replace("  website: Website\n", "")
    account = json.loads((root / "mappings/examples/crm/account_customer.json")
                         .read_text("utf-8"))
    examples = root / "mappings/examples/crm"
    lines = []
    for n, name in enumerate(ODD):
        record = {**account, **{k: "x" for k in ODD if k != name}}
        (examples / f"odd_{n}.json").write_text(json.dumps(record), "utf-8")
        lines.append(f"  - input: ../examples/crm/odd_{n}.json\n"
                     f"    output: ../examples/canonical/customer_from_crm.json\n")
    text = text[:text.index("examples:\n")] + "examples:\n" + "".join(lines)
    spec.write_text(text, "utf-8")
    result = CliRunner().invoke(cli, ["generate", "-w", str(root)])
    assert result.exit_code == 0, result.output
    return root


def test_odd_names_render_identically_in_every_output(tmp_path: Path) -> None:
    import accord

    root = _odd_workspace(tmp_path)
    records = [{**json.loads((root / f"mappings/examples/crm/odd_{n}.json").read_text("utf-8"))}
               for n in range(len(ODD))]
    # the Python API: the tuple, and its rendering
    module = accord.load_transformer(root / "generated/account-to-customer/crm_account.py")
    for record, (name, shown) in zip(records, ODD.items(), strict=True):
        with pytest.raises(TransformError) as caught:
            module.transform(record)
        assert (caught.value.path, caught.value.json_path) == ((name,), shown)
    # accord run: the dead letters
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
    dead = tmp_path / "dead.jsonl"
    result = CliRunner().invoke(cli, ["run", "crm.account_to_customer", "-i", str(source),
                                      "-o", str(tmp_path / "out.jsonl"), "-d", str(dead),
                                      "-w", str(root)])
    assert result.exit_code == 1, result.output
    letters = [json.loads(line) for line in dead.read_text("utf-8").splitlines()]
    assert [(d["path"], d["pointer"]) for d in letters] == [
        (shown, json_pointer((name,))) for name, shown in ODD.items()]
    # accord test examples: text, json and junit
    outputs = {fmt: CliRunner().invoke(cli, ["test", "examples", "-w", str(root),
                                             "--format", fmt])
               for fmt in ("text", "json", "junit")}
    assert all(r.exit_code == 1 for r in outputs.values()), outputs["text"].output
    messages = [d["message"] for d in json.loads(outputs["json"].output)["diagnostics"]]
    junit = ET.fromstring(outputs["junit"].output)
    failures = " ".join(f.get("message", "") + (f.text or "") for f in junit.iter("failure"))
    for n, shown in enumerate(ODD.values()):
        said = f"example odd_{n}: data_quality at {shown}:"
        assert sum(said in m for m in messages) == 1, (said, messages)
        assert printable(said) in outputs["text"].output
        assert said in failures
