"""The rules of an ``each`` item are pasted into the loop over the items (no call per item)
when they can be; nested ``each`` and items needing functions keep a function per item.
Both give the same outputs and the same errors (with the item's index in the path)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from accord.errors import TransformError
from spec_modules import module

ITEMS = """  id: id
  lines:
    each: xs
    fields:
      n: {expr: n, required: true}
      amount.value: "to_string(round(multiply(n, p), `2`))"
      amount.currency: {expr: parent().currency, default: USD}
      source: {expr: parent().id, when: "n > `1`"}
"""


def test_simple_items_are_mapped_in_the_loop(tmp_path: Path) -> None:
    mod, text = module(tmp_path, ITEMS)
    assert "def _map_1(" not in text and "row: dict[str, Any] = {}" in text
    assert re.search(r"# mappings/flow/spec\.yaml:\d+ source\n", text)
    record = {"id": "o1", "currency": "EUR",
              "xs": [{"n": 1, "p": 2.5}, {"n": 3, "p": 0.1}, {"n": 2, "p": 7}]}
    assert mod.transform(record) == {"id": "o1", "lines": [
        {"n": 1, "amount": {"value": "2.5", "currency": "EUR"}},
        {"n": 3, "amount": {"value": "0.3", "currency": "EUR"}, "source": "o1"},
        {"n": 2, "amount": {"value": "14", "currency": "EUR"}, "source": "o1"},
    ]}
    assert mod.transform({"id": "o2", "xs": []}) == {"id": "o2", "lines": []}
    assert mod.transform({"id": "o2"}) == {"id": "o2"}


def test_an_item_error_names_the_item(tmp_path: Path) -> None:
    mod, _ = module(tmp_path, ITEMS)
    with pytest.raises(TransformError) as caught:
        mod.transform({"id": "o1", "xs": [{"n": 1, "p": 1}, {"p": 1}]})
    assert caught.value.path == ("xs", 1, "n")
    with pytest.raises(TransformError) as caught:
        mod.transform({"id": "o1", "xs": [{"n": 1, "p": 1}, "not an object"]})
    assert caught.value.path == ("xs", 1, "n")
    with pytest.raises(TransformError, match="expects an array"):
        mod.transform({"id": "o1", "xs": "not a list"})


def test_nested_each_and_items_needing_functions_keep_a_function(tmp_path: Path) -> None:
    nested = ("  groups:\n    each: gs\n    fields:\n      name: name\n"
              "      members:\n        each: ms\n        fields:\n          id: id\n")
    mod, text = module(tmp_path, nested)
    assert "def _map_1(" in text  # the group has an `each`; its members are in its loop
    assert mod.transform({"gs": [{"name": "a", "ms": [{"id": 1}, {"id": 2}]}]}) == {
        "groups": [{"name": "a", "members": [{"id": 1}, {"id": 2}]}]}


def test_items_with_an_expression_needing_a_function(tmp_path: Path) -> None:
    fields = "  lines:\n    each: xs\n    fields:\n      top: \"max_by(ys, &n).n\"\n      n: n\n"
    mod, text = module(tmp_path, fields)
    assert "def _map_1(" in text and "def _expr_" in text
    assert mod.transform({"xs": [{"n": 1, "ys": [{"n": 2}, {"n": 5}]}]}) == {
        "lines": [{"top": 5, "n": 1}]}


def test_the_record_rules_are_transform_itself(tmp_path: Path) -> None:
    fields = ("  me: root().id\n  up: parent()\n  sorted: \"sort_by(xs, &n)[*].n\"\n"
              "  groups:\n    each: gs\n    fields:\n      top: root().id\n"
              "      members:\n        each: ms\n        fields:\n          top: root().id\n")
    mod, text = module(tmp_path, fields)
    assert "def _map_0(" not in text and "    root = record\n" in text
    assert "    parent = None  # no parent() at the top level\n" in text
    record = {"id": "r", "xs": [{"n": 2}, {"n": 1}], "gs": [{"ms": [{}]}]}
    assert mod.transform(record) == {"me": "r", "sorted": [1, 2],
                                     "groups": [{"top": "r", "members": [{"top": "r"}]}]}
