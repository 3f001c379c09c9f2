"""The body of an interaction: the fields a mapping reads (or writes), each with the matcher its
schema calls for, and the mapping rule behind each field.

A body is first built as a small neutral tree (:class:`Leaf`, :class:`Obj`, :class:`Arr`), from
which come the pact-python body (:func:`to_pact`), the plain JSON the mock server serves
(:func:`plain`), and the rules map (JSON path -> ``file:line``). Nothing here talks to Pact's
core: the tree is plain data, so what a matcher is can be tested without a mock server.

Matchers follow the schema node of each field (``$ref``, ``allOf``/``anyOf`` and ``nullable``
looked through by the checker's :class:`~accord.check.schema_model.SchemaModel`):

- ``integer`` for an integer schema, ``number`` for a number, ``boolean``, and for strings a
  ``regex``: the alternatives of a string ``enum``, else the schema's ``pattern`` (only one that
  runs in linear time, as Pact's Rust core requires), else the regex of its ``format`` (date,
  date-time, time, uuid, email, uri) — each only when the golden value satisfies it — and
  ``type`` otherwise;
- an array is ``type`` with ``min: 1`` over all its golden items (what ``each_like`` writes),
  its items' fields matched under ``[*]``;
- ``null`` and a ``const`` are expected as they are (no matcher).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from accord import patterns
from accord.check.path_index import Access, PathUse
from accord.check.schema_model import ANY, SchemaModel
from accord.jsondoc import ANY_ITEM, json_path, unescape_pointer

__all__ = ["FORMAT_REGEX", "Arr", "Leaf", "Node", "Obj", "PathTree", "build_tree",
           "leaf_for", "plain", "project", "rule_for", "rules_of", "shape", "to_pact",
           "walk_value"]

#: Regexes for the string formats Pact has no matcher of its own for (all anchored; Rust's
#: ``regex`` syntax, which is also Python's here).
FORMAT_REGEX: dict[str, str] = {
    "date": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
    "date-time": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?"
                 r"([Zz]|[+-][0-9]{2}:?[0-9]{2})$",
    "time": r"^[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:?[0-9]{2})?$",
    "uuid": r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",
    "email": r"^[^@\s]+@[^@\s]+$",
    "uri": r"^[A-Za-z][A-Za-z0-9+.-]*:\S*$",
}

#: Longest enum turned into a regex of alternatives (a longer one is matched by type).
_MAX_ENUM = 64


# -- the neutral tree -------------------------------------------------------------------


@dataclass(frozen=True)
class Leaf:
    """A value expected as given (``match`` None), or matched by ``match``
    (``integer``, ``number``, ``boolean``, ``type``, ``regex`` with ``regex``)."""

    value: Any
    match: str | None = None
    regex: str | None = None


@dataclass(frozen=True)
class Obj:
    fields: tuple[tuple[str, Node], ...]


@dataclass(frozen=True)
class Arr:
    """An array: with ``each`` its items are matched by type (at least one: ``each_like``),
    else the array is expected item for item (an envelope's one-record array)."""

    items: tuple[Node, ...]
    each: bool = True


Node = Leaf | Obj | Arr


def plain(node: Node) -> Any:
    """The JSON value of a tree."""
    if isinstance(node, Leaf):
        return node.value
    if isinstance(node, Obj):
        return {name: plain(child) for name, child in node.fields}
    return [plain(item) for item in node.items]


def to_pact(node: Node) -> Any:
    """The tree as a pact-python body: plain JSON with pact-python matchers at the leaves."""
    from pact import match  # imported here: pact loads its Rust core

    if isinstance(node, Leaf):
        if node.match is None:
            return node.value
        if node.match == "integer":
            return match.int(node.value)
        if node.match == "number":
            return match.number(node.value)
        if node.match == "boolean":
            return match.bool(node.value)
        if node.match == "regex":
            return match.regex(node.value, regex=node.regex)
        return match.like(node.value)
    if isinstance(node, Obj):
        return {name: to_pact(child) for name, child in node.fields}
    items = [to_pact(item) for item in node.items]
    return match.like(items, min=1) if node.each and items else items


def walk_value(node: Node, base: tuple[str | int, ...] = ()
               ) -> Iterator[tuple[tuple[str | int, ...], Node]]:
    """Every node of a tree with its path (the items of an ``each`` array under
    :data:`~accord.jsondoc.ANY_ITEM`, rendered ``[*]``)."""
    yield base, node
    if isinstance(node, Obj):
        for name, child in node.fields:
            yield from walk_value(child, (*base, name))
    elif isinstance(node, Arr):
        for index, item in enumerate(node.items):
            yield from walk_value(item, (*base, ANY_ITEM if node.each else index))


# -- matchers from a schema ---------------------------------------------------------------

_META = re.compile(r"([\\.+*?()|\[\]{}^$])")


def _escape(text: str) -> str:
    """``text`` as a regex matching itself: only the metacharacters escaped (Rust's ``regex``
    refuses some escapes Python's ``re.escape`` writes)."""
    return _META.sub(r"\\\1", text)



def _string_regex(model: SchemaModel, schema: Any, value: str) -> str | None:
    enum = model.enum(schema)
    strings = sorted({v for v in enum or () if isinstance(v, str)})
    if value in strings and 1 < len(strings) <= _MAX_ENUM:
        return "^(" + "|".join(_escape(v) for v in strings) + ")$"
    for alt in model.alternatives(schema):
        pattern = alt.get("pattern")
        if isinstance(pattern, str) and patterns.linear(pattern):
            try:
                if patterns.search(pattern, value):
                    return pattern
            except patterns.PatternError:
                pass
    fmt = model.format(schema)
    regex = FORMAT_REGEX.get(fmt or "")
    if regex is not None and re.match(regex, value):
        return regex
    return ""


def leaf_for(model: SchemaModel, schema: Any, value: Any) -> Leaf:
    """The leaf expecting ``value`` where ``schema`` describes it."""
    if value is None:
        return Leaf(None)
    enum = model.enum(schema)
    if enum is not None and len([v for v in enum if v is not None]) == 1 \
            and not isinstance(value, dict | list):
        return Leaf(value)  # a const (or a one-value enum): exactly this value
    types = model.types(schema)
    if isinstance(value, bool):
        return Leaf(value, "boolean")
    if isinstance(value, int | float):
        if types is not None and "integer" in types and "number" not in types \
                and float(value).is_integer():
            return Leaf(int(value), "integer")
        return Leaf(value, "number")
    if isinstance(value, str):
        regex = _string_regex(model, schema, value)
        if regex is None:
            return Leaf(value)
        return Leaf(value, "regex", regex) if regex else Leaf(value, "type")
    return Leaf(value, "type")  # an object or array read whole: matched by type


# -- what a mapping reads or writes, as a tree of paths -----------------------------------


@dataclass
class PathTree:
    """The data paths a mapping reads (or writes), merged: each node knows its schema and the
    rules that use it."""

    schema: Any = field(default_factory=dict)
    children: dict[str, PathTree] = field(default_factory=dict)
    items: PathTree | None = None
    uses: list[PathUse] = field(default_factory=list)

    @property
    def leaf(self) -> bool:
        return not self.children and self.items is None


def _tokens(pointer: str) -> list[str]:
    return [unescape_pointer(t) for t in pointer.split("/")[1:]] if pointer else []


def build_tree(model: SchemaModel, uses: list[PathUse], access: Access) -> PathTree:
    """The tree of the pointers of ``uses`` with ``access`` (logical pointers of the path
    index: ``/properties/<name>`` and ``/items`` steps), each node with its schema."""
    root = PathTree(model.root)
    for use in uses:
        if use.access is not access:
            continue
        node = root
        tokens = _tokens(use.pointer)
        index = 0
        while index < len(tokens):
            token = tokens[index]
            if token == "properties" and index + 1 < len(tokens):
                name = tokens[index + 1]
                if name not in node.children:
                    found = model.property(node.schema, name)
                    node.children[name] = PathTree(found.schema if found.found else ANY)
                node = node.children[name]
                index += 2
            elif token == "items":
                if node.items is None:
                    node.items = PathTree(model.items(node.schema))
                node = node.items
                index += 1
            else:  # a pointer the index never makes: stop at what is understood
                break
        node.uses.append(use)
    return root


_ABSENT: Any = object()


def _uniform(items: tuple[Node, ...]) -> Arr:
    """An ``each`` array whose items agree: a path under ``[*]`` gets one matcher for all the
    items, so where the golden items disagree (one null, one a string; two matchers) the path
    has none and each item is expected as it is."""
    seen: dict[tuple[str | int, ...], set[tuple[str | None, str | None]]] = {}
    for item in items:
        for path, node in walk_value(item):
            if isinstance(node, Leaf):
                seen.setdefault(path, set()).add(
                    (node.match, node.regex) if node.value is not None else ("null", None))
    mixed = {path for path, kinds in seen.items() if len(kinds) > 1}
    if not mixed:
        return Arr(items)

    def strip(node: Node, path: tuple[str | int, ...]) -> Node:
        if isinstance(node, Leaf):
            return Leaf(node.value) if path in mixed else node
        if isinstance(node, Obj):
            return Obj(tuple((name, strip(child, (*path, name))) for name, child in node.fields))
        return Arr(tuple(strip(i, (*path, ANY_ITEM if node.each else n))
                         for n, i in enumerate(node.items)), node.each)

    return Arr(tuple(strip(item, ()) for item in items))


def project(model: SchemaModel, tree: PathTree, value: Any) -> Node:
    """``value`` (a golden record) cut down to the paths of ``tree``, with matchers."""
    if tree.leaf:
        return leaf_for(model, tree.schema, value)
    if isinstance(value, list):
        inner = tree.items if tree.items is not None else tree
        return _uniform(tuple(project(model, inner, item) for item in value))
    if isinstance(value, dict) and tree.children:
        return Obj(tuple((name, project(model, child, value[name]))
                         for name, child in sorted(tree.children.items()) if name in value))
    return Leaf(value) if value is None or isinstance(value, dict) else \
        leaf_for(model, tree.schema, value)


def shape(model: SchemaModel, schema: Any, value: Any) -> Node:
    """All of ``value`` (a record accord sends), with matchers from ``schema``."""
    if isinstance(value, dict):
        return Obj(tuple((name, shape(model, model.property(schema, name).schema, child))
                         for name, child in sorted(value.items())))
    if isinstance(value, list):
        items = model.items(schema)
        return _uniform(tuple(shape(model, items, item) for item in value))
    return leaf_for(model, schema, value)


def _first(uses: list[PathUse]) -> PathUse | None:
    """The rule to name for a field: a field rule before the spec's ``when``/``key``, then
    the first in the file."""
    return min(uses, key=lambda u: (u.rule == "", u.line, u.col)) if uses else None


def rules_of(tree: PathTree, body: Node, base: tuple[str | int, ...],
             *, inherit: bool = False) -> dict[str, str]:
    """JSON path (inside the envelope at ``base``) -> ``file:line`` of the rule behind each
    field of ``body``. With ``inherit`` (writes), a field no rule names itself takes the rule
    of the nearest object or array above it (``Contact.Name`` under a rule writing
    ``Contact``)."""
    out: dict[str, str] = {}

    def visit(node: PathTree | None, value: Node, path: tuple[str | int, ...],
              above: PathUse | None) -> None:
        own = _first(node.uses) if node is not None else None
        use = own or (above if inherit else None)
        if use is not None and (own is not None or isinstance(value, Leaf)):
            out[json_path(path)] = f"{use.spec}:{use.line}"
        if isinstance(value, Obj):
            for name, child in value.fields:
                visit(node.children.get(name) if node is not None else None, child,
                      (*path, name), use)
        elif isinstance(value, Arr):
            inner = None
            if node is not None:
                inner = node.items if node.items is not None else node
            for index, item in enumerate(value.items):
                visit(inner, item, (*path, ANY_ITEM if value.each else index), use)

    visit(tree, body, base, None)
    return dict(sorted(out.items()))


_LAST = re.compile(r"(\.[A-Za-z_][A-Za-z0-9_]*|\['(?:[^'\\]|\\.)*'\]|\[(?:\d+|\*)\])$")


def _wildcard(path: str) -> re.Pattern[str]:
    """A rules-map path as a pattern: ``[*]`` stands for any index."""
    return re.compile("".join(r"\[\d+\]" if part == "[*]" else re.escape(part)
                              for part in re.split(r"(\[\*\])", path)) + "$")


def _parent(path: str) -> str | None:
    found = _LAST.search(path)
    return path[:found.start()] if found and found.start() > 0 else None


def _name(path: str) -> str | None:
    """The last property name of a path (``$.a.b[*]`` -> ``b``)."""
    while path.endswith("]") and not path.endswith("']"):
        parent = _parent(path)
        if parent is None:
            return None
        path = parent
    found = _LAST.search(path)
    if found is None:
        return None
    token = found.group(1)
    return token[1:] if token.startswith(".") else token[2:-2].replace("\\'", "'")


def rule_for(rules: dict[str, str], path: str, message: str = "") -> str | None:
    """The rule (``file:line``) behind the field at ``path`` of a verification mismatch
    (Pact's paths have indices, ``$.lines[1].amount``, where the rules map says ``[*]``).

    The field itself first; then, for a mismatch reported on an object (Pact reports a missing
    key on its parent and names the key in the message), the rule of a field below it whose
    name the message mentions; then the nearest field above it that a rule names. None: no
    rule depends on that part of the body."""
    if path in rules:
        return rules[path]
    for key, where in rules.items():
        if _wildcard(key).match(path):
            return where
    for key, where in sorted(rules.items()):
        name = _name(key)
        parent = _parent(key)
        while parent is not None and not (parent == path or _wildcard(parent).match(path)):
            parent = _parent(parent)
        if parent is not None and name and name in message:
            return where
    current: str | None = path
    while (current := _parent(current or "")) is not None:
        for key, where in rules.items():
            if _wildcard(key).match(current):
                return where
    return None
