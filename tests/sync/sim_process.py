"""A system's simulator in its own process (`accord simulate`, state in a file), reachable from
a workspace through a declared environment: a target that outlives the syncs that call it."""

from __future__ import annotations

import contextlib
import json
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ACCORD = [sys.executable, "-c", "from accord.cli.main import main; main()"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def call(url: str, body: Any = None, method: str = "GET") -> Any:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.loads(answer.read() or b"null")


def declare(root: Path, system: str, env: str, port: int) -> None:
    """Give ``system`` of the workspace an environment ``env`` at 127.0.0.1:``port``."""
    path = root / "contracts" / "systems" / system / "system.yaml"
    path.write_text(path.read_text().replace(
        "environments:\n", f"environments:\n  {env}: {{base_url: \"http://127.0.0.1:{port}\"}}\n",
        1))


@contextlib.contextmanager
def simulator(root: Path, system: str, port: int, state: Path, env: dict[str, str]
              ) -> Iterator[str]:
    """Serve ``system``'s simulator on ``port`` while the block runs; its base URL."""
    log = state.with_suffix(".log")
    base = f"http://127.0.0.1:{port}"
    with log.open("wb") as sink:
        proc = subprocess.Popen(
            [*ACCORD, "simulate", system, "--port", str(port), "--state", str(state), "-w",
             str(root)], env=env, stdout=sink, stderr=sink)
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise AssertionError(f"the simulator exited: {log.read_text()[-2000:]}")
            try:
                call(f"{base}/_accord/model")
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise AssertionError(f"no answer from {base}") from None
                time.sleep(0.1)
        yield base
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
