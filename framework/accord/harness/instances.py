"""Values that conform to a JSON Schema 2020-12 (as :mod:`accord.workspace.openapi` bundles
them): the smallest instance of a schema, a record repaired until it validates, and violations
listed the way a simulator reports them.

The simulator answers only with bodies these functions have checked, so its responses
conform to the description's response schemas (Schemathesis' ``response_schema_conformance``).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import jsonschema_rs
import orjson

from accord.jsondoc import join_pointer, unescape_pointer

__all__ = ["Violation", "conform", "minimal", "resolve", "validator", "violations"]

_FORMATS: dict[str, str] = {
    "date": "2026-01-01",
    "date-time": "2026-01-01T00:00:00Z",
    "time": "00:00:00Z",
    "uuid": "00000000-0000-4000-8000-000000000000",
    "email": "simulator@example.com",
    "uri": "https://example.com/",
    "url": "https://example.com/",
    "uri-reference": "/",
    "hostname": "example.com",
    "ipv4": "127.0.0.1",
    "ipv6": "::1",
}
_DEPTH = 24


@dataclass(frozen=True)
class Violation:
    """One reason a value does not fit its schema: a JSON Pointer and a message."""

    pointer: str
    message: str

    def __str__(self) -> str:
        return f"{self.pointer}: {self.message}" if self.pointer else self.message

    def to_dict(self) -> dict[str, str]:
        return {"pointer": self.pointer, "message": self.message}


@lru_cache(maxsize=256)
def _compiled(key: bytes) -> Any:
    return jsonschema_rs.validator_for(orjson.loads(key), validate_formats=True)


def validator(schema: dict[str, Any]) -> Any:
    """A format-checking 2020-12 validator for ``schema`` (compiled once per schema text)."""
    return _compiled(orjson.dumps(schema, option=orjson.OPT_SORT_KEYS))


def violations(schema: dict[str, Any], value: Any, limit: int = 20) -> list[Violation]:
    """Why ``value`` does not fit ``schema`` (empty: it fits), at most ``limit`` entries."""
    found = []
    for error in validator(schema).iter_errors(value):
        pointer = join_pointer("", *error.instance_path)
        found.append(Violation(pointer, str(error.message)))
        if len(found) >= limit:
            break
    return found


def resolve(node: Any, root: dict[str, Any]) -> Any:
    """``node`` with its ``$ref`` chain followed inside ``root`` (``#/$defs/...``)."""
    for _ in range(_DEPTH):
        if not isinstance(node, dict) or not isinstance(node.get("$ref"), str):
            return node
        ref = node["$ref"]
        if not ref.startswith("#"):
            return {}
        target: Any = root
        for part in ref[1:].split("/")[1:]:
            part = unescape_pointer(part)
            target = target.get(part) if isinstance(target, dict) else None
        merged = {k: v for k, v in node.items() if k != "$ref"}
        node = {**target, **merged} if isinstance(target, dict) and merged else target
    return node


def minimal(schema: Any, root: dict[str, Any] | None = None, depth: int = 0) -> Any:
    """The smallest instance of ``schema``: required properties only, the first enum value,
    the lower bounds, a sample value for a string ``format``."""
    root = root if root is not None else (schema if isinstance(schema, dict) else {})
    node = resolve(schema, root)
    if not isinstance(node, dict) or depth > _DEPTH:
        return None
    if "const" in node:
        return copy.deepcopy(node["const"])
    if isinstance(node.get("enum"), list) and node["enum"]:
        return copy.deepcopy(next((v for v in node["enum"] if v is not None), node["enum"][0]))
    if isinstance(node.get("allOf"), list):
        out: dict[str, Any] = {}
        for branch in node["allOf"]:
            value = minimal(branch, root, depth + 1)
            if isinstance(value, dict):
                out.update(value)
        own = {k: v for k, v in node.items() if k != "allOf"}
        value = minimal(own, root, depth + 1) if own.get("properties") else None
        return {**out, **value} if isinstance(value, dict) else (out or None)
    for key in ("anyOf", "oneOf"):
        if isinstance(node.get(key), list) and node[key]:
            branches = [b for b in node[key] if resolve(b, root) != {"type": "null"}]
            return minimal((branches or node[key])[0], root, depth + 1)
    kind = _type(node)
    maker = _MAKERS.get(kind)
    return maker(node, root, depth) if maker else None


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _count(value: Any, default: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def _type(node: dict[str, Any]) -> str | None:
    types = node.get("type")
    if isinstance(types, list):
        types = next((t for t in types if t != "null"), types[0] if types else None)
    if isinstance(types, str):
        return types
    if "properties" in node or "required" in node:
        return "object"
    if "items" in node or "prefixItems" in node:
        return "array"
    return None


def _object(node: dict[str, Any], root: dict[str, Any], depth: int) -> Any:
    props = _dict(node.get("properties"))
    out: dict[str, Any] = {}
    for name in node.get("required") or []:
        out[name] = minimal(props.get(name, {}), root, depth + 1)
    return out


def _array(node: dict[str, Any], root: dict[str, Any], depth: int) -> Any:
    count = _count(node.get("minItems"), 0)
    return [minimal(node.get("items", {}), root, depth + 1) for _ in range(count)]


def _string(node: dict[str, Any], _root: dict[str, Any], _depth: int) -> Any:
    text = _FORMATS.get(str(node.get("format")), "")
    low = _count(node.get("minLength"), 0)
    high = node.get("maxLength") if isinstance(node.get("maxLength"), int) else None
    if len(text) < low:
        text = text + "x" * (low - len(text))
    return text[:high] if high is not None else text


def _number(node: dict[str, Any], _root: dict[str, Any], _depth: int) -> Any:
    value: float = 0
    if isinstance(node.get("minimum"), int | float):
        value = max(value, node["minimum"]) if "maximum" not in node else node["minimum"]
    if isinstance(node.get("exclusiveMinimum"), int | float):
        value = max(value, node["exclusiveMinimum"] + 1)
    if isinstance(node.get("maximum"), int | float):
        value = min(value, node["maximum"])
    return int(value) if node.get("type") == "integer" or float(value).is_integer() else value


_MAKERS: dict[str | None, Callable[[dict[str, Any], dict[str, Any], int], Any]] = {
    "object": _object,
    "array": _array,
    "string": _string,
    "integer": _number,
    "number": _number,
    "boolean": lambda _n, _r, _d: False,
    "null": lambda _n, _r, _d: None,
}


def conform(schema: dict[str, Any], value: Any, rounds: int = 8) -> Any:
    """``value`` repaired until it fits ``schema``: a property that does not fit is replaced
    by its smallest instance (or dropped when the schema does not allow it), a missing
    required property is added. Falls back to the smallest instance of the whole schema."""
    if not isinstance(value, dict):
        return value if not violations(schema, value, 1) else minimal(schema)
    node = resolve(schema, schema)
    props = node.get("properties") if isinstance(node, dict) else None
    props = props if isinstance(props, dict) else {}
    current = dict(value)
    for _ in range(rounds):
        found = validator(schema).iter_errors(current)
        errors = list(found)
        if not errors:
            return current
        for error in errors:
            path = list(error.instance_path)
            if not path:
                for name in (node.get("required") or []) if isinstance(node, dict) else []:
                    if name not in current:
                        current[name] = minimal(props.get(name, {}), schema)
                if isinstance(node, dict) and node.get("additionalProperties") is False:
                    current = {k: v for k, v in current.items() if k in props}
                continue
            key = str(path[0])
            if key in props:
                current[key] = minimal(props[key], schema)
            else:
                current.pop(key, None)
    return current if not violations(schema, current, 1) else minimal(schema)
