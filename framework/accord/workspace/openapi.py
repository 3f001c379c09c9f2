"""OpenAPI 3.0/3.1 descriptions turned into self-contained JSON Schema 2020-12.

A system's API description is read once per process (:func:`load_openapi` caches by path,
size and mtime; the largest reference file, Xero Accounting at 0.9 MB, parses in ~0.3 s with
libyaml, so no on-disk cache is needed). Loading:

- reads YAML with the 1.2 core schema (``NO`` stays a string, dates stay strings) and turns
  every non-string mapping key into a string (Harvest writes response codes as ``200:``);
  the node graph is checked first like every workspace file (alias bombs, recursive aliases
  and nesting deeper than 64 levels are findings ACC020-ACC022), then built without positions
  (~10x faster on the large vendor descriptions);
- on request, converts one schema to JSON Schema 2020-12 (:class:`SchemaBundler`):
  ``nullable: true`` / ``x-nullable: true`` become type arrays (or an ``anyOf`` with
  ``{type: 'null'}`` around a ``$ref`` or a composition); 3.1 type arrays and ``type: 'null'``
  pass through; 3.0's boolean ``exclusiveMinimum``/``exclusiveMaximum`` become numbers; in 3.0
  the siblings of a ``$ref`` are dropped, as 3.0 says they are ignored;
- never trusts ``example``/``examples`` (dropped) or a ``default`` whose type contradicts the
  schema (Xero's ``default: 'false'`` on booleans: dropped, and noted);
- rewrites ``#/components/schemas/X`` to ``#/$defs/X`` and copies every schema reachable from
  the root into ``$defs``, so the result validates with any 2020-12 validator on its own.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from accord import codes, fsio
from accord.diagnostics import Diagnostic, relative
from accord.errors import LoadError
from accord.jsondoc import (
    JSON_TYPES,
    escape_pointer,
    json_type,
    resolve_pointer,
    unescape_pointer,
)
from accord.workspace.yamlio import compose_checked

__all__ = [
    "DIALECT",
    "Note",
    "OpenApiDocument",
    "SchemaBundler",
    "did_you_mean",
    "load_openapi",
    "parse_openapi",
]

DIALECT = "https://json-schema.org/draft/2020-12/schema"
_SCHEMA_PREFIX = "#/components/schemas/"
_HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """`` (did you mean 'X'?)`` for the closest candidate, or an empty string."""
    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    if not close:
        lowered = {c.lower(): c for c in candidates}
        if name.lower() in lowered:
            close = [lowered[name.lower()]]
    return f" (did you mean {close[0]!r}?)" if close else ""


@dataclass(frozen=True)
class Note:
    """Something the loader changed or ignored in a vendor's description (not an error)."""

    pointer: str
    message: str


def _stringify_keys(node: Any) -> Any:
    if isinstance(node, dict):
        return {(k if isinstance(k, str) else _key_text(k)): _stringify_keys(v)
                for k, v in node.items()}
    if isinstance(node, list):
        return [_stringify_keys(v) for v in node]
    return node


def _key_text(key: Any) -> str:
    if isinstance(key, bool):
        return "true" if key else "false"
    return "null" if key is None else str(key)


@dataclass
class OpenApiDocument:
    """A parsed OpenAPI description (plain data, string keys everywhere)."""

    path: Path
    display: str
    data: dict[str, Any]
    sha256: str
    notes: list[Note] = field(default_factory=list)

    @property
    def version(self) -> str:
        return str(self.data.get("openapi", ""))

    @property
    def is_30(self) -> bool:
        return not self.version.startswith("3.1")

    @property
    def schemas(self) -> dict[str, Any]:
        comps = self.data.get("components") or {}
        schemas = comps.get("schemas") or {}
        return schemas if isinstance(schemas, dict) else {}

    def operations(self) -> dict[str, tuple[str, str, dict[str, Any]]]:
        """operationId -> (method, path, operation object)."""
        found: dict[str, tuple[str, str, dict[str, Any]]] = {}
        for route, item in (self.data.get("paths") or {}).items():
            if not isinstance(item, dict):
                continue
            for method in _HTTP_METHODS:
                op = item.get(method)
                if isinstance(op, dict) and isinstance(op.get("operationId"), str):
                    found.setdefault(op["operationId"], (method, route, op))
        return found

    def resolve(self, ref: str) -> Any:
        """The node a local ``#/...`` reference points at (LoadError when it does not exist)."""
        if not ref.startswith("#/"):
            raise self._error(codes.API_REF, f"unsupported $ref {ref!r}: only local references "
                              "('#/components/...') are supported",
                              "bundle the description into one file (e.g. `redocly bundle`)")
        try:
            return resolve_pointer(self.data, ref[1:])
        except KeyError:
            raise self._error(codes.API_REF, f"$ref {ref!r} does not resolve",
                              "fix the reference in the API description") from None

    def deref(self, node: Any, limit: int = 20) -> Any:
        """Follow ``$ref`` chains of non-schema objects (request bodies, responses)."""
        while isinstance(node, dict) and isinstance(node.get("$ref"), str) and limit:
            node = self.resolve(node["$ref"])
            limit -= 1
        return node

    def _error(self, code: str, message: str, hint: str) -> LoadError:
        diag = Diagnostic(code, message, self.display, hint=hint)
        return LoadError(diag.format(), diagnostics=[diag])


_CACHE: dict[tuple[str, int, int], OpenApiDocument] = {}
_CACHE_LOCK = threading.Lock()


def load_openapi(path: str | Path, *, display: str | None = None,
                 root: str | Path | None = None) -> OpenApiDocument:
    """Parse an OpenAPI file (confined to ``root`` when given; cached per process by resolved
    path, size and mtime)."""
    p = Path(path)
    shown = display or relative(p)
    problem = fsio.probe(p, root=root)
    if problem is not None and problem.code == codes.FILE_UNREADABLE and not p.is_dir():
        diag = Diagnostic(codes.API_NOT_FOUND, "API description not found", shown,
                          hint="check the `api:` path in system.yaml (relative to that file)")
        raise LoadError(diag.format(), diagnostics=[diag]) from None
    if problem is not None:
        raise problem.error(shown)
    stat = p.stat()
    key = (os.path.realpath(p), stat.st_size, stat.st_mtime_ns)
    with _CACHE_LOCK:
        cached = _CACHE.get(key)
    if cached is not None:
        return cached
    doc = parse_openapi(fsio.read_bytes(p, root=root, display=shown), p, shown)
    with _CACHE_LOCK:
        _CACHE[key] = doc
    return doc


def parse_openapi(raw: bytes, path: Path, shown: str) -> OpenApiDocument:
    """An OpenAPI description from its bytes (``path`` and ``shown`` name it in findings)."""
    digest = hashlib.sha256(raw).hexdigest()
    try:
        text = raw.decode("utf-8")
        loader, node = compose_checked(text, shown)  # alias bombs, cycles, depth: ACC020-022
        try:
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except UnicodeDecodeError as exc:
        diag = Diagnostic(codes.API_MALFORMED,
                          f"API description is not valid UTF-8 (byte {exc.start})",
                          shown, hint="save the file as UTF-8")
        raise LoadError(diag.format(), diagnostics=[diag]) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        diag = Diagnostic(codes.API_MALFORMED,
                          f"API description is malformed YAML/JSON: {exc.problem}",
                          shown, mark.line + 1 if mark else 0, mark.column + 1 if mark else 0,
                          hint="fix the syntax, or point `api:` at a valid OpenAPI file")
        raise LoadError(diag.format(), diagnostics=[diag]) from None
    if not isinstance(data, dict) or not str(data.get("openapi", "")).startswith(("3.0", "3.1")):
        found = data.get("openapi", data.get("swagger")) if isinstance(data, dict) else None
        diag = Diagnostic(codes.API_NOT_OPENAPI,
                          f"not an OpenAPI 3.0/3.1 description (openapi: {found!r})",
                          shown, 1, 1, hint="accord reads OpenAPI 3.0.x and 3.1.x; convert "
                          "Swagger 2.0 with e.g. swagger2openapi")
        raise LoadError(diag.format(), diagnostics=[diag])
    return OpenApiDocument(path, shown, _stringify_keys(data), digest)


# --------------------------------------------------------------------------- conversion

_DROP = frozenset({"example", "examples", "discriminator", "xml", "externalDocs", "nullable",
                   "x-nullable"})
_ANNOTATIONS = frozenset({"description", "title", "readOnly", "writeOnly", "deprecated",
                          "$comment"})
_ONE = ("items", "additionalProperties", "not", "contains", "propertyNames", "if", "then",
        "else", "unevaluatedItems", "unevaluatedProperties", "additionalItems")
_MANY = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
_LIST = ("allOf", "anyOf", "oneOf", "prefixItems")


def _fits(value: Any, types: Any) -> bool:
    names = [types] if isinstance(types, str) else list(types or [])
    if not names:
        return True
    kind = json_type(value)
    return any(name not in JSON_TYPES or name == kind or (name, kind) == ("number", "integer")
               for name in names)


class SchemaBundler:
    """Converts schemas of one :class:`OpenApiDocument` to bundled JSON Schema 2020-12.

    Each ``components/schemas`` entry is converted once and memoised; :meth:`bundle` copies the
    transitive closure of the entries a schema references into ``$defs``.
    """

    def __init__(self, doc: OpenApiDocument) -> None:
        self.doc = doc
        self._converted: dict[str, dict[str, Any]] = {}
        self._deps: dict[str, set[str]] = {}
        self.notes: list[Note] = []

    # -- public ------------------------------------------------------------------------

    def component(self, name: str) -> dict[str, Any]:
        """A ``components/schemas`` entry as a self-contained 2020-12 schema."""
        if name not in self.doc.schemas:
            raise self.doc._error(
                codes.API_UNKNOWN_NAME, f"unknown schema {name!r} in {self.doc.display}"
                f"{did_you_mean(name, self.doc.schemas)}",
                "use one of the names under components/schemas of the API description")
        root, deps = self._component(name)
        return self._assemble(root, deps)

    def bundle(self, schema: Any, pointer: str) -> dict[str, Any]:
        """An inline schema (e.g. a request body's) as a self-contained 2020-12 schema."""
        if isinstance(schema, dict) and isinstance(schema.get("$ref"), str) \
                and schema["$ref"].startswith(_SCHEMA_PREFIX) \
                and "/" not in schema["$ref"][len(_SCHEMA_PREFIX):]:
            return self.component(unescape_pointer(schema["$ref"][len(_SCHEMA_PREFIX):]))
        deps: set[str] = set()
        root = self._convert(schema, pointer, deps)
        return self._assemble(root if isinstance(root, dict) else {}, deps)

    # -- internals -----------------------------------------------------------------------

    def _component(self, name: str) -> tuple[dict[str, Any], set[str]]:
        if name not in self._converted:
            deps: set[str] = set()
            converted = self._convert(self.doc.schemas[name],
                                      "/components/schemas/" + escape_pointer(name), deps)
            self._converted[name] = converted if isinstance(converted, dict) else {}
            self._deps[name] = deps
        return self._converted[name], self._deps[name]

    def _assemble(self, root: dict[str, Any], deps: set[str]) -> dict[str, Any]:
        defs: dict[str, Any] = {}
        todo = sorted(deps)
        while todo:
            name = todo.pop()
            if name in defs:
                continue
            if name not in self.doc.schemas:
                raise self.doc._error(codes.API_REF, f"$ref to missing schema {name!r}",
                                      "fix the reference in the API description")
            converted, more = self._component(name)
            defs[name] = converted
            todo.extend(sorted(more - defs.keys()))
        out: dict[str, Any] = {"$schema": DIALECT}
        out.update({k: v for k, v in root.items() if k != "$defs"})
        if defs or "$defs" in root:
            out["$defs"] = {**root.get("$defs", {}), **dict(sorted(defs.items()))}
        return out

    def _convert(self, node: Any, pointer: str, deps: set[str]) -> Any:
        if isinstance(node, bool):
            return node
        if not isinstance(node, dict):
            return node
        is_30 = self.doc.is_30
        out: dict[str, Any] = {}
        ref = node.get("$ref")
        if isinstance(ref, str):
            out["$ref"] = self._rewrite_ref(ref, deps)
            keep = node.items() if not is_30 else (
                (k, v) for k, v in node.items() if k in _ANNOTATIONS or k.startswith("x-"))
        else:
            keep = node.items()
        for key, value in keep:
            if key == "$ref" or key in _DROP:
                continue
            child = pointer + "/" + escape_pointer(key)
            if key == "items" and isinstance(value, list):  # pre-2020 tuple form
                out["prefixItems"] = [self._convert(v, f"{child}/{i}", deps)
                                      for i, v in enumerate(value)]
            elif key in _ONE:
                out[key] = self._convert(value, child, deps)
            elif key in _MANY and isinstance(value, dict):
                out[key] = {k: self._convert(v, child + "/" + escape_pointer(k), deps)
                            for k, v in value.items()}
            elif key in _LIST and isinstance(value, list):
                out[key] = [self._convert(v, f"{child}/{i}", deps) for i, v in enumerate(value)]
            else:
                out[key] = value
        for bound, limit in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
            if isinstance(out.get(bound), bool):
                if out[bound] and limit in out:
                    out[bound] = out.pop(limit)
                else:
                    del out[bound]
        if "default" in out and not _fits(out["default"], out.get("type")):
            self.notes.append(Note(pointer + "/default",
                                   f"ignored default {out['default']!r}: it is not of type "
                                   f"{out.get('type')!r}"))
            del out["default"]
        if node.get("nullable") is True or node.get("x-nullable") is True:
            out = self._nullable(out)
        return out

    @staticmethod
    def _nullable(out: dict[str, Any]) -> dict[str, Any]:
        if "type" in out:
            types = out["type"]
            if isinstance(types, str):
                out["type"] = [types, "null"] if types != "null" else types
            elif isinstance(types, list) and "null" not in types:
                out["type"] = [*types, "null"]
            if isinstance(out.get("enum"), list) and None not in out["enum"]:
                out["enum"] = [*out["enum"], None]
            if "const" in out:
                out["enum"] = [out.pop("const"), None]
            return out
        if any(branch == {"type": "null"} for k in ("anyOf", "oneOf")
               for branch in out.get(k, ()) if isinstance(out.get(k), list)):
            return out  # already says null is allowed (3.1 style inside a 3.0 document)
        if "$ref" in out or any(k in out for k in _LIST):
            notes = {k: v for k, v in out.items() if k in _ANNOTATIONS or k.startswith("x-")}
            core = {k: v for k, v in out.items() if k not in notes}
            return {**notes, "anyOf": [core, {"type": "null"}]}
        return out  # no type, no composition: null is already allowed

    def _rewrite_ref(self, ref: str, deps: set[str]) -> str:
        if ref.startswith(_SCHEMA_PREFIX):
            rest = ref[len(_SCHEMA_PREFIX):]
            name = unescape_pointer(rest.split("/", 1)[0])
            deps.add(name)
            return "#/$defs/" + rest
        if ref.startswith("#/components/"):
            raise self.doc._error(codes.API_REF, f"unsupported $ref {ref!r} inside a schema: only "
                                  "'#/components/schemas/...' can be bundled",
                                  "move the schema under components/schemas")
        self.doc.resolve(ref)  # raises with a finding
        raise self.doc._error(codes.API_REF, f"unsupported $ref {ref!r} inside a schema",
                              "reference schemas under components/schemas")
