"""Publishing to a Pact Broker with the official Pact CLI (``pact-python-cli``'s ``pact``
binary), when ``PACT_BROKER_BASE_URL`` is set.

``accord verify`` publishes each pact it verifies (``pact broker publish FILE
--consumer-app-version V [--branch B]``), then fetches it back from the broker as the
verifier's source, so that the Rust verifier publishes the result (its publish options: the
provider version and branch). Credentials are the CLI's own variables
(``PACT_BROKER_TOKEN``, or ``PACT_BROKER_USERNAME``/``PACT_BROKER_PASSWORD``), passed in the
child's environment, never on its command line, and redacted from any output.

Versions: ``ACCORD_CONSUMER_VERSION`` (else the mapping's version plus the pact's sha256,
``1.0.0+3f2a9c1d04be``: the same pact bytes are the same consumer version), and
``ACCORD_PROVIDER_VERSION`` (else the environment plus the sha256 of the system's API
description). ``ACCORD_BRANCH`` sets the branch of both.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from accord import codes
from accord.diagnostics import Diagnostic
from accord.harness.pact_source import PactFile
from accord.workspace.systems import System

__all__ = ["BrokerSettings", "pact_cli", "provider_version", "publish_pacts", "settings_from"]

#: seconds one ``pact broker publish`` may take
PUBLISH_TIMEOUT = 120


@dataclass(frozen=True)
class BrokerSettings:
    url: str
    username: str | None
    password: str | None
    token: str | None
    branch: str | None

    @property
    def secrets(self) -> tuple[str, ...]:
        return tuple(s for s in (self.password, self.token) if s)


def settings_from(env: Mapping[str, str]) -> BrokerSettings | None:
    """The broker named by ``PACT_BROKER_BASE_URL`` (None when unset or empty)."""
    url = env.get("PACT_BROKER_BASE_URL", "").strip()
    if not url:
        return None
    return BrokerSettings(url.rstrip("/"), env.get("PACT_BROKER_USERNAME") or None,
                          env.get("PACT_BROKER_PASSWORD") or None,
                          env.get("PACT_BROKER_TOKEN") or None,
                          env.get("ACCORD_BRANCH") or None)


def pact_cli() -> str | None:
    """The ``pact`` binary of pact-python-cli: beside this Python first, then on PATH."""
    beside = Path(sys.executable).parent / "pact"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which("pact")


def consumer_version(pact: PactFile, env: Mapping[str, str]) -> str:
    given = env.get("ACCORD_CONSUMER_VERSION")
    if given:
        return given
    return f"{pact.mapping_version or '0.0.0'}+{pact.sha256[:12]}"


def provider_version(system: System, environment: str, env: Mapping[str, str]) -> str:
    given = env.get("ACCORD_PROVIDER_VERSION")
    if given:
        return given
    try:
        digest = hashlib.sha256(system.api_path.read_bytes()).hexdigest()[:12]
    except OSError:
        digest = "unknown"
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in environment)
    return f"{safe}+{digest}"


def publish_pacts(settings: BrokerSettings, pacts: list[PactFile], env: Mapping[str, str],
                  redact: Callable[[str], str]) -> tuple[list[str], list[Diagnostic]]:
    """``pact broker publish`` each pact: notes for the report, and ACC748 for each failure."""

    def clean(text: str) -> str:
        for secret in settings.secrets:
            text = text.replace(secret, "***")
        return redact(text)

    binary = pact_cli()
    if binary is None:
        return [], [Diagnostic(codes.VERIFY_PUBLISH_FAILED,
                               "PACT_BROKER_BASE_URL is set but the Pact CLI (`pact`, from "
                               "pact-python-cli) is not installed", "",
                               hint="pip install 'pact-python-cli==1!0.10.9'")]
    child_env = {k: v for k, v in os.environ.items() if not k.startswith("PACT_BROKER_")}
    for key in ("PACT_BROKER_BASE_URL", "PACT_BROKER_USERNAME", "PACT_BROKER_PASSWORD",
                "PACT_BROKER_TOKEN"):
        if env.get(key):
            child_env[key] = env[key]
    child_env.setdefault("PACT_DO_NOT_TRACK", "true")
    notes: list[str] = []
    errors: list[Diagnostic] = []
    for pact in pacts:
        version = consumer_version(pact, env)
        argv = [binary, "broker", "publish", str(pact.path), "--consumer-app-version", version,
                "--broker-base-url", settings.url, "--retries", "0"]
        if settings.branch:
            argv += ["--branch", settings.branch]
        try:
            done = subprocess.run(argv, env=child_env, capture_output=True, text=True,
                                  timeout=PUBLISH_TIMEOUT, check=False, stdin=subprocess.DEVNULL)
        except (OSError, subprocess.TimeoutExpired) as exc:
            errors.append(Diagnostic(codes.VERIFY_PUBLISH_FAILED,
                                     clean(f"pact broker publish {pact.display}: {exc}"),
                                     pact.display, hint=codes.VERIFY_PUBLISH_FAILED.hint))
            continue
        if done.returncode != 0:
            detail = clean((done.stderr or done.stdout).strip().splitlines()[-1:][0]
                           if (done.stderr or done.stdout).strip() else
                           f"exit {done.returncode}")
            errors.append(Diagnostic(codes.VERIFY_PUBLISH_FAILED,
                                     f"pact broker publish {pact.display} failed: {detail}",
                                     pact.display, hint=codes.VERIFY_PUBLISH_FAILED.hint))
            continue
        notes.append(f"published {pact.display} to {settings.url} as {pact.consumer} "
                     f"{version}")
    return notes, errors
