"""What the checker knows about each function: arity and return type.

Covers JMESPath's built-ins and accord's library (DESIGN.md "Expressions"). ``parent()`` and
``root()`` are handled by the inference visitor itself, since they depend on the scope.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from accord.check.schema_model import SchemaModel
from accord.check.types import BOOLEAN, INTEGER, NUMBER, STRING, UNKNOWN, Ty, array_of, union

__all__ = ["FUNCTIONS", "Signature"]

Returns = Callable[[list[Ty], SchemaModel], Ty]


@dataclass(frozen=True)
class Signature:
    name: str
    min_args: int
    max_args: int | None  # None: variadic
    returns: Returns
    doc: str = ""

    def arity_text(self) -> str:
        if self.max_args == self.min_args:
            return f"{self.min_args} argument{'s' if self.min_args != 1 else ''}"
        if self.max_args is None:
            return f"at least {self.min_args} argument{'s' if self.min_args != 1 else ''}"
        return f"{self.min_args} to {self.max_args} arguments"


def _const(ty: Ty) -> Returns:
    return lambda args, model: ty


def _nullable(ty: Ty) -> Returns:
    return lambda args, model: ty.maybe_null()


def _same_as_first(args: list[Ty], model: SchemaModel) -> Ty:
    return args[0] if args else UNKNOWN


def _item_of_first(args: list[Ty], model: SchemaModel) -> Ty:
    if not args or args[0].unknown:
        return UNKNOWN
    return Ty(model.items(args[0].schema), True)


def _coalesce(args: list[Ty], model: SchemaModel) -> Ty:
    if not args:
        return UNKNOWN
    merged = union(*[a.non_null() for a in args])
    return Ty(merged.schema, all(a.nullable for a in args))


def _if(args: list[Ty], model: SchemaModel) -> Ty:
    branches = args[1:] or [UNKNOWN]
    out = union(*branches)
    return out if len(args) >= 3 else out.maybe_null()


def _number_op(args: list[Ty], model: SchemaModel) -> Ty:
    nullable = any(a.nullable for a in args)
    return Ty(NUMBER.schema, nullable)


def _string_op(args: list[Ty], model: SchemaModel) -> Ty:
    return Ty(STRING.schema, bool(args) and args[0].nullable)


def _date(args: list[Ty], model: SchemaModel) -> Ty:
    return Ty({"type": "string", "format": "date"}, bool(args) and args[0].nullable)


def _to_array(args: list[Ty], model: SchemaModel) -> Ty:
    if args and model.is_array(args[0].schema):
        return args[0].non_null()
    return array_of(args[0] if args else UNKNOWN)


_SIGS = [
    # JMESPath built-ins
    Signature("abs", 1, 1, _same_as_first),
    Signature("avg", 1, 1, _nullable(NUMBER)),
    Signature("ceil", 1, 1, _const(INTEGER)),
    Signature("contains", 2, 2, _const(BOOLEAN)),
    Signature("ends_with", 2, 2, _const(BOOLEAN)),
    Signature("floor", 1, 1, _const(INTEGER)),
    Signature("join", 2, 2, _const(STRING)),
    Signature("keys", 1, 1, _const(array_of(STRING))),
    Signature("length", 1, 1, _const(INTEGER)),
    Signature("map", 2, 2, _const(array_of(UNKNOWN))),
    Signature("max", 1, 1, _item_of_first),
    Signature("max_by", 2, 2, _item_of_first),
    Signature("merge", 1, None, _const(Ty({"type": "object"}))),
    Signature("min", 1, 1, _item_of_first),
    Signature("min_by", 2, 2, _item_of_first),
    Signature("not_null", 1, None, _coalesce),
    Signature("reverse", 1, 1, _same_as_first),
    Signature("sort", 1, 1, _same_as_first),
    Signature("sort_by", 2, 2, _same_as_first),
    Signature("starts_with", 2, 2, _const(BOOLEAN)),
    Signature("sum", 1, 1, _const(NUMBER)),
    Signature("to_array", 1, 1, _to_array),
    Signature("to_number", 1, 1, _nullable(NUMBER)),
    Signature("to_string", 1, 1, _const(STRING)),
    Signature("type", 1, 1, _const(STRING)),
    Signature("values", 1, 1, _const(array_of(UNKNOWN))),
    # accord's library
    Signature("coalesce", 1, None, _coalesce, "first argument that is not null"),
    Signature("lookup", 2, 3, _nullable(UNKNOWN), "lookup(value, table[, default])"),
    Signature("if", 2, 3, _if, "if(condition, then[, else])"),
    Signature("add", 2, 2, _number_op),
    Signature("subtract", 2, 2, _number_op),
    Signature("multiply", 2, 2, _number_op),
    Signature("divide", 2, 2, _number_op),
    Signature("round", 1, 2, _number_op),
    Signature("upper", 1, 1, _string_op),
    Signature("lower", 1, 1, _string_op),
    Signature("trim", 1, 1, _string_op),
    Signature("replace", 3, 3, _string_op),
    Signature("split", 2, 2, _const(array_of(STRING))),
    Signature("substring", 2, 3, _string_op),
    Signature("to_date", 1, 2, _date),
    Signature("format_date", 2, 2, _string_op),
    Signature("sha256", 1, 1, _const(STRING)),
    Signature("uuid5", 1, 2, _const(Ty({"type": "string", "format": "uuid"}))),
    Signature("parent", 0, 0, _const(UNKNOWN)),
    Signature("root", 0, 0, _const(UNKNOWN)),
]

FUNCTIONS: dict[str, Signature] = {s.name: s for s in _SIGS}
