"""``promote``: run the gate's criteria for one contract version and, when every criterion
passes (and it is not a dry run), set its status in the YAML file (editing only the
``status:`` line, the rest of the text untouched) and append to ``contracts/registry.lock``
(sha256, time, who, verdicts). Deprecating may set a sunset date: a ``sunset:`` line is added
after the status line (and recorded in the lock).

``environment`` names where the ``verification`` criterion wants the pacts verified (``local``
by default). ``waivers`` (criterion -> reason, only criteria in
:data:`~accord.gate.criteria.WAIVABLE` that guard the target) turn that criterion's failure
into ``waived``: the promotion proceeds and the lock event records the waiver (who, when, why
and the reasons it overrode); a waiver the promotion did not need is reported as unused and
not recorded."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from accord import codes, fsio
from accord.compat import CompatResult
from accord.diagnostics import Diagnostic
from accord.errors import PromotionError, UsageError
from accord.gate.criteria import (
    DEFAULT_CRITERIA,
    DEFAULT_ENVIRONMENT,
    PROMOTABLE,
    WAIVABLE,
    Criterion,
    GateContext,
    Verdict,
)
from accord.gate.impact import Use, mapping_uses
from accord.project import Workspace
from accord.workspace.contracts import Contract
from accord.workspace.lock import PromotionJournal, RegistryLock

__all__ = ["PromotionResult", "promote", "promoter", "set_status_line", "set_sunset"]


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
    sunset: str | None = None
    environment: str = DEFAULT_ENVIRONMENT
    #: waivers used: criterion -> {"by", "at", "reason", "reasons"} (recorded in the lock)
    waivers: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: waivers given that no failure needed (criterion -> reason); not recorded
    unused_waivers: dict[str, str] = field(default_factory=dict)

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
    fsio.write_text(path, with_status(fsio.read_text(path, root=root), path, line, col, old,
                                      new), root=root)


def with_status(raw: str, path: Path, line: int, col: int, old: str, new: str) -> str:
    """``raw`` (a contract's text) with the status value at ``line``/``col`` replaced."""
    lines = raw.splitlines(keepends=True)
    text = lines[line - 1]
    start = col - 1
    quote = text[start] if text[start:start + 1] in ("'", '"') else ""
    token = f"{quote}{old}{quote}"
    if text[start:start + len(token)] != token:
        raise PromotionError(f"{path}: expected status {old!r} at line {line}, column {col}",
                             reasons=["the file changed while promoting; run it again"])
    lines[line - 1] = text[:start] + f"{quote}{new}{quote}" + text[start + len(token):]
    return "".join(lines)


def set_sunset(contract: Contract, sunset: str, root: Path | None = None) -> None:
    """Write ``sunset: 'YYYY-MM-DD'`` into the contract's x-accord block (atomically)."""
    raw = fsio.read_text(contract.path, root=root)
    fsio.write_text(contract.path, with_sunset(raw, contract, sunset), root=root)


def with_sunset(raw: str, contract: Contract, sunset: str) -> str:
    """``raw`` (the contract's text) with ``sunset: 'YYYY-MM-DD'`` in its x-accord block: the
    value replaced when there is one, else a line after the ``status:`` line (or, in a flow
    mapping, an entry after the status value). Every other byte stays; the status keeps its
    line and column, so :func:`with_status` applies after it."""
    doc = contract.document
    if "sunset" in contract.x_accord:
        pos = doc.position("/x-accord/sunset")
        return with_status(raw, contract.path, pos.line, pos.col,
                           str(contract.x_accord["sunset"]), sunset)
    key = doc.position("/x-accord/status", key=True)
    lines = raw.splitlines(keepends=True)
    text = lines[key.line - 1]
    if text[:key.col - 1].strip():  # flow style: {version: 1.0.0, status: released, ...}
        start = doc.position("/x-accord/status").col - 1
        quoted = text[start] in "'\""
        end = text.index(text[start], start + 1) + 1 if quoted else start
        while not quoted and end < len(text) and text[end] not in ",}# \r\n":
            end += 1
        lines[key.line - 1] = text[:end] + f", sunset: '{sunset}'" + text[end:]
    else:
        body = text.rstrip("\r\n")
        ending = text[len(body):] or "\n"
        if not text.endswith(("\n", "\r")):
            lines[key.line - 1] = body + ending
        lines.insert(key.line, f"{text[:key.col - 1]}sunset: '{sunset}'{ending}")
    return "".join(lines)


def _usage(code: codes.Code, message: str) -> UsageError:
    diag = Diagnostic(code, message, hint=code.hint)
    return UsageError(diag.format(), diagnostics=[diag])


def check_waivers(waivers: Mapping[str, str], to: str,
                  criteria: Sequence[Criterion] = DEFAULT_CRITERIA) -> dict[str, str]:
    """The waivers, each a criterion that may be waived and guards ``to``, with a reason."""
    out = {}
    for name, reason in waivers.items():
        if name not in WAIVABLE:
            raise _usage(codes.WAIVER_NOT_APPLICABLE,
                         f"--waive {name}: only {', '.join(WAIVABLE)} can be waived")
        if not any(c.name == name and to in c.applies_to for c in criteria):
            raise _usage(codes.WAIVER_NOT_APPLICABLE,
                         f"--waive {name}: {name} does not guard --to {to}")
        if not (reason or "").strip():
            raise _usage(codes.WAIVER_NEEDS_REASON,
                         f"--waive {name} needs --reason TEXT: the lock records why")
        out[name] = reason.strip()
    return out


def promote(workspace: Workspace, name: str, version: str, to: str, *, dry_run: bool = False,
            criteria: Sequence[Criterion] = DEFAULT_CRITERIA, by: str | None = None,
            now: dt.datetime | None = None, sunset: dt.date | None = None,
            environment: str = DEFAULT_ENVIRONMENT,
            waivers: Mapping[str, str] | None = None) -> PromotionResult:
    """Run every criterion that guards ``to``; apply the promotion when all pass.

    ``sunset`` (only with ``to="deprecated"``, not before today) is the last day mappings may
    use the version: ``accord check`` warns about them until then and fails after it.

    Raises UsageError for an unknown contract/version or target; otherwise returns the result
    (``passed`` False when refused — the caller decides the exit code)."""
    if to not in PROMOTABLE:
        raise UsageError(f"cannot promote to {to!r}; use one of {', '.join(PROMOTABLE)}")
    moment = now or dt.datetime.now(dt.UTC)
    if sunset is not None and to != "deprecated":
        raise UsageError(f"--sunset goes with --to deprecated, not --to {to}")
    if sunset is not None and sunset < moment.date():
        raise UsageError(f"sunset {sunset.isoformat()} is in the past (today is "
                         f"{moment.date().isoformat()}); give the users of "
                         f"{name}@{version} a date to move by")
    if not environment.strip():
        raise UsageError("--env needs an environment name (e.g. local)")
    waived = check_waivers(waivers or {}, to, criteria)
    lock_file = workspace.root / "contracts" / "registry.lock"
    # One promotion at a time per workspace: the gate judges, and the edits apply to, the
    # state no other promotion is changing (else concurrent promotions lose lock entries).
    with fsio.locked(lock_file, display="contracts/registry.lock",
                     busy_hint="another `accord promote` is running; run again when it ends"):
        if not dry_run:  # a promotion killed between its two writes is finished first
            PromotionJournal(workspace.root).recover()
        for cached in ("contracts", "_systems", "mappings", "resolver"):  # afresh, under the lock
            workspace.__dict__.pop(cached, None)
        return _promote(workspace, name, version, to, dry_run=dry_run, criteria=criteria,
                        by=by, moment=moment, sunset=sunset, environment=environment,
                        waivers=waived)


def _promote(workspace: Workspace, name: str, version: str, to: str, *, dry_run: bool,
             criteria: Sequence[Criterion], by: str | None, moment: dt.datetime,
             sunset: dt.date | None, environment: str,
             waivers: dict[str, str]) -> PromotionResult:
    contract = workspace.contracts.get(name, version)
    ctx = GateContext(workspace, contract, to, environment)
    who = by or promoter()
    at = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    verdicts, used, unused = [], {}, {}
    for criterion in criteria:
        if to not in criterion.applies_to:
            continue
        verdict = criterion(ctx)
        reason = waivers.get(verdict.name)
        if reason is not None and not verdict.passed:
            used[verdict.name] = {"by": who, "at": at, "reason": reason,
                                  "reasons": list(verdict.reasons)}
            verdict = replace(verdict, passed=True, waived=True, reasons=[
                *verdict.reasons, f"waived by {who} at {at}: {reason}"])
        elif reason is not None:
            unused[verdict.name] = reason
        verdicts.append(verdict)
    result = PromotionResult(name, version, contract.status, to, verdicts, dry_run,
                             previous=ctx.previous.version if ctx.previous else None,
                             uses=mapping_uses(workspace, name), environment=environment,
                             waivers=used, unused_waivers=unused)
    if ctx.released_history:
        result.compat = ctx.compat
    result.by = who
    result.at = at
    result.sunset = sunset.isoformat() if sunset else None
    if not result.passed or dry_run:
        result.sha256 = contract.sha256
        return result
    pos = contract.document.position("/x-accord/status")
    if "status" not in contract.x_accord:
        raise PromotionError(f"{contract.display}: x-accord has no status line to update",
                             reasons=["add `status: draft` to the x-accord block"])
    # The journal, then the contract, then the lock, then no journal (each write atomic): a
    # kill at any point leaves old or new files, and the journal says how to finish.
    root = workspace.root
    raw = fsio.read_text(contract.path, root=root, display=contract.display)
    text = with_sunset(raw, contract, result.sunset) if result.sunset else raw
    text = with_status(text, contract.path, pos.line, pos.col, contract.status, to)
    result.sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()
    lock = RegistryLock.load(root / "contracts" / "registry.lock")
    lock.record(name, version, sha256=result.sha256, status=to, at=result.at,
                by=result.by, verdicts={v.name: v.label for v in verdicts},
                sunset=result.sunset, notes={v.name: v.note for v in verdicts if v.note},
                waivers=result.waivers,
                environment=environment if any(v.name == "verification" for v in verdicts)
                else None)
    journal = PromotionJournal(root)
    journal.begin(contract.path, hashlib.sha256(raw.encode("utf-8")).hexdigest(),
                  result.sha256, lock)
    fsio.write_text(contract.path, text, root=root, display=contract.display)
    lock.save()
    journal.end()
    result.applied = True
    return result
