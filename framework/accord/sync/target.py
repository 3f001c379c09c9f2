"""Writing to a system: create a record, update one by its id, each idempotent.

The payload (one record in the system's own shape, as an outbound mapping writes it) is
wrapped by the operation's request pointer (Xero Accounting sends ``{"Invoices": [record]}``),
sent with an ``Idempotency-Key`` header (Xero's and Stripe's semantics: the same key gets the
same answer and writes nothing twice), and the record's id is taken from the answer by the
response pointer and the collection's id field (or an ``id`` there, as Salesforce's SaveResult
and Apideck's ``{data: {id}}`` carry it; or the last segment of a ``Location`` header, as
BambooHR answers). An update that answers no body (204) keeps the id it was given.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from accord.sync.http import HttpResponse, SystemClient
from accord.sync.source import bad_response, fill_path, operation_of
from accord.workspace.apimodel import Collection, Operation, get_at, set_at

__all__ = ["IDEMPOTENCY_HEADER", "Delivered", "create", "idempotency_header", "update"]

IDEMPOTENCY_HEADER = "Idempotency-Key"
#: Xero accepts keys up to 128 characters; a longer key is sent as its digest
_MAX_KEY = 128
_KEY_CHARS = re.compile(r"^[\x21-\x7e]+$")


@dataclass(frozen=True)
class Delivered:
    """A record written: its id in the system, the HTTP status and the answer's body."""

    target_id: str
    status: int
    body: Any


def idempotency_header(key: str) -> str:
    """The header value for an idempotency key: the key itself when it is printable ASCII of
    at most 128 characters, else ``accord-`` and its sha256 (stable for the same key)."""
    if _KEY_CHARS.match(key) and len(key) <= _MAX_KEY:
        return key
    return "accord-" + hashlib.sha256(key.encode("utf-8")).hexdigest()


def _params(c: Collection, op: Operation, payload: Mapping[str, Any],
            given: Mapping[str, Any] | None) -> dict[str, Any]:
    """Path parameters: those given, else the record's fields of the same name."""
    values = {name: payload.get(name) for name in op.path_params if name in payload}
    values.update(dict(given or {}))
    return values


def _id_from(client: SystemClient, c: Collection, op: Operation, path: str,
             answer: HttpResponse) -> str | None:
    holder = get_at(answer.body, op.response_pointer)
    if isinstance(holder, dict):
        for name in (c.id_field, "id", "Id", "ID"):
            value = holder.get(name)
            if value not in (None, ""):
                return str(value)
    location = answer.header("Location")
    if location:
        tail = location.rstrip("/").rsplit("/", 1)[-1]
        return tail or None
    return None


def _send(client: SystemClient, op: Operation, path: str, payload: Mapping[str, Any],
          key: str) -> HttpResponse:
    body = set_at(None, op.request_pointer, dict(payload))
    return client.request(op.method, path, json=body,
                          headers={IDEMPOTENCY_HEADER: idempotency_header(key)})


def create(client: SystemClient, collection: Collection, payload: Mapping[str, Any], *,
           idempotency_key: str, path_params: Mapping[str, Any] | None = None) -> Delivered:
    """Create one record; the same ``idempotency_key`` again creates nothing new."""
    op = operation_of(client, collection, "create")
    path = fill_path(op.path, _params(collection, op, payload, path_params),
                     what=f"{client.system} {op.method} {op.path}")
    answer = _send(client, op, path, payload, idempotency_key)
    target_id = _id_from(client, collection, op, path, answer)
    if target_id is None:
        raise bad_response(client, op, path, answer.status, f"answered {answer.status} without the "
                   f"new {collection.schema}'s {collection.id_field}")
    return Delivered(target_id, answer.status, answer.body)


def update(client: SystemClient, collection: Collection, target_id: str,
           payload: Mapping[str, Any], *, idempotency_key: str,
           path_params: Mapping[str, Any] | None = None) -> Delivered:
    """Update the record ``target_id`` with ``payload`` (the fields to change)."""
    op = operation_of(client, collection, "update")
    params = _params(collection, op, payload, path_params)
    if op.path_params:
        params[op.path_params[-1]] = target_id
    path = fill_path(op.path, params, what=f"{client.system} {op.method} {op.path}")
    answer = _send(client, op, path, payload, idempotency_key)
    return Delivered(_id_from(client, collection, op, path, answer) or target_id,
                     answer.status, answer.body)
