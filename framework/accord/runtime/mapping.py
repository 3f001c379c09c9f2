"""Helpers that generated transformer modules call (``from accord.runtime import mapping as _m``).

They implement the parts of a mapping rule that are not the expression itself: defaults,
lookups with ``on_miss``, required values, nested target paths, ``each`` items, idempotency
keys, and errors that name the rule (``mappings/x.yaml:14``) and the JSON path in the record.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, NoReturn

from accord.errors import TransformError

__all__ = [
    "TransformError",
    "as_items",
    "fail",
    "has_path",
    "is_empty",
    "key_text",
    "lookup",
    "missing",
    "nested",
    "put",
    "record_key",
    "require",
]

_MISSING = object()


def fail(message: str, *, error_class: str = "mapping_error", path: str = "$",
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
    return value if isinstance(value, str) else json.dumps(value)


def lookup(table: dict[str, Any], value: Any, on_miss: str, default: Any, *,
           rule: str, path: str) -> Any:
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


def missing(target: str, rule: str, path: str) -> NoReturn:
    """``required: true`` and the value is null: fail the record as a data quality error.

    Generated code tests ``value is None`` itself and calls this only to fail."""
    fail(f"{target} is required but the record has no value for it",
         error_class="data_quality", path=path, rule=rule)


def require(value: Any, *, rule: str, path: str, target: str) -> Any:
    """``required: true``: a null value fails the record as a data quality error."""
    if value is None:
        missing(target, rule, path)
    return value


def as_items(value: Any, *, rule: str, path: str) -> list[Any] | None:
    """The array an ``each`` iterates (None when absent)."""
    if value is None or isinstance(value, list):
        return value
    fail(f"`each` expects an array, got {type(value).__name__}", path=path, rule=rule)


def nested(error: TransformError, prefix: str, index: int) -> TransformError:
    """``error`` raised inside item ``index`` of the array at ``prefix``."""
    inner = error.path[1:] if error.path.startswith("$") else error.path
    path = f"{prefix}[{index}]{inner}"
    return TransformError(error.message, error_class=error.error_class, path=path,
                          rule=error.rule)


def key_text(value: Any, *, rule: str) -> str:
    """The idempotency key as text: strings as they are, anything else as compact JSON."""
    if value is None:
        fail("the idempotency key is null for this record", error_class="data_quality",
             rule=rule)
    if isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def record_key(record: Any) -> str:
    """The key of a spec without ``key:``: the sha256 of the record's canonical JSON."""
    text = json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
