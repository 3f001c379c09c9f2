"""A provider for verifying pacts without a simulator: a plain HTTP server on 127.0.0.1 (port 0)
that answers each interaction of a pact file with the response the pact itself expects (its
example), optionally changed by ``alter``; messages come from the pact's own contents."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

Alter = Callable[[str, Any], Any]


@contextmanager
def echo_provider(pact: dict[str, Any], alter: Alter | None = None) -> Iterator[str]:
    """The base URL of a server answering ``pact``'s HTTP interactions; ``alter(description,
    body)`` may change a body before it is sent."""
    answers: dict[tuple[str, str], tuple[int, bytes]] = {}
    for interaction in pact["interactions"]:
        if interaction["type"] != "Synchronous/HTTP":
            continue
        request, response = interaction["request"], interaction["response"]
        body = (response.get("body") or {}).get("content")
        if alter is not None:
            body = alter(interaction["description"], body)
        answers[(request["method"], request["path"])] = (response["status"],
                                                         json.dumps(body).encode())

    class Handler(BaseHTTPRequestHandler):
        def answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            status, data = answers.get((self.command, urlsplit(self.path).path), (404, b"{}"))
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_PATCH = answer

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def verify(path: Path, alter: Alter | None = None) -> tuple[bool, Any, str]:
    """Verify the pact file at ``path`` with pact-python's Verifier against
    :func:`echo_provider`: (passed, the Verifier's JSON results, its text output)."""
    from pact import Verifier

    pact = json.loads(path.read_text("utf-8"))
    messages = {i["description"]: {
        "contents": json.dumps(alter(i["description"], i["contents"]["content"]) if alter
                               else i["contents"]["content"]).encode(),
        "metadata": None, "content_type": "application/json"}
        for i in pact["interactions"] if i["type"] == "Asynchronous/Messages"}
    with echo_provider(pact, alter) as base_url:
        verifier = (Verifier(pact["provider"]["name"], host="127.0.0.1")
                    .add_transport(url=base_url).add_source(str(path))
                    .state_handler(lambda *args, **kwargs: None, teardown=True))
        if messages:
            verifier.message_handler(messages)
        try:
            verifier.verify()
            passed = True
        except RuntimeError:
            passed = False
        finally:
            # pact-python 4.2.0 shuts its state-handler and message-relay servers down but never
            # closes their sockets (a ResourceWarning when collected): close them here.
            for helper in (verifier._state_handler, verifier._message_producer):
                server = getattr(helper, "_server", None)
                if server is not None:
                    server.server_close()
        return passed, verifier.results, verifier.output(strip_ansi=True)
