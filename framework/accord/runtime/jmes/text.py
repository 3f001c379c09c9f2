"""accord's string, date and identifier functions. Null in gives null out.

Dates are ISO 8601 in and out. ``to_date(value, format?)`` reads an ISO 8601 date or date-time
(or, with ``format``, any layout ``datetime.strptime`` understands) and returns the date as
``YYYY-MM-DD``; ``format_date(value, format, input_format?)`` writes a date or date-time with a
``strftime`` format.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import UTC, datetime
from typing import Any

from accord.runtime.jmes.core import invalid_value
from accord.runtime.jmes.signature import Param, function

__all__: list[str] = []

_TEXT = ("string", "null")
_STRING = ("string",)
_NUMBER = ("number",)


@function("upper", Param("text", _TEXT), example="upper('eur') -> 'EUR'")
def _upper(text: str | None) -> str | None:
    """Upper-case a string."""
    return None if text is None else text.upper()


@function("lower", Param("text", _TEXT), example="lower('A@B.COM') -> 'a@b.com'")
def _lower(text: str | None) -> str | None:
    """Lower-case a string."""
    return None if text is None else text.lower()


@function(
    "trim",
    Param("text", _TEXT),
    Param("characters", _STRING, optional=True),
    example="trim('  Acme ') -> 'Acme'",
)
def _trim(text: str | None, characters: str | None = None) -> str | None:
    """Strip whitespace (or the given characters) from both ends."""
    return None if text is None else text.strip(characters)


@function(
    "replace",
    Param("text", _TEXT),
    Param("old", _STRING),
    Param("new", _STRING),
    example="replace('INV 1', ' ', '-') -> 'INV-1'",
)
def _replace(text: str | None, old: str, new: str) -> str | None:
    """Replace every occurrence of ``old``; ``old`` must not be empty."""
    if not old:
        invalid_value("replace", "the string to replace must not be empty")
    return None if text is None else text.replace(old, new)


@function(
    "split",
    Param("text", _TEXT),
    Param("separator", _STRING),
    example="split('a,b', ',') -> ['a', 'b']",
)
def _split(text: str | None, separator: str) -> list[str] | None:
    """Split on every occurrence of a non-empty separator."""
    if not separator:
        invalid_value("split", "the separator must not be empty")
    return None if text is None else text.split(separator)


def _whole(name: str, what: str, value: float) -> int:
    if not float(value).is_integer():
        invalid_value(name, f"{what} must be a whole number, got {value!r}")
    return int(value)


@function(
    "substring",
    Param("text", _TEXT),
    Param("start", _NUMBER),
    Param("length", _NUMBER, optional=True),
    example="substring('2026-11-22', `0`, `4`) -> '2026'",
)
def _substring(text: str | None, start: float, length: float | None = None) -> str | None:
    """Code points from ``start`` (0-based; negative counts from the end), ``length`` of them
    (to the end when left out). Out-of-range bounds are clamped."""
    first = _whole("substring", "start", start)
    if length is None:
        return None if text is None else text[first:]
    count = _whole("substring", "length", length)
    if count < 0:
        invalid_value("substring", f"length must not be negative, got {count}")
    if text is None:
        return None
    if first < 0:
        first = max(len(text) + first, 0)
    return text[first : first + count]


def _parse_datetime(name: str, text: str, layout: str | None) -> datetime:
    try:
        if layout is None:
            return datetime.fromisoformat(text)
        return datetime.strptime(text, layout)
    except ValueError:
        wanted = "an ISO 8601 date" if layout is None else f"a date in format {layout!r}"
        invalid_value(name, f"{text!r} is not {wanted}")


@function(
    "to_date",
    Param("value", _TEXT),
    Param("format", _STRING, optional=True),
    example="to_date('22/11/2026', '%d/%m/%Y') -> '2026-11-22'",
)
def _to_date(value: str | None, layout: str | None = None) -> str | None:
    """ISO 8601 date (``YYYY-MM-DD``) of an ISO date/date-time, or of ``value`` in ``format``."""
    if value is None:
        return None
    return _parse_datetime("to_date", value, layout).date().isoformat()


@function(
    "format_date",
    Param("value", _TEXT),
    Param("format", _STRING),
    Param("input_format", _STRING, optional=True),
    example="format_date('2026-11-22T09:30:00Z', '%d.%m.%Y %H:%M') -> '22.11.2026 09:30'",
)
def _format_date(value: str | None, layout: str, input_layout: str | None = None) -> str | None:
    """Write an ISO 8601 date/date-time (or ``value`` in ``input_format``) with ``format``."""
    if value is None:
        return None
    return _parse_datetime("format_date", value, input_layout).strftime(layout)


@function(
    "to_timestamp",
    Param("value", _TEXT),
    Param("format", _STRING, optional=True),
    example="to_timestamp('2026-11-22T11:30:00.000+0200') -> '2026-11-22T09:30:00Z'",
)
def _to_timestamp(value: str | None, layout: str | None = None) -> str | None:
    """RFC 3339 UTC timestamp (``...Z``) of an ISO 8601 date-time with any offset (or of
    ``value`` in ``format``); a value without an offset is taken as UTC."""
    if value is None:
        return None
    moment = _parse_datetime("to_timestamp", value, layout)
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.isoformat(timespec="microseconds" if moment.microsecond else "seconds") + "Z"


def _canonical(value: Any) -> str:
    """Strings as they are; anything else as sorted, compact JSON (stable across runs)."""
    if isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


@function("sha256", Param("value"), example="sha256('abc') -> 'ba7816bf...'")
def _sha256(value: Any) -> str | None:
    """Hex SHA-256 of a string's UTF-8 bytes (other values: of their canonical JSON)."""
    if value is None:
        return None
    return hashlib.sha256(_canonical(value).encode("utf-8")).hexdigest()


_NAMESPACES = {
    "dns": uuid.NAMESPACE_DNS,
    "url": uuid.NAMESPACE_URL,
    "oid": uuid.NAMESPACE_OID,
    "x500": uuid.NAMESPACE_X500,
}


@function(
    "uuid5",
    Param("namespace", _STRING),
    Param("name"),
    example="uuid5('url', 'https://crm.example/accounts/42')",
)
def _uuid5(namespace: str, name: Any) -> str | None:
    """Name-based UUID (RFC 4122 v5). ``namespace`` is a UUID or dns/url/oid/x500."""
    if name is None:
        return None
    space = _NAMESPACES.get(namespace.lower())
    if space is None:
        try:
            space = uuid.UUID(namespace)
        except ValueError:
            invalid_value("uuid5", f"namespace {namespace!r} is not a UUID or dns/url/oid/x500")
    return str(uuid.uuid5(space, _canonical(name)))
