"""What every sync-state repository shares: JSON as stored, the errors for values the state
cannot record, and who an actor is by default."""

from __future__ import annotations

import getpass
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from accord.codes import Code
from accord.diagnostics import Diagnostic
from accord.errors import UsageError

__all__ = ["ACTOR_ENV", "Errors", "default_actor", "dumps", "invalid", "loads", "one_of"]

#: the environment variable naming who resolves or discards an exception (else the OS user)
ACTOR_ENV = "ACCORD_ACTOR"


def dumps(value: Any) -> str:
    """``value`` as stored: JSON with sorted keys, so equal values are equal text."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def loads(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def invalid(code: Code, message: str, *, where: str = "") -> UsageError:
    """A UsageError (exit 2) with one diagnostic of ``code`` and its hint."""
    diag = Diagnostic(code, message, where, hint=code.hint)
    return UsageError(diag.format(), diagnostics=[diag])


def one_of(code: Code, name: str, value: str, allowed: Iterable[str], *,
           where: str = "") -> str:
    """``value`` when it is one of ``allowed``; else an error naming them."""
    options = tuple(allowed)
    if value not in options:
        raise invalid(code, f"{name} {value!r} is not one of {', '.join(options)}",
                      where=where)
    return value


def default_actor() -> str:
    """``$ACCORD_ACTOR``, else the user the process runs as."""
    named = os.environ.get(ACTOR_ENV, "").strip()
    if named:
        return named
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name and no passwd entry (a bare container)
        return f"uid:{os.getuid()}" if hasattr(os, "getuid") else "unknown"


@dataclass(frozen=True)
class Errors:
    """The errors of one repository, each located in it (``where``: "ledger", ...)."""

    where: str

    def invalid(self, code: Code, message: str) -> UsageError:
        return invalid(code, message, where=self.where)

    def one_of(self, code: Code, name: str, value: str, allowed: Iterable[str]) -> str:
        return one_of(code, name, value, allowed, where=self.where)
