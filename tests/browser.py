"""Headless Chromium for tests: load a page, collect what went wrong, check its links, save a
screenshot.

Chromium is driven through the DevTools protocol over a pipe (``--remote-debugging-pipe``: fd 3
carries commands in, fd 4 answers and events out, one NUL-terminated JSON message each), the
transport Puppeteer uses: no port, no WebSocket library, no browser download. It is found
through ``ACCORD_CHROMIUM`` or at ``/usr/bin/chromium``; when neither is there the calling test
skips with how to install it, and fails instead under ``ACCORD_REQUIRE_EXTERNAL_SUITES=1`` (CI),
like the other external suites (tests/external_suites.py).

    with Browser.launch() as browser:
        page = browser.load(path_or_url)        # file path, file:// or http://127.0.0.1 URL
        assert page.problems() == []            # console errors, exceptions, failed requests
        assert page.broken_links() == []        # every <a href> resolves
        page.screenshot(tmp_path / "page.png")
        page.text()                             # what a reader sees (innerText)
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import shutil
import subprocess
import tempfile
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from queue import Empty, Queue
from typing import Any

from external_suites import require_chromium

#: seconds any one DevTools command (a page load included) may take
TIMEOUT = 60.0


class DevToolsError(RuntimeError):
    pass


class _Pipe:
    """The DevTools protocol over Chromium's pipe: numbered commands, their answers, events."""

    def __init__(self, to_browser: int, from_browser: int) -> None:
        self._out = os.fdopen(to_browser, "wb", buffering=0)
        self._in = os.fdopen(from_browser, "rb", buffering=0)
        self._next = 0
        self._lock = threading.Lock()
        self._answers: dict[int, Queue[dict[str, Any]]] = {}
        self.events: Queue[dict[str, Any]] = Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        buffer = b""
        while True:
            try:
                chunk = self._in.read(65536)
            except OSError:
                chunk = b""
            if not chunk:
                self.events.put({"method": "accord.closed"})
                for queue in list(self._answers.values()):
                    queue.put({"error": {"message": "the browser closed the pipe"}})
                return
            buffer += chunk
            while b"\0" in buffer:
                raw, buffer = buffer.split(b"\0", 1)
                message = json.loads(raw)
                if "id" in message and message["id"] in self._answers:
                    self._answers[message["id"]].put(message)
                else:
                    self.events.put(message)

    def send(self, method: str, params: dict[str, Any] | None = None, *,
             session: str | None = None, timeout: float = TIMEOUT) -> dict[str, Any]:
        with self._lock:
            self._next += 1
            number = self._next
            queue: Queue[dict[str, Any]] = Queue()
            self._answers[number] = queue
            message: dict[str, Any] = {"id": number, "method": method, "params": params or {}}
            if session:
                message["sessionId"] = session
            self._out.write(json.dumps(message).encode() + b"\0")
        try:
            answer = queue.get(timeout=timeout)
        except Empty:
            raise DevToolsError(f"{method}: no answer within {timeout} s") from None
        finally:
            self._answers.pop(number, None)
        if "error" in answer:
            raise DevToolsError(f"{method}: {answer['error'].get('message')}")
        result: dict[str, Any] = answer.get("result", {})
        return result

    def close(self) -> None:
        for handle in (self._out, self._in):
            with suppress(OSError):
                handle.close()


@dataclass
class Page:
    """One loaded page: what went wrong while it loaded, and ways to look at it."""

    browser: Browser
    session: str
    url: str
    console_errors: list[str] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)

    def evaluate(self, expression: str) -> Any:
        result = self.browser.pipe.send("Runtime.evaluate", {
            "expression": expression, "returnByValue": True, "awaitPromise": True},
            session=self.session)
        if "exceptionDetails" in result:
            raise DevToolsError(f"{expression}: {result['exceptionDetails'].get('text')}")
        return result.get("result", {}).get("value")

    def text(self) -> str:
        """The page's text as a reader sees it."""
        return str(self.evaluate("document.body.innerText"))

    def problems(self) -> list[str]:
        """Console errors, uncaught exceptions and failed requests, each a line."""
        self.browser.drain(self)
        return ([f"console: {m}" for m in self.console_errors]
                + [f"exception: {m}" for m in self.exceptions]
                + [f"request: {m}" for m in self.failed_requests])

    def links(self) -> list[str]:
        """Every ``<a href>`` of the page, resolved against it."""
        found = self.evaluate("Array.from(document.querySelectorAll('a[href]'), a => a.href)")
        return [str(link) for link in found or []]

    def broken_links(self, *, external: bool = False) -> list[str]:
        """Links that do not resolve: a fragment with no element of that id on its page, a
        file that is not there, an http(s) URL on 127.0.0.1/localhost that does not answer
        2xx/3xx. Links to other hosts are broken unless ``external`` allows them (tests run
        offline: a page under test links only to itself)."""
        broken: list[str] = []
        here = urllib.parse.urldefrag(self.url).url
        for link in dict.fromkeys(self.links()):
            target, fragment = urllib.parse.urldefrag(link)
            parsed = urllib.parse.urlsplit(target)
            if target == here:
                if fragment and not self.evaluate(
                        f"document.getElementById({json.dumps(fragment)}) !== null"):
                    broken.append(f"{link}: no element with id {fragment!r}")
                continue
            if parsed.scheme == "file":
                path = Path(urllib.parse.unquote(parsed.path))
                if not path.exists():
                    broken.append(f"{link}: no such file")
            elif parsed.scheme in ("http", "https") and parsed.hostname in (
                    "127.0.0.1", "localhost", "::1"):
                try:
                    with urllib.request.urlopen(target, timeout=10) as answer:
                        if answer.status >= 400:
                            broken.append(f"{link}: HTTP {answer.status}")
                except (urllib.error.URLError, OSError) as exc:
                    broken.append(f"{link}: {exc}")
            elif parsed.scheme in ("http", "https"):
                if not external:
                    broken.append(f"{link}: an external link")
            elif parsed.scheme not in ("mailto",):
                broken.append(f"{link}: scheme {parsed.scheme!r}")
        return broken

    def screenshot(self, path: Path, *, width: int = 1280) -> Path:
        """A PNG of the whole page (beyond the viewport) at ``path``."""
        pipe = self.browser.pipe
        height = int(self.evaluate("Math.ceil(document.documentElement.scrollHeight)") or 800)
        pipe.send("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": min(max(height, 200), 16000), "deviceScaleFactor": 1,
            "mobile": False}, session=self.session)
        shot = pipe.send("Page.captureScreenshot", {"format": "png",
                                                    "captureBeyondViewport": True},
                         session=self.session)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(shot["data"]))
        return path


class Browser:
    """One headless Chromium process (use :meth:`launch` as a context manager)."""

    def __init__(self, process: subprocess.Popen[bytes], pipe: _Pipe, profile: str) -> None:
        self.process = process
        self.pipe = pipe
        self.profile = profile
        self._pages: dict[str, Page] = {}

    @classmethod
    @contextmanager
    def launch(cls) -> Iterator[Browser]:
        binary = require_chromium()
        profile = tempfile.mkdtemp(prefix="accord-chromium-")
        to_browser_r, to_browser_w = os.pipe()
        from_browser_r, from_browser_w = os.pipe()
        # fds 3 and 4 in the child: copy the ends high first, so dup2 never clobbers one
        high_in = fcntl.fcntl(to_browser_r, fcntl.F_DUPFD_CLOEXEC, 10)
        high_out = fcntl.fcntl(from_browser_w, fcntl.F_DUPFD_CLOEXEC, 10)
        os.close(to_browser_r)
        os.close(from_browser_w)

        def child_fds() -> None:
            os.dup2(high_in, 3)
            os.dup2(high_out, 4)

        process = subprocess.Popen(
            [str(binary), "--headless", "--no-sandbox", "--disable-gpu",
             "--remote-debugging-pipe", f"--user-data-dir={profile}", "--no-first-run",
             "--no-default-browser-check", "--disable-extensions",
             "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--metrics-recording-only", "--mute-audio", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            close_fds=False, preexec_fn=child_fds)
        os.close(high_in)
        os.close(high_out)
        pipe = _Pipe(to_browser_w, from_browser_r)
        browser = cls(process, pipe, profile)
        try:
            pipe.send("Target.setDiscoverTargets", {"discover": False})
            yield browser
        finally:
            with suppress(DevToolsError):
                pipe.send("Browser.close", timeout=10)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=15)
            pipe.close()
            shutil.rmtree(profile, ignore_errors=True)

    def load(self, where: str | Path) -> Page:
        """Open ``where`` (a path, a file:// or http(s) URL) in a new tab and wait for it to
        load; what goes wrong meanwhile is collected on the page."""
        url = where.resolve().as_uri() if isinstance(where, Path) else where
        target = self.pipe.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.pipe.send("Target.attachToTarget", {"targetId": target,
                                                           "flatten": True})["sessionId"]
        page = Page(self, session, url)
        self._pages[session] = page
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.pipe.send(f"{domain}.enable", session=session)
        answer = self.pipe.send("Page.navigate", {"url": url}, session=session)
        if answer.get("errorText"):
            raise DevToolsError(f"{url}: {answer['errorText']}")
        self._wait(page, "Page.loadEventFired")
        return page

    def _wait(self, page: Page, method: str) -> None:
        while True:
            try:
                event = self.pipe.events.get(timeout=TIMEOUT)
            except Empty:
                raise DevToolsError(f"{page.url}: no {method} within {TIMEOUT} s") from None
            if event.get("method") == "accord.closed":
                raise DevToolsError("the browser exited")
            self._record(event)
            if event.get("method") == method and event.get("sessionId") == page.session:
                return

    def drain(self, page: Page) -> None:
        """Collect the events that arrived since (console messages logged after load)."""
        page.evaluate("0")  # a round trip: every event before it is in the queue
        while True:
            try:
                self._record(self.pipe.events.get_nowait())
            except Empty:
                return

    def _record(self, event: dict[str, Any]) -> None:
        page = self._pages.get(str(event.get("sessionId")))
        if page is None:
            return
        method = event.get("method")
        params = event.get("params", {})
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            page.console_errors.append(" ".join(
                str(a.get("value", a.get("description", ""))) for a in params.get("args", [])))
        elif method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            page.exceptions.append(str(details.get("exception", {}).get("description")
                                       or details.get("text")))
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            entry = params["entry"]
            page.console_errors.append(f"{entry.get('source')}: {entry.get('text')} "
                                       f"{entry.get('url', '')}".rstrip())
        elif method == "Network.loadingFailed" and not params.get("canceled"):
            page.failed_requests.append(f"{params.get('errorText')} "
                                        f"({params.get('type', 'request')})")
        elif method == "Network.responseReceived":
            response = params.get("response", {})
            if int(response.get("status") or 0) >= 400:
                page.failed_requests.append(f"HTTP {response.get('status')} "
                                            f"{response.get('url')}")


def output_dir(tmp_path: Path) -> Path:
    """Where a test keeps what a person may want to look at (screenshots, pages): the test's
    ``tmp_path``, or ``ACCORD_TEST_OUTPUT`` when set (CI keeps that folder as an artifact;
    ``test-output/`` at the repository root is ignored by git for it)."""
    chosen = os.environ.get("ACCORD_TEST_OUTPUT")
    if not chosen:
        return tmp_path
    root = Path(chosen)
    root.mkdir(parents=True, exist_ok=True)
    return root
