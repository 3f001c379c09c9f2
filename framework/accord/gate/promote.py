"""``promote``: run the gate's criteria for one contract version and, when every criterion
passes (and it is not a dry run), set its status in the YAML file (editing only the
``status:`` line, the rest of the text untouched) and append to ``contracts/registry.lock``
(sha256, time, who, verdicts)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from accord import fsio
from accord.compat import CompatResult
from accord.errors import PromotionError, UsageError
from accord.gate.criteria import DEFAULT_CRITERIA, PROMOTABLE, Criterion, GateContext, Verdict
from accord.gate.impact import Use, mapping_uses
from accord.project import Workspace
from accord.workspace.lock import RegistryLock, sha256_file

__all__ = ["PromotionResult", "promote", "promoter", "set_status_line"]


@dataclass
class PromotionResult:
    name: str
    version: str
    from_status: str
    to_status: str
    verdicts: list[Verdict]
    dry_run: bool
    previous: str | None = None
    compat: CompatResult | None = None
    uses: list[Use] = field(default_factory=list)
    sha256: str = ""
    at: str = ""
    by: str = ""
    applied: bool = False

    @property
    def passed(self) -> bool:
        return all(v.passed for v in self.verdicts)

    @property
    def reasons(self) -> list[str]:
        return [f"{v.name}: {r}" for v in self.verdicts if not v.passed for r in v.reasons]


def promoter() -> str:
    """Who promotes: ``ACCORD_USER``, else ``git config user.name``, else the login name."""
    env = os.environ.get("ACCORD_USER", "").strip()
    if env:
        return env
    try:
        out = subprocess.run(["git", "config", "user.name"], capture_output=True, text=True,
                             timeout=5, check=False)
        if out.returncode == 0 and out.stdout.strip():
            return out.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    return os.environ.get("USER", "unknown")


def set_status_line(path: Path, line: int, col: int, old: str, new: str,
                    root: Path | None = None) -> None:
    """Replace the status value at 1-based ``line``/``col`` (from the YAML positions), keeping
    every other byte of the file; written atomically, never through a symlink out of
    ``root``."""
    raw = fsio.read_text(path, root=root)
    lines = raw.splitlines(keepends=True)
    text = lines[line - 1]
    start = col - 1
    quote = text[start] if text[start:start + 1] in ("'", '"') else ""
    token = f"{quote}{old}{quote}"
    if text[start:start + len(token)] != token:
        raise PromotionError(f"{path}: expected status {old!r} at line {line}, column {col}",
                             reasons=["the file changed while promoting; run it again"])
    lines[line - 1] = text[:start] + f"{quote}{new}{quote}" + text[start + len(token):]
    fsio.write_text(path, "".join(lines), root=root)


def promote(workspace: Workspace, name: str, version: str, to: str, *, dry_run: bool = False,
            criteria: Sequence[Criterion] = DEFAULT_CRITERIA, by: str | None = None,
            now: dt.datetime | None = None) -> PromotionResult:
    """Run every criterion that guards ``to``; apply the promotion when all pass.

    Raises UsageError for an unknown contract/version or target; otherwise returns the result
    (``passed`` False when refused — the caller decides the exit code)."""
    if to not in PROMOTABLE:
        raise UsageError(f"cannot promote to {to!r}; use one of {', '.join(PROMOTABLE)}")
    lock_file = workspace.root / "contracts" / "registry.lock"
    # One promotion at a time per workspace: the gate judges, and the edits apply to, the
    # state no other promotion is changing (else concurrent promotions lose lock entries).
    with fsio.locked(lock_file, display="contracts/registry.lock",
                     busy_hint="another `accord promote` is running; run again when it ends"):
        for cached in ("contracts", "_systems", "mappings", "resolver"):  # afresh, under the lock
            workspace.__dict__.pop(cached, None)
        return _promote(workspace, name, version, to, dry_run=dry_run, criteria=criteria,
                        by=by, now=now)


def _promote(workspace: Workspace, name: str, version: str, to: str, *, dry_run: bool,
             criteria: Sequence[Criterion], by: str | None, now: dt.datetime | None
             ) -> PromotionResult:
    contract = workspace.contracts.get(name, version)
    ctx = GateContext(workspace, contract, to)
    verdicts = [c(ctx) for c in criteria if to in c.applies_to]
    result = PromotionResult(name, version, contract.status, to, verdicts, dry_run,
                             previous=ctx.previous.version if ctx.previous else None,
                             uses=mapping_uses(workspace, name))
    if ctx.released_history:
        result.compat = ctx.compat
    result.by = by or promoter()
    result.at = (now or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    if not result.passed or dry_run:
        result.sha256 = contract.sha256
        return result
    pos = contract.document.position("/x-accord/status")
    if "status" not in contract.x_accord:
        raise PromotionError(f"{contract.display}: x-accord has no status line to update",
                             reasons=["add `status: draft` to the x-accord block"])
    # The contract first, the lock last (each replaced atomically): a crash in between leaves
    # a contract whose status has no lock entry, which `accord check` reports (ACC109).
    set_status_line(contract.path, pos.line, pos.col, contract.status, to, workspace.root)
    result.sha256 = sha256_file(contract.path, workspace.root)
    lock = RegistryLock.load(workspace.root / "contracts" / "registry.lock")
    lock.record(name, version, sha256=result.sha256, status=to, at=result.at,
                by=result.by, verdicts={v.name: v.label for v in verdicts})
    lock.save()
    result.applied = True
    return result
