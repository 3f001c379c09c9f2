"""Fast paths for the functions mappings call most, bound as ``_j.fn_<name>`` in place of the
signature-checked wrappers.

Each handles the common argument types directly and hands anything else to the checked
function, so results and errors are exactly the checked function's (the compliance and
differential tests run through these, and ``tests/expr/test_expr_fast.py`` compares each
fast path with its checked function on generated values).

Money without ``Decimal``: ``multiply``, ``add`` and ``round`` on ints and floats work on
*scaled integers*. A float enters as the decimal its ``repr`` spells (exactly what
``Decimal(repr(x))`` does), e.g. ``187.5`` -> ``(1875, 1)`` meaning 1875 x 10^-1; products,
sums and half-up rounding of scaled integers are exact, and the result leaves as an ``int``
when integral, else as ``n / 10**k``, which Python rounds correctly, like ``float(Decimal)``.
Results of 28 digits or more (where ``Decimal``'s default context would round), exponent
``repr``s, non-finite floats, booleans and strings take the ``Decimal`` path.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import UTC as _UTC
from datetime import datetime
from functools import lru_cache
from hashlib import sha1 as _sha1
from hashlib import sha256 as _sha256
from operator import attrgetter
from typing import Any

from accord.runtime.jmes.signature import FUNCTIONS

__all__ = ["fast_functions"]


def fast_functions() -> dict[str, Callable[..., Any]]:
    """``{"fn_join": ..., ...}``: the fast path of each function that has one."""
    checked_join = FUNCTIONS["join"].checked
    checked_to_string = FUNCTIONS["to_string"].checked

    def fn_join(glue: Any, values: Any) -> Any:
        """``join``: a string glue and an array of strings joined by ``str.join``."""
        if type(glue) is str and type(values) is list:
            try:
                return glue.join(values)
            except TypeError:  # a non-string element: the checked path raises the error
                pass
        return checked_join(glue, values)

    def fn_to_string(value: Any) -> Any:
        """``to_string``: strings unchanged, ints and finite floats as their JSON text."""
        kind = type(value)
        if kind is str:
            return value
        if kind is int:
            return int.__repr__(value)
        if kind is float and value - value == 0:  # finite (inf - inf and nan are nan)
            return float.__repr__(value)
        return checked_to_string(value)

    checked_multiply = FUNCTIONS["multiply"].checked
    checked_add = FUNCTIONS["add"].checked
    checked_round = FUNCTIONS["round"].checked

    def fn_multiply(amount: Any, *more: Any) -> Any:
        """``multiply``: exact product of ints and floats (see the module docstring)."""
        if len(more) == 1:  # quantity x price: ints and floats of two decimals inline
            factor = more[0]
            kind = type(amount)
            if kind is int:
                left, scale = amount, 0
            elif (kind is float and -_CENTS_BOUND < amount < _CENTS_BOUND
                  and (left := round(amount * 100)) / 100 == amount):
                scale = 2
            else:
                left = None
            kind = type(factor)
            if left is None:
                pass
            elif kind is int:
                product = left * factor
                if -_LIMIT < product < _LIMIT:
                    return _unscaled(product, scale) if scale else product
            elif (kind is float and -_CENTS_BOUND < factor < _CENTS_BOUND
                  and (right := round(factor * 100)) / 100 == factor):
                product = left * right
                if -_LIMIT < product < _LIMIT:
                    return _unscaled(product, scale + 2)
        scaled = _scaled(amount)
        if scaled is not None:
            product, scale = scaled
            for value in more:
                factor = _scaled(value)
                if factor is None:
                    break
                product *= factor[0]
                scale += factor[1]
            else:
                if -_LIMIT < product < _LIMIT:
                    return _unscaled(product, scale)
        return checked_multiply(amount, *more)

    def fn_add(amount: Any, *more: Any) -> Any:
        """``add``: exact sum of ints and floats."""
        scaled = _scaled(amount)
        if scaled is not None:
            total, scale = scaled
            for value in more:
                term = _scaled(value)
                if term is None:
                    break
                if term[1] > scale:
                    total *= _POWERS[term[1] - scale]
                    scale = term[1]
                total += term[0] * _POWERS[scale - term[1]]
            else:
                if -_LIMIT < total < _LIMIT:
                    return _unscaled(total, scale)
        return checked_add(amount, *more)

    def fn_round(amount: Any, places: Any = _MISSING) -> Any:
        """``round``: half away from zero, on ints and floats, to 0-18 places."""
        if places is _MISSING:
            places = 0
        if (type(amount) is int and type(places) is int and 0 <= places <= 18
                and -_LIMIT < amount * _POWERS[places] < _LIMIT):
            return amount  # whole already: unchanged
        scaled = _scaled(amount)
        if scaled is not None and type(places) is int and 0 <= places <= 18:
            number, scale = scaled
            if scale <= places:  # already at most ``places`` decimals: unchanged
                if -_LIMIT < number * _POWERS[places - scale] < _LIMIT:
                    return _unscaled(number, scale)
                return checked_round(amount, places)
            step = _POWERS[scale - places]
            quotient, remainder = divmod(-number if number < 0 else number, step)
            if 2 * remainder >= step:
                quotient += 1
            if quotient < _LIMIT:
                return _unscaled(-quotient if number < 0 else quotient, places)
        if places is _MISSING:
            return checked_round(amount)
        return checked_round(amount, places)

    checked_format_date = FUNCTIONS["format_date"].checked

    def fn_format_date(value: Any, layout: Any, input_layout: Any = _MISSING) -> Any:
        """``format_date``: an ISO input and a layout of numeric fields without ``strftime``."""
        if input_layout is _MISSING and value is None and type(layout) is str:
            return None
        if input_layout is _MISSING and type(value) is str and type(layout) is str:
            plan = _date_layout(layout)
            if plan is not None:
                try:
                    parsed = datetime.fromisoformat(value)
                except ValueError:  # the checked path raises the invalid-value error
                    parsed = None
                if parsed is not None and parsed.year >= 1000:
                    return plan[0] % plan[1](parsed)
        if input_layout is _MISSING:
            return checked_format_date(value, layout)
        return checked_format_date(value, layout, input_layout)

    def round_to_string(amount: Any, places: Any) -> Any:
        """``to_string(round(amount, places))`` in one step: the rounded scaled integer is
        written as text directly (no float between the steps)."""
        if type(places) is int and 0 <= places <= _TEXT_PLACES:
            scaled = _scaled(amount)
            if scaled is not None:
                text = _rounded_text(scaled[0], scaled[1], places)
                if text is not None:
                    return text
        return fn_to_string(fn_round(amount, places))

    def multiply_round_to_string(amount: Any, factor: Any, places: Any) -> Any:
        """``to_string(round(multiply(amount, factor), places))`` in one step."""
        if type(places) is int and 0 <= places <= _TEXT_PLACES:
            left = _scaled(amount)
            right = _scaled(factor)
            if left is not None and right is not None:
                text = _rounded_text(left[0] * right[0], left[1] + right[1], places)
                if text is not None:
                    return text
        return fn_to_string(fn_round(fn_multiply(amount, factor), places))

    checked_sum = FUNCTIONS["sum"].checked

    def fn_sum(values: Any) -> Any:
        """``sum``: an array of ints and floats (never booleans) summed without the checked
        wrapper's per-call overhead; anything else raises the checked function's error."""
        if type(values) is list and INT_FLOAT.issuperset(map(type, values)):
            return sum(values)
        return checked_sum(values)

    return {"fn_join": fn_join, "fn_to_string": fn_to_string, "fn_multiply": fn_multiply,
            "fn_sum": fn_sum, "fn_add": fn_add, "fn_round": fn_round,
            "fn_format_date": fn_format_date, "round_to_string": round_to_string,
            "multiply_round_to_string": multiply_round_to_string, **_text_functions()}


def _text_functions() -> dict[str, Callable[..., Any]]:
    """Fast paths of the string, date and identifier functions: a string argument goes
    straight to the ``str``/``datetime``/``hashlib`` call the checked function makes; anything
    else (null, another type, an optional argument) to the checked function."""
    checked = {name: FUNCTIONS[name].checked
               for name in ("to_date", "to_timestamp", "sha256", "uuid5", "lookup", "coalesce",
                            "upper", "lower")}
    to_date, to_timestamp = checked["to_date"], checked["to_timestamp"]
    sha256, uuid5, lookup = checked["sha256"], checked["uuid5"], checked["lookup"]
    upper, lower = checked["upper"], checked["lower"]

    def fn_to_date(value: Any, *layout: Any) -> Any:
        """``to_date``: an ISO 8601 string's date."""
        if type(value) is str and not layout:
            try:
                return datetime.fromisoformat(value).date().isoformat()
            except ValueError:  # the checked path raises the invalid-value error
                pass
        elif value is None and not layout:
            return None
        return to_date(value, *layout)

    def fn_to_timestamp(value: Any, *layout: Any) -> Any:
        """``to_timestamp``: an ISO 8601 string as RFC 3339 UTC."""
        if type(value) is str and not layout:
            try:
                moment = datetime.fromisoformat(value)
            except ValueError:
                return to_timestamp(value)
            if moment.tzinfo is not None:
                moment = moment.astimezone(_UTC).replace(tzinfo=None)
            return moment.isoformat(
                timespec="microseconds" if moment.microsecond else "seconds") + "Z"
        if value is None and not layout:
            return None
        return to_timestamp(value, *layout)

    def fn_sha256(value: Any) -> Any:
        """``sha256``: a string's UTF-8 bytes hashed directly."""
        if type(value) is str:
            return _sha256(value.encode("utf-8")).hexdigest()
        return sha256(value)

    def fn_uuid5(namespace: Any, name: Any) -> Any:
        """``uuid5``: a known namespace and a string name, hashed as ``uuid.uuid5`` does."""
        if type(namespace) is str and type(name) is str:
            space = _namespace_bytes(namespace)
            if space is not None:
                digest = bytearray(_sha1(space + name.encode("utf-8")).digest()[:16])
                digest[6] = (digest[6] & 0x0F) | 0x50  # version 5
                digest[8] = (digest[8] & 0x3F) | 0x80  # RFC 4122 variant
                text = digest.hex()
                return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"
        return uuid5(namespace, name)

    def fn_lookup(table: Any, key: Any, *default: Any) -> Any:
        """``lookup``: a string key in an object."""
        if type(key) is str and type(table) is dict and len(default) <= 1:
            return table.get(key, default[0] if default else None)
        return lookup(table, key, *default)

    def fn_coalesce(*values: Any) -> Any:
        """``coalesce``: the first argument that is not null."""
        for value in values:
            if value is not None:
                return value
        return None

    def fn_upper(text: Any) -> Any:
        return text.upper() if type(text) is str else upper(text)

    def fn_lower(text: Any) -> Any:
        return text.lower() if type(text) is str else lower(text)

    return {"fn_to_date": fn_to_date, "fn_to_timestamp": fn_to_timestamp,
            "fn_sha256": fn_sha256, "fn_uuid5": fn_uuid5, "fn_lookup": fn_lookup,
            "fn_coalesce": fn_coalesce, "fn_upper": fn_upper, "fn_lower": fn_lower}


@lru_cache(maxsize=32)
def _namespace_bytes(namespace: str) -> bytes | None:
    """The 16 bytes of a ``uuid5`` namespace (dns/url/oid/x500 or a UUID), None when invalid
    (the checked path raises the error)."""
    known = {"dns": uuid.NAMESPACE_DNS, "url": uuid.NAMESPACE_URL, "oid": uuid.NAMESPACE_OID,
             "x500": uuid.NAMESPACE_X500}
    space = known.get(namespace.lower())
    if space is None:
        try:
            space = uuid.UUID(namespace)
        except ValueError:
            return None
    return space.bytes


#: ``strftime`` directives whose output is a zero-padded number (years from 1000 on).
_DATE_FIELDS = {"Y": ("%04d", "year"), "m": ("%02d", "month"), "d": ("%02d", "day"),
                "H": ("%02d", "hour"), "M": ("%02d", "minute"), "S": ("%02d", "second")}
_DIRECTIVE = re.compile(r"%(.)", re.DOTALL)


@lru_cache(maxsize=64)
def _date_layout(layout: str) -> tuple[str, Callable[[Any], Any]] | None:
    """``'%Y-%m-%dT%H:%M:%SZ'`` -> (``'%04d-%02d-...Z'``, a getter of those fields), or None
    when the layout uses another directive (``strftime`` handles it)."""
    parts: list[str] = []
    names: list[str] = []
    position = 0
    for match in _DIRECTIVE.finditer(layout):
        parts.append(layout[position:match.start()].replace("%", "%%"))
        code = match.group(1)
        if code == "%":
            parts.append("%%")
        elif code in _DATE_FIELDS:
            parts.append(_DATE_FIELDS[code][0])
            names.append(_DATE_FIELDS[code][1])
        else:
            return None
        position = match.end()
    tail = layout[position:]
    if "%" in tail or not names:
        return None
    parts.append(tail)
    getter = attrgetter(*names)
    if len(names) == 1:
        return "".join(parts), lambda value: (getter(value),)
    return "".join(parts), getter


_MISSING = object()
INT_FLOAT = frozenset((int, float))  # exactly: bool is an int subclass, and not a number
#: Results from 10**28 on take the Decimal path (its default context keeps 28 digits).
_LIMIT = 10**28
_POWERS: list[int] = [10**n for n in range(64)]
#: Whole floats below this print as ``<digits>.0`` (from 1e16 on, ``repr`` uses an exponent).
_EXACT = 1e16


#: A float below this in magnitude that is the nearest float to ``c / 100`` for an integer
#: ``c`` spells exactly that decimal: no other decimal of at most two places rounds to it (its
#: spacing, 2**-9 at most, is far below 0.01), so ``repr`` (the shortest decimal that rounds
#: to it) is that one.
_CENTS_BOUND = 1e13


def _scaled(value: Any) -> tuple[int, int] | None:
    """``(n, k)`` with value == n x 10^-k exactly as ``Decimal(repr(value))``; None to decline.

    Typed fast paths first: an int is itself; a float of at most two decimals (money, hours:
    ``187.5``, ``99.99``, ``125.0``) is found by one multiply, ``round`` and a division that
    checks it, without writing its ``repr``."""
    kind = type(value)
    if kind is int:
        return value, 0
    if kind is float:
        if -_CENTS_BOUND < value < _CENTS_BOUND:
            cents = round(value * 100)
            if cents / 100 == value:  # true division of ints is correctly rounded
                return cents, 2
        if value.is_integer() and -_EXACT < value < _EXACT:  # 125.0: Decimal('125.0')
            return int(value) * 10, 1
        text = repr(value)
        whole, point, fraction = text.partition(".")
        if point and "e" not in fraction and len(fraction) < 40:
            return int(whole + fraction), len(fraction)
    return None


#: The fused ``to_string(round(...))`` paths write at most this many decimals (``repr`` of a
#: float from 1e-4 on never uses an exponent) ...
_TEXT_PLACES = 4
#: ... and at most 15 significant digits (up to which a float's ``repr`` is exactly the
#: decimal it was made from, so the text equals the float route's).
_TEXT_DIGITS = 10**15


def _rounded_text(number: int, scale: int, places: int) -> str | None:
    """``to_string(round(n x 10^-k, places))`` as the composed fast paths give it (int text
    when integral, else the float's ``repr``); None to decline (too many digits)."""
    if not -_TEXT_DIGITS < number < _TEXT_DIGITS:
        return None
    negative = number < 0
    if negative:
        number = -number
    if scale > places:  # half away from zero, as ``round``
        step = _POWERS[scale - places]
        number, remainder = divmod(number, step)
        if 2 * remainder >= step:
            number += 1
        scale = places
    whole, fraction = divmod(number, _POWERS[scale])
    if fraction == 0:
        return int.__repr__(-whole if negative else whole)
    digits = str(fraction).rjust(scale, "0").rstrip("0")
    return f"{'-' if negative else ''}{whole}.{digits}"


def _unscaled(number: int, scale: int) -> int | float:
    """n x 10^-k as accord's money functions return it: int when integral, else nearest float."""
    if scale == 0:
        return number
    power: int = _POWERS[scale]
    quotient, remainder = divmod(number, power)
    if remainder == 0:
        return quotient
    return number / power
