"""JMESPath's value model in Python: types, truthiness, equality, ordering, slices, errors.

Everything here works on plain JSON values (``dict``, ``list``, ``str``, ``int``, ``float``,
``bool``, ``None``). An expression reference (``&expr``) is represented by a Python function
taking the current node, so ``type_of`` reports any function as ``"expref"``.
"""

from __future__ import annotations

import types
from typing import Any, NoReturn

from accord.errors import ExpressionError

__all__ = [
    "NUMBER_TYPES",
    "eq",
    "flatten",
    "ge",
    "gt",
    "index",
    "invalid_type",
    "invalid_value",
    "is_number",
    "is_true",
    "le",
    "lt",
    "ne",
    "not_",
    "pluck",
    "slice_",
    "type_of",
]

#: The Python types of a JMESPath number (``bool`` is deliberately absent: ``type(True) is bool``).
NUMBER_TYPES = (int, float)


def is_number(value: Any) -> bool:
    """True for JSON numbers; False for booleans, which Python counts as ints."""
    return isinstance(value, NUMBER_TYPES) and not isinstance(value, bool)


def type_of(value: Any) -> str:
    """The JMESPath type name of ``value``: string, number, boolean, array, object, null, expref."""
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, NUMBER_TYPES):
        return "number"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    if value is None:
        return "null"
    if isinstance(value, types.FunctionType):
        return "expref"
    return "unknown"


def is_true(value: Any) -> bool:
    """JMESPath truthiness: false, null, "", [] and {} are false; every number is true."""
    return bool(value) or is_number(value)


def not_(value: Any) -> bool:
    """The ``!expr`` operator."""
    return not (value or is_number(value))


def eq(left: Any, right: Any) -> bool:
    """Deep, type-strict equality: ``1 == 1.0`` but ``true != 1`` and ``[1] != [true]``."""
    if left is right:
        return True
    if isinstance(left, bool) or isinstance(right, bool):
        return False
    if isinstance(left, str):
        return isinstance(right, str) and left == right
    if isinstance(left, NUMBER_TYPES):
        return isinstance(right, NUMBER_TYPES) and left == right
    if isinstance(left, list):
        if not isinstance(right, list) or len(left) != len(right):
            return False
        return all(eq(a, b) for a, b in zip(left, right, strict=True))
    if isinstance(left, dict):
        if not isinstance(right, dict) or left.keys() != right.keys():
            return False
        return all(eq(value, right[key]) for key, value in left.items())
    return bool(left == right)


def ne(left: Any, right: Any) -> bool:
    """``left != right`` under :func:`eq`."""
    return not eq(left, right)


def _both_numbers(left: Any, right: Any) -> bool:
    return is_number(left) and is_number(right)


def lt(left: Any, right: Any) -> bool | None:
    """``<``: ordering is defined on numbers only; anything else gives null."""
    return left < right if _both_numbers(left, right) else None


def le(left: Any, right: Any) -> bool | None:
    """``<=`` on numbers, else null."""
    return left <= right if _both_numbers(left, right) else None


def gt(left: Any, right: Any) -> bool | None:
    """``>`` on numbers, else null."""
    return left > right if _both_numbers(left, right) else None


def ge(left: Any, right: Any) -> bool | None:
    """``>=`` on numbers, else null."""
    return left >= right if _both_numbers(left, right) else None


def index(value: Any, position: int) -> Any:
    """``value[position]``: null unless ``value`` is an array and the position is in range."""
    if isinstance(value, list) and -len(value) <= position < len(value):
        return value[position]
    return None


def slice_(value: Any, start: int | None, stop: int | None, step: int | None) -> Any:
    """``value[start:stop:step]`` on arrays (Python's slice rules are JMESPath's), else null."""
    if isinstance(value, list):
        return value[start:stop:step]
    return None


def flatten(value: Any) -> list[Any] | None:
    """``value[]``: merge one level of nested arrays; null unless ``value`` is an array."""
    if not isinstance(value, list):
        return None
    merged: list[Any] = []
    for element in value:
        if isinstance(element, list):
            merged.extend(element)
        else:
            merged.append(element)
    return merged


def pluck(values: Any, name: str) -> list[Any] | None:
    """``values[*].name``: the non-null ``name`` of each object element; null unless an array.

    The common case (every element an object with the key) is one C-speed comprehension of
    subscripts; a missing key or a non-object element makes it take the element-by-element
    path (non-objects and missing keys give null, and nulls are dropped)."""
    if not isinstance(values, list):
        return None
    try:
        found = [element[name] for element in values]
    except (KeyError, TypeError, IndexError):
        return [
            value
            for element in values
            if isinstance(element, dict) and (value := element.get(name)) is not None
        ]
    if None in found:
        return [value for value in found if value is not None]
    return found


def invalid_type(function: str, value: Any, expected: str) -> NoReturn:
    """Raise the run-time ``invalid-type`` error of a function argument."""
    raise ExpressionError(
        f"{function}() expected {expected}, got {type_of(value)}: {_short(value)}",
        kind="invalid-type",
    )


def invalid_value(function: str, message: str) -> NoReturn:
    """Raise the run-time ``invalid-value`` error of a function."""
    raise ExpressionError(f"{function}(): {message}", kind="invalid-value")


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
