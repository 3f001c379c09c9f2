"""The simulators: every shipped system served from its description, seeded from the golden
examples; create, read, update and list in each vendor's envelope and paging; request bodies
validated (the vendor's error shape); the admin API; state in SQLite."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from accord.harness.instances import violations
from accord.harness.simulator import running
from click.testing import CliRunner

SHIPPED = {  # system -> (a golden record's item path, where the record sits, its id field)
    "apideck_crm": ("/crm/opportunities/12345", ("data",), "id"),
    "bamboohr": ("/api/v1/employees/4312", (), "id"),
    "harvest": ("/time_entries/636709355", (), "id"),
    "salesforce": ("/services/data/v62.0/sobjects/Opportunity/0068c00001Rt2KpAAJ", (), "Id"),
    "xero_projects": ("/Projects/254553fa-2be8-4991-bd5e-70a97ea12ef8/Time/"
                      "3f9c6b1e-2d7a-4c88-9e15-7a0b4d2c6e91", (), "timeEntryId"),
}


@pytest.fixture(scope="module")
def harvest(repo_root: Path) -> Iterator[Any]:
    with running(repo_root, "harvest") as handle:
        yield handle


def _at(body: Any, pointer: tuple[Any, ...]) -> Any:
    for part in pointer:
        body = body[part]
    return body


@pytest.mark.parametrize("system", sorted(SHIPPED))
def test_each_shipped_system_serves_its_golden_records(repo_root: Path, system: str) -> None:
    path, pointer, id_field = SHIPPED[system]
    with running(repo_root, system) as handle:
        assert handle.base_url.startswith("http://127.0.0.1:")
        response = requests.get(handle.base_url + path, timeout=10)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/json")
        record = _at(response.json(), pointer)
        assert str(record[id_field]) == path.rsplit("/", 1)[1]
        served = handle.simulator.route("GET", path)
        assert served is not None
        golden = [r["record"] for r in requests.get(
            f"{handle.base_url}/_accord/records/{served[0].name}",
            timeout=10).json()["records"]]
        assert record in golden  # served as the golden example holds it


def test_create_read_update_list_in_harvests_shapes(harvest: Any) -> None:
    url = harvest.base_url
    sim = harvest.simulator
    c = sim.model.collection_for("TimeEntry")
    made = requests.post(f"{url}/time_entries", json={
        "project_id": 14307913, "task_id": 8083365, "spent_date": "2026-11-30", "hours": 1.5,
        "notes": "written by accord"}, timeout=10)
    assert made.status_code == 201
    record = made.json()
    assert isinstance(record["id"], int) and record["hours"] == 1.5
    assert not violations(c.record_schema, record)  # the response conforms
    item = f"{url}/time_entries/{record['id']}"
    assert requests.get(item, timeout=10).json() == record
    patched = requests.patch(item, json={"hours": 2.0}, timeout=10)
    assert patched.status_code == 200 and patched.json()["hours"] == 2.0
    written = requests.get(f"{url}/_accord/records/time_entries?origin=api", timeout=10).json()
    assert [r["id"] for r in written["records"]] == [str(record["id"])]

    page = requests.get(f"{url}/time_entries?per_page=1&page=2", timeout=10).json()
    assert (page["page"], page["per_page"], page["total_entries"], page["total_pages"]) == \
        (2, 1, 2, 2)
    assert page["previous_page"] == 1 and page["next_page"] is None
    assert page["links"]["previous"].endswith("page=1") and page["links"]["next"] is None
    assert [e["id"] for e in page["time_entries"]] == [record["id"]]


def test_a_body_that_does_not_fit_is_refused_in_the_vendors_shape(harvest: Any) -> None:
    refused = requests.post(f"{harvest.base_url}/time_entries",
                            json={"project_id": "fourteen", "task_id": 1}, timeout=10)
    assert refused.status_code == 422  # Harvest documents only `default`: 422 for a bad body
    body = refused.json()
    assert set(body) == {"code", "message"} and body["code"] == 422  # Harvest's Error shape
    assert '"spent_date" is a required property' in body["message"]
    assert "/project_id" in body["message"]
    missing = requests.get(f"{harvest.base_url}/time_entries/42", timeout=10)
    assert missing.status_code == 404 and missing.json()["code"] == 404


def test_salesforce_create_update_and_its_error_list(repo_root: Path) -> None:
    with running(repo_root, "salesforce") as handle:
        base = handle.base_url + "/services/data/v62.0/sobjects/Opportunity"
        made = requests.post(base, json={"Name": "Globex renewal", "StageName": "Prospecting",
                                         "CloseDate": "2027-01-15", "Amount": 1000},
                             timeout=10)
        assert made.status_code == 201
        saved = made.json()
        assert saved["success"] is True and saved["errors"] == []
        assert 15 <= len(saved["id"]) <= 18
        updated = requests.patch(f"{base}/{saved['id']}", json={"StageName": "Closed Won"},
                                 timeout=10)
        assert updated.status_code == 204 and updated.content == b""
        record = requests.get(f"{base}/{saved['id']}", timeout=10).json()
        assert (record["Id"], record["StageName"], record["Amount"]) == \
            (saved["id"], "Closed Won", 1000)
        refused = requests.post(base, json={"Name": "x", "StageName": "Won", "Amount": "5"},
                                timeout=10)
        assert refused.status_code == 400
        errors = refused.json()
        assert isinstance(errors, list) and {e["errorCode"] for e in errors} == {"INVALID_FIELD"}
        assert ["Amount"] in [e["fields"] for e in errors]
        assert any("CloseDate" in e["message"] for e in errors)
        missing = requests.get(f"{base}/006000000000000AAA", timeout=10)
        assert missing.status_code == 404 and missing.json()[0]["errorCode"] == "NOT_FOUND"


def test_xero_creates_by_put_and_answers_in_its_envelope(repo_root: Path) -> None:
    with running(repo_root, "xero_accounting") as handle:
        url = handle.base_url
        contact = {"ContactID": "9b9ba9e5-e907-4b4e-8210-54d82b0aa479"}
        made = requests.put(f"{url}/Invoices", json={"Invoices": [
            {"Type": "ACCREC", "Contact": contact}, {"Type": "ACCREC", "Contact": contact}]},
            headers={"Xero-Tenant-Id": "t"}, timeout=10)
        assert made.status_code == 200
        invoices = made.json()["Invoices"]
        assert len(invoices) == 2 and invoices[0]["InvoiceID"] != invoices[1]["InvoiceID"]
        one = requests.get(f"{url}/Invoices/{invoices[1]['InvoiceID']}", timeout=10).json()
        assert one["Invoices"] == [invoices[1]]
        # getInvoice documents only 200: an unknown id is an envelope with no invoice
        none = requests.get(f"{url}/Invoices/00000000-0000-4000-8000-000000000000", timeout=10)
        assert none.status_code == 200 and none.json()["Invoices"] == []
        refused = requests.put(f"{url}/Invoices", json={"Invoices": [{"Type": "BILL"}]},
                               timeout=10)
        assert refused.status_code == 400
        error = refused.json()  # Xero's 400Error: ErrorNumber, Type, Message, Elements
        assert error["ErrorNumber"] == 400
        assert "/Invoices/0/Type" in error["Elements"][0]["ValidationErrors"][0]["Message"]


def test_apideck_lists_by_cursor(repo_root: Path) -> None:
    with running(repo_root, "apideck_crm") as handle:
        url = handle.base_url + "/crm/opportunities"
        made = requests.post(url, json={"title": "Second deal"}, timeout=10)
        assert made.status_code == 201 and made.json()["data"]["id"]
        first = requests.get(url + "?limit=1", timeout=10).json()
        assert [d["id"] for d in first["data"]] == ["12345"]
        cursor = first["meta"]["cursors"]["next"]
        second = requests.get(url, params={"limit": 1, "cursor": cursor}, timeout=10).json()
        assert [d["id"] for d in second["data"]] == [made.json()["data"]["id"]]
        assert second["meta"]["cursors"]["next"] is None
        assert second["links"]["previous"].endswith("cursor=" + first["meta"]["cursors"]
                                                    ["current"])


def test_provider_states_setup_and_teardown(repo_root: Path) -> None:
    """The Pact state-change body stores the record so that a GET of the path returns it."""
    with running(repo_root, "xero_projects") as handle:
        path = ("/Projects/11111111-2222-4333-8444-555555555555/Time/"
                "66666666-7777-4888-9999-000000000000")
        record = {"timeEntryId": "66666666-7777-4888-9999-000000000000",
                  "projectId": "11111111-2222-4333-8444-555555555555", "duration": 30}
        state = {"state": "TimeEntry exists", "params": {"path": path, "record": record}}
        assert handle.state_url.endswith("/_accord/provider-states")
        assert requests.post(handle.state_url, json={**state, "action": "setup"},
                             timeout=10).status_code == 200
        assert requests.get(handle.base_url + path, timeout=10).json() == record
        assert requests.post(handle.state_url, json={**state, "action": "teardown"},
                             timeout=10).status_code == 200
        assert requests.get(handle.base_url + path, timeout=10).status_code == 400
        # a state with nothing to store (a message interaction's) is accepted
        assert requests.post(handle.state_url, json={"state": "x", "action": "setup"},
                             timeout=10).status_code == 200
        bad = requests.post(handle.state_url, json={"state": "x", "params": {
            "path": "/nowhere", "record": {}}, "action": "setup"}, timeout=10)
        assert bad.status_code == 400 and "/nowhere" in bad.json()["error"]


def test_reset_forgets_writes_and_reseeds(harvest: Any) -> None:
    url = harvest.base_url
    requests.post(f"{url}/time_entries", json={"project_id": 1, "task_id": 2,
                                               "spent_date": "2026-11-30"}, timeout=10)
    golden = "/time_entries/636709355"
    requests.patch(url + golden, json={"hours": 99.0}, timeout=10)
    assert requests.post(f"{url}/_accord/reset", timeout=10).json() == {"reset": True}
    stored = requests.get(f"{url}/_accord/records/time_entries", timeout=10).json()["records"]
    assert [(r["id"], r["origin"]) for r in stored] == [("636709355", "seed")]
    assert requests.get(url + golden, timeout=10).json()["hours"] != 99.0
    assert requests.get(f"{url}/_accord/records/nothing", timeout=10).status_code == 404


def test_state_file_keeps_records_across_runs(repo_root: Path, tmp_path: Path) -> None:
    state = tmp_path / "harvest.db"
    with running(repo_root, "harvest", state_path=state) as handle:
        made = requests.post(f"{handle.base_url}/time_entries", json={
            "project_id": 1, "task_id": 2, "spent_date": "2026-11-30"}, timeout=10).json()
    with running(repo_root, "harvest", state_path=state) as handle:
        again = requests.get(f"{handle.base_url}/time_entries/{made['id']}", timeout=10)
        assert again.json() == made
        second = requests.post(f"{handle.base_url}/time_entries", json={
            "project_id": 1, "task_id": 2, "spent_date": "2026-11-30"}, timeout=10).json()
        assert second["id"] != made["id"]  # the id counter is kept with the state
    (tmp_path / "bad.db").write_text("not a database")
    from accord.errors import LoadError

    with pytest.raises(LoadError, match="ACC702"), \
            running(repo_root, "harvest", state_path=tmp_path / "bad.db"):
        pass


def test_accord_simulate_serves_until_interrupted(repo_root: Path) -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "accord.cli.main", "simulate", "bamboohr",
                             "-w", str(repo_root)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert first.startswith("accord simulate bamboohr: http://127.0.0.1:"), first
        url = first.rsplit(" ", 1)[1].strip()
        listed = proc.stdout.readline()
        assert "employees (GetEmployeeResponse, id id, 2 seeded)" in listed
        assert "/_accord/provider-states" in proc.stdout.readline()
        assert requests.get(url + "/api/v1/employees/5120", timeout=10).json()["id"] == "5120"
    finally:
        proc.send_signal(signal.SIGINT)
        _out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "Traceback" not in err and "stopped" in err


def test_ctrl_c_right_after_the_url_still_stops_cleanly(repo_root: Path) -> None:
    """Ctrl-C as soon as the URL shows (before the rest is printed) is a clean stop too."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "accord.cli.main", "simulate", "bamboohr",
                             "-w", str(repo_root)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().startswith("accord simulate bamboohr: http://127.0.0.1:")
    finally:
        proc.send_signal(signal.SIGINT)
        _out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "Traceback" not in err and "stopped" in err


def test_simulate_an_unknown_system_is_a_usage_error(repo_root: Path) -> None:
    from accord.cli.main import cli

    result = CliRunner().invoke(cli, ["simulate", "nope", "-w", str(repo_root)])
    assert result.exit_code == 2 and "ACC704" in result.output
    assert "harvest" in result.output
