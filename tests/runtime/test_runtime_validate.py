"""The compiled validator: right on JSON Schema 2020-12, paths as $.a[0].b, formats checked."""

from __future__ import annotations

from typing import Any

import pytest
from accord.errors import LoadError
from accord.runtime.validate import Violation, compile_validator

D2020 = "https://json-schema.org/draft/2020-12/schema"


@pytest.mark.parametrize(("schema", "instance", "valid"), [
    ({"prefixItems": [{"type": "string"}], "items": False}, ["a", "b"], False),
    ({"prefixItems": [{"type": "string"}], "items": False}, ["a"], True),
    ({"allOf": [{"properties": {"a": {}}}], "unevaluatedProperties": False}, {"a": 1, "b": 2},
     False),
    ({"allOf": [{"properties": {"a": {}}}], "unevaluatedProperties": False}, {"a": 1}, True),
    ({"dependentRequired": {"a": ["b"]}}, {"a": 1}, False),
    ({"$defs": {"s": {"type": "string"}}, "$ref": "#/$defs/s", "maxLength": 2}, "abc", False),
    ({"contains": {"type": "integer"}, "minContains": 2}, [1, "a"], False),
    ({"type": "string", "format": "date"}, "2026-02-30", False),
    ({"type": "string", "format": "date"}, "2026-02-28", True),
    ({"type": "string", "format": "date-time"}, "2026-11-22 10:00", False),
    ({"type": "string", "format": "date-time"}, "2026-11-22T10:00:00Z", True),
    ({"type": "integer", "format": "int64"}, 5, True),  # OpenAPI formats are ignored
])
def test_2020_12_probes(schema: dict[str, Any], instance: Any, valid: bool) -> None:
    validator = compile_validator({"$schema": D2020, **schema})
    assert validator.is_valid(instance) is valid
    assert (validator.errors(instance) == []) is valid


def test_errors_carry_json_paths_sorted() -> None:
    validator = compile_validator({
        "type": "object", "required": ["id"],
        "properties": {"roles": {"type": "array", "items": {
            "type": "object", "properties": {"hours": {"type": "number"}}}},
            "odd key": {"type": "string"}}})
    errors = validator.errors({"roles": [{"hours": 1}, {"hours": "x"}], "odd key": 3})
    assert [e.path for e in errors] == ["$", "$.roles[1].hours", "$['odd key']"]
    assert [e.location for e in errors] == [(), ("roles", 1, "hours"), ("odd key",)]
    assert [e.pointer for e in errors] == ["", "/roles/1/hours", "/odd key"]
    assert all(isinstance(e, Violation) and isinstance(e, tuple) for e in errors)
    assert "required" in errors[0].message


def test_formats_can_be_turned_off() -> None:
    assert compile_validator({"format": "date"}, formats=False).is_valid("not a date")


def test_invalid_schema_is_a_load_error() -> None:
    with pytest.raises(LoadError, match="not a valid JSON Schema"):
        compile_validator({"type": "strin"})
