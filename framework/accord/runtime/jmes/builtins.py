"""The 26 built-in functions of the JMESPath specification.

Argument types are declared in each ``@function`` signature and checked by
:attr:`Function.checked`; the bodies below assume well-typed arguments. Where jmespath.py 1.1.0
departs from the specification, the specification wins (see ``docs/functions.md``).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from typing import Any

from accord.runtime.jmes.core import eq, invalid_type, is_number, type_of
from accord.runtime.jmes.signature import Param, function

__all__: list[str] = []

_NUMBER = ("number",)
_STRING = ("string",)
_ARRAY = ("array",)
_OBJECT = ("object",)
_EXPREF = ("expref",)
_SORTABLE = ("array-number", "array-string")
_JSON_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?")

Expref = Callable[[Any], Any]


@function("abs", Param("value", _NUMBER), example="abs(`-2`) -> 2")
def _abs(value: float) -> float:
    """Absolute value of a number."""
    return abs(value)


@function("avg", Param("values", ("array-number",)), example="avg(`[1, 2]`) -> 1.5")
def _avg(values: list[float]) -> float | None:
    """Mean of an array of numbers; null for an empty array."""
    return sum(values) / len(values) if values else None


@function("ceil", Param("value", _NUMBER), example="ceil(`1.2`) -> 2")
def _ceil(value: float) -> int:
    """Smallest integer not below the number."""
    return math.ceil(value)


@function("floor", Param("value", _NUMBER), example="floor(`1.8`) -> 1")
def _floor(value: float) -> int:
    """Largest integer not above the number."""
    return math.floor(value)


@function(
    "contains",
    Param("subject", ("array", "string")),
    Param("search"),
    example="contains(`[1, 2]`, `2`) -> true",
)
def _contains(subject: list[Any] | str, search: Any) -> bool:
    """Whether an array holds the value (strict equality) or a string holds the substring."""
    if isinstance(subject, str):
        return isinstance(search, str) and search in subject
    return any(eq(element, search) for element in subject)


@function(
    "ends_with",
    Param("subject", _STRING),
    Param("suffix", _STRING),
    example="ends_with('invoice.pdf', '.pdf') -> true",
)
def _ends_with(subject: str, suffix: str) -> bool:
    """Whether the string ends with the suffix."""
    return subject.endswith(suffix)


@function(
    "starts_with",
    Param("subject", _STRING),
    Param("prefix", _STRING),
    example="starts_with('INV-1', 'INV-') -> true",
)
def _starts_with(subject: str, prefix: str) -> bool:
    """Whether the string starts with the prefix."""
    return subject.startswith(prefix)


@function(
    "join",
    Param("glue", _STRING),
    Param("values", ("array-string",)),
    example="join(', ', `[\"a\", \"b\"]`) -> 'a, b'",
)
def _join(glue: str, values: list[str]) -> str:
    """Join an array of strings with the glue string."""
    return glue.join(values)


@function("keys", Param("value", _OBJECT), example="keys(`{\"a\": 1}`) -> ['a']")
def _keys(value: dict[str, Any]) -> list[str]:
    """The keys of an object."""
    return list(value)


@function("values", Param("value", _OBJECT), example="values(`{\"a\": 1}`) -> [1]")
def _values(value: dict[str, Any]) -> list[Any]:
    """The values of an object."""
    return list(value.values())


@function(
    "length",
    Param("value", ("string", "array", "object")),
    example="length('abc') -> 3",
)
def _length(value: str | list[Any] | dict[str, Any]) -> int:
    """Code points of a string, elements of an array, keys of an object."""
    return len(value)


@function(
    "map",
    Param("expression", _EXPREF),
    Param("values", _ARRAY),
    example="map(&a, `[{\"a\": 1}, {}]`) -> [1, null]",
)
def _map(expression: Expref, values: list[Any]) -> list[Any]:
    """Apply the expression to each element; nulls are kept."""
    return [expression(element) for element in values]


@function("max", Param("values", _SORTABLE), example="max(`[1, 3]`) -> 3")
def _max(values: list[Any]) -> Any:
    """Largest number or string of an array; null when empty."""
    return max(values) if values else None


@function("min", Param("values", _SORTABLE), example="min(`[1, 3]`) -> 1")
def _min(values: list[Any]) -> Any:
    """Smallest number or string of an array; null when empty."""
    return min(values) if values else None


@function("sort", Param("values", _SORTABLE), example="sort(`[3, 1]`) -> [1, 3]")
def _sort(values: list[Any]) -> list[Any]:
    """Sorted copy of an array of numbers or of strings."""
    return sorted(values)


def _keyed(name: str, values: list[Any], expression: Expref) -> list[tuple[Any, Any]]:
    """(key, element) pairs; keys must be all numbers or all strings."""
    pairs = [(expression(element), element) for element in values]
    if pairs:
        want = "number" if is_number(pairs[0][0]) else "string"
        for key, _ in pairs:
            if type_of(key) != want:
                invalid_type(name, key, "number or string (all of one type)")
    return pairs


@function(
    "sort_by",
    Param("values", _ARRAY),
    Param("key", _EXPREF),
    example="sort_by(lines, &amount)",
)
def _sort_by(values: list[Any], expression: Expref) -> list[Any]:
    """Stable sort of an array by the number or string the expression gives each element."""
    pairs = _keyed("sort_by", values, expression)
    order = sorted(range(len(pairs)), key=lambda position: pairs[position][0])
    return [pairs[position][1] for position in order]


@function(
    "max_by", Param("values", _ARRAY), Param("key", _EXPREF), example="max_by(lines, &amount)"
)
def _max_by(values: list[Any], expression: Expref) -> Any:
    """Element with the largest key; null when the array is empty."""
    pairs = _keyed("max_by", values, expression)
    if not pairs:
        return None
    best = pairs[0]
    for pair in pairs[1:]:
        if pair[0] > best[0]:
            best = pair
    return best[1]


@function(
    "min_by", Param("values", _ARRAY), Param("key", _EXPREF), example="min_by(lines, &amount)"
)
def _min_by(values: list[Any], expression: Expref) -> Any:
    """Element with the smallest key; null when the array is empty."""
    pairs = _keyed("min_by", values, expression)
    if not pairs:
        return None
    best = pairs[0]
    for pair in pairs[1:]:
        if pair[0] < best[0]:
            best = pair
    return best[1]


@function(
    "merge",
    Param("objects", _OBJECT, variadic=True),
    example="merge(`{\"a\": 1}`, `{\"b\": 2}`) -> {a: 1, b: 2}",
)
def _merge(*objects: dict[str, Any]) -> dict[str, Any]:
    """Later objects' keys override earlier ones."""
    merged: dict[str, Any] = {}
    for value in objects:
        merged.update(value)
    return merged


@function("not_null", Param("values", variadic=True), example="not_null(a, b, 'none')")
def _not_null(*values: Any) -> Any:
    """First argument that is not null; null if all are."""
    for value in values:
        if value is not None:
            return value
    return None


@function("reverse", Param("value", ("array", "string")), example="reverse('abc') -> 'cba'")
def _reverse(value: list[Any] | str) -> list[Any] | str:
    """Reversed array or string."""
    return value[::-1]


@function("sum", Param("values", ("array-number",)), example="sum(`[1, 2]`) -> 3")
def _sum(values: list[float]) -> float:
    """Sum of an array of numbers (binary floats; use add() for money)."""
    return sum(values)


@function("to_array", Param("value"), example="to_array(`1`) -> [1]")
def _to_array(value: Any) -> list[Any]:
    """An array unchanged; anything else wrapped in a one-element array."""
    return value if isinstance(value, list) else [value]


@function("to_number", Param("value"), example="to_number('1.5') -> 1.5")
def _to_number(value: Any) -> Any:
    """Numbers unchanged; strings in JSON number syntax parsed; anything else null."""
    if is_number(value):
        return value
    if isinstance(value, str):
        match = _JSON_NUMBER.fullmatch(value)
        if match is None:
            return None
        if match.group(1) is None and match.group(2) is None:
            return int(value)
        return float(value)
    return None


@function("to_string", Param("value"), example="to_string(`[1]`) -> '[1]'")
def _to_string(value: Any) -> str:
    """Strings unchanged; anything else as compact JSON."""
    if isinstance(value, str):
        return value
    return json.dumps(value, separators=(",", ":"))


@function("type", Param("value"), example="type(`1`) -> 'number'")
def _type(value: Any) -> str:
    """The JMESPath type name of the value."""
    return type_of(value)
