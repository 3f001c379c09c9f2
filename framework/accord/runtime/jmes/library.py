"""accord's function library: the functions mappings use beyond upstream JMESPath.

Conventions (documented with an example each in ``docs/functions.md``):

* Money (``add``, ``subtract``, ``multiply``, ``divide``, ``round``) is computed in
  :class:`decimal.Decimal`. A float argument enters as ``Decimal(repr(x))`` (its shortest
  round-tripping decimal, so ``0.1`` is exactly one tenth), a string argument as the decimal it
  spells (``"12.50"``). The exact result leaves as an ``int`` when it is integral, else as the
  float nearest to it, whose ``repr`` is that decimal again: ``add(`0.1`, `0.2`)`` is ``0.3``,
  never ``0.30000000000000004``, and chains of operations never accumulate binary drift.
  ``round`` rounds half away from zero (``ROUND_HALF_UP``, commercial rounding, what invoices
  expect): ``round(`2.675`, `2`)`` is ``2.68``. A null amount is a type error, never a silent
  null: write ``coalesce(amount, `0`)`` when zero is meant.
* String and date functions pass null through (``upper(null)`` is null), so optional fields
  stay optional.
* Dates are ISO 8601 in and out; other layouts are read and written with explicit
  ``strftime`` formats.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import (
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    Context,
    Decimal,
    DecimalException,
    DivisionByZero,
    Inexact,
    InvalidOperation,
    Overflow,
    localcontext,
)
from typing import Any, NoReturn

from accord.runtime.jmes.core import invalid_type, invalid_value, is_number, is_true
from accord.runtime.jmes.signature import Param, function

__all__ = ["from_decimal", "to_decimal"]

_MONEY = ("number", "string")
_INT = ("number",)


# -- scope ------------------------------------------------------------------------------------


@function("root", example="root().order_id", context="root")
def _root() -> Any:
    """The whole document the expression was first applied to (see the calling convention)."""
    raise NotImplementedError("root() is emitted inline by the compiler")


@function("parent", example="parent().currency", context="parent")
def _parent() -> Any:
    """The record that contains the array an ``each:`` block maps; null at top level."""
    raise NotImplementedError("parent() is emitted inline by the compiler")


# -- choice -----------------------------------------------------------------------------------


@function("coalesce", Param("values", variadic=True), example="coalesce(nickname, name, 'n/a')")
def _coalesce(*values: Any) -> Any:
    """First argument that is not null (false, 0 and "" are kept, unlike ``||``)."""
    for value in values:
        if value is not None:
            return value
    return None


@function(
    "lookup",
    Param("table", ("object",)),
    Param("key", ("string", "number", "boolean", "null")),
    Param("default", optional=True),
    example="lookup(`{\"open\": \"O\", \"won\": \"W\"}`, status, 'X')",
)
def _lookup(table: dict[str, Any], key: Any, default: Any = None) -> Any:
    """Value of ``key`` in ``table`` (numbers and booleans as their JSON text), else default."""
    if key is None:
        return default
    if not isinstance(key, str):
        key = json.dumps(key)
    return table.get(key, default)


@function(
    "if",
    Param("condition"),
    Param("then"),
    Param("else", optional=True),
    example="if(billable, 'T', 'F')",
)
def _if(condition: Any, then: Any, otherwise: Any = None) -> Any:
    """``then`` when the condition is JMESPath-true (0 is true, "" is false), else ``else``."""
    return then if is_true(condition) else otherwise


# -- money ------------------------------------------------------------------------------------


def to_decimal(name: str, value: Any) -> Decimal:
    """The exact decimal an amount stands for (see the module docstring)."""
    kind = type(value)
    if kind is float and value - value == 0:  # finite (inf - inf and nan - nan are nan)
        return Decimal(repr(value))
    if kind is int:
        return Decimal(value)
    if isinstance(value, str):
        try:
            result = Decimal(value.strip())
        except InvalidOperation:
            invalid_value(name, f"{value!r} is not a decimal number")
        if not result.is_finite():
            invalid_value(name, f"{value!r} is not a finite number")
        return result
    if not is_number(value):
        invalid_type(name, value, "number or string")
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            invalid_value(name, f"{value!r} is not a finite number")
        return Decimal(repr(value))
    return Decimal(value)


#: add, subtract and multiply are exact: this context never rounds; a result that would need
#: more than EXACT_DIGITS significant digits (or an exponent beyond +-999,999) is an
#: invalid-value error, never a silently rounded amount nor a million-digit number.
EXACT_DIGITS = 200
_EXACT = Context(prec=EXACT_DIGITS, rounding=ROUND_HALF_EVEN, Emax=999_999, Emin=-999_999,
                 traps=[InvalidOperation, DivisionByZero, Overflow, Inexact])


def _exact(name: str, operation: Callable[[Decimal, Decimal], Decimal],
           amounts: tuple[Any, ...]) -> int | float:
    """``operation`` folded over ``amounts`` in the exact context (never rounded)."""
    values = [to_decimal(name, amount) for amount in amounts]
    try:
        result = values[0]
        for value in values[1:]:
            result = operation(result, value)
        return from_decimal(_EXACT.plus(result))
    except DecimalException:
        _too_big(name)


def _too_big(name: str) -> NoReturn:
    invalid_value(name, f"the exact result needs more than {EXACT_DIGITS} significant digits "
                        "or is out of range")


def from_decimal(value: Decimal) -> int | float:
    """An exact decimal back to a JSON number: ``int`` when integral, else the nearest float."""
    if value == value.to_integral_value():
        return int(value)
    return float(value)


@function(
    "add",
    Param("amounts", _MONEY),
    Param("more", _MONEY, variadic=True),
    example="add(`0.1`, `0.2`) -> 0.3",
)
def _add(*amounts: Any) -> int | float:
    """Exact decimal sum of two or more amounts."""
    return _exact("add", _EXACT.add, amounts)


@function(
    "subtract",
    Param("amount", _MONEY),
    Param("minus", _MONEY),
    example="subtract(`1.1`, `0.2`) -> 0.9",
)
def _subtract(amount: Any, minus: Any) -> int | float:
    """Exact decimal difference."""
    return _exact("subtract", _EXACT.subtract, (amount, minus))


@function(
    "multiply",
    Param("amounts", _MONEY),
    Param("more", _MONEY, variadic=True),
    example="multiply(hours, rate)",
)
def _multiply(*amounts: Any) -> int | float:
    """Exact decimal product of two or more amounts (e.g. hours x rate)."""
    return _exact("multiply", _EXACT.multiply, amounts)


@function(
    "divide",
    Param("amount", _MONEY),
    Param("by", _MONEY),
    example="divide(`10`, `4`) -> 2.5",
)
def _divide(amount: Any, by: Any) -> int | float:
    """Decimal quotient (28 significant digits); dividing by zero is an invalid-value error."""
    try:
        return from_decimal(to_decimal("divide", amount) / to_decimal("divide", by))
    except (DivisionByZero, InvalidOperation):
        invalid_value("divide", "division by zero")
    except DecimalException:
        _too_big("divide")


#: ``round``'s quantum for each number of places: ``2`` -> ``Decimal('0.01')``.
_EXPONENTS = {places: Decimal(1).scaleb(-places) for places in range(-18, 19)}


@function(
    "round",
    Param("amount", _MONEY),
    Param("places", _INT, optional=True),
    example="round(`2.675`, `2`) -> 2.68",
)
def _round(amount: Any, places: Any = 0) -> int | float:
    """Round half away from zero to ``places`` decimals (default 0; negative rounds to tens)."""
    exponent = _EXPONENTS.get(places) if type(places) is int else None
    if exponent is None:
        if not float(places).is_integer() or not -18 <= places <= 18:
            invalid_value("round",
                          f"places must be a whole number from -18 to 18, got {places!r}")
        exponent = _EXPONENTS[int(places)]
    try:
        rounded = to_decimal("round", amount).quantize(exponent, rounding=ROUND_HALF_UP)
    except InvalidOperation:
        invalid_value("round", f"{amount!r} has too many digits to round to {places} places")
    return from_decimal(rounded)


_ROUNDINGS = {"half_up": ROUND_HALF_UP, "half_even": ROUND_HALF_EVEN}


@function(
    "format_decimal",
    Param("amount", _MONEY),
    Param("places", _INT),
    Param("rounding", ("string",), optional=True),
    example="format_decimal(`96.4`, `2`) -> '96.40'",
)
def _format_decimal(amount: Any, places: Any, rounding: str = "half_up") -> str:
    """Exactly ``places`` decimals as text, rounded half up (or ``'half_even'``), no exponent."""
    mode = _ROUNDINGS.get(rounding)
    if mode is None:
        invalid_value("format_decimal",
                      f"rounding must be 'half_up' or 'half_even', got {rounding!r}")
    if not float(places).is_integer() or not 0 <= places <= 18:
        invalid_value("format_decimal",
                      f"places must be a whole number from 0 to 18, got {places!r}")
    value = to_decimal("format_decimal", amount)
    if value and value.adjusted() > 30:
        invalid_value("format_decimal", f"{amount!r} has more than 30 digits before the point")
    with localcontext(prec=60):
        text = format(value.quantize(_EXPONENTS[int(places)], rounding=mode), "f")
    return text[1:] if text.startswith("-") and not text.strip("-0.") else text
