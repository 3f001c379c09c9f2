"""The wire against the shipped systems' simulators on 127.0.0.1: paging through every one,
incremental reads, create/update and idempotent replays on Xero Accounting, injected faults,
the request log, and environments (local simulators with persistent state, declared ones
with credentials from the environment)."""

from __future__ import annotations

import math
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from accord import codes
from accord.errors import CallError, UsageError
from accord.harness.simulator import SimulatorHandle, running
from accord.mapping.flow import CallPolicy, Retry
from accord.sync.endpoints import open_systems, simulator_state
from accord.sync.http import SystemClient
from accord.sync.source import list_records, newer, read_record
from accord.sync.target import create, idempotency_header, update
from accord.workspace.apimodel import Collection, instant
from wire_server import Answer, scripted

REPO = Path(__file__).resolve().parents[2]
SYSTEMS = ("apideck_crm", "bamboohr", "harvest", "salesforce", "xero_accounting",
           "xero_projects")
EXTRA = 23  # records stored beside the seeds: several pages of 5
TOKEN = "xero-t0ken-never-shown"


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def _copy(root: Path) -> Path:
    for part in ("contracts", "mappings", "generated"):
        shutil.copytree(REPO / part, root / part)
    return root


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _copy(tmp_path_factory.mktemp("wire") / "ws")


@pytest.fixture()
def sim(workspace: Path, request: pytest.FixtureRequest) -> Iterator[SimulatorHandle]:
    with running(workspace, request.param) as handle:
        yield handle


def _client(handle: SimulatorHandle, **kw: Any) -> SystemClient:
    return SystemClient(handle.base_url, kw.pop("policy", None),
                        system=handle.simulator.system, **kw)


def _fresh_id(c: Collection, example: Any, n: int) -> str | int:
    if isinstance(example, int):
        return 900_000 + n
    if c.id_field in ("InvoiceID", "timeEntryId") or (
            isinstance(example, str) and len(example) == 36 and example.count("-") == 4):
        return str(uuid.UUID(int=n + 1))
    return f"extra{n:04d}"


def _store_extra(handle: SimulatorHandle, c: Collection, count: int,
                 stamp: str = "2026-10-{day:02d}T08:00:00Z") -> list[str]:
    """Store ``count`` records like the first seed (or minimal ones), each with a new id and
    an update stamp on its own day; their ids."""
    sim = handle.simulator
    seeds = sim.seeds.get(c.name) or []
    base = dict(seeds[0][1]) if seeds else {}
    ids = []
    for n in range(count):
        record = dict(base)
        record[c.id_field] = _fresh_id(c, base.get(c.id_field), n)
        for name in ("updated_at", "UpdatedDateUTC"):
            if name in base or (not seeds and name in (c.record_schema.get("properties")
                                                        or {})):
                record[name] = stamp.format(day=n % 28 + 1)
        sim.state.put(c.name, str(record[c.id_field]), record, "state")
        ids.append(str(record[c.id_field]))
    return ids


@pytest.mark.parametrize("sim", SYSTEMS, indirect=True)
def test_every_record_of_every_shipped_system_is_read_exactly_once(
        sim: SimulatorHandle) -> None:
    assert sim.simulator.model.collections
    for c in sim.simulator.model.collections:
        seeded = [str(rid) for rid, _ in sim.simulator.seeds.get(c.name, [])]
        extra = _store_extra(sim, c, EXTRA)
        expected = seeded + extra
        client = _client(sim)
        if c.list is None:  # BambooHR and Salesforce describe no list: read each by id
            assert c.schema in ("GetEmployeeResponse", "Opportunity")
            got = [read_record(client, c, rid).source_id for rid in expected]
            assert got == expected
            continue
        scopes = [{}] if not c.list.path_params else [
            {p: v} for p in c.list.path_params
            for v in sorted({str(r.get(p)) for _i, r in sim.simulator.seeds.get(c.name, [])})]
        got = [r.source_id for scope in scopes
               for r in list_records(client, c, page_size=5, path_params=scope)]
        assert sorted(got) == sorted(expected) and len(got) == len(set(got))
        pages = [r for r in sim.simulator.state.requests()  # this collection's (Xero
                 if r.method == "GET" and c.list.pattern.match(r.path)]  # Projects has two)
        assert math.ceil(len(expected) / 5) <= len(pages) <= math.ceil(len(expected) / 5) + 1
        assert all(r.status == 200 for r in pages)


@pytest.mark.parametrize("sim", ["harvest"], indirect=True)
def test_harvest_lists_incrementally_by_updated_since(sim: SimulatorHandle) -> None:
    c = sim.simulator.model.collections[0]
    assert c.list is not None and c.list.since is not None
    assert (c.list.since.name, c.list.since.location) == ("updated_since", "query")
    _store_extra(sim, c, 20)  # 2026-10-01 .. 2026-10-20
    client = _client(sim)
    since = "2026-10-15T08:00:00Z"
    got = list(list_records(client, c, since=since, watermark="updated_at", page_size=4))
    stamps = sorted(r.watermark for r in got)
    # the seed (2026-11-17) and 16..20 October; the 15th itself is not "after"
    assert stamps == [f"2026-10-{d}T08:00:00Z" for d in range(16, 21)] + \
        ["2026-11-17T10:22:03Z"]
    # the server filtered too (at or after): 6 records + the 15th = 2 pages of 4, not 6
    served = client.request("GET", "/time_entries", params={"updated_since": since})
    assert len(served.body["time_entries"]) == 7


def test_the_client_filters_when_the_server_ignores_since(workspace: Path) -> None:
    with running(workspace, "harvest") as handle:
        c = handle.simulator.model.collections[0]
    page = {"time_entries": [{"id": 1, "updated_at": "2026-01-01T00:00:00Z"},
                             {"id": 2, "updated_at": "2026-03-01T00:00:00+0000"},
                             {"id": 3}], "next_page": None}
    with scripted(Answer(200, page)) as (url, script):
        got = list(list_records(SystemClient(url), c, since="2026-02-01T00:00:00Z",
                                watermark="updated_at"))
    assert [r.source_id for r in got] == ["2", "3"]  # no stamp: kept, never lost
    assert "updated_since=2026-02-01T00%3A00%3A00Z" in script.seen[0].path


def test_watermarks_compare_as_times() -> None:
    assert newer("2026-03-01T00:00:00+01:00", "2026-02-28T22:30:00Z")
    assert not newer("2026-03-01T00:00:00+01:00", "2026-02-28T23:30:00Z")  # 23:00Z
    assert not newer("/Date(1573755038314+0000)/", "2019-11-15T00:00:00Z")
    assert newer(11, 9) and not newer("a", "b") and newer(None, "x")
    assert instant("Fri, 15 Nov 2019 12:00:00 GMT") is not None and instant("soon") is None


@pytest.mark.parametrize("sim", ["xero_accounting"], indirect=True)
def test_xero_lists_by_if_modified_since(sim: SimulatorHandle) -> None:
    c = sim.simulator.model.collections[0]
    assert c.list is not None and c.list.since is not None
    assert c.list.since.location == "header"
    _store_extra(sim, c, 10)
    client = _client(sim)
    answer = client.request("GET", "/Invoices",
                            headers={"If-Modified-Since": "2026-10-08T08:00:00Z"})
    assert len(answer.body["Invoices"]) == 3
    got = list(list_records(client, c, since="2026-10-08T08:00:00Z",
                            watermark="UpdatedDateUTC"))
    assert len(got) == 2  # after the 8th (the server sends "at or after")


def _invoice(**extra: Any) -> dict[str, Any]:
    return {"Type": "ACCREC", "Contact": {"ContactID": str(uuid.UUID(int=77))},
            "LineItems": [{"Description": "Consulting", "Quantity": 2.0, "UnitAmount": 150.0}],
            "Reference": "accord-1", **extra}


def test_create_update_and_replay_on_xero_accounting(tmp_path: Path, workspace: Path) -> None:
    state = tmp_path / "xero.db"
    with running(workspace, "xero_accounting", state_path=state) as handle:
        c = handle.simulator.model.collections[0]
        client = _client(handle)
        made = create(client, c, _invoice(), idempotency_key="invoice-to-status|INV-1")
        assert made.status == 200 and made.target_id
        assert read_record(client, c, made.target_id).record["Reference"] == "accord-1"
        again = create(client, c, _invoice(), idempotency_key="invoice-to-status|INV-1")
        assert (again.target_id, again.body) == (made.target_id, made.body)
        changed = update(client, c, made.target_id, {"Reference": "accord-2"},
                         idempotency_key="invoice-to-status|INV-1|v2")
        assert changed.target_id == made.target_id
        assert read_record(client, c, made.target_id).record["Reference"] == "accord-2"
        with pytest.raises(CallError) as caught:  # the same key for another request
            create(client, c, _invoice(Reference="other"),
                   idempotency_key="invoice-to-status|INV-1")
        assert caught.value.error_class == "data_quality" and caught.value.status == 400
        log = handle.simulator.state.requests()
        writes = [(r.method, r.idempotency_key, r.replayed, r.status) for r in log
                  if r.method != "GET"]
        assert writes == [("PUT", "invoice-to-status|INV-1", False, 200),
                          ("PUT", "invoice-to-status|INV-1", True, 200),
                          ("POST", "invoice-to-status|INV-1|v2", False, 200),
                          ("PUT", "invoice-to-status|INV-1", False, 400)]
        assert len(handle.simulator.state.all(c.name, "api")) == 1
    # a restart on the same state: the key is still answered with the same invoice
    with running(workspace, "xero_accounting", state_path=state) as handle:
        replay = create(_client(handle), c, _invoice(),
                        idempotency_key="invoice-to-status|INV-1")
        assert replay.target_id == made.target_id
        assert len(handle.simulator.state.all(c.name, "api")) == 1
        assert handle.simulator.state.requests()[-1].replayed


def test_long_or_odd_keys_are_sent_as_their_digest() -> None:
    assert idempotency_header("flow|key-1") == "flow|key-1"
    long = idempotency_header("x" * 300)
    assert long.startswith("accord-") and len(long) == 71 and long == idempotency_header(
        "x" * 300)
    assert idempotency_header("naïve key").startswith("accord-")


@pytest.mark.parametrize("sim", ["harvest"], indirect=True)
def test_injected_429s_are_retried_after_retry_after(sim: SimulatorHandle) -> None:
    c = sim.simulator.model.collections[0]
    sleeps = Sleeps()
    client = _client(sim, policy=CallPolicy(retry=Retry(initial_delay=0.5, jitter="none")),
                     sleep=sleeps)
    admin = SystemClient(sim.base_url)
    faults = admin.request("POST", "/_accord/faults", json={
        "method": "GET", "path": "/time_entries", "status": 429, "retry_after": 1, "times": 2})
    assert len(faults.body["faults"]) == 1
    got = list(list_records(client, c))
    assert len(got) == 1 and sleeps == [1, 1]
    log = [(r.method, r.path, r.status) for r in sim.simulator.state.requests()]
    assert log == [("GET", "/time_entries", 429)] * 2 + [("GET", "/time_entries", 200)]
    assert admin.request("GET", "/_accord/faults").body == {"faults": []}
    assert admin.request("GET", "/_accord/requests").body["requests"][0]["status"] == 429


@pytest.mark.parametrize("sim", ["harvest"], indirect=True)
def test_an_injected_delay_is_a_timeout_then_retried(sim: SimulatorHandle) -> None:
    c = sim.simulator.model.collections[0]
    admin = SystemClient(sim.base_url)
    admin.request("POST", "/_accord/faults", json={"path": "/time_entries", "delay": 1.5})
    sleeps = Sleeps()
    client = _client(sim, policy=CallPolicy(timeout=0.3, retry=Retry(jitter="none")),
                     sleep=sleeps)
    assert len(list(list_records(client, c))) == 1
    assert sleeps == [1] and client.stats.retries == 1


@pytest.mark.parametrize("sim", ["harvest"], indirect=True)
@pytest.mark.parametrize("body", [{"status": 99}, {"times": 0, "status": 500}, {},
                                  {"status": 500, "paht": "/x"}, [1], {"delay": 601}])
def test_a_fault_that_makes_no_sense_is_refused(sim: SimulatorHandle, body: Any) -> None:
    with pytest.raises(CallError) as caught:
        SystemClient(sim.base_url).request("POST", "/_accord/faults", json=body)
    assert caught.value.status == 400


def test_local_simulators_keep_their_records_between_runs(tmp_path: Path) -> None:
    root = _copy(tmp_path / "ws")
    policy = CallPolicy(timeout=7.0)
    with open_systems(root, ["xero_accounting", "harvest"], "local",
                      {"xero_accounting": policy}) as clients:
        assert sorted(clients) == ["harvest", "xero_accounting"]
        assert clients["xero_accounting"].policy is policy
        assert clients["harvest"].policy == CallPolicy()
        with running(root, "xero_accounting") as handle:
            c = handle.simulator.model.collections[0]
        made = create(clients["xero_accounting"], c, _invoice(), idempotency_key="k1")
    assert simulator_state(root, "xero_accounting").is_file()
    with open_systems(root, ["xero_accounting"]) as clients:
        again = read_record(clients["xero_accounting"], c, made.target_id)
        assert again.source_id == made.target_id
        assert create(clients["xero_accounting"], c, _invoice(),
                      idempotency_key="k1").target_id == made.target_id


def test_a_missing_credential_is_authentication_naming_the_variable(tmp_path: Path) -> None:
    root = _copy(tmp_path / "ws")
    with pytest.raises(CallError) as caught, \
            open_systems(root, ["harvest", "xero_accounting"], "sandbox",
                         environ={"HARVEST_TOKEN": "h"}):
        pytest.fail("no client without its credential")
    error = caught.value
    assert error.error_class == "authentication" and error.system == "xero_accounting"
    assert "$XERO_TOKEN" in str(error) and error.attempts == 0
    assert error.diagnostics[0].code == codes.CALL_CREDENTIAL_MISSING


def test_an_undeclared_environment_is_usage(tmp_path: Path) -> None:
    root = _copy(tmp_path / "ws")
    with pytest.raises(UsageError) as caught, open_systems(root, ["harvest"], "prod"):
        pytest.fail("no client for an undeclared environment")
    assert caught.value.diagnostics[0].code == codes.CALL_ENVIRONMENT
    assert "declared: local, sandbox" in str(caught.value)


def test_a_declared_environment_sends_its_credentials_and_never_shows_them(
        tmp_path: Path) -> None:
    root = _copy(tmp_path / "ws")
    file = root / "contracts" / "systems" / "xero_accounting" / "system.yaml"
    with scripted(Answer(200, {"Invoices": [{"InvoiceID": "i-1"}]}),
                  Answer(401, {"Detail": f"bad token Bearer {TOKEN}"})) as (url, script):
        data = yaml.safe_load(file.read_text())
        data["environments"]["sandbox"] = {"base_url": url + "/api.xro/2.0",
                                           "headers": {"Xero-Tenant-Id": "tenant-1"},
                                           "auth": {"bearer_env": "XERO_TOKEN"}}
        file.write_text(yaml.safe_dump(data))
        with open_systems(root, ["xero_accounting"], "sandbox",
                          environ={"XERO_TOKEN": TOKEN}) as clients:
            client = clients["xero_accounting"]
            client.request("GET", "/Invoices")
            with pytest.raises(CallError) as caught:
                client.request("GET", "/Invoices")
    seen = script.seen[0]
    assert seen.path == "/api.xro/2.0/Invoices"
    assert seen.headers["Authorization"] == f"Bearer {TOKEN}"
    assert seen.headers["Xero-Tenant-Id"] == "tenant-1"
    assert TOKEN not in repr(client) + str(caught.value) + repr(caught.value)
    assert caught.value.error_class == "authentication"


def test_pages_that_never_end_and_pages_without_records_are_data_quality(
        workspace: Path) -> None:
    with running(workspace, "apideck_crm") as handle:
        c = handle.simulator.model.collections[0]
    page = {"data": [{"id": "1"}], "meta": {"cursors": {"next": "same"}}}
    with scripted(Answer(200, page), Answer(200, page), Answer(200, page)) as (url, script), \
            pytest.raises(CallError, match="pages loop") as caught:
        list(list_records(SystemClient(url), c, page_size=1))
    assert caught.value.error_class == "data_quality" and len(script.seen) == 2
    with scripted(Answer(200, {"data": "nope"})) as (url, _script), \
            pytest.raises(CallError, match="without the list of records at /data"):
        list(list_records(SystemClient(url), c))


def test_a_collection_without_the_operation_is_usage(workspace: Path) -> None:
    with running(workspace, "bamboohr") as handle:
        c = handle.simulator.model.collections[0]
        with pytest.raises(UsageError) as caught:
            list(list_records(_client(handle), c))
    assert caught.value.diagnostics[0].code == codes.CALL_NO_OPERATION
    assert "no list operation for GetEmployeeResponse" in str(caught.value)


class Killed(BaseException):
    """Stands for a SIGKILL between two writes."""


def test_a_write_and_its_kept_answer_commit_together(workspace: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    body = json.dumps({"Invoices": [_invoice()]}).encode()
    with running(workspace, "xero_accounting", state_path=tmp_path / "x.db") as handle:
        sim = handle.simulator
        c = sim.model.collections[0]

        def killed(*_args: Any, **_kw: Any) -> None:
            raise Killed

        monkeypatch.setattr(sim.state, "keep_answer", killed)
        with pytest.raises(Killed):
            sim.answer("PUT", "/Invoices", {}, body, headers={"Idempotency-Key": "k"})
        assert sim.state.all(c.name, "api") == []  # the invoice went with the answer
        monkeypatch.undo()
        first = sim.answer("PUT", "/Invoices", {}, body, headers={"Idempotency-Key": "k"})
        again = sim.answer("PUT", "/Invoices", {}, body, headers={"Idempotency-Key": "k"})
        assert first == again and first[0] == 200
        assert len(sim.state.all(c.name, "api")) == 1
