"""accord.sync.reconcile: the pure comparison (source side, ledger, target read-backs), exact
decimal totals per group, every kind of difference, and the exit code."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from accord import codes
from accord.expr import compile_expression
from accord.sync.reconcile import (
    ReconcileSpec,
    SourceRecord,
    SourceSide,
    TargetCheck,
    as_decimal,
    compare_fields,
    reconcile,
)


def content_hash(record: Any) -> str:
    return hashlib.sha256(json.dumps(record, sort_keys=True).encode()).hexdigest()


SPEC = ReconcileSpec(
    measures={"hours": compile_expression("hours")},
    group_by={"project": compile_expression("project.id"),
              "period": compile_expression("substring(work_date, `0`, `7`)")},
    texts={"measures.hours": "hours", "group_by.project": "project.id",
           "group_by.period": "substring(work_date, `0`, `7`)"})


@dataclass
class Entry:
    key: str
    canonical: dict[str, Any]
    content_hash: str = ""
    sources: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.content_hash = self.content_hash or content_hash(self.canonical)


def entry(key: str, hours: Any, project: str = "p1", date: str = "2026-11-03") -> dict[str, Any]:
    return {"id": key, "project": {"id": project}, "work_date": date, "hours": hours}


def source_of(*records: dict[str, Any]) -> SourceSide:
    side = SourceSide()
    for record in records:
        side.records[record["id"]] = SourceRecord(record["id"], record, content_hash(record),
                                                  {"harvest": "h-" + record["id"]})
        side.read_counts["harvest"] = side.read_counts.get("harvest", 0) + 1
    return side


def run(source: SourceSide, delivered: list[Entry], **kw: Any) -> Any:
    return reconcile(flow="time-to-actuals", entity="time_entry@1.1.0", environment="local",
                     spec=SPEC, source=source, delivered=delivered, **kw)


def test_a_synced_flow_reconciles_with_exact_totals_per_group() -> None:
    records = [entry("a", 0.1), entry("b", 0.2), entry("c", "7.50", "p2"),
               entry("d", 8, "p2", "2026-12-01")]
    report = run(source_of(*records), [Entry(r["id"], r) for r in records])
    assert report.reconciled and report.exit_code == 0
    data = report.to_dict()
    groups = {(g["group"]["project"], g["group"]["period"]): g for g in data["groups"]}
    # 0.1 + 0.2 is 0.3, not 0.30000000000000004
    assert groups[("p1", "2026-11")]["source"] == {"count": 2, "hours": "0.3"}
    assert groups[("p2", "2026-11")]["delivered"]["hours"] == "7.50"
    assert groups[("p2", "2026-12")]["difference"] == {"count": 0, "hours": "0"}
    assert data["total"]["source"] == {"count": 4, "hours": "15.80"}
    assert data["summary"] == dict.fromkeys(data["summary"], 0)


def test_every_kind_of_difference_is_found_and_exits_1() -> None:
    changed_now = entry("b", 6)
    source = source_of(entry("a", 1), changed_now, entry("new", 3))
    delivered = [Entry("a", entry("a", 1)), Entry("b", entry("b", 5)),
                 Entry("gone", entry("gone", 3), sources={"harvest": "h-gone"})]
    checks = [TargetCheck("netsuite", "a", "n-1", "ok"),
              TargetCheck("netsuite", "b", "n-2", "missing"),
              TargetCheck("netsuite", "gone", "n-3", "drift", tuple(compare_fields(
                  {"qty": "3.00", "memo": "x"}, {"qty": 3, "memo": "y", "extra": 1},
                  subset=True)))]
    report = run(source, delivered, targets=["netsuite"], checks=checks)
    assert report.exit_code == 1
    kinds = {(p.kind, p.key) for p in report.problems}
    assert kinds == {("not_delivered", "new"), ("changed", "b"), ("not_in_source", "gone"),
                     ("target_missing", "b"), ("drift", "gone")}
    changed = next(p for p in report.problems if p.kind == "changed")
    assert changed.code is codes.RECONCILE_CHANGED
    assert [(d.path, d.expected, d.found) for d in changed.differences] == [("$.hours", 5, 6)]
    drift = next(p for p in report.problems if p.kind == "drift")
    assert [d.path for d in drift.differences] == ["$.memo"]  # "3.00" is 3; extra is theirs
    group = next(g for g in report.groups if g.values == ("p1", "2026-11"))
    assert (group.source.count, group.delivered.count) == (3, 3)
    assert group.difference("hours") == Decimal(-1)  # 1+5+3 delivered vs 1+6+3 in source
    assert report.target_counts == {"netsuite": {"ok": 1, "missing": 1, "drift": 1}}


def test_an_incomplete_source_calls_nothing_missing_in_the_source() -> None:
    source = source_of(entry("a", 1))
    source.complete = False
    report = run(source, [Entry("a", entry("a", 1)), Entry("b", entry("b", 2))])
    assert not [p for p in report.problems if p.kind == "not_in_source"]
    assert report.exit_code == 1  # the group's totals still differ


def test_a_flow_without_sources_compares_the_ledger_with_its_targets_only() -> None:
    side = SourceSide(read=False)
    delivered = [Entry("a", entry("a", 1)), Entry("b", entry("b", 2))]
    ok = run(side, delivered, targets=["xero"],
             checks=[TargetCheck("xero", "a", "x1", "ok"), TargetCheck("xero", "b", "x2", "ok")])
    assert ok.reconciled and ok.to_dict()["groups"][0]["source"] is None
    assert ok.to_dict()["total"]["delivered"] == {"count": 2, "hours": "3"}
    pending = run(side, delivered, targets=["xero"],
                  checks=[TargetCheck("xero", "a", "x1", "ok"),
                          TargetCheck("xero", "b", None, "pending")])
    assert [(p.kind, p.key) for p in pending.problems] == [("target_missing", "b")]


def test_a_measure_that_is_not_a_number_is_a_problem_and_null_adds_nothing() -> None:
    records = [entry("a", None), entry("b", "lots")]
    report = run(source_of(*records), [Entry(r["id"], r) for r in records])
    assert [(p.kind, p.key) for p in report.problems] == [("measure", "b"), ("measure", "b")]
    assert "lots" in report.problems[0].message
    assert report.total.source.get("hours") == 0


def test_without_a_reconcile_block_records_are_counted_in_one_group() -> None:
    records = [entry("a", 1), entry("b", 2)]
    report = reconcile(flow="f", entity="e@1.0.0", environment="local", spec=ReconcileSpec(),
                       source=source_of(*records), delivered=[Entry("a", records[0])])
    assert [g.values for g in report.groups] == [()]
    assert report.to_dict()["total"]["difference"] == {"count": -1}
    assert [(p.kind, p.key) for p in report.problems] == [("not_delivered", "b")]


@pytest.mark.parametrize(("value", "expected"), [
    (0.1, Decimal("0.1")), (3, Decimal(3)), ("12.50", Decimal("12.50")), ("-1e2", Decimal(-100)),
    (None, None)])
def test_as_decimal(value: Any, expected: Decimal | None) -> None:
    assert as_decimal(value) == expected


@pytest.mark.parametrize("value", [True, "n/a", {"amount": "1"}, [1], float("nan"), ""])
def test_as_decimal_refuses_what_is_not_an_amount(value: Any) -> None:
    with pytest.raises(ValueError):
        as_decimal(value)


def test_compare_fields() -> None:
    assert compare_fields({"a": 1, "b": {"c": [1, 2]}}, {"a": 1.0, "b": {"c": [1, 2]}}) == []
    diffs = compare_fields({"a": True, "b": {"c": [1, 2]}, "d": "x", "e y": 1},
                           {"a": 1, "b": {"c": [1]}, "z": 2, "e y": 2})
    assert [(d.path, d.missing) for d in diffs] == [
        ("$.a", None), ("$.b.c", None), ("$.d", "found"), ('$["e y"]', None), ("$.z", "expected")]
    assert compare_fields({"a": 1}, {"a": 1, "z": 2}, subset=True) == []


def test_unmapped_records_and_unreadable_systems_are_differences() -> None:
    source = source_of(entry("a", 1))
    source.unmapped("harvest", "h-9", "mapping_error", "lookup miss")
    source.unreadable("xero_projects", "HTTP 503 after 5 attempts")
    report = run(source, [Entry("a", entry("a", 1)), Entry("b", entry("b", 2))])
    assert [(p.kind, p.code) for p in report.problems] == [
        ("unmapped", codes.RECONCILE_UNMAPPED), ("unreadable", codes.RECONCILE_UNREADABLE)]
    assert not source.complete  # so b is not called missing in the source
    assert "h-9 does not map (mapping_error): lookup miss" in report.problems[0].message
