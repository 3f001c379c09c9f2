"""JSON Lines encoding and decoding: orjson when installed, the standard library otherwise.

Both paths agree on what is JSON, and refuse (as :class:`MalformedLine`, a dead letter in
``accord run``) what would otherwise be silently changed or crash the run:

- not UTF-8, ``NaN``/``Infinity``, a lone surrogate escape (``"\\ud800"``: no character);
- nesting deeper than :data:`MAX_DEPTH` levels (orjson writes at most 254);
- a duplicate key in an object (parsers disagree on which value wins: the record is ambiguous);
- an integer beyond JavaScript's safe range, ``|n| > 2**53 - 1`` (JSON consumers round it; orjson
  reads one beyond 64 bits as a float): send such ids as strings.

Cost on the hot path: orjson parses the line, then re-encodes the value (strict 53-bit integers)
and compares it with the line — one C call and a memcmp. Only when the two differ (whitespace,
escapes, another number spelling) and a cheap sign says a key or number may have been lost
(fewer ``:`` in the echo, a ``\\u003`` escape, a float printed with ``e+``) is the line parsed
again by the standard library with checking hooks, which says exactly what is wrong.
"""

from __future__ import annotations

import json
from functools import partial
from typing import Any

from accord.jsondoc import TooDeep, nesting_too_deep

__all__ = ["HAVE_ORJSON", "MAX_DEPTH", "MAX_SAFE_INTEGER", "MalformedLine", "dumps_line",
           "fast_dumps_line", "loads_line"]

try:
    import orjson as _orjson
except ImportError:  # pragma: no cover - orjson is a dependency; the fallback is for safety
    _orjson = None  # type: ignore[assignment]

HAVE_ORJSON = _orjson is not None

#: Deepest nesting of a record (orjson writes at most 254 levels; real records nest < 20).
MAX_DEPTH = 254
#: Largest integer every JSON consumer reads exactly (JavaScript's Number.MAX_SAFE_INTEGER).
MAX_SAFE_INTEGER = 2**53 - 1
_STRICT = _orjson.OPT_STRICT_INTEGER if _orjson is not None else 0


class MalformedLine(ValueError):
    """A line that is not one JSON value in UTF-8."""


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


class _Refused(ValueError):
    """Raised by the checking hooks: the message is the whole reason."""


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _Refused(f"duplicate key {key!r} in an object: which value counts is "
                               "ambiguous")
            seen.add(key)
    return result


def _safe_int(text: str) -> int:
    value = int(text)
    if -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
        return value
    raise _Refused(f"integer {text} is beyond 2**53 - 1: JSON consumers round it; send it as a "
                   "string")


def _has_lone_surrogate(value: Any) -> bool:
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _strict_loads(line: bytes, refusal: str | None = None) -> Any:
    """The standard library's parse with every check; ``refusal`` is orjson's reason, if it
    refused the line, used when the standard library alone would accept it."""
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise MalformedLine(f"not valid UTF-8 (byte 0x{line[exc.start]:02x} at offset "
                            f"{exc.start})") from None
    where = nesting_too_deep(text, MAX_DEPTH)
    if where is not None:
        raise MalformedLine(str(TooDeep(MAX_DEPTH, *where)))
    try:
        value = json.loads(text, object_pairs_hook=_unique_keys, parse_int=_safe_int,
                           parse_constant=_no_constants)
    except _Refused as exc:
        raise MalformedLine(str(exc)) from None
    except (ValueError, RecursionError) as exc:
        raise MalformedLine(f"not valid JSON: {exc}") from None
    if refusal is not None:
        raise MalformedLine(f"not valid JSON: {refusal}")
    if "\\u" in text and _has_lone_surrogate(value):
        raise MalformedLine("not valid JSON: a lone surrogate escape (\\ud800-\\udfff) is "
                            "not a character")
    return value


def _echo_matches(line: bytes, value: Any) -> bool:
    """True when orjson's ``value`` certainly holds everything ``line`` said, unchanged."""
    try:
        echo = _orjson.dumps(value, option=_STRICT)
    except _orjson.JSONEncodeError:  # an integer beyond 2**53 - 1, or nested too deep
        return False
    if line.startswith(echo) and not line[len(echo):].strip():
        return True  # byte for byte the same: nothing lost, nothing changed
    # Other spelling (spaces, escapes): a lost duplicate key takes its ':' with it, unless
    # escapes make up for it; an integer beyond 64 bits came back as a float with 'e+'.
    return not (echo.count(b":") < line.count(b":") or b"\\u003" in line or b"e+" in echo)


def loads_line(line: bytes) -> Any:
    """Parse one line; raises :class:`MalformedLine` saying what is wrong."""
    if _orjson is not None:
        try:
            value = _orjson.loads(line)
        except _orjson.JSONDecodeError as exc:
            return _strict_loads(line, str(exc))  # raises, with the most precise message
        try:  # the common case of _echo_matches inline: the line is the echo and a newline
            echo = _orjson.dumps(value, option=_STRICT)
        except _orjson.JSONEncodeError:
            echo = b""
        if echo and line.startswith(echo) and (
                len(line) == len(echo) or (len(line) == len(echo) + 1 and line[-1] == 10)):
            return value
        if _echo_matches(line, value):
            return value
    return _strict_loads(line)


def fast_dumps_line(value: Any) -> bytes:
    """:func:`dumps_line` for a hot loop: orjson alone (TypeError for anything it cannot
    write, a subclass of TypeError included; call :func:`dumps_line` then)."""
    raise TypeError("orjson is not installed")


if _orjson is not None:
    fast_dumps_line = partial(_orjson.dumps, option=_orjson.OPT_APPEND_NEWLINE)


def dumps_line(value: Any) -> bytes:
    """One JSON line (UTF-8, newline-terminated). Raises ValueError/TypeError when ``value``
    holds something JSON cannot (a set, a Decimal, NaN, a non-string key)."""
    if _orjson is not None:
        try:
            return _orjson.dumps(value, option=_orjson.OPT_APPEND_NEWLINE)
        except TypeError:
            pass
    try:
        return (json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
                + "\n").encode("utf-8")
    except RecursionError:
        raise ValueError("nested too deeply to write as JSON") from None
