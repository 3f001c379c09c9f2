"""Compiled JSON Schema 2020-12 validation for transformer outputs.

accord validates with jsonschema-rs: it is the only one of the three validators measured
(``tests/benchmarks/bench_validators.py``) that is right on every 2020-12 probe
(``prefixItems``, ``unevaluatedProperties``, ``dependentRequired``, ``$ref`` with siblings,
``minContains``, ``date``/``date-time`` formats), and it is the fastest (~25x fastjsonschema's
draft-07 code, ~250x the pure-Python ``jsonschema`` on a canonical project). Formats are
checked; unknown formats (OpenAPI's ``int64``, ``double``...) are ignored.

``compile_validator(schema).errors(instance)`` returns ``[(json_path, message), ...]`` with
paths like ``$.roles[0].hours``; an empty list means valid.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

import jsonschema_rs

from accord.errors import LoadError
from accord.jsondoc import join_pointer

__all__ = ["Validator", "Violation", "compile_validator", "json_path"]

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class Violation(NamedTuple):
    """One reason an instance is invalid: where (a JSON path and an RFC 6901 pointer) and why."""

    path: str
    message: str
    pointer: str = ""


def json_path(parts: Any) -> str:
    """``["roles", 0, "hours"]`` -> ``$.roles[0].hours`` (odd names quoted: ``$['a b']``)."""
    out = ["$"]
    for part in parts:
        if isinstance(part, int):
            out.append(f"[{part}]")
        elif _IDENTIFIER.match(part):
            out.append(f".{part}")
        else:
            escaped = part.replace("\\", "\\\\").replace("'", "\\'")
            out.append(f"['{escaped}']")
    return "".join(out)


def _refuse_retrieval(uri: str) -> Any:
    """jsonschema-rs's retriever: accord never fetches a ``$ref`` (no HTTP, no ``file://``);
    a schema's references resolve only to what it carries (contracts arrive bundled)."""
    raise ValueError(f"$ref {uri!r} is outside the schema: accord never fetches references "
                     "(HTTP or file://); reference contracts by urn or relative path")


class Validator:
    """A compiled validator for one schema."""

    def __init__(self, schema: dict[str, Any] | bool, *, formats: bool = True) -> None:
        self.schema = schema
        try:
            self._compiled = jsonschema_rs.validator_for(schema, validate_formats=formats,
                                                         retriever=_refuse_retrieval)
        except (jsonschema_rs.ValidationError, jsonschema_rs.ReferencingError, ValueError) as exc:
            raise LoadError(f"the target schema is not a valid JSON Schema: {exc}") from None

    def is_valid(self, instance: Any) -> bool:
        try:
            return bool(self._compiled.is_valid(instance))
        except ValueError:  # a value JSON cannot hold (a set, a Decimal, a non-str key)
            return False

    def errors(self, instance: Any, *, limit: int = 20) -> list[Violation]:
        """Every violation (up to ``limit``), ordered by path; ``[]`` when valid."""
        try:
            if self._compiled.is_valid(instance):
                return []
            found: list[Violation] = []
            for error in self._compiled.iter_errors(instance):
                found.append(Violation(json_path(error.instance_path), error.message,
                                       join_pointer("", *error.instance_path)))
                if len(found) >= limit:
                    break
        except ValueError as exc:
            return [Violation("$", f"not a JSON value: {exc}")]
        return sorted(found)


def compile_validator(schema: dict[str, Any] | bool, *, formats: bool = True) -> Validator:
    """Compile ``schema`` once; raises LoadError when it is not a valid schema."""
    return Validator(schema, formats=formats)
