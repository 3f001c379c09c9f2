"""Helpers that generated transformer modules call (``from accord.runtime import mapping as _m``).

They implement the parts of a mapping rule that are not the expression itself: defaults,
lookups with ``on_miss``, required values, nested target paths, ``each`` items, idempotency
keys, and errors that name the rule (``mappings/x.yaml:14``) and the location in the record.

Locations are tuples of member names and indexes (``("lines", 1, "hours")``), passed as
constants by generated code and composed as tuples (an ``each`` prepends the array and the
item's index); nothing here renders them (that is the dead letter's and the CLI's job, with
:func:`accord.jsondoc.json_path`). Every helper that takes one runs only when a record fails,
or is called with a constant: the happy path builds no location.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, NoReturn

from accord.errors import ExpressionError, TransformError
from accord.jsondoc import Location, json_path

__all__ = [
    "TransformError",
    "as_items",
    "fail",
    "has_path",
    "is_empty",
    "item_position",
    "key_parts",
    "key_text",
    "located",
    "lookup",
    "missing",
    "nested",
    "put",
    "record_key",
    "require",
]

_MISSING = object()


def fail(message: str, *, error_class: str = "mapping_error", path: Location = (),
         rule: str | None = None) -> NoReturn:
    """Raise the TransformError a dead-letter file records."""
    raise TransformError(message, error_class=error_class, path=path, rule=rule)


def put(out: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    """``out[a][b][c] = value``, creating the intermediate objects."""
    node = out
    for part in path[:-1]:
        child = node.get(part)
        if not isinstance(child, dict):
            child = {}
            node[part] = child
        node = child
    node[path[-1]] = value


def is_empty(value: Any) -> bool:
    """``default_on: empty``: null, ``""``, ``[]`` or ``{}``."""
    return value is None or (isinstance(value, (str, list, dict)) and not value)


def has_path(record: Any, path: tuple[str, ...]) -> bool:
    """``default_on: missing``: every key of ``path`` is present (a null value counts)."""
    node = record
    for part in path:
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


def _key(value: Any) -> str:
    """The table key a value is looked up by: a string itself, a number or boolean by its
    JSON text (what ``json.dumps`` writes, without its cost for the common types)."""
    kind = type(value)
    if kind is str:
        return value  # type: ignore[no-any-return]
    if kind is int:
        return int.__repr__(value)
    if kind is bool:
        return "true" if value else "false"
    if kind is float and value - value == 0:  # finite (inf - inf and nan - nan are nan)
        return float.__repr__(value)
    return value if isinstance(value, str) else json.dumps(value)


def lookup(table: dict[str, Any], value: Any, on_miss: str, default: Any, *,
           rule: str, path: Location) -> Any:
    """Translate ``value`` through ``table`` (numbers and booleans by their JSON text).

    ``on_miss``: ``error`` fails the record, ``default`` gives ``default``, ``passthrough``
    keeps the value.
    """
    if value is None:
        return None
    if isinstance(value, (dict, list)):
        fail(f"lookup needs a string, number or boolean, got {type(value).__name__}",
             path=path, rule=rule)
    found = table.get(_key(value), _MISSING)
    if found is not _MISSING:
        return found
    if on_miss == "passthrough":
        return value
    if on_miss == "default":
        return default
    fail(f"no lookup entry for {value!r}", error_class="mapping_error", path=path, rule=rule)


def missing(target: str, rule: str, path: Location) -> NoReturn:
    """``required: true`` and the value is null: fail the record as a data quality error.

    Generated code tests ``value is None`` itself and calls this only to fail."""
    fail(f"{target} is required but the record has no value for it",
         error_class="data_quality", path=path, rule=rule)


def require(value: Any, *, rule: str, path: Location, target: str) -> Any:
    """``required: true``: a null value fails the record as a data quality error."""
    if value is None:
        missing(target, rule, path)
    return value


def as_items(value: Any, *, rule: str, path: Location) -> list[Any] | None:
    """The array an ``each`` iterates (None when absent)."""
    if value is None or isinstance(value, list):
        return value
    fail(f"`each` expects an array, got {type(value).__name__}", path=path, rule=rule)


def item_position(record: Any, base: tuple[str, ...], item: Any, fallback: int) -> int:
    """Where ``item`` sits in the array at ``base`` in ``record``: an ``each`` over a filter
    maps some of that array's elements, and an error in one names its place in the source
    (``("lines", 3)``), not in the subset. ``fallback`` when it is not found there. Runs only
    on the error path."""
    node = record
    for key in base:
        node = node.get(key) if isinstance(node, dict) else None
    if isinstance(node, list):
        for position, element in enumerate(node):
            if element is item:
                return position
    return fallback


def nested(error: TransformError, prefix: Location, index: int, *,
           target: Location | None = None, at: int | None = None) -> TransformError:
    """``error`` raised inside item ``index`` of the array at ``prefix`` (in the record), which
    the ``each`` writes to the output array at ``target``: its locations, relative to the
    item, prefixed by the array and the item's index. ``at``: the item's position in the
    source array when it differs from ``index`` (an ``each`` over a filter)."""
    inner_target = error.target
    if target is not None:
        inner_target = (*target, index, *(error.target or ()))
    return TransformError(error.message, error_class=error.error_class,
                          path=(*prefix, index if at is None else at, *error.path),
                          rule=error.rule, target=inner_target)


def _absent(record: Any, reads: tuple[tuple[str, ...], ...]) -> tuple[str, ...] | None:
    """The first path of ``reads`` that is absent or null in ``record``."""
    for path in reads:
        node = record
        for part in path:
            node = node.get(part) if isinstance(node, dict) else None
            if node is None:
                return path
    return None


def located(error: Exception, *, rule: str, path: Location = (),
            target: Location | None = None,
            record: Any = None, reads: tuple[tuple[str, ...], ...] = ()) -> TransformError:
    """``error``, raised by the code of the rule at ``rule`` (spec file:line), as the
    TransformError a dead letter records: the rule, the source path and the target path.

    A TransformError keeps its class and path (it gains the rule and target it lacks). A
    type error (a function given the wrong type) is a ``data_quality`` failure when a value
    the rule reads (``reads``: paths in ``record``, the value the rule maps) is absent or
    null — the record lacks what the rule needs, and the path names it. Anything else is a
    ``mapping_error``: the rule fails on the values the record has (``to_date('yesterday')``,
    a string where a number is needed).
    """
    if isinstance(error, TransformError):
        if error.rule is None:
            error.rule = rule
        if error.target is None:
            error.target = target
        return error
    text = str(error) if isinstance(error, ExpressionError) \
        else f"{type(error).__name__}: {error}"
    absent = _absent(record, reads) if getattr(error, "kind", None) == "invalid-type" else None
    if absent is not None:
        return TransformError(f"{text} (a value the rule reads is missing or null: see path)",
                              error_class="data_quality", path=absent, rule=rule, target=target)
    return TransformError(text, error_class="mapping_error", path=path, rule=rule,
                          target=target)


def key_parts(record: Any, parts: tuple[tuple[str, ...], ...], *, rule: str) -> None:
    """The idempotency key is built from these paths of ``record``: each must be present and
    not null, else the record fails as ``data_quality`` (never a key with "null" in it)."""
    absent = _absent(record, parts)
    if absent is not None:
        fail(f"the idempotency key needs {json_path(absent)}, which is missing or null in "
             "this record", error_class="data_quality", path=absent, rule=rule)


def key_text(value: Any, *, rule: str) -> str:
    """The idempotency key as text: strings as they are, anything else as compact JSON.
    A null key, or an array key with a null part, fails the record as ``data_quality``."""
    if value is None:
        fail("the idempotency key is null for this record", error_class="data_quality",
             rule=rule)
    if isinstance(value, str):
        return value
    if isinstance(value, list) and any(part is None for part in value):
        fail(f"the idempotency key has a null part ({value.index(None)}) for this record",
             error_class="data_quality", rule=rule)
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def record_key(record: Any) -> str:
    """The key of a spec without ``key:``: the sha256 of the record's canonical JSON."""
    text = json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
