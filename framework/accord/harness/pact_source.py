"""The pacts a provider is verified against: ``generated/pacts/**/*.json`` whose provider is the
system, read through :mod:`accord.fsio` (workspace files are untrusted) and parsed once.

A pact is a V4 pact file as ``accord pacts`` writes it; ``metadata.accord`` carries the mapping,
its version, direction, the canonical contracts it involves and ``rules``: for each interaction
description, the JSON path of each body field and the mapping rule (``file:line``) reading or
writing it. A pact without ``metadata.accord`` still verifies; its mismatches name no rule.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from accord import codes, fsio
from accord.diagnostics import Diagnostic
from accord.errors import LoadError, UsageError
from accord.jsondoc import TooDeep, loads_bounded

__all__ = ["PACTS_DIR", "Interaction", "PactFile", "load_pacts"]

PACTS_DIR = Path("generated") / "pacts"
_MAX_DEPTH = 64


@dataclass(frozen=True)
class Interaction:
    """One interaction of a pact: HTTP (``request``/``response``) or an asynchronous message
    (``contents``)."""

    description: str
    kind: str  # "http" | "message"
    data: dict[str, Any]

    @property
    def states(self) -> list[dict[str, Any]]:
        states = self.data.get("providerStates") or []
        return [s for s in states if isinstance(s, dict)]

    def body(self, part: str) -> Any:
        """The example body of ``request``/``response`` (HTTP) or the message ``contents``."""
        holder = self.data.get("contents") if part == "contents" else \
            (self.data.get(part) or {}).get("body")
        if not isinstance(holder, dict) or "content" not in holder:
            return None
        content = holder["content"]
        if isinstance(content, str) and holder.get("encoded") is False \
                and "json" in str(holder.get("contentType", "")):
            try:
                return json.loads(content)
            except ValueError:
                return content
        return content


@dataclass(frozen=True)
class PactFile:
    path: Path
    display: str
    raw: bytes
    data: dict[str, Any]
    consumer: str
    provider: str
    interactions: list[Interaction] = field(default_factory=list)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.raw).hexdigest()

    @property
    def accord(self) -> dict[str, Any]:
        meta = (self.data.get("metadata") or {}).get("accord")
        return meta if isinstance(meta, dict) else {}

    @property
    def mapping(self) -> str:
        return str(self.accord.get("mapping", ""))

    @property
    def mapping_version(self) -> str:
        return str(self.accord.get("mapping_version", ""))

    @property
    def contracts(self) -> list[str]:
        found = self.accord.get("contracts") or []
        return [str(c) for c in found] if isinstance(found, list) else []

    def rules(self, description: str) -> dict[str, str]:
        """JSON path -> ``file:line`` of the rules behind one interaction's fields."""
        table = (self.accord.get("rules") or {}).get(description) or {}
        return {str(k): str(v) for k, v in table.items()} if isinstance(table, dict) else {}

    @property
    def has_messages(self) -> bool:
        return any(i.kind == "message" for i in self.interactions)


def _unusable(display: str, message: str) -> Diagnostic:
    return Diagnostic(codes.VERIFY_PACT_UNREADABLE, message, display,
                      hint=codes.VERIFY_PACT_UNREADABLE.hint)


def _parse(root: Path, path: Path) -> tuple[PactFile | None, Diagnostic | None]:
    display = fsio.display_path(path, root)
    try:
        raw = fsio.read_bytes(path, root=root, display=display)
    except LoadError as exc:
        return None, (exc.diagnostics[0] if exc.diagnostics else _unusable(display, str(exc)))
    try:
        data = loads_bounded(raw.decode("utf-8"), _MAX_DEPTH)
    except TooDeep:
        return None, _unusable(display, f"nested deeper than {_MAX_DEPTH} levels")
    except (UnicodeDecodeError, ValueError) as exc:
        return None, _unusable(display, f"not JSON: {exc}")
    if not isinstance(data, dict):
        return None, _unusable(display, "not a pact (a JSON object with consumer, provider "
                                        "and interactions)")
    consumer = (data.get("consumer") or {}).get("name") if isinstance(data.get("consumer"),
                                                                      dict) else None
    provider = (data.get("provider") or {}).get("name") if isinstance(data.get("provider"),
                                                                      dict) else None
    raw_interactions = data.get("interactions")
    if not isinstance(consumer, str) or not isinstance(provider, str) \
            or not isinstance(raw_interactions, list):
        return None, _unusable(display, "not a pact: consumer.name, provider.name and "
                                        "interactions are required")
    interactions = []
    for item in raw_interactions:
        if not isinstance(item, dict) or not isinstance(item.get("description"), str):
            return None, _unusable(display, "an interaction without a description")
        kind = "message" if "Asynchronous" in str(item.get("type", "")) or (
            "contents" in item and "request" not in item) else "http"
        interactions.append(Interaction(item["description"], kind, item))
    return PactFile(path, display, raw, data, consumer, provider, interactions), None


def _scan(root: str | Path) -> list[PactFile]:
    """Every pact under ``generated/pacts``, by path; one that cannot be read is ACC749 (a
    UsageError: exit 2)."""
    base = Path(root)
    folder = base / PACTS_DIR
    found: list[PactFile] = []
    problems: list[Diagnostic] = []
    files = sorted(p for p in folder.rglob("*.json")) if folder.is_dir() else []
    for path in files:
        pact, problem = _parse(base, path)
        if problem is not None:
            problems.append(problem)
        elif pact is not None:
            found.append(pact)
    if problems:
        raise UsageError(f"{len(problems)} pact file(s) cannot be used", diagnostics=problems)
    return found


def pact_providers(root: str | Path) -> list[str]:
    """The systems the pacts under ``generated/pacts`` name as provider, sorted."""
    return sorted({pact.provider for pact in _scan(root)})


def load_pacts(root: str | Path, system: str) -> list[PactFile]:
    """Every pact under ``generated/pacts`` whose provider is ``system``, by path. A pact that
    cannot be read is ACC749 (a UsageError: exit 2), and so is finding none (ACC741)."""
    found = [pact for pact in _scan(root) if pact.provider == system]
    if not found:
        diag = Diagnostic(codes.VERIFY_NO_PACTS,
                          f"no pact in {PACTS_DIR.as_posix()}/ has provider {system!r}",
                          PACTS_DIR.as_posix(), hint=codes.VERIFY_NO_PACTS.hint)
        raise UsageError(diag.message, diagnostics=[diag])
    return found
