"""Reconciliation, the pure core: the records of a flow's sources against what its ledger says
was delivered, and each delivered record against what its target system holds now.

Three views of one flow are compared, each given as data (:mod:`accord.sync.reconcile_collect`
reads them from the systems and the workspace database):

- the **source side**: every source record re-read in full and mapped into the entity (records
  held by a gate, skipped by the mapping or failing to map are counted by reason, outside the
  totals);
- the **delivered side**: the ledger's records of the flow (the canonical record as last
  synced and its content hash);
- per target, each delivered record **read back** from the target system, beside what the
  outbound mapping makes of the ledger's record.

The report has, per group (``reconcile.group_by`` of the flow), the count and each measure
(``reconcile.measures``) on both sides and their difference, in exact decimal arithmetic; and
the records that differ: not delivered, no longer in the source, changed since the last sync,
drifted in a target, missing in a target, unmapped, or with a measure that is not a number.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from accord import codes
from accord.codes import Code

__all__ = [
    "NONE_LABEL",
    "FieldDiff",
    "GroupTotals",
    "Problem",
    "ReconcileReport",
    "ReconcileSpec",
    "SourceRecord",
    "SourceSide",
    "TargetCheck",
    "Totals",
    "as_decimal",
    "compare_fields",
    "reconcile",
]

#: how a group value that is null (or missing) is shown
NONE_LABEL = "(none)"
_DECIMAL = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
#: the most field differences one record lists (the rest are counted)
MAX_FIELD_DIFFS = 20


def as_decimal(value: Any) -> Decimal | None:
    """An amount as an exact decimal: an int as itself, a float as its shortest round-tripping
    decimal (``0.1`` is one tenth, as in accord's money functions), a string as the decimal it
    spells; None for null. ValueError for anything else (a boolean, an object, ``"n/a"``)."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"{json.dumps(value)} is a boolean")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(f"{value!r} is not a finite number")
        return Decimal(repr(value))
    if isinstance(value, str) and _DECIMAL.match(value.strip()):
        try:
            return Decimal(value.strip())
        except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
            pass
    raise ValueError(f"{_short(value)} is not a number or a decimal string")


def _short(value: Any, limit: int = 80) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _label(value: Any) -> str:
    if value is None:
        return NONE_LABEL
    return value if isinstance(value, str) else _short(value)


def _plain(amount: Decimal) -> str:
    """A decimal as plain text (no exponent), trailing zeros kept as computed."""
    return format(amount, "f")


# -- the specification -------------------------------------------------------------------------
@dataclass(frozen=True)
class ReconcileSpec:
    """What to total and group by: compiled expressions by name (file order), with their text."""

    measures: Mapping[str, Callable[[Any], Any]] = field(default_factory=dict)
    group_by: Mapping[str, Callable[[Any], Any]] = field(default_factory=dict)
    texts: Mapping[str, str] = field(default_factory=dict)  # "measures.hours" -> "hours"


# -- the inputs --------------------------------------------------------------------------------
@dataclass(frozen=True)
class SourceRecord:
    """One entity record as its sources make it now (merged across sources, keyed)."""

    key: str
    canonical: dict[str, Any]
    content_hash: str
    sources: Mapping[str, str] = field(default_factory=dict)  # system -> source id


@dataclass
class SourceSide:
    """What re-reading the sources found. ``read`` is False for a flow without sources (the
    ledger is then compared with its targets only); ``complete`` is False when a source could
    not be read to its end (nothing is then called missing in the source)."""

    read: bool = True
    complete: bool = True
    records: dict[str, SourceRecord] = field(default_factory=dict)
    read_counts: dict[str, int] = field(default_factory=dict)  # system -> records read
    #: records not expected in the ledger: reason ("held: approved", "skipped") -> count
    outside: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)  # unmapped records, unreadable systems

    def unmapped(self, system: str, source_id: str | None, error_class: str,
                 message: str) -> None:
        """A record of ``system`` that does not map or validate into the entity."""
        self.problems.append(Problem(
            codes.RECONCILE_UNMAPPED, "unmapped",
            f"{system} {source_id or '(no id)'} does not map ({error_class}): {message}",
            system=system, source_id=source_id, error_class=error_class))

    def unreadable(self, system: str, message: str) -> None:
        """``system`` could not be read to its end: nothing is then missing in the source."""
        self.complete = False
        self.problems.append(Problem(
            codes.RECONCILE_UNREADABLE, "unreadable",
            f"{system} could not be read to its end: {message} (nothing is called missing in "
            "the source while a source is incomplete)", system=system))


@dataclass(frozen=True)
class FieldDiff:
    """One field that differs: its JSON path, the value expected and the value found
    (``missing`` says the field is absent on that side)."""

    path: str
    expected: Any
    found: Any
    missing: str | None = None  # "expected" | "found" | None

    def to_dict(self) -> dict[str, Any]:
        data = {"path": self.path, "expected": self.expected, "found": self.found}
        if self.missing:
            data["missing"] = self.missing
        return data


@dataclass(frozen=True)
class TargetCheck:
    """One delivered record read back from one target system. ``status``: ``ok``, ``drift``
    (fields differ), ``missing`` (the target answers 404), ``pending`` (the delivery was never
    confirmed), ``unreadable`` (the read failed: ``message`` says why)."""

    system: str
    key: str
    target_id: str | None
    status: str
    differences: tuple[FieldDiff, ...] = ()
    message: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"system": self.system, "key": self.key, "target_id": self.target_id,
                "status": self.status, "differences": [d.to_dict() for d in self.differences],
                "message": self.message}


# -- the report --------------------------------------------------------------------------------
@dataclass
class Totals:
    """A count and each measure's exact total."""

    count: int = 0
    sums: dict[str, Decimal] = field(default_factory=dict)

    def add(self, values: Mapping[str, Decimal | None]) -> None:
        self.count += 1
        for name, value in values.items():
            self.sums[name] = self.sums.get(name, Decimal(0)) + (value or Decimal(0))

    def get(self, name: str) -> Decimal:
        return self.sums.get(name, Decimal(0))

    def to_dict(self, measures: Sequence[str]) -> dict[str, Any]:
        return {"count": self.count, **{m: _plain(self.get(m)) for m in measures}}


@dataclass
class GroupTotals:
    """One group's values (by ``group_by`` name) and its totals on both sides."""

    values: tuple[str, ...]
    source: Totals = field(default_factory=Totals)
    delivered: Totals = field(default_factory=Totals)

    def difference(self, measure: str | None = None) -> Decimal:
        """delivered - source, of the count (``measure`` None) or of a measure."""
        if measure is None:
            return Decimal(self.delivered.count - self.source.count)
        return self.delivered.get(measure) - self.source.get(measure)

    def reconciles(self, measures: Sequence[str], *, compare_source: bool = True) -> bool:
        if not compare_source:
            return True
        return all(self.difference(m) == 0 for m in (None, *measures))


@dataclass(frozen=True)
class Problem:
    """A record (or a system) that does not reconcile, with its diagnostic code."""

    code: Code
    kind: str  # not_delivered | not_in_source | changed | drift | target_missing | ...
    message: str
    key: str | None = None
    system: str | None = None
    source_id: str | None = None
    target_id: str | None = None
    error_class: str | None = None
    differences: tuple[FieldDiff, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"code": str(self.code), "kind": self.kind, "message": self.message,
                "key": self.key, "system": self.system, "source_id": self.source_id,
                "target_id": self.target_id, "class": self.error_class,
                "differences": [d.to_dict() for d in self.differences]}


#: the kinds of problem, in the order a report shows them, with a title for people
KINDS: dict[str, str] = {
    "not_delivered": "In the source, never delivered",
    "not_in_source": "Delivered, no longer in the source",
    "changed": "Changed since the last sync",
    "target_missing": "Missing in the target",
    "drift": "Drifted in the target",
    "unmapped": "Source records that do not map",
    "measure": "Measures that are not numbers",
    "unreadable": "Systems that could not be read",
}


@dataclass
class ReconcileReport:
    """The whole comparison of one flow."""

    flow: str
    entity: str
    environment: str
    measures: tuple[str, ...]
    group_by: tuple[str, ...]
    has_sources: bool
    targets: tuple[str, ...]
    groups: list[GroupTotals] = field(default_factory=list)
    total: GroupTotals = field(default_factory=lambda: GroupTotals(()))
    problems: list[Problem] = field(default_factory=list)
    read_counts: dict[str, int] = field(default_factory=dict)
    outside: dict[str, int] = field(default_factory=dict)
    target_counts: dict[str, dict[str, int]] = field(default_factory=dict)  # system -> status
    texts: dict[str, str] = field(default_factory=dict)
    generated_at: str = ""

    @property
    def differing_groups(self) -> list[GroupTotals]:
        return [g for g in self.groups
                if not g.reconciles(self.measures, compare_source=self.has_sources)]

    @property
    def reconciled(self) -> bool:
        return not self.problems and not self.differing_groups

    @property
    def exit_code(self) -> int:
        """0 when everything reconciles, 1 when anything differs."""
        return 0 if self.reconciled else 1

    def by_kind(self) -> dict[str, list[Problem]]:
        found: dict[str, list[Problem]] = {kind: [] for kind in KINDS}
        for problem in self.problems:
            found.setdefault(problem.kind, []).append(problem)
        return {kind: items for kind, items in found.items() if items}

    def group_dict(self, group: GroupTotals) -> dict[str, Any]:
        return {
            "group": dict(zip(self.group_by, group.values, strict=False)),  # total: {}
            "source": group.source.to_dict(self.measures) if self.has_sources else None,
            "delivered": group.delivered.to_dict(self.measures),
            "difference": ({"count": int(group.difference()),
                            **{m: _plain(group.difference(m)) for m in self.measures}}
                           if self.has_sources else None),
            "reconciles": group.reconciles(self.measures, compare_source=self.has_sources),
        }

    def to_dict(self) -> dict[str, Any]:
        kinds = self.by_kind()
        return {
            "flow": self.flow, "entity": self.entity, "environment": self.environment,
            "generated_at": self.generated_at, "reconciled": self.reconciled,
            "exit_code": self.exit_code, "measures": list(self.measures),
            "group_by": list(self.group_by), "expressions": dict(self.texts),
            "sources_compared": self.has_sources, "targets": list(self.targets),
            "read": dict(self.read_counts), "outside_totals": dict(self.outside),
            "target_checks": {s: dict(c) for s, c in self.target_counts.items()},
            "total": self.group_dict(self.total),
            "groups": [self.group_dict(g) for g in self.groups],
            "summary": {kind: len(kinds.get(kind, [])) for kind in KINDS},
            "problems": [p.to_dict() for p in self.problems],
        }


# -- comparing records -------------------------------------------------------------------------
def _same_scalar(expected: Any, found: Any) -> bool:
    if isinstance(expected, bool) or isinstance(found, bool):
        return expected is found if isinstance(expected, bool) and isinstance(found, bool) \
            else False
    numeric = (int, float, str)
    if isinstance(expected, numeric) and isinstance(found, numeric) and not (
            isinstance(expected, str) and isinstance(found, str)):
        try:  # 12 == 12.0 == "12.00": a number written another way is the same amount
            left, right = as_decimal(expected), as_decimal(found)
        except ValueError:
            return False
        return left == right
    return bool(expected == found)


def _path(prefix: str, name: str | int) -> str:
    if isinstance(name, int):
        return f"{prefix}[{name}]"
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        return f"{prefix}.{name}"
    return f"{prefix}[{json.dumps(name)}]"


def compare_fields(expected: Any, found: Any, *, subset: bool = False,
                   prefix: str = "$") -> list[FieldDiff]:
    """The fields where ``found`` differs from ``expected``, depth first. With ``subset``, only
    what ``expected`` has is compared (a system adds its own fields to what it was sent: ids,
    stamps, computed totals). Numbers compare as exact decimals, whatever their spelling."""
    diffs: list[FieldDiff] = []
    _compare(expected, found, subset, prefix, diffs)
    return diffs


def _compare(expected: Any, found: Any, subset: bool, path: str, out: list[FieldDiff]) -> None:
    if isinstance(expected, dict) and isinstance(found, dict):
        names = list(expected) + ([] if subset else [n for n in found if n not in expected])
        for name in names:
            where = _path(path, name)
            if name not in found:
                if expected[name] is not None:
                    out.append(FieldDiff(where, expected[name], None, "found"))
            elif name not in expected:
                if found[name] is not None:
                    out.append(FieldDiff(where, None, found[name], "expected"))
            else:
                _compare(expected[name], found[name], subset, where, out)
        return
    if isinstance(expected, list) and isinstance(found, list) and len(expected) == len(found):
        for index, (left, right) in enumerate(zip(expected, found, strict=True)):
            _compare(left, right, subset, _path(path, index), out)
        return
    if isinstance(expected, (dict, list)) or isinstance(found, (dict, list)):
        if expected != found:
            out.append(FieldDiff(path, expected, found))
        return
    if not _same_scalar(expected, found):
        out.append(FieldDiff(path, expected, found))


# -- the comparison ----------------------------------------------------------------------------
class _Evaluator:
    def __init__(self, spec: ReconcileSpec, problems: list[Problem]) -> None:
        self.spec = spec
        self.problems = problems

    def group(self, record: Mapping[str, Any]) -> tuple[str, ...]:
        values: list[str] = []
        for name, expr in self.spec.group_by.items():
            try:
                values.append(_label(expr(record)))
            except Exception as exc:
                values.append(f"(error: {type(exc).__name__})")
                del name
        return tuple(values)

    def measures(self, record: Mapping[str, Any], key: str, side: str,
                 system: str | None = None) -> dict[str, Decimal | None]:
        found: dict[str, Decimal | None] = {}
        for name, expr in self.spec.measures.items():
            try:
                found[name] = as_decimal(expr(record))
            except Exception as exc:
                found[name] = None
                message = getattr(exc, "message", None) or str(exc)
                text = self.spec.texts.get(f"measures.{name}", name)
                self.problems.append(Problem(
                    codes.RECONCILE_MEASURE_VALUE, "measure",
                    f"{side} record {key}: measure {name} ({text}): {message}", key=key,
                    system=system))
        return found


def reconcile(*, flow: str, entity: str, environment: str, spec: ReconcileSpec,
              source: SourceSide, delivered: Iterable[Any],
              targets: Sequence[str] = (), checks: Iterable[TargetCheck] = (),
              generated_at: str = "") -> ReconcileReport:
    """Compare the source side, the ledger's ``delivered`` records (objects with ``key``,
    ``canonical``, ``content_hash`` and ``sources``) and the target ``checks``."""
    report = ReconcileReport(
        flow=flow, entity=entity, environment=environment, measures=tuple(spec.measures),
        group_by=tuple(spec.group_by), has_sources=source.read, targets=tuple(targets),
        read_counts=dict(source.read_counts), outside=dict(source.outside),
        texts=dict(spec.texts), generated_at=generated_at)
    problems = report.problems
    problems.extend(source.problems)
    evaluate = _Evaluator(spec, problems)
    groups: dict[tuple[str, ...], GroupTotals] = {}

    def group_of(record: Mapping[str, Any]) -> GroupTotals:
        values = evaluate.group(record)
        if values not in groups:
            groups[values] = GroupTotals(values)
        return groups[values]

    if source.read:
        for key in sorted(source.records):
            record = source.records[key]
            values = evaluate.measures(record.canonical, key, "source",
                                       next(iter(record.sources), None))
            group_of(record.canonical).source.add(values)
            report.total.source.add(values)
    ledger: dict[str, Any] = {}
    for entry in delivered:
        ledger[str(entry.key)] = entry
        values = evaluate.measures(entry.canonical, str(entry.key), "delivered")
        group_of(entry.canonical).delivered.add(values)
        report.total.delivered.add(values)
    if source.read:
        _records(source, ledger, problems)
    for check in checks:
        counts = report.target_counts.setdefault(check.system, {})
        counts[check.status] = counts.get(check.status, 0) + 1
        problem = _target_problem(check)
        if problem is not None:
            problems.append(problem)
    report.groups = [groups[k] for k in sorted(groups)]
    order = list(KINDS)
    problems.sort(key=lambda p: (order.index(p.kind) if p.kind in order else len(order),
                                 p.key or "", p.system or ""))
    return report


def _records(source: SourceSide, ledger: Mapping[str, Any], problems: list[Problem]) -> None:
    for key, record in sorted(source.records.items()):
        entry = ledger.get(key)
        where = ", ".join(f"{s} {i}" for s, i in sorted(record.sources.items()))
        if entry is None:
            problems.append(Problem(
                codes.RECONCILE_NOT_DELIVERED, "not_delivered",
                f"{key} ({where}) passes the gates but was never delivered", key=key,
                system=next(iter(record.sources), None),
                source_id=next(iter(record.sources.values()), None)))
        elif entry.content_hash != record.content_hash:
            diffs = compare_fields(entry.canonical, record.canonical)
            problems.append(Problem(
                codes.RECONCILE_CHANGED, "changed",
                f"{key} ({where}) changed since the last sync: "
                f"{_fields(diffs)}", key=key, system=next(iter(record.sources), None),
                source_id=next(iter(record.sources.values()), None),
                differences=tuple(diffs[:MAX_FIELD_DIFFS])))
    if not source.complete:
        return
    for key, entry in sorted(ledger.items()):
        if key not in source.records:
            sources = dict(getattr(entry, "sources", {}) or {})
            where = ", ".join(f"{s} {i}" for s, i in sorted(sources.items())) or "no source id"
            problems.append(Problem(
                codes.RECONCILE_NOT_IN_SOURCE, "not_in_source",
                f"{key} ({where}) was delivered and is no longer in the source (or no longer "
                "passes its gates)", key=key, system=next(iter(sources), None),
                source_id=next(iter(sources.values()), None)))


def _fields(diffs: Sequence[FieldDiff]) -> str:
    if not diffs:
        return "no field differs (the content hash does)"
    names = [d.path.removeprefix("$.") for d in diffs[:5]]
    more = f" and {len(diffs) - 5} more" if len(diffs) > 5 else ""
    return ", ".join(names) + more


def _target_problem(check: TargetCheck) -> Problem | None:
    label = f"{check.key} in {check.system}" + (f" ({check.target_id})" if check.target_id
                                                 else "")
    if check.status == "drift":
        return Problem(codes.RECONCILE_DRIFT, "drift",
                       f"{label} differs from what the flow delivered: "
                       f"{_fields(check.differences)}", key=check.key, system=check.system,
                       target_id=check.target_id,
                       differences=check.differences[:MAX_FIELD_DIFFS])
    if check.status == "missing":
        return Problem(codes.RECONCILE_TARGET_MISSING, "target_missing",
                       f"{label} is not there (404)", key=check.key, system=check.system,
                       target_id=check.target_id)
    if check.status == "pending":
        return Problem(codes.RECONCILE_TARGET_MISSING, "target_missing",
                       f"{label}: the delivery was never confirmed (pending)", key=check.key,
                       system=check.system, target_id=check.target_id)
    if check.status == "unreadable":
        return Problem(codes.RECONCILE_UNREADABLE, "unreadable",
                       f"{label} could not be read: {check.message}", key=check.key,
                       system=check.system, target_id=check.target_id)
    return None
