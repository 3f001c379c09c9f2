"""The operation model of a system's API description: which operations read, list, create
and update each record schema, and where one record sits in their bodies.

Collections are inferred from the paths, never configured. For a record schema ``S``:

- the **item path** is a path ending in one ``{parameter}`` whose GET success response holds
  ``S`` (``/time_entries/{timeEntryId}``, ``/Invoices/{InvoiceID}``); its parent path (the same
  path without that last segment) is the **collection path**;
- ``read`` is GET on the item path; ``list`` is GET on the collection path when its success
  response holds an array of ``S``; ``create`` is POST on the collection path (or PUT, as Xero
  Accounting does; an operationId naming ``create`` wins when both exist); ``update`` is PATCH
  or PUT on the item path, or POST to it (Xero, BambooHR; an operationId naming ``update``
  wins: Xero Projects' PUT ``updateProject`` over its status-only PATCH ``patchProject``);
- a **write shape** is the schema that create and update take when it is not the record
  (Xero Projects' ``ProjectCreateOrUpdate`` for a ``Project``): no GET answers it, so it has no
  item path of its own; it is served by the collection of the record whose create or update
  takes it, for those operations only (:meth:`Collection.kinds_for`);
- the **record pointer** of a body says where one record sits: ``()`` bare, ``("data",)``
  (Apideck), ``("Invoices", 0)`` (Xero), and in a list response the array, with :data:`EACH`
  for its elements (``("time_entries", EACH)``). A body that does not hold ``S`` (Harvest's
  create request, Apideck's ``{data: {id}}`` create response) points at the object that carries
  the record's id, or is ``()``;
- the list's **paging** style comes from its query parameters: ``page``/``per_page`` (or
  ``pageSize``), ``offset``/``limit``, ``cursor``, or none.

References are resolved against the document, 3.0 ``nullable`` and 3.1 type arrays are read
alike (schemas are bundled to JSON Schema 2020-12 by the workspace's
:class:`~accord.workspace.openapi.SchemaBundler`), and Harvest's integer response codes are
strings by the time a description is loaded.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Final

from accord.jsondoc import escape_pointer
from accord.workspace.openapi import OpenApiDocument, SchemaBundler
from accord.workspace.systems import System

__all__ = [
    "EACH",
    "ApiModel",
    "Collection",
    "ErrorResponse",
    "Operation",
    "Paging",
    "Pointer",
    "Since",
    "api_model",
    "document_model",
    "get_at",
    "instant",
    "set_at",
    "updated_field",
]

#: In a pointer, every element of the array (a list response).
EACH: Final = -1

Pointer = tuple[str | int, ...]

_SCHEMAS = "#/components/schemas/"
_PARAM = re.compile(r"\{([^{}/]+)\}")
_JSON = ("application/json",)
_DEPTH = 4


@dataclass(frozen=True)
class Paging:
    """How a list operation pages: ``style`` is ``page``, ``offset``, ``cursor`` or ``none``;
    the query parameters it reads, by role."""

    style: str = "none"
    page: str | None = None
    size: str | None = None
    offset: str | None = None
    cursor: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass(frozen=True)
class Since:
    """A list operation's "changed since" parameter: ``name`` in the ``query`` (Harvest's
    ``updated_since``) or a ``header`` (Xero's ``If-Modified-Since``)."""

    name: str
    location: str

    def to_dict(self) -> dict[str, str]:
        return {"name": self.name, "in": self.location}


@dataclass(frozen=True)
class ErrorResponse:
    """A documented non-success response: its status (``404``, ``4XX``, ``default``) and body
    schema (2020-12, None when it has no JSON body)."""

    status: str
    schema: dict[str, Any] | None
    media_type: str | None


@dataclass(frozen=True)
class Operation:
    """One HTTP operation of a collection."""

    method: str
    path: str
    operation_id: str
    request_schema: dict[str, Any] | None
    request_pointer: Pointer
    request_media_type: str | None
    status: int
    response_schema: dict[str, Any] | None
    response_pointer: Pointer
    response_media_type: str | None
    paging: Paging = field(default_factory=Paging)
    errors: tuple[ErrorResponse, ...] = ()
    path_params: tuple[str, ...] = ()
    #: the request holds the record schema itself (not another shape of the same record)
    request_is_record: bool = False
    #: the response holds the record schema itself
    response_is_record: bool = False
    #: a list's "changed since" parameter, when the description declares one
    since: Since | None = None
    #: the component schema the request body is (``ProjectCreateOrUpdate``), if it is one
    request_schema_name: str | None = None

    @property
    def pattern(self) -> re.Pattern[str]:
        """Matches a concrete path of this operation; groups are the path parameters."""
        parts = _PARAM.split(self.path)
        regex = "".join(re.escape(p) if i % 2 == 0 else f"(?P<p{i // 2}>[^/]+)"
                        for i, p in enumerate(parts))
        return re.compile(f"^{regex}$")

    def error_for(self, wanted: int) -> ErrorResponse | None:
        """The documented response that answers ``wanted`` (exact, then ``4XX``, then
        ``default``), or None when the description documents none."""
        for status in (str(wanted), f"{str(wanted)[0]}XX", f"{str(wanted)[0]}xx", "default"):
            for error in self.errors:
                if error.status == status:
                    return error
        return None

    def to_dict(self) -> dict[str, Any]:
        return {"method": self.method, "path": self.path, "operation_id": self.operation_id,
                "request_pointer": list(self.request_pointer), "status": self.status,
                "response_pointer": list(self.response_pointer),
                "paging": self.paging.to_dict(),
                "errors": [e.status for e in self.errors],
                **({"since": self.since.to_dict()} if self.since else {})}


@dataclass(frozen=True)
class Collection:
    """The operations that serve one record schema."""

    name: str
    schema: str
    record_schema: dict[str, Any]
    id_field: str
    collection_path: str
    item_path: str
    read: Operation | None = None
    list: Operation | None = None
    create: Operation | None = None
    update: Operation | None = None

    @property
    def operations(self) -> tuple[Operation, ...]:
        return tuple(op for op in (self.read, self.list, self.create, self.update)
                     if op is not None)

    @property
    def write_shapes(self) -> tuple[str, ...]:
        """The schemas create and update take that are not the record (write shapes)."""
        names = [op.request_schema_name for op in (self.create, self.update)
                 if op is not None and not op.request_is_record]
        return tuple(sorted({n for n in names if n is not None and n != self.schema}))

    def kinds_for(self, schema: str) -> tuple[str, ...]:
        """What the collection does with records of ``schema``: every operation it has for
        its record schema; for a write shape, the create and update that take it."""
        kinds = (("read", self.read), ("list", self.list), ("create", self.create),
                 ("update", self.update))
        if schema == self.schema:
            return tuple(kind for kind, op in kinds if op is not None)
        return tuple(kind for kind, op in kinds
                     if op is not None and kind in ("create", "update")
                     and not op.request_is_record and op.request_schema_name == schema)

    def item_url(self, record_id: str, params: dict[str, str] | None = None) -> str:
        """The concrete item path of a record: the id fills the last parameter; others come
        from ``params`` (or the record's field of the same name)."""
        names = _PARAM.findall(self.item_path)
        values = dict(params or {})
        values[names[-1]] = record_id
        out = self.item_path
        for name in names:
            out = out.replace("{" + name + "}", str(values.get(name, name)), 1)
        return out

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "schema": self.schema, "id_field": self.id_field,
                "collection_path": self.collection_path, "item_path": self.item_path,
                **{kind: op.to_dict() for kind, op in (
                    ("read", self.read), ("list", self.list), ("create", self.create),
                    ("update", self.update)) if op is not None}}


@dataclass(frozen=True)
class ApiModel:
    """The collections of one API description, by record schema name."""

    title: str
    collections: tuple[Collection, ...]

    def collection_for(self, schema_name: str) -> Collection | None:
        """The collection of a record schema, else the one whose create or update takes
        ``schema_name`` as its write shape."""
        return next((c for c in self.collections if c.schema == schema_name), None) \
            or next((c for c in self.collections if schema_name in c.write_shapes), None)

    def collection_named(self, name: str) -> Collection | None:
        """By collection name (the last literal path segment) or record schema name."""
        return next((c for c in self.collections if c.name == name), None) \
            or self.collection_for(name)

    @property
    def operation_ids(self) -> list[str]:
        return sorted({op.operation_id for c in self.collections for op in c.operations})

    def to_dict(self) -> dict[str, Any]:
        return {"title": self.title, "collections": [c.to_dict() for c in self.collections]}


def get_at(body: Any, pointer: Pointer) -> Any:
    """The value at ``pointer`` (None when the body does not reach it)."""
    node = body
    for part in pointer:
        if isinstance(part, int):
            if not isinstance(node, list) or not node:
                return None
            node = node[0 if part == EACH else part] if part < len(node) else None
        elif isinstance(node, dict):
            node = node.get(part)
        else:
            return None
    return node


def set_at(body: Any, pointer: Pointer, value: Any) -> Any:
    """``body`` with ``value`` placed at ``pointer`` (containers made as needed); a pointer
    ending in :data:`EACH` takes a list of values."""
    if not pointer:
        return value
    head, rest = pointer[0], pointer[1:]
    if isinstance(head, int):
        if head == EACH:
            return list(value) if not rest else [set_at(None, rest, v) for v in value]
        items = list(body) if isinstance(body, list) else []
        while len(items) <= head:
            items.append(None)
        items[head] = set_at(items[head], rest, value)
        return items
    out = dict(body) if isinstance(body, dict) else {}
    out[head] = set_at(out.get(head), rest, value)
    return out


# --------------------------------------------------------------------------- inference


def api_model(system: System, schemas: Iterable[str] | None = None) -> ApiModel:
    """The model of a loaded system's description, for ``schemas`` (default: the record
    schemas its item paths serve, see :func:`document_model`)."""
    return document_model(system.api, schemas)


def document_model(doc: OpenApiDocument, schemas: Iterable[str] | None = None) -> ApiModel:
    """The model of one parsed description (also the vendor's full one, when importing).

    With ``schemas`` None, every item path gets the one record schema it serves: a schema
    with the id field, listed element by element by the list operation (when there is one),
    nearest to the top of the read response (``Opportunity`` in Apideck's ``{data: ...}``,
    not its ``custom_fields``)."""
    inferrer = _Inferrer(doc)
    names = sorted(set(schemas)) if schemas is not None else sorted(doc.schemas)
    found: list[Collection] = []
    for name in names:
        c = inferrer.collection(name) if name in doc.schemas else None
        if c is not None and all((c.schema, c.item_path) != (f.schema, f.item_path)
                                 for f in found):
            found.append(c)
    if schemas is None:
        best: dict[str, Collection] = {}
        for c in found:
            if not _is_record(c):
                continue
            held = best.get(c.item_path)
            if held is None or len(_read_pointer(c)) < len(_read_pointer(held)):
                best[c.item_path] = c
        found = sorted(best.values(), key=lambda c: c.schema)
    info = doc.data.get("info")
    title = str(info.get("title", "")) if isinstance(info, dict) else ""
    return ApiModel(title, tuple(found))


def _read_pointer(c: Collection) -> Pointer:
    return c.read.response_pointer if c.read is not None else ()


def _is_record(c: Collection) -> bool:
    props = c.record_schema.get("properties")
    if not isinstance(props, dict) or c.id_field not in props:
        return False
    return c.list is None or (bool(c.list.response_pointer)
                              and c.list.response_pointer[-1] == EACH)


class _Inferrer:
    def __init__(self, doc: OpenApiDocument) -> None:
        self.doc = doc
        self.bundler = SchemaBundler(doc)
        raw = doc.data.get("paths")
        self.paths: dict[str, dict[str, Any]] = {
            route: item for route, item in (raw if isinstance(raw, dict) else {}).items()
            if isinstance(item, dict)}

    # -- collections ----------------------------------------------------------------------

    def collection(self, schema: str) -> Collection | None:
        for route in sorted(self.paths, key=lambda r: (r.count("/"), r)):
            if not route.endswith("}") or not _PARAM.search(route.rsplit("/", 1)[-1]):
                continue
            op = self._op(route, "get")
            if op is None:
                continue
            if self._response_pointer(op, schema) is None:
                continue
            return self._build(schema, route)
        return self._written(schema)

    def _written(self, schema: str) -> Collection | None:
        """The record collection whose create or update takes the write shape ``schema``:
        of the records an item path's GET answers, the one with the id field nearest the top
        of the response (as :func:`document_model` picks)."""
        for route in sorted(self.paths, key=lambda r: (r.count("/"), r)):
            if not route.endswith("}") or not _PARAM.search(route.rsplit("/", 1)[-1]):
                continue
            op = self._op(route, "get")
            if op is None:
                continue
            writes = [self._op(route.rsplit("/", 1)[0], m) for m in ("post", "put")] + \
                [self._op(route, m) for m in ("patch", "put", "post")]
            if all(self._request_name(w) != schema for w in writes if w is not None):
                continue
            _status, response = _success(op)
            candidates: list[Collection] = []
            for name in sorted(self._names(self.doc.deref(response), 0, set())):
                if name == schema or self._response_pointer(op, name) is None:
                    continue
                c = self._build(name, route)
                if _is_record(c) and schema in c.write_shapes:
                    candidates.append(c)
            if candidates:
                return min(candidates, key=lambda c: len(_read_pointer(c)))
        return None

    def _names(self, node: Any, depth: int, seen: set[str]) -> set[str]:
        """The component schemas a raw schema (or response) refers to, as deep as
        :meth:`_find` looks."""
        if isinstance(node, list):
            return set().union(*(self._names(n, depth, seen) for n in node)) if node else set()
        if not isinstance(node, dict) or depth > _DEPTH:
            return set()
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(_SCHEMAS):
            name = ref[len(_SCHEMAS):]
            if name in seen or name not in self.doc.schemas:
                return set()
            return {name} | self._names(self.doc.schemas[name], depth, seen | {name})
        out: set[str] = set()
        for key, value in node.items():
            if key in ("properties", "content"):
                for sub in (value.values() if isinstance(value, dict) else ()):
                    out |= self._names(sub, depth + 1, seen)
            elif key in ("items", "schema"):
                out |= self._names(value, depth + (key == "items"), seen)
            elif key in ("allOf", "anyOf", "oneOf"):
                out |= self._names(value, depth, seen)
        return out

    def _request_name(self, op: dict[str, Any]) -> str | None:
        """The component schema an operation's JSON request body is, if it is one."""
        body = self.doc.deref(op.get("requestBody"))
        if not isinstance(body, dict):
            return None
        media, raw = _json_media(body)
        node = raw if media is not None else None
        for _ in range(10):
            ref = node.get("$ref") if isinstance(node, dict) else None
            if not isinstance(ref, str) or not ref.startswith(_SCHEMAS):
                break
            name = ref[len(_SCHEMAS):]
            target = self.doc.schemas.get(name)
            if isinstance(target, dict) and set(target) == {"$ref"}:
                node = target  # an alias of another schema: name the one it stands for
                continue
            return name
        return None

    def _build(self, schema: str, item_path: str) -> Collection:
        parent = item_path.rsplit("/", 1)[0]
        record = self.bundler.component(schema)
        id_param = _PARAM.findall(item_path)[-1]
        id_field = _id_field(record, id_param)
        read = self._operation(item_path, "get", schema, id_field)
        listing = None
        if self._op(parent, "get") is not None:
            pointer = self._response_pointer(self._op(parent, "get") or {}, schema)
            if pointer is not None and EACH in pointer:
                listing = self._operation(parent, "get", schema, id_field, many=True)
        create = self._pick(parent, ("post", "put"), schema, id_field, "create")
        update = self._pick(item_path, ("patch", "put", "post"), schema, id_field, "update")
        name = next((seg for seg in reversed(parent.split("/")) if seg and "{" not in seg),
                    schema)
        return Collection(name, schema, record, id_field, parent, item_path, read, listing,
                          create, update)

    def _pick(self, route: str, methods: tuple[str, ...], schema: str, id_field: str,
              verb: str) -> Operation | None:
        """The first of ``methods`` on ``route``, unless an operationId names ``verb``
        (and not the other one: Xero's ``updateOrCreateInvoices`` is neither's first pick)."""
        present = [m for m in methods if self._op(route, m) is not None]
        if not present:
            return None
        other = "update" if verb == "create" else "create"

        def names(method: str, word: str) -> bool:
            return word in str((self._op(route, method) or {}).get("operationId", "")).lower()

        named = [m for m in present if names(m, verb) and not names(m, other)]
        return self._operation(route, (named or present)[0], schema, id_field)

    def _op(self, route: str, method: str) -> dict[str, Any] | None:
        item = self.paths.get(route)
        op = item.get(method) if item else None
        return op if isinstance(op, dict) else None

    # -- operations -----------------------------------------------------------------------

    def _operation(self, route: str, method: str, schema: str, id_field: str, *,
                   many: bool = False) -> Operation:
        op = self._op(route, method) or {}
        where = "/paths/" + escape_pointer(route) + "/" + method
        request_schema = request_media = None
        request_pointer: Pointer = ()
        request_is_record = False
        request_name = self._request_name(op)
        body = self.doc.deref(op.get("requestBody"))
        if isinstance(body, dict):
            media, raw = _json_media(body)
            if media is not None:
                request_media = media
                request_schema = self.bundler.bundle(raw, where + "/requestBody")
                found = self._find(raw, schema, 0, set())
                request_is_record = found is not None
                request_pointer = _single(found or ())
        status, response = _success(op)
        response_schema = response_media = None
        response_pointer: Pointer = ()
        response_is_record = False
        resolved = self.doc.deref(response)
        if isinstance(resolved, dict):
            media, raw = _json_media(resolved)
            if media is not None:
                response_media = media
                response_schema = self.bundler.bundle(raw, f"{where}/responses/{status}")
                found = self._find(raw, schema, 0, set())
                response_is_record = found is not None
                response_pointer = found if found is not None else \
                    self._id_holder(raw, id_field) or ()
                if not many:
                    response_pointer = _single(response_pointer)
        params = [self.doc.deref(p) for p in [*(self.paths[route].get("parameters") or []),
                                              *(op.get("parameters") or [])]]
        query = [str(p["name"]) for p in params
                 if isinstance(p, dict) and p.get("in") == "query" and "name" in p]
        headers = [str(p["name"]) for p in params
                   if isinstance(p, dict) and p.get("in") == "header" and "name" in p]
        paging = _paging(query) if many else Paging()
        since = _since(query, headers) if many else None
        return Operation(method.upper(), route, str(op.get("operationId") or
                                                     f"{method} {route}"),
                         request_schema, request_pointer, request_media, status,
                         response_schema, response_pointer, response_media, paging,
                         self._errors(op, where), tuple(_PARAM.findall(route)),
                         request_is_record, response_is_record, since, request_name)

    def _errors(self, op: dict[str, Any], where: str) -> tuple[ErrorResponse, ...]:
        out = []
        for status, response in sorted((op.get("responses") or {}).items()):
            if str(status).startswith("2"):
                continue
            resolved = self.doc.deref(response)
            media, raw = _json_media(resolved) if isinstance(resolved, dict) else (None, None)
            schema = self.bundler.bundle(raw, f"{where}/responses/{status}") \
                if media is not None else None
            out.append(ErrorResponse(str(status), schema, media))
        return tuple(out)

    def _response_pointer(self, op: dict[str, Any], schema: str) -> Pointer | None:
        _status, response = _success(op)
        resolved = self.doc.deref(response)
        if not isinstance(resolved, dict):
            return None
        media, raw = _json_media(resolved)
        return self._find(raw, schema, 0, set()) if media is not None else None

    # -- where a schema sits --------------------------------------------------------------

    def _find(self, node: Any, target: str, depth: int, seen: set[str]) -> Pointer | None:
        """The shortest pointer to ``target`` inside a raw schema (None: not there)."""
        if not isinstance(node, dict) or depth > _DEPTH:
            return None
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(_SCHEMAS):
            name = ref[len(_SCHEMAS):]
            if name == target:
                return ()
            if name in seen or name not in self.doc.schemas:
                return None
            return self._find(self.doc.schemas[name], target, depth, seen | {name})
        best: Pointer | None = None
        for key in ("allOf", "anyOf", "oneOf"):
            for branch in node.get(key) or []:
                best = _shorter(best, self._find(branch, target, depth, seen))
        items = node.get("items")
        if isinstance(items, dict):
            inner = self._find(items, target, depth + 1, seen)
            if inner is not None:
                best = _shorter(best, (EACH, *inner))
        props = node.get("properties")
        if isinstance(props, dict):
            for prop, sub in props.items():
                inner = self._find(sub, target, depth + 1, seen)
                if inner is not None:
                    best = _shorter(best, (prop, *inner))
        return best

    def _id_holder(self, node: Any, id_field: str, depth: int = 0) -> Pointer | None:
        """The pointer to the first object (breadth first, two levels) with ``id_field``."""
        node = self._schema_node(node)
        if not isinstance(node, dict) or depth > 2:
            return None
        props = node.get("properties")
        if not isinstance(props, dict):
            return None
        if id_field in props:
            return ()
        for prop, sub in props.items():
            inner = self._id_holder(sub, id_field, depth + 1)
            if inner is not None:
                return (prop, *inner)
        return None

    def _schema_node(self, node: Any) -> Any:
        for _ in range(10):
            if isinstance(node, dict) and isinstance(node.get("$ref"), str) \
                    and node["$ref"].startswith(_SCHEMAS):
                node = self.doc.schemas.get(node["$ref"][len(_SCHEMAS):])
            else:
                break
        return node


def _single(pointer: Pointer) -> Pointer:
    """An operation on one record: its record is the first element of an array."""
    return tuple(0 if part == EACH else part for part in pointer)


def _shorter(a: Pointer | None, b: Pointer | None) -> Pointer | None:
    if a is None:
        return b
    if b is None:
        return a
    return b if len(b) < len(a) else a


def _success(op: dict[str, Any]) -> tuple[int, Any]:
    responses = op.get("responses") or {}
    codes = sorted(c for c in responses if str(c).isdigit() and str(c).startswith("2"))
    if codes:
        return int(codes[0]), responses[codes[0]]
    if "2XX" in responses or "default" in responses:
        return 200, responses.get("2XX", responses.get("default"))
    return 200, None


def _json_media(node: dict[str, Any]) -> tuple[str | None, Any]:
    content = node.get("content")
    if not isinstance(content, dict):
        return None, None
    for media, value in content.items():
        base = str(media).split(";")[0].strip()
        if (base in _JSON or base.endswith("+json")) and isinstance(value, dict) \
                and "schema" in value:
            return str(media), value["schema"]
    return None, None


def _id_field(record: dict[str, Any], param: str) -> str:
    """The record field the item path's last parameter names: the parameter itself, the
    same name in another case, or the schema's ``id``."""
    props = record.get("properties")
    names = list(props) if isinstance(props, dict) else []
    if param in names:
        return param
    lowered = {n.lower(): n for n in names}
    for candidate in (param.lower(), "id"):
        if candidate in lowered:
            return str(lowered[candidate])
    return param


def _paging(query: list[str]) -> Paging:
    names = set(query)
    size = next((n for n in ("per_page", "pageSize", "page_size", "limit", "size")
                 if n in names), None)
    if "cursor" in names:
        return Paging("cursor", size=size, cursor="cursor")
    if "page" in names:
        return Paging("page", page="page", size=size)
    if "offset" in names:
        return Paging("offset", size=size, offset="offset")
    return Paging()


#: query parameters that ask a list for the records changed since a time
_SINCE_QUERY = ("updated_since", "updatedSince", "modified_since", "modifiedSince",
                "updated_after", "updatedAfter", "modified_after", "changed_since", "since")
#: record fields that say when a record last changed, most specific first
_UPDATED_FIELDS = ("updated_at", "UpdatedDateUTC", "updatedDateUtc", "LastModifiedDate",
                   "modified_at", "updatedAt", "modifiedAt", "last_modified", "lastModified",
                   "date_modified", "UpdatedAt")
_UPDATED = re.compile(r"(?i)(updated|modified)")
_XERO_DATE = re.compile(r"^/Date\((-?\d+)([+-]\d{4})?\)/$")


def _since(query: list[str], headers: list[str]) -> Since | None:
    for name in _SINCE_QUERY:
        if name in query:
            return Since(name, "query")
    header = next((h for h in headers if h.lower() == "if-modified-since"), None)
    return Since(header, "header") if header else None


def updated_field(c: Collection) -> str | None:
    """The field of ``c``'s records that says when one last changed (None: none does)."""
    props = c.record_schema.get("properties")
    names = [n for n in props if isinstance(n, str)] if isinstance(props, dict) else []
    for name in _UPDATED_FIELDS:
        if name in names:
            return name
    return next((n for n in names if _UPDATED.search(n)), None)


def instant(value: Any) -> datetime | None:
    """A point in time from an API value: ISO 8601 (``Z``, ``+00:00`` or ``+0000``; a date
    alone is its midnight), Xero's ``/Date(ms+zone)/``, or an HTTP-date; naive values are UTC;
    None when the value is none of those."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    xero = _XERO_DATE.match(text)
    if xero:
        return datetime.fromtimestamp(int(xero.group(1)) / 1000, tz=UTC)
    iso = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", text.replace("Z", "+00:00"))
    try:
        when = datetime.fromisoformat(iso)
    except ValueError:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)
