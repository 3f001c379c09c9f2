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
               "sha256": "...", "verdicts": {"check": "pass", "verification": "waived", ...},
               "environment": "local",
               "notes": {"verification": "1 of 2 pact(s) ... not verified against local"},
               "waivers": {"verification": {"by": "ana", "at": "2026-11-22T04:00:00Z",
                                            "reason": "...", "reasons": ["..."]}}}
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

__all__ = ["LOCK_FORMAT", "LockEntry", "PromotionJournal", "RegistryLock", "sha256_file"]

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
               verdicts: dict[str, Any] | None = None, sunset: str | None = None,
               notes: dict[str, str] | None = None,
               waivers: dict[str, dict[str, Any]] | None = None,
               environment: str | None = None) -> LockEntry:
        """Record a status change of ``name@version`` (appending to its history). ``notes``
        (criterion -> what it found, e.g. "no pact involves project@1.1.0"), ``waivers``
        (criterion -> who, when, why and the reasons waived) and the ``environment`` the
        verification was judged against are kept on the event when given."""
        entry = self.entries.get((name, version))
        event: dict[str, Any] = {"status": status, "at": at, "by": by, "sha256": sha256,
                                 "verdicts": dict(verdicts or {})}
        if sunset:
            event["sunset"] = sunset
        if environment:
            event["environment"] = environment
        if notes:
            event["notes"] = dict(notes)
        if waivers:
            event["waivers"] = {k: dict(v) for k, v in waivers.items()}
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

    def text(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=True) + "\n"

    def save(self) -> None:
        """Write the lock atomically (temp file, fsync, rename), inside the workspace only."""
        root = self.path.parent.parent
        fsio.make_dirs(self.path.parent, root=root)
        fsio.write_text(self.path, self.text(), root=root, display=relative(self.path))


#: Beside registry.lock while a promotion writes the contract and the lock.
JOURNAL = ".registry.lock.journal"


@dataclass
class PromotionJournal:
    """The intent of one promotion, written before its two files change and removed after.

    A promotion rewrites a contract's status line and then ``registry.lock`` (each atomically).
    A crash (kill -9) between the two leaves the journal: :meth:`recover` then completes the
    promotion when the contract holds the new bytes (writing the lock the journal carries), or
    drops the journal when it still holds the old ones. Every ``accord promote`` recovers
    first; ``accord check`` reports a journal it finds (ACC016)."""

    root: Path

    @property
    def path(self) -> Path:
        return self.root / "contracts" / JOURNAL

    def begin(self, contract: Path, before: str, after: str, lock: RegistryLock) -> None:
        record = {"contract": contract.relative_to(self.root).as_posix(), "before": before,
                  "after": after, "lock": lock.text()}
        fsio.write_text(self.path, json.dumps(record, indent=2) + "\n", root=self.root,
                        display=f"contracts/{JOURNAL}")

    def end(self) -> None:
        fsio.remove(self.path, root=self.root, display=f"contracts/{JOURNAL}")

    def pending(self) -> dict[str, str] | None:
        """The interrupted promotion, or None; a journal that is not one is a LoadError."""
        if not os.path.lexists(self.path):
            return None
        shown = f"contracts/{JOURNAL}"
        try:
            data = json.loads(fsio.read_text(self.path, root=self.root, display=shown))
        except ValueError:
            data = None
        if not isinstance(data, dict) or not all(isinstance(data.get(k), str) for k in
                                                 ("contract", "before", "after", "lock")):
            diag = Diagnostic(codes.PROMOTION_INTERRUPTED,
                              "the journal of an interrupted promotion is "
                              "unreadable", shown, 1, 1, hint="restore contracts/ and "
                              "registry.lock from version control, then delete this file")
            raise LoadError(diag.format(), diagnostics=[diag])
        return {k: str(v) for k, v in data.items()}

    def diagnostic(self) -> Diagnostic | None:
        """ACC016 when a promotion was interrupted (for ``accord check``)."""
        try:
            pending = self.pending()
        except LoadError as exc:
            return exc.diagnostics[0]
        if pending is None:
            return None
        return Diagnostic(codes.PROMOTION_INTERRUPTED, f"a promotion of {pending['contract']} was "
                          "interrupted between writing the contract and registry.lock",
                          f"contracts/{JOURNAL}", 1, 1, hint="run `accord promote` again (any "
                          "contract): it completes or rolls back the interrupted one first")

    def recover(self) -> str | None:
        """Finish an interrupted promotion: ``"completed"``, ``"rolled back"`` or None when
        there was none. Call it under the registry lock."""
        pending = self.pending()
        if pending is None:
            return None
        contract = self.root / pending["contract"]
        current = sha256_file(contract, self.root) if os.path.lexists(contract) else ""
        if current == pending["after"]:
            lock_path = self.root / "contracts" / "registry.lock"
            fsio.write_text(lock_path, pending["lock"], root=self.root,
                            display="contracts/registry.lock")
            outcome = "completed"
        elif current == pending["before"]:
            outcome = "rolled back"
        else:
            diag = Diagnostic(codes.PROMOTION_INTERRUPTED,
                              f"a promotion of {pending['contract']} was "
                              "interrupted and the contract has changed since",
                              f"contracts/{JOURNAL}", 1, 1,
                              hint="restore the contract from version control (or set its "
                                   "status back), then delete this file")
            raise LoadError(diag.format(), diagnostics=[diag])
        self.end()
        return outcome
