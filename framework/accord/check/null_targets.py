"""Which rules write a null result as ``null``: those whose target property admits null.

A rule that gives null is written as null where the target schema admits null (its type
includes ``"null"``, a ``oneOf``/``anyOf`` alternative admits it, a ``const``/``enum`` holds
null, OpenAPI 3.0's ``nullable``, through ``$ref``), and left out where it does not. A rule
with ``omit_null: true`` (or a spec with ``defaults: {omit_null: true}``) always leaves a null
result out: for targets where null means "leave the field alone".
"""

from __future__ import annotations

from typing import Any

from accord.check.schema_model import SchemaModel
from accord.mapping.model import EachRule, FieldRule, MappingSpec, Rule

__all__ = ["null_targets"]


def _property(model: SchemaModel, base: Any, target: tuple[str, ...]) -> Any | None:
    """The schema of the target property at ``target`` under ``base``; None when unknown."""
    node = base
    for segment in target:
        found = model.property(node, segment)
        if not found.found:
            return None
        node = found.schema
    return node


def null_targets(spec: MappingSpec, target_schema: dict[str, Any]) -> frozenset[str]:
    """The JSON pointers (in the spec) of the field rules whose null result is written as
    ``null``. A rule whose target property is not in the schema (the checker's ACC431) is
    not among them."""
    model = SchemaModel(target_schema)
    found: set[str] = set()

    def walk(rules: tuple[Rule, ...], base: Any) -> None:
        for rule in rules:
            schema = _property(model, base, rule.target)
            if schema is None:
                continue
            if isinstance(rule, FieldRule):
                omit = spec.omit_null if rule.omit_null is None else rule.omit_null
                if not omit and model.nullable(schema):
                    found.add(rule.pointer)
            elif isinstance(rule, EachRule) and model.is_array(schema) is not False:
                walk(rule.rules, model.items(schema))

    walk(spec.rules, target_schema)
    return frozenset(found)
