"""``map(&body, values)`` is a loop pasted into the mapping function (no function of its own),
so ``values`` reads a filter shared with other rules; and an ``each`` over the same filtered
items reads its item's ``body`` value from that map instead of computing it again (the product
of a line is computed once, for the line and for the total). Results and errors stay those of
evaluating each rule on its own."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from accord.expr import reference_search
from spec_modules import module

LINES: list[Any] = [
    {"xs": [{"q": 2, "p": 187.5, "ok": True, "id": "a"}, {"q": 0.25, "p": 123.45, "ok": True,
            "id": "b"}, {"q": None, "p": 1, "ok": False}, {"q": 3, "p": 0.1, "ok": True}],
     "c": "EUR"},
    {"xs": [{"q": 7.5, "p": 99.99, "ok": True}, {"q": 1, "p": 2, "ok": 0}], "c": "USD"},
    {"xs": []},
    {"xs": [{"q": None, "p": 2, "ok": True}]},  # multiply(null, 2): an error, both ways
    {"xs": "not a list"},  # map() over a non-array: an error, both ways
    {"xs": [None, "s", {"q": "12.50", "p": 2, "ok": True}]},
    {},
]


def outcome(run: Any, *args: Any) -> Any:
    try:
        return run(*args)
    except Exception:  # the kind of failure differs between the two; that one happens matters
        return "error"


def reference(total_rules: dict[str, str], each: str, item_rules: dict[str, str],
              record: Any) -> Any:
    """Each rule evaluated on its own by the jmespath reference (nulls not written)."""
    def evaluate(rules: dict[str, str], value: Any) -> dict[str, Any]:
        found = {target: reference_search(text, value) for target, text in rules.items()}
        return {target: v for target, v in found.items() if v is not None}

    out = evaluate(total_rules, record)
    items = reference_search(each, record)
    if isinstance(items, list):
        out["lines"] = [evaluate(item_rules, item) for item in items]
    return out


def spec(total_rules: dict[str, str], each: str, item_rules: dict[str, str],
         total_when: str | None = None) -> str:
    fields = ""
    for target, text in total_rules.items():
        when = f", when: \"{total_when}\"" if total_when else ""
        fields += f"  {target}: {{expr: \"{text}\"{when}}}\n"
    fields += f"  lines:\n    each: \"{each}\"\n    fields:\n"
    fields += "".join(f"      {target}: \"{text}\"\n" for target, text in item_rules.items())
    return fields


TOTALS = {"total": "sum(map(&multiply(q, p), xs[?ok]))", "count": "length(xs[?ok])"}
ITEMS = {"id": "id", "amount": "multiply(q, p)", "q": "q"}


def test_map_is_pasted_in_and_reads_the_shared_filter(tmp_path: Path) -> None:
    mod, text = module(tmp_path, spec(TOTALS, "xs[?ok]", {"id": "id"}))
    assert "def _expr_" not in text  # no function of its own for the expression reference
    assert text.count("for _e") == 2  # one loop for the filter (shared), one for map()
    for record in LINES:
        assert outcome(mod.transform, record) == outcome(
            reference, TOTALS, "xs[?ok]", {"id": "id"}, record), record


def test_items_read_the_value_their_total_computed(tmp_path: Path) -> None:
    mod, text = module(tmp_path, spec(TOTALS, "xs[?ok]", ITEMS))
    assert text.count("fn_multiply") == 1  # the product of a line is computed once
    assert "[len(mapped)]" in text
    for record in LINES:
        assert outcome(mod.transform, record) == outcome(
            reference, TOTALS, "xs[?ok]", ITEMS, record), record


@pytest.mark.parametrize(("amount", "when"), [
    ("multiply(q, parent().c)", None),  # parent() differs: null in the total, the record here
    ("multiply(q, p)", "c"),  # the total is computed only under a condition
])
def test_values_that_may_differ_or_be_missing_are_computed_again(
        tmp_path: Path, amount: str, when: str | None) -> None:
    totals = {"total": f"sum(map(&{amount}, xs[?ok]))", "count": "length(xs[?ok])"}
    items = {"amount": amount}
    mod, text = module(tmp_path, spec(totals, "xs[?ok]", items, total_when=when))
    assert "[len(mapped)]" not in text
    assert text.count("fn_multiply") == 2
    for record in LINES:
        want = outcome(reference, totals, "xs[?ok]", items, record)
        if when and isinstance(want, dict) and not (isinstance(record, dict) and record.get(when)):
            want = {k: v for k, v in want.items() if k == "lines"}
        if when and want == "error" and not record.get(when):  # the total never ran
            want = outcome(reference, {}, "xs[?ok]", items, record)
        assert outcome(mod.transform, record) == want, record


def test_parent_at_the_top_level_is_null(tmp_path: Path) -> None:
    mod, _ = module(tmp_path, "  x: \"parent().c\"\n  y: {expr: \"parent().c\", default: 1}\n")
    assert mod.transform({"c": 5}) == {"y": 1}


def test_map_over_other_values_keeps_its_semantics() -> None:
    from accord import compile_expression

    for text, data in [("map(&a, b)", {"b": [{"a": 1}, {}, None, 3]}),
                       ("map(&map(&x, y), z)", {"z": [{"y": [{"x": 1}, {}]}, {"y": []}]}),
                       ("map(&[a, root().k], b)", {"b": [{"a": 1}], "k": 2}),
                       ("map(&a, `[]`)", {})]:
        assert compile_expression(text)(data) == reference_search(text, data), text
