"""accord.sync.reconcile_collect without HTTP: the source side built from raw records through the
flow's real generated transformers and validator (skipped, held by a gate, unmapped, merged),
and one delivery read back (ok, drift, 404, pending, unreadable)."""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from accord.errors import CallError
from accord.project import load_workspace
from accord.sync.engine import content_hash
from accord.sync.prepare import PreparedFlow, prepare_flow
from accord.sync.reconcile_collect import SourceCollector, check_target, reconcile_spec

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def prepared() -> PreparedFlow:
    return prepare_flow(load_workspace(REPO), "time-to-actuals")


@pytest.fixture(scope="module")
def harvest_entry() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(
        (REPO / "mappings/examples/harvest/time_entry_approved.json").read_text("utf-8"))
    return loaded


class ApprovedOnly:
    """Stands in for the flow's gates: holds what is not approved."""

    class Failure:
        gate = "approved"
        message = "not approved"

    def check(self, record: Mapping[str, Any]) -> Any:
        return None if record.get("approval_status") == "approved" else self.Failure()


def collector(prepared: PreparedFlow, **kw: Any) -> SourceCollector:
    return SourceCollector(key=prepared.key, validator=prepared.validator, gates=ApprovedOnly(),
                           owners=prepared.owners, kinds=prepared.kinds, **kw)


def harvest(prepared: PreparedFlow) -> Any:
    return next(s.transformer for s in prepared.sources if s.system == "harvest")


def test_records_are_mapped_keyed_gated_and_counted(prepared: PreparedFlow,
                                                    harvest_entry: dict[str, Any]) -> None:
    c = collector(prepared)
    transformer = harvest(prepared)
    running = {**harvest_entry, "id": 2, "is_running": True}       # the mapping's when: skipped
    submitted = {**harvest_entry, "id": 3, "is_closed": False}     # held by the gate
    broken = {**harvest_entry, "id": 4, "spent_date": None}        # required: does not map
    for number, raw in enumerate([harvest_entry, running, submitted, broken, "text"]):
        c.add("harvest", transformer, raw, str(number))
    side = c.result()
    assert list(side.records) == [f"hv-{harvest_entry['id']}"]
    record = side.records[f"hv-{harvest_entry['id']}"]
    assert record.content_hash == content_hash(record.canonical)
    assert record.sources == {"harvest": "0"}
    assert side.read_counts == {"harvest": 5}
    assert side.outside == {"skipped by harvest's mapping": 1, "held by gate approved": 1}
    assert [(p.kind, p.source_id, p.error_class) for p in side.problems] == [
        ("unmapped", "3", "data_quality"), ("unmapped", "4", "data_quality")]
    assert "work_date" in side.problems[0].message and "str" in side.problems[1].message


def test_spec_of_the_shipped_flow(prepared: PreparedFlow,
                                  harvest_entry: dict[str, Any]) -> None:
    spec = reconcile_spec(prepared.flow)
    record = harvest(prepared).transform(harvest_entry)
    assert spec.measures["hours"](record) == harvest_entry["hours"]
    assert spec.group_by["project"](record) == str(harvest_entry["project"]["id"])
    assert spec.group_by["period"](record) == harvest_entry["spent_date"][:7]
    assert spec.texts["group_by.period"] == "substring(work_date, `0`, `7`)"


class State:
    def __init__(self, target_id: str | None, state: str = "delivered") -> None:
        self.target_id = target_id
        self.state = state


def test_a_delivery_read_back() -> None:
    sent = {"Reference": "INV-1", "Total": "120.00", "Lines": [{"Qty": 1}]}

    def reads(answer: Any) -> Any:
        def read(target_id: str) -> Any:
            if isinstance(answer, Exception):
                raise answer
            return answer
        return read

    same = {**copy.deepcopy(sent), "InvoiceID": "x-1", "Total": 120}
    assert check_target("xero", "k", State("x-1"), sent, reads(same)).status == "ok"
    edited = {**same, "Reference": "INV-1 (edited)"}
    drift = check_target("xero", "k", State("x-1"), sent, reads(edited))
    assert drift.status == "drift"
    assert [(d.path, d.expected, d.found) for d in drift.differences] == [
        ("$.Reference", "INV-1", "INV-1 (edited)")]
    gone = CallError("GET /Invoices/x-1: 404", error_class="data_quality", status=404)
    assert check_target("xero", "k", State("x-1"), sent, reads(gone)).status == "missing"
    down = CallError("GET /Invoices/x-1: unavailable", error_class="availability", status=503)
    assert check_target("xero", "k", State("x-1"), sent, reads(down)).status == "unreadable"
    assert check_target("xero", "k", State(None, "pending"), sent, reads(same)).status == \
        "pending"
    assert check_target("xero", "k", None, sent, reads(same)).status == "pending"
    # the id the system assigned is the ledger's target id, not a difference
    asked = {**sent, "InvoiceID": "client-chosen"}
    assert check_target("xero", "k", State("x-1"), asked, reads(same)).status == "drift"
    assert check_target("xero", "k", State("x-1"), asked, reads(same),
                        id_field="InvoiceID").status == "ok"


def test_a_field_the_read_model_shapes_otherwise_is_not_drift() -> None:
    """Xero Projects writes estimateAmount as a number and reads it back as an Amount object:
    not comparable, so not drift; a field of the same shape that differs still is."""
    from types import SimpleNamespace

    from accord.sync.reconcile_collect import check_target

    state = SimpleNamespace(target_id="p-1", state="delivered")
    sent = {"name": "Apollo", "estimateAmount": 181250.48}
    check = check_target("xero_projects", "prj-1", state, sent,
                         lambda _id: {"name": "Apollo", "estimateAmount": {}})
    assert check.status == "ok"
    check = check_target("xero_projects", "prj-1", state, sent,
                         lambda _id: {"name": "Apollo II", "estimateAmount": {}})
    assert check.status == "drift"
    assert [d.path for d in check.differences] == ["$.name"]
