"""An error inside an `each` over a filter names the real source item
(``$.OpportunityLineItems.records[1].Role__c``), not its place in the mapped subset."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from accord.errors import TransformError
from spec_modules import module


def _record(first_role: str | None) -> dict[str, Any]:
    first: dict[str, Any] = {"Hours__c": 0}
    if first_role is not None:
        first["Role__c"] = first_role
    return {"OpportunityLineItems": {"records": [
        first,  # no hours: left out by the filter
        {"Hours__c": 8},  # the first item the filter keeps: no role
        {"Hours__c": 4, "Role__c": "Dev"},
    ]}}


@pytest.mark.parametrize(("case", "each", "record", "source"), [
    ("filter", "OpportunityLineItems.records[?Hours__c > `0`]", _record("PM"), 1),
    ("projection", "OpportunityLineItems.records[*]",  # drops the null: positions shift
     {"OpportunityLineItems": {"records": [None, {"Role__c": "PM"}, {"Hours__c": 8}]}}, 2),
    ("first", "OpportunityLineItems.records[*]", _record(None), 0),
], ids=["filter", "projection", "projection-first"])
@pytest.mark.parametrize("item_function", [False, True], ids=["pasted", "function"])
def test_an_error_in_a_filtered_item_names_the_source_item(
        tmp_path: Path, case: str, each: str, record: dict[str, Any], source: int,
        item_function: bool) -> None:
    extra = ("\n      tags:\n        each: tags\n        fields: {t: '@'}"
             if item_function else "")  # a nested each: the item gets a function of its own
    fields = (f"  roles:\n    each: \"{each}\"\n    fields:\n"
              f"      role: {{expr: Role__c, required: true}}{extra}\n")
    mod, text = module(tmp_path, fields)
    assert ("def _map_" in text) is item_function
    with pytest.raises(TransformError) as caught:
        mod.transform(record)
    assert caught.value.path == ("OpportunityLineItems", "records", source, "Role__c")
    assert caught.value.json_path == f"$.OpportunityLineItems.records[{source}].Role__c"
    assert caught.value.pointer == f"/OpportunityLineItems/records/{source}/Role__c"
    # the output position stays the item's place among those mapped
    assert caught.value.target == ("roles", {"filter": 0, "projection": 1}.get(case, 0), "role")


def test_a_plain_path_keeps_its_index(tmp_path: Path) -> None:
    fields = "  roles:\n    each: lines\n    fields:\n      role: {expr: r, required: true}\n"
    mod, _ = module(tmp_path, fields)
    with pytest.raises(TransformError) as caught:
        mod.transform({"lines": [{"r": 1}, {"x": 2}]})
    assert caught.value.path == ("lines", 1, "r")
