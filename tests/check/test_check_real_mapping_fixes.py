"""Checker fixes found while writing the reference mappings.

- `&&` passes on a falsy left operand and `||` only a truthy one: no false type warnings.
- A path inside an `each` block is named from the source array, not the target property.
- What the spec itself writes (lookup outputs, defaults, literals) must fit the target's
  pattern and length (ACC427), not only its type.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from accord.check import DictResolver, check_mapping_set
from accord.diagnostics import Diagnostic
from accord.mapping import load_mappings

SOURCE: dict[str, Any] = {
    "type": "object",
    "properties": {"hours": {"type": ["integer", "null"]},
                   "first": {"type": ["string", "null"]}, "nick": {"type": ["string", "null"]},
                   "kind": {"type": "string", "enum": ["a", "bb"]},
                   "jobs": {"type": "array", "items": {
                       "type": "object", "properties": {"title": {"type": "string"}}}}},
}
TARGET: dict[str, Any] = {
    "type": "object", "additionalProperties": False,
    "properties": {"name": {"type": "string"}, "flag": {"type": "boolean"},
                   "code": {"$ref": "#/$defs/code"},
                   "roles": {"type": "array", "items": {
                       "type": "object", "properties": {"label": {"type": "string"}}}}},
    "$defs": {"code": {"type": "string", "pattern": "^[A-Z]+$", "maxLength": 4}},
}
HEAD = """accord: mapping/v1
name: t.truthy
version: 1.0.0
source: {system: hr, schema: Person}
target: {contract: person@1.0.0}
fields:
"""


def check(tmp_path: Path, rule: str) -> list[Diagnostic]:
    spec = tmp_path / "mappings" / "flow" / "a.yaml"
    spec.parent.mkdir(parents=True, exist_ok=True)
    spec.write_text(HEAD + rule + "\n", "utf-8")
    resolver = DictResolver({"hr.Person": SOURCE, "person@1.0.0": TARGET})
    return check_mapping_set(load_mappings(tmp_path), resolver)


def test_and_then_or_null_gives_the_string_only(tmp_path: Path) -> None:
    # false && ... falls through `||`, so only nick (or null) comes out.
    diags = check(tmp_path, "  name: \"nick != first && nick || `null`\"")
    assert diags == []


def test_and_alone_may_still_give_false(tmp_path: Path) -> None:
    diags = check(tmp_path, "  name: \"nick != first && nick\"")
    assert [d.code for d in diags] == ["ACC426"]
    assert "boolean" in diags[0].message


def test_and_after_a_nullable_number_gives_only_the_right_operand(tmp_path: Path) -> None:
    """`hours && first`: a number is never falsy in JMESPath (0 is truthy), so the left
    operand only ever passes on null; the string fits a string target."""
    assert check(tmp_path, "  name: \"hours && first\"") == []


def test_and_after_a_nullable_number_still_types_the_right_operand(tmp_path: Path) -> None:
    # only the boolean (or null) comes out: a plain mismatch, not a partial fit
    diags = check(tmp_path, "  name: \"hours && kind == 'a'\"")
    assert [(d.code, d.message) for d in diags] == [
        ("ACC420", "name: the rule gives boolean, the target wants string")]


def test_or_keeps_a_plain_boolean_left_operand(tmp_path: Path) -> None:
    # `a == b || 'x'` can give true: the boolean stays in the type.
    diags = check(tmp_path, "  name: \"nick == first || 'x'\"")
    assert [d.code for d in diags] == ["ACC426"]


def test_boolean_and_boolean_still_fits_a_boolean(tmp_path: Path) -> None:
    assert check(tmp_path, "  flag: \"nick == first && first != `null`\"") == []


def test_each_paths_are_named_from_the_source_array(tmp_path: Path) -> None:
    diags = check(tmp_path, "  roles:\n    each: jobs\n    fields:\n      label: titel")
    assert [d.code for d in diags] == ["ACC410"]
    assert "$.jobs[*].titel" in diags[0].message
    assert "roles" not in diags[0].message
    assert diags[0].hint == "did you mean 'title'?"


def test_each_over_an_expression_names_it_in_parentheses(tmp_path: Path) -> None:
    rule = "  roles:\n    each: \"jobs[?title != 'x']\"\n    fields:\n      label: titel"
    diags = check(tmp_path, rule)
    assert [d.code for d in diags] == ["ACC410"]
    assert "$.(jobs[?title != 'x'])[*].titel" in diags[0].message


def test_lookup_outputs_that_break_the_target_pattern_are_errors(tmp_path: Path) -> None:
    rule = "  code: {expr: nick, lookup: {x: ABC, y: abc, z: ABCDEFG}, on_miss: default}"
    [diag] = check(tmp_path, rule)
    assert diag.code == "ACC427" and diag.severity == "error"
    assert "'abc' does not match the pattern ^[A-Z]+$" in diag.message
    assert "'ABCDEFG' is longer than 4 characters" in diag.message
    assert "'ABC'" not in diag.message


def test_defaults_and_literals_are_checked_too(tmp_path: Path) -> None:
    assert [d.code for d in check(tmp_path, "  code: {expr: nick, default: n-a}")] == [
        "ACC427"]
    assert [d.code for d in check(tmp_path, "  code: \"'lower'\"")] == ["ACC427"]
    assert check(tmp_path, "  code: \"'OK'\"") == []


def test_source_values_are_left_to_run_time(tmp_path: Path) -> None:
    # The source enum holds lower-case values, but whether they arrive is the data's business.
    assert check(tmp_path, "  code: kind") == []
