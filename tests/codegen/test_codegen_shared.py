"""Filters several rules of one scope evaluate (``base[?condition]``) are computed once, into
a local the later rules read; results stay those of evaluating each rule on its own."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from accord.expr import reference_search
from spec_modules import module

RECORDS: list[Any] = [
    {"xs": [{"n": 2, "k": "a"}, {"n": 0, "k": "b"}, None, "s", {"k": "c"}, {"n": 3}],
     "flag": True},
    {"xs": [], "flag": False},
    {"xs": "not a list", "flag": True},
    {"xs": [{"n": 1.5, "k": None}, {"n": -1, "k": "z"}]},
    {"groups": [{"xs": [{"n": 1}]}, {"xs": [{"n": 0}]}]},
    {},
    "not an object",
]


def expected(rules: dict[str, str], record: Any) -> dict[str, Any]:
    """Each rule evaluated on its own by the jmespath reference (nulls not written)."""
    values = {target: reference_search(text, record) for target, text in rules.items()}
    return {target: value for target, value in values.items() if value is not None}


def test_a_filter_two_rules_evaluate_runs_once(tmp_path: Path) -> None:
    rules = {"total": "sum(xs[?n > `0`].n || `[]`)", "keys": "xs[?n > `0`].k",
             "kept": "xs[?n > `0`]", "other": "xs[?n > `1`]"}
    fields = "".join(f"  {target}: \"{text}\"\n" for target, text in rules.items())
    mod, text = module(tmp_path, fields)
    assert text.count("for _e") == 2  # one loop for `n > 0` (three rules), one for `n > 1`
    assert "kept for the later rules" in text
    for record in RECORDS:
        assert mod.transform(record) == expected(rules, record), record


def test_items_of_each_reuse_the_filter(tmp_path: Path) -> None:
    fields = ("  count: \"length(xs[?n > `0`] || `[]`)\"\n"
              "  items:\n    each: \"xs[?n > `0`]\"\n    fields:\n      n: n\n")
    mod, text = module(tmp_path, fields)
    assert text.count("for _e") == 1
    assert mod.transform(RECORDS[0]) == {"count": 2, "items": [{"n": 2}, {"n": 3}]}
    assert mod.transform(RECORDS[2]) == {"count": 0}


def test_a_filter_under_a_when_is_not_reused_by_later_rules(tmp_path: Path) -> None:
    rules = {"first": "xs[?n > `0`].n", "second": "xs[?n > `0`].k"}
    fields = ("  first: {expr: \"xs[?n > `0`].n\", when: flag}\n"
              "  second: \"xs[?n > `0`].k\"\n")
    mod, text = module(tmp_path, fields)
    assert text.count("for _e") == 2
    for record in RECORDS:
        want = expected(rules, record)
        if not (isinstance(record, dict) and record.get("flag")):
            want.pop("first", None)
        assert mod.transform(record) == want, record


def test_filters_on_other_values_than_the_record_are_not_shared(tmp_path: Path) -> None:
    rules = {"a": "groups[*].xs[?n > `0`]", "b": "groups[*].xs[?n > `0`].n",
             "c": "max_by(xs[?n > `0`] || `[]`, &n).n", "d": "xs[?n > `0`].n"}
    fields = "".join(f"  {target}: \"{text}\"\n" for target, text in rules.items())
    mod, _ = module(tmp_path, fields)
    for record in RECORDS:
        assert mod.transform(record) == expected(rules, record), record


PATHS = {"c": "a.b.c", "d": "a.b.d", "x": "a.x", "deep": "a.b.e.f", "other": "z.y",
         "under": "a.b.c"}
PATH_RECORDS: list[Any] = [
    {"a": {"b": {"c": 1, "d": [2], "e": {"f": False}}, "x": "s"}, "z": {"y": 0}},
    {"a": {"b": "not an object", "x": None}},
    {"a": {"b": [1, 2], "x": 0}},
    {"a": {"b": {}}}, {"a": []}, {"a": "text"}, {"a": 5}, {"a": None}, {}, "not an object",
    {"a": {"b": {"c": None, "e": "x"}}},
]


def test_objects_several_paths_go_through_are_read_once(tmp_path: Path) -> None:
    fields = "".join(f"  {target}: \"{text}\"\n" for target, text in PATHS.items()
                     if target != "under")
    fields += "  under: {expr: \"a.b.c\", when: \"a.x\"}\n"
    mod, text = module(tmp_path, fields)
    assert text.count(".get('a')") == 1  # `a` read once, into a local every later rule reads
    assert text.count(".get('b')") == 1
    assert "the object at a.b (or {})" in text
    for record in PATH_RECORDS:
        want = expected({k: v for k, v in PATHS.items() if k != "under"}, record)
        if (reference_search("a.x", record) not in (None, False, "", [], {})
                and reference_search("a.b.c", record) is not None):
            want["under"] = reference_search("a.b.c", record)
        assert mod.transform(record) == want, record
