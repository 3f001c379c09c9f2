"""Calling one system's API: a keep-alive connection pool, the flow's call policy (timeout,
retries with exponential backoff and jitter, ``Retry-After``, a token-bucket rate limit) and
the classification of every failure into the flow's error classes.

- **Retried** (availability): timeouts, connection errors, 408, 429 and 5xx. The n-th retry
  waits ``min(max_delay, initial_delay * multiplier ** (n - 1))``, jittered (``full``: a random
  time up to that, ``equal``: half of it plus a random half, ``none``: exactly that); a
  ``Retry-After`` header (seconds or an HTTP-date) wins when it is longer, capped at
  ``max_delay``. After the last attempt: :class:`~accord.errors.CallError` ``availability``.
- **Not retried**: 401/403 (``authentication``), any other 4xx (``data_quality``, with an
  escaped, bounded excerpt of the provider's error body).
- **Rate limit**: every request (retries too) takes a token from the client's bucket of
  ``requests`` per ``per`` seconds holding at most ``burst``; one client per system, shared by
  all its callers (thread-safe).
- **Credentials** (the ``auth`` headers) are sent and never shown: messages, logs and reprs
  name the method and path only, and any secret value a provider echoes back is replaced by
  ``***``. Redirects are not followed (a credential never goes to another host), and an
  absolute URL (a ``next`` link) must be on the client's own origin.

``sleep``, ``clock`` (monotonic), ``now`` (wall time, for HTTP-dates) and ``rng`` are
injectable: tests assert the exact backoff sequence without waiting.
"""

from __future__ import annotations

import json
import logging
import math
import random
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests
import urllib3

from accord import codes
from accord.diagnostics import Diagnostic, printable
from accord.errors import CallError
from accord.jsondoc import loads_bounded
from accord.mapping.flow import CallPolicy, ErrorClass, RateLimit, Retry

__all__ = [
    "MAX_RESPONSE_BYTES",
    "CallStats",
    "HttpResponse",
    "RateLimiter",
    "SystemClient",
    "backoff_delay",
    "retry_after_seconds",
]

log = logging.getLogger("accord.sync.http")

#: the largest response body accord reads (a bigger one is ``data_quality``, ACC634)
MAX_RESPONSE_BYTES = 64 * 1024 * 1024
#: how much of a provider's error body an error message quotes
EXCERPT_CHARS = 300
_JSON_DEPTH = 256
_RETRYABLE = frozenset({408, 429})


@dataclass(frozen=True)
class HttpResponse:
    """One answered request: status, headers (lower-case names), body (parsed JSON, text, or
    None when empty), seconds of the last attempt and attempts it took."""

    status: int
    headers: Mapping[str, str]
    body: Any
    elapsed: float
    attempts: int = 1

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


@dataclass
class CallStats:
    """What one client did: ``calls`` (``request`` invocations), ``requests`` (attempts sent),
    ``retries``, failures by error class, responses by status, and the raw ``latencies`` of
    every attempt in seconds (the engine reports percentiles from them)."""

    calls: int = 0
    requests: int = 0
    retries: int = 0
    failures: dict[str, int] = field(default_factory=dict)
    statuses: dict[int, int] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)
    #: seconds spent waiting: backoff between attempts and the rate limit
    waited: float = 0.0

    def percentile(self, q: float) -> float:
        """The ``q``-th percentile (0-100, nearest rank) of the latencies (0.0: none)."""
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        rank = max(1, math.ceil(q / 100 * len(ordered)))
        return ordered[min(rank, len(ordered)) - 1]

    def to_dict(self) -> dict[str, Any]:
        return {"calls": self.calls, "requests": self.requests, "retries": self.retries,
                "failures": dict(self.failures),
                "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
                "latency_p50": self.percentile(50), "latency_p95": self.percentile(95),
                "latency_p99": self.percentile(99), "waited": self.waited}


def backoff_delay(retry: Retry, attempt: int, rng: random.Random) -> float:
    """The wait before retry number ``attempt`` (1: the first retry), jittered."""
    base = min(retry.max_delay, retry.initial_delay * retry.multiplier ** (attempt - 1))
    if retry.jitter == "full":
        return rng.uniform(0, base)
    if retry.jitter == "equal":
        return base / 2 + rng.uniform(0, base / 2)
    return base


def retry_after_seconds(value: str | None, now: datetime) -> float | None:
    """A ``Retry-After`` header in seconds: delta-seconds or an HTTP-date (past: 0); None
    when absent or unreadable."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        return max(0.0, (when - now).total_seconds())
    return max(0.0, seconds) if math.isfinite(seconds) else None


class RateLimiter:
    """A token bucket: ``requests`` tokens per ``per`` seconds, at most ``burst`` (default
    ``requests``) at once; :meth:`acquire` waits (through ``sleep``) until a token is there."""

    def __init__(self, limit: RateLimit, *, clock: Callable[[], float],
                 sleep: Callable[[float], None]) -> None:
        self.rate = limit.requests / limit.per
        self.capacity = float(limit.burst or limit.requests)
        self.tokens = self.capacity
        self._clock = clock
        self._sleep = sleep
        self._last = clock()
        self._lock = threading.Lock()

    def acquire(self) -> float:
        """Take one token; returns the seconds waited for it."""
        with self._lock:
            now = self._clock()
            self.tokens = min(self.capacity, self.tokens + (now - self._last) * self.rate)
            self._last = now
            self.tokens -= 1.0
            wait = 0.0 if self.tokens >= 0 else -self.tokens / self.rate
        # the token is reserved (tokens may go below zero): callers behind this one wait longer
        if wait > 0:
            self._sleep(wait)
        return wait


class _Retryable(Exception):
    """An availability failure of one attempt (internal)."""

    def __init__(self, reason: str, status: int | None = None,
                 retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status
        self.retry_after = retry_after


class SystemClient:
    """The client of one system (see the module's docstring for what it does)."""

    def __init__(self, base_url: str, policy: CallPolicy | None = None, *, system: str = "",
                 headers: Mapping[str, str] | None = None,
                 auth: Mapping[str, str] | None = None, secrets: Iterable[str] = (),
                 sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic,
                 now: Callable[[], datetime] = lambda: datetime.now(UTC),
                 rng: random.Random | None = None,
                 max_response_bytes: int = MAX_RESPONSE_BYTES) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("base_url must be an http(s) URL")
        auth_headers = dict(auth or {})
        hidden = [s for s in secrets if s]
        if parts.username is not None or parts.password is not None:
            import base64

            pair = f"{parts.username or ''}:{parts.password or ''}"
            encoded = base64.b64encode(pair.encode()).decode()
            auth_headers.setdefault("Authorization", f"Basic {encoded}")
            hidden.extend(s for s in (parts.password, encoded) if s)
            host = parts.hostname + (f":{parts.port}" if parts.port else "")
            parts = parts._replace(netloc=host)
        self.base_url = urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/"), "",
                                    ""))
        self._origin = (parts.scheme, parts.netloc.lower())
        self.system = system or (parts.hostname or "")
        self.policy = policy or CallPolicy()
        self.stats = CallStats()
        self._headers = {"Accept": "application/json", **dict(headers or {})}
        self._auth = auth_headers
        for value in auth_headers.values():
            hidden.append(value)
            if " " in value:
                hidden.append(value.split(" ", 1)[1])
        self._secrets = tuple(sorted({s for s in hidden if s}, key=len, reverse=True))
        self._sleep = sleep
        self._clock = clock
        self._now = now
        self._rng = rng if rng is not None else random.Random()
        self._max_bytes = max_response_bytes
        self._limiter = RateLimiter(self.policy.rate_limit, clock=clock, sleep=sleep) \
            if self.policy.rate_limit else None
        self._lock = threading.Lock()
        self._session = requests.Session()
        self._session.trust_env = False  # no .netrc credentials, no proxy variables
        adapter = requests.adapters.HTTPAdapter(pool_connections=4, pool_maxsize=16,
                                                max_retries=0)
        self._session.mount("http://", adapter)
        self._session.mount("https://", adapter)

    def __repr__(self) -> str:
        shown = ", ".join(sorted(self._headers))
        return (f"SystemClient(system={self.system!r}, base_url={self.base_url!r}, "
                f"headers=[{shown}], auth={'<redacted>' if self._auth else 'none'})")

    def close(self) -> None:
        self._session.close()

    def __enter__(self) -> SystemClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # -- redaction --------------------------------------------------------------------------

    def redact(self, text: str) -> str:
        """``text`` with every credential value replaced by ``***``."""
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text

    # -- calls ------------------------------------------------------------------------------

    def url_for(self, url_or_path: str) -> str:
        """An absolute URL on this system: a path joined to the base URL, or a URL on the same
        origin (a ``next`` link); another origin is refused (credentials stay home)."""
        if url_or_path.startswith(("http://", "https://")):
            parts = urlsplit(url_or_path)
            if (parts.scheme, parts.netloc.lower()) != self._origin:
                raise self._error(codes.CALL_BAD_RESPONSE, ErrorClass.DATA_QUALITY, "GET",
                                  parts.path, None, 0, "a link points at another host "
                                  f"({printable(parts.netloc)[:100]}): not followed")
            return url_or_path
        path = url_or_path if url_or_path.startswith("/") else "/" + url_or_path
        return self.base_url + path

    def request(self, method: str, url_or_path: str, *,
                params: Mapping[str, Any] | None = None, json: Any = None,
                headers: Mapping[str, str] | None = None) -> HttpResponse:
        """Send one call, retrying availability failures per the policy; a failure that stays
        is a :class:`CallError`."""
        method = method.upper()
        url = self.url_for(url_or_path)
        path = urlsplit(url).path or "/"
        sent = {**self._headers, **dict(headers or {}), **self._auth}
        retry = self.policy.retry
        attempts = max(1, retry.max_attempts)
        with self._lock:
            self.stats.calls += 1
        last: _Retryable | None = None
        for attempt in range(1, attempts + 1):
            if attempt > 1 and last is not None:
                delay = backoff_delay(retry, attempt - 1, self._rng)
                if last.retry_after is not None and last.retry_after > delay:
                    delay = min(last.retry_after, retry.max_delay)
                log.info("%s %s %s: %s; retry %d in %.3fs", self.system, method, path,
                         self.redact(last.reason), attempt - 1, delay)
                with self._lock:
                    self.stats.retries += 1
                    self.stats.waited += delay
                self._sleep(delay)
            try:
                return self._attempt(method, url, path, params, json, sent, attempt)
            except _Retryable as failure:
                last = failure
        assert last is not None
        raise self._error(codes.CALL_UNAVAILABLE, ErrorClass.AVAILABILITY, method, path,
                          last.status, attempts, f"{last.reason} (gave up after {attempts} "
                          f"attempt{'s' if attempts != 1 else ''})")

    def _attempt(self, method: str, url: str, path: str, params: Mapping[str, Any] | None,
                 body: Any, headers: dict[str, str], attempt: int) -> HttpResponse:
        if self._limiter is not None:
            waited = self._limiter.acquire()
            if waited:
                with self._lock:
                    self.stats.waited += waited
        started = self._clock()
        try:
            response = self._session.request(
                method, url, params=dict(params) if params else None,
                data=None if body is None else _dumps(body),
                headers={**headers, **({"Content-Type": "application/json"}
                                       if body is not None else {})},
                timeout=self.policy.timeout, allow_redirects=False, stream=True)
        except requests.Timeout:
            self._count(self._clock() - started, None)
            raise _Retryable(f"no answer within {self.policy.timeout:g}s") from None
        except requests.RequestException as exc:
            self._count(self._clock() - started, None)
            raise _Retryable(f"connection failed ({type(exc).__name__})") from None
        try:
            raw = self._read(response)
        except (requests.Timeout, urllib3.exceptions.TimeoutError, TimeoutError):
            self._count(self._clock() - started, None)
            raise _Retryable(f"no answer within {self.policy.timeout:g}s") from None
        except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as exc:
            self._count(self._clock() - started, None)
            raise _Retryable(f"connection failed while reading ({type(exc).__name__})") \
                from None
        finally:
            response.close()
        elapsed = self._clock() - started
        status = response.status_code
        self._count(elapsed, status)
        log.debug("%s %s %s -> %d (%.3fs, attempt %d)", self.system, method, path, status,
                  elapsed, attempt)
        names = {k.lower(): v for k, v in response.headers.items()}
        if raw is None:
            raise self._error(codes.CALL_BAD_RESPONSE, ErrorClass.DATA_QUALITY, method, path,
                              status, attempt, f"the response is larger than "
                              f"{self._max_bytes} bytes")
        if status in _RETRYABLE or status >= 500:
            raise _Retryable(f"answered {status}{self._excerpt(raw)}", status,
                             retry_after_seconds(names.get("retry-after"), self._now()))
        if status in (401, 403):
            raise self._error(codes.CALL_AUTHENTICATION, ErrorClass.AUTHENTICATION, method,
                              path, status, attempt, f"answered {status}{self._excerpt(raw)}")
        if 400 <= status < 500:
            raise self._error(codes.CALL_REJECTED, ErrorClass.DATA_QUALITY, method, path,
                              status, attempt, f"answered {status}{self._excerpt(raw)}")
        return HttpResponse(status, names, self._parse(raw, names, method, path, status,
                                                        attempt), elapsed, attempt)

    def _read(self, response: requests.Response) -> bytes | None:
        data = response.raw.read(self._max_bytes + 1, decode_content=True)
        return None if len(data) > self._max_bytes else bytes(data)

    def _parse(self, raw: bytes, headers: Mapping[str, str], method: str, path: str,
               status: int, attempt: int) -> Any:
        if not raw.strip():
            return None
        media = headers.get("content-type", "").split(";")[0].strip().lower()
        text = raw.decode("utf-8", errors="replace")
        if media == "application/json" or media.endswith("+json") or \
                (not media and text.lstrip()[:1] in ("{", "[")):
            try:
                return loads_bounded(text, _JSON_DEPTH)
            except ValueError:
                raise self._error(codes.CALL_BAD_RESPONSE, ErrorClass.DATA_QUALITY, method,
                                  path, status, attempt, "the response says JSON but is not"
                                  f"{self._excerpt(raw)}") from None
        return text

    def _count(self, elapsed: float, status: int | None) -> None:
        with self._lock:
            self.stats.requests += 1
            self.stats.latencies.append(elapsed)
            if status is not None:
                self.stats.statuses[status] = self.stats.statuses.get(status, 0) + 1

    def _excerpt(self, raw: bytes) -> str:
        """``: <body>`` — the provider's error body, decoded, redacted, escaped, bounded."""
        text = raw.decode("utf-8", errors="replace").strip()
        if not text:
            return ""
        text = self.redact(" ".join(text.split()))
        cut = text[:EXCERPT_CHARS] + ("…" if len(text) > EXCERPT_CHARS else "")
        return ": " + printable(cut)

    def _error(self, code: codes.Code, error_class: ErrorClass, method: str, path: str,
               status: int | None, attempts: int, detail: str) -> CallError:
        shown = printable(path)[:200]
        message = self.redact(f"{self.system}: {method} {shown} {detail}")
        with self._lock:
            self.stats.failures[str(error_class)] = \
                self.stats.failures.get(str(error_class), 0) + 1
        diag = Diagnostic(code, message, "", hint=code.hint,
                          extra={"system": self.system, "error_class": str(error_class),
                                 "status": status, "attempts": attempts})
        return CallError(message, error_class=str(error_class), system=self.system,
                         method=method, path=shown, status=status, attempts=attempts,
                         diagnostics=[diag])


def _dumps(body: Any) -> bytes:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
