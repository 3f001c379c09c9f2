"""What an expression reads from the value it maps, for errors that say where.

:func:`reads` lists the pure paths (``a.b.c``) an expression reads from its current value, so a
failing rule can name the one that is absent or null in the record. :func:`key_parts` lists the
paths an idempotency key is built from: each must be present and not null, so that a key never
carries ``null`` (``to_string(null)`` is ``"null"`` in JMESPath).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

__all__ = ["key_parts", "pure_path", "reads"]

Path = tuple[str, ...]

#: functions whose single value argument is a key part as it is (``to_string(id)``)
_PASS_THROUGH = frozenset({"to_string", "upper", "lower", "trim", "sha256"})
#: node types whose first child is evaluated on the current value, the rest on its result
_LEFT_ONLY = frozenset({"subexpression", "index_expression", "projection", "filter_projection",
                        "flatten", "value_projection", "pipe"})


def pure_path(node: Any) -> Path | None:
    """The field names of a pure path expression (``a.b.c``), else None."""
    if not isinstance(node, dict):
        return None
    if node.get("type") == "field":
        return (str(node["value"]),)
    if node.get("type") == "subexpression":
        parts: list[str] = []
        for child in node["children"]:
            sub = pure_path(child)
            if sub is None:
                return None
            parts.extend(sub)
        return tuple(parts)
    return None


def _walk(node: Any) -> Iterator[Path]:
    if not isinstance(node, dict):
        return
    path = pure_path(node)
    if path is not None:
        yield path
        return
    kind = node.get("type")
    children = node.get("children") or []
    if kind in _LEFT_ONLY:
        children = children[:1]
    elif kind == "expref" or (kind == "function_expression"
                              and node.get("value") in ("parent", "root")):
        return
    for child in children:
        yield from _walk(child)


def reads(ast: Any) -> tuple[Path, ...]:
    """The pure paths ``ast`` reads from its current value (not from items it projects,
    ``parent()`` or ``root()``), in order, without repeats."""
    return tuple(dict.fromkeys(_walk(ast)))


def _part(node: Any) -> Iterator[Path]:
    path = pure_path(node)
    if path is not None:
        yield path
    elif isinstance(node, dict) and node.get("type") == "function_expression":
        args = node.get("children") or []
        if node.get("value") in _PASS_THROUGH and len(args) == 1:
            yield from _part(args[0])
        elif node.get("value") == "join" and len(args) == 2:
            yield from _list(args[1])


def _list(node: Any) -> Iterator[Path]:
    if isinstance(node, dict) and node.get("type") == "multi_select_list":
        for child in node.get("children") or []:
            yield from _part(child)
    else:
        yield from _part(node)


def key_parts(ast: Any) -> tuple[Path, ...]:
    """The paths a key is built from, each of which must be present and not null: the key
    itself when it is a path, the elements of ``join(glue, [...])`` or of ``[...]``, looking
    through ``to_string()`` and the string functions. A part with its own fallback
    (``updated_at || ''``, ``coalesce(...)``) is not one of them."""
    return tuple(dict.fromkeys(_list(ast)))
