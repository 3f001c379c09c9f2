"""A tiny plain HTTP server on 127.0.0.1 answering from a script: each request takes the next
scripted answer (status, headers, body, delay before answering); every request is recorded
with its method, path, query and headers."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Answer:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    #: seconds between the headers and the body (a body that stalls)
    body_delay: float = 0.0


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    port: int = 0


class Script:
    def __init__(self, answers: list[Answer]) -> None:
        self.answers = list(answers)
        self.seen: list[Seen] = []
        self.lock = threading.Lock()

    def next(self, seen: Seen) -> Answer:
        with self.lock:
            self.seen.append(seen)
            return self.answers.pop(0) if self.answers else Answer(599, {"error": "unscripted"})


@contextmanager
def scripted(*answers: Answer) -> Iterator[tuple[str, Script]]:
    script = Script(list(answers))

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _any(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            answer = script.next(Seen(self.command, self.path, dict(self.headers), body,
                                         self.client_address[1]))
            if answer.delay:
                time.sleep(answer.delay)
            raw = b"" if answer.body is None else (
                answer.body.encode() if isinstance(answer.body, str)
                else json.dumps(answer.body).encode())
            try:
                self.send_response(answer.status)
                if answer.body is not None and not isinstance(answer.body, str):
                    self.send_header("Content-Type", "application/json")
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                if answer.body_delay:
                    self.wfile.flush()
                    time.sleep(answer.body_delay)
                self.wfile.write(raw)
            except (BrokenPipeError, ConnectionResetError):  # the client timed out
                pass

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _any

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", script
    finally:
        server.shutdown()
        server.server_close()
