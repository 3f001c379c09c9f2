"""A rule's lookup reads a string through its table once: a miss keeps the value
(``passthrough``) or gives the default (``default``) inline; numbers and booleans go by their
JSON text and an ``error`` miss fails the record, as before."""

from __future__ import annotations

from pathlib import Path

import pytest
from accord.errors import TransformError
from spec_modules import module

FIELDS = """  kept: {expr: a, lookup: {x: X, "1": one, "true": T, n: null}, on_miss: passthrough}
  chosen: {expr: a, lookup: {x: X, "1": one}, on_miss: default, default: D}
  strict: {expr: b, lookup: {x: X}, on_miss: error}
"""


@pytest.mark.parametrize(("record", "expected"), [
    ({"a": "x", "b": "x"}, {"kept": "X", "chosen": "X", "strict": "X"}),
    ({"a": "zz", "b": "x"}, {"kept": "zz", "chosen": "D", "strict": "X"}),
    ({"a": 1, "b": "x"}, {"kept": "one", "chosen": "one", "strict": "X"}),
    ({"a": True, "b": "x"}, {"kept": "T", "chosen": "D", "strict": "X"}),
    ({"a": 2.5, "b": "x"}, {"kept": 2.5, "chosen": "D", "strict": "X"}),
    ({"b": "x"}, {"chosen": "D", "strict": "X"}),
])
def test_lookup_hits_and_misses(tmp_path: Path, record: dict[str, object],
                                expected: dict[str, object]) -> None:
    mod, text = module(tmp_path, FIELDS)
    assert ".get(value, value)" in text and ".get(value, 'D')" in text
    assert mod.transform(record) == expected


def test_an_error_miss_fails_the_record(tmp_path: Path) -> None:
    mod, _ = module(tmp_path, FIELDS)
    with pytest.raises(TransformError, match="no lookup entry"):
        mod.transform({"a": "x", "b": "nope"})


#: tables with no number-like key: one dict read, no type test (a number or boolean misses)
TEXT_FIELDS = """  kept: {expr: a, lookup: {x: X, n: N}, on_miss: passthrough}
  chosen: {expr: a, lookup: {x: X}, on_miss: default, default: D}
  strict: {expr: b, lookup: {x: X, "01a": Y}, on_miss: error}
"""


@pytest.mark.parametrize(("record", "expected"), [
    ({"a": "x", "b": "x"}, {"kept": "X", "chosen": "X", "strict": "X"}),
    ({"a": "zz", "b": "01a"}, {"kept": "zz", "chosen": "D", "strict": "Y"}),
    ({"a": 1, "b": "x"}, {"kept": 1, "chosen": "D", "strict": "X"}),
    ({"a": True, "b": "x"}, {"kept": True, "chosen": "D", "strict": "X"}),
    ({"a": False, "b": "x"}, {"kept": False, "chosen": "D", "strict": "X"}),
    ({"a": 2.5, "b": "x"}, {"kept": 2.5, "chosen": "D", "strict": "X"}),
    ({"a": None, "b": "x"}, {"chosen": "D", "strict": "X"}),
    ({"b": None}, {"chosen": "D"}),
])
def test_text_keyed_tables_are_read_once(tmp_path: Path, record: dict[str, object],
                                         expected: dict[str, object]) -> None:
    mod, text = module(tmp_path, TEXT_FIELDS)
    assert "type(value) is str" not in text
    assert mod.transform(record) == expected


@pytest.mark.parametrize("record", [
    {"a": ["x"], "b": "x"}, {"a": {"x": 1}, "b": "x"}, {"a": "x", "b": ["x"]},
    {"a": "x", "b": {"x": 1}}, {"a": "x", "b": 1}, {"a": "x", "b": True}, {"a": "x", "b": "q"},
])
def test_text_keyed_tables_fail_as_before(tmp_path: Path, record: dict[str, object]) -> None:
    """An array or object is refused, and an error miss (a number too) fails the record, with
    the messages of the general path."""
    mod, _ = module(tmp_path, TEXT_FIELDS)
    with pytest.raises(TransformError, match=r"lookup needs a string|no lookup entry") as caught:
        mod.transform(record)
    assert caught.value.error_class == "mapping_error"
    assert caught.value.path == (("a",) if record["a"] != "x" else ("b",))
    assert caught.value.rule is not None
