"""The mapping/v1 format: validation with located findings, expression syntax with a caret."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from accord.cli.main import cli
from accord.errors import LoadError
from accord.mapping import EachRule, FieldRule, NotApplicable, load_mappings, load_spec
from click.testing import CliRunner

HEAD = """accord: mapping/v1
name: t.a
version: 1.0.0
source: {contract: src@1.0.0}
target: {contract: tgt@1.0.0}
"""


def write(tmp_path: Path, body: str, name: str = "a.yaml") -> Path:
    path = tmp_path / "mappings" / "flow" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEAD + body, "utf-8")
    return path


def test_rules_are_typed_with_positions(tmp_path: Path) -> None:
    path = write(tmp_path, """fields:
  name: Name
  customer.crm_id: {expr: Account.Id, default: x, default_on: empty, required: true}
  roles:
    each: "lines[?h > `0`]"
    fields:
      opp: parent().Id
  currency: {n/a: not sold in one}
""")
    spec = load_spec(path, root=tmp_path)
    name, crm, roles, currency = spec.rules
    assert isinstance(name, FieldRule) and name.expr and name.expr.text == "Name"
    assert (name.line, name.col, name.expr.line, name.expr.col) == (7, 3, 7, 9)
    assert isinstance(crm, FieldRule) and crm.target == ("customer", "crm_id")
    assert crm.has_default and crm.default == "x" and crm.required
    assert isinstance(roles, EachRule) and roles.each.col == 12  # inside the quotes
    assert isinstance(roles.rules[0], FieldRule)
    assert isinstance(currency, NotApplicable) and currency.reason == "not sold in one"
    assert spec.flow == "flow"


def test_syntax_error_points_inside_the_expression(tmp_path: Path) -> None:
    write(tmp_path, 'fields:\n  name: "a ~ b"\n')
    [diag] = load_mappings(tmp_path).diagnostics
    assert diag.code == "ACC401"
    assert (diag.line, diag.col) == (7, 12)  # the quote is column 9, "~" is 2 after "a"
    assert "a ~ b\n      ^" in diag.message
    assert diag.pointer == "/fields/name"


def test_format_errors_are_located_with_did_you_mean(tmp_path: Path) -> None:
    write(tmp_path, "fields:\n  name: {expr: x, lokup: t}\n  other:\n")
    diags = load_mappings(tmp_path).diagnostics
    by_code = {(d.code, d.pointer): d for d in diags}
    bad_key = by_code[("ACC400", "/fields/name/lokup")]
    assert (bad_key.line, bad_key.col) == (7, 19) and "did you mean 'lookup'" in bad_key.hint
    assert ("ACC400", "/fields/other") in by_code


def test_endpoint_must_be_exactly_one_kind(tmp_path: Path) -> None:
    path = tmp_path / "mappings" / "flow" / "a.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(HEAD.replace("{contract: tgt@1.0.0}", "{contract: t@1.0.0, system: x}")
                    + "fields: {a: b}\n", "utf-8")
    with pytest.raises(LoadError) as err:
        load_spec(path, root=tmp_path)
    assert [d.pointer for d in err.value.diagnostics] == ["/target"]


def test_lookup_files_and_duplicate_names(tmp_path: Path) -> None:
    write(tmp_path, "fields: {a: b}\n")
    write(tmp_path, "fields: {a: b}\n", "b.yaml")
    lookups = tmp_path / "mappings" / "lookups"
    lookups.mkdir()
    (lookups / "roles.yaml").write_text("accord: lookup/v1\nname: roles\nvalues: {a: 1}\n")
    (lookups / "other.yaml").write_text("accord: lookup/v1\nname: wrong\nvalues: {a: 1}\n")
    result = load_mappings(tmp_path)
    assert list(result.lookups) == ["roles"] and result.lookups["roles"].values == {"a": 1}
    assert sorted(d.code for d in result.diagnostics) == ["ACC405", "ACC406"]


def test_schema_command_prints_the_format() -> None:
    result = CliRunner().invoke(cli, ["schema", "mapping"])
    assert result.exit_code == 0
    schema = json.loads(result.output)
    assert schema["properties"]["accord"] == {"const": "mapping/v1",
                                              "description": "Format marker."}
