"""Response bodies in each vendor's shape, built from the operation model.

A body is the smallest instance of the operation's response schema with the record(s) placed
at the record pointer, and the envelope's bookkeeping filled where the schema has a field of
that name (Apideck's ``status_code`` and cursors, Harvest's ``page``/``links``, Xero's
``pagination``). Every fill is kept only if the body still validates, so a body conforms to
the response schema whatever the description says. Error bodies follow the operation's
documented error schema (Harvest ``{code, message}``, Xero ``{ErrorNumber, Type, Message,
Elements}``, Salesforce ``[{message, errorCode, fields}]``, Apideck's ``{status_code, error,
message, detail}``).
"""

from __future__ import annotations

import copy
import re
from http import HTTPStatus
from typing import Any

from accord.harness.instances import Violation, minimal, resolve, violations
from accord.workspace.apimodel import EACH, Operation, Pointer, set_at

__all__ = ["error_body", "record_body"]

_MESSAGE = re.compile(r"^(message|detail|error|title|error_description|reason)$", re.I)
_CODE_TEXT = re.compile(r"^(errorcode|error_code|type|type_name|code)$", re.I)
_CODE_NUMBER = re.compile(r"^(code|status|status_code|errornumber|error_number)$", re.I)
_LIST = re.compile(r"^(errors|elements|validationerrors|violations|fields|details)$", re.I)


def record_body(op: Operation, records: list[Any], *, pointer: Pointer | None = None,
                fills: dict[str, Any] | None = None) -> Any:
    """The response body of ``op`` carrying ``records`` (one, or a page of a list) at its
    record pointer, with ``fills`` (name -> value) set wherever the schema has that field."""
    schema = op.response_schema
    where = op.response_pointer if pointer is None else pointer
    if schema is None:
        return None
    if where and where[-1] == EACH:
        body = set_at(minimal(schema), where, records)
    elif where and where[-1] == 0 and len(records) > 1:
        body = set_at(minimal(schema), (*where[:-1], EACH), records)
    else:
        body = set_at(minimal(schema), where, records[0] if records else None)
    record_keys = {str(where[0])} if where else set()
    return _fill(schema, body, fills or {}, skip=record_keys)


def _fill(schema: dict[str, Any], body: Any, fills: dict[str, Any], skip: set[str]) -> Any:
    """Set each field of the envelope that ``fills`` names (by ``parent.name`` or by
    ``name``), at most three objects deep and never inside the records, keeping only the
    fills after which the body still validates."""
    if not isinstance(body, dict) or not fills or violations(schema, body, 1):
        return body
    for path in _leaf_paths(schema, schema, (), 0, skip):
        key = f"{path[-2]}.{path[-1]}" if len(path) > 1 else path[-1]
        if key in fills:
            value = fills[key]
        elif path[-1] in fills:
            value = fills[path[-1]]
        else:
            continue
        trial = _set_path(body, path, copy.deepcopy(value))
        if not violations(schema, trial, 1):
            body = trial
    return body


def _leaf_paths(node: Any, root: dict[str, Any], at: tuple[str, ...], depth: int,
                skip: set[str]) -> list[tuple[str, ...]]:
    node = resolve(node, root)
    props = node.get("properties") if isinstance(node, dict) else None
    if not isinstance(props, dict) or depth > 3:
        return []
    out: list[tuple[str, ...]] = []
    for name, sub in props.items():
        if not at and name in skip:
            continue
        out.append((*at, name))
        out.extend(_leaf_paths(sub, root, (*at, name), depth + 1, skip))
    return out


def _set_path(body: dict[str, Any], path: tuple[str, ...], value: Any) -> dict[str, Any]:
    head, rest = path[0], path[1:]
    if not rest:
        return {**body, head: value}
    inner = body.get(head)
    return {**body, head: _set_path(inner if isinstance(inner, dict) else {}, rest, value)}


def error_body(schema: dict[str, Any] | None, status: int, message: str,
               problems: list[Violation]) -> Any:
    """An error body of the vendor's shape (None when the response has no JSON body)."""
    if schema is None:
        return None
    texts = [str(p) for p in problems] or [message]
    if problems:
        message = f"{message}: " + "; ".join(texts)
    fields = sorted({p.pointer.split("/")[1] for p in problems if p.pointer})
    body = _error_value(schema, schema, status, message, texts, fields, 0)
    if violations(schema, body, 1):
        body = minimal(schema)
    return body


def _fields_of(text: str, fields: list[str]) -> list[str]:
    """The fields one violation's text names (its pointer's first step)."""
    head = text.split(":", 1)[0]
    return [head.split("/")[1]] if head.startswith("/") and head.split("/")[1] in fields \
        else []


def _error_value(node: Any, root: dict[str, Any], status: int, message: str,
                 texts: list[str], fields: list[str], depth: int) -> Any:
    node = resolve(node, root)
    base = minimal(node, root)
    if not isinstance(node, dict) or depth > 6:
        return base
    if isinstance(base, list) or node.get("type") == "array":
        items = node.get("items", {})
        if resolve(items, root).get("type") == "string" if isinstance(resolve(items, root),
                                                                      dict) else False:
            return list(fields)
        return [_error_value(items, root, status, text, [text], _fields_of(text, fields),
                             depth + 1) for text in texts]
    if not isinstance(base, dict):
        return base
    found = node.get("properties")
    props: dict[str, Any] = found if isinstance(found, dict) else {}
    phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
    for name, sub in props.items():
        sub_node = resolve(sub, root)
        kind = sub_node.get("type") if isinstance(sub_node, dict) else None
        kinds = kind if isinstance(kind, list) else [kind]
        value: Any = None
        if _MESSAGE.match(name) and ("string" in kinds or "oneOf" in sub_node
                                     or "anyOf" in sub_node):
            value = message if name.lower() != "error" else phrase
        elif _CODE_NUMBER.match(name) and ("integer" in kinds or "number" in kinds):
            value = status
        elif _CODE_TEXT.match(name) and "string" in kinds:
            value = "INVALID_FIELD" if status in (400, 422) else \
                phrase.upper().replace(" ", "_")
        elif _LIST.match(name) and "array" in kinds:
            value = _error_value(sub_node, root, status, message, texts, fields, depth + 1)
        if value is not None:
            trial = {**base, name: value}
            if not violations(node if "$defs" in node else {**node, "$defs": root.get(
                    "$defs", {})}, trial, 1):
                base = trial
    return base
