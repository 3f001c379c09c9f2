"""The HTTP side of the consumer test: how accord reads a record and sends one (JSON over
HTTP, no proxy, a bounded wait and a bounded answer)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

__all__ = ["get_json", "send_json"]

#: seconds to wait for an answer
TIMEOUT = 30.0
#: largest answer read
MAX_BYTES = 16 << 20

_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _exchange(request: urllib.request.Request) -> tuple[int, Any]:
    try:
        with _OPENER.open(request, timeout=TIMEOUT) as answer:
            status, raw = answer.status, answer.read(MAX_BYTES)
    except urllib.error.HTTPError as exc:
        status, raw = exc.code, exc.read(MAX_BYTES)
    try:
        return status, json.loads(raw) if raw else None
    except ValueError:
        return status, None


def get_json(url: str) -> tuple[int, Any]:
    """GET ``url``: the status and the JSON body (None when there is none)."""
    return _exchange(urllib.request.Request(url, headers={"Accept": "application/json"}))


def send_json(method: str, url: str, body: Any) -> tuple[int, Any]:
    """``method`` ``url`` with a JSON body: the status and the JSON answer."""
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    return _exchange(urllib.request.Request(url, data=data, method=method, headers={
        "Accept": "application/json", "Content-Type": "application/json"}))
