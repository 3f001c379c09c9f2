"""Which rules write a null result: the target property admits null, in any spelling."""

from __future__ import annotations

from pathlib import Path

import pytest
from accord.check.null_targets import null_targets
from accord.errors import LoadError
from accord.mapping import load_spec

TARGET = {
    "type": "object",
    "properties": {
        "type_list": {"type": ["string", "null"]},
        "plain": {"type": "string"},
        "one_of": {"oneOf": [{"type": "integer"}, {"type": "null"}]},
        "any_of_ref": {"anyOf": [{"$ref": "#/$defs/money"}, {"type": "null"}]},
        "ref_to_nullable": {"$ref": "#/$defs/maybe"},
        "const_null": {"const": None},
        "enum_null": {"enum": ["a", None]},
        "enum_plain": {"enum": ["a", "b"]},
        "openapi_nullable": {"type": "string", "nullable": True},
        "untyped": {"description": "anything, null included"},
        "money": {"$ref": "#/$defs/money"},
        "lines": {"type": "array", "items": {"$ref": "#/$defs/line"}},
    },
    "$defs": {
        "money": {"type": "object", "properties": {"amount": {"type": "string"},
                                                    "note": {"type": ["string", "null"]}}},
        "maybe": {"type": ["number", "null"]},
        "line": {"type": "object", "properties": {"sku": {"type": "string"},
                                                   "memo": {"type": ["string", "null"]}}},
    },
}

NULLABLE = ["type_list", "one_of", "any_of_ref", "ref_to_nullable", "const_null", "enum_null",
            "openapi_nullable", "untyped", "money.note"]
NOT_NULLABLE = ["plain", "enum_plain", "money.amount", "nope"]


def _spec(tmp_path: Path, fields: list[str], extra: str = "", items: str = "") -> Path:
    body = "".join(f"  {name}: x\n" for name in fields)
    path = tmp_path / "spec.yaml"
    path.write_text("accord: mapping/v1\nname: t.nulls\nversion: 1.0.0\n"
                    "source: {contract: s@1.0.0}\ntarget: {contract: t@1.0.0}\n"
                    f"{extra}fields:\n{body}{items}", "utf-8")
    return path


def test_every_spelling_of_nullable_writes_null_and_the_others_do_not(tmp_path: Path) -> None:
    spec = load_spec(_spec(tmp_path, NULLABLE + NOT_NULLABLE))
    assert null_targets(spec, TARGET) == {f"/fields/{name}" for name in NULLABLE}


def test_each_items_are_judged_against_the_item_schema(tmp_path: Path) -> None:
    items = "  lines:\n    each: items\n    fields: {sku: s, memo: m}\n"
    spec = load_spec(_spec(tmp_path, [], items=items))
    assert null_targets(spec, TARGET) == {"/fields/lines/fields/memo"}


def test_omit_null_on_the_rule_and_as_the_spec_default(tmp_path: Path) -> None:
    path = _spec(tmp_path, [], extra="defaults: {omit_null: true}\n",
                 items="  type_list: x\n  one_of: {expr: x, omit_null: false}\n"
                       "  enum_null: {expr: x, omit_null: true}\n")
    assert null_targets(load_spec(path), TARGET) == {"/fields/one_of"}
    path = _spec(tmp_path, [], items="  type_list: x\n  enum_null: {expr: x, omit_null: true}\n")
    assert null_targets(load_spec(path), TARGET) == {"/fields/type_list"}


@pytest.mark.parametrize("extra, items", [
    ("defaults: {omit_null: yes}\n", "  plain: x\n"),
    ("defaults: {omit_nul: true}\n", "  plain: x\n"),
    ("", "  plain: {expr: x, omit_null: 1}\n"),
])
def test_a_malformed_omit_null_is_a_located_format_finding(tmp_path: Path, extra: str,
                                                           items: str) -> None:
    with pytest.raises(LoadError) as caught:
        load_spec(_spec(tmp_path, [], extra=extra, items=items))
    diags = caught.value.diagnostics
    assert [d.code for d in diags] == ["ACC400"]
    assert diags[0].line in (6, 7)
