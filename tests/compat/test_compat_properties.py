"""Properties of the differ over generated schemas.

* ``compat(s, s)`` finds no change (also for every canonical contract in the workspace);
* soundness: when BACKWARD (strict) says compatible, instances generated from the old schema
  validate under the new one.

Generated schemas stay within what hypothesis-jsonschema supports (draft-7 keywords), and away
from the two rules Confluent accepts on purpose although a validator would not: a required
property added *with a default* (the reader fills it in) and a ``oneOf`` branch added.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import accord
import pytest
from accord.workspace.contracts import load_contracts
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema
from jsonschema import Draft202012Validator

REPO = Path(__file__).resolve().parents[2]
Pair = tuple[dict[str, Any], dict[str, Any]]


def _knob(draw: st.DrawFn, values: list[Any]) -> tuple[Any, Any]:
    old = draw(st.sampled_from(values))
    new = old if draw(st.integers(0, 3)) else draw(st.sampled_from(values))
    return old, new


def _set(schema: dict[str, Any], key: str, value: Any) -> None:
    if value is not None:
        schema[key] = value


@st.composite
def schema_pairs(draw: st.DrawFn, depth: int = 0) -> Pair:
    kinds = ["string", "number", "enum", "boolean"] + (["object", "array"] if depth < 2 else [])
    kind = draw(st.sampled_from(kinds))
    old: dict[str, Any]
    new: dict[str, Any]
    if kind == "string":
        old, new = {"type": "string"}, {"type": "string"}
        for key, values in (("minLength", [None, 0, 1, 2]), ("maxLength", [None, 3, 5, 8]),
                            ("pattern", [None, "^[a-c]*$", "^[a-z]*$"])):
            a, b = _knob(draw, values)
            _set(old, key, a)
            _set(new, key, b)
    elif kind == "number":
        a, b = _knob(draw, ["integer", "number"])
        old, new = {"type": a}, {"type": b}
        for key, values in (("minimum", [None, -3, 0, 1]), ("maximum", [None, 2, 5, 100])):
            a, b = _knob(draw, values)
            _set(old, key, a)
            _set(new, key, b)
    elif kind == "enum":
        pool = ["a", "b", "c", 1, 2, True]
        old = {"enum": draw(st.lists(st.sampled_from(pool), min_size=1, max_size=4, unique=True))}
        new = ({"enum": list(old["enum"])} if draw(st.booleans()) else
               {"enum": draw(st.lists(st.sampled_from(pool), min_size=1, max_size=4,
                                      unique=True))})
    elif kind == "boolean":
        old, new = {"type": "boolean"}, {"type": "boolean"}
    elif kind == "object":
        old, new = {"type": "object", "properties": {}}, {"type": "object", "properties": {}}
        req_old: list[str] = []
        req_new: list[str] = []
        for name in ("a", "b", "c"):
            in_old = draw(st.booleans())
            in_new = in_old if draw(st.integers(0, 3)) else not in_old
            sub_old, sub_new = draw(schema_pairs(depth + 1))
            if in_old:
                old["properties"][name] = sub_old
                if draw(st.booleans()):
                    req_old.append(name)
            if in_new:
                new["properties"][name] = sub_new if in_old else sub_old
                if (name in req_old) if draw(st.integers(0, 3)) else draw(st.booleans()):
                    req_new.append(name)
        if req_old:
            old["required"] = req_old
        if req_new:
            new["required"] = req_new
        a, b = _knob(draw, [None, False])
        _set(old, "additionalProperties", a)
        _set(new, "additionalProperties", b)
    else:
        sub_old, sub_new = draw(schema_pairs(depth + 1))
        old, new = {"type": "array", "items": sub_old}, {"type": "array", "items": sub_new}
        for key, values in (("minItems", [None, 0, 1]), ("maxItems", [None, 2, 4]),
                            ("uniqueItems", [None, True])):
            a, b = _knob(draw, values)
            _set(old, key, a)
            _set(new, key, b)
    if "type" in old and draw(st.integers(0, 4)) == 0:
        a, b = _knob(draw, [False, True])
        if a:
            old["type"] = [old["type"], "null"]
        if b:
            new["type"] = [new["type"], "null"]
    return old, new


FAST = settings(max_examples=150, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(schema_pairs())
def test_a_schema_has_no_change_against_itself(pair: Pair) -> None:
    for schema in pair:
        for mode in ("BACKWARD", "FORWARD", "FULL"):
            result = accord.compat(schema, copy.deepcopy(schema), mode)
            assert result.changes == [] and result.compatible


@settings(max_examples=250, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(schema_pairs(), st.data())
def test_backward_compatible_means_old_instances_validate_under_new(pair: Pair,
                                                                   data: st.DataObject) -> None:
    old, new = pair
    result = accord.compat(old, new, "BACKWARD")
    if not result.compatible:
        return
    validator = Draft202012Validator(new)
    for _ in range(8):
        instance = data.draw(from_schema(old))
        errors = [e.message for e in validator.iter_errors(instance)]
        assert not errors, (instance, [c.type.value for c in result.changes])


@settings(max_examples=120, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(schema_pairs(), st.data())
def test_forward_compatible_means_new_instances_validate_under_old(pair: Pair,
                                                                  data: st.DataObject) -> None:
    old, new = pair
    if not accord.compat(old, new, "FORWARD").compatible:
        return
    validator = Draft202012Validator(old)
    instance = data.draw(from_schema(new))
    assert not list(validator.iter_errors(instance)), instance


def _contracts() -> list[Any]:
    registry = load_contracts(REPO)
    assert len(registry) > 0, "the reference workspace has no contracts"
    return [pytest.param(c.schema, registry.resource_registry, id=f"{c.name}@{c.version}")
            for c in registry]


@pytest.mark.parametrize(("schema", "registry"), _contracts())
def test_every_canonical_contract_is_unchanged_against_itself(schema: Any, registry: Any) -> None:
    result = accord.compat(schema, copy.deepcopy(schema), "FULL", registry=registry)
    assert result.changes == []
