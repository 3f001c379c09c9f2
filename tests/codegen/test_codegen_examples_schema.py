"""Golden outputs are validated against the mapping's target schema (ACC444), located."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import accord
import pytest
from accord.check import DictResolver
from accord.cli.main import cli
from accord.codegen.examples import run_examples
from accord.mapping import load_mappings
from click.testing import CliRunner

REPO = Path(__file__).resolve().parents[2]

SOURCE: dict[str, Any] = {"type": "object"}
TARGET: dict[str, Any] = {
    "type": "object", "additionalProperties": False, "required": ["code", "lines"],
    "properties": {
        "code": {"type": "string", "pattern": "^[A-Z]+$"},
        "lines": {"type": "array", "items": {
            "type": "object", "additionalProperties": False,
            "properties": {"qty": {"type": "number"}, "note": {"type": "string"}}}},
    },
}
SPEC = """accord: mapping/v1
name: t.schema
version: 1.0.0
source: {contract: src@1.0.0}
target: {contract: tgt@1.0.0}
when: "!skip"
fields:
  code: code
  lines: {each: items, fields: {qty: q, note: n}}
examples:
  - {input: in.json, output: out.json}
"""
RESOLVER = DictResolver({"src@1.0.0": SOURCE, "tgt@1.0.0": TARGET})


def workspace(tmp_path: Path, record: dict[str, Any], expected_text: str) -> Path:
    folder = tmp_path / "mappings" / "flow"
    folder.mkdir(parents=True)
    (folder / "spec.yaml").write_text(SPEC, "utf-8")
    (folder / "in.json").write_text(json.dumps(record), "utf-8")
    (folder / "out.json").write_text(expected_text, "utf-8")
    return tmp_path


def test_a_valid_golden_output_passes(tmp_path: Path) -> None:
    root = workspace(tmp_path, {"code": "AB", "items": [{"q": 1}]},
                     '{"code": "AB", "lines": [{"qty": 1}]}')
    results, diags = run_examples(root, load_mappings(root), resolver=RESOLVER)
    assert diags == [] and [r.passed for r in results] == [True]


def test_an_output_the_target_rejects_fails_located_in_the_example_file(
        tmp_path: Path) -> None:
    # The transformer agrees with the golden file: only the schema check can catch it.
    expected = ('{\n  "code": "AB",\n  "lines": [\n    {"qty": 1},\n'
                '    {"qty": "2", "note": "n"}\n  ]\n}\n')
    root = workspace(tmp_path, {"code": "AB", "items": [{"q": 1}, {"q": "2", "n": "n"}]},
                     expected)
    results, diags = run_examples(root, load_mappings(root), resolver=RESOLVER)
    assert [r.passed for r in results] == [False]
    [diag] = diags
    assert diag.code == "ACC444"
    assert diag.file == "mappings/flow/out.json"
    assert (diag.line, diag.col) == (5, 13)  # the "2" on line 5
    assert diag.pointer == "/lines/1/qty"
    assert "$.lines[1].qty" in diag.message and "number" in diag.message
    assert "tgt@1.0.0" in diag.message and "out.json" in diag.hint
    assert results[0].violations == (diag,)


def test_every_violation_is_reported_with_its_own_location(tmp_path: Path) -> None:
    expected = '{"code": "ab",\n "lines": [{"qty": 1, "extra": true}],\n "extra": 1}'
    record = {"code": "ab", "items": [{"q": 1}]}
    root = workspace(tmp_path, record, expected)
    # The transformer does not write "extra": a mismatch (ACC440) and the schema findings.
    results, diags = run_examples(root, load_mappings(root), resolver=RESOLVER)
    assert sorted(d.code for d in diags) == ["ACC440", "ACC444", "ACC444", "ACC444"]
    found = {d.pointer: d for d in diags if d.code == "ACC444"}
    assert set(found) == {"", "/code", "/lines/0"}
    assert found["/code"].line == 1 and "does not match" in found["/code"].message
    assert found["/lines/0"].line == 2 and "extra" in found["/lines/0"].message
    assert found[""].line == 1 and "extra" in found[""].message
    assert not results[0].passed


def test_a_skipped_record_has_no_output_to_validate(tmp_path: Path) -> None:
    root = workspace(tmp_path, {"skip": True, "code": "AB"}, "null")
    results, diags = run_examples(root, load_mappings(root), resolver=RESOLVER)
    assert diags == [] and [r.passed for r in results] == [True]


def test_without_a_resolver_or_a_resolvable_target_only_equality_is_checked(
        tmp_path: Path) -> None:
    root = workspace(tmp_path, {"code": "ab", "items": []}, '{"code": "ab", "lines": []}')
    for resolver in (None, DictResolver({})):
        results, diags = run_examples(root, load_mappings(root), resolver=resolver)
        assert diags == [] and [r.passed for r in results] == [True]
    results, diags = run_examples(root, load_mappings(root), resolver=RESOLVER)
    assert [d.code for d in diags] == ["ACC444"] and diags[0].pointer == "/code"


def test_an_unparseable_target_schema_is_reported_once(tmp_path: Path) -> None:
    root = workspace(tmp_path, {"code": "AB", "items": []}, '{"code": "AB", "lines": []}')
    broken = DictResolver({"tgt@1.0.0": {"type": "no-such-type"}})
    results, diags = run_examples(root, load_mappings(root), resolver=broken)
    assert [d.code for d in diags] == ["ACC444"]
    assert diags[0].file == "mappings/flow/spec.yaml" and diags[0].pointer == "/target"
    assert [r.passed for r in results] == [True]


def test_repository_golden_outputs_satisfy_their_targets() -> None:
    ws = accord.load_workspace(REPO)
    results, diags = ws.examples()
    assert diags == [], "\n".join(d.format() for d in diags)
    specs = {r.spec for r in results}
    for spec in ("mappings/employee-to-resource/bamboohr_employee.yaml",
                 "mappings/time-to-actuals/xero_projects_time_entry.yaml",
                 "mappings/invoice-to-status/xero_invoice.yaml"):
        assert spec in specs
    assert all(r.passed for r in results)


def test_cli_reports_a_golden_output_that_breaks_the_contract(
        reference_workspace: Path) -> None:
    # A lookup that writes lower-case legal entity codes: the golden file, updated to match the
    # transformer, still breaks resource@1.0.0's code pattern, and `accord test examples` says
    # where.
    root = reference_workspace
    table = root / "mappings" / "lookups" / "legal_entity_by_location.yaml"
    table.write_text(table.read_text("utf-8").replace("LE-US-001", "le-us-001"), "utf-8")
    golden = root / "mappings" / "examples" / "canonical" / "resource_from_bamboohr_active.json"
    text = golden.read_text("utf-8").replace('"LE-US-001"', '"le-us-001"')
    golden.write_text(text, "utf-8")
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "le-us-001" in row)
    result = CliRunner().invoke(cli, ["test", "examples", str(root), "--mapping",
                                      "bamboohr.employee_to_resource"])
    assert result.exit_code == 1, result.output
    assert f"mappings/examples/canonical/resource_from_bamboohr_active.json:{line}:" \
        in result.output
    assert "ACC444" in result.output and "$.legal_entity" in result.output
    assert "FAIL mappings/employee-to-resource/bamboohr_employee.yaml :: " \
        "employee_active_salaried" in result.output
    data = CliRunner().invoke(cli, ["test", "examples", str(root), "--format", "json",
                                    "--mapping", "bamboohr.employee_to_resource"])
    assert data.exit_code == 1 and '"/legal_entity"' in data.output


def test_a_boolean_written_instead_of_a_number_names_its_path(tmp_path: Path) -> None:
    # True == 1 in Python; the example fails on it (JSON equality: true is not 1), and the
    # finding must say where. (2 and 2.0 are the same JSON number: issue 12 §2.)
    root = workspace(tmp_path, {"code": "AB", "items": [{"q": True}]},
                     '{"code": "AB", "lines": [{"qty": 1}]}')
    _results, diags = run_examples(root, load_mappings(root), resolver=RESOLVER)
    [diag] = diags
    assert diag.code == "ACC440" and "$.lines[0].qty" in diag.message
    assert diag.line == 9  # the `lines:` rule, whose inline `qty: q` wrote it


@pytest.mark.parametrize(("text", "where", "problem"), [
    ('{"code": "A",\n  "lines": [}', "mappings/flow/out.json:2:13", "is not valid JSON"),
    ("[" * 300, "mappings/flow/out.json is", "nested more than 64 levels deep (line 1,"),
])
def test_an_example_file_that_is_not_json_is_named_with_its_line(
        tmp_path: Path, text: str, where: str, problem: str) -> None:
    """ACC442 names the example file (and where in it), not only the spec's example entry."""
    root = workspace(tmp_path, {"code": "A", "items": []}, text)
    results, diags = run_examples(root, load_mappings(root), resolver=RESOLVER)
    [diag] = [r.diagnostic for r in results]
    assert diag is not None and diag.code == "ACC442" and diags == [diag]
    assert (diag.file, diag.line) == ("mappings/flow/spec.yaml", 11)  # the example entry
    assert f"example in: {where}" in diag.message and problem in diag.message
    assert diag.extra["example_file"] == "mappings/flow/out.json"
