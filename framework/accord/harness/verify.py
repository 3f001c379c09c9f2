"""Provider verification: replay a system's pacts against a running provider with the real
pact-python Verifier (Rust core), and name the mapping rule behind every mismatch.

``verify_system(root, system, environment=..., base_url=...)`` picks the provider:

- ``local`` (the default, or any environment with ``simulator: true``): the system's simulator
  (:mod:`accord.harness.simulator`) on 127.0.0.1, provider states set up through its
  state-change URL, messages produced from its state;
- a declared environment: its ``base_url``, credentials from the environment variables its
  ``auth`` names (sent as headers, never printed: every output is redacted), its ``state_url``
  if it declares one, and messages from the pact's own example;
- ``base_url``: any running provider, no state set-up.

Each pact is verified on its own; each result goes to the verification matrix
(:func:`record_result`) and, when ``PACT_BROKER_BASE_URL`` is set, pacts and results go to the
Pact Broker (:mod:`accord.harness.broker`).
"""

from __future__ import annotations

import base64
import contextlib
import json
import logging
import os
import re
import socket
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from accord import codes
from accord.diagnostics import Diagnostic, JUnitCase
from accord.errors import AccordError, UsageError
from accord.harness.jsonpath import format_path, parse_path, rules_for
from accord.harness.pact_source import PactFile, load_pacts
from accord.workspace.systems import Environment, System

__all__ = [
    "Mismatch",
    "PactOutcome",
    "Target",
    "VerifyReport",
    "describe",
    "junit_cases",
    "record_result",
    "resolve_target",
    "text_report",
    "verify_system",
]

#: how long a provider (or its state URL) may take to accept a connection before it is
#: reported unreachable, in seconds
CONNECT_TIMEOUT = 5.0
_DEFAULT_API_KEY_HEADER = "X-API-Key"


# -- where the provider is -----------------------------------------------------------------

@dataclass
class Target:
    """A provider to verify: its URL, state URL, the headers to send (credentials included)
    and the secret values no output may show."""

    environment: str
    base_url: str
    state_url: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    secrets: tuple[str, ...] = ()
    simulator: bool = False

    def redact(self, text: str) -> str:
        for secret in sorted(self.secrets, key=len, reverse=True):
            if secret:
                text = text.replace(secret, "***")
        return text


def _strip_userinfo(url: str) -> str:
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def _env_error(system: System, message: str, hint: str) -> UsageError:
    diag = Diagnostic(codes.VERIFY_ENVIRONMENT, message, system.display, hint=hint)
    return UsageError(message, diagnostics=[diag])


def _credentials(system: System, envdef: Environment,
                 env: Mapping[str, str]) -> tuple[dict[str, str], tuple[str, ...]]:
    """The headers an environment's ``auth`` asks for, read from the variables it names."""

    def need(var: str) -> str:
        value = env.get(var)
        if not value:
            raise _env_error(system, f"environment {envdef.name!r} of {system.name!r} needs "
                             f"${var}, which is not set",
                             f"export {var} (its value is sent to the provider, never shown)")
        return value

    headers = dict(envdef.headers)
    secrets: list[str] = []
    auth = envdef.auth
    if "bearer_env" in auth:
        token = need(auth["bearer_env"])
        headers["Authorization"] = f"Bearer {token}"
        secrets.append(token)
    if "basic_user_env" in auth or "basic_password_env" in auth:
        user = need(auth["basic_user_env"]) if "basic_user_env" in auth else ""
        password = need(auth["basic_password_env"]) if "basic_password_env" in auth else ""
        encoded = base64.b64encode(f"{user}:{password}".encode()).decode()
        headers["Authorization"] = f"Basic {encoded}"
        secrets.extend([password, encoded])
    if "api_key_env" in auth:
        key = need(auth["api_key_env"])
        headers[auth.get("api_key_header") or _DEFAULT_API_KEY_HEADER] = key
        secrets.append(key)
    return headers, tuple(s for s in secrets if s)


def resolve_target(system: System, environment: str | None, base_url: str | None,
                   env: Mapping[str, str]) -> Target:
    """The provider an ``accord verify`` names (the simulator's URL is filled in later)."""
    if base_url is not None:
        if environment is not None:
            raise UsageError("give --env or --base-url, not both")
        if not re.match(r"^https?://[^/]", base_url):
            raise UsageError(f"--base-url must be an http(s) URL, not {base_url!r}")
        parts = urlsplit(base_url)
        user, password = parts.username, parts.password
        headers: dict[str, str] = {}
        secrets: tuple[str, ...] = ()
        if user is not None or password is not None:
            encoded = base64.b64encode(f"{user or ''}:{password or ''}".encode()).decode()
            headers["Authorization"] = f"Basic {encoded}"
            secrets = tuple(s for s in (password, encoded) if s)
        clean = _strip_userinfo(base_url)
        return Target(clean, clean, None, headers, secrets)
    name = environment or "local"
    envdef = system.environments.get(name)
    if envdef is None and name == "local":
        envdef = Environment("local", simulator=True)
    if envdef is None:
        declared = ", ".join(sorted(system.environments)) or "none"
        raise _env_error(system, f"system {system.name!r} declares no environment {name!r} "
                         f"(declared: {declared})",
                         "add it under environments: in the system.yaml, or use --base-url")
    if envdef.simulator:
        return Target(name, "", None, {}, (), simulator=True)
    if not envdef.base_url:
        raise _env_error(system, f"environment {name!r} of {system.name!r} has no base_url",
                         "give it base_url: https://..., or simulator: true")
    headers, secrets = _credentials(system, envdef, env)
    return Target(name, envdef.base_url, envdef.state_url, headers, secrets)


def _unreachable(system: System, what: str, url: str, reason: str, hint: str) -> UsageError:
    message = f"{what} {url} cannot be reached: {reason}"
    diag = Diagnostic(codes.VERIFY_UNREACHABLE, message, system.display, hint=hint)
    return UsageError(message, diagnostics=[diag])


def _probe(system: System, what: str, url: str) -> None:
    """Refuse (exit 2) a provider nobody listens at, before the verifier reports every
    interaction failed."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise _unreachable(system, what, url, "the port is not a number",
                           "fix the URL") from None
    try:
        with socket.create_connection((host, port), timeout=CONNECT_TIMEOUT):
            pass
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise _unreachable(system, what, url, str(reason),
                           "start the provider, or check the URL and the network") from None


# -- results -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Mismatch:
    """One way the provider differs from the pact, with the rules depending on the field."""

    interaction: str
    message: str
    kind: str = "BodyMismatch"
    field: str | None = None
    expected: str | None = None
    actual: str | None = None
    rules: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"interaction": self.interaction, "kind": self.kind, "field": self.field,
                "expected": self.expected, "actual": self.actual, "message": self.message,
                "rules": list(self.rules)}


@dataclass
class PactOutcome:
    pact: PactFile
    environment: str
    verified_at: str
    outcome: str  # "passed" | "failed"
    mismatches: list[Mismatch]
    interactions: int
    seconds: float
    recorded: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"pact": self.pact.display, "pact_sha256": self.pact.sha256,
                "consumer": self.pact.consumer, "provider": self.pact.provider,
                "mapping": self.pact.mapping, "contracts": self.pact.contracts,
                "environment": self.environment, "verified_at": self.verified_at,
                "outcome": self.outcome, "interactions": self.interactions,
                "seconds": round(self.seconds, 3),
                "mismatches": [m.to_dict() for m in self.mismatches],
                "recorded": self.recorded}


@dataclass
class VerifyReport:
    system: str
    environment: str
    base_url: str
    results: list[PactOutcome] = field(default_factory=list)
    seconds: float = 0.0
    broker: list[str] = field(default_factory=list)
    #: what kept results from the broker or the matrix (exit 2; the verification itself ran)
    errors: list[Diagnostic] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(r.outcome == "passed" for r in self.results)

    def diagnostics(self) -> list[Diagnostic]:
        """One ACC740 per mismatch, located at the first rule depending on the field."""
        found = []
        for result in self.results:
            for m in result.mismatches:
                file, line = _split_rule(m.rules[0]) if m.rules else (result.pact.display, 0)
                text = f"{result.pact.consumer}: {m.interaction}: {describe(m)}"
                if len(m.rules) > 1:
                    text += f" (also rules {', '.join(m.rules[1:])})"
                found.append(Diagnostic(codes.VERIFY_MISMATCH, text, file, line,
                                        pointer=m.field or "", hint=codes.VERIFY_MISMATCH.hint,
                                        extra={"pact": result.pact.display, **m.to_dict()}))
        return found + list(self.errors)

    def to_dict(self) -> dict[str, Any]:
        return {"system": self.system, "environment": self.environment,
                "base_url": self.base_url, "ok": self.ok, "seconds": round(self.seconds, 3),
                "results": [r.to_dict() for r in self.results], "broker": self.broker,
                "errors": [d.to_dict() for d in self.errors]}


def _split_rule(rule: str) -> tuple[str, int]:
    file, _, line = rule.rpartition(":")
    return (file, int(line)) if file and line.isdigit() else (rule, 0)


def describe(m: Mismatch) -> str:
    """A mismatch in one line: field, expected and actual."""
    if m.field is not None and m.kind == "BodyMismatch":
        if m.actual is None and m.expected == "present":
            return f"{m.field} is missing from the provider's body ({m.message})"
        return f"{m.field}: expected {m.expected}, got {m.actual} ({m.message})"
    if m.kind == "StatusMismatch":
        return f"status: expected {m.expected}, got {m.actual}"
    if m.field is not None:
        return f"{m.kind} {m.field}: {m.message}"
    return m.message


def junit_cases(report: VerifyReport) -> list[JUnitCase]:
    """One case per pact: failed with its mismatches, each naming the rules."""
    cases = []
    for r in report.results:
        body = "\n".join(f"{m.interaction}: {describe(m)}"
                         + (f"\n    rule: {', '.join(m.rules)}" if m.rules else "")
                         for m in r.mismatches)
        cases.append(JUnitCase(
            name=f"{r.pact.consumer} -> {r.pact.provider} ({r.environment})",
            classname=r.pact.display,
            failure=(f"{len(r.mismatches)} mismatch(es)" if r.outcome == "failed" else None),
            failure_type=codes.VERIFY_MISMATCH, body=body, seconds=r.seconds))
    return cases


# -- the verifier's report -----------------------------------------------------------------

_MISSING_KEYS = re.compile(r"^Actual map is missing the following keys: (.*)$", re.S)


def _child(path: str, key: str) -> str:
    segments = parse_path(path)
    return format_path([*segments, key]) if segments is not None else f"{path}.{key}"


def _mismatches(pact: PactFile, description: str, raw: Any,
                redact: Callable[[str], str]) -> list[Mismatch]:
    """The verifier's mismatch record for one interaction, one Mismatch per field."""
    rules = pact.rules(description)
    out: list[Mismatch] = []
    entries: list[Any] = []
    if isinstance(raw, dict) and isinstance(raw.get("mismatches"), list):
        entries = raw["mismatches"]
    elif isinstance(raw, dict) and raw.get("message"):
        out.append(Mismatch(description, redact(str(raw["message"])), "error",
                            rules=tuple(rules_for(None, rules))))
        return out
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        kind = str(entry.get("type", "mismatch"))
        text = redact(str(entry.get("mismatch", "")))
        expected = entry.get("expected")
        actual = entry.get("actual")
        exp = redact(str(expected)) if expected is not None else None
        act = redact(str(actual)) if actual is not None else None
        if kind == "BodyMismatch":
            path = str(entry.get("path") or "$")
            missing = _MISSING_KEYS.match(text)
            if missing:
                for key in (k.strip() for k in missing.group(1).split(",")):
                    if not key:
                        continue
                    where = _child(path, key)
                    out.append(Mismatch(description, f"the provider's {path} has no {key!r}",
                                        kind, where, "present", None,
                                        tuple(rules_for(where, rules))))
                continue
            out.append(Mismatch(description, text, kind, path, exp, act,
                                tuple(rules_for(path, rules))))
        elif kind == "StatusMismatch":
            out.append(Mismatch(description, text or "status differs", kind, None, exp, act,
                                tuple(rules_for(None, rules))))
        elif kind in ("HeaderMismatch", "MetadataMismatch"):
            key = str(entry.get("key") or entry.get("path") or "")
            out.append(Mismatch(description, text, kind, key or None, exp, act))
        else:
            out.append(Mismatch(description, text or kind, kind, entry.get("path"), exp, act,
                                tuple(rules_for(None, rules))))
    return out


def _outcome_from(pact: PactFile, results: dict[str, Any], failed: bool,
                  redact: Callable[[str], str]) -> list[Mismatch]:
    mismatches: list[Mismatch] = []
    seen: set[str] = set()
    for item in results.get("interactionResults") or []:
        if not isinstance(item, dict):
            continue
        description = str(item.get("description", ""))
        seen.add(description)
        if item.get("result") == "OK":
            continue
        found = _mismatches(pact, description, item.get("mismatch"), redact)
        mismatches.extend(found or [Mismatch(description, "the verifier reported a failure",
                                             "error")])
    for error in results.get("errors") or []:
        if not isinstance(error, dict):
            continue
        name = str(error.get("interaction", ""))
        if any(name.endswith(d) for d in seen):
            continue
        mismatches.extend(_mismatches(pact, name, error.get("mismatch"), redact))
    if failed and not mismatches:
        mismatches.append(Mismatch("(pact)", "the verifier failed: "
                                   + redact(" ".join(str(x) for x in results.get("output") or [])
                                            .strip()[-500:]), "error"))
    return mismatches


# -- messages ------------------------------------------------------------------------------

def _record_in(envelope: Any, expected: Any) -> Any:
    """The record inside a read response (``{"data": {...}}``, ``{"Invoices": [{...}]}``, or
    the bare record): the object sharing most top-level keys with the pact's example."""
    if not isinstance(expected, dict):
        return envelope
    want = set(expected)
    best, best_score = envelope, len(want & set(envelope)) if isinstance(envelope, dict) else -1
    frontier = [envelope]
    for _ in range(3):
        nxt = []
        for node in frontier:
            children = list(node.values()) if isinstance(node, dict) else (
                node[:1] if isinstance(node, list) else [])
            for child in children:
                if isinstance(child, dict):
                    score = len(want & set(child))
                    if score > best_score:
                        best, best_score = child, score
                if isinstance(child, dict | list):
                    nxt.append(child)
        frontier = nxt
    return best


def _message_bytes(value: Any) -> dict[str, Any]:
    return {"contents": json.dumps(value).encode("utf-8"), "metadata": None,
            "content_type": "application/json"}


def _unwrapper(system: System) -> Callable[[str, Any, Any], Any]:
    """The record inside the body a read of ``path`` returns: at the record pointer of the
    collection whose read operation serves the path (:mod:`accord.workspace.apimodel`), else the
    object that looks most like the pact's example."""
    from accord.workspace.apimodel import api_model, get_at

    reads = [c.read for c in api_model(system).collections if c.read is not None]

    def unwrap(path: str, body: Any, example: Any) -> Any:
        for read in reads:
            if read.pattern.match(path.split("?")[0]):
                found = get_at(body, read.response_pointer)
                if found is not None:
                    return found
        return _record_in(body, example)

    return unwrap


def _producer(pact: PactFile, target: Target, unwrap: Callable[..., Any] | None = None
              ) -> Callable[[str, dict[str, Any] | None], dict[str, Any]]:
    """The message handler: what the provider would send for each message interaction. With a
    simulator, the record the provider state put there, read back through its API; else the
    pact's own example."""
    examples = {i.description: i.body("contents") for i in pact.interactions
                if i.kind == "message"}

    def produce(name: str, metadata: dict[str, Any] | None) -> dict[str, Any]:
        example = examples.get(name)
        if not target.simulator:
            return _message_bytes(example)
        states = (metadata or {}).get("providerStates") or []
        path = next((s.get("params", {}).get("path") for s in states
                     if isinstance(s, dict) and isinstance(s.get("params"), dict)
                     and isinstance(s["params"].get("path"), str)), None)
        if path is None:
            return _message_bytes(example)
        request = urllib.request.Request(target.base_url.rstrip("/") + path,
                                         headers={"Accept": "application/json",
                                                  **target.headers})
        with urllib.request.urlopen(request, timeout=CONNECT_TIMEOUT) as response:
            envelope = json.loads(response.read() or b"null")
        record = unwrap(path, envelope, example) if unwrap is not None else \
            _record_in(envelope, example)
        return _message_bytes(record)

    return produce


@contextlib.contextmanager
def _message_relay(produce: Callable[[str, dict[str, Any] | None], dict[str, Any]]
                   ) -> Iterator[tuple[int, str]]:
    """The verifier's message transport: an HTTP server on 127.0.0.1 (port 0, bound here: no
    port race) answering Pact's message request (``{"description", "providerStates"}``) with
    what ``produce`` returns. (pact-python's own relay picks a port by probing and never
    closes its socket.)"""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Relay(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            try:
                length = int(self.headers.get("Content-Length") or 0)
                data = json.loads(self.rfile.read(length) or b"{}")
                description = str(data.pop("description", ""))
                message = produce(description, data)
            except Exception as exc:  # the interaction fails with the reason, never a crash
                raw = json.dumps({"error": f"{type(exc).__name__}: {exc}"}).encode()
                self.send_response(500)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)
                return
            contents: bytes = message["contents"]
            self.send_response(200)
            self.send_header("Content-Type", str(message["content_type"]))
            meta = {"contentType": str(message["content_type"])}
            self.send_header("Pact-Message-Metadata",
                             base64.b64encode(json.dumps(meta).encode()).decode())
            self.send_header("Content-Length", str(len(contents)))
            self.end_headers()
            self.wfile.write(contents)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Relay)
    thread = threading.Thread(target=server.serve_forever, name="accord message relay",
                              daemon=True)
    thread.start()
    try:
        yield int(server.server_address[1]), "/_accord/message"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


# -- running the verifier ------------------------------------------------------------------

@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """The Rust verifier prints its report to standard output (and the message relay logs to
    standard error): both go to a scratch file while it runs, so that accord's own output
    (json, junit) stays clean. Its text is read from ``Verifier.output()`` instead."""
    import sys

    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    with tempfile.TemporaryFile() as sink:
        os.dup2(sink.fileno(), 1)
        os.dup2(sink.fileno(), 2)
        try:
            yield
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])


_NULL_HANDLER = logging.NullHandler()


@dataclass
class _BrokerSource:
    url: str
    username: str | None
    password: str | None
    token: str | None
    provider_version: str
    branch: str | None


def _verify_pact(pact: PactFile, target: Target, scratch: Path,
                 broker: _BrokerSource | None = None,
                 unwrap: Callable[..., Any] | None = None) -> PactOutcome:
    from pact import Verifier

    # the Rust core logs through Python's logging ("State Change ignored ..." when a run has
    # no state URL): without a handler of the application's, Python would print it to stderr
    logging.getLogger("pact").addHandler(_NULL_HANDLER)

    started = time.monotonic()
    verified_at = datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    host = urlsplit(target.base_url).hostname or "127.0.0.1"
    verifier = Verifier(pact.provider, host=host).add_transport(url=target.base_url)
    verifier.set_coloured_output(enabled=False)
    if broker is None:
        copy = scratch / f"{pact.sha256}.json"  # exactly the bytes hashed and recorded
        copy.write_bytes(pact.raw)
        verifier.add_source(str(copy))
    else:
        if broker.token:
            verifier.broker_source(broker.url, token=broker.token, use_env=False)
        elif broker.username is not None:
            verifier.broker_source(broker.url, username=broker.username,
                                   password=broker.password or "", use_env=False)
        else:
            verifier.broker_source(broker.url, use_env=False)
        verifier.filter_consumers(pact.consumer)
        verifier.set_publish_options(broker.provider_version, branch=broker.branch)
    if target.state_url:
        verifier.state_handler(target.state_url, teardown=True, body=True)
    if target.headers:
        verifier.add_custom_headers(target.headers)
    failed = False
    with contextlib.ExitStack() as stack:
        if pact.has_messages:
            port, path = stack.enter_context(_message_relay(_producer(pact, target, unwrap)))
            verifier.add_transport(protocol="message", port=port, path=path, scheme="http")
        stack.enter_context(_quiet())
        try:
            verifier.verify()
        except RuntimeError:
            failed = True
    results = verifier.results
    failed = failed or results.get("result") is False
    mismatches = _outcome_from(pact, results, failed, target.redact)
    return PactOutcome(pact, target.environment, verified_at,
                       "failed" if failed or mismatches else "passed", mismatches,
                       len(pact.interactions), time.monotonic() - started)


def record_result(root: Path, outcome: PactOutcome) -> bool:
    """Write one result to the verification matrix (:mod:`accord.harness.matrix`, in the
    workspace database: SQLite by default, PostgreSQL with ``ACCORD_DATABASE_URL``)."""
    from accord.harness import matrix

    matrix.record(root, matrix.VerificationResult(
        pact_path=outcome.pact.display, pact_sha256=outcome.pact.sha256,
        consumer=outcome.pact.consumer, provider=outcome.pact.provider,
        environment=outcome.environment, verified_at=outcome.verified_at,
        outcome=outcome.outcome, mismatches=[m.to_dict() for m in outcome.mismatches],
        contracts=outcome.pact.contracts, mapping=outcome.pact.mapping))
    return True


@contextlib.contextmanager
def _provider(root: Path, system: System, target: Target) -> Iterator[Target]:
    """The target with a URL: the simulator started for the run, or the declared one."""
    if not target.simulator:
        _probe(system, "the provider", target.base_url)
        if target.state_url:
            _probe(system, "the provider-state URL", target.state_url)
        yield target
        return
    from accord.harness import simulator

    with simulator.running(root, system.name) as handle:
        yield Target(target.environment, str(handle.base_url), str(handle.state_url),
                     dict(target.headers), target.secrets, simulator=True)


def verify_system(root: str | Path, system_name: str, *, environment: str | None = None,
                  base_url: str | None = None, env: Mapping[str, str] | None = None,
                  record: bool = True) -> VerifyReport:
    """Verify every pact whose provider is ``system_name``. Exit-2 problems (no pacts, an
    unknown system or environment, an unset credential, an unreachable provider) raise a
    UsageError with a diagnostic; mismatches are in the report."""
    from accord.harness import broker as broker_mod
    from accord.project import load_workspace
    from accord.workspace.systems import get_system

    env = os.environ if env is None else env
    workspace = load_workspace(root)
    system = get_system(workspace.systems, system_name)
    target = resolve_target(system, environment, base_url, env)
    pacts = load_pacts(workspace.root, system.name)
    settings = broker_mod.settings_from(env)
    started = time.monotonic()
    report = VerifyReport(system.name, target.environment, target.base_url or "(simulator)")
    with _provider(workspace.root, system, target) as live, \
            tempfile.TemporaryDirectory(prefix="accord-verify-") as scratch:
        report.base_url = live.base_url
        source: _BrokerSource | None = None
        if settings is not None:
            notes, errors = broker_mod.publish_pacts(settings, pacts, env, live.redact)
            report.broker.extend(notes)
            report.errors.extend(errors)
            if not errors:
                source = _BrokerSource(settings.url, settings.username, settings.password,
                                       settings.token,
                                       broker_mod.provider_version(system, live.environment,
                                                                   env),
                                       settings.branch)
        unwrap = _unwrapper(system) if live.simulator and any(p.has_messages for p in pacts) \
            else None
        matrix_usable = record
        for pact in pacts:
            outcome = _verify_pact(pact, live, Path(scratch), source, unwrap)
            if matrix_usable:
                try:
                    outcome.recorded = record_result(workspace.root, outcome)
                except AccordError as exc:  # the database is unusable: say so once, go on
                    matrix_usable = False
                    report.errors.extend(exc.diagnostics or [Diagnostic(
                        codes.VERIFY_UNREACHABLE, f"the verification matrix: {exc}", "")])
            report.results.append(outcome)
        if source is not None:
            report.broker.append(f"verification results published to {source.url} as "
                                 f"{system.name} {source.provider_version}")
    report.seconds = time.monotonic() - started
    return report


def text_report(report: VerifyReport) -> list[str]:
    """The report for people: each pact, and under a failed one each mismatch with the field,
    expected and actual, and the mapping rules depending on it."""
    where = report.environment if report.environment == report.base_url else \
        f"{report.environment} ({report.base_url})"
    lines = [f"verify {report.system} against {where}: {len(report.results)} pact(s)"]
    for r in report.results:
        verdict = "pass" if r.outcome == "passed" else "FAIL"
        lines.append(f"  {verdict} {r.pact.consumer}  {r.pact.display}  "
                     f"{r.interactions} interaction(s)  {r.seconds:.2f}s")
        current = None
        for m in r.mismatches:
            if m.interaction != current:
                lines.append(f"    interaction: {m.interaction}")
                current = m.interaction
            lines.append(f"      {describe(m)}")
            if m.rules:
                lines.append(f"        mapping rule: {', '.join(m.rules)}")
    lines.extend(report.broker)
    failed = sum(1 for r in report.results if r.outcome == "failed")
    count = sum(len(r.mismatches) for r in report.results)
    recorded = all(r.recorded for r in report.results)
    tail = "; recorded in the verification matrix" if recorded and report.results else ""
    if failed:
        lines.append(f"{failed} of {len(report.results)} pact(s) failed, {count} "
                     f"mismatch(es) ({report.seconds:.2f}s){tail}")
    else:
        lines.append(f"all {len(report.results)} pact(s) verified ({report.seconds:.2f}s){tail}")
    return lines
