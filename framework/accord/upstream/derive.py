"""Derive a system's shipped API description from the vendor's full one.

:func:`derive` keeps only what the workspace's mappings use: the operations and the
``components/schemas`` entries they name, and every component those reference in turn
(transitively, through ``$ref`` and discriminator mappings). Prose is stripped —
``description``, ``summary``, ``example`` and ``examples`` — only where they are OpenAPI or JSON
Schema keywords: a property *named* ``description`` (a key of ``properties:``), a schema named
``summary`` or an ``enum`` value stays. A Response object keeps ``description: ''`` because
OpenAPI requires the field. Everything else is copied unchanged, so 3.0 ``nullable``, 3.1 type
arrays and vendor quirks (Harvest's ``type: 'null'`` in a 3.0 document) mean what they meant.

:func:`dump` renders the result as YAML with sorted keys: the same input always gives the same
bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import yaml

from accord import codes
from accord.diagnostics import Diagnostic
from accord.errors import LoadError
from accord.jsondoc import escape_pointer, unescape_pointer
from accord.workspace.openapi import OpenApiDocument

__all__ = ["HEADER", "PROSE", "derive", "dump"]

PROSE = frozenset({"description", "summary", "example", "examples"})
HEADER = ("# Derived by `accord system import`: only the parts of the upstream API description\n"
          "# that this workspace's mappings use, prose removed, keys sorted. Do not edit: change\n"
          "# the mappings or the upstream (system.yaml `upstream:`) and re-import.\n")

_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_SCHEMA_ONE = ("items", "additionalProperties", "not", "contains", "propertyNames", "if",
               "then", "else", "unevaluatedItems", "unevaluatedProperties", "additionalItems",
               "contentSchema")
_SCHEMA_MAP = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
_SCHEMA_LIST = ("allOf", "anyOf", "oneOf", "prefixItems")
_COMPONENT = "#/components/"


@dataclass
class _Walker:
    """Strips prose from OpenAPI objects of a known kind and collects the components they
    reference as ``(kind, name)`` pairs."""

    doc: OpenApiDocument
    refs: set[tuple[str, str]] = field(default_factory=set)

    # -- references ------------------------------------------------------------------------

    def ref(self, ref: str, where: str) -> None:
        if not ref.startswith(_COMPONENT):
            raise _unsupported(self.doc, ref, where)
        parts = ref[len(_COMPONENT):].split("/")
        if len(parts) < 2 or not parts[1]:
            raise _unsupported(self.doc, ref, where)
        kind, name = parts[0], unescape_pointer(parts[1])
        self.refs.add((kind, name))

    # -- JSON Schema -----------------------------------------------------------------------

    def schema(self, node: Any, where: str) -> Any:
        if not isinstance(node, dict):
            return node
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key in PROSE:
                continue
            at = f"{where}/{key}"
            if key == "$ref" and isinstance(value, str):
                self.ref(value, where)
                out[key] = value
            elif key in _SCHEMA_ONE:
                out[key] = ([self.schema(v, f"{at}/{i}") for i, v in enumerate(value)]
                            if isinstance(value, list) else self.schema(value, at))
            elif key in _SCHEMA_MAP and isinstance(value, dict):
                out[key] = {k: self.schema(v, f"{at}/{k}") for k, v in value.items()}
            elif key in _SCHEMA_LIST and isinstance(value, list):
                out[key] = [self.schema(v, f"{at}/{i}") for i, v in enumerate(value)]
            elif key == "discriminator" and isinstance(value, dict):
                out[key] = self.discriminator(value, at)
            elif key == "externalDocs" and isinstance(value, dict):
                out[key] = self.generic(value)
            else:  # keywords with data values (type, enum, default, x-*, ...) stay as they are
                out[key] = value
        return out

    def discriminator(self, node: dict[str, Any], where: str) -> dict[str, Any]:
        mapping = node.get("mapping")
        if isinstance(mapping, dict):
            for target in mapping.values():
                if isinstance(target, str):
                    self.ref(target if target.startswith("#") else
                             _COMPONENT + "schemas/" + target, where)
        return node

    # -- OpenAPI objects -------------------------------------------------------------------

    def generic(self, node: Any) -> Any:
        """An object with no schema inside (servers, externalDocs, links, security): prose
        keys dropped at every level; ``x-`` extensions copied as they are."""
        if isinstance(node, list):
            return [self.generic(v) for v in node]
        if not isinstance(node, dict):
            return node
        return {k: (v if k.startswith("x-") else self.generic(v))
                for k, v in node.items() if k not in PROSE}

    def object(self, node: Any, where: str, fields: dict[str, Callable[[Any, str], Any]],
               *, keep_description: bool = False) -> Any:
        if not isinstance(node, dict):
            return node
        if isinstance(node.get("$ref"), str):
            self.ref(node["$ref"], where)
            return {k: v for k, v in node.items() if k not in PROSE}
        out: dict[str, Any] = {}
        for key, value in node.items():
            at = f"{where}/{key}"
            if key in PROSE:
                if key == "description" and keep_description:
                    out[key] = ""
            elif key in fields:
                out[key] = fields[key](value, at)
            elif key.startswith("x-"):
                out[key] = value
            else:
                out[key] = self.generic(value)
        return out

    def each(self, walk: Callable[[Any, str], Any]) -> Callable[[Any, str], Any]:
        """A map or list of objects of one kind."""
        def walk_all(node: Any, where: str) -> Any:
            if isinstance(node, dict):
                return {k: walk(v, f"{where}/{k}") for k, v in node.items()}
            if isinstance(node, list):
                return [walk(v, f"{where}/{i}") for i, v in enumerate(node)]
            return node
        return walk_all

    def media(self, node: Any, where: str) -> Any:
        return self.object(node, where, {"schema": self.schema,
                                         "encoding": self.each(self.encoding)})

    def encoding(self, node: Any, where: str) -> Any:
        return self.object(node, where, {"headers": self.each(self.parameter)})

    def parameter(self, node: Any, where: str) -> Any:  # also a Header object
        return self.object(node, where, {"schema": self.schema,
                                         "content": self.each(self.media)})

    def request_body(self, node: Any, where: str) -> Any:
        return self.object(node, where, {"content": self.each(self.media)})

    def response(self, node: Any, where: str) -> Any:
        return self.object(node, where, {"content": self.each(self.media),
                                         "headers": self.each(self.parameter)},
                           keep_description=True)

    def operation(self, node: Any, where: str) -> Any:
        return self.object(node, where, {
            "parameters": self.each(self.parameter), "requestBody": self.request_body,
            "responses": self.each(self.response), "callbacks": self.each(self.callback)})

    def callback(self, node: Any, where: str) -> Any:
        if isinstance(node, dict) and isinstance(node.get("$ref"), str):
            self.ref(node["$ref"], where)
            return node
        return self.each(self.path_item)(node, where)

    def path_item(self, node: Any, where: str) -> Any:
        fields: dict[str, Callable[[Any, str], Any]] = {m: self.operation for m in _METHODS}
        fields["parameters"] = self.each(self.parameter)
        return self.object(node, where, fields)

    def component(self, kind: str) -> Callable[[Any, str], Any]:
        walkers: dict[str, Callable[[Any, str], Any]] = {
            "schemas": self.schema, "responses": self.response, "parameters": self.parameter,
            "requestBodies": self.request_body, "headers": self.parameter,
            "callbacks": self.callback, "pathItems": self.path_item}
        return walkers.get(kind, lambda node, _where: self.generic(node))


def _unsupported(doc: OpenApiDocument, ref: str, where: str) -> LoadError:
    diag = Diagnostic(codes.UPSTREAM_REF,
                      f"unsupported $ref {ref!r} at {where}: `accord system import` "
                      "follows only references to '#/components/<kind>/<name>'", doc.display,
                      pointer=where, hint="bundle the description into one file with its "
                      "shared parts under components/ (e.g. `redocly bundle`)")
    return LoadError(diag.format(), diagnostics=[diag])


def derive(doc: OpenApiDocument, schemas: Iterable[str],
           operations: Iterable[str]) -> dict[str, Any]:
    """The part of ``doc`` that the named component schemas and operations need.

    Raises LoadError (ACC224) on a reference that does not point into ``components``, and
    (ACC206) on one that points at nothing; callers check the names exist first."""
    walker = _Walker(doc)
    paths: dict[str, dict[str, Any]] = {}
    found = doc.operations()
    for op_id in sorted(set(operations)):
        method, route, op = found[op_id]
        item = (doc.data.get("paths") or {})[route]
        where = "/paths/" + escape_pointer(route)
        entry = paths.setdefault(route, {})
        entry[method] = walker.operation(op, f"{where}/{method}")
        if "parameters" in item:
            entry["parameters"] = walker.each(walker.parameter)(item["parameters"],
                                                                 f"{where}/parameters")
    walker.refs.update(("schemas", name) for name in schemas)
    components: dict[str, dict[str, Any]] = {}
    done: set[tuple[str, str]] = set()
    while walker.refs - done:
        kind, name = min(walker.refs - done)
        done.add((kind, name))
        where = f"/components/{kind}/{escape_pointer(name)}"
        table = (doc.data.get("components") or {}).get(kind)
        if not isinstance(table, dict) or name not in table:
            diag = Diagnostic(codes.API_REF, f"$ref to missing {where[1:]}", doc.display,
                              pointer=where, hint="fix the reference in the API description")
            raise LoadError(diag.format(), diagnostics=[diag])
        components.setdefault(kind, {})[name] = walker.component(kind)(table[name], where)
    info = doc.data.get("info")
    info = info if isinstance(info, dict) else {}
    out: dict[str, Any] = {
        "openapi": doc.data["openapi"],
        "info": {k: walker.generic(v) for k, v in info.items()
                 if k in ("title", "version", "license")},
        "paths": paths,
    }
    if components:
        out["components"] = components
    return out


def dump(document: dict[str, Any]) -> str:
    """YAML with sorted keys, block style, a fixed width and the derivation header."""
    body = yaml.dump(document, Dumper=_Dumper, sort_keys=True, default_flow_style=False,
                     allow_unicode=True, width=100)
    return HEADER + body


class _Dumper(yaml.SafeDumper):
    """Safe YAML that never writes aliases (``&id001``): each node is spelled out."""

    def ignore_aliases(self, data: Any) -> bool:
        return True
