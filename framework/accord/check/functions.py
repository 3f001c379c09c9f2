"""What the checker knows about each function: arity and return type.

Names and arity come from the run-time library (``accord.runtime.jmes.FUNCTIONS``), so the
checker and the compiled code never disagree; return types are the checker's. ``parent()`` and
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


def _timestamp(args: list[Ty], model: SchemaModel) -> Ty:
    return Ty({"type": "string", "format": "date-time"}, bool(args) and args[0].nullable)


def _hours(args: list[Ty], model: SchemaModel) -> Ty:
    return Ty(NUMBER.schema, any(a.nullable for a in args))


def _duration(args: list[Ty], model: SchemaModel) -> Ty:
    return Ty({"type": "string", "format": "duration"}, bool(args) and args[0].nullable)


def _to_array(args: list[Ty], model: SchemaModel) -> Ty:
    if args and model.is_array(args[0].schema):
        return args[0].non_null()
    return array_of(args[0] if args else UNKNOWN)


_RETURNS: dict[str, Returns] = {
    # JMESPath built-ins
    "abs": _same_as_first,
    "avg": _nullable(NUMBER),
    "ceil": _const(INTEGER),
    "contains": _const(BOOLEAN),
    "ends_with": _const(BOOLEAN),
    "floor": _const(INTEGER),
    "join": _const(STRING),
    "keys": _const(array_of(STRING)),
    "length": _const(INTEGER),
    "map": _const(array_of(UNKNOWN)),
    "max": _item_of_first,
    "max_by": _item_of_first,
    "merge": _const(Ty({"type": "object"})),
    "min": _item_of_first,
    "min_by": _item_of_first,
    "not_null": _coalesce,
    "reverse": _same_as_first,
    "sort": _same_as_first,
    "sort_by": _same_as_first,
    "starts_with": _const(BOOLEAN),
    "sum": _const(NUMBER),
    "to_array": _to_array,
    "to_number": _nullable(NUMBER),
    "to_string": _const(STRING),
    "type": _const(STRING),
    "values": _const(array_of(UNKNOWN)),
    # accord's library
    "coalesce": _coalesce,
    "lookup": _nullable(UNKNOWN),
    "if": _if,
    "add": _number_op,
    "subtract": _number_op,
    "multiply": _number_op,
    "divide": _number_op,
    "round": _number_op,
    "upper": _string_op,
    "lower": _string_op,
    "trim": _string_op,
    "replace": _string_op,
    "split": lambda args, model: Ty(array_of(STRING).schema, bool(args) and args[0].nullable),
    "substring": _string_op,
    "to_date": _date,
    "to_timestamp": _timestamp,
    "format_date": _string_op,
    "sha256": _const(STRING),
    "uuid5": _const(Ty({"type": "string", "format": "uuid"})),
    "duration_to_hours": _hours,
    "hours_to_duration": _duration,
    "hours_between": _hours,
    "to_timezone": _timestamp,
    "format_decimal": _const(STRING),
}


def _signatures() -> dict[str, Signature]:
    """The run-time library's functions (the one source of names and arity) with the
    checker's return types."""
    from accord.runtime.jmes import FUNCTIONS as RUNTIME

    return {name: Signature(name, fn.min_args, fn.max_args,
                            _RETURNS.get(name, _const(UNKNOWN)), fn.signature_text())
            for name, fn in RUNTIME.items()}


FUNCTIONS: dict[str, Signature] = _signatures()
