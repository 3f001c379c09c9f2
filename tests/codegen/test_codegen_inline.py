"""Generated code inlines expressions and builds nested targets statically, with the same
semantics as the general path (``_m.put``, a compiled function per expression)."""

from __future__ import annotations

from pathlib import Path

from accord.expr import emit_inline
from spec_modules import module


def test_static_nested_targets_are_attached_only_when_non_empty(tmp_path: Path) -> None:
    mod, text = module(tmp_path, "  a.b.c: x\n  a.d: y\n  e.f: z\n  top: {default: T}\n")
    assert "_m.put" not in text and "_expr_" not in text  # all inline, all static
    assert mod.transform({"x": 1, "y": 2, "z": None}) == {"a": {"b": {"c": 1}, "d": 2},
                                                         "top": "T"}
    assert mod.transform({"y": 2}) == {"a": {"d": 2}, "top": "T"}
    assert mod.transform("not an object") == {"top": "T"}


def test_a_whole_object_and_a_field_inside_it_merge_as_before(tmp_path: Path) -> None:
    mod, text = module(tmp_path, "  obj: \"{a: x}\"\n  obj.b: y\n")
    assert "_m.put" in text  # the scope keeps the general path
    assert mod.transform({"x": 1, "y": 2}) == {"obj": {"a": 1, "b": 2}}


def test_expressions_needing_definitions_fall_back_to_functions(tmp_path: Path) -> None:
    mod, text = module(tmp_path, "  sorted: \"sort_by(items, &n)[*].n\"\n  deep: a.b.c\n")
    assert "def _expr_0(" in text and "sort_by" in text
    record = {"items": [{"n": 2}, {"n": 1}], "a": {"b": "no object"}}
    assert mod.transform(record) == {"sorted": [1, 2]}
    assert mod.transform({"a": {"b": {"c": 3}}, "items": []}) == {"sorted": [], "deep": 3}


def test_emit_inline_api() -> None:
    code = emit_inline("a.b", "record", objects={"record": "data"})
    assert code is not None and "data.get('a')" in "\n".join(code.lines)
    assert emit_inline("id", "record", objects={"record": "data"}) is not None
    assert emit_inline("id", "record", objects={"record": "data"}).value == "data.get('id')"
    assert emit_inline("sort_by(a, &b)", "record") is None
    condition = emit_inline("n > `1`", "record", condition=True, first_temp=7)
    assert condition is not None and condition.next_temp > 7
