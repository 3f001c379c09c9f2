"""The checker's path index: which source pointers each rule reads, which target pointer it
writes, at which line — through ``$ref``, ``each``, projections, filters and functions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from accord.check import DictResolver
from accord.check.path_index import Access, PathUse, index_mapping_set
from accord.mapping import load_mappings

MONEY = {"type": "object", "required": ["amount"],
         "properties": {"amount": {"type": "string"}, "currency": {"type": "string"}}}
SOURCE: dict[str, Any] = {
    "type": "object",
    "properties": {
        "id": {"type": "string"},
        "total": {"$ref": "#/$defs/Money"},
        "tax": {"$ref": "#/$defs/Money"},
        "account": {"allOf": [{"$ref": "#/$defs/Account"}]},
        "lines": {"type": "array", "items": {"$ref": "#/$defs/Line"}},
        "extra": {"type": "object", "additionalProperties": True},
    },
    "$defs": {
        "Money": MONEY,
        "Account": {"type": "object", "properties": {"name": {"type": "string"}}},
        "Line": {"type": "object", "properties": {"hours": {"type": "number"},
                                                  "price": {"$ref": "#/$defs/Money"},
                                                  "active": {"type": "boolean"}}},
    },
}
TARGET: dict[str, Any] = {"type": "object"}
SPEC = """accord: mapping/v1
name: t.index
version: 1.0.0
source: {system: crm, schema: Opp}
target: {contract: project@1.0.0}
key: id
fields:
  total: total.amount
  tax_currency: tax.currency
  customer.name: account.name
  hours: "sum(lines[?active].hours)"
  note: extra.free.text
  roles:
    each: lines
    fields:
      price: price.amount
      opp: parent().id
  sorted:
    each: "sort_by(lines, &hours)"
    fields:
      h: hours
"""


def index(tmp_path: Path) -> list[PathUse]:
    spec = tmp_path / "mappings" / "flow" / "a.yaml"
    spec.parent.mkdir(parents=True, exist_ok=True)
    spec.write_text(SPEC, "utf-8")
    resolver = DictResolver({"crm.Opp": SOURCE, "project@1.0.0": TARGET})
    return index_mapping_set(load_mappings(tmp_path), resolver)


def reads(uses: list[PathUse]) -> dict[int, set[str]]:
    out: dict[int, set[str]] = {}
    for u in uses:
        if u.access is Access.READ:
            out.setdefault(u.line, set()).add(u.pointer)
    return out


def test_reads_through_ref_are_named_by_the_property_that_refers(tmp_path: Path) -> None:
    found = reads(index(tmp_path))
    # one $defs/Money node, reached through two properties: two different pointers
    assert found[8] == {"/properties/total/properties/amount"}
    assert found[9] == {"/properties/tax/properties/currency"}
    assert found[10] == {"/properties/account/properties/name"}  # allOf + $ref


def test_reads_through_projection_filter_and_each(tmp_path: Path) -> None:
    found = reads(index(tmp_path))
    assert found[11] == {"/properties/lines/items/properties/active",
                         "/properties/lines/items/properties/hours"}
    assert found[14] == {"/properties/lines"}  # the each expression
    assert found[16] == {"/properties/lines/items/properties/price/properties/amount"}
    assert found[17] == {"/properties/id"}  # parent() is the record
    assert found[6] == {"/properties/id"}  # the spec's key
    # a computed array (sort_by) still iterates the items of lines
    assert found[21] == {"/properties/lines/items/properties/hours"}


def test_reads_go_on_below_nodes_the_schema_leaves_open(tmp_path: Path) -> None:
    found = reads(index(tmp_path))
    assert found[12] == {"/properties/extra/properties/free/properties/text"}


def test_writes_are_target_pointers_with_items_for_each(tmp_path: Path) -> None:
    writes = {(u.line, u.pointer) for u in index(tmp_path) if u.access is Access.WRITE}
    assert (10, "/properties/customer/properties/name") in writes
    assert (13, "/properties/roles/items") in writes
    assert (16, "/properties/roles/items/properties/price") in writes
    uses = index(tmp_path)
    assert all(u.spec == "mappings/flow/a.yaml" for u in uses)
    assert {u.endpoint for u in uses if u.access is Access.WRITE} == {"project@1.0.0"}
    assert {u.endpoint for u in uses if u.access is Access.READ} == {"crm:Opp"}


def test_a_source_that_does_not_resolve_still_indexes_writes(tmp_path: Path) -> None:
    spec = tmp_path / "mappings" / "flow" / "a.yaml"
    spec.parent.mkdir(parents=True, exist_ok=True)
    spec.write_text(SPEC, "utf-8")
    uses = index_mapping_set(load_mappings(tmp_path), DictResolver({}))
    assert any(u.access is Access.WRITE and u.line == 8 for u in uses)
