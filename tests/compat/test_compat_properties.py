"""Soundness of the compatibility rules, tested against a validator.

A pair is an old schema and ONE targeted mutation of it (a bound tightened, a property added to
a closed model, an enum value removed, a oneOf branch added, ...; :data:`MUTATIONS` covers every
change kind the differ reports for draft-7-expressible schemas). For each pair:

* search, with hypothesis, for a *counterexample*: an instance valid under the old schema and
  invalid under the new one — drawn from ``allOf: [old, {not: new}]`` (the targeted search) and
  from ``old`` itself (instances generated from the old schema);
* if one exists, BACKWARD must say incompatible — unless every change that lets it through is
  a deliberate Confluent-compatible approximation listed in :data:`APPROXIMATIONS`.

``test_rules_are_sound_on_the_corpus`` runs a fixed corpus (every mutation at every place it
applies in a few base schemas); ``test_rules_are_sound_on_generated_pairs`` draws random ones.
``test_a_wrong_rule_is_caught`` proves the tests' strength: it flips one rule of the table at a
time (an incompatible change declared compatible) and asserts the soundness check fails.

Instances come from hypothesis-jsonschema (draft 7 only): 2020-12 keywords are translated for it
(:func:`draft7`), and every instance is judged by the 2020-12 validator.
"""

from __future__ import annotations

import copy
import functools
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import accord.compat.verdict as verdict
import pytest
from accord.compat import COMPATIBLE_CHANGES_STRICT, ChangeType, compat
from accord.compat.changes import compatible_set
from accord.workspace.contracts import load_contracts
from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis import strategies as st
from hypothesis.errors import HypothesisException
from hypothesis_jsonschema import from_schema
from jsonschema import Draft202012Validator

REPO = Path(__file__).resolve().parents[2]
T = ChangeType
Schema = dict[str, Any]
Pick = Callable[[list[Any]], Any]

#: Changes BACKWARD accepts although a validator rejects some old data — on purpose, as
#: Confluent Schema Registry does. Nothing else may let a counterexample through.
APPROXIMATIONS = frozenset({
    # A required property added *with a default*: the reader fills the default in, so old data
    # without it is readable although a plain validator rejects it.
    T.REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED,
    T.REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL,
})


def one_of_as_any_of(node: Any) -> Any:
    """``node`` with every ``oneOf`` read as ``anyOf``.

    The other deliberate approximation: like Confluent, the differ does not check oneOf's
    "exactly one" — a new oneOf branch (SUM_TYPE_EXTENDED), anyOf -> oneOf
    (COMBINED_TYPE_EXTENDED) or a branch widened until it overlaps another are compatible, and
    an old value that now matches two branches fails. A counterexample that validates under
    the new schema read this way is that approximation, not a wrong rule."""
    if isinstance(node, list):
        return [one_of_as_any_of(x) for x in node]
    if not isinstance(node, dict):
        return node
    return {("anyOf" if k == "oneOf" else k): one_of_as_any_of(v) for k, v in node.items()}


# -- 2020-12 -> draft 7 for the instance generator ---------------------------------------------

def draft7(node: Any) -> Any:
    """The same schema in draft-7 keywords (``prefixItems`` -> ``items`` list + ``additionalItems``,
    ``dependentRequired`` -> ``dependencies``, ``$defs`` refs kept as pointers)."""
    if isinstance(node, list):
        return [draft7(x) for x in node]
    if not isinstance(node, dict):
        return node
    out = {k: draft7(v) for k, v in node.items()}
    if "prefixItems" in out:
        rest = out.pop("items", True)
        out["items"] = out.pop("prefixItems")
        out["additionalItems"] = rest
    if "dependentRequired" in out:
        out["dependencies"] = out.pop("dependentRequired")
    return out


# -- base schemas ------------------------------------------------------------------------------

STRING: Schema = {"type": "string", "minLength": 1, "maxLength": 6}
INTEGER: Schema = {"type": "integer", "minimum": 0, "maximum": 20}
NUMBER: Schema = {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 10,
                  "multipleOf": 0.5}
ENUM: Schema = {"enum": ["a", "b", "c"]}
BASES: dict[str, Schema] = {
    "closed": {"type": "object", "additionalProperties": False, "required": ["id"],
               "properties": {"id": STRING, "n": INTEGER, "kind": ENUM,
                              "tags": {"type": "array", "items": STRING, "minItems": 0,
                                       "maxItems": 3}}},
    "open": {"type": "object", "required": ["x"],
             "properties": {"x": NUMBER, "flag": {"type": ["boolean", "null"]},
                            "label": {"type": ["string", "integer", "null"]},
                            "sub": {"type": "object", "additionalProperties": False,
                                    "properties": {"a": STRING, "b": INTEGER}}},
             "dependentRequired": {"flag": ["x"]}},
    "tuple": {"type": "array", "prefixItems": [STRING, INTEGER], "items": False,
              "minItems": 1},
    "choice": {"anyOf": [STRING, INTEGER]},
    "variants": {"oneOf": [{"type": "string", "maxLength": 3}, {"type": "integer"}]},
    "const": {"type": "object", "properties": {"k": {"const": "v"}, "m": {"type": "integer"}},
              "patternProperties": {"^z": {"type": "integer"}}, "additionalProperties": False},
}


# -- mutations ---------------------------------------------------------------------------------

Mutation = Callable[[Schema, Pick], Schema | None]


def _bound(kw: str, step: int, *, relax: bool) -> Mutation:
    """Move a numeric keyword by ``step`` (which way makes it stricter depends on ``kw``)."""
    def mutate(node: Schema, pick: Pick) -> Schema | None:
        if kw not in node:
            return None
        value = node[kw] + step
        if value < 0 and kw.endswith(("Length", "Items", "Properties")):
            return None
        return {**node, kw: value}
    mutate.__name__ = f"{kw}{'+' if step > 0 else '-'}{'relax' if relax else 'tighten'}"
    return mutate


def _add_kw(kw: str, values: list[Any], applies: Callable[[Schema], bool]) -> Mutation:
    def mutate(node: Schema, pick: Pick) -> Schema | None:
        if kw in node or not applies(node):
            return None
        return {**node, kw: pick(values)}
    return mutate


def _remove_kw(kw: str) -> Mutation:
    def mutate(node: Schema, pick: Pick) -> Schema | None:
        if kw not in node:
            return None
        return {k: v for k, v in node.items() if k != kw}
    return mutate


def _types(node: Schema) -> list[str]:
    t = node.get("type")
    return [t] if isinstance(t, str) else list(t) if isinstance(t, list) else []


def _is(*types: str) -> Callable[[Schema], bool]:
    return lambda node: any(t in types for t in _types(node))


def _type_widen(node: Schema, pick: Pick) -> Schema | None:
    types = _types(node)
    extra = [t for t in ("string", "integer", "boolean", "object") if t not in types]
    if not types or not extra:
        return None
    return {**node, "type": [*types, pick(extra)]}


def _type_narrow(node: Schema, pick: Pick) -> Schema | None:
    types = [t for t in _types(node) if t != "null"]
    if len(types) < 2:
        return None
    return {**node, "type": [t for t in _types(node) if t != pick(types)]}


def _type_change(node: Schema, pick: Pick) -> Schema | None:
    types = _types(node)
    if len(types) != 1 or types[0] in ("object", "array"):
        return None
    return {"type": pick([t for t in ("string", "integer", "boolean") if t != types[0]])}


def _integer_to_number(node: Schema, pick: Pick) -> Schema | None:
    return {**node, "type": "number"} if node.get("type") == "integer" else None


def _number_to_integer(node: Schema, pick: Pick) -> Schema | None:
    if node.get("type") != "number":
        return None
    return {k: v for k, v in node.items() if k != "multipleOf"} | {"type": "integer"}


def _null_add(node: Schema, pick: Pick) -> Schema | None:
    types = _types(node)
    return {**node, "type": [*types, "null"]} if types and "null" not in types else None


def _null_remove(node: Schema, pick: Pick) -> Schema | None:
    types = _types(node)
    if "null" not in types or len(types) < 2:
        return None
    rest = [t for t in types if t != "null"]
    return {**node, "type": rest[0] if len(rest) == 1 else rest}


def _enum_add(node: Schema, pick: Pick) -> Schema | None:
    if "enum" not in node:
        return None
    return {**node, "enum": [*node["enum"], pick(["z", 7, None])]}


def _enum_remove(node: Schema, pick: Pick) -> Schema | None:
    if len(node.get("enum", [])) < 2:
        return None
    drop = pick(node["enum"])
    return {**node, "enum": [v for v in node["enum"] if v != drop]}


def _enum_change(node: Schema, pick: Pick) -> Schema | None:
    if len(node.get("enum", [])) < 2:
        return None
    return {**node, "enum": [*node["enum"][1:], "q"]}


def _const_change(node: Schema, pick: Pick) -> Schema | None:
    return {**node, "const": "w"} if "const" in node else None


def _const_add(node: Schema, pick: Pick) -> Schema | None:
    if "const" in node or "enum" not in node:
        return None
    return {k: v for k, v in node.items() if k != "enum"} | {"const": pick(node["enum"])}


def _props(node: Schema) -> dict[str, Any]:
    value = node.get("properties")
    return value if isinstance(value, dict) else {}


def _property_add(*, required: bool, default: bool = False) -> Mutation:
    def mutate(node: Schema, pick: Pick) -> Schema | None:
        # named "0": a key the instance generator often gives the extra properties of an open
        # model, so old data that already carries it with another type turns up
        if "object" not in _types(node) or "0" in _props(node):
            return None
        schema: Schema = {"type": pick(["integer", "string"])}
        if default:
            schema["default"] = 0 if schema["type"] == "integer" else ""
        out = {**node, "properties": {**_props(node), "0": schema}}
        if required:
            out["required"] = [*node.get("required", []), "0"]
        return out
    return mutate


def _property_remove(node: Schema, pick: Pick) -> Schema | None:
    props = [p for p in _props(node) if p not in node.get("required", [])]
    if not props:
        return None
    name = pick(props)
    out = {**node, "properties": {k: v for k, v in _props(node).items() if k != name}}
    if name in out.get("dependentRequired", {}):
        out["dependentRequired"] = {k: v for k, v in out["dependentRequired"].items()
                                    if k != name}
    return out


def _required_add(node: Schema, pick: Pick) -> Schema | None:
    optional = [p for p in _props(node) if p not in node.get("required", [])]
    if not optional:
        return None
    return {**node, "required": [*node.get("required", []), pick(optional)]}


def _required_remove(node: Schema, pick: Pick) -> Schema | None:
    if not node.get("required"):
        return None
    drop = pick(node["required"])
    return {**node, "required": [r for r in node["required"] if r != drop]}


def _close(node: Schema, pick: Pick) -> Schema | None:
    if "object" not in _types(node) or "additionalProperties" in node:
        return None
    return {**node, "additionalProperties": pick([False, {"type": "integer"}])}


def _open(node: Schema, pick: Pick) -> Schema | None:
    if node.get("additionalProperties") is not False:
        return None
    return {k: v for k, v in node.items() if k != "additionalProperties"}


def _pattern_property_add(node: Schema, pick: Pick) -> Schema | None:
    if "object" not in _types(node) and "properties" not in node:
        return None
    pp = node.get("patternProperties", {})
    return {**node, "patternProperties": {**pp, "^y": {"type": "string"}}}


def _dependent_add(node: Schema, pick: Pick) -> Schema | None:
    props = list(_props(node))
    if len(props) < 2:
        return None
    dr = node.get("dependentRequired", {})
    name = pick([p for p in props if p not in dr] or props)
    other = pick([p for p in props if p != name])
    return {**node, "dependentRequired": {**dr, name: sorted({*dr.get(name, []), other})}}


def _dependent_narrow(node: Schema, pick: Pick) -> Schema | None:
    dr = node.get("dependentRequired")
    if not dr:
        return None
    name = pick(list(dr))
    return {**node, "dependentRequired": {**dr, name: dr[name][1:]}}


def _prefix_item_add(node: Schema, pick: Pick) -> Schema | None:
    if "prefixItems" not in node:
        return None
    return {**node, "prefixItems": [*node["prefixItems"], {"type": "boolean"}]}


def _prefix_item_remove(node: Schema, pick: Pick) -> Schema | None:
    if len(node.get("prefixItems", [])) < 2:
        return None
    return {**node, "prefixItems": node["prefixItems"][:-1]}


def _branch_add(kw: str) -> Mutation:
    def mutate(node: Schema, pick: Pick) -> Schema | None:
        if kw not in node:
            return None
        return {**node, kw: [*node[kw], pick([{"type": "boolean"}, {"type": "integer",
                                                                     "minimum": 100}])]}
    return mutate


def _branch_remove(kw: str) -> Mutation:
    def mutate(node: Schema, pick: Pick) -> Schema | None:
        if len(node.get(kw, [])) < 2:
            return None
        return {**node, kw: node[kw][1:]}
    return mutate


def _wrap_any_of(node: Schema, pick: Pick) -> Schema | None:
    if any(k in node for k in ("anyOf", "oneOf", "allOf")):
        return None
    return {"anyOf": [node, pick([{"type": "null"}, {"type": "string", "maxLength": 1}])]}


def _all_of_add(node: Schema, pick: Pick) -> Schema | None:
    if "allOf" in node or not _types(node):
        return None
    return {**node, "allOf": [pick([{"not": {"const": 3}}, {"not": {"type": "null"}}])]}


def _not_add(node: Schema, pick: Pick) -> Schema | None:
    if "not" in node or not _types(node):
        return None
    return {**node, "not": pick([{"const": 1}, {"const": "a"}, {"type": "null"}])}


def _items_replace(node: Schema, pick: Pick) -> Schema | None:
    if not isinstance(node.get("items"), dict):
        return None
    return {**node, "items": pick([{"type": "string"}, {}])}


MUTATIONS: dict[str, Mutation] = {
    "maxLength tighten": _bound("maxLength", -1, relax=False),
    "maxLength relax": _bound("maxLength", 2, relax=True),
    "minLength tighten": _bound("minLength", 1, relax=False),
    "minLength relax": _bound("minLength", -1, relax=True),
    "maxLength add": _add_kw("maxLength", [2, 9], _is("string")),
    "maxLength remove": _remove_kw("maxLength"),
    "minLength remove": _remove_kw("minLength"),
    "pattern add": _add_kw("pattern", ["^[a-c]*$", "^a"], _is("string")),
    "minimum tighten": _bound("minimum", 1, relax=False),
    "minimum relax": _bound("minimum", -1, relax=True),
    "maximum tighten": _bound("maximum", -1, relax=False),
    "maximum relax": _bound("maximum", 1, relax=True),
    "minimum add": _add_kw("minimum", [1, 5], _is("integer", "number")),
    "maximum add": _add_kw("maximum", [3, 15], _is("integer", "number")),
    "minimum remove": _remove_kw("minimum"),
    "maximum remove": _remove_kw("maximum"),
    "exclusiveMinimum tighten": _bound("exclusiveMinimum", 1, relax=False),
    "exclusiveMaximum tighten": _bound("exclusiveMaximum", -1, relax=False),
    "exclusiveMaximum relax": _bound("exclusiveMaximum", 1, relax=True),
    "exclusiveMinimum remove": _remove_kw("exclusiveMinimum"),
    "multipleOf add": _add_kw("multipleOf", [2, 3], _is("integer")),
    "multipleOf expand": lambda n, p: ({**n, "multipleOf": n["multipleOf"] * 2}
                                       if "multipleOf" in n else None),
    "multipleOf reduce": lambda n, p: ({**n, "multipleOf": n["multipleOf"] / 2}
                                       if "multipleOf" in n else None),
    "multipleOf change": lambda n, p: ({**n, "multipleOf": n["multipleOf"] * 1.5}
                                       if "multipleOf" in n else None),
    "multipleOf remove": _remove_kw("multipleOf"),
    "type widen": _type_widen,
    "type narrow": _type_narrow,
    "type change": _type_change,
    "integer to number": _integer_to_number,
    "number to integer": _number_to_integer,
    "null add": _null_add,
    "null remove": _null_remove,
    "enum add value": _enum_add,
    "enum remove value": _enum_remove,
    "enum change": _enum_change,
    "enum remove": _remove_kw("enum"),
    "const add": _const_add,
    "const change": _const_change,
    "const remove": _remove_kw("const"),
    "optional property add": _property_add(required=False),
    "required property add": _property_add(required=True),
    "required property with default add": _property_add(required=True, default=True),
    "property remove": _property_remove,
    "required add": _required_add,
    "required remove": _required_remove,
    "close content model": _close,
    "open content model": _open,
    "pattern property add": _pattern_property_add,
    "pattern property remove": _remove_kw("patternProperties"),
    "maxProperties add": _add_kw("maxProperties", [1], _is("object")),
    "minProperties add": _add_kw("minProperties", [2], _is("object")),
    "dependentRequired add": _dependent_add,
    "dependentRequired narrow": _dependent_narrow,
    "dependentRequired remove": _remove_kw("dependentRequired"),
    "items replace": _items_replace,
    "minItems tighten": _bound("minItems", 1, relax=False),
    "minItems relax": _bound("minItems", -1, relax=True),
    "maxItems tighten": _bound("maxItems", -1, relax=False),
    "maxItems relax": _bound("maxItems", 1, relax=True),
    "maxItems remove": _remove_kw("maxItems"),
    "uniqueItems add": _add_kw("uniqueItems", [True], _is("array")),
    "prefixItem add": _prefix_item_add,
    "prefixItem remove": _prefix_item_remove,
    "rest items open": lambda n, p: ({k: v for k, v in n.items() if k != "items"}
                                     if "prefixItems" in n and n.get("items") is False
                                     else None),
    "anyOf branch add": _branch_add("anyOf"),
    "anyOf branch remove": _branch_remove("anyOf"),
    "oneOf branch add": _branch_add("oneOf"),
    "oneOf branch remove": _branch_remove("oneOf"),
    "anyOf to oneOf": lambda n, p: ({k: v for k, v in n.items() if k != "anyOf"}
                                    | {"oneOf": n["anyOf"]} if "anyOf" in n else None),
    "oneOf to anyOf": lambda n, p: ({k: v for k, v in n.items() if k != "oneOf"}
                                    | {"anyOf": n["oneOf"]} if "oneOf" in n else None),
    "anyOf wrap": _wrap_any_of,
    "allOf add": _all_of_add,
    "not add": _not_add,
}


def _subschemas(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Paths of every (object) subschema that describes values."""
    if not isinstance(node, dict):
        return
    yield path
    for name, sub in _props(node).items():
        yield from _subschemas(sub, (*path, "properties", name))
    if isinstance(node.get("items"), dict):
        yield from _subschemas(node["items"], (*path, "items"))
    for kw in ("prefixItems", "anyOf", "oneOf"):
        for i, sub in enumerate(node.get(kw, [])):
            yield from _subschemas(sub, (*path, kw, i))


def mutate_at(schema: Schema, path: tuple[Any, ...], mutation: Mutation,
              pick: Pick) -> Schema | None:
    node: Any = schema
    for step in path:
        node = node[step]
    new_node = mutation(copy.deepcopy(node), pick)
    if new_node is None or new_node == node:
        return None
    if not path:
        return new_node
    out = copy.deepcopy(schema)
    parent: Any = out
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = new_node
    return out


@dataclass(frozen=True)
class Pair:
    name: str
    old: Schema
    new: Schema


def corpus() -> list[Pair]:
    """Every mutation at every place it applies in every base."""
    pairs: dict[str, Pair] = {}
    for base_name, base in BASES.items():
        for path in _subschemas(base):
            for mutation_name, mutation in MUTATIONS.items():
                new = mutate_at(base, path, mutation, lambda xs: xs[-1])
                if new is not None:
                    where = "/".join(map(str, path))
                    key = json.dumps([base, new], sort_keys=True)
                    pairs.setdefault(key, Pair(f"{base_name}:/{where}:{mutation_name}", base,
                                               new))
    return list(pairs.values())


CORPUS = corpus()


# -- the soundness check -----------------------------------------------------------------------

QUICK = settings(derandomize=True, database=None, deadline=None, phases=[Phase.generate],
                 suppress_health_check=list(HealthCheck))


@functools.cache
def _pool(key: str) -> tuple[Any, ...]:
    """Instances generated from an old schema (shared by every mutation of it)."""
    found: list[Any] = []

    @settings(QUICK, max_examples=100)
    @given(from_schema(draft7(json.loads(key))))
    def collect(instance: Any) -> None:
        found.append(instance)

    collect()
    return tuple(found)


@functools.cache
def _counterexample(key: str, targeted: bool) -> Any:
    """An instance valid under the old schema and invalid under the new one, or None: first
    among instances generated from the old schema, then (``targeted``) by a search of
    ``allOf: [old, {not: new}]`` — thorough but slow (~1.5 s when there is nothing to find)."""
    old, new = json.loads(key)
    old_ok, new_ok = Draft202012Validator(old).is_valid, Draft202012Validator(new).is_valid
    for instance in _pool(json.dumps(old, sort_keys=True)):
        if old_ok(instance) and not new_ok(instance):
            return instance
    if not targeted:
        return None
    try:
        return find(from_schema({"allOf": [draft7(old), {"not": draft7(new)}]}),
                    lambda x: old_ok(x) and not new_ok(x), settings=settings(QUICK,
                                                                             max_examples=10))
    except HypothesisException:
        return None


def counterexample(pair: Pair, *, targeted: bool = False) -> Any:
    return _counterexample(json.dumps([pair.old, pair.new], sort_keys=True), targeted)


@dataclass(frozen=True)
class Unsound:
    pair: Pair
    instance: Any
    changes: list[str]


def unsound(pair: Pair, *, targeted: bool = False) -> Unsound | None:
    """The counterexample to BACKWARD's verdict on ``pair``, when it says compatible wrongly."""
    result = compat(pair.old, pair.new, "BACKWARD")
    if not result.compatible:
        return None
    if any(c.type in APPROXIMATIONS for c in result.changes):
        return None
    found = counterexample(pair, targeted=targeted)
    if found is None or Draft202012Validator(one_of_as_any_of(pair.new)).is_valid(found):
        return None
    return Unsound(pair, found, [f"{c.type.value} {c.pointer}" for c in result.changes])


def _explain(found: Unsound) -> str:
    return (f"{found.pair.name}: BACKWARD says compatible ({found.changes}) but "
            f"{json.dumps(found.instance)} is valid under the old schema and not the new one\n"
            f"old: {json.dumps(found.pair.old)}\nnew: {json.dumps(found.pair.new)}")


# -- tests -------------------------------------------------------------------------------------

def test_the_corpus_covers_every_mutation_and_many_change_kinds() -> None:
    used = {p.name.rsplit(":", 1)[1] for p in CORPUS}
    assert used == set(MUTATIONS), set(MUTATIONS) - used
    kinds = {c.type for p in CORPUS for c in compat(p.old, p.new, "BACKWARD").changes}
    assert len(kinds) >= 60, sorted(k.value for k in kinds)


def test_rules_are_sound_on_the_corpus() -> None:
    problems = [_explain(u) for p in CORPUS if (u := unsound(p)) is not None]
    assert not problems, "\n\n".join(problems)


@st.composite
def generated_pairs(draw: st.DrawFn) -> Pair:
    """A base (possibly nested one level deeper), then one mutation at a random place."""
    base = copy.deepcopy(BASES[draw(st.sampled_from(sorted(BASES)))])
    if draw(st.booleans()):
        other = BASES[draw(st.sampled_from(sorted(BASES)))]
        base = {"type": "object", "properties": {"p": base, "q": copy.deepcopy(other)},
                "required": draw(st.sampled_from([[], ["p"], ["p", "q"]]))}

    def pick(xs: list[Any]) -> Any:
        return draw(st.sampled_from(xs))

    paths = list(_subschemas(base))
    for _ in range(20):
        path = draw(st.sampled_from(paths))
        name = draw(st.sampled_from(sorted(MUTATIONS)))
        new = mutate_at(base, path, MUTATIONS[name], pick)
        if new is not None:
            return Pair(f"generated:/{'/'.join(map(str, path))}:{name}", base, new)
    return Pair("generated:unchanged", base, copy.deepcopy(base))


@settings(max_examples=20, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.nested_given])
@given(generated_pairs())
def test_rules_are_sound_on_generated_pairs(pair: Pair) -> None:
    found = unsound(pair)
    assert found is None, _explain(found)


#: Wrong rules: incompatible changes a careless table could declare compatible. The first
#: three are the ones the old, weaker property test missed.
WRONG_RULES = [
    T.MAX_LENGTH_DECREASED,
    T.REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL,
    T.MINIMUM_INCREASED,
    T.TYPE_NARROWED,
    T.ENUM_ARRAY_NARROWED,
    T.TYPE_NULL_REMOVED,
    T.PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL,
]
#: Incompatible kinds with no counterexample in the corpus: rules that are conservative on
#: purpose (Confluent's), so declaring them compatible is not *unsound* here.
CONSERVATIVE = {
    # anyOf -> oneOf: breaks only old values matching several branches; the corpus' branches
    # are disjoint by type.
    T.COMBINED_TYPE_CHANGED,
}
#: Every other incompatible kind the corpus produces must be caught too.
EVERY_INCOMPATIBLE = sorted({c.type for p in CORPUS
                             for c in compat(p.old, p.new, "BACKWARD").changes
                             if c.type not in COMPATIBLE_CHANGES_STRICT}
                            - set(WRONG_RULES) - CONSERVATIVE)


@pytest.mark.parametrize("kind", WRONG_RULES + EVERY_INCOMPATIBLE, ids=str)
def test_a_wrong_rule_is_caught(kind: ChangeType, monkeypatch: pytest.MonkeyPatch) -> None:
    """Declare ``kind`` compatible (a wrong rule): the soundness check must fail on some pair
    that reports it."""
    def wrong_set(policy: Any) -> frozenset[ChangeType]:
        return compatible_set(policy) | {kind}

    monkeypatch.setattr(verdict, "compatible_set", wrong_set)
    candidates = [p for p in CORPUS
                  if any(c.type is kind for c in compat(p.old, p.new, "BACKWARD").changes)]
    assert candidates, f"no pair in the corpus reports {kind}"
    # instances generated from the old schema first (cheap), then the targeted search
    caught = any(unsound(p) is not None for p in candidates) or any(
        unsound(p, targeted=True) is not None for p in candidates)
    assert caught, f"declaring {kind} compatible went unnoticed"


def test_a_schema_has_no_change_against_itself() -> None:
    for pair in CORPUS:
        for schema in (pair.old, pair.new):
            result = compat(schema, copy.deepcopy(schema), "FULL")
            assert result.changes == [] and result.compatible, pair.name


def _contracts() -> list[Any]:
    registry = load_contracts(REPO)
    assert len(registry) > 0, "the reference workspace has no contracts"
    return [pytest.param(c.schema, registry.resource_registry, id=f"{c.name}@{c.version}")
            for c in registry]


@pytest.mark.parametrize(("schema", "registry"), _contracts())
def test_every_canonical_contract_is_unchanged_against_itself(schema: Any, registry: Any) -> None:
    result = compat(schema, copy.deepcopy(schema), "FULL", registry=registry)
    assert result.changes == []
