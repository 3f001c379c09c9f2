"""accord's `unevaluatedProperties` (patterns on the safe engine) agrees with jsonschema's on
every way a key can be evaluated: properties, patternProperties, additionalProperties, $ref,
allOf/anyOf/oneOf, if/then/else, dependentSchemas."""

from __future__ import annotations

from typing import Any

import pytest
from accord.workspace.contracts import _safe_validator_class
from jsonschema import Draft202012Validator

BASE: dict[str, Any] = {"$defs": {"named": {"properties": {"name": {"type": "string"}}}}}
SCHEMAS: list[dict[str, Any]] = [
    {"properties": {"a": {}}, "unevaluatedProperties": False},
    {"patternProperties": {"^x_": {}}, "unevaluatedProperties": False},
    {"allOf": [{"properties": {"a": {}}}], "unevaluatedProperties": False},
    {"anyOf": [{"properties": {"a": {"type": "integer"}}},
               {"properties": {"b": {}}}], "unevaluatedProperties": False},
    {"oneOf": [{"required": ["a"], "properties": {"a": {}}},
               {"required": ["b"], "properties": {"b": {}}}], "unevaluatedProperties": False},
    {"if": {"properties": {"kind": {"const": "t"}}, "required": ["kind"]},
     "then": {"properties": {"t": {}}}, "else": {"properties": {"e": {}}},
     "unevaluatedProperties": False},
    {"dependentSchemas": {"a": {"properties": {"b": {}}}}, "properties": {"a": {}},
     "unevaluatedProperties": False},
    {"$ref": "#/$defs/named", "unevaluatedProperties": False},
    {"additionalProperties": {"type": "integer"}, "unevaluatedProperties": False},
    {"properties": {"a": {}}, "unevaluatedProperties": {"type": "integer"}},
]
INSTANCES: list[dict[str, Any]] = [
    {}, {"a": 1}, {"a": "s"}, {"b": 1}, {"a": 1, "b": 2}, {"x_1": 1, "y": 2},
    {"kind": "t", "t": 1}, {"kind": "u", "t": 1}, {"kind": "u", "e": 1}, {"name": "n"},
    {"name": "n", "other": 1}, {"z": 3}, {"z": "s"},
]


@pytest.mark.parametrize("schema", SCHEMAS)
def test_same_verdicts_as_jsonschema(schema: dict[str, Any]) -> None:
    full = {**BASE, **schema}
    ours, theirs = _safe_validator_class()(full), Draft202012Validator(full)
    for instance in INSTANCES:
        assert sorted(e.message for e in ours.iter_errors(instance)) == \
            sorted(e.message for e in theirs.iter_errors(instance)), instance
