"""accord sync end to end: the shipped flows against their systems' simulators (env local), on
SQLite and on PostgreSQL — landing, gates, idempotency, create then update, dry runs, replays."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from accord.store.db import open_store
from accord.sync.crosswalk import Crosswalk
from accord.sync.engine import Outcome, SyncOptions, sync_flow
from accord.sync.ledger import Ledger
from accord.sync.lineage import Lineage
from accord.sync.periods import Periods
from accord.sync.queue import ExceptionQueue

pytestmark = pytest.mark.usefixtures("database")


def _outcomes(report: Any) -> dict[str, int]:
    return dict(report.metrics.outcomes)


def test_employee_to_resource_lands_records_and_a_rerun_sends_nothing(
        reference_workspace: Path) -> None:
    first = sync_flow(reference_workspace, "employee-to-resource")
    assert first.exit_code == 0, first.to_dict()
    assert _outcomes(first) == {"landed": 2}
    with open_store(reference_workspace) as store:
        assert Ledger(store).count("employee-to-resource") == 2
        crosswalk = Crosswalk(store)
        # the flow's `active` (employment_status == 'active') is what other flows' gates read
        assert crosswalk.is_active("resource", "res-bhr-4312") is True
        assert crosswalk.is_active("resource", "res-bhr-5120") is False
        assert crosswalk.resolve("resource", "bamboohr", "4312") == "res-bhr-4312"
        steps = Lineage(store).trace("4312")
        assert [s.action for s in steps] == ["land"]
        assert steps[0].canonical_id == "res-bhr-4312"
        assert list(steps[0].mappings) == ["bamboohr.employee_to_resource"]
    second = sync_flow(reference_workspace, "employee-to-resource")
    assert _outcomes(second) == {"unchanged": 2}
    assert second.exit_code == 0


def test_a_dry_run_reports_and_writes_nothing(reference_workspace: Path) -> None:
    report = sync_flow(reference_workspace, "employee-to-resource",
                       SyncOptions(dry_run=True))
    assert _outcomes(report) == {"landed": 2}
    assert report.dry_run
    with open_store(reference_workspace) as store:
        assert Ledger(store).count("employee-to-resource") == 0
        assert Crosswalk(store).is_active("resource", "res-bhr-4312") is None
        from accord.sync.runs import Runs

        assert Runs(store).last("employee-to-resource") is None  # not even its own record


def _link_master_data(root: Path) -> None:
    """What the master-data flows would have put in place for the Harvest entry: its person,
    project and task in the crosswalk, the project (with its legal entity) in the store."""
    from accord.sync.ledger import LedgerRecord

    project = {"id": "prj-marketing-site", "legal_entity": "LE-US-001", "status": "active"}
    with open_store(root) as store, store.transaction():
        Ledger(store).put(LedgerRecord("opportunity-to-project", "prj-marketing-site",
                                       "project@1.1.0", project, "h", "prj-marketing-site"))
        crosswalk = Crosswalk(store)
        crosswalk.link("resource", "res-kim-allen", "harvest", "1782959", active=True)
        crosswalk.link("project", "prj-marketing-site", "harvest", "14307913", active=True)
        crosswalk.link("task", "tsk-graphic-design", "harvest", "8083365", active=True)


def test_time_to_actuals_gates_route_failures_to_their_owner_and_a_replay_lands_them(
        reference_workspace: Path) -> None:
    first = sync_flow(reference_workspace, "time-to-actuals")
    assert first.exit_code == 0  # business_rule exceptions are routed, not a failed run
    failures = {r.source_id: r for r in first.results}
    harvest = failures["636709355"]
    assert harvest.outcome is Outcome.EXCEPTION
    assert harvest.error_class == "business_rule"
    assert "gate resource_active (active) failed" in (harvest.message or "")
    assert "harvest:1782959 is not in the crosswalk" in (harvest.message or "")
    assert harvest.rule and harvest.rule.startswith("mappings/time-to-actuals/flow.yaml:")
    with open_store(reference_workspace) as store:
        queued = ExceptionQueue(store).list(flow="time-to-actuals")
    assert queued and {e.owner for e in queued} == {"project-accounting"}
    harvest_exc = next(e for e in queued if e.source_id == "636709355")
    assert harvest_exc.error_class == "business_rule"
    assert harvest_exc.record["id"] == 636709355  # the source record, as read

    _link_master_data(reference_workspace)
    with open_store(reference_workspace) as store, store.transaction():
        Periods(store).set("LE-US-001", "2026-11", "open", actor="test")
    from accord.sync.engine import replay_exception

    result = replay_exception(reference_workspace, harvest_exc.id, actor="controller")
    assert result.outcome is Outcome.LANDED, result.to_dict()
    with open_store(reference_workspace) as store:
        landed = Ledger(store).get("time-to-actuals", "hv-636709355")
    assert landed is not None
    assert landed.canonical["legal_entity"] == "LE-US-001"  # enrich: from its project
    with open_store(reference_workspace) as store:
        closed = ExceptionQueue(store).require(harvest_exc.id)
        assert closed.status == "replayed"
        assert [a.actor for a in closed.audit][-1] == "controller"
        assert Ledger(store).get("time-to-actuals", "hv-636709355") is not None


def test_a_closed_period_is_a_business_rule_naming_the_gate(reference_workspace: Path) -> None:
    _link_master_data(reference_workspace)
    with open_store(reference_workspace) as store, store.transaction():
        Periods(store).set("LE-US-001", "2026-11", "closed", actor="test")
    report = sync_flow(reference_workspace, "time-to-actuals")
    harvest = next(r for r in report.results if r.source_id == "636709355")
    assert harvest.error_class == "business_rule"
    assert "gate period_open (open_period) failed" in (harvest.message or "")
    assert "2026-11 of LE-US-001 is closed" in (harvest.message or "")


def _invoices(root: Path) -> list[dict[str, Any]]:
    folder = root / "mappings" / "examples" / "canonical"
    return [json.loads(p.read_text()) for p in sorted(folder.glob("invoice_*.json"))]


def _open_periods(root: Path, records: list[dict[str, Any]]) -> None:
    with open_store(root) as store, store.transaction():
        for record in records:
            Periods(store).set(record["legal_entity"], record["issue_date"][:7], "open",
                               actor="test")


def test_invoice_to_status_creates_then_updates_only_what_changed(
        reference_workspace: Path, tmp_path: Path) -> None:
    invoices = _invoices(reference_workspace)
    _open_periods(reference_workspace, invoices)
    feed = tmp_path / "invoices.jsonl"
    feed.write_text("".join(json.dumps(i) + "\n" for i in invoices))
    first = sync_flow(reference_workspace, "invoice-to-status", SyncOptions(input=feed))
    created = [r for r in first.results if r.outcome is Outcome.CREATED]
    assert created, first.to_dict()
    assert all(r.actions == {"xero_accounting": "created"} for r in created)
    again = sync_flow(reference_workspace, "invoice-to-status", SyncOptions(input=feed))
    assert {r.key: r.outcome for r in again.results if r.key in {c.key for c in created}} == \
        {c.key: Outcome.UNCHANGED for c in created}
    changed = [dict(i) for i in invoices]
    target = next(i for i in changed if i["id"] == created[0].key)
    target["reference"] = "PO-CHANGED-77"
    feed.write_text("".join(json.dumps(i) + "\n" for i in changed))
    third = sync_flow(reference_workspace, "invoice-to-status", SyncOptions(input=feed))
    by_key = {r.key: r for r in third.results}
    assert by_key[target["id"]].outcome is Outcome.UPDATED
    assert by_key[target["id"]].actions == {"xero_accounting": "updated"}
    with open_store(reference_workspace) as store:
        delivered = Ledger(store).targets("invoice-to-status", target["id"])["xero_accounting"]
        assert delivered.state == "delivered" and delivered.target_id
        actions = [s.action for s in Lineage(store).trace(target["id"])]
        assert actions == ["create", "update"]


def test_opportunity_to_project_creates_projects_in_xero_once_customers_are_linked(
        reference_workspace: Path) -> None:
    first = sync_flow(reference_workspace, "opportunity-to-project")
    assert first.exit_code == 1  # no customer has a Xero contact yet: data_quality, routed
    by_system = {r.system: r for r in first.results}
    assert set(by_system) == {"salesforce", "apideck_crm"}
    for result in by_system.values():
        assert result.error_class == "data_quality"
        assert "contactId is required" in (result.message or "")
        assert result.rule == "mappings/opportunity-to-project/xero_projects_project.yaml:16"
    with open_store(reference_workspace) as store, store.transaction():
        crosswalk = Crosswalk(store)  # the CRM accounts that are Xero contacts
        crosswalk.link("customer", "cus-initech", "salesforce", "001Hs00002XyZ98IAB")
        crosswalk.link("customer", "cus-initech", "xero_accounting",
                       "5b7a4c1e-0f2d-4e6a-9b8c-3d1e2f4a5b6c")
        crosswalk.link("customer", "cus-acme", "apideck_crm", "C-987")
        crosswalk.link("customer", "cus-acme", "xero_accounting",
                       "0d3e5f7a-9b1c-4d2e-8f6a-7b8c9d0e1f2a")
    second = sync_flow(reference_workspace, "opportunity-to-project")
    salesforce = next(r for r in second.results if r.system == "salesforce")
    assert salesforce.outcome is Outcome.CREATED, salesforce.to_dict()
    assert salesforce.actions == {"xero_projects": "created"}
    assert second.exit_code == 0  # Apideck's deal is past its watermark: still queued
    from accord.sync.engine import replay_exception

    apideck = replay_exception(reference_workspace, by_system["apideck_crm"].exception_id or 0,
                               actor="ops")
    assert apideck.outcome is Outcome.CREATED, apideck.to_dict()
    with open_store(reference_workspace) as store:
        queue = ExceptionQueue(store)
        assert queue.list(flow="opportunity-to-project") == []  # both closed as replayed
        ledger = Ledger(store)
        delivered = ledger.targets("opportunity-to-project", salesforce.key or "")
        assert delivered["xero_projects"].state == "delivered"
        target_id = delivered["xero_projects"].target_id
        assert target_id and Crosswalk(store).resolve("project", "xero_projects",
                                                      target_id) == salesforce.key
    third = sync_flow(reference_workspace, "opportunity-to-project")
    assert [r.outcome for r in third.results] == [Outcome.UNCHANGED]


def _link_crm_customers(root: Path) -> None:
    with open_store(root) as store, store.transaction():
        crosswalk = Crosswalk(store)  # the CRM accounts that are Xero contacts
        crosswalk.link("customer", "cus-initech", "salesforce", "001Hs00002XyZ98IAB")
        crosswalk.link("customer", "cus-initech", "xero_accounting",
                       "5b7a4c1e-0f2d-4e6a-9b8c-3d1e2f4a5b6c")
        crosswalk.link("customer", "cus-initech", "apideck_crm", "C-987")


def test_a_non_owner_differing_value_is_a_conflict_logged_not_applied(
        reference_workspace: Path) -> None:
    """Both CRMs send the same deal; the contract says Salesforce owns the project's name."""
    root = reference_workspace
    contract = root / "contracts/canonical/project/1.1.0.yaml"
    text = contract.read_text()
    contract.write_text(text.replace("  name:\n    type: string\n",
                                     "  name:\n    x-accord-owner: salesforce\n"
                                     "    type: string\n", 1))
    _link_crm_customers(root)
    first = sync_flow(root, "opportunity-to-project")  # Salesforce's deal lands first
    alone = next(r for r in first.results if r.key == "prj-12345")
    # Apideck's own deal has no Salesforce record: its name is not Apideck's to set, so the
    # project has none, and the record waits (data_quality) rather than taking it
    assert alone.error_class == "data_quality" and "merged" in (alone.message or "")
    assert {c["key"]: c["kept"] for c in first.conflicts} == {"prj-12345": None}

    from accord.harness.simstate import SimState
    from accord.sync.endpoints import simulator_state

    deal = json.loads((root / "mappings/examples/apideck_crm/opportunity_won.json").read_text())
    deal.update(id="0068c00001Rt2KpAAJ", title="Renamed in Apideck",  # the same deal, later
                updated_at="2026-11-30T10:00:00.000Z")
    from accord.workspace.apimodel import api_model
    from accord.workspace.systems import load_systems

    found = api_model(load_systems(root)[0]["apideck_crm"], ["Opportunity"]).collection_for(
        "Opportunity")
    assert found is not None
    state = SimState(simulator_state(root, "apideck_crm"))
    try:
        state.put(found.name, deal["id"], deal, "test")
    finally:
        state.close()
    report = sync_flow(root, "opportunity-to-project")
    [conflict] = report.conflicts
    assert (conflict["key"], conflict["system"], conflict["owner"], conflict["value"]) == (
        "prj-0068c00001Rt2KpAAJ", "apideck_crm", "salesforce", "Renamed in Apideck")
    with open_store(root) as store:
        landed = Ledger(store).get("opportunity-to-project", "prj-0068c00001Rt2KpAAJ")
        assert landed is not None
        assert landed.canonical["name"] == conflict["kept"] != "Renamed in Apideck"
        assert set(landed.sources) == {"salesforce", "apideck_crm"}
        from accord.sync.runs import Conflicts

        stored = {c.key: c for c in Conflicts(store).list(flow="opportunity-to-project")}
        assert (stored["prj-0068c00001Rt2KpAAJ"].path,
                stored["prj-0068c00001Rt2KpAAJ"].system) == ("name", "apideck_crm")
        assert set(stored) == {"prj-0068c00001Rt2KpAAJ", "prj-12345"}


def test_availability_failures_retry_on_their_own_at_the_next_run(
        reference_workspace: Path, tmp_path: Path) -> None:
    """Xero answers 503 beyond the retries: the invoice waits as an availability exception and
    the next run sends it without anyone replaying it."""
    import os

    from sim_process import call, declare, free_port, simulator

    root = reference_workspace
    flow = root / "mappings/invoice-to-status/flow.yaml"
    flow.write_text(flow.read_text().replace(
        "retry: {max_attempts: 5, initial_delay: 1, max_delay: 60, multiplier: 2, jitter: full}",
        "retry: {max_attempts: 2, initial_delay: 0.01, max_delay: 0.02, jitter: none}"))
    port = free_port()
    declare(root, "xero_accounting", "flaky", port)
    invoice = _invoices(root)[1]
    _open_periods(root, [invoice])
    feed = tmp_path / "one.jsonl"
    feed.write_text(json.dumps(invoice) + "\n")
    with simulator(root, "xero_accounting", port, tmp_path / "xero.db", dict(os.environ)) as base:
        call(f"{base}/_accord/faults", {"path": "/Invoices", "status": 503, "times": 2},
             method="POST")
        first = sync_flow(root, "invoice-to-status", SyncOptions(environment="flaky",
                                                                 input=feed))
        [failed] = first.results
        assert failed.error_class == "availability", failed.to_dict()
        assert first.exit_code == 1
        empty = tmp_path / "none.jsonl"
        empty.write_text("")
        second = sync_flow(root, "invoice-to-status", SyncOptions(environment="flaky",
                                                                  input=empty))
        [retried] = second.results
        assert retried.outcome is Outcome.CREATED, retried.to_dict()
        with open_store(root) as store:
            closed = ExceptionQueue(store).require(failed.exception_id or 0)
        assert closed.status == "replayed"
        writes = [r for r in call(f"{base}/_accord/requests")["requests"]
                  if r["path"] == "/Invoices"]
        assert [r["status"] for r in writes][:2] == [503, 503]  # both attempts, then a run later
        assert len(writes) == 3
