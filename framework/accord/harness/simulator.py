"""A stateful mock of one system, built from its API description: the embedded default
provider of contract tests (``accord simulate``, ``accord verify --env local``, ``accord fuzz``).

- **Collections** come from :mod:`accord.workspace.apimodel`: read, list (with the vendor's
  paging: page/per_page, offset/limit or cursor), create and update, each on the paths and in
  the envelope the description gives.
- **Requests** are validated against the operation's request schema: a body that does not fit
  is refused with the violations listed (422 or 400, whichever the description documents), in
  the vendor's error shape when the description gives one. An unknown id answers 404, or the
  error status the operation documents instead (Xero documents only 400).
- **Responses** conform to the response schemas: records written through the API are repaired
  to fit the record schema, envelopes are built from the response schema and checked
  (:mod:`accord.harness.envelope`). Records from golden examples and provider states are served
  as they were given.
- **State** is SQLite (:mod:`accord.harness.simstate`): a file, or memory. It is seeded from the
  golden examples: the inputs of the mappings that read the system are its records.
- **Writes are idempotent** by the ``Idempotency-Key`` header (Xero's and Stripe's semantics):
  the first successful answer to a key is kept in the state and replayed for the same key and
  request, without writing again (also after a restart on the same state file); the same key
  with another request is refused (400/422, as the operation documents).
- **Lists filter by "changed since"** when the description declares it (Harvest's
  ``updated_since`` query parameter, Xero's ``If-Modified-Since`` header): records whose
  change stamp (:func:`~accord.workspace.apimodel.updated_field`) is at or after it.
- **Admin API** under ``/_accord/``: ``POST provider-states`` (the Pact state-change body
  ``{"state", "params": {"path", "record"}, "action": "setup"|"teardown"}``), ``GET
  records/<collection>`` (``?origin=api`` for what accord wrote), ``POST reset``, ``GET model``;
  ``POST faults`` (``{"method", "path", "status", "retry_after", "times", "delay"}``: the next
  ``times`` matching requests wait ``delay`` seconds and/or answer ``status``), ``GET faults``,
  ``DELETE faults``; ``GET requests`` (the log: method, path, status, idempotency key, whether
  it was a replay), ``DELETE requests``.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import threading
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path
from typing import TYPE_CHECKING, Any

from accord import codes
from accord.diagnostics import Diagnostic, Severity
from accord.errors import AccordError, LoadError
from accord.harness.envelope import error_body, record_body
from accord.harness.golden import broken_mappings, golden_records, mapped_schemas
from accord.harness.instances import Violation, conform, minimal, resolve, violations
from accord.harness.simstate import SimState, dumps
from accord.jsondoc import loads_bounded
from accord.workspace.apimodel import (
    EACH,
    ApiModel,
    Collection,
    Operation,
    api_model,
    get_at,
    instant,
    updated_field,
)

if TYPE_CHECKING:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response

    from accord.project import Workspace

__all__ = ["Fault", "Simulator", "SimulatorHandle", "build_app", "running", "simulator_for"]

ADMIN = "/_accord"
_MAX_BODY = 8 * 1024 * 1024
_DEFAULT_SIZE = 100
_ID_NAMESPACE = uuid.UUID("5f1c9d1e-0a8f-4c53-9a4c-6b3ad0c1e7a2")


_MAX_FAULT_DELAY = 600.0


@dataclass
class Fault:
    """An injected failure: the next ``times`` requests matching ``method`` and ``path``
    (None: any) wait ``delay`` seconds, then answer ``status`` (with ``Retry-After`` when
    given), or are served normally when there is no status (a slow answer: a timeout)."""

    method: str | None = None
    path: str | None = None
    status: int | None = None
    retry_after: str | None = None
    times: int = 1
    delay: float = 0.0

    def matches(self, method: str, path: str) -> bool:
        return (self.method is None or self.method == method) and \
            (self.path is None or self.path == path)

    def to_dict(self) -> dict[str, Any]:
        return {"method": self.method, "path": self.path, "status": self.status,
                "retry_after": self.retry_after, "times": self.times, "delay": self.delay}

    @classmethod
    def parse(cls, body: Any) -> Fault | str:
        """A fault from the admin request's JSON, or what is wrong with it."""
        if not isinstance(body, dict):
            return "expected an object {method, path, status, retry_after, times, delay}"
        unknown = sorted(set(body) - {"method", "path", "status", "retry_after", "times",
                                      "delay"})
        if unknown:
            return f"unknown key(s): {', '.join(unknown)}"
        method, path, status = body.get("method"), body.get("path"), body.get("status")
        times, delay, after = body.get("times", 1), body.get("delay", 0), body.get("retry_after")
        if method is not None and not isinstance(method, str):
            return "method must be a string"
        if path is not None and (not isinstance(path, str) or not path.startswith("/")):
            return "path must be a string starting with /"
        if status is not None and (type(status) is not int or not 100 <= status <= 599):
            return "status must be an HTTP status (100-599)"
        if type(times) is not int or times < 1:
            return "times must be a whole number >= 1"
        if type(delay) not in (int, float) or not 0 <= delay <= _MAX_FAULT_DELAY:
            return f"delay must be seconds between 0 and {_MAX_FAULT_DELAY:g}"
        if after is not None and (type(after) not in (int, float, str) or
                                  isinstance(after, bool)):
            return "retry_after must be seconds or an HTTP-date"
        if status is None and not delay:
            return "give a status, a delay, or both"
        return cls(method.upper() if method else None, path, status,
                   None if after is None else str(after), times, float(delay))


@dataclass
class Simulator:
    """One system's simulator: its model, its state, and the notes of seeding."""

    system: str
    model: ApiModel
    state: SimState
    seeds: dict[str, list[tuple[str, Any]]] = field(default_factory=dict)
    notes: list[Diagnostic] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)
    _faults_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    # -- faults ---------------------------------------------------------------------------

    def add_fault(self, fault: Fault) -> None:
        with self._faults_lock:
            self.faults.append(fault)

    def clear_faults(self) -> None:
        with self._faults_lock:
            self.faults.clear()

    def take_fault(self, method: str, path: str) -> Fault | None:
        """The first fault matching the request, counted down (gone after its last time)."""
        with self._faults_lock:
            for fault in self.faults:
                if fault.matches(method, path):
                    fault.times -= 1
                    if fault.times <= 0:
                        self.faults.remove(fault)
                    return fault
        return None

    # -- state ----------------------------------------------------------------------------

    def reset(self) -> None:
        """Forget every record and load the golden examples again."""
        self.state.clear()
        self.seed()

    def seed(self) -> None:
        """Store the golden records (an existing record of the same id is kept)."""
        for name, records in self.seeds.items():
            for record_id, record in records:
                self.state.put(name, record_id, record, "seed", keep=True)

    def collection(self, name: str) -> Collection | None:
        return self.model.collection_named(name)

    def new_id(self, c: Collection) -> str | int:
        """A fresh id of the kind the record schema's id field has (deterministic)."""
        n = self.state.counter(c.name)
        node = resolve((c.record_schema.get("properties") or {}).get(c.id_field, {}),
                       c.record_schema)
        node = node if isinstance(node, dict) else {}
        types = node.get("type")
        types = types if isinstance(types, list) else [types]
        if "integer" in types or "number" in types:
            return 1_000_000 + n
        if node.get("format") == "uuid":
            return str(uuid.uuid5(_ID_NAMESPACE, f"{self.system}/{c.name}/{n}"))
        low = node.get("minLength", 0) if isinstance(node.get("minLength"), int) else 0
        high = node.get("maxLength") if isinstance(node.get("maxLength"), int) else None
        text = "sim" + str(n).zfill(max(low - 3, 6))
        return text[:high] if high else text

    # -- requests -------------------------------------------------------------------------

    def route(self, method: str, path: str) -> tuple[Collection, str, Operation,
                                                     dict[str, str]] | None:
        """The collection operation a request is for, and its path parameters."""
        for c in self.model.collections:
            for kind, op in (("read", c.read), ("list", c.list), ("create", c.create),
                             ("update", c.update)):
                if op is None or op.method != method:
                    continue
                match = op.pattern.match(path)
                if match:
                    values = [match.group(f"p{i}") for i in range(len(op.path_params))]
                    return c, kind, op, dict(zip(op.path_params, values, strict=True))
        return None

    def answer(self, method: str, path: str, query: dict[str, str], body: bytes,
               base_url: str = "", headers: Mapping[str, str] | None = None) -> \
            tuple[int, Any, str | None]:
        """:meth:`handle` with idempotency keys and the request log: a write sent with an
        ``Idempotency-Key`` already answered gets the kept answer back (nothing written);
        with another request under the same key, a refusal."""
        lowered = {k.lower(): v for k, v in (headers or {}).items()}
        key = lowered.get("idempotency-key") or None
        replayed = False
        if key is None or method in ("GET", "HEAD", "OPTIONS"):
            status, answer, media = self.handle(method, path, query, body, base_url, lowered)
        else:
            fingerprint = hashlib.sha256(b"\0".join(
                (method.encode(), path.encode(), body))).hexdigest()
            kept = self.state.replay(key)
            if kept is not None and kept.fingerprint == fingerprint:
                status, answer, media, replayed = kept.status, kept.body, kept.media, True
            elif kept is not None:
                status, answer, media = self._reused_key(method, path, key)
            else:
                # the write and its kept answer commit together: a crash leaves both or
                # neither, so a retry with the key never writes twice
                with self.state.transaction():
                    status, answer, media = self.handle(method, path, query, body, base_url,
                                                        lowered)
                    if 200 <= status < 300:
                        self.state.keep_answer(key, fingerprint, status, media, answer)
                    self.state.log_request(method, path, status, key, replayed)
                return status, answer, media
        self.state.log_request(method, path, status, key, replayed)
        return status, answer, media

    def _reused_key(self, method: str, path: str, key: str) -> tuple[int, Any, str | None]:
        message = "the Idempotency-Key was used before for another request"
        found = self.route(method, path)
        problem = Violation("", f"Idempotency-Key {key[:80]!r} answered another request; "
                                "use a new key for a new request")
        if found is None:
            return 422, {"message": message}, "application/json"
        return self._error(found[2], _invalid_status(found[2]), message, [problem])

    def handle(self, method: str, path: str, query: dict[str, str],
               body: bytes, base_url: str = "",
               headers: Mapping[str, str] | None = None) -> tuple[int, Any, str | None]:
        """Answer one request: (status, JSON body or None, media type). ``headers`` (lower-case
        names) carry a list's ``If-Modified-Since``."""
        found = self.route(method, path)
        if found is None:
            return 404, {"message": f"no operation {method} {path} in the simulator of "
                                    f"{self.system}"}, "application/json"
        c, kind, op, params = found
        if kind == "read":
            return self._read(c, op, params)
        if kind == "list":
            return self._list(c, op, params, query, base_url + path, headers or {})
        payload, problems = self._payload(op, body)
        if problems:
            return self._error(op, _invalid_status(op), "the request body does not fit the "
                               "API description", problems)
        if kind == "create":
            return self._create(c, op, params, payload)
        return self._update(c, op, params, payload)

    def _payload(self, op: Operation, body: bytes) -> tuple[Any, list[Violation]]:
        if op.request_schema is None:
            return None, []
        if not body:
            return None, [Violation("", "a request body is required")]
        try:
            payload = loads_bounded(body.decode("utf-8"), 256)
        except (UnicodeDecodeError, ValueError) as exc:
            return None, [Violation("", f"the body is not JSON: {exc}")]
        return payload, violations(op.request_schema, payload)

    def _error(self, op: Operation, status: int, message: str,
               problems: list[Violation]) -> tuple[int, Any, str | None]:
        error = op.error_for(status)
        if error is None:
            return status, {"message": message,
                            "violations": [p.to_dict() for p in problems]}, "application/json"
        answered = int(error.status) if error.status.isdigit() else status
        body = error_body(error.schema, answered, message, problems)
        return answered, body, error.media_type if body is not None else None

    def _find(self, c: Collection, params: dict[str, str]) -> Any:
        record_id = params[c.read.path_params[-1]] if c.read else ""
        stored = self.state.get(c.name, record_id)
        if stored is None or not _in_scope(stored.record, params, c):
            return None
        return stored.record

    def _read(self, c: Collection, op: Operation,
              params: dict[str, str]) -> tuple[int, Any, str | None]:
        record = self._find(c, params)
        if record is None and op.error_for(_missing_status(op)) is None \
                and 0 in op.response_pointer:
            # nothing documented for a miss (Xero's getInvoice documents only 200), and the
            # record sits in an array: the envelope with an empty array says "none"
            pointer = op.response_pointer[:op.response_pointer.index(0) + 1]
            return op.status, record_body(op, [], pointer=(*pointer[:-1], EACH),
                                          fills=_fills(op, c, "one")), op.response_media_type
        if record is None:
            return self._error(op, _missing_status(op), f"no {c.schema} with this id",
                               [Violation("", f"{c.schema} {params.get(op.path_params[-1])!r} "
                                              "does not exist")])
        return op.status, record_body(op, [record], fills=_fills(op, c, "one")), \
            op.response_media_type

    def _list(self, c: Collection, op: Operation, params: dict[str, str],
              query: dict[str, str], url: str,
              headers: Mapping[str, str]) -> tuple[int, Any, str | None]:
        records = [s.record for s in self.state.all(c.name) if _in_scope(s.record, params, c)]
        records = _changed_since(records, op, c, query, headers)
        paging = op.paging
        size = _int(query.get(paging.size or ""), _DEFAULT_SIZE, 1, 2000)
        fills = _fills(op, c, "all")
        if paging.style == "page":
            page = _int(query.get(paging.page or ""), 1, 1, 1_000_000)
            start = (page - 1) * size
            pages = max(1, -(-len(records) // size))

            def at(n: int) -> str:
                return _with_query(url, query, {paging.page or "page": str(n)})

            fills.update({"page": page, "per_page": size, "pageSize": size,
                          "total_pages": pages, "pageCount": pages,
                          "total_entries": len(records), "itemCount": len(records),
                          "next_page": page + 1 if page < pages else None,
                          "previous_page": page - 1 if page > 1 else None,
                          "links.first": at(1), "links.last": at(pages),
                          "links.next": at(page + 1) if page < pages else None,
                          "links.previous": at(page - 1) if page > 1 else None})
        elif paging.style in ("offset", "cursor"):
            start = _int(query.get(paging.offset or ""), 0, 0, 1_000_000_000) \
                if paging.style == "offset" else _cursor_offset(query.get(paging.cursor or ""))
            more = start + size < len(records)
            marks = {"next": _cursor(start + size) if more else None,
                     "current": _cursor(start),
                     "previous": _cursor(max(0, start - size)) if start else None}
            name = paging.cursor or paging.offset or "cursor"
            fills.update({"offset": start, "limit": size, "total": len(records),
                          "items_on_page": len(records[start:start + size])})
            for mark, value in marks.items():
                fills[f"cursors.{mark}"] = value
                fills[f"links.{mark}"] = None if value is None else _with_query(
                    url, query, {name: value if paging.style == "cursor" else
                                 str(_cursor_offset(value))})
        else:
            start, size = 0, max(len(records), 1)
        page_records = records[start:start + size]
        return op.status, record_body(op, page_records, fills=fills), op.response_media_type

    def _records_in(self, op: Operation, payload: Any) -> list[Any]:
        pointer = op.request_pointer
        if pointer and pointer[-1] == 0 and isinstance(get_at(payload, pointer[:-1]), list):
            return [r for r in get_at(payload, pointer[:-1]) if isinstance(r, dict)]
        record = get_at(payload, pointer)
        return [record] if isinstance(record, dict) else []

    def _create(self, c: Collection, op: Operation, params: dict[str, str],
                payload: Any) -> tuple[int, Any, str | None]:
        made = []
        for given in self._records_in(op, payload) or [{}]:
            record_id = self.new_id(c)
            record = {k: v for k, v in given.items() if k != c.id_field}
            for name, value in params.items():
                if name in (c.record_schema.get("properties") or {}):
                    record[name] = value
            record[c.id_field] = record_id
            record = conform(c.record_schema, record)
            record[c.id_field] = record_id
            if violations(c.record_schema, record, 1):
                record = conform(c.record_schema, {c.id_field: record_id})
            self.state.put(c.name, str(record_id), record, "api")
            made.append(record)
        return op.status, self._written(op, c, made, "add"), op.response_media_type

    def _update(self, c: Collection, op: Operation, params: dict[str, str],
                payload: Any) -> tuple[int, Any, str | None]:
        current = self._find(c, params)
        if current is None:
            return self._error(op, _missing_status(op), f"no {c.schema} with this id",
                               [Violation("", f"{c.schema} {params.get(op.path_params[-1])!r} "
                                              "does not exist")])
        given = (self._records_in(op, payload) or [{}])[0]
        record_id = current.get(c.id_field) if isinstance(current, dict) else None
        merged = {**current, **{k: v for k, v in given.items() if k != c.id_field}}
        record = conform(c.record_schema, merged)
        if record_id is not None:
            record[c.id_field] = record_id
        self.state.put(c.name, params[op.path_params[-1]], record, "api")
        return op.status, self._written(op, c, [record], "update"), op.response_media_type

    def _written(self, op: Operation, c: Collection, records: list[Any], verb: str) -> Any:
        if op.response_schema is None:
            return None
        fills = _fills(op, c, verb)
        if op.response_is_record:
            return record_body(op, records, fills=fills)
        # the response is not the record: it carries the new id (Apideck {data: {id}},
        # Salesforce's SaveResult {id, success, errors})
        holder = resolve(get_schema_at(op.response_schema, op.response_pointer),
                         op.response_schema)
        props = holder.get("properties") if isinstance(holder, dict) else None
        names = list(props) if isinstance(props, dict) else []
        key = c.id_field if c.id_field in names else next(
            (n for n in names if n.lower() == "id"), c.id_field)
        summary = minimal(holder, op.response_schema)
        summary = {**(summary if isinstance(summary, dict) else {}),
                   key: records[0].get(c.id_field) if records else None}
        return record_body(op, [summary], fills={**_fills(op, c, verb, envelope=True),
                                                 "success": True, "errors": []})

    # -- provider states (the Pact state-change body) -------------------------------------

    def provider_state(self, body: Any) -> tuple[int, Any]:
        if not isinstance(body, dict):
            return 400, {"error": "expected {\"state\", \"params\", \"action\"}"}
        given = body.get("params")
        params: dict[str, Any] = given if isinstance(given, dict) else {}
        action = body.get("action", "setup")
        path, record = params.get("path"), params.get("record")
        if not isinstance(path, str) or (action == "setup" and record is None):
            return 200, {}  # a state with nothing to store (e.g. a message interaction's)
        found = self.route("GET", path.split("?")[0])
        if found is None or found[1] != "read":
            return 400, {"error": f"no read operation of {self.system} matches {path!r}"}
        c, _kind, op, values = found
        record_id = values[op.path_params[-1]]
        if action == "teardown":
            self.state.delete(c.name, record_id)
        else:
            self.state.put(c.name, record_id, record, "state")
        return 200, {}


def get_schema_at(schema: dict[str, Any], pointer: tuple[str | int, ...]) -> Any:
    """The sub-schema at a record pointer (through properties and items)."""
    node: Any = schema
    for part in pointer:
        node = resolve(node, schema)
        if not isinstance(node, dict):
            return {}
        node = node.get("items", {}) if isinstance(part, int) else \
            (node.get("properties") or {}).get(part, {})
    return node


def _changed_since(records: list[Any], op: Operation, c: Collection, query: dict[str, str],
                   headers: Mapping[str, str]) -> list[Any]:
    """The records changed at or after the list's "since" parameter, when it is given and
    readable (a record without a readable stamp is kept: the client filters again)."""
    stamp = updated_field(c)
    if op.since is None or stamp is None:
        return records
    given = query.get(op.since.name) if op.since.location == "query" else \
        headers.get(op.since.name.lower())
    since = instant(given)
    if since is None:
        return records
    kept = []
    for record in records:
        when = instant(record.get(stamp)) if isinstance(record, dict) else None
        if when is None or when >= since:
            kept.append(record)
    return kept


def _in_scope(record: Any, params: dict[str, str], c: Collection) -> bool:
    """A record belongs to a parent path (``/Projects/{projectId}/Time``) when its field of
    the parameter's name, if it has one, has the same value."""
    if not isinstance(record, dict):
        return True
    last = c.read.path_params[-1] if c.read else None
    return all(str(record[name]) == value for name, value in params.items()
               if name != last and name in record and record[name] is not None)


def _fills(op: Operation, c: Collection, verb: str, *,
           envelope: bool = False) -> dict[str, Any]:
    """What an envelope says beside the records (none for a bare record: it is the body)."""
    if not envelope and not op.response_pointer:
        return {}
    return {"status_code": op.status, "status": HTTPStatus(op.status).phrase
            if op.status in HTTPStatus._value2member_map_ else "OK",
            "service": "accord-simulator", "resource": c.name, "operation": verb}


def _invalid_status(op: Operation) -> int:
    statuses = {e.status for e in op.errors}
    return 422 if "422" in statuses else 400 if "400" in statuses else \
        422 if statuses & {"4XX", "4xx", "default"} else 400


def _missing_status(op: Operation) -> int:
    statuses = {e.status for e in op.errors}
    if "404" in statuses or statuses & {"4XX", "4xx", "default"}:
        return 404
    return 400 if "400" in statuses else 404


def _with_query(url: str, query: dict[str, str], changes: dict[str, str]) -> str:
    from urllib.parse import urlencode

    return f"{url}?{urlencode({**query, **changes})}"


def _int(text: str | None, default: int, low: int, high: int) -> int:
    try:
        value = int(text) if text not in (None, "") else default
    except ValueError:
        value = default
    return min(max(value, low), high)


def _cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o:{offset}".encode()).decode().rstrip("=")


def _cursor_offset(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        return max(0, int(text[2:])) if text.startswith("o:") else 0
    except (ValueError, UnicodeDecodeError):
        return 0


# --------------------------------------------------------------------------- building


def simulator_for(workspace: Workspace, system_name: str, *,
                  state_path: Path | None = None) -> Simulator:
    """The simulator of ``system_name`` in a loaded workspace, seeded from the golden inputs
    of the mappings that read it (LoadError: no such system, no collection, bad state file)."""
    system = workspace.systems.get(system_name)
    if system is None:
        diag = Diagnostic(codes.SIM_UNKNOWN_SYSTEM, f"no system {system_name!r}; systems: "
                          f"{', '.join(sorted(workspace.systems)) or 'none'}", "",
                          hint="name a system under contracts/systems/")
        raise LoadError(diag.format(), diagnostics=[diag])
    schemas, _inputs = mapped_schemas(workspace, system_name)
    model = api_model(system, schemas or None)
    sim = Simulator(system_name, model, SimState(state_path))
    sim.seeds, sim.notes = golden_records(workspace, system_name, model)
    if not model.collections:  # it still serves the admin API; every other path is 404
        sim.notes.append(Diagnostic(
            codes.SIM_NO_COLLECTION, f"{system.api_display} has no collection for "
            f"{', '.join(schemas) or 'any schema'}: no item path (GET /things/{{id}}) returns "
            f"it{broken_mappings(workspace)}", system.api_display, severity=Severity.WARNING,
            hint=codes.SIM_NO_COLLECTION.hint))
    sim.seed()
    return sim


def build_app(workspace_root: str | Path, system: str, *,
              state_path: Path | None = None) -> Starlette:
    """The simulator of ``system`` as an ASGI app (``app.state.simulator`` is the
    :class:`Simulator`)."""
    from accord.project import load_workspace

    return asgi_app(simulator_for(load_workspace(workspace_root), system,
                                  state_path=state_path))


def asgi_app(sim: Simulator) -> Starlette:
    """A Starlette app serving ``sim``: the admin API and every collection operation."""
    from starlette.applications import Starlette
    from starlette.routing import Route

    async def admin_states(request: Request) -> Response:
        body = await _json_body(request)
        status, answer = sim.provider_state(body)
        return _json(status, answer)

    async def admin_records(request: Request) -> Response:
        name = request.path_params["collection"]
        c = sim.collection(name)
        if c is None:
            return _json(404, {"error": f"no collection {name!r}", "collections": [
                x.name for x in sim.model.collections]})
        origin = request.query_params.get("origin")
        return _json(200, {"collection": c.name, "schema": c.schema, "records": [
            s.to_dict() for s in sim.state.all(c.name, origin)]})

    async def admin_reset(_request: Request) -> Response:
        sim.reset()
        return _json(200, {"reset": True})

    async def admin_model(_request: Request) -> Response:
        return _json(200, {"system": sim.system, **sim.model.to_dict()})

    async def admin_faults(request: Request) -> Response:
        if request.method == "DELETE":
            sim.clear_faults()
        elif request.method == "POST":
            fault = Fault.parse(await _json_body(request))
            if isinstance(fault, str):
                return _json(400, {"error": fault})
            sim.add_fault(fault)
        return _json(200, {"faults": [f.to_dict() for f in sim.faults]})

    async def admin_requests(request: Request) -> Response:
        if request.method == "DELETE":
            sim.state.clear_requests()
        return _json(200, {"requests": [r.to_dict() for r in sim.state.requests()]})

    async def api(request: Request) -> Response:
        method, path = request.method, request.url.path
        fault = sim.take_fault(method, path)
        if fault is not None:
            if fault.delay:
                await asyncio.sleep(fault.delay)
            if fault.status is not None:
                sim.state.log_request(method, path, fault.status,
                                      request.headers.get("idempotency-key"))
                extra = {"Retry-After": fault.retry_after} if fault.retry_after else {}
                return _json(fault.status, {"message": "a fault injected through "
                                            f"{ADMIN}/faults"}, extra)
        body = await request.body()
        if len(body) > _MAX_BODY:
            return _json(413, {"message": "request body too large"})
        try:
            status, answer, media = sim.answer(method, path, dict(request.query_params), body,
                                               str(request.base_url).rstrip("/"),
                                               dict(request.headers))
        except AccordError as exc:  # pragma: no cover - a model the simulator cannot serve
            return _json(501, {"message": str(exc)})
        return _answer(status, answer, media)

    async def fallback(request: Request, _exc: Exception) -> Response:
        return await api(request)

    # The API is every path the admin routes do not take, whatever it holds (a generated id
    # may carry a newline, which no route pattern matches): the router's 404 serves it.
    app = Starlette(routes=[
        Route(f"{ADMIN}/provider-states", admin_states, methods=["POST"]),
        Route(f"{ADMIN}/records/{{collection}}", admin_records, methods=["GET"]),
        Route(f"{ADMIN}/reset", admin_reset, methods=["POST"]),
        Route(f"{ADMIN}/model", admin_model, methods=["GET"]),
        Route(f"{ADMIN}/faults", admin_faults, methods=["GET", "POST", "DELETE"]),
        Route(f"{ADMIN}/requests", admin_requests, methods=["GET", "DELETE"]),
    ], exception_handlers={404: fallback})
    app.state.simulator = sim
    return app


async def _json_body(request: Request) -> Any:
    raw = await request.body()
    try:
        return loads_bounded(raw.decode("utf-8"), 256) if raw else None
    except (UnicodeDecodeError, ValueError):
        return None


def _json(status: int, body: Any, headers: dict[str, str] | None = None) -> Response:
    from starlette.responses import Response

    return Response(dumps(body), status_code=status, media_type="application/json",
                    headers=headers)


def _answer(status: int, body: Any, media: str | None) -> Response:
    from starlette.responses import Response

    if body is None or status == 204:
        return Response(b"", status_code=status)
    return Response(dumps(body), status_code=status, media_type=media or
                    "application/json")


@dataclass(frozen=True)
class SimulatorHandle:
    """A running simulator: where it listens, and the simulator itself."""

    base_url: str
    simulator: Simulator

    @property
    def state_url(self) -> str:
        """Its provider-state endpoint (the Pact state-change URL)."""
        return f"{self.base_url}{ADMIN}/provider-states"


@contextmanager
def running(workspace_root: str | Path, system: str, *, state_path: Path | None = None,
            port: int = 0) -> Iterator[SimulatorHandle]:
    """Serve the simulator of ``system`` on 127.0.0.1 (``port`` 0: a free one) while the
    context lasts."""
    from accord.harness.serve import serve

    app = build_app(workspace_root, system, state_path=state_path)
    sim: Simulator = app.state.simulator
    try:
        with serve(app, port) as url:
            yield SimulatorHandle(url, sim)
    finally:
        sim.state.close()
