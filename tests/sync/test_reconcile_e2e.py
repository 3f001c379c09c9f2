"""accord reconcile end to end, against the simulators and the workspace database (SQLite and
PostgreSQL): a synced flow reconciles; a record changed in its source system shows as changed
since the last sync (exit 1); syncing again reconciles. The HTML page of the command is checked
in headless Chromium."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from accord.cli.main import cli
from accord.mapping.flow import CallPolicy
from accord.project import load_workspace
from accord.sync.endpoints import open_systems
from accord.sync.engine import SyncOptions, sync_flow
from accord.sync.prepare import prepare_flow
from accord.sync.reconcile_collect import reconcile_flow
from accord.sync.reconcile_render import render_text
from browser import Browser, output_dir
from click.testing import CliRunner

FLOW = "opportunity-to-project"


def link_customers(root: Path) -> None:
    """The CRM accounts are Xero contacts (without them Xero Projects refuses the projects)."""
    from accord.store.db import open_store
    from accord.sync.crosswalk import Crosswalk

    with open_store(root) as store, store.transaction():
        crosswalk = Crosswalk(store)
        for canonical_id, crm, account, contact in (
                ("cus-initech", "salesforce", "001Hs00002XyZ98IAB",
                 "5b7a4c1e-0f2d-4e6a-9b8c-3d1e2f4a5b6c"),
                ("cus-acme", "apideck_crm", "C-987", "0d3e5f7a-9b1c-4d2e-8f6a-7b8c9d0e1f2a")):
            crosswalk.link("customer", canonical_id, crm, account)
            crosswalk.link("customer", canonical_id, "xero_accounting", contact)


def change_apideck_opportunity(root: Path, **changes: Any) -> dict[str, Any]:
    """Edit the won opportunity in the Apideck simulator's state, as a salesperson would in the
    CRM (a later updated_at: the incremental list sees it)."""
    inbound = next(s for s in prepare_flow(load_workspace(root), FLOW).sources
                   if s.system == "apideck_crm")
    collection = inbound.collection
    assert collection is not None and collection.read is not None
    with open_systems(root, ["apideck_crm"], "local", {"apideck_crm": CallPolicy()}) as clients:
        client = clients["apideck_crm"]
        stored = client.request("GET", f"/_accord/records/{collection.name}").body["records"]
        won = next(s["record"] for s in stored if s["record"].get("status") == "Won")
        changed = {**won, **changes, "updated_at": "2026-11-30T10:00:00.000Z"}
        path = collection.read.path.replace("{" + collection.read.path_params[-1] + "}",
                                            str(won["id"]))
        answer = client.request("POST", "/_accord/provider-states", json={
            "state": "the deal changed", "action": "setup",
            "params": {"path": path, "record": changed}})
        assert answer.status == 200, answer.body
    return changed


def test_sync_reconcile_change_sync_reconcile(reference_workspace: Path, database: str) -> None:
    root = reference_workspace
    link_customers(root)
    synced = sync_flow(root, FLOW, SyncOptions())
    assert synced.exit_code == 0, json.dumps(synced.to_dict(), indent=1)[:3000]

    first = reconcile_flow(root, FLOW)
    assert first.exit_code == 0, render_text(first)
    delivered = first.total.delivered
    assert delivered.count == first.total.source.count >= 2  # a deal from each CRM
    gbp = next(g for g in first.groups if "GBP" in g.values)
    assert gbp.source.get("budget") == gbp.delivered.get("budget") > 0

    change_apideck_opportunity(root, monetary_amount=80000)
    second = reconcile_flow(root, FLOW)
    assert second.exit_code == 1
    [changed] = [p for p in second.problems if p.kind == "changed"]
    assert changed.system == "apideck_crm"
    assert "$.budget.amount" in [d.path for d in changed.differences]
    gbp = next(g for g in second.groups if "GBP" in g.values)
    assert gbp.difference("budget") == -(80000 - 75000)  # delivered - source
    assert second.total.source.count == second.total.delivered.count  # changed, not new

    again = sync_flow(root, FLOW, SyncOptions())
    assert again.exit_code == 0
    third = reconcile_flow(root, FLOW)
    assert third.exit_code == 0, render_text(third)


def test_the_command_writes_an_html_page_chromium_renders(reference_workspace: Path,
                                                          tmp_path: Path) -> None:
    root = reference_workspace
    link_customers(root)
    assert sync_flow(root, FLOW, SyncOptions()).exit_code == 0
    change_apideck_opportunity(root, monetary_amount=80000, title="<b>Acme</b> & co")
    page = output_dir(tmp_path) / "reconcile-opportunity-to-project.html"
    runner = CliRunner()
    result = runner.invoke(cli, ["reconcile", FLOW, "-w", str(root), "--format", "html",
                                 "--out", str(page)], catch_exceptions=False)
    assert result.exit_code == 1, result.output
    assert "does not reconcile" in result.output and str(page) in result.output
    as_json = runner.invoke(cli, ["reconcile", FLOW, "-w", str(root), "--format", "json"],
                            catch_exceptions=False)
    data = json.loads(as_json.output)
    assert data["exit_code"] == 1 and data["summary"]["changed"] == 1
    with Browser.launch() as browser:
        loaded = browser.load(page)
        assert loaded.problems() == []
        assert loaded.broken_links() == []
        text = loaded.text()
        assert "Does not reconcile" in text and "Changed since the last sync (1)" in text
        assert "80000" in text and "75000" in text
        loaded.screenshot(page.with_suffix(".png"))
    unknown = runner.invoke(cli, ["reconcile", "no-such-flow", "-w", str(root)])
    assert unknown.exit_code == 2 and "no-such-flow" in unknown.output


def test_a_flow_without_sources_is_checked_against_its_target(reference_workspace: Path,
                                                              tmp_path: Path) -> None:
    """invoice-to-status: the ledger against Xero read back; an invoice voided in Xero is
    drift, named with its field."""
    from accord.store.db import open_store
    from accord.sync.periods import Periods

    root = reference_workspace
    invoices = [json.loads(p.read_text("utf-8")) for p in
                sorted((root / "mappings/examples/canonical").glob("invoice_*.json"))]
    (tmp_path / "invoices.json").write_text(json.dumps(invoices), "utf-8")
    with open_store(root) as store, store.transaction():
        periods = Periods(store)
        for entity in sorted({i["legal_entity"] for i in invoices}):
            periods.set(entity, "2026-11", "open", actor="test")
    synced = sync_flow(root, "invoice-to-status", SyncOptions(input=tmp_path / "invoices.json"))
    assert synced.exit_code == 0
    clean = reconcile_flow(root, "invoice-to-status")
    assert clean.exit_code == 0, render_text(clean)
    assert clean.target_counts == {"xero_accounting": {"ok": len(invoices)}}
    outbound = prepare_flow(load_workspace(root), "invoice-to-status").targets[0]
    collection = outbound.collection
    assert collection.read is not None
    with open_systems(root, ["xero_accounting"], "local",
                      {"xero_accounting": CallPolicy()}) as clients:
        xero = clients["xero_accounting"]
        stored = xero.request("GET", f"/_accord/records/{collection.name}").body["records"]
        made = next(s for s in stored if s["origin"] == "api")
        path = collection.read.path.replace("{" + collection.read.path_params[-1] + "}",
                                            made["id"])
        xero.request("POST", "/_accord/provider-states", json={
            "state": "voided in Xero", "action": "setup",
            "params": {"path": path, "record": {**made["record"], "Status": "VOIDED"}}})
    drifted = reconcile_flow(root, "invoice-to-status")
    assert drifted.exit_code == 1
    [problem] = drifted.problems
    assert (problem.kind, problem.target_id) == ("drift", made["id"])
    assert [(d.path, d.found) for d in problem.differences] == [("$.Status", "VOIDED")]
