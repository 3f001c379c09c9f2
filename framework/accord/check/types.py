"""Inferred types of expressions: a JSON Schema plus "may be null"."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from accord.check.schema_model import ANY

__all__ = ["BOOLEAN", "INTEGER", "NUMBER", "STRING", "UNKNOWN", "Ty", "array_of", "union"]


@dataclass(frozen=True)
class Ty:
    """What an expression can evaluate to. ``schema`` is ``{}`` when unknown."""

    schema: dict[str, Any]
    nullable: bool = False

    @property
    def unknown(self) -> bool:
        return not self.schema

    def non_null(self) -> Ty:
        return Ty(self.schema, False)

    def maybe_null(self) -> Ty:
        return Ty(self.schema, True)

    def __hash__(self) -> int:
        return id(self.schema) ^ hash(self.nullable)


UNKNOWN = Ty(ANY, True)
STRING = Ty({"type": "string"})
NUMBER = Ty({"type": "number"})
INTEGER = Ty({"type": "integer"})
BOOLEAN = Ty({"type": "boolean"})
NULL = Ty({"type": "null"}, True)


def array_of(item: Ty) -> Ty:
    return Ty({"type": "array", "items": item.schema})


def union(*tys: Ty) -> Ty:
    """Either of ``tys`` (unknown absorbs everything)."""
    if not tys:
        return UNKNOWN
    nullable = any(t.nullable for t in tys)
    if any(t.unknown for t in tys):
        return Ty(ANY, nullable)
    schemas: list[dict[str, Any]] = []
    for t in tys:
        if t.schema not in schemas:
            schemas.append(t.schema)
    return Ty(schemas[0] if len(schemas) == 1 else {"anyOf": schemas}, nullable)
