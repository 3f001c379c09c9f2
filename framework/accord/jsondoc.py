"""JSON documents: the JSON Schema type of a value, JSON equality, RFC 6901 JSON Pointers, and
JSON text read with a bound on its nesting.

The one home of these helpers: the loaders, the checker, the differ and the generator all
name JSON nodes the same way.
"""

from __future__ import annotations

import json
import re
from typing import Any

__all__ = ["JSON_TYPES", "TooDeep", "escape_pointer", "join_pointer", "json_equal", "json_type",
           "loads_bounded", "nesting_too_deep", "resolve_pointer", "unescape_pointer"]

#: The type names of JSON Schema 2020-12 (``integer`` is a subset of ``number``).
JSON_TYPES = frozenset({"null", "boolean", "object", "array", "number", "string", "integer"})


def json_type(value: Any) -> str:
    """The JSON Schema type name of a JSON value: ``true`` is a boolean (never an integer),
    and a number with a zero fraction (``1.0``) is an integer, as JSON Schema counts it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "integer" if value.is_integer() else "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list | tuple):
        return "array"
    return "object"


def json_equal(a: Any, b: Any) -> bool:
    """Equality of two JSON values as JSON counts it: numbers by value (``111354`` equals
    ``111354.0``), a boolean only a boolean (``true`` never equals ``1``), arrays item by item,
    objects key by key, all the way down."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a is b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(json_equal(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(json_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, str) and isinstance(b, str):
        return a == b
    return a is None and b is None


def escape_pointer(token: str | int) -> str:
    """One reference token, escaped (``~`` → ``~0``, ``/`` → ``~1``)."""
    return str(token).replace("~", "~0").replace("/", "~1")


def unescape_pointer(token: str) -> str:
    """One escaped reference token read back (``~1`` → ``/``, then ``~0`` → ``~``)."""
    return token.replace("~1", "/").replace("~0", "~")


def resolve_pointer(document: Any, pointer: str) -> Any:
    """The value at JSON Pointer ``pointer`` in ``document`` (``""`` is the whole document,
    ``"/a/0"`` an item of ``a``). Raises KeyError when nothing is there."""
    node = document
    for token in pointer.split("/")[1:] if pointer else []:
        token = unescape_pointer(token)
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            raise KeyError(pointer)
    return node


def join_pointer(base: str, *tokens: str | int) -> str:
    """``base`` extended by the escaped ``tokens``: ``join_pointer("/a", "b/c", 0)`` is
    ``/a/b~1c/0``."""
    return base + "".join("/" + escape_pointer(t) for t in tokens)


# A JSON string (skipped whole, so brackets inside it do not count) or a bracket. The string
# pattern is the unrolled loop: linear, whatever the text.
_BRACKETS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')


class TooDeep(ValueError):
    """JSON text nested deeper than a limit; ``line`` and ``col`` (1-based) say where."""

    def __init__(self, limit: int, line: int, col: int) -> None:
        super().__init__(f"nested more than {limit} levels deep (line {line}, column {col})")
        self.limit, self.line, self.col = limit, line, col


def nesting_too_deep(text: str, limit: int) -> tuple[int, int] | None:
    """Line and column where JSON ``text`` first nests more than ``limit`` levels, or None.

    Linear in the text and without recursion; a text with at most ``limit`` brackets in all
    is answered without scanning it."""
    if text.count("[") + text.count("{") <= limit:
        return None
    depth = 0
    for match in _BRACKETS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > limit:
                at = match.start()
                return text.count("\n", 0, at) + 1, at - (text.rfind("\n", 0, at) + 1) + 1
        elif token in "]}":
            depth -= 1
    return None


def loads_bounded(text: str, limit: int, **options: Any) -> Any:
    """``json.loads(text, **options)``, but nesting deeper than ``limit`` raises
    :class:`TooDeep` (a ValueError) instead of a ``RecursionError`` or a value that the
    recursive code downstream cannot walk."""
    where = nesting_too_deep(text, limit)
    if where is not None:
        raise TooDeep(limit, *where)
    return json.loads(text, **options)
