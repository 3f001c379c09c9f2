"""The checker warns where a value that may be null reaches to_string() (ACC470: it gives the
text "null") or an idempotency key (ACC471: the record is dead-lettered), with the line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from accord.check import DictResolver, check_mapping_set
from accord.diagnostics import Diagnostic, Severity
from accord.mapping import load_mappings

SOURCE: dict[str, Any] = {
    "type": "object",
    "required": ["id", "acct"],
    "properties": {
        "id": {"type": "integer"},
        "opt": {"type": "integer"},
        "odd.name": {"type": "integer"},  # a dot in one name: not a path of two
        "maybe": {"type": ["integer", "null"]},
        "rate": {"type": ["string", "null"]},
        "acct": {"type": "object", "required": ["code"],
                 "properties": {"code": {"type": "integer"}, "ref": {"type": "integer"}}},
    },
}
TARGET: dict[str, Any] = {"type": "object", "properties": {"a": {"type": "string"}}}
HEAD = """accord: mapping/v1
name: t.nulls
version: 1.0.0
source: {system: s, schema: S}
target: {contract: t@1.0.0}
"""


def check(tmp_path: Path, body: str) -> list[Diagnostic]:
    spec = tmp_path / "mappings" / "flow" / "a.yaml"
    spec.parent.mkdir(parents=True, exist_ok=True)
    spec.write_text(HEAD + body, "utf-8")
    resolver = DictResolver({"s.S": SOURCE, "t@1.0.0": TARGET})
    return check_mapping_set(load_mappings(tmp_path), resolver)


@pytest.mark.parametrize("expr, shown", [
    ("to_string(opt)", "$.opt"),
    ("to_string(maybe)", "$.maybe"),
    ("to_string(acct.ref)", "$.acct.ref"),
    ("join('-', ['x', to_string(opt)])", "$.opt"),
])
def test_to_string_of_a_value_that_may_be_null_is_a_located_warning(
        tmp_path: Path, expr: str, shown: str) -> None:
    diags = check(tmp_path, f'fields:\n  a: "{expr}"\n')
    assert [(d.code, d.severity, d.line) for d in diags] == [("ACC470", Severity.WARNING, 7)]
    assert shown in diags[0].message
    assert diags[0].col == 7 + expr.index("to_string")  # after `  a: "`


@pytest.mark.parametrize("rule", [
    'a: "to_string(id)"',
    'a: "to_string(acct.code)"',
    'a: {expr: "to_string(opt)", when: "opt != `null`"}',
    'a: {expr: "to_string(acct.ref)", when: "acct.ref"}',
    'a: "if(opt != `null`, to_string(opt))"',
    'a: "if(!(maybe == `null`), to_string(maybe))"',
    'a: "rate && to_string(rate)"',
    'a: "to_string(coalesce(opt, `0`))"',
    'a: {expr: "split(rate, \' \')[0]", when: "rate != `null`"}',
])
def test_no_warning_where_the_value_cannot_be_null(tmp_path: Path, rule: str) -> None:
    assert check(tmp_path, f"fields:\n  {rule}\n") == []


def test_a_key_part_that_may_be_null_is_a_warning_on_the_key_line(tmp_path: Path) -> None:
    body = "key: \"join('|', [to_string(id), to_string(opt), acct.ref, maybe || ''])\"\n" \
           "fields:\n  a: \"to_string(id)\"\n"
    diags = check(tmp_path, body)
    assert [(d.code, d.severity, d.line, d.pointer) for d in diags] == [
        ("ACC471", Severity.WARNING, 6, "/key"), ("ACC471", Severity.WARNING, 6, "/key")]
    assert [d.extra["part"] for d in diags] == ["$.opt", "$.acct.ref"]


def test_a_key_from_parts_that_are_always_there_is_clean(tmp_path: Path) -> None:
    body = "key: \"join('|', [to_string(id), to_string(acct.code)])\"\nfields:\n  a: \"'x'\"\n"
    assert check(tmp_path, body) == []


def test_the_reference_mappings_convert_no_nullable_id(repo_root: Path) -> None:
    import accord

    diags = accord.load_workspace(repo_root).check()
    assert [d.format() for d in diags if d.code == "ACC470"] == []


@pytest.mark.parametrize("body", [
    # a required rule fails the record in transform() before the key is computed
    "key: \"join('|', [to_string(opt), 'x'])\"\nfields:\n  a: {expr: opt, required: true}\n",
    "key: \"join('|', [to_string(opt), 'x'])\"\n"
    "fields:\n  a: {expr: \"if(opt != `null`, to_string(opt))\", required: true}\n",
    # a name with a dot: the required rule's if() covers that one property
    "key: 'to_string(\"odd.name\")'\n"
    "fields:\n  a: {expr: 'if(\"odd.name\" != `null`, to_string(\"odd.name\"))', "
    "required: true}\n",
    # records without it are skipped by the spec's `when`
    "when: \"opt != `null`\"\nkey: \"to_string(opt)\"\nfields:\n  a: \"'x'\"\n",
])
def test_no_key_warning_where_the_record_fails_or_is_skipped_first(tmp_path: Path,
                                                                    body: str) -> None:
    assert [d.code for d in check(tmp_path, body)
            if d.code in ("ACC470", "ACC471")] == []


def test_a_required_rule_with_a_fallback_does_not_cover_the_key(tmp_path: Path) -> None:
    body = ("key: \"to_string(opt)\"\n"
            "fields:\n  a: {expr: \"to_string(coalesce(opt, `1`))\", required: true}\n")
    assert [d.code for d in check(tmp_path, body)] == ["ACC471"]
