"""System-of-record ownership: declarations in contracts, the static finding on mappings
(ACC482-ACC485), and the run-time merge the sync engine uses."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path
from typing import Any

import pytest
from accord import codes
from accord.project import load_workspace
from accord.runtime.ownership import MISSING, merge_owned
from accord.workspace.ownership import contract_owners
from flow_workspace import REPO, edit, flow_findings, line_of
from hypothesis import given, settings
from hypothesis import strategies as st

BAMBOO = Path("mappings/employee-to-resource/bamboohr_employee.yaml")
RESOURCE = Path("contracts/canonical/resource/1.0.1.yaml")
INVOICE = Path("contracts/canonical/invoice/1.0.1.yaml")


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    for part in ("contracts", "mappings"):
        shutil.copytree(REPO / part, tmp_path / part)
    return tmp_path


def only(findings: list, code: str) -> list:
    return [d for d in findings if d.code == code]


# -- declarations ----------------------------------------------------------------------------

def test_shipped_owners_in_both_forms() -> None:
    contracts = load_workspace(REPO).contracts
    resource, _ = contract_owners(contracts.get("resource", "1.0.1"))
    assert resource[("employment_status",)].owner == "hcm"
    assert resource[("employment_status",)].pointer == \
        "/properties/employment_status/x-accord-owner"
    assert resource[("default_role",)].owner == "psa"
    invoice, _ = contract_owners(contracts.get("invoice", "1.0.1"))
    assert {p: o.owner for p, o in invoice.items()} == {
        ("invoice_number",): "erp", ("status",): "erp", ("amount_paid",): "erp",
        ("amount_due",): "erp", ("paid_date",): "erp"}
    assert invoice[("status",)].pointer == "/x-accord/owners/~1properties~1status"
    rates, _ = contract_owners(contracts.get("rate_card", "1.0.1"))
    assert rates[("rates",)].owner == "psa"
    # released versions carry no owners: they were not edited
    assert contract_owners(contracts.get("resource", "1.0.0"))[0] == {}


def test_owner_inside_array_items_through_a_local_ref(ws: Path) -> None:
    path = ws / "contracts/canonical/project/1.1.0.yaml"
    edit(path, "    required: [role, hours]\n", "    required: [role, hours]\n    x-accord-owner: "
                                                  "crm\n")
    owners, diags = contract_owners(load_workspace(ws).contracts.get("project", "1.1.0"))
    assert diags == []
    assert owners[("roles", "[]")].owner == "crm"
    assert owners[("roles", "[]")].pointer == "/$defs/project_role/x-accord-owner"


def test_malformed_unknown_and_double_owners(ws: Path) -> None:
    path = ws / INVOICE
    edit(path, "    /properties/paid_date: erp\n",
         "    /properties/paid_date: erp\n    /properties/no_such: erp\n"
         "    /properties/total: ledger\n")
    edit(path, "\n  status:\n", "\n  status:\n    x-accord-owner: psa\n")  # the map says erp
    found = flow_findings(ws, same_contracts=False)
    [malformed] = only(found, codes.OWNER_MALFORMED)
    assert malformed.pointer == "/x-accord/owners/~1properties~1no_such"
    assert malformed.line == line_of(path, "/properties/no_such")
    [unknown] = only(found, codes.OWNER_UNKNOWN)
    assert "'ledger'" in unknown.message
    assert unknown.line == line_of(path, "/properties/total: ledger")
    [twice] = only(found, codes.OWNER_TWICE)
    assert twice.message == ("status is owned by 'psa' (at /properties/status/x-accord-owner) "
                             "and by 'erp'")
    assert twice.pointer == "/x-accord/owners/~1properties~1status"


def test_an_owner_may_name_a_system(ws: Path) -> None:
    edit(ws / RESOURCE, "  employment_status:\n    x-accord-owner: hcm\n",
         "  employment_status:\n    x-accord-owner: bamboohr\n")
    assert flow_findings(ws, same_contracts=False) == []


# -- the static finding ------------------------------------------------------------------------

def test_a_mapping_writing_a_property_another_system_owns(ws: Path) -> None:
    # BambooHR (an hcm) may not set the delivery role, which the PSA owns
    edit(ws / BAMBOO, "  default_role: {n/a: staffing sets the delivery role in the PSA}",
         "  default_role: {default: CONSULTANT}")
    [d] = only(flow_findings(ws, same_contracts=False), codes.OWNER_CONFLICT)
    assert (d.file, d.line, d.col) == (str(BAMBOO), line_of(ws / BAMBOO, "default_role"), 3)
    assert d.pointer == "/fields/default_role"
    assert "bamboohr (hcm) writes default_role, which psa owns (resource@1.0.1)" in d.message
    assert d.extra["declared_at"] == "/properties/default_role/x-accord-owner"


def test_the_owner_itself_writes_freely() -> None:
    assert only(flow_findings(REPO), codes.OWNER_CONFLICT) == []


def test_a_rule_writing_an_object_whole_writes_what_is_owned_inside(ws: Path) -> None:
    edit(ws / RESOURCE, "  manager:\n    x-accord-owner: hcm\n", "  manager:\n")
    edit(ws / RESOURCE, "x-accord:\n  version: 1.0.1\n",
         "x-accord:\n  version: 1.0.1\n  owners: {/properties/manager: psa}\n")
    found = only(flow_findings(ws, same_contracts=False), codes.OWNER_CONFLICT)
    # both manager rules (manager.external_ids.bamboohr, manager.name) are under manager
    assert sorted(d.extra["target"] for d in found) == ["manager.external_ids.bamboohr",
                                                        "manager.name"]


def test_inside_each_the_items_are_checked(ws: Path) -> None:
    path = ws / "contracts/canonical/project/1.1.0.yaml"
    text = path.read_text()
    # own the sold rate of each role by the PSA: the CRM mapping writes it inside `each`
    anchor = "\n      rate:\n"
    assert text.count(anchor) == 1, "project_role has one rate property"
    path.write_text(text.replace(anchor, "\n      rate:\n        x-accord-owner: psa\n"))
    found = only(flow_findings(ws, same_contracts=False), codes.OWNER_CONFLICT)
    spec = ws / "mappings/opportunity-to-project/salesforce_opportunity.yaml"
    assert sorted((d.extra["target"], d.line) for d in found) == [
        ("rate.amount", line_of(spec, "rate.amount")),
        ("rate.currency", line_of(spec, "rate.currency"))]
    assert "writes roles.[].rate" in found[0].message


# -- the run-time merge ------------------------------------------------------------------------

KINDS = {"bamboohr": "hcm", "kantata": "psa", "netsuite": "erp"}
OWNERS = {("employment_status",): "hcm", ("default_role",): "psa",
          ("manager",): "hcm", ("roles", "[]", "rate"): "psa"}


def test_owned_values_come_from_their_owner_and_differences_are_conflicts() -> None:
    hcm = {"id": "res-1", "employment_status": "terminated", "job_title": "Consultant",
           "manager": {"id": "res-9"}}
    psa = {"id": "res-1", "employment_status": "active", "default_role": "SR",
           "job_title": "Senior Consultant", "manager": {"id": "res-9"}}
    merged = merge_owned({"bamboohr": hcm, "kantata": psa}, OWNERS, kinds=KINDS)
    assert merged.record == {"id": "res-1", "employment_status": "terminated",
                             "job_title": "Senior Consultant",  # unowned: the later record
                             "manager": {"id": "res-9"}, "default_role": "SR"}
    [conflict] = merged.conflicts
    assert (conflict.dotted, conflict.owner, conflict.system, conflict.value, conflict.kept) == \
        ("employment_status", "hcm", "kantata", "active", "terminated")
    assert merged.taken_from[("employment_status",)] == "bamboohr"
    assert merged.taken_from[("default_role",)] == "kantata"


def test_an_owner_silent_keeps_the_base_and_a_non_owner_is_not_applied() -> None:
    base = {"id": "res-1", "employment_status": "on_leave"}
    merged = merge_owned({"kantata": {"id": "res-1", "employment_status": "active"}}, OWNERS,
                         kinds=KINDS, base=base)
    assert merged.record["employment_status"] == "on_leave"
    assert merged.conflicts[0].kept == "on_leave"
    nothing = merge_owned({"kantata": {"id": "res-1", "employment_status": "active"}}, OWNERS,
                          kinds=KINDS)
    assert "employment_status" not in nothing.record
    assert nothing.conflicts[0].kept is MISSING
    assert nothing.conflicts[0].to_dict()["kept"] is None


def test_an_array_is_owned_whole_and_names_match_too() -> None:
    crm = {"roles": [{"role": "A", "rate": 100}]}
    psa = {"roles": [{"role": "A", "rate": 120}]}
    merged = merge_owned({"salesforce": crm, "kantata": psa}, OWNERS, kinds=KINDS)
    assert merged.record["roles"] == [{"role": "A", "rate": 120}]
    assert [c.dotted for c in merged.conflicts] == ["roles"]
    by_name = merge_owned({"bamboohr": {"x": 1}, "kantata": {"x": 2}}, {("x",): "bamboohr"})
    assert by_name.record == {"x": 1} and by_name.conflicts[0].system == "kantata"


def test_equal_values_are_no_conflict_and_order_decides_unowned() -> None:
    a = {"employment_status": "active", "note": "a"}
    b = {"employment_status": "active", "note": "b"}
    merged = merge_owned({"bamboohr": a, "kantata": b}, OWNERS, kinds=KINDS,
                         order=["kantata", "bamboohr"])
    assert merged.conflicts == () and merged.record["note"] == "a"


values = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=3),
                      lambda inner: st.dictionaries(st.sampled_from("xyz"), inner, max_size=3),
                      max_leaves=6)
records = st.dictionaries(st.sampled_from(["employment_status", "manager", "note", "x"]), values,
                          max_size=4)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(hcm=records, psa=records, erp=records)
def test_merge_properties(hcm: dict[str, Any], psa: dict[str, Any], erp: dict[str, Any]) -> None:
    inputs = {"bamboohr": hcm, "kantata": psa, "netsuite": erp}
    before = copy.deepcopy(inputs)
    merged = merge_owned(inputs, OWNERS, kinds=KINDS)
    assert inputs == before  # pure: the inputs are never modified
    for path in (("employment_status",), ("manager",)):
        name = path[0]
        if name in hcm:
            assert merged.record[name] == hcm[name]  # the owner wins, always
        else:
            assert name not in merged.record  # nobody else may set it
        differing = {s for s in ("kantata", "netsuite")
                     if name in inputs[s] and inputs[s][name] != merged.record.get(name, MISSING)}
        assert {c.system for c in merged.conflicts if c.path == path} == differing
