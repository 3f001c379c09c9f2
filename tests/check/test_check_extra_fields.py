"""`extra_fields` on a source: a tenant's custom fields become readable (and type-checked)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from accord.check import DictResolver, check_mapping_set
from accord.diagnostics import Diagnostic
from accord.mapping import load_mappings

SOURCE: dict[str, Any] = {
    "$defs": {"name": {"type": "string"}},
    "type": "object",
    "properties": {"first": {"$ref": "#/$defs/name"}},
}
TARGET: dict[str, Any] = {
    "type": "object", "additionalProperties": False,
    "properties": {"name": {"type": "string"}, "number": {"type": "string"},
                   "level": {"type": "integer"}},
}


def check(tmp_path: Path, source: str, fields: str) -> list[Diagnostic]:
    spec = tmp_path / "mappings" / "flow" / "a.yaml"
    spec.parent.mkdir(parents=True, exist_ok=True)
    spec.write_text("accord: mapping/v1\nname: t.extra\nversion: 1.0.0\n"
                    f"source: {source}\ntarget: {{contract: person@1.0.0}}\n"
                    f"fields:\n{fields}", "utf-8")
    resolver = DictResolver({"hr.Person": SOURCE, "person@1.0.0": TARGET})
    return check_mapping_set(load_mappings(tmp_path), resolver)


def codes(diags: list[Diagnostic]) -> list[str]:
    return [d.code for d in diags]


def test_an_undeclared_field_is_an_unknown_path(tmp_path: Path) -> None:
    diags = check(tmp_path, "{system: hr, schema: Person}",
                  "  name: first\n  number: employeeNumber\n")
    assert "ACC410" in codes(diags)


def test_extra_fields_make_it_readable_and_keep_refs_working(tmp_path: Path) -> None:
    diags = check(tmp_path,
                  "{system: hr, schema: Person, extra_fields: {employeeNumber: {type: string}}}",
                  "  name: first\n  number: employeeNumber\n")
    assert diags == [], [d.format() for d in diags]


def test_extra_fields_are_type_checked(tmp_path: Path) -> None:
    diags = check(tmp_path,
                  "{system: hr, schema: Person, extra_fields: {grade: {type: string}}}",
                  "  name: first\n  level: grade\n")
    assert "ACC420" in codes(diags), [d.format() for d in diags]


def test_extra_fields_on_a_target_are_refused(tmp_path: Path) -> None:
    spec = tmp_path / "mappings" / "flow" / "a.yaml"
    spec.parent.mkdir(parents=True, exist_ok=True)
    spec.write_text("accord: mapping/v1\nname: t.extra\nversion: 1.0.0\n"
                    "source: {system: hr, schema: Person}\n"
                    "target: {contract: person@1.0.0, extra_fields: {x: {type: string}}}\n"
                    "fields:\n  name: first\n", "utf-8")
    resolver = DictResolver({"hr.Person": SOURCE, "person@1.0.0": TARGET})
    diags = check_mapping_set(load_mappings(tmp_path), resolver)
    (diag,) = [d for d in diags if d.code == "ACC407"]
    assert diag.line == 5 and diag.pointer == "/target/extra_fields"
