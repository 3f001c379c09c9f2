"""Compiled JSON Schema 2020-12 validation for transformer outputs.

accord validates with jsonschema-rs: it is the only one of the three validators measured
(``tests/benchmarks/bench_validators.py``) that is right on every 2020-12 probe
(``prefixItems``, ``unevaluatedProperties``, ``dependentRequired``, ``$ref`` with siblings,
``minContains``, ``date``/``date-time`` formats), and it is the fastest (~25x fastjsonschema's
draft-07 code, ~250x the pure-Python ``jsonschema`` on a canonical project). Formats are
checked; unknown formats (OpenAPI's ``int64``, ``double``...) are ignored.

``compile_validator(schema).errors(instance)`` returns ``[Violation(location, message), ...]``
with locations like ``("roles", 0, "hours")``; an empty list means valid.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import jsonschema_rs

from accord.errors import LoadError
from accord.jsondoc import Location, json_path, json_pointer

__all__ = ["Validator", "Violation", "compile_validator"]


class Violation(NamedTuple):
    """One reason an instance is invalid: where (the location of the node) and why."""

    location: Location
    message: str

    @property
    def path(self) -> str:
        """The location as a JSON path (``$.roles[0].hours``)."""
        return json_path(self.location)

    @property
    def pointer(self) -> str:
        """The location as a JSON Pointer (``/roles/0/hours``)."""
        return json_pointer(self.location) or ""

    def to_dict(self) -> dict[str, str]:
        """As a dead letter lists it."""
        return {"path": self.path, "pointer": self.pointer, "message": self.message}


def _order(violation: Violation) -> tuple[str, str]:
    """Violations in the order of their rendered paths (names and indexes mix in a location,
    so the tuples themselves do not compare)."""
    return violation.path, violation.message


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

    @property
    def compiled_is_valid(self) -> Any:
        """The compiled check itself, for a hot loop: ``f(instance) -> bool``; it raises
        ValueError for a value JSON cannot hold (:meth:`is_valid` says False then)."""
        return self._compiled.is_valid

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
                found.append(Violation(tuple(error.instance_path), error.message))
                if len(found) >= limit:
                    break
        except ValueError as exc:
            return [Violation((), f"not a JSON value: {exc}")]
        return sorted(found, key=_order)


def compile_validator(schema: dict[str, Any] | bool, *, formats: bool = True) -> Validator:
    """Compile ``schema`` once; raises LoadError when it is not a valid schema."""
    return Validator(schema, formats=formats)
