"""The static checker against small hand-written schemas."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from accord.check import DictResolver, check_mapping_set
from accord.diagnostics import Diagnostic, Severity
from accord.mapping import load_mappings

SOURCE: dict[str, Any] = {
    "type": "object",
    "required": ["id", "stage"],
    "properties": {
        "id": {"type": "string"},
        "title": {"type": "string"},
        "stage": {"type": "string", "enum": ["won", "lost", "open"]},
        "amount": {"type": ["number", "null"]},
        "account": {"$ref": "#/$defs/Account"},
        "lines": {"type": "array", "items": {"allOf": [{"$ref": "#/$defs/Line"}]}},
    },
    "$defs": {
        "Account": {"type": "object", "properties": {"id": {"type": "string"},
                                                     "name": {"type": "string"}}},
        "Line": {"type": "object", "required": ["hours"],
                 "properties": {"hours": {"type": "number"}, "role": {"type": "string"}}},
    },
}
TARGET: dict[str, Any] = {
    "type": "object", "additionalProperties": False,
    "required": ["name", "status", "customer"],
    "properties": {
        "name": {"type": "string"},
        "status": {"enum": ["active", "closed"]},
        "hours": {"type": "number"},
        "count": {"type": "integer"},
        "flag": {"type": "boolean"},
        "customer": {"type": "object", "required": ["crm_id"],
                     "properties": {"crm_id": {"type": "string"}, "name": {"type": "string"}}},
        "roles": {"type": "array", "items": {
            "type": "object", "required": ["role", "hours"],
            "properties": {"role": {"enum": ["dev", "pm"]}, "hours": {"type": "number"},
                           "opp": {"type": "string"}}}},
    },
}
HEAD = """accord: mapping/v1
name: t.a
version: 1.0.0
source: {system: crm, schema: Opp}
target: {contract: project@1.0.0}
"""
CLEAN = """fields:
  name: {expr: title, default: untitled}
  status: {expr: stage, lookup: {won: active, lost: closed, open: active}}
  hours: "sum(lines[?hours > `0`].hours)"
  customer.crm_id: {expr: account.id, required: true}
  customer.name: account.name
  roles:
    each: lines
    fields:
      role: {expr: role, lookup: {Developer: dev}, on_miss: default, default: dev}
      hours: hours
      opp: parent().id
"""


def check(tmp_path: Path, body: str) -> list[Diagnostic]:
    spec = tmp_path / "mappings" / "flow" / "a.yaml"
    spec.parent.mkdir(parents=True, exist_ok=True)
    spec.write_text(HEAD + body, "utf-8")
    resolver = DictResolver({"crm.Opp": SOURCE, "project@1.0.0": TARGET})
    return check_mapping_set(load_mappings(tmp_path), resolver)


def codes(diags: list[Diagnostic]) -> list[str]:
    return sorted(d.code for d in diags)


def test_a_correct_mapping_is_clean(tmp_path: Path) -> None:
    assert check(tmp_path, CLEAN) == []


def test_unknown_source_path_has_did_you_mean_and_column(tmp_path: Path) -> None:
    [diag] = check(tmp_path, CLEAN.replace("account.id,", "account.idd,"))
    assert diag.code == "ACC410" and "did you mean 'id'" in diag.hint
    assert diag.line == 10 and diag.col == 35  # at "idd" inside the expression
    assert diag.pointer == "/fields/customer.crm_id/expr"


def test_paths_resolve_through_ref_allof_projection_filter_and_each(tmp_path: Path) -> None:
    body = CLEAN.replace("lines[?hours > `0`].hours", "lines[?hourz > `0`].hours") \
        .replace("      hours: hours", "      hours: hourss")
    diags = check(tmp_path, body)
    assert codes(diags) == ["ACC410", "ACC410"]
    assert all("did you mean 'hours'" in d.hint for d in diags)


def test_type_mismatch_and_partial_fit(tmp_path: Path) -> None:
    diags = check(tmp_path, CLEAN + "  flag: title\n  count: amount\n")
    assert [(d.code, d.severity) for d in sorted(diags, key=lambda d: d.line)] == [
        ("ACC420", Severity.ERROR), ("ACC426", Severity.WARNING)]


def test_enum_fit_lookup_coverage_and_free_text(tmp_path: Path) -> None:
    body = CLEAN.replace("{won: active, lost: closed, open: active}", "{won: active, lost: gone}")
    diags = check(tmp_path, body)
    assert codes(diags) == ["ACC422", "ACC424"]  # 'gone' not in enum; 'open' not in table
    assert "'open'" in next(d for d in diags if d.code == "ACC424").message
    free = check(tmp_path, CLEAN.replace(
        "{expr: stage, lookup: {won: active, lost: closed, open: active}}", "title"))
    assert codes(free) == ["ACC421", "ACC425"]


def test_completeness_unknown_target_and_each_on_non_array(tmp_path: Path) -> None:
    body = CLEAN.replace("  name: {expr: title, default: untitled}\n", "") \
        .replace("  customer.crm_id: {expr: account.id, required: true}\n", "") + \
        "  nmae: title\n  hours2: {each: lines, fields: {x: hours}}\n"
    diags = check(tmp_path, body)
    assert codes(diags) == ["ACC430", "ACC430", "ACC431", "ACC431"]
    messages = " ".join(d.message for d in diags)
    assert "name" in messages and "crm_id" in messages
    each = check(tmp_path, CLEAN + "  count: {each: lines, fields: {x: hours}}\n")
    assert "ACC432" in codes(each)


def test_functions_arity_parent_and_lookups(tmp_path: Path) -> None:
    body = CLEAN + "  count: \"lenght(lines)\"\n  flag: \"contains(title)\"\n" \
        "  hours: {expr: amount, lookup: nowhere}\n"
    diags = check(tmp_path, body.replace('  hours: "sum(lines[?hours > `0`].hours)"\n', ""))
    found = {d.code: d for d in diags}
    assert "did you mean length()" in found["ACC412"].hint
    assert "contains() takes 2 arguments, got 1" in found["ACC413"].message
    assert "ACC403" in found
    assert codes(check(tmp_path, CLEAN + "  flag: parent().x\n")).count("ACC414") == 1


def test_required_target_that_may_be_null_is_a_warning(tmp_path: Path) -> None:
    [diag] = check(tmp_path, CLEAN.replace("{expr: account.id, required: true}", "account.id"))
    assert diag.code == "ACC421" and diag.severity is Severity.WARNING
