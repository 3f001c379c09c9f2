"""The schema differ: walks an original and an updated JSON Schema side by side and records a
:class:`~accord.compat.changes.ChangeType` with its JSON pointer for every difference.

The walk follows Confluent Schema Registry's ``SchemaDiff`` (content models, combiner matching,
partially open models compared through sub-contexts) over raw 2020-12 documents: ``$ref`` is
resolved through a ``referencing`` registry on both sides (pointers stay those of the referring
schema), and a pair of ``$ref`` targets already being compared higher up the walk is not
compared again (recursion guard).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from accord import patterns
from accord.compat.changes import ChangeType
from accord.compat.schema import (
    ABSENT,
    ANNOTATIONS,
    COMBINERS,
    Side,
    canon,
    explicit_types,
    is_empty,
    is_false,
    merge_conj,
    number,
    prepare,
    types_of,
)
from accord.jsondoc import join_pointer

__all__ = ["Difference", "diff_sides"]

T = ChangeType
_MAX_DEPTH = 256

_HANDLED = ANNOTATIONS | frozenset({
    "type", "enum", "const", "maxLength", "minLength", "pattern", "format", "maximum", "minimum",
    "exclusiveMaximum", "exclusiveMinimum", "multipleOf", "properties", "required",
    "additionalProperties", "patternProperties", "unevaluatedProperties", "maxProperties",
    "minProperties", "dependentRequired", "dependentSchemas", "propertyNames", "items",
    "prefixItems", "additionalItems", "unevaluatedItems", "maxItems", "minItems", "uniqueItems",
    "contains", "maxContains", "minContains", "allOf", "anyOf", "oneOf", "not", "if", "then",
    "else", "$ref",
})
_METADATA_KEYWORDS: dict[str, ChangeType] = {
    "$id": T.ID_CHANGED, "title": T.TITLE_CHANGED, "description": T.DESCRIPTION_CHANGED,
    "examples": T.EXAMPLES_CHANGED, "$comment": T.COMMENT_CHANGED, "default": T.DEFAULT_CHANGED,
    "$schema": T.DIALECT_CHANGED, "deprecated": T.ANNOTATION_CHANGED,
    "readOnly": T.ANNOTATION_CHANGED, "writeOnly": T.ANNOTATION_CHANGED,
    "contentMediaType": T.ANNOTATION_CHANGED, "contentEncoding": T.ANNOTATION_CHANGED,
    "contentSchema": T.ANNOTATION_CHANGED,
}
#: x-accord keys that change with every version by design; not reported.
_X_ACCORD_PER_VERSION = ("version", "status")


@dataclass(frozen=True)
class Difference:
    type: ChangeType
    pointer: str
    message: str


@dataclass
class _Ctx:
    compatible: frozenset[ChangeType]
    diffs: list[Difference] = field(default_factory=list)
    active: set[tuple[tuple[int, ...], tuple[int, ...]]] = field(default_factory=set)
    depth: int = 0

    def add(self, kind: ChangeType, pointer: str, message: str) -> None:
        self.diffs.append(Difference(kind, pointer, message))

    def sub(self) -> _Ctx:
        return _Ctx(self.compatible, [], self.active, self.depth)

    def is_compatible(self) -> bool:
        return all(d.type in self.compatible for d in self.diffs)

    def first_breaking(self) -> str:
        for d in self.diffs:
            if d.type not in self.compatible:
                return f"{d.type.value} at {d.pointer or '/'}"
        return ""


def diff_sides(original: Side, update: Side, compatible: frozenset[ChangeType]) -> list[Difference]:
    """Every difference from ``original`` to ``update``; ``compatible`` is the policy's set (it
    decides sub-comparisons: combiner branch matching, partially open content models)."""
    ctx = _Ctx(compatible)
    _compare(ctx, "", original, update)
    return ctx.diffs


def _fmt(value: Any) -> str:
    text = canon(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _compare(ctx: _Ctx, ptr: str, original: Side | None, update: Side | None) -> None:
    if original is None and update is None:
        return
    if original is None:
        ctx.add(T.SCHEMA_ADDED, ptr, "a schema was added where there was none")
        return
    if update is None:
        ctx.add(T.SCHEMA_REMOVED, ptr, "the schema was removed")
        return
    o_side, o_refs = prepare(original, ptr)
    u_side, u_refs = prepare(update, ptr)
    key = (o_refs, u_refs)
    guarded = bool(o_refs or u_refs)
    if guarded:
        if key in ctx.active:
            return  # already comparing this pair of $ref targets further up: recursion
        ctx.active.add(key)
    if ctx.depth > _MAX_DEPTH:
        return
    ctx.depth += 1
    try:
        _compare_nodes(ctx, ptr, o_side, u_side)
    finally:
        ctx.depth -= 1
        if guarded:
            ctx.active.discard(key)


def _compare_nodes(ctx: _Ctx, ptr: str, o_side: Side, u_side: Side) -> None:
    o, u = o_side.node, u_side.node
    o_false, u_false = is_false(o), is_false(u)
    if o_false or u_false:
        if o_false and not u_false:
            ctx.add(T.TYPE_EXTENDED, ptr, "the old schema accepted nothing (false); the new one "
                    "accepts values")
        elif u_false and not o_false:
            ctx.add(T.TYPE_NARROWED, ptr, "the new schema accepts nothing (false)")
        return
    if not isinstance(o, dict) or not isinstance(u, dict):
        if canon(o) != canon(u):
            ctx.add(T.KEYWORD_CHANGED, ptr, "the schema is not an object or boolean")
        return
    _compare_metadata(ctx, ptr, o, u)
    full_o, full_u = o_side, u_side
    # A combiner added (or removed) as a whole may take over keywords the other side states
    # beside it (``{type: string}`` -> ``{anyOf: [{type: string}, ...]}``): those are judged by
    # the combiner's covering check, not keyword by keyword.
    o_comb = any(isinstance(o.get(k), list) for k in COMBINERS)
    u_comb = any(isinstance(u.get(k), list) for k in COMBINERS)
    if o_comb != u_comb:
        plain, other = (o, u) if u_comb else (u, o)
        moved = {k for k in plain if k not in other and k not in ANNOTATIONS
                 and not k.startswith("x-")}
        o = {k: v for k, v in o.items() if k not in moved}
        u = {k: v for k, v in u.items() if k not in moved}
        o_side, u_side = Side(o, o_side.resolver), Side(u, u_side.resolver)
    if not _compare_types(ctx, ptr, o, u):
        return
    _compare_values(ctx, ptr, o, u)
    _compare_string(ctx, ptr, o, u)
    _compare_number(ctx, ptr, o, u)
    _compare_object(ctx, ptr, o_side, u_side)
    _compare_array(ctx, ptr, o_side, u_side)
    _compare_combiners(ctx, ptr, full_o, full_u)
    _compare_not(ctx, ptr, o_side, u_side)
    _compare_conditionals(ctx, ptr, o_side, u_side)
    for kw in sorted((set(o) | set(u)) - _HANDLED):
        if kw.startswith("x-"):
            continue
        if canon(o.get(kw)) != canon(u.get(kw)) or (kw in o) != (kw in u):
            ctx.add(T.KEYWORD_CHANGED, join_pointer(ptr, kw),
                    f"keyword {kw!r} changed ({_fmt(o.get(kw))} -> {_fmt(u.get(kw))})")


# -- metadata ---------------------------------------------------------------------------------

def _compare_metadata(ctx: _Ctx, ptr: str, o: dict[str, Any], u: dict[str, Any]) -> None:
    for kw, kind in _METADATA_KEYWORDS.items():
        if (kw in o) != (kw in u) or (kw in o and canon(o[kw]) != canon(u[kw])):
            what = "added" if kw not in o else "removed" if kw not in u else "changed"
            detail = f": {_fmt(o.get(kw))} -> {_fmt(u.get(kw))}" if kw in ("$id", "default",
                                                                           "$schema") else ""
            ctx.add(kind, join_pointer(ptr, kw), f"{kw} {what}{detail}")
    for kw in sorted(k for k in set(o) | set(u) if k.startswith("x-")):
        a, b = o.get(kw, ABSENT), u.get(kw, ABSENT)
        if kw == "x-accord" and isinstance(a, dict) and isinstance(b, dict):
            a = {k: v for k, v in a.items() if k not in _X_ACCORD_PER_VERSION}
            b = {k: v for k, v in b.items() if k not in _X_ACCORD_PER_VERSION}
        if (a is ABSENT) != (b is ABSENT) or (a is not ABSENT and canon(a) != canon(b)):
            ctx.add(T.EXTENSION_CHANGED, join_pointer(ptr, kw), f"extension {kw} changed")


# -- types and values -------------------------------------------------------------------------

def _covers(types: frozenset[str], t: str) -> bool:
    return t in types or (t == "integer" and "number" in types)


def _compare_types(ctx: _Ctx, ptr: str, o: dict[str, Any], u: dict[str, Any]) -> bool:
    """Record type changes; False when the types share no value (nothing deeper to compare)."""
    o_exp, u_exp = explicit_types(o), explicit_types(u)
    if o_exp is None and u_exp is None:
        return True  # enum/const differences are reported by _compare_values
    # only one side states a type: infer the other's from its enum/const when it has one
    ot = o_exp if o_exp is not None else types_of(o)
    ut = u_exp if u_exp is not None else types_of(u)
    where = join_pointer(ptr, "type")
    if ot is None:
        ctx.add(T.TYPE_NARROWED, where, f"type restricted to {sorted(ut or ())}")
        return True
    if ut is None:
        ctx.add(T.TYPE_EXTENDED, where, f"type {sorted(ot)} is no longer restricted")
        return True
    if "null" in ut and "null" not in ot:
        ctx.add(T.TYPE_NULL_ADDED, where, "null is now allowed")
    elif "null" in ot and "null" not in ut:
        ctx.add(T.TYPE_NULL_REMOVED, where, "null is no longer allowed")
    o_nn, u_nn = ot - {"null"}, ut - {"null"}
    lost = sorted(t for t in o_nn if not _covers(u_nn, t))
    gained = sorted(t for t in u_nn if not _covers(o_nn, t))
    overlap = any(_covers(ut, t) or (t == "number" and "integer" in ut) for t in ot)
    if lost and gained:
        ctx.add(T.TYPE_CHANGED, where, f"type changed from {sorted(ot)} to {sorted(ut)}")
    elif lost:
        ctx.add(T.TYPE_NARROWED, where, f"type narrowed from {sorted(ot)} to {sorted(ut)}")
    elif gained:
        ctx.add(T.TYPE_EXTENDED, where, f"type extended from {sorted(ot)} to {sorted(ut)}")
    return overlap


def _values(node: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    if "const" in node:
        return "const", {canon(node["const"]): node["const"]}
    if isinstance(node.get("enum"), list):
        return "enum", {canon(v): v for v in node["enum"]}
    return None


def _compare_values(ctx: _Ctx, ptr: str, o: dict[str, Any], u: dict[str, Any]) -> None:
    ov, uv = _values(o), _values(u)
    if ov is None and uv is None:
        return
    if ov is None:
        kw = uv[0] if uv else "enum"
        ctx.add(T.CONST_ADDED if kw == "const" else T.ENUM_ADDED, join_pointer(ptr, kw),
                f"{kw} added: only {_fmt(list((uv or ('', {}))[1].values()))} allowed")
        return
    if uv is None:
        kw = ov[0]
        ctx.add(T.CONST_REMOVED if kw == "const" else T.ENUM_REMOVED, join_pointer(ptr, kw),
                f"{kw} removed")
        return
    (okw, oset), (ukw, uset) = ov, uv
    if set(oset) == set(uset):
        return
    where = join_pointer(ptr, ukw)
    if okw == ukw == "const":
        ctx.add(T.CONST_CHANGED, where, f"const changed from {_fmt(*oset.values())} to "
                f"{_fmt(*uset.values())}")
        return
    added = [uset[k] for k in uset if k not in oset]
    removed = [oset[k] for k in oset if k not in uset]
    if not removed:
        ctx.add(T.ENUM_ARRAY_EXTENDED, where, f"allowed values added: {_fmt(added)}")
    elif not added:
        ctx.add(T.ENUM_ARRAY_NARROWED, where, f"allowed values removed: {_fmt(removed)}")
    else:
        ctx.add(T.ENUM_ARRAY_CHANGED, where,
                f"allowed values removed: {_fmt(removed)}; added: {_fmt(added)}")


# -- bounds -----------------------------------------------------------------------------------

_Bound = tuple[ChangeType, ChangeType, ChangeType, ChangeType]  # added, removed, up, down


def _bound(ctx: _Ctx, ptr: str, kw: str, o: dict[str, Any], u: dict[str, Any],
           kinds: _Bound) -> None:
    a, b = o.get(kw, ABSENT), u.get(kw, ABSENT)
    if a is ABSENT and b is ABSENT:
        return
    where = join_pointer(ptr, kw)
    added, removed, up, down = kinds
    if a is ABSENT:
        ctx.add(added, where, f"{kw} {_fmt(b)} added")
        return
    if b is ABSENT:
        ctx.add(removed, where, f"{kw} {_fmt(a)} removed")
        return
    na, nb = number(a), number(b)
    if na is None or nb is None:
        if canon(a) != canon(b):
            ctx.add(T.KEYWORD_CHANGED, where, f"{kw} changed from {_fmt(a)} to {_fmt(b)}")
        return
    if nb > na:
        ctx.add(up, where, f"{kw} increased from {_fmt(a)} to {_fmt(b)}")
    elif nb < na:
        ctx.add(down, where, f"{kw} decreased from {_fmt(a)} to {_fmt(b)}")


def _kinds(prefix: str) -> _Bound:
    return (ChangeType[f"{prefix}_ADDED"], ChangeType[f"{prefix}_REMOVED"],
            ChangeType[f"{prefix}_INCREASED"], ChangeType[f"{prefix}_DECREASED"])


def _added_removed_changed(ctx: _Ctx, ptr: str, kw: str, o: dict[str, Any], u: dict[str, Any],
                           prefix: str) -> None:
    a, b = o.get(kw, ABSENT), u.get(kw, ABSENT)
    if a is ABSENT and b is ABSENT:
        return
    where = join_pointer(ptr, kw)
    if a is ABSENT:
        ctx.add(ChangeType[f"{prefix}_ADDED"], where, f"{kw} {_fmt(b)} added")
    elif b is ABSENT:
        ctx.add(ChangeType[f"{prefix}_REMOVED"], where, f"{kw} {_fmt(a)} removed")
    elif canon(a) != canon(b):
        ctx.add(ChangeType[f"{prefix}_CHANGED"], where, f"{kw} changed from {_fmt(a)} to {_fmt(b)}")


def _compare_string(ctx: _Ctx, ptr: str, o: dict[str, Any], u: dict[str, Any]) -> None:
    _bound(ctx, ptr, "maxLength", o, u, _kinds("MAX_LENGTH"))
    _bound(ctx, ptr, "minLength", o, u, _kinds("MIN_LENGTH"))
    _added_removed_changed(ctx, ptr, "pattern", o, u, "PATTERN")
    _added_removed_changed(ctx, ptr, "format", o, u, "FORMAT")


def _compare_number(ctx: _Ctx, ptr: str, o: dict[str, Any], u: dict[str, Any]) -> None:
    _bound(ctx, ptr, "maximum", o, u, _kinds("MAXIMUM"))
    _bound(ctx, ptr, "minimum", o, u, _kinds("MINIMUM"))
    _bound(ctx, ptr, "exclusiveMaximum", o, u, _kinds("EXCLUSIVE_MAXIMUM"))
    _bound(ctx, ptr, "exclusiveMinimum", o, u, _kinds("EXCLUSIVE_MINIMUM"))
    a, b = o.get("multipleOf", ABSENT), u.get("multipleOf", ABSENT)
    where = join_pointer(ptr, "multipleOf")
    if a is ABSENT and b is ABSENT:
        return
    if a is ABSENT:
        ctx.add(T.MULTIPLE_OF_ADDED, where, f"multipleOf {_fmt(b)} added")
        return
    if b is ABSENT:
        ctx.add(T.MULTIPLE_OF_REMOVED, where, f"multipleOf {_fmt(a)} removed")
        return
    na, nb = number(a), number(b)
    if na is None or nb is None or not na or not nb:
        if canon(a) != canon(b):
            ctx.add(T.MULTIPLE_OF_CHANGED, where, f"multipleOf changed from {a!r} to {b!r}")
        return
    if na == nb:
        return
    if (na / nb).denominator == 1:
        ctx.add(T.MULTIPLE_OF_REDUCED, where, f"multipleOf reduced from {_fmt(a)} to {_fmt(b)}"
                " (every old value is still a multiple)")
    elif (nb / na).denominator == 1:
        ctx.add(T.MULTIPLE_OF_EXPANDED, where, f"multipleOf expanded from {_fmt(a)} to {_fmt(b)}")
    else:
        ctx.add(T.MULTIPLE_OF_CHANGED, where, f"multipleOf changed from {_fmt(a)} to {_fmt(b)}")


# -- objects ----------------------------------------------------------------------------------

def _dict(node: dict[str, Any], kw: str) -> dict[str, Any]:
    value = node.get(kw)
    return value if isinstance(value, dict) else {}


def _list(node: dict[str, Any], kw: str) -> list[Any]:
    value = node.get(kw)
    return value if isinstance(value, list) else []


def _is_open_object(node: dict[str, Any]) -> bool:
    return (not _dict(node, "patternProperties") and is_empty(node.get("additionalProperties",
                                                                       ABSENT))
            and ("additionalProperties" in node
                 or is_empty(node.get("unevaluatedProperties", ABSENT))))


def _partial_schema(node: dict[str, Any], name: str) -> Any:
    """The schema an undeclared property ``name`` gets in a partially open model, or None."""
    for pattern, schema in _dict(node, "patternProperties").items():
        try:
            if patterns.search(pattern, name):  # RE2, or `regex` under a time budget
                return schema
        except patterns.PatternError:
            continue
    ap = node.get("additionalProperties", ABSENT)
    if ap is not ABSENT:
        return None if is_empty(ap) or is_false(ap) else ap
    up = node.get("unevaluatedProperties", ABSENT)
    return None if is_empty(up) or is_false(up) else up


def _has_default(side: Side, schema: Any, ptr: str) -> bool:
    node = prepare(side.child(schema), ptr)[0].node
    return isinstance(node, dict) and "default" in node


def _covered(ctx: _Ctx, ptr: str, original: Side, update: Side) -> tuple[bool, str]:
    sub = ctx.sub()
    _compare(sub, ptr, original, update)
    return sub.is_compatible(), sub.first_breaking()


def _compare_object(ctx: _Ctx, ptr: str, o_side: Side, u_side: Side) -> None:
    o, u = o_side.node, u_side.node
    o_props, u_props = _dict(o, "properties"), _dict(u, "properties")
    o_req = {r for r in _list(o, "required") if isinstance(r, str)}
    u_req = {r for r in _list(u, "required") if isinstance(r, str)}
    # required
    for name in sorted(u_req - o_req):
        if name in o_props or name not in u_props:
            where = join_pointer(ptr, "required", name)
            if name in u_props and _has_default(u_side, u_props[name], ptr):
                ctx.add(T.REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED, where,
                        f"property {name!r} is now required (it has a default)")
            else:
                ctx.add(T.REQUIRED_ATTRIBUTE_ADDED, where, f"property {name!r} is now required")
    for name in sorted(o_req - u_req):
        if name in u_props or name not in o_props:
            ctx.add(T.REQUIRED_ATTRIBUTE_REMOVED, join_pointer(ptr, "required", name),
                    f"property {name!r} is no longer required")
    # properties
    for name in list(o_props) + [n for n in u_props if n not in o_props]:
        where = join_pointer(ptr, "properties", name)
        if name in o_props and name in u_props:
            _compare(ctx, where, o_side.child(o_props[name]), u_side.child(u_props[name]))
        elif name in o_props:
            _property_removed(ctx, where, name, o_side, u_side)
        else:
            _property_added(ctx, where, name, o_side, u_side, name in u_req)
    _compare_pattern_properties(ctx, ptr, o_side, u_side)
    _compare_additional(ctx, join_pointer(ptr, "additionalProperties"), o_side, u_side,
                        "additionalProperties", "ADDITIONAL_PROPERTIES")
    if "unevaluatedProperties" in o or "unevaluatedProperties" in u:
        _compare_additional(ctx, join_pointer(ptr, "unevaluatedProperties"), o_side, u_side,
                            "unevaluatedProperties", "UNEVALUATED_PROPERTIES")
    _bound(ctx, ptr, "maxProperties", o, u, _kinds("MAX_PROPERTIES"))
    _bound(ctx, ptr, "minProperties", o, u, _kinds("MIN_PROPERTIES"))
    if "propertyNames" in o or "propertyNames" in u:
        _compare(ctx, join_pointer(ptr, "propertyNames"), o_side.child(o.get("propertyNames",
                                                                             True)),
                 u_side.child(u.get("propertyNames", True)))
    _compare_dependencies(ctx, ptr, o_side, u_side)


def _property_removed(ctx: _Ctx, where: str, name: str, o_side: Side, u_side: Side) -> None:
    o, u = o_side.node, u_side.node
    old_schema = _dict(o, "properties")[name]
    if _is_open_object(u):
        ctx.add(T.PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL, where,
                f"property {name!r} removed (the new content model is open, so it is still "
                "accepted)")
        return
    partial = _partial_schema(u, name)
    if partial is not None:
        ok, why = _covered(ctx, where, o_side.child(old_schema), u_side.child(partial))
        if ok:
            ctx.add(T.PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL, where,
                    f"property {name!r} removed; still accepted by the new additional/pattern "
                    "properties")
        else:
            ctx.add(T.PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL, where,
                    f"property {name!r} removed and the new additional/pattern properties do "
                    f"not accept its old values ({why})")
        return
    if is_false(prepare(o_side.child(old_schema), where)[0].node):
        ctx.add(T.PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL, where,
                f"forbidden property {name!r} removed from a closed content model")
        return
    ctx.add(T.PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL, where,
            f"property {name!r} removed from a closed content model: old data that has it "
            "is rejected")


def _property_added(ctx: _Ctx, where: str, name: str, o_side: Side, u_side: Side,
                    required: bool) -> None:
    o, u = o_side.node, u_side.node
    new_schema = _dict(u, "properties")[name]
    default = _has_default(u_side, new_schema, where)
    if _is_open_object(o):
        if is_empty(prepare(u_side.child(new_schema), where)[0].node) and not required:
            ctx.add(T.PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL, where,
                    f"property {name!r} (any value) added to an open content model")
        elif required and default:
            ctx.add(T.REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL, where,
                    f"required property {name!r} (with a default) added to an open content "
                    "model: old data may carry it with any value")
        elif required:
            ctx.add(T.REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL, where,
                    f"required property {name!r} added to an open content model")
        else:
            ctx.add(T.OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL, where,
                    f"optional property {name!r} added to an open content model: old data may "
                    "carry it with any value")
        return
    partial = _partial_schema(o, name)
    if partial is not None:
        ok, why = _covered(ctx, where, o_side.child(partial), u_side.child(new_schema))
        if ok:
            ctx.add(T.PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL, where,
                    f"property {name!r} added; the old additional/pattern properties already "
                    "constrained it compatibly")
        else:
            ctx.add(T.PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL, where,
                    f"property {name!r} added, but old data could carry it with values the new "
                    f"schema rejects ({why})")
    if required and default:
        ctx.add(T.REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL, where,
                f"required property {name!r} added with a default")
    elif required:
        ctx.add(T.REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL, where,
                f"required property {name!r} added: old data does not have it")
    else:
        ctx.add(T.OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL, where,
                f"optional property {name!r} added")


def _compare_pattern_properties(ctx: _Ctx, ptr: str, o_side: Side, u_side: Side) -> None:
    o, u = o_side.node, u_side.node
    o_pp, u_pp = _dict(o, "patternProperties"), _dict(u, "patternProperties")
    for pattern in list(o_pp) + [p for p in u_pp if p not in o_pp]:
        where = join_pointer(ptr, "patternProperties", pattern)
        if pattern in o_pp and pattern in u_pp:
            _compare(ctx, where, o_side.child(o_pp[pattern]), u_side.child(u_pp[pattern]))
        elif pattern in u_pp:
            closed = not o_pp and is_false(o.get("additionalProperties", ABSENT))
            if closed:
                ctx.add(T.PATTERN_PROPERTY_ADDED_TO_CLOSED_CONTENT_MODEL, where,
                        f"pattern property {pattern!r} added to a closed content model")
            else:
                ctx.add(T.PATTERN_PROPERTY_ADDED, where,
                        f"pattern property {pattern!r} added: matching names in old data must "
                        "now match its schema")
        elif _is_open_object(u):
            ctx.add(T.PATTERN_PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL, where,
                    f"pattern property {pattern!r} removed; the new content model is open")
        else:
            ctx.add(T.PATTERN_PROPERTY_REMOVED, where,
                    f"pattern property {pattern!r} removed: matching names now fall to "
                    "additionalProperties")


def _compare_additional(ctx: _Ctx, where: str, o_side: Side, u_side: Side, kw: str,
                        prefix: str) -> None:
    a, b = o_side.node.get(kw, ABSENT), u_side.node.get(kw, ABSENT)
    a_permits, b_permits = not is_false(a), not is_false(b)
    if a_permits != b_permits:
        if b_permits:
            ctx.add(ChangeType[f"{prefix}_ADDED"], where, f"{kw} now allowed")
        else:
            ctx.add(ChangeType[f"{prefix}_REMOVED"], where,
                    f"{kw} no longer allowed (content model closed)")
    elif not a_permits:
        return
    elif is_empty(a) and not is_empty(b):
        ctx.add(ChangeType[f"{prefix}_NARROWED"], where, f"{kw} now constrained by a schema")
    elif is_empty(b) and not is_empty(a):
        ctx.add(ChangeType[f"{prefix}_EXTENDED"], where, f"{kw} no longer constrained")
    elif not is_empty(a):
        _compare(ctx, where, o_side.child(a), u_side.child(b))


def _compare_dependencies(ctx: _Ctx, ptr: str, o_side: Side, u_side: Side) -> None:
    o, u = o_side.node, u_side.node
    o_dr, u_dr = _dict(o, "dependentRequired"), _dict(u, "dependentRequired")
    for name in list(o_dr) + [n for n in u_dr if n not in o_dr]:
        where = join_pointer(ptr, "dependentRequired", name)
        if name not in u_dr:
            ctx.add(T.DEPENDENCY_ARRAY_REMOVED, where, f"dependentRequired of {name!r} removed")
        elif name not in o_dr:
            ctx.add(T.DEPENDENCY_ARRAY_ADDED, where, f"dependentRequired of {name!r} added")
        else:
            a, b = set(map(str, o_dr[name])), set(map(str, u_dr[name]))
            if a == b:
                continue
            if b > a:
                ctx.add(T.DEPENDENCY_ARRAY_EXTENDED, where,
                        f"{name!r} now also requires {sorted(b - a)}")
            elif b < a:
                ctx.add(T.DEPENDENCY_ARRAY_NARROWED, where,
                        f"{name!r} no longer requires {sorted(a - b)}")
            else:
                ctx.add(T.DEPENDENCY_ARRAY_CHANGED, where,
                        f"dependentRequired of {name!r} changed from {sorted(a)} to {sorted(b)}")
    o_ds, u_ds = _dict(o, "dependentSchemas"), _dict(u, "dependentSchemas")
    for name in list(o_ds) + [n for n in u_ds if n not in o_ds]:
        where = join_pointer(ptr, "dependentSchemas", name)
        if name not in u_ds:
            ctx.add(T.DEPENDENCY_SCHEMA_REMOVED, where, f"dependentSchemas of {name!r} removed")
        elif name not in o_ds:
            ctx.add(T.DEPENDENCY_SCHEMA_ADDED, where, f"dependentSchemas of {name!r} added")
        else:
            _compare(ctx, where, o_side.child(o_ds[name]), u_side.child(u_ds[name]))


# -- arrays -----------------------------------------------------------------------------------

def _tuple_model(node: dict[str, Any]) -> tuple[list[Any] | None, Any, str]:
    """(prefix item schemas or None, schema of the rest, keyword of the rest)."""
    if isinstance(node.get("prefixItems"), list):
        return node["prefixItems"], node.get("items", ABSENT), "items"
    if isinstance(node.get("items"), list):
        return node["items"], node.get("additionalItems", ABSENT), "additionalItems"
    return None, node.get("items", ABSENT), "items"


def _is_open_array(node: dict[str, Any], rest: Any) -> bool:
    return is_empty(rest) and is_empty(node.get("unevaluatedItems", ABSENT))


def _partial_items(node: dict[str, Any], rest: Any) -> Any:
    if not is_empty(rest):
        return None if is_false(rest) else rest
    uneval = node.get("unevaluatedItems", ABSENT)
    return None if is_empty(uneval) or is_false(uneval) else uneval


def _compare_array(ctx: _Ctx, ptr: str, o_side: Side, u_side: Side) -> None:
    o, u = o_side.node, u_side.node
    o_prefix, o_rest, o_kw = _tuple_model(o)
    u_prefix, u_rest, u_kw = _tuple_model(u)
    if o_prefix is None and u_prefix is None:
        if "items" in o or "items" in u:
            _compare(ctx, join_pointer(ptr, "items"), o_side.child(o.get("items", True)),
                     u_side.child(u.get("items", True)))
    else:
        _compare_tuples(ctx, ptr, o_side, u_side, o_prefix or [], u_prefix or [])
        kw = u_kw if u_prefix is not None else o_kw
        _compare_rest(ctx, join_pointer(ptr, kw), o_side, u_side, o_rest, u_rest)
    if "unevaluatedItems" in o or "unevaluatedItems" in u:
        _compare_additional(ctx, join_pointer(ptr, "unevaluatedItems"), o_side, u_side,
                            "unevaluatedItems", "UNEVALUATED_ITEMS")
    _bound(ctx, ptr, "maxItems", o, u, _kinds("MAX_ITEMS"))
    _bound(ctx, ptr, "minItems", o, u, _kinds("MIN_ITEMS"))
    a, b = o.get("uniqueItems") is True, u.get("uniqueItems") is True
    if a != b:
        ctx.add(T.UNIQUE_ITEMS_ADDED if b else T.UNIQUE_ITEMS_REMOVED,
                join_pointer(ptr, "uniqueItems"),
                "items must now be unique" if b else "items no longer need to be unique")
    if "contains" in o or "contains" in u:
        _compare(ctx, join_pointer(ptr, "contains"),
                 o_side.child(o["contains"]) if "contains" in o else None,
                 u_side.child(u["contains"]) if "contains" in u else None)
    _bound(ctx, ptr, "maxContains", o, u, _kinds("MAX_CONTAINS"))
    _bound(ctx, ptr, "minContains", o, u, _kinds("MIN_CONTAINS"))


def _compare_tuples(ctx: _Ctx, ptr: str, o_side: Side, u_side: Side, o_prefix: list[Any],
                    u_prefix: list[Any]) -> None:
    o, u = o_side.node, u_side.node
    kw = "prefixItems" if "prefixItems" in u or "prefixItems" in o else "items"
    _, o_rest, _ = _tuple_model(o)
    _, u_rest, _ = _tuple_model(u)
    for i in range(max(len(o_prefix), len(u_prefix))):
        where = join_pointer(ptr, kw, i)
        if i < len(o_prefix) and i < len(u_prefix):
            _compare(ctx, where, o_side.child(o_prefix[i]), u_side.child(u_prefix[i]))
        elif i < len(o_prefix):
            old_item = o_side.child(o_prefix[i])
            partial = _partial_items(u, u_rest)
            if _is_open_array(u, u_rest):
                ctx.add(T.ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL, where,
                        f"tuple item {i} removed; the new array is open")
            elif partial is not None:
                ok, why = _covered(ctx, where, old_item, u_side.child(partial))
                ctx.add(T.ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL if ok
                        else T.ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL, where,
                        f"tuple item {i} removed; the new rest-of-items schema "
                        + ("accepts its old values" if ok else f"rejects old values ({why})"))
            elif is_false(prepare(old_item, where)[0].node):
                ctx.add(T.ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL, where,
                        f"forbidden tuple item {i} removed")
            else:
                ctx.add(T.ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL, where,
                        f"tuple item {i} removed from a closed array: old data that has it is "
                        "rejected")
        else:
            new_item = u_side.child(u_prefix[i])
            partial = _partial_items(o, o_rest)
            if _is_open_array(o, o_rest):
                if is_empty(prepare(new_item, where)[0].node):
                    ctx.add(T.ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL, where,
                            f"tuple item {i} (any value) added")
                else:
                    ctx.add(T.ITEM_ADDED_TO_OPEN_CONTENT_MODEL, where,
                            f"tuple item {i} added to an open array: old data may hold any "
                            "value there")
            elif partial is not None:
                ok, why = _covered(ctx, where, o_side.child(partial), new_item)
                ctx.add(T.ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL if ok
                        else T.ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL, where,
                        f"tuple item {i} added; the old rest-of-items schema "
                        + ("already constrained it compatibly" if ok else f"did not ({why})"))
            else:
                ctx.add(T.ITEM_ADDED_TO_CLOSED_CONTENT_MODEL, where,
                        f"tuple item {i} added to a closed array")


def _compare_rest(ctx: _Ctx, where: str, o_side: Side, u_side: Side, a: Any, b: Any) -> None:
    a_permits, b_permits = not is_false(a), not is_false(b)
    if a_permits != b_permits:
        ctx.add(T.ADDITIONAL_ITEMS_ADDED if b_permits else T.ADDITIONAL_ITEMS_REMOVED, where,
                "items beyond the tuple now allowed" if b_permits
                else "items beyond the tuple no longer allowed")
    elif not a_permits:
        return
    elif is_empty(a) and not is_empty(b):
        ctx.add(T.ADDITIONAL_ITEMS_NARROWED, where, "items beyond the tuple now constrained")
    elif is_empty(b) and not is_empty(a):
        ctx.add(T.ADDITIONAL_ITEMS_EXTENDED, where, "items beyond the tuple no longer constrained")
    elif not is_empty(a):
        _compare(ctx, where, o_side.child(a), u_side.child(b))


# -- combiners, not, conditionals -------------------------------------------------------------

def _branches(node: dict[str, Any], kw: str) -> list[Any]:
    seen: dict[str, Any] = {}
    for branch in _list(node, kw):
        seen.setdefault(canon(branch), branch)
    return list(seen.values())


def _criterion_change(kw_o: str, kw_u: str, n_o: int, n_u: int) -> ChangeType:
    if kw_u == "anyOf":
        return T.COMBINED_TYPE_EXTENDED
    if kw_u == "oneOf" and n_o == 1:
        return T.COMBINED_TYPE_EXTENDED
    if kw_u == "allOf" and n_o == 1 and n_u == 1:
        return T.COMBINED_TYPE_EXTENDED
    return T.COMBINED_TYPE_CHANGED


def _compare_combiners(ctx: _Ctx, ptr: str, o_side: Side, u_side: Side) -> None:
    o, u = o_side.node, u_side.node
    o_kws = [k for k in COMBINERS if isinstance(o.get(k), list)]
    u_kws = [k for k in COMBINERS if isinstance(u.get(k), list)]
    if len(o_kws) == 1 and len(u_kws) == 1 and o_kws != u_kws:
        kw_o, kw_u = o_kws[0], u_kws[0]
        bo, bu = _branches(o, kw_o), _branches(u, kw_u)
        kind = _criterion_change(kw_o, kw_u, len(bo), len(bu))
        ctx.add(kind, join_pointer(ptr, kw_u), f"{kw_o} became {kw_u}")
        if kind is T.COMBINED_TYPE_EXTENDED:
            _match_branches(ctx, ptr, o_side, u_side, kw_o, kw_u)
        return
    for kw in COMBINERS:
        if kw in o_kws and kw in u_kws:
            _match_branches(ctx, ptr, o_side, u_side, kw, kw)
        elif kw in o_kws:
            _combiner_changed(ctx, ptr, o_side, u_side, kw, added=False)
        elif kw in u_kws:
            _combiner_changed(ctx, ptr, o_side, u_side, kw, added=True)


def _match_branches(ctx: _Ctx, ptr: str, o_side: Side, u_side: Side, kw_o: str,
                    kw_u: str) -> None:
    bo, bu = _branches(o_side.node, kw_o), _branches(u_side.node, kw_u)
    where = join_pointer(ptr, kw_u)
    if len(bo) < len(bu):
        ctx.add(T.PRODUCT_TYPE_EXTENDED if kw_u == "allOf" else T.SUM_TYPE_EXTENDED, where,
                f"{kw_u} gained {len(bu) - len(bo)} branch(es)")
    elif len(bo) > len(bu):
        ctx.add(T.PRODUCT_TYPE_NARROWED if kw_u == "allOf" else T.SUM_TYPE_NARROWED, where,
                f"{kw_u} lost {len(bo) - len(bu)} branch(es)")
    edges: dict[int, dict[int, list[Difference]]] = {}
    for i, a in enumerate(bo):
        for j, b in enumerate(bu):
            sub = ctx.sub()
            _compare(sub, join_pointer(ptr, kw_o, i), o_side.child(a), u_side.child(b))
            if sub.is_compatible():
                edges.setdefault(i, {})[j] = sub.diffs
    matching = _max_matching(edges, len(bo))
    for i, j in sorted(matching.items()):
        for d in edges[i][j]:
            ctx.diffs.append(d)
    if len(matching) < min(len(bo), len(bu)):
        ctx.add(T.COMBINED_TYPE_SUBSCHEMAS_CHANGED, where,
                f"the {kw_u} branches no longer correspond to the old ones")


def _max_matching(edges: dict[int, dict[int, list[Difference]]], n_left: int) -> dict[int, int]:
    """Maximum bipartite matching (Kuhn's augmenting paths); returns left -> right."""
    right_of: dict[int, int] = {}

    def augment(i: int, seen: set[int]) -> bool:
        for j in edges.get(i, {}):
            if j in seen:
                continue
            seen.add(j)
            if j not in right_of or augment(right_of[j], seen):
                right_of[j] = i
                return True
        return False

    for i in range(n_left):
        augment(i, set())
    return {i: j for j, i in right_of.items()}


def _without(node: dict[str, Any], kw: str) -> dict[str, Any]:
    return {k: v for k, v in node.items() if k != kw and k not in ANNOTATIONS}


def _fits(ctx: _Ctx, ptr: str, original: Side, update: Side) -> tuple[bool, str]:
    return _covered(ctx, ptr, original, update)


def _combiner_changed(ctx: _Ctx, ptr: str, o_side: Side, u_side: Side, kw: str, *,
                      added: bool) -> None:
    """A whole ``allOf``/``anyOf``/``oneOf`` added or removed: judged by whether every value
    the old schema allowed still fits (each branch merged with its siblings)."""
    side, other = (u_side, o_side) if added else (o_side, u_side)
    rest = _without(side.node, kw)
    where = join_pointer(ptr, kw)
    branches = [side.child(merge_conj(rest, b)) for b in _branches(side.node, kw)]
    whole = other.child(_without(other.node, "$defs"))
    results = [_fits(ctx, join_pointer(ptr, kw, i), *((whole, b) if added else (b, whole)))
               for i, b in enumerate(branches)]
    # removed: old values fit when some allOf branch / every anyOf, oneOf branch is covered;
    # added: every allOf branch / some anyOf, oneOf branch must take the old values
    needs_all = (kw == "allOf") == added
    ok = all(r[0] for r in results) if needs_all else any(r[0] for r in results)
    why = next((r[1] for r in results if not r[0]), "")
    if added and ok:
        ctx.add(T.COMBINED_SCHEMA_ADDED_IS_COVERING, where,
                f"{kw} added; every old value still matches it")
    elif added:
        ctx.add(T.COMBINED_SCHEMA_ADDED_NOT_COVERING, where,
                f"{kw} added and old values do not all match it ({why})")
    elif ok:
        ctx.add(T.COMBINED_SCHEMA_REMOVED_IS_COVERED, where,
                f"{kw} removed; the new schema accepts everything it allowed")
    else:
        ctx.add(T.COMBINED_SCHEMA_REMOVED_NOT_COVERED, where,
                f"{kw} removed and the new schema rejects values it allowed ({why})")


def _compare_not(ctx: _Ctx, ptr: str, o_side: Side, u_side: Side) -> None:
    o, u = o_side.node, u_side.node
    if "not" not in o and "not" not in u:
        return
    where = join_pointer(ptr, "not")
    if "not" not in u:
        ctx.add(T.NOT_REMOVED, where, "the 'not' exclusion was removed")
        return
    if "not" not in o:
        ctx.add(T.NOT_ADDED, where, "a 'not' exclusion was added")
        return
    probe = ctx.sub()
    _compare(probe, where, o_side.child(o["not"]), u_side.child(u["not"]))
    if not probe.diffs:
        return
    # the new exclusion is narrower when the old excluded schema accepts all the new one does
    reverse = ctx.sub()
    _compare(reverse, where, u_side.child(u["not"]), o_side.child(o["not"]))
    if reverse.is_compatible():
        ctx.add(T.NOT_TYPE_NARROWED, where, "the 'not' exclusion now excludes less")
    else:
        ctx.add(T.NOT_TYPE_EXTENDED, where, "the 'not' exclusion now excludes values it allowed")


def _compare_conditionals(ctx: _Ctx, ptr: str, o_side: Side, u_side: Side) -> None:
    o, u = o_side.node, u_side.node
    if not any(k in o or k in u for k in ("if", "then", "else")):
        return
    if canon(o.get("if")) != canon(u.get("if")) or ("if" in o) != ("if" in u):
        ctx.add(T.CONDITION_CHANGED, join_pointer(ptr, "if"), "the 'if' condition changed")
        return
    if "if" not in o:
        return
    for kw in ("then", "else"):
        if kw in o or kw in u:
            _compare(ctx, join_pointer(ptr, kw), o_side.child(o.get(kw, True)),
                     u_side.child(u.get(kw, True)))

