"""accord.sync.http against a real HTTP server on 127.0.0.1: retries and their exact delays
(injected sleep and rng), Retry-After in both forms, the rate limit (injected clock), failure
classes, and credentials that never show."""

from __future__ import annotations

import logging
import random
import socket
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from accord import codes
from accord.errors import AccordError, CallError
from accord.mapping.flow import CallPolicy, RateLimit, Retry
from accord.sync.http import SystemClient, backoff_delay, retry_after_seconds
from wire_server import Answer, scripted

TOKEN = "s3cr3t-t0ken-value"


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def _client(url: str, policy: CallPolicy | None = None, **kw: object) -> SystemClient:
    return SystemClient(url, policy, system="demo", **kw)  # type: ignore[arg-type]


def _policy(**retry: object) -> CallPolicy:
    return CallPolicy(timeout=5.0, retry=Retry(**retry))  # type: ignore[arg-type]


def test_a_json_answer_over_one_kept_alive_connection() -> None:
    with scripted(Answer(200, {"a": 1}), Answer(201, {"b": 2}),
                  Answer(204)) as (url, script), _client(url) as client:
        first = client.request("GET", "/things", params={"page": 2})
        second = client.request("POST", f"{url}/things", json={"x": "ü"})
        third = client.request("DELETE", "things/1")
    assert (first.status, first.body, second.status, second.body) == (200, {"a": 1}, 201,
                                                                       {"b": 2})
    assert third.body is None and first.header("Content-Type") == "application/json"
    assert [s.path for s in script.seen] == ["/things?page=2", "/things", "/things/1"]
    assert script.seen[1].body.decode() == '{"x":"ü"}'
    assert len({s.port for s in script.seen}) == 1  # one connection, kept alive
    assert client.stats.calls == 3 and client.stats.requests == 3
    assert len(client.stats.latencies) == 3 and client.stats.retries == 0


def test_full_jitter_backoff_is_drawn_from_the_rng() -> None:
    sleeps = Sleeps()
    with scripted(Answer(503), Answer(500, "boom"), Answer(502), Answer(200, {"ok": True})) \
            as (url, script):
        client = _client(url, _policy(max_attempts=5, initial_delay=1, multiplier=3,
                                      max_delay=60), sleep=sleeps, rng=random.Random(7))
        answer = client.request("GET", "/x")
    expected = random.Random(7)
    assert sleeps == [expected.uniform(0, 1), expected.uniform(0, 3), expected.uniform(0, 9)]
    assert answer.status == 200 and answer.attempts == 4 and len(script.seen) == 4
    assert client.stats.retries == 3 and client.stats.requests == 4
    assert client.stats.statuses == {503: 1, 500: 1, 502: 1, 200: 1}


def test_no_jitter_is_the_capped_exponential_and_gives_up_as_availability() -> None:
    sleeps = Sleeps()
    with scripted(*[Answer(503, {"error": "down"})] * 5) as (url, _script):
        client = _client(url, _policy(max_attempts=5, initial_delay=1, multiplier=2,
                                      max_delay=5, jitter="none"), sleep=sleeps)
        with pytest.raises(CallError) as caught:
            client.request("PUT", "/Invoices?summarizeErrors=true", json={})
    assert sleeps == [1, 2, 4, 5]
    error = caught.value
    assert (error.error_class, error.status, error.attempts, error.method, error.path) == \
        ("availability", 503, 5, "PUT", "/Invoices")
    assert error.diagnostics[0].code == codes.CALL_UNAVAILABLE
    assert "gave up after 5 attempts" in str(error) and "summarizeErrors" not in str(error)
    assert client.stats.failures == {"availability": 1}
    assert isinstance(error, AccordError)


def test_equal_jitter_waits_half_plus_a_random_half() -> None:
    retry = Retry(initial_delay=2, multiplier=2, max_delay=60, jitter="equal")
    rng, expected = random.Random(3), random.Random(3)
    assert [backoff_delay(retry, n, rng) for n in (1, 2, 3)] == \
        [1 + expected.uniform(0, 1), 2 + expected.uniform(0, 2), 4 + expected.uniform(0, 4)]


def test_retry_after_seconds_wins_when_longer_capped_at_max_delay() -> None:
    sleeps = Sleeps()
    with scripted(Answer(429, headers={"Retry-After": "7"}),
                  Answer(429, headers={"Retry-After": "120"}),
                  Answer(429, headers={"Retry-After": "0"}),
                  Answer(200, {})) as (url, _script):
        client = _client(url, _policy(max_attempts=4, initial_delay=1, multiplier=2,
                                      max_delay=30, jitter="none"), sleep=sleeps)
        client.request("GET", "/x")
    # 7 > 1: Retry-After; 120 capped at 30; 0 < 4: the backoff
    assert sleeps == [7, 30, 4]


def test_retry_after_as_an_http_date() -> None:
    now = datetime(2026, 12, 1, 12, 0, 0, tzinfo=UTC)
    later = format_datetime(now + timedelta(seconds=42), usegmt=True)
    sleeps = Sleeps()
    with scripted(Answer(503, headers={"Retry-After": later}), Answer(200, {})) as (url, _s):
        client = _client(url, _policy(max_attempts=2, initial_delay=1, jitter="none"),
                         sleep=sleeps, now=lambda: now)
        client.request("GET", "/x")
    assert sleeps == [42]
    assert retry_after_seconds(format_datetime(now - timedelta(seconds=5), usegmt=True),
                               now) == 0
    assert retry_after_seconds("soon", now) is None and retry_after_seconds("nan", now) is None


def test_a_timeout_is_retried() -> None:
    sleeps = Sleeps()
    with scripted(Answer(200, {"late": True}, delay=1.0), Answer(200, {"ok": 1})) as (url, _s):
        client = _client(url, CallPolicy(timeout=0.2, retry=Retry(max_attempts=2,
                                                                  jitter="none")),
                         sleep=sleeps)
        assert client.request("GET", "/slow").body == {"ok": 1}
    assert sleeps == [1] and client.stats.retries == 1


def test_a_body_that_stalls_is_a_timeout_and_retried() -> None:
    sleeps = Sleeps()
    with scripted(Answer(200, {"late": True}, body_delay=1.0), Answer(200, {"ok": 1})) \
            as (url, _s):
        client = _client(url, CallPolicy(timeout=0.2, retry=Retry(max_attempts=2,
                                                                  jitter="none")),
                         sleep=sleeps)
        assert client.request("GET", "/stalls").body == {"ok": 1}
    assert sleeps == [1] and client.stats.retries == 1


def test_a_refused_connection_is_availability() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    sleeps = Sleeps()
    client = _client(f"http://127.0.0.1:{port}", _policy(max_attempts=3, jitter="none"),
                     sleep=sleeps)
    with pytest.raises(CallError) as caught:
        client.request("GET", "/x")
    assert caught.value.error_class == "availability" and caught.value.status is None
    assert caught.value.attempts == 3 and sleeps == [1, 2]
    assert "connection failed" in str(caught.value)


@pytest.mark.parametrize("status", [401, 403])
def test_refused_credentials_are_authentication_never_retried_never_shown(
        status: int, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="accord.sync.http")
    echo = {"error": "invalid token", "got": f"Bearer {TOKEN}"}
    with scripted(Answer(status, echo)) as (url, script):
        client = _client(url, _policy(jitter="none"), auth={"Authorization": f"Bearer {TOKEN}"},
                         headers={"Xero-Tenant-Id": "t1"})
        with pytest.raises(CallError) as caught:
            client.request("GET", "/Invoices")
    assert script.seen[0].headers["Authorization"] == f"Bearer {TOKEN}"
    assert script.seen[0].headers["Xero-Tenant-Id"] == "t1"
    assert len(script.seen) == 1
    error = caught.value
    assert error.error_class == "authentication" and error.status == status
    assert error.diagnostics[0].code == codes.CALL_AUTHENTICATION
    shown = [str(error), repr(error), repr(client), caplog.text,
             error.diagnostics[0].format(), str(error.diagnostics[0].extra)]
    assert all(TOKEN not in text for text in shown), shown
    assert "***" in str(error) and "invalid token" in str(error)


def test_credentials_in_the_base_url_become_basic_auth_and_stay_hidden() -> None:
    with scripted(Answer(500, "no"), Answer(500, "no")) as (url, script):
        client = _client(url.replace("http://", "http://user:pa55word@"),
                         _policy(max_attempts=2, jitter="none"), sleep=Sleeps())
        with pytest.raises(CallError) as caught:
            client.request("GET", "/x")
    assert script.seen[0].headers["Authorization"].startswith("Basic ")
    assert "pa55word" not in repr(client) + str(caught.value) + client.base_url


def test_other_4xx_is_data_quality_with_an_escaped_bounded_excerpt() -> None:
    hostile = "\x1b[31mred\x1b[0m " + "x" * 2000
    with scripted(Answer(422, {"message": hostile})) as (url, script):
        client = _client(url)
        with pytest.raises(CallError) as caught:
            client.request("POST", "/time_entries", json={"hours": -1})
    message = str(caught.value)
    assert caught.value.error_class == "data_quality" and caught.value.status == 422
    assert caught.value.diagnostics[0].code == codes.CALL_REJECTED
    assert "\x1b" not in message and "red" in message
    assert len(message) < 600 and message.endswith("…")
    assert len(script.seen) == 1


def test_a_body_that_says_json_but_is_not() -> None:
    with scripted(Answer(200, "{not json", headers={"Content-Type": "application/json"})) \
            as (url, _s), pytest.raises(CallError) as caught:
        _client(url).request("GET", "/x")
    assert caught.value.error_class == "data_quality"
    assert caught.value.diagnostics[0].code == codes.CALL_BAD_RESPONSE


def test_a_response_over_the_bound_is_refused() -> None:
    with scripted(Answer(200, {"big": "y" * 5000})) as (url, _s), \
            pytest.raises(CallError, match="larger than 1000 bytes"):
        _client(url, max_response_bytes=1000).request("GET", "/x")


def test_links_to_another_origin_are_not_followed() -> None:
    with scripted(Answer(200, {}), Answer(302, headers={"Location": "http://evil.test/"})) \
            as (url, script):
        client = _client(url, auth={"X-API-Key": TOKEN})
        with pytest.raises(CallError, match="another host"):
            client.request("GET", "http://evil.test/page2")
        client.request("GET", url + "/page2")
        redirected = client.request("GET", "/moved")
    assert redirected.status == 302  # answered, not followed with the key
    assert [s.path for s in script.seen] == ["/page2", "/moved"]


def test_the_rate_limit_is_a_token_bucket_on_the_injected_clock() -> None:
    clock = [100.0]
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        clock[0] += seconds

    with scripted(*[Answer(200, {})] * 6) as (url, _s):
        client = _client(url, CallPolicy(rate_limit=RateLimit(requests=2, per=1)),
                         sleep=sleep, clock=lambda: clock[0])
        for _ in range(5):
            client.request("GET", "/x")
        clock[0] += 10  # idle: the bucket refills to its burst, no more
        client.request("GET", "/x")
    assert sleeps == [0.5, 0.5, 0.5]
    assert client.stats.waited == pytest.approx(1.5)


def test_burst_bounds_the_bucket() -> None:
    clock = [0.0]
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        clock[0] += seconds

    with scripted(*[Answer(200, {})] * 4) as (url, _s):
        client = _client(url, CallPolicy(rate_limit=RateLimit(requests=100, per=15, burst=1)),
                         sleep=sleep, clock=lambda: clock[0])
        for _ in range(3):
            client.request("GET", "/x")
    assert sleeps == pytest.approx([0.15, 0.15])


def test_percentiles_come_from_the_raw_latencies() -> None:
    with scripted(*[Answer(200, {})] * 4) as (url, _s):
        client = _client(url)
        for _ in range(4):
            client.request("GET", "/x")
    client.stats.latencies[:] = [0.4, 0.1, 0.3, 0.2]
    assert (client.stats.percentile(50), client.stats.percentile(95)) == (0.2, 0.4)
    assert client.stats.to_dict()["requests"] == 4
