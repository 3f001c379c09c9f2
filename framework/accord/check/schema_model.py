"""A read-only view of a self-contained JSON Schema for the checker.

It answers the questions a mapping check asks about a schema node: which JSON types it allows,
whether it allows null, its enum and format, what a property or an array item is — looking
through ``$ref`` (local ``#/...`` pointers), ``allOf`` (merged), ``anyOf``/``oneOf`` (alternatives)
and OpenAPI 3.0's ``nullable``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from accord.jsondoc import json_type, resolve_pointer

__all__ = ["ANY", "PropertyLookup", "SchemaModel", "literal_schema"]

#: the schema that allows anything (an unknown type)
ANY: dict[str, Any] = {}

_MAX_ALTERNATIVES = 64


def literal_schema(value: Any) -> dict[str, Any]:
    """The schema of one literal value (its type and the value as a one-entry enum)."""
    return {"type": json_type(value), "enum": [value]}


@dataclass(frozen=True)
class PropertyLookup:
    """Result of reading one property: found or not, its schema, whether it may be absent."""

    found: bool
    schema: dict[str, Any]
    optional: bool
    candidates: tuple[str, ...] = ()
    not_object: bool = False


class SchemaModel:
    """Questions about nodes of one root schema (``$ref`` resolves against that root)."""

    def __init__(self, root: dict[str, Any]) -> None:
        self.root = root

    # -- structure --------------------------------------------------------------------------
    def deref(self, schema: Any, depth: int = 0) -> dict[str, Any]:
        if not isinstance(schema, dict):
            return ANY if schema is not False else {"not": {}}
        ref = schema.get("$ref")
        if not isinstance(ref, str) or depth > 32:
            return schema
        target = self._pointer(ref)
        siblings = {k: v for k, v in schema.items() if k != "$ref"}
        resolved = self.deref(target, depth + 1)
        if not siblings or set(siblings) <= {"description", "title", "example", "examples"}:
            return resolved
        return {"allOf": [resolved, siblings]}

    def _pointer(self, ref: str) -> Any:
        if not ref.startswith("#"):
            return ANY  # external refs are inlined by the bundlers; anything else is unknown
        try:
            rest = ref[1:].lstrip("/")
            return resolve_pointer(self.root, f"/{rest}" if rest else "")
        except KeyError:
            return ANY

    def alternatives(self, schema: Any, depth: int = 0) -> list[dict[str, Any]]:
        """``schema`` as a union of plain alternatives (no $ref/allOf/anyOf/oneOf on top)."""
        s = self.deref(schema)
        if depth > 16:
            return [s]
        base = {k: v for k, v in s.items() if k not in ("allOf", "anyOf", "oneOf", "$ref")}
        alts: list[dict[str, Any]] = [base]
        for part in s.get("allOf", []) or []:
            part_alts = self.alternatives(part, depth + 1)
            alts = [_merge(a, b) for a in alts for b in part_alts][:_MAX_ALTERNATIVES]
        for key in ("anyOf", "oneOf"):
            options = s.get(key)
            if options:
                expanded: list[dict[str, Any]] = []
                for option in options:
                    expanded.extend(self.alternatives(option, depth + 1))
                alts = [_merge(a, b) for a in alts for b in expanded][:_MAX_ALTERNATIVES]
        return alts

    # -- questions ----------------------------------------------------------------------------
    def types(self, schema: Any) -> frozenset[str] | None:
        """The JSON types allowed (``integer`` implies ``number`` is not added), None = any."""
        found: set[str] = set()
        for alt in self.alternatives(schema):
            t = _alt_types(alt)
            if t is None:
                return None
            found |= t
        return frozenset(found)

    def nullable(self, schema: Any) -> bool:
        t = self.types(schema)
        return t is None or "null" in t

    def enum(self, schema: Any) -> list[Any] | None:
        """The allowed values when every alternative is an enum/const, else None."""
        values: list[Any] = []
        for alt in self.alternatives(schema):
            if "const" in alt:
                values.append(alt["const"])
            elif isinstance(alt.get("enum"), list):
                values.extend(alt["enum"])
            elif _alt_types(alt) == {"null"}:
                values.append(None)
            else:
                return None
        return values

    def format(self, schema: Any) -> str | None:
        formats = {alt.get("format") for alt in self.alternatives(schema)
                   if _alt_types(alt) != {"null"}}
        formats.discard(None)
        return formats.pop() if len(formats) == 1 else None

    def property(self, schema: Any, name: str) -> PropertyLookup:
        """Reading ``name`` from an object of ``schema``."""
        found: list[dict[str, Any]] = []
        optional = False
        candidates: set[str] = set()
        objectish = False
        for alt in self.alternatives(schema):
            types = _alt_types(alt)
            if types is not None and "object" not in types:
                continue
            objectish = True
            props = alt.get("properties") or {}
            candidates.update(props)
            if name in props:
                found.append(props[name])
                if name not in (alt.get("required") or []):
                    optional = True
                continue
            extra = alt.get("additionalProperties")
            if isinstance(extra, dict) and extra:
                found.append(extra)
                optional = True
            elif alt.get("patternProperties") or (not props and extra is not False):
                found.append(ANY)
                optional = True
        if not objectish:
            return PropertyLookup(False, ANY, True, not_object=True)
        if not found:
            return PropertyLookup(False, ANY, True, tuple(sorted(candidates)))
        merged = found[0] if len(found) == 1 else {"anyOf": found}
        return PropertyLookup(True, merged, optional)

    def properties(self, schema: Any) -> dict[str, dict[str, Any]]:
        """Declared properties across alternatives (first declaration wins)."""
        out: dict[str, dict[str, Any]] = {}
        for alt in self.alternatives(schema):
            for key, sub in (alt.get("properties") or {}).items():
                out.setdefault(key, sub)
        return out

    def required(self, schema: Any) -> set[str]:
        """Properties required by every object alternative."""
        sets = [set(alt.get("required") or []) for alt in self.alternatives(schema)
                if (_alt_types(alt) or {"object"}) & {"object"}]
        return set.intersection(*sets) if sets else set()

    def closed(self, schema: Any) -> bool:
        """True when unknown properties are refused (or only declared ones make sense)."""
        alts = [a for a in self.alternatives(schema) if (_alt_types(a) or {"object"}) & {"object"}]
        return bool(alts) and all(
            a.get("additionalProperties") is False or (
                bool(a.get("properties")) and "additionalProperties" not in a
                and not a.get("patternProperties"))
            for a in alts)

    def items(self, schema: Any) -> dict[str, Any]:
        """The schema of one array item (union over alternatives and prefixItems)."""
        found: list[dict[str, Any]] = []
        for alt in self.alternatives(schema):
            types = _alt_types(alt)
            if types is not None and "array" not in types:
                continue
            parts = list(alt.get("prefixItems") or [])
            if isinstance(alt.get("items"), dict):
                parts.append(alt["items"])
            found.extend(parts or [ANY])
        if not found:
            return ANY
        return found[0] if len(found) == 1 else {"anyOf": found}

    def is_array(self, schema: Any) -> bool | None:
        t = self.types(schema)
        if t is None:
            return None
        return "array" in t

    def describe(self, schema: Any) -> str:
        t = self.types(schema)
        if t is None:
            return "any"
        text = " | ".join(sorted(t)) or "nothing"
        e = self.enum(schema)
        if e is not None and len(e) <= 6:
            text += " (one of " + ", ".join(repr(v) for v in e) + ")"
        return text


def _alt_types(alt: dict[str, Any]) -> set[str] | None:
    if "not" in alt and alt["not"] == {}:
        return set()
    t = alt.get("type")
    if isinstance(t, str):
        types = {t}
    elif isinstance(t, list):
        types = {x for x in t if isinstance(x, str)}
    elif "const" in alt:
        types = {json_type(alt["const"])}
    elif isinstance(alt.get("enum"), list):
        types = {json_type(v) for v in alt["enum"]}
    elif "properties" in alt or "additionalProperties" in alt or "required" in alt:
        types = {"object"}
    elif "items" in alt or "prefixItems" in alt:
        types = {"array"}
    else:
        return None
    if alt.get("nullable") is True:
        types.add("null")
    if "integer" in types and "number" in types:
        types.discard("integer")
    return types


def _merge(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """Conjunction of two plain alternatives (enough for type questions)."""
    if not a:
        return dict(b)
    if not b:
        return dict(a)
    out = dict(a)
    for key, value in b.items():
        if key == "properties":
            props = dict(out.get("properties") or {})
            for name, sub in value.items():
                props[name] = {"allOf": [props[name], sub]} if name in props else sub
            out["properties"] = props
        elif key == "required":
            out["required"] = sorted(set(out.get("required") or []) | set(value))
        elif key == "type" and "type" in out:
            ta = _alt_types({"type": out["type"]}) or set()
            tb = _alt_types({"type": value}) or set()
            both = ta & tb
            if ("number" in ta and "integer" in tb) or ("integer" in ta and "number" in tb):
                both.add("integer")
            out["type"] = sorted(both)
        elif key == "enum" and "enum" in out:
            out["enum"] = [v for v in out["enum"] if v in value]
        elif key == "nullable" and "type" in out and out.get("nullable") is not True:
            continue
        else:
            out.setdefault(key, value)
    return out
