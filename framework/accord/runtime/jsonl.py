"""JSON Lines encoding and decoding: orjson when installed, the standard library otherwise.

Both paths agree on what is JSON, and refuse (as :class:`MalformedLine`, a dead letter in
``accord run``) what would otherwise be silently changed or crash the run:

- not UTF-8, ``NaN``/``Infinity``, a lone surrogate escape (``"\\ud800"``: no character);
- nesting deeper than :data:`MAX_DEPTH` levels (orjson writes at most 254);
- a duplicate key in an object (parsers disagree on which value wins: the record is ambiguous);
- an integer beyond JavaScript's safe range, ``|n| > 2**53 - 1`` (JSON consumers round it; orjson
  reads one beyond 64 bits as a float): send such ids as strings.

Cost on the hot path: orjson parses the line, then re-encodes the value (strict 53-bit integers)
and checks that the line starts with that echo — one C call and a memcmp. A line that starts
with its echo holds nothing else (orjson parsed all of it: the rest is whitespace), so nothing
was lost or changed. Only when the two differ (whitespace, escapes, another number spelling)
and a cheap sign says a key or number may have been lost (fewer ``:`` in the echo, a
``\\u003`` escape, a float printed with ``e+``) is the line parsed again by the standard
library with checking hooks, which says exactly what is wrong. The stream runner inlines the
common case (:data:`fast_loads`, :data:`fast_dumps`) and calls :func:`recheck_line` otherwise.
"""

from __future__ import annotations

import json
from functools import partial
from typing import Any

from accord.jsondoc import TooDeep, nesting_too_deep

__all__ = ["ECHO", "FAST_ERRORS", "HAVE_ORJSON", "LINE", "MAX_DEPTH", "MAX_SAFE_INTEGER",
           "UNPARSED", "MalformedLine", "dumps_line", "fast_dumps", "fast_dumps_line",
           "fast_loads", "loads_line", "recheck_line"]

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
    if line.startswith(echo):
        return True  # byte for byte the same (then only whitespace): nothing lost or changed
    # Other spelling (spaces, escapes): a lost duplicate key takes its ':' with it, unless
    # escapes make up for it; an integer beyond 64 bits came back as a float with 'e+'.
    return not (echo.count(b":") < line.count(b":") or b"\\u003" in line or b"e+" in echo)


#: ``value`` of :func:`recheck_line` when orjson did not parse the line
UNPARSED: Any = object()


def recheck_line(line: bytes, value: Any = UNPARSED) -> Any:
    """The slow half of :func:`loads_line`, for a line that does not start with its strict
    echo (or that orjson refused: ``value`` is then :data:`UNPARSED`): ``value`` when it
    certainly holds everything the line said, else the standard library's checked parse,
    which raises :class:`MalformedLine` saying what is wrong."""
    if _orjson is not None:
        if value is UNPARSED:
            try:
                value = _orjson.loads(line)
            except _orjson.JSONDecodeError as exc:
                return _strict_loads(line, str(exc))  # raises, with the most precise message
        if _echo_matches(line, value):
            return value
    return _strict_loads(line)


def loads_line(line: bytes) -> Any:
    """Parse one line; raises :class:`MalformedLine` saying what is wrong."""
    if _orjson is None:
        return _strict_loads(line)
    try:
        value = _orjson.loads(line)
    except _orjson.JSONDecodeError:
        return recheck_line(line)
    try:
        if line.startswith(_orjson.dumps(value, option=_STRICT)):
            return value
    except _orjson.JSONEncodeError:  # an integer beyond 2**53 - 1, or nested too deep
        pass
    return recheck_line(line, value)


def _unavailable(value: Any, option: int = 0) -> bytes:
    raise TypeError("orjson is not installed")


#: For a hot loop: orjson's parse and write (``FAST_ERRORS`` when it refuses).
#: ``line.startswith(fast_dumps(fast_loads(line), option=ECHO))`` (the strict echo) means the
#: line is exactly the value; otherwise call :func:`recheck_line`.
fast_loads: Any = _orjson.loads if _orjson is not None else _unavailable
fast_dumps: Any = _orjson.dumps if _orjson is not None else _unavailable
ECHO = _STRICT
#: ``fast_dumps(value, option=LINE)`` is :func:`fast_dumps_line` without the cost of a
#: ``functools.partial`` call (~0.2 us a record)
LINE = _orjson.OPT_APPEND_NEWLINE if _orjson is not None else 0
FAST_ERRORS: tuple[type[Exception], ...] = (
    (_orjson.JSONDecodeError, _orjson.JSONEncodeError) if _orjson is not None else (TypeError,))


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
