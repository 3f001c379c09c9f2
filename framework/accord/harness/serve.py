"""Serve an ASGI app with uvicorn in a thread, on a socket accord binds itself.

The socket is bound before the server starts (port 0: the kernel picks a free port), so there
is no window in which another process can take the port: no port races in tests, and the URL
is known before the first request.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from accord import codes
from accord.diagnostics import Diagnostic
from accord.errors import LoadError

__all__ = ["HOST", "bind", "serve"]

HOST = "127.0.0.1"
_START_SECONDS = 30.0


def bind(port: int = 0, host: str = HOST) -> socket.socket:
    """A listening-ready TCP socket on ``host:port`` (LoadError ACC703 when it cannot be
    bound: the port is taken or not allowed)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # accepted connections inherit it: without it a kept-alive client waits for the delayed
    # ACK (~40 ms) between the response's header and body writes (22 requests/s, not 750)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        diag = Diagnostic(codes.SIM_PORT, f"cannot listen on {host}:{port}: {exc.strerror}",
                          "", hint="choose another --port, or leave it out (a free port is "
                          "picked)")
        raise LoadError(diag.format(), diagnostics=[diag]) from None
    sock.set_inheritable(True)
    return sock


@contextmanager
def serve(app: Any, port: int = 0) -> Iterator[str]:
    """Run ``app`` on ``127.0.0.1:port`` in a daemon thread; yields its base URL
    (``http://127.0.0.1:<port>``) once it accepts connections, and stops it on exit."""
    import uvicorn

    sock = bind(port)
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off",
                            ws="none", http="h11")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]},
                              name=f"accord-serve-{sock.getsockname()[1]}", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + _START_SECONDS
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the server did not start")
            time.sleep(0.01)
        yield f"http://{HOST}:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=_START_SECONDS)
        sock.close()
