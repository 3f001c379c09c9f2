"""Lineage from any id, accounting periods, runs and conflicts; on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from accord import codes
from accord.errors import UsageError
from accord.store import Store
from accord.sync import Conflicts, Lineage, Periods, Runs
from accord.sync.lineage import chains

MAPPINGS = {"harvest.time_entry_to_time_entry": "sha256:ab12"}


def _sync_one(lineage: Lineage) -> None:
    base = {"correlation_id": "corr-1", "flow": "time-to-actuals", "key": "te-1",
            "source_system": "harvest", "source_id": "h-991", "canonical_id": "c-te-1",
            "run_id": "run-1"}
    lineage.record(**base, action="create", target_system="netsuite", target_id="NS-7",
                   mappings={**MAPPINGS, "netsuite.time_entry": "1.0.0"},
                   at="2026-12-01T10:00:00.000000Z")
    lineage.record(**base, action="create", target_system="xero", target_id="X-3",
                   mappings=MAPPINGS, at="2026-12-01T10:00:01.000000Z")
    lineage.record(**{**base, "correlation_id": "corr-2", "run_id": "run-2"}, action="skip",
                   target_system="netsuite", target_id="NS-7", mappings=MAPPINGS,
                   at="2026-12-02T10:00:00.000000Z")
    lineage.record(correlation_id="corr-3", flow="time-to-actuals", key="te-2",
                   action="land", source_system="harvest", source_id="h-992",
                   canonical_id="c-te-2", at="2026-12-02T10:00:00.000000Z")


@pytest.mark.parametrize("any_id", ["h-991", "c-te-1", "te-1", "NS-7", "X-3", "corr-2"])
def test_trace_from_any_id(store: Store, any_id: str) -> None:
    lineage = Lineage(store)
    _sync_one(lineage)
    steps = lineage.trace(any_id)
    assert [(s.action, s.target_system) for s in steps] == [
        ("create", "netsuite"), ("create", "xero"), ("skip", "netsuite")]
    assert steps[0].mappings == {**MAPPINGS, "netsuite.time_entry": "1.0.0"}
    [chain] = chains(steps)
    assert (chain.flow, chain.key, chain.canonical_id) == ("time-to-actuals", "te-1", "c-te-1")
    assert chain.sources == {"harvest": "h-991"}
    assert {s: [x.target_id for x in v] for s, v in chain.targets.items()} == {
        "netsuite": ["NS-7", "NS-7"], "xero": ["X-3"]}


def test_trace_narrowed_by_flow_and_unknown_ids(store: Store) -> None:
    lineage = Lineage(store)
    _sync_one(lineage)
    assert lineage.trace("h-991", flow="other") == []
    assert lineage.trace("nothing") == []
    [landed] = lineage.require("h-992")
    assert landed.targets == {} and landed.canonical_id == "c-te-2"
    with pytest.raises(UsageError) as info:
        lineage.require("nothing", flow="time-to-actuals")
    assert info.value.diagnostics[0].code == codes.SYNC_LINEAGE_UNKNOWN
    assert "'nothing' in flow 'time-to-actuals'" in str(info.value)
    with pytest.raises(UsageError):
        lineage.record(correlation_id="c", flow="f", key="k", action="teleport")


def test_periods(store: Store) -> None:
    periods = Periods(store)
    assert periods.status("ACME-UK", "2026-01-15") is None  # never set
    periods.set("ACME-UK", "2026-01", "open", actor="controller")
    periods.set("ACME-UK", "2025-12", "closed", actor="controller")
    periods.set("ACME-US", "2026-01", "closed", actor="erp:netsuite")
    assert periods.status("ACME-UK", "2026-01-31") == "open"
    assert periods.status("ACME-UK", "2026-01-31T23:30:00-05:00") == "open"  # as written
    assert periods.status("ACME-UK", "2025-12-31T23:59:59Z") == "closed"
    assert periods.status("ACME-UK", "2026-01") == "open"
    assert periods.status("ACME-US", "2026-01-02") == "closed"
    assert periods.set("ACME-UK", "2026-01", "closed", actor="cfo").status == "closed"
    assert periods.status("ACME-UK", "2026-01-02") == "closed"
    assert [(p.legal_entity, p.period, p.status, p.updated_by) for p in periods.list()] == [
        ("ACME-UK", "2025-12", "closed", "controller"), ("ACME-UK", "2026-01", "closed", "cfo"),
        ("ACME-US", "2026-01", "closed", "erp:netsuite")]
    assert len(periods.list("ACME-US")) == 1


@pytest.mark.parametrize("period", ["2026-13", "2026-1", "26-01", "2026-01-01", "January",
                                    "0000-01"])
def test_a_bad_period_is_a_clear_error(store: Store, period: str) -> None:
    with pytest.raises(UsageError) as info:
        Periods(store).set("ACME", period, "open", actor="me")
    assert info.value.diagnostics[0].code == codes.SYNC_PERIOD_INVALID
    assert repr(period) in str(info.value) and "YYYY-MM" in str(info.value)


def test_bad_dates_and_statuses(store: Store) -> None:
    periods = Periods(store)
    for date in ("yesterday", "2026-02-30", ""):
        with pytest.raises(UsageError) as info:
            periods.status("ACME", date)
        assert info.value.diagnostics[0].code == codes.SYNC_PERIOD_INVALID
    with pytest.raises(UsageError):
        periods.set("ACME", "2026-01", "ajar", actor="me")
    with pytest.raises(UsageError):
        periods.set(" ", "2026-01", "open", actor="me")


def test_runs_and_conflicts(store: Store) -> None:
    runs = Runs(store)
    assert runs.last("time-to-actuals") is None
    first = runs.start("time-to-actuals", "local", dry_run=True)
    second = runs.start("time-to-actuals", "local", dry_run=False)
    assert len(first) == 32 and first != second
    started = runs.get(first)
    assert started is not None and (started.status, started.dry_run, started.finished_at) == (
        "running", True, None)
    last = runs.last("time-to-actuals")
    assert last is not None and last.run_id == second
    done = runs.finish(first, "ok", {"created": 3, "skipped": 1})
    assert (done.status, done.summary) == ("ok", {"created": 3, "skipped": 1})
    assert done.finished_at is not None and done.finished_at >= done.started_at
    assert runs.get("nope") is None
    with pytest.raises(UsageError) as info:
        runs.finish("nope", "ok", {})
    assert info.value.diagnostics[0].code == codes.SYNC_RUN_UNKNOWN
    with pytest.raises(UsageError):
        runs.finish(second, "running", {})
    conflicts = Conflicts(store)
    conflicts.add(run_id=first, flow="employee-to-resource", key="res-1",
                  path="employment_status", owner="hcm", system="kantata", value="active",
                  kept="terminated")
    conflicts.add(run_id=second, flow="employee-to-resource", key="res-2", path="grade",
                  owner="hcm", system="kantata", value={"g": 3}, kept=None)
    assert [(c.key, c.value, c.kept) for c in conflicts.list(run_id=first)] == [
        ("res-1", "active", "terminated")]
    assert [c.kept for c in conflicts.list(flow="employee-to-resource")] == ["terminated", None]
    assert conflicts.list(flow="other") == []
