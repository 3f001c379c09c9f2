"""``contracts/registry.lock``: the record of every promoted contract version.

The lock is JSON (stable key order, one trailing newline) so that tools and reviewers read it
alike::

    {
      "accord": "registry-lock/v1",
      "contracts": {
        "project": {
          "1.0.0": {
            "sha256": "<sha256 of the file's bytes when it was released>",
            "status": "released",
            "history": [
              {"status": "released", "at": "2026-11-22T04:00:00Z", "by": "ana",
               "sha256": "...", "verdicts": {"check": "pass", ...}}
            ]
          }
        }
      }
    }

A released version's file must keep that sha256 forever: released contracts are immutable.
Writes are atomic (temp file + rename) so an interrupted promotion never corrupts the lock.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from accord import codes, fsio
from accord.diagnostics import Diagnostic, relative
from accord.errors import LoadError
from accord.jsondoc import TooDeep, loads_bounded
from accord.workspace.yamlio import MAX_DEPTH

__all__ = ["LOCK_FORMAT", "LockEntry", "RegistryLock", "sha256_file"]

LOCK_FORMAT = "registry-lock/v1"


def sha256_file(path: Path, root: Path | None = None) -> str:
    return hashlib.sha256(fsio.read_bytes(path, root=root, display=relative(path))).hexdigest()


@dataclass
class LockEntry:
    name: str
    version: str
    sha256: str
    status: str
    history: list[dict[str, Any]] = field(default_factory=list)
    #: a deprecated version's last day of use (``YYYY-MM-DD``), when one was set
    sunset: str = ""

    def to_dict(self) -> dict[str, Any]:
        out = {"sha256": self.sha256, "status": self.status, "history": self.history}
        return {**out, "sunset": self.sunset} if self.sunset else out


@dataclass
class RegistryLock:
    path: Path
    entries: dict[tuple[str, str], LockEntry] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> RegistryLock:
        """Read the lock; a missing file is an empty lock, a malformed one a LoadError."""
        lock = cls(path)
        if not os.path.lexists(path):
            return lock
        shown = relative(path)
        try:
            data = loads_bounded(fsio.read_text(path, root=path.parent.parent, display=shown),
                                 MAX_DEPTH)
        except TooDeep as exc:
            diag = Diagnostic(codes.TOO_DEEP,
                              f"registry.lock nests more than {exc.limit} levels deep",
                              shown, exc.line, exc.col,
                              hint="restore the file from version control; it is written by "
                                   "`accord promote`, not by hand")
            raise LoadError(diag.format(), diagnostics=[diag]) from None
        except json.JSONDecodeError as exc:
            line = getattr(exc, "lineno", 0)
            col = getattr(exc, "colno", 0)
            diag = Diagnostic(codes.LOCK_UNREADABLE,
                              f"registry.lock is not valid JSON: {exc}", shown, line, col,
                              hint="restore the file from version control; it is written by "
                                   "`accord promote`, not by hand")
            raise LoadError(diag.format(), diagnostics=[diag]) from None
        if not isinstance(data, dict) or data.get("accord") != LOCK_FORMAT or not isinstance(
            data.get("contracts"), dict
        ):
            diag = Diagnostic(codes.LOCK_UNREADABLE,
                              f"registry.lock is not a {LOCK_FORMAT} document", shown, 1,
                              1, hint="restore the file from version control")
            raise LoadError(diag.format(), diagnostics=[diag])
        for name, versions in data["contracts"].items():
            for version, entry in (versions or {}).items():
                lock.entries[(name, version)] = LockEntry(
                    name, version, str(entry.get("sha256", "")), str(entry.get("status", "")),
                    list(entry.get("history", [])), str(entry.get("sunset") or ""),
                )
        return lock

    def get(self, name: str, version: str) -> LockEntry | None:
        return self.entries.get((name, version))

    def record(self, name: str, version: str, *, sha256: str, status: str, at: str, by: str,
               verdicts: dict[str, Any] | None = None, sunset: str | None = None) -> LockEntry:
        """Record a status change of ``name@version`` (appending to its history)."""
        entry = self.entries.get((name, version))
        event: dict[str, Any] = {"status": status, "at": at, "by": by, "sha256": sha256,
                                 "verdicts": dict(verdicts or {})}
        if sunset:
            event["sunset"] = sunset
        if entry is None:
            entry = LockEntry(name, version, sha256, status, [event])
            self.entries[(name, version)] = entry
        else:
            entry.status = status
            if status in ("released", "deprecated"):
                # deprecating edits the status line: the new bytes are the immutable ones
                entry.sha256 = sha256
            entry.history.append(event)
        if sunset:
            entry.sunset = sunset
        return entry

    def to_dict(self) -> dict[str, Any]:
        contracts: dict[str, dict[str, Any]] = {}
        for (name, version), entry in sorted(self.entries.items()):
            contracts.setdefault(name, {})[version] = entry.to_dict()
        return {"accord": LOCK_FORMAT, "contracts": contracts}

    def save(self) -> None:
        """Write the lock atomically (temp file, fsync, rename), inside the workspace only."""
        text = json.dumps(self.to_dict(), indent=2, sort_keys=True) + "\n"
        root = self.path.parent.parent
        fsio.make_dirs(self.path.parent, root=root)
        fsio.write_text(self.path, text, root=root, display=relative(self.path))
