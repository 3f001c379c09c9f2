"""Schema-node helpers for the differ: ``$ref`` resolution through a ``referencing`` registry,
normalisation (boolean schemas, singleton combiners, draft-7 spellings), type sets, value
canonicalisation and conjunction merging."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import referencing
import referencing.exceptions
from referencing._core import Resolver
from referencing.jsonschema import DRAFT202012

from accord import codes
from accord.diagnostics import Diagnostic
from accord.errors import CompatError
from accord.jsondoc import join_pointer, json_type

__all__ = [
    "ABSENT",
    "Side",
    "canon",
    "is_empty",
    "is_false",
    "merge_conj",
    "prepare",
    "root_side",
    "types_of",
]

ABSENT: Any = object()

#: Keywords that only annotate; they never change which instances validate.
ANNOTATIONS = frozenset({"title", "description", "examples", "$comment", "default", "$id",
                         "$schema", "deprecated", "readOnly", "writeOnly", "contentMediaType",
                         "contentEncoding", "contentSchema", "$anchor", "$dynamicAnchor",
                         "$defs", "definitions", "$vocabulary"})
COMBINERS = ("allOf", "anyOf", "oneOf")
_MAXIMA = frozenset({"maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties",
                     "maxContains"})
_MINIMA = frozenset({"minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties",
                     "minContains"})


@dataclass(frozen=True)
class Side:
    """A schema node with the resolver its ``$ref``s resolve against."""

    node: Any
    resolver: Resolver[Any]

    def child(self, node: Any) -> Side:
        """A subschema; an embedded ``$id`` starts a new base URI for its ``$ref``s."""
        if isinstance(node, dict) and isinstance(node.get("$id"), str):
            return Side(node, self.resolver.in_subresource(DRAFT202012.create_resource(node)))
        return Side(node, self.resolver)


def root_side(schema: Any, registry: referencing.Registry[Any] | None) -> Side:
    """The root of a schema, registered (under its ``$id`` when it has one) in ``registry``."""
    reg: referencing.Registry[Any] = registry if registry is not None else referencing.Registry()
    resource = DRAFT202012.create_resource(schema)
    uri = schema.get("$id", "") if isinstance(schema, dict) else ""
    if not isinstance(uri, str):
        uri = ""
    reg = reg.with_resource(uri, resource)
    return Side(schema, reg.resolver(base_uri=uri))


def is_false(node: Any) -> bool:
    return node is False or (isinstance(node, dict) and node.get("not") in ({}, True)
                             and len([k for k in node if k not in ANNOTATIONS]) == 1)


def is_empty(node: Any) -> bool:
    """True when the schema accepts every instance (``true``, ``{}``, annotations only)."""
    if node is True or node is ABSENT:
        return True
    return isinstance(node, dict) and all(k in ANNOTATIONS or k.startswith("x-") for k in node)


def explicit_types(node: dict[str, Any]) -> frozenset[str] | None:
    t = node.get("type", ABSENT)
    if isinstance(t, str):
        return frozenset({t})
    if isinstance(t, list) and all(isinstance(x, str) for x in t):
        return frozenset(t)
    return None


def types_of(node: dict[str, Any]) -> frozenset[str] | None:
    """Explicit ``type``, else the types of ``const``/``enum`` values, else None (any)."""
    explicit = explicit_types(node)
    if explicit is not None:
        return explicit
    if "const" in node:
        return frozenset({json_type(node["const"])})
    if isinstance(node.get("enum"), list):
        return frozenset(json_type(v) for v in node["enum"])
    return None


def _norm(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [_norm(v) for v in value]
    if isinstance(value, dict):
        return {k: _norm(v) for k, v in value.items()}
    return value


def canon(value: Any) -> str:
    """A key equal for JSON-equal values (``1 == 1.0``, ``true != 1``, key order ignored)."""
    return json.dumps(_norm(value), sort_keys=True, ensure_ascii=False, default=str)


def number(value: Any) -> Fraction | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return Fraction(str(value)) if isinstance(value, float) else Fraction(value)


def _union(a: Iterable[Any], b: Iterable[Any]) -> list[Any]:
    out = list(a)
    for v in b:
        if v not in out:
            out.append(v)
    return out


def merge_conj(base: Any, extra: Any) -> Any:
    """A schema equivalent (or close) to ``allOf: [base, extra]``, flattened where keywords
    combine exactly (properties, required, type, bounds); anything else stays in ``allOf``."""
    if base is False or extra is False:
        return False
    if base is True or base is ABSENT:
        return extra if not (extra is True or extra is ABSENT) else {}
    if extra is True or extra is ABSENT:
        return base
    if not isinstance(base, dict) or not isinstance(extra, dict):
        return {"allOf": [base, extra]}
    out = dict(base)
    leftover: dict[str, Any] = {}
    for key, value in extra.items():
        if key not in out or key in ANNOTATIONS or key.startswith("x-"):
            out[key] = value
            continue
        mine = out[key]
        if canon(mine) == canon(value):
            continue
        if key == "properties" and isinstance(mine, dict) and isinstance(value, dict):
            merged = dict(mine)
            for name, sub in value.items():
                merged[name] = merge_conj(merged[name], sub) if name in merged else sub
            out[key] = merged
        elif key == "required" and isinstance(mine, list) and isinstance(value, list):
            out[key] = _union(mine, value)
        elif key == "type" and explicit_types(out) is not None and explicit_types(extra):
            a, b = explicit_types(out) or frozenset(), explicit_types(extra) or frozenset()
            both = {t for t in a if t in b or (t == "integer" and "number" in b)}
            both |= {t for t in b if t == "integer" and "number" in a}
            out[key] = sorted(both)
        elif key in _MAXIMA and number(mine) is not None and number(value) is not None:
            out[key] = min(mine, value)
        elif key in _MINIMA and number(mine) is not None and number(value) is not None:
            out[key] = max(mine, value)
        else:
            leftover[key] = value
    if leftover:
        out["allOf"] = [*out.get("allOf", []), leftover] if isinstance(out.get("allOf"),
                                                                           list) else [leftover]
    return out


def _unresolvable(ref: str, pointer: str, exc: Exception) -> CompatError:
    message = f"cannot resolve $ref {ref!r}: {exc}"
    diag = Diagnostic(codes.COMPAT_REF, message, pointer=join_pointer(pointer, "$ref"),
                      hint="pass the contract registry (registry=...) or fix the reference")
    return CompatError(message, diagnostics=[diag])


def prepare(side: Side, pointer: str) -> tuple[Side, tuple[int, ...]]:
    """Dereference ``$ref`` (merging siblings), fold singleton combiners and draft-7 spellings.

    Returns the normalised side and the identities of the ``$ref`` targets it went through
    (the recursion guard's key)."""
    node, resolver = side.node, side.resolver
    seen: list[int] = []
    for _ in range(64):
        if node is True or node is ABSENT:
            return Side({}, resolver), tuple(seen)
        if not isinstance(node, dict):
            return Side(node, resolver), tuple(seen)
        ref = node.get("$ref")
        if isinstance(ref, str):
            try:
                resolved = resolver.lookup(ref)
            except referencing.exceptions.Unresolvable as exc:
                raise _unresolvable(ref, pointer, exc) from None
            target = resolved.contents
            if id(target) in seen:  # a $ref cycle with nothing in between: accepts anything
                return Side({}, resolver), tuple(seen)
            seen.append(id(target))
            resolver = resolved.resolver
            if isinstance(target, dict) and isinstance(target.get("$id"), str):
                resolver = resolver.in_subresource(DRAFT202012.create_resource(target))
            siblings = {k: v for k, v in node.items() if k != "$ref"}
            node = merge_conj(target, siblings) if siblings else target
            continue
        folded = _fold(node)
        if folded is node:
            return Side(node, resolver), tuple(seen)
        node = folded
    return Side(node, resolver), tuple(seen)


def _fold(node: dict[str, Any]) -> Any:
    """One normalisation step, or ``node`` itself when nothing changes."""
    for kw in COMBINERS:
        branches = node.get(kw)
        if isinstance(branches, list) and len(branches) == 1:
            rest = {k: v for k, v in node.items() if k != kw}
            return merge_conj(rest, branches[0])
    if "dependencies" in node and isinstance(node["dependencies"], dict):
        rest = {k: v for k, v in node.items() if k != "dependencies"}
        arrays = {k: v for k, v in node["dependencies"].items() if isinstance(v, list)}
        schemas = {k: v for k, v in node["dependencies"].items() if not isinstance(v, list)}
        if arrays:
            rest["dependentRequired"] = {**arrays, **rest.get("dependentRequired", {})}
        if schemas:
            rest["dependentSchemas"] = {**schemas, **rest.get("dependentSchemas", {})}
        return rest
    return node
