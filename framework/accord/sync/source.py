"""Reading a system's records: every record of a collection, page by page, or one by id.

:func:`list_records` follows the list operation's paging (``page``/``per_page``,
``offset``/``limit``, ``cursor``, or ``links.next`` URLs), unwraps each page by the
operation's response pointer (``time_entries``, ``data``, ``Invoices``, ``items``) and yields
each record once. Incremental: when the description declares a "changed since" parameter
(Harvest's ``updated_since``, Xero's ``If-Modified-Since``) ``since`` is sent in it, and the
records are always filtered here too on ``watermark`` (the record's field) being later than
``since``, so a server that ignores the parameter never makes a run wrong.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from accord import codes
from accord.diagnostics import Diagnostic
from accord.errors import CallError, UsageError
from accord.mapping.flow import ErrorClass
from accord.sync.http import SystemClient
from accord.workspace.apimodel import EACH, Collection, Operation, get_at, instant

__all__ = ["MAX_PAGES", "SourceRecord", "bad_response", "fill_path", "list_records", "newer",
           "operation_of", "read_record"]

_PARAM = re.compile(r"\{([^{}/]+)\}")

#: the most pages one listing follows (a provider whose pages never end is an error)
MAX_PAGES = 100_000

#: where envelopes say what comes next (Apideck: meta.cursors.next; Harvest: links.next, next_page)
_NEXT_CURSOR = (("meta", "cursors", "next"), ("cursors", "next"), ("next_cursor",),
                ("meta", "next_cursor"), ("pagination", "next_cursor"), ("nextCursor",))
_NEXT_LINK = (("links", "next"), ("meta", "links", "next"), ("_links", "next", "href"),
              ("next",), ("nextRecordsUrl",))
_NEXT_PAGE = (("next_page",), ("meta", "next_page"), ("pagination", "next_page"))
_PAGE_COUNT = (("total_pages",), ("pageCount",), ("pagination", "pageCount"),
               ("meta", "total_pages"), ("pagination", "total_pages"))


@dataclass(frozen=True)
class SourceRecord:
    """One record read from a system: the record, its id (the collection's id field, as text;
    None when the record has none) and its watermark value (None: no watermark asked for, or
    the record has none)."""

    record: dict[str, Any]
    source_id: str | None
    watermark: Any = None


def newer(value: Any, since: Any) -> bool:
    """Whether a watermark ``value`` is later than ``since``: as points in time when both are
    (ISO 8601, Xero's ``/Date(ms)/``, HTTP-dates), else as numbers, else as text. A record
    without a value is kept (never lost; the ledger skips it when unchanged)."""
    if since is None or value is None:
        return True
    a, b = instant(value), instant(since)
    if a is not None and b is not None:
        return a > b
    if isinstance(value, int | float) and isinstance(since, int | float):
        return value > since
    return str(value) > str(since)


def fill_path(template: str, params: Mapping[str, Any], *, what: str = "") -> str:
    """``/Projects/{projectId}/Time`` with its parameters filled (UsageError: one missing)."""
    out = template
    for name in _PARAM.findall(template):
        if params.get(name) in (None, ""):
            raise UsageError(f"{what or template} needs the path parameter {name!r}",
                             diagnostics=[Diagnostic(
                                 codes.CALL_NO_OPERATION, f"{template}: no value for "
                                 f"{{{name}}}", "", hint="pass it in path_params")])
        out = out.replace("{" + name + "}", quote(str(params[name]), safe=""), 1)
    return out


def operation_of(client: SystemClient, c: Collection, kind: str) -> Operation:
    op: Operation | None = getattr(c, kind)
    if op is None:
        served = ", ".join(k for k in ("read", "list", "create", "update")
                           if getattr(c, k) is not None) or "nothing"
        message = f"{client.system}'s API description has no {kind} operation for {c.schema} " \
                  f"(it serves {served})"
        raise UsageError(message, diagnostics=[Diagnostic(
            codes.CALL_NO_OPERATION, message, "", hint=codes.CALL_NO_OPERATION.hint)])
    return op


def bad_response(client: SystemClient, op: Operation, path: str, status: int,
                 detail: str) -> CallError:
    """A ``data_quality`` CallError about an answer accord cannot use (ACC634)."""
    message = client.redact(f"{client.system}: {op.method} {path} {detail}")
    return CallError(message, error_class=str(ErrorClass.DATA_QUALITY), system=client.system,
                     method=op.method, path=path, status=status, attempts=1,
                     diagnostics=[Diagnostic(codes.CALL_BAD_RESPONSE, message, "",
                                             hint=codes.CALL_BAD_RESPONSE.hint)])


def _first(body: Any, places: tuple[tuple[str, ...], ...]) -> tuple[bool, Any]:
    """(found, value) of the first place the body has a key at."""
    for place in places:
        node = body
        for part in place:
            if not isinstance(node, dict) or part not in node:
                break
            node = node[part]
        else:
            return True, node
    return False, None


def _page_records(client: SystemClient, op: Operation, path: str, status: int,
                  body: Any) -> list[Any]:
    pointer = op.response_pointer
    at = pointer.index(EACH) if EACH in pointer else len(pointer)
    items = get_at(body, pointer[:at])
    if items is None and isinstance(body, dict):
        return []  # an envelope without the array: an empty page
    if not isinstance(items, list):
        raise bad_response(client, op, path, status, "answered without the list of records at "
                   f"/{'/'.join(str(p) for p in pointer[:at])}")
    rest = pointer[at + 1:]
    return [get_at(item, rest) if rest else item for item in items]


def list_records(client: SystemClient, collection: Collection, *, since: Any = None,
                 watermark: str | None = None, page_size: int | None = None,
                 path_params: Mapping[str, Any] | None = None) -> Iterator[SourceRecord]:
    """Every record of ``collection`` (changed after ``since``, when given), each once."""
    op = operation_of(client, collection, "list")
    path = fill_path(op.path, path_params or {}, what=f"{client.system} {op.method} {op.path}")
    paging = op.paging
    query: dict[str, Any] = {}
    headers: dict[str, str] = {}
    if page_size is not None and paging.size:
        query[paging.size] = page_size
    if since is not None and op.since is not None:
        if op.since.location == "query":
            query[op.since.name] = str(since)
        else:
            headers[op.since.name] = str(since)
    page = 1
    target: str = path
    asked: set[tuple[str, tuple[tuple[str, str], ...]]] = set()
    seen: set[str] = set()
    for _ in range(MAX_PAGES):
        if paging.style == "page" and paging.page:
            query[paging.page] = page
        signature = (target, tuple(sorted((k, str(v)) for k, v in query.items())))
        if signature in asked:
            raise bad_response(client, op, path, 200,
                               f"pages loop: page {signature[1]} asked twice")
        asked.add(signature)
        answer = client.request(op.method, target, params=query or None, headers=headers)
        records = _page_records(client, op, path, answer.status, answer.body)
        for record in records:
            if not isinstance(record, dict):
                continue
            raw_id = record.get(collection.id_field)
            source_id = None if raw_id is None else str(raw_id)
            if source_id is not None:
                if source_id in seen:
                    continue
                seen.add(source_id)
            stamp = record.get(watermark) if watermark else None
            if watermark and since is not None and not newer(stamp, since):
                continue
            yield SourceRecord(record, source_id, stamp)
        more = _next(paging.style, paging.size, page_size, answer.body, page, records)
        if more is None:
            return
        kind, value = more
        if kind == "page":
            page += 1
        elif kind == "offset":
            query[paging.offset or "offset"] = value
        elif kind == "cursor":
            query[paging.cursor or "cursor"] = value
        else:  # a next link: the URL carries the query
            target, query = str(value), {}
    raise bad_response(client, op, path, 200, f"has more than {MAX_PAGES} pages")


def _next(style: str, size_param: str | None, page_size: int | None, body: Any, page: int,
          records: list[Any]) -> tuple[str, Any] | None:
    """What to ask for next: ("page", n), ("offset", n), ("cursor", c), ("link", url), or
    None when this was the last page."""
    if not records:
        return None
    full = page_size is None or size_param is None or len(records) >= page_size
    if style == "cursor":
        found, cursor = _first(body, _NEXT_CURSOR)
        if found:
            return ("cursor", cursor) if cursor not in (None, "") else None
        found, link = _first(body, _NEXT_LINK)
        return ("link", link) if found and isinstance(link, str) and link else None
    if style == "offset":
        found, link = _first(body, _NEXT_LINK)
        if found and not link:
            return None
        offset = _first(body, (("offset",), ("meta", "offset")))[1]
        start = offset if isinstance(offset, int) else 0
        return ("offset", start + len(records)) if full else None
    if style == "page":
        found, nxt = _first(body, _NEXT_PAGE)
        if found:
            return ("page", nxt) if nxt else None
        found, count = _first(body, _PAGE_COUNT)
        if found and isinstance(count, int):
            return ("page", page + 1) if page < count else None
        return ("page", page + 1) if full else None
    found, link = _first(body, _NEXT_LINK)
    return ("link", link) if found and isinstance(link, str) and link else None


def read_record(client: SystemClient, collection: Collection, record_id: str, *,
                path_params: Mapping[str, Any] | None = None,
                watermark: str | None = None) -> SourceRecord:
    """One record by its id (a CallError ``data_quality`` when the system has none)."""
    op = operation_of(client, collection, "read")
    params = {**dict(path_params or {}), op.path_params[-1]: record_id} \
        if op.path_params else dict(path_params or {})
    path = fill_path(op.path, params, what=f"{client.system} {op.method} {op.path}")
    answer = client.request(op.method, path)
    record = get_at(answer.body, op.response_pointer)
    if not isinstance(record, dict):
        raise bad_response(client, op, path, answer.status,
                           f"answered without a {collection.schema}")
    raw_id = record.get(collection.id_field)
    return SourceRecord(record, str(raw_id) if raw_id is not None else record_id,
                        record.get(watermark) if watermark else None)
