"""The verification matrix: which pact was verified against which environment, when, and how.

Every provider verification (``accord verify``) records a :class:`VerificationResult` in the
workspace database (:mod:`accord.store`): the pact file and the sha256 of its bytes, consumer,
provider, environment, time, outcome and mismatches. :func:`can_i_deploy` answers from it, the
way the Pact Broker's ``can-i-deploy`` does, but from the pact files in the workspace:

* the pacts that involve ``contract@version`` are the files under ``generated/pacts/`` whose
  ``metadata.accord.contracts`` names it;
* each must have a **passing** latest verification against the environment **for its current
  sha256**: a pact that changed since it was verified does not count (it is a different
  contract), and a later failed verification of the same bytes overrides an earlier pass;
* a mapping that talks to a system with that contract version but has no pact naming it is a
  "no pact" row (the pact was never derived, or is stale): that is a no as well;
* when no pact involves the version and no mapping needs one, the answer is yes, and says so
  ("no pact involves project@1.1.0: nothing to verify"), as Pact's can-i-deploy answers yes when
  a version has no integrations. It is never a pass by silence.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from accord import codes, fsio
from accord.codes import Code
from accord.diagnostics import Diagnostic, JUnitCase
from accord.errors import AccordError, UsageError
from accord.jsondoc import TooDeep, loads_bounded
from accord.store import Store, open_store, utc_now

if TYPE_CHECKING:
    from accord.project import Workspace

__all__ = ["OUTCOMES", "PACTS_DIR", "Decision", "PactFile", "PactStatus", "VerificationResult",
           "can_i_deploy", "junit_decision_cases", "latest", "pact_files", "record"]

OUTCOMES = ("passed", "failed")
#: where the pact files are, relative to the workspace root
PACTS_DIR = "generated/pacts"
_SHA256 = re.compile(r"[0-9a-f]{64}")
_MAX_DEPTH = 256


@dataclass(frozen=True)
class VerificationResult:
    """One verification of one pact file against one environment."""

    pact_path: str  # workspace-relative, e.g. generated/pacts/time-to-actuals/harvest.json
    pact_sha256: str  # of the pact file's bytes when it was verified
    consumer: str
    provider: str
    environment: str
    verified_at: str  # UTC ISO 8601 (stored as YYYY-MM-DDTHH:MM:SS.ffffffZ)
    outcome: str  # "passed" | "failed"
    mismatches: list[dict[str, Any]] = field(default_factory=list)
    contracts: list[str] = field(default_factory=list)  # ["project@1.1.0", ...]
    mapping: str = ""  # mappings/<flow>/<stem>.yaml

    @property
    def passed(self) -> bool:
        return self.outcome == "passed"

    @property
    def when(self) -> str:
        """``verified_at`` to the second, for people."""
        return self.verified_at[:19] + "Z" if len(self.verified_at) >= 19 else self.verified_at

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _invalid(message: str) -> UsageError:
    diag = Diagnostic(codes.VERIFICATION_INVALID, message,
                      hint=codes.VERIFICATION_INVALID.hint)
    return UsageError(diag.format(), diagnostics=[diag])


def _utc(value: str) -> str:
    try:
        moment = dt.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise _invalid(f"verified_at {value!r} is not an ISO 8601 time") from None
    if moment.tzinfo is None:
        raise _invalid(f"verified_at {value!r} has no time zone (write it in UTC: ...Z)")
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _relative(root: Path, path: str) -> str:
    p = Path(path)
    if p.is_absolute():
        if not fsio.inside(p, root):
            raise _invalid(f"pact_path {path!r} is outside the workspace")
        p = Path(p.resolve().relative_to(root.resolve()))
    if ".." in p.parts or not p.parts:
        raise _invalid(f"pact_path {path!r} must be a path inside the workspace")
    return p.as_posix()


def _normalised(root: Path, result: VerificationResult) -> VerificationResult:
    if result.outcome not in OUTCOMES:
        raise _invalid(f"outcome {result.outcome!r} is not one of {', '.join(OUTCOMES)}")
    if not _SHA256.fullmatch(result.pact_sha256):
        raise _invalid(f"pact_sha256 {result.pact_sha256!r} is not a lower-case sha256")
    for name in ("consumer", "provider", "environment"):
        if not str(getattr(result, name)).strip():
            raise _invalid(f"{name} is empty")
    try:
        json.dumps(result.mismatches)
    except (TypeError, ValueError):
        raise _invalid("mismatches must be JSON (a list of objects)") from None
    return VerificationResult(
        _relative(root, result.pact_path), result.pact_sha256, result.consumer,
        result.provider, result.environment, _utc(result.verified_at), result.outcome,
        list(result.mismatches), [str(c) for c in result.contracts], result.mapping)


_COLUMNS = ("pact_path, pact_sha256, consumer, provider, environment, verified_at, outcome, "
            "mismatches, contracts, mapping")


def _from_row(row: Sequence[Any]) -> VerificationResult:
    return VerificationResult(str(row[0]), str(row[1]), str(row[2]), str(row[3]), str(row[4]),
                              str(row[5]), str(row[6]), json.loads(row[7]), json.loads(row[8]),
                              str(row[9]))


class _Using:
    """The store a call was given, or one opened (and closed) for the call."""

    def __init__(self, root: Path, store: Store | None) -> None:
        self.root, self.given, self.store = root, store, store

    def __enter__(self) -> Store:
        if self.store is None:
            self.store = open_store(self.root)
        return self.store

    def __exit__(self, *exc: object) -> None:
        if self.given is None and self.store is not None:
            self.store.close()


def record(workspace_root: str | Path, result: VerificationResult, *,
           store: Store | None = None) -> VerificationResult:
    """Append ``result`` to the matrix (``verified_at`` normalised to UTC microseconds,
    ``pact_path`` to a workspace-relative path); returns what was stored."""
    root = Path(workspace_root)
    stored = _normalised(root, result)
    with _Using(root, store) as db, db.transaction():
        db.execute(f"INSERT INTO accord_verifications ({_COLUMNS}, recorded_at) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   (stored.pact_path, stored.pact_sha256, stored.consumer, stored.provider,
                    stored.environment, stored.verified_at, stored.outcome,
                    json.dumps(stored.mismatches, sort_keys=True),
                    json.dumps(stored.contracts), stored.mapping, utc_now()))
    return stored


def latest(workspace_root: str | Path, *, environment: str | None = None,
           pact_paths: Iterable[str] | None = None, by_sha256: bool = False,
           store: Store | None = None) -> list[VerificationResult]:
    """The newest verification of each pact file (per environment; per pact sha256 too with
    ``by_sha256``), optionally only for ``environment`` and ``pact_paths``; newest first by
    ``verified_at`` (the insertion order breaks ties)."""
    where, params = [], []
    if environment is not None:
        where.append("environment = ?")
        params.append(environment)
    paths = sorted(set(pact_paths)) if pact_paths is not None else None
    if paths is not None:
        if not paths:
            return []
        where.append(f"pact_path IN ({', '.join('?' * len(paths))})")
        params.extend(paths)
    partition = "pact_path, environment" + (", pact_sha256" if by_sha256 else "")
    sql = (f"SELECT {_COLUMNS} FROM (SELECT {_COLUMNS}, ROW_NUMBER() OVER (PARTITION BY "
           f"{partition} ORDER BY verified_at DESC, id DESC) AS newest FROM "
           f"accord_verifications{' WHERE ' + ' AND '.join(where) if where else ''}) ranked "
           "WHERE newest = 1 ORDER BY verified_at DESC, pact_path")
    with _Using(Path(workspace_root), store) as db:
        return [_from_row(row) for row in db.query(sql, params)]


# -- pact files -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class PactFile:
    """A pact file under generated/pacts/ and what its ``metadata.accord`` says."""

    path: str  # workspace-relative
    sha256: str
    consumer: str
    provider: str
    mapping: str
    contracts: tuple[str, ...]


def _pact_problem(shown: str, why: str) -> Diagnostic:
    return Diagnostic(codes.PACT_UNREADABLE, f"{why}", shown, hint=codes.PACT_UNREADABLE.hint)


def _read_pact(root: Path, path: Path) -> PactFile | Diagnostic | None:
    shown = path.relative_to(root).as_posix()
    try:
        data = fsio.read_bytes(path, root=root, display=shown)
    except AccordError as exc:
        return exc.diagnostics[0] if exc.diagnostics else _pact_problem(shown, str(exc))
    try:
        doc = loads_bounded(data.decode("utf-8"), _MAX_DEPTH)
    except TooDeep as exc:
        return _pact_problem(shown, f"nests more than {exc.limit} levels deep")
    except (UnicodeDecodeError, ValueError) as exc:
        return _pact_problem(shown, f"is not JSON: {exc}")
    meta = doc.get("metadata") if isinstance(doc, dict) else None
    if not isinstance(doc, dict) or not isinstance(meta, dict) or "accord" not in meta:
        return None  # a pact accord did not derive names no contract version: not involved
    accord = meta["accord"]
    if not isinstance(accord, dict) or not isinstance(accord.get("contracts"), list) or \
            not all(isinstance(c, str) for c in accord["contracts"]):
        return _pact_problem(shown, "metadata.accord has no contracts list of name@version")

    def name(key: str) -> str:
        part = doc.get(key)
        return str(part.get("name", "")) if isinstance(part, dict) else ""

    return PactFile(shown, hashlib.sha256(data).hexdigest(), name("consumer"), name("provider"),
                    str(accord.get("mapping", "")), tuple(accord["contracts"]))


def pact_files(workspace_root: str | Path) -> tuple[list[PactFile], list[Diagnostic]]:
    """Every ``*.json`` under generated/pacts/ (sorted) that accord derived (it has
    ``metadata.accord``; another pact names no contract version and is left out), and the
    findings of those that cannot be read (not JSON, or a malformed ``metadata.accord``): a
    file that cannot be read may involve any version."""
    root = Path(workspace_root)
    folder = root / PACTS_DIR
    if not folder.is_dir() or not fsio.inside(folder, root):
        return [], []
    pacts: list[PactFile] = []
    problems: list[Diagnostic] = []
    for path in sorted(folder.rglob("*.json")):
        read = _read_pact(root, path)
        if isinstance(read, Diagnostic):
            problems.append(read)
        elif read is not None:
            pacts.append(read)
    return pacts, problems


# -- can-i-deploy ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class PactStatus:
    """One row of a can-i-deploy answer: a pact (or a mapping whose pact is missing)."""

    pact: str  # the pact file, or "" when missing
    consumer: str
    provider: str
    mapping: str
    sha256: str
    #: the latest verification of the pact's CURRENT bytes against the environment
    verification: VerificationResult | None
    #: the latest verification of earlier bytes (when the current ones have none)
    earlier: VerificationResult | None
    code: str  # "" when ok, else the ACC75x code
    why: str  # why not (empty when ok)

    @property
    def ok(self) -> bool:
        return not self.code

    @property
    def last(self) -> VerificationResult | None:
        """The verification to show: of the current bytes, else of earlier ones."""
        return self.verification or self.earlier

    @property
    def outcome(self) -> str:
        if not self.pact:
            return "no pact"
        if self.verification is not None:
            return self.verification.outcome
        return "pact changed" if self.earlier is not None else "never verified"

    def to_dict(self) -> dict[str, Any]:
        return {"pact": self.pact, "consumer": self.consumer, "provider": self.provider,
                "mapping": self.mapping, "sha256": self.sha256, "ok": self.ok,
                "outcome": self.outcome, "code": self.code, "why": self.why,
                "verification": self.verification.to_dict() if self.verification else None,
                "earlier": self.earlier.to_dict() if self.earlier else None}


@dataclass(frozen=True)
class Decision:
    contract: str
    version: str
    environment: str
    rows: list[PactStatus]
    problems: list[Diagnostic] = field(default_factory=list)

    @property
    def ref(self) -> str:
        return f"{self.contract}@{self.version}"

    @property
    def deployable(self) -> bool:
        return not self.problems and all(r.ok for r in self.rows)

    @property
    def nothing_to_verify(self) -> bool:
        return not self.rows and not self.problems

    @property
    def summary(self) -> str:
        if self.nothing_to_verify:
            return (f"no pact involves {self.ref}: nothing to verify against "
                    f"{self.environment}")
        if self.deployable:
            return (f"all {len(self.rows)} pact(s) involving {self.ref} verified against "
                    f"{self.environment}")
        pacts = [r for r in self.rows if r.pact]
        bad = [r for r in pacts if not r.ok]
        missing = len(self.rows) - len(pacts)
        parts = [f"{len(bad)} of {len(pacts)} pact(s) involving {self.ref} not verified "
                 f"against {self.environment}"] if bad else []
        if missing:
            parts.append(f"{missing} mapping(s) using {self.ref} with no pact")
        if self.problems:
            parts.append(f"{len(self.problems)} pact file(s) unreadable")
        return "; ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        return {"contract": self.contract, "version": self.version,
                "environment": self.environment, "deployable": self.deployable,
                "nothing_to_verify": self.nothing_to_verify, "summary": self.summary,
                "pacts": [r.to_dict() for r in self.rows],
                "problems": [d.to_dict() for d in self.problems]}


def _expected(workspace: Workspace, ref: str) -> dict[str, str]:
    """Mappings that talk to a system with contract version ``ref``: spec -> system."""
    out = {}
    for spec in workspace.mappings.specs:
        ends = (spec.source, spec.target)
        if any(e.contract == ref for e in ends):
            system = next((e.system for e in ends if e.system), None)
            if system:
                out[spec.display] = system
    return out


def _row(pact: PactFile, current: VerificationResult | None, earlier: VerificationResult | None,
         environment: str) -> PactStatus:
    code: Code | None = None
    if current is not None and current.passed:
        why = ""
    elif current is not None:
        n = len(current.mismatches)
        first = _mismatch_text(current.mismatches[0]) if n else "no mismatch recorded"
        code, why = codes.VERIFICATION_FAILED, (
            f"failed against {environment} at {current.when} ({n} mismatch(es); first: "
            f"{first}): fix it and run `accord verify {pact.provider} --env {environment}`")
    elif earlier is not None:
        code, why = codes.PACT_CHANGED, (
            f"the pact changed since it was verified against {environment} at {earlier.when} "
            f"(sha256 {earlier.pact_sha256[:12]}… then, {pact.sha256[:12]}… now): run "
            f"`accord verify {pact.provider} --env {environment}`")
    else:
        code, why = codes.NOT_VERIFIED, (
            f"never verified against {environment}: run "
            f"`accord verify {pact.provider} --env {environment}`")
    return PactStatus(pact.path, pact.consumer, pact.provider, pact.mapping, pact.sha256,
                      current, earlier, str(code or ""), why)


def _mismatch_text(mismatch: dict[str, Any]) -> str:
    """One line of a recorded mismatch (``accord verify``'s: field, message, the rules that
    depend on it)."""
    parts = [str(mismatch[k]) for k in ("field", "path", "message", "mismatch")
             if mismatch.get(k)]
    rules = mismatch.get("rules") or ([mismatch["rule"]] if mismatch.get("rule") else [])
    if isinstance(rules, list) and rules:
        parts.append("mapping rule " + ", ".join(str(r) for r in rules[:3]))
    return " ".join(parts)[:200] or json.dumps(mismatch, sort_keys=True)[:200]


def _newest(db: Store, environment: str, pacts: Sequence[PactFile], *, current: bool
            ) -> dict[str, VerificationResult]:
    """The newest verification against ``environment`` of each pact's current bytes (or, with
    ``current=False``, of any bytes): one query, the pacts joined in as a VALUES list so the
    index (environment, pact_path, pact_sha256, verified_at) serves it."""
    if not pacts:
        return {}
    values = ", ".join("(?, ?)" for _ in pacts)
    params: list[str] = [x for p in pacts for x in (p.path, p.sha256)]
    match = " AND v.pact_sha256 = cur.sha" if current else ""
    sql = (f"WITH cur (path, sha) AS (VALUES {values}) "
           f"SELECT {_COLUMNS} FROM (SELECT {', '.join('v.' + c for c in _COLUMNS.split(', '))},"
           " ROW_NUMBER() OVER (PARTITION BY v.pact_path ORDER BY v.verified_at DESC, v.id DESC)"
           " AS newest FROM accord_verifications v JOIN cur ON v.pact_path = cur.path"
           f"{match} WHERE v.environment = ?) ranked WHERE newest = 1")
    return {r.pact_path: r for r in map(_from_row, db.query(sql, [*params, environment]))}


def can_i_deploy(workspace: Workspace | str | Path, contract: str, version: str,
                 environment: str, *, store: Store | None = None) -> Decision:
    """May ``contract@version`` be deployed to ``environment``? See the module docstring."""
    from accord.project import Workspace, load_workspace

    ws = workspace if isinstance(workspace, Workspace) else load_workspace(workspace)
    ws.contracts.get(contract, version)  # an unknown one is a usage error, never "nothing"
    root = ws.root
    ref = f"{contract}@{version}"
    pacts, problems = pact_files(root)
    involved = [p for p in pacts if ref in p.contracts]
    with _Using(root, store) as db:  # opened even with nothing to look up: a database that
        current = _newest(db, environment, involved, current=True)  # cannot be used is exit 2
        earlier = _newest(db, environment, [p for p in involved if p.path not in current],
                          current=False)
    rows = [_row(p, current.get(p.path), earlier.get(p.path), environment) for p in involved]
    covered = {p.mapping for p in involved}
    for spec, system in sorted(_expected(ws, ref).items()):
        if spec not in covered:
            rows.append(PactStatus(
                "", "", system, spec, "", None, None, str(codes.NO_PACT_NAMES_VERSION),
                f"the mapping talks to {system} with {ref}, but no pact under {PACTS_DIR}/ "
                f"names {ref}: run `accord pacts` and commit {PACTS_DIR}/"))
    return Decision(contract, version, environment, rows, problems)


def junit_decision_cases(decision: Decision) -> list[JUnitCase]:
    """One JUnit case per pact row (a failure says why not), one per unreadable pact file, and
    one passing case saying so when no pact involves the version."""
    suite = f"accord can-i-deploy {decision.ref} --to {decision.environment}"
    cases = [JUnitCase(r.pact or r.mapping, suite, body=r.why or r.outcome,
                       failure=None if r.ok else f"{r.code} {r.outcome}", failure_type="pact")
             for r in decision.rows]
    cases += [JUnitCase(d.file, suite, failure=f"{d.code} {d.message}", failure_type="pact",
                        body=d.format()) for d in decision.problems]
    if decision.nothing_to_verify:
        cases.append(JUnitCase(decision.ref, suite,
                               body=f"{codes.NOTHING_TO_VERIFY} {decision.summary}"))
    return cases
