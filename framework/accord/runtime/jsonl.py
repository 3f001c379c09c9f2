"""JSON Lines encoding and decoding: orjson when installed, the standard library otherwise.

Both paths agree on what is JSON: UTF-8 only, no ``NaN``/``Infinity``. A line orjson refuses
is parsed again with the standard library, for a precise message. Known limit of the orjson
path: an integer beyond 64 bits (> 18446744073709551615) is read as a float, and a NaN produced
by a transformer is written as ``null``; ids that large should be strings in the source.
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["HAVE_ORJSON", "MalformedLine", "dumps_line", "loads_line"]

try:
    import orjson as _orjson
except ImportError:  # pragma: no cover - orjson is a dependency; the fallback is for safety
    _orjson = None  # type: ignore[assignment]

HAVE_ORJSON = _orjson is not None


class MalformedLine(ValueError):
    """A line that is not one JSON value in UTF-8."""


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _std_loads(line: bytes) -> Any:
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise MalformedLine(f"not valid UTF-8 (byte 0x{line[exc.start]:02x} at offset "
                            f"{exc.start})") from None
    try:
        return json.loads(text, parse_constant=_no_constants)
    except ValueError as exc:
        raise MalformedLine(f"not valid JSON: {exc}") from None


def loads_line(line: bytes) -> Any:
    """Parse one line; raises :class:`MalformedLine` saying what is wrong."""
    if _orjson is not None:
        try:
            return _orjson.loads(line)
        except _orjson.JSONDecodeError:
            pass  # re-parse with the standard library for a precise message
    return _std_loads(line)


def dumps_line(value: Any) -> bytes:
    """One JSON line (UTF-8, newline-terminated). Raises ValueError/TypeError when ``value``
    holds something JSON cannot (a set, a Decimal, NaN, a non-string key)."""
    if _orjson is not None:
        try:
            return _orjson.dumps(value, option=_orjson.OPT_APPEND_NEWLINE)
        except TypeError:
            pass
    return (json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
            + "\n").encode("utf-8")
