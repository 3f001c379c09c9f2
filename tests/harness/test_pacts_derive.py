"""`accord pacts` on a small workspace: what an interaction holds (only the fields read, the
matchers the schema calls for, golden values, provider states), the rules map, outbound
requests equal to the transformer's output, the consumer test, determinism and freshness."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from accord.cli.main import cli
from accord.harness.pacts import derive_pacts, run_pacts
from accord.project import load_workspace
from click.testing import CliRunner
from pact_ws import (
    ACCOUNT,
    INBOUND_PACT,
    INBOUND_SPEC,
    OUTBOUND_PACT,
    SHOP_CUSTOMER,
    shop_workspace,
)


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def derived(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shop workspace with its modules generated and its pacts written."""
    root = shop_workspace(tmp_path_factory.mktemp("shop") / "ws")
    assert invoke("generate", "-w", str(root))[0] == 0
    code, out = invoke("pacts", "-w", str(root))
    assert code == 0, out
    return root


@pytest.fixture()
def ws(derived: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "ws"
    shutil.copytree(derived, copy)
    return copy


def pact(root: Path, rel: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((root / rel).read_text("utf-8"))
    return data


def interaction(document: dict[str, Any], prefix: str) -> dict[str, Any]:
    found = [i for i in document["interactions"] if i["description"].startswith(prefix)]
    assert len(found) == 1, [i["description"] for i in document["interactions"]]
    return found[0]


def rules(part: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    return {path: rule["matchers"]
            for path, rule in part.get("matchingRules", {}).get("body", {}).items()}


# -- what an inbound interaction holds ---------------------------------------------------------


def test_inbound_read_holds_only_the_fields_the_mapping_reads(derived: Path) -> None:
    document = pact(derived, INBOUND_PACT)
    assert document["consumer"]["name"] == "shop.account_to_customer"
    assert document["provider"]["name"] == "shop"
    assert document["metadata"]["pactSpecification"]["version"] == "4.0"
    read = interaction(document, "a request for Account A-1001")
    assert read["type"] == "Synchronous/HTTP"
    assert read["request"] == {"method": "GET", "path": "/v1/accounts/A-1001"}
    assert read["response"]["status"] == 200
    body = read["response"]["body"]["content"]
    assert set(body) == {"data"}  # the vendor's envelope, from the read operation
    record = body["data"]
    assert "secret_notes" not in record and "internal_code" not in record  # never read
    assert all(set(c) == {"email", "primary"} for c in record["contacts"])  # phone: never read
    expected = {k: v for k, v in ACCOUNT.items() if k not in ("secret_notes", "internal_code")}
    expected["contacts"] = [{"email": c["email"], "primary": c["primary"]}
                            for c in ACCOUNT["contacts"]]
    assert record == expected  # golden values, every golden array item


def test_inbound_matchers_follow_the_source_schema(derived: Path) -> None:
    matchers = rules(interaction(pact(derived, INBOUND_PACT), "a request for")["response"])
    assert matchers["$.data.id"] == [{"match": "regex", "regex": "^A-[0-9]+$"}]  # pattern
    assert matchers["$.data.status"] == [{"match": "regex",
                                          "regex": "^(active|closed|deleted)$"}]  # enum
    assert matchers["$.data.employees"] == [{"match": "integer"}]
    assert matchers["$.data.revenue"] == [{"match": "number"}]
    assert matchers["$.data.name"] == [{"match": "type"}]
    assert matchers["$.data.founded"][0]["match"] == "regex"  # format: date
    assert matchers["$.data.founded"][0]["regex"].startswith("^[0-9]{4}-")
    assert "T" in matchers["$.data.updated"][0]["regex"]  # format: date-time
    assert matchers["$.data.contacts"] == [{"match": "type", "min": 1}]  # each_like
    assert matchers["$.data.contacts[*].primary"] == [{"match": "boolean"}]
    assert matchers["$.data.contacts[*].email"][0]["match"] == "regex"  # format: email
    assert not [p for p in matchers if "secret" in p or "phone" in p]


def test_one_provider_state_per_example_with_the_item_path_and_record(derived: Path) -> None:
    read = interaction(pact(derived, INBOUND_PACT), "a request for")
    assert read["providerStates"] == [{"name": "Account A-1001 exists", "params": {
        "path": "/v1/accounts/A-1001", "record": ACCOUNT}}]


def test_an_event_is_derived_for_the_records_the_when_selects(derived: Path) -> None:
    document = pact(derived, INBOUND_PACT)
    event = interaction(document, "shop Account event:")
    assert event["type"] == "Asynchronous/Messages"
    assert "status != 'deleted'" in event["description"]
    read = interaction(document, "a request for")
    assert event["contents"]["content"] == read["response"]["body"]["content"]["data"]
    assert rules(event)["$.employees"] == [{"match": "integer"}]  # matchers as inbound
    assert event["providerStates"] == read["providerStates"]


def test_metadata_names_the_mapping_and_the_rule_behind_each_field(derived: Path) -> None:
    meta = pact(derived, INBOUND_PACT)["metadata"]["accord"]
    assert meta["mapping"] == INBOUND_SPEC
    assert meta["mapping_version"] == "1.0.0"
    assert meta["direction"] == "inbound"
    assert meta["contracts"] == ["customer@1.0.0"]
    document = pact(derived, INBOUND_PACT)
    assert set(meta["rules"]) == {i["description"] for i in document["interactions"]}
    read = meta["rules"][interaction(document, "a request for")["description"]]
    lines = (derived / INBOUND_SPEC).read_text("utf-8").splitlines()

    def line_of(text: str) -> str:
        return f"{INBOUND_SPEC}:{1 + next(i for i, ln in enumerate(lines) if text in ln)}"

    assert read["$.data.employees"] == line_of("employees: employees")
    assert read["$.data.contacts[*].email"] == line_of("emails:")
    assert read["$.data.contacts[*].primary"] == line_of("emails:")
    assert read["$.data.status"] == line_of("status: {expr: status")  # a field rule first
    assert read["$.data.updated"] == line_of("updated_at: updated")
    assert set(read) == {"$.data." + k for k in ("id", "name", "status", "employees", "revenue",
                                                "founded", "updated")} | {
        "$.data.contacts[*].email", "$.data.contacts[*].primary"}


# -- outbound ---------------------------------------------------------------------------------


def test_outbound_request_is_the_transformers_output(derived: Path) -> None:
    from accord import load_transformer

    document = pact(derived, OUTBOUND_PACT)
    assert document["consumer"]["name"] == "shop.customer_from_customer"
    create = interaction(document, "a request to create Customer")
    assert not create.get("providerStates")
    assert create["request"]["method"] == "POST"
    assert create["request"]["path"] == "/v1/customers"
    module = load_transformer(derived / "generated" / "customers" / "shop_customer.py")
    golden = json.loads((derived / "mappings/examples/customer.json").read_text("utf-8"))
    assert create["request"]["body"]["content"] == module.transform(golden) == SHOP_CUSTOMER
    matchers = rules(create["request"])
    assert matchers["$.size"] == [{"match": "integer"}]
    assert matchers["$.turnover"] == [{"match": "number"}]
    assert matchers["$.emails"] == [{"match": "type", "min": 1}]
    assert matchers["$.emails[*]"][0]["match"] == "regex"
    response = create["response"]
    assert response["status"] == 201  # the create operation's success status
    new_id = response["body"]["content"]["data"]["id"]
    assert isinstance(new_id, int)
    assert rules(response)["$.data.id"] == [{"match": "integer"}]
    meta = document["metadata"]["accord"]
    assert meta["direction"] == "outbound" and meta["contracts"] == ["customer@1.0.0"]
    spec = "mappings/customers/shop_customer.yaml"
    lines = (derived / spec).read_text("utf-8").splitlines()
    written = meta["rules"][create["description"]]
    for path, where in written.items():
        file, _, line = where.rpartition(":")
        assert file == spec
        assert path.rsplit(".", 1)[-1].rstrip("[*]") in lines[int(line) - 1], (path, where)
    assert set(written) == {"$.code", "$.display_name", "$.size", "$.turnover", "$.emails",
                            "$.emails[*]"}


# -- the consumer test --------------------------------------------------------------------


def test_a_response_missing_a_read_field_fails_the_consumer_test(
        ws: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The pact is proved before it is written: the mock server's answer goes through accord's
    read and the transformer, which must give what it gives on the golden record."""
    from accord.harness.pacts import derive
    from accord.harness.pacts.shape import Obj

    real = derive.project

    def lossy(model: Any, tree: Any, value: Any) -> Any:
        node = real(model, tree, value)
        if isinstance(node, Obj):  # drop what the mapping reads as `revenue`
            return Obj(tuple((n, c) for n, c in node.fields if n != "revenue"))
        return node

    monkeypatch.setattr(derive, "project", lossy)
    result = run_pacts(load_workspace(ws), check=True)
    failed = [d for d in result.diagnostics if d.code == "ACC726"]
    assert {d.file for d in failed} == {INBOUND_SPEC}
    # the read served by Pact's mock server, and the event Pact's core delivered
    assert any("a request for Account A-1001" in d.message
               and "lacks something the mapping reads" in d.message for d in failed)
    assert any("shop Account event:" in d.message
               and "the message lacks something the mapping reads" in d.message for d in failed)
    assert INBOUND_PACT not in {f.path.as_posix() for f in result.files}


# -- determinism and freshness --------------------------------------------------------------


def test_two_runs_are_byte_identical(ws: Path) -> None:
    first = derive_pacts(load_workspace(ws)).files
    second = derive_pacts(load_workspace(ws)).files
    assert [f.text for f in first] == [f.text for f in second]
    assert [f.text for f in first] == [(ws / f.path).read_text("utf-8") for f in first]
    # another process, another hash seed: the same bytes
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    check = subprocess.run([sys.executable, "-m", "accord.cli.main", "pacts", "--check", "-w",
                            str(ws)], capture_output=True, text=True, env=env, timeout=300)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "2 pact(s) up to date" in check.stdout


def test_check_names_a_pact_made_stale_by_an_edited_mapping(ws: Path) -> None:
    spec = ws / INBOUND_SPEC
    spec.write_text(spec.read_text("utf-8").replace("fields:\n", "# moved down\nfields:\n"))
    code, out = invoke("pacts", "--check", "-w", str(ws))
    assert code == 1
    assert f"{INBOUND_PACT}:1:1: ACC720" in out and OUTBOUND_PACT not in out
    code, out = invoke("pacts", "-w", str(ws))
    assert code == 0 and f"wrote {INBOUND_PACT}" in out
    assert invoke("pacts", "--check", "-w", str(ws))[0] == 0


def test_check_names_a_missing_pact_and_orphans(ws: Path) -> None:
    (ws / OUTBOUND_PACT).unlink()
    ours = ws / "generated/pacts/gone/old_mapping.json"
    ours.parent.mkdir(parents=True)
    shutil.copy(ws / INBOUND_PACT, ours)
    foreign = ws / "generated/pacts/hand_written.json"
    foreign.write_text('{"consumer": {"name": "me"}}')
    code, out = invoke("pacts", "--check", "-w", str(ws), "--format", "json")
    assert code == 1
    found = {(d["code"], d["file"]) for d in json.loads(out)["diagnostics"]}
    assert found == {("ACC721", OUTBOUND_PACT), ("ACC722", "generated/pacts/gone/old_mapping.json"),
                     ("ACC722", "generated/pacts/hand_written.json")}
    assert not (ws / OUTBOUND_PACT).exists()  # --check writes nothing
    code, out = invoke("pacts", "-w", str(ws))
    assert code == 1  # the hand-written file is still there, and named
    assert "removed orphan generated/pacts/gone/old_mapping.json" in out
    assert "hand_written.json:1:1: ACC722" in out
    assert (ws / OUTBOUND_PACT).exists() and not ours.exists() and foreign.exists()


def test_the_pipeline_has_a_pacts_stage(ws: Path) -> None:
    from accord.pipeline import run_pipeline

    (ws / OUTBOUND_PACT).write_text("{}\n")
    results = {r.name: r for r in run_pipeline(load_workspace(ws))}
    assert results["generated"].ok and results["examples"].ok
    assert not results["pacts"].ok
    assert [d.code for d in results["pacts"].diagnostics] == ["ACC720"]


def test_junit_has_a_case_per_pact(derived: Path) -> None:
    code, out = invoke("pacts", "--check", "-w", str(derived), "--format", "junit")
    assert code == 0
    assert out.count("<testcase ") == 2 and INBOUND_PACT in out and 'failures="0"' in out


def test_a_mapping_without_operations_derives_no_pact_and_says_so(ws: Path) -> None:
    openapi = ws / "contracts/systems/shop/openapi.yaml"
    text = openapi.read_text("utf-8")
    openapi.write_text(text.replace("  /v1/accounts/{id}:", "  /v1/other/{id}:").replace(
        "data: {$ref: \"#/components/schemas/Account\"}", "data: {type: object}"))
    code, out = invoke("pacts", "-w", str(ws))
    assert code == 0, out  # a warning: the description says nothing to derive from
    assert f"{INBOUND_SPEC}" in out and "ACC723" in out and "has no read (GET item)" in out
    assert f"removed orphan {INBOUND_PACT}" in out  # the pact it derived before is gone
    assert (ws / OUTBOUND_PACT).exists()
