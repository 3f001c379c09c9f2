"""JSON documents: the JSON Schema type of a value, JSON equality, locations of nodes and their
two renderings (a JSON path, an RFC 6901 JSON Pointer), and JSON text read with a bound on its
nesting.

The one home of these helpers: the loaders, the checker, the differ, the generator and the
runtime all name JSON nodes the same way. A location is a tuple of object member names and
array indexes (``("OpportunityLineItems", "records", 1, "Role__c")``); code passes tuples and
renders them only at the edge (dead letters, findings, command output) with :func:`json_path`
or :func:`json_pointer`.
"""

from __future__ import annotations

import json
import re
from typing import Any

__all__ = ["ANY_ITEM", "JSON_TYPES", "Location", "TooDeep", "escape_pointer", "join_pointer",
           "json_equal", "json_path", "json_pointer", "json_type", "loads_bounded",
           "nesting_too_deep", "resolve_pointer", "unescape_pointer"]

#: Where a node sits in a JSON document: member names (str) and array indexes (int), from the
#: root. ``()`` is the document itself.
Location = tuple[str | int, ...]
#: In a location that names a rule's reads rather than one node: an item of the array, its
#: position not known (an ``each`` over a filter, named without the record). Rendered ``[*]``
#: in a JSON path; such a location has no JSON Pointer.
ANY_ITEM = -1

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


#: A member name written ``.name`` in a JSON path (ASCII only: every JSONPath dialect reads
#: it the same way); any other name is written ``['name']``.
_SHORTHAND = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
#: Characters escaped inside ``['...']`` as RFC 9535 (JSONPath) normalized paths do.
_NAME_ESCAPES = re.compile(r"[\x00-\x1f'\\]")
_SHORT_ESCAPES = {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r",
                  "'": "\\'", "\\": "\\\\"}


def _escape_name(name: str) -> str:
    return _NAME_ESCAPES.sub(
        lambda m: _SHORT_ESCAPES.get(m.group(), f"\\u{ord(m.group()):04x}"), name)


def json_path(location: Location) -> str:
    """``location`` as a JSON path: ``("a", 0, "b c")`` -> ``$.a[0]['b c']``.

    A name that is an ASCII identifier is written ``.name``; any other (non-ASCII letters,
    digits first, dots, spaces, quotes, the empty name) ``['name']``, escaped as RFC 9535
    normalized paths are (``\\'``, ``\\\\``, ``\\n``, other controls ``\\u00XX``), so the
    path is one line and reads back to the same names. An index is ``[n]``; :data:`ANY_ITEM`
    is ``[*]``."""
    out = ["$"]
    for part in location:
        if isinstance(part, int):
            out.append(f"[{part}]" if part >= 0 else "[*]")
        elif _SHORTHAND.fullmatch(part):
            out.append(f".{part}")
        else:
            out.append(f"['{_escape_name(part)}']")
    return "".join(out)


def json_pointer(location: Location) -> str | None:
    """``location`` as an RFC 6901 JSON Pointer: ``("a", 0, "b/c")`` -> ``/a/0/b~1c`` (``""``
    for the document itself); None when it holds :data:`ANY_ITEM` (not one node)."""
    if any(isinstance(part, int) and part < 0 for part in location):
        return None
    return join_pointer("", *location)


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
