"""The one JSON-type function, the one JSON Pointer joiner and the one Python-literal emitter."""

from __future__ import annotations

import math

import pytest
from accord.check.schema_model import literal_schema
from accord.errors import CodegenError
from accord.expr.literals import py_literal
from accord.jsondoc import join_pointer, json_type, resolve_pointer, unescape_pointer
from accord.workspace.openapi import _fits


@pytest.mark.parametrize(("value", "kind"), [
    (None, "null"), (True, "boolean"), (False, "boolean"), (0, "integer"), (1.0, "integer"),
    (1.5, "number"), ("1", "string"), ([], "array"), ((1,), "array"), ({}, "object"),
])
def test_json_type_counts_as_json_schema_does(value: object, kind: str) -> None:
    assert json_type(value) == kind


def test_the_checker_and_openapi_use_the_same_json_types() -> None:
    assert literal_schema(2.0) == {"type": "integer", "enum": [2.0]}  # was "number"
    assert _fits(2.0, "integer") and _fits(2, "number") and not _fits(True, "integer")
    assert not _fits(2.5, ["integer", "null"]) and _fits(None, ["integer", "null"])


def test_pointer_tokens_round_trip() -> None:
    assert join_pointer("/a", "b/c", "m~n", 0) == "/a/b~1c/m~0n/0"
    tokens = ["a", "b~1c", "m~0n", "~01"]
    assert [unescape_pointer(t) for t in tokens] == ["a", "b/c", "m~n", "~1"]


@pytest.mark.parametrize("value", [
    None, True, 0, -1.5, "x'\"\n", [1, [2]], {"a": {"b": [None]}}, (1,), (1, "a"), (),
])
def test_py_literal_evaluates_to_an_equal_fresh_value(value: object) -> None:
    source = py_literal(value)
    assert eval(source, {"__builtins__": {}}) == value  # our own literal, no builtins
    assert type(eval(source, {"__builtins__": {}})) is type(value)


def test_py_literal_non_finite_floats_and_refusals() -> None:
    assert math.isinf(eval(py_literal(float("inf")), {"float": float}))
    assert math.isnan(eval(py_literal(float("nan")), {"float": float}))
    assert py_literal({1: "a"}) == "{'1': 'a'}"  # JSON object keys are strings
    with pytest.raises(CodegenError):
        py_literal({1, 2})


def test_resolve_pointer_walks_objects_and_arrays_and_refuses_what_is_not_there() -> None:
    doc = {"a": [{"b/c": 1}, {"~x": None}], "": "empty key"}
    assert resolve_pointer(doc, "") is doc
    assert resolve_pointer(doc, "/a/0/b~1c") == 1
    assert resolve_pointer(doc, "/a/1/~0x") is None  # a null is there, not missing
    assert resolve_pointer(doc, "/") == "empty key"
    for missing in ("/b", "/a/2", "/a/-1", "/a/x", "/a/0/b~1c/d"):
        with pytest.raises(KeyError):
            resolve_pointer(doc, missing)
