"""`accord verify` against a provider that is NOT the simulator: a plain HTTP server on
127.0.0.1 answering Harvest's shapes. Verification passes, then fails naming the mapping rule
(file:line) once the provider renames a field or changes its type."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from accord.cli.main import cli
from accord.harness.verify import verify_system
from click.testing import CliRunner
from verify_support import (
    CONSUMER,
    EVENT,
    HARVEST_PACT,
    READ,
    golden,
    rule_line,
    vendor_server,
    write_harvest_pact,
)


def invoke(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), env=env)
    return result.exit_code, result.output


@pytest.fixture()
def workspace(reference_workspace: Path) -> Path:
    write_harvest_pact(reference_workspace)
    return reference_workspace


def _rename_notes(body: dict[str, Any]) -> None:
    body["note"] = body.pop("notes")


def _hours_as_text(body: dict[str, Any]) -> None:
    body["hours"] = str(body["hours"])


def test_passes_then_fails_naming_the_rule(workspace: Path) -> None:
    with vendor_server(golden(workspace)) as vendor:
        report = verify_system(workspace, "harvest", base_url=vendor.url, record=False)
        assert report.ok, report.to_dict()
        [result] = report.results
        assert (result.pact.consumer, result.outcome, result.interactions) == \
            (CONSUMER, "passed", 2)
        assert ("GET", "/time_entries/636709355") in [(m, p) for m, p, _ in vendor.seen]

        vendor.change = _rename_notes
        report = verify_system(workspace, "harvest", base_url=vendor.url, record=False)
        assert not report.ok
        [mismatch] = report.results[0].mismatches
        assert (mismatch.interaction, mismatch.field) == (READ, "$.notes")
        assert mismatch.rules == (rule_line(workspace, "description"),)
        [diag] = report.diagnostics()
        assert (diag.code, f"{diag.file}:{diag.line}") == ("ACC740", mismatch.rules[0])

        vendor.change = _hours_as_text
        report = verify_system(workspace, "harvest", base_url=vendor.url, record=False)
        [mismatch] = report.results[0].mismatches
        assert mismatch.field == "$.hours"
        assert mismatch.expected == "2.5" and mismatch.actual == '"2.5"'
        assert mismatch.rules == (rule_line(workspace, "hours"),)


def test_cli_text_json_junit_and_exit_codes(workspace: Path) -> None:
    with vendor_server(golden(workspace)) as vendor:
        code, out = invoke("verify", "harvest", "-w", str(workspace), "--base-url", vendor.url)
        assert code == 0, out
        assert f"pass {CONSUMER}" in out and "all 1 pact(s) verified" in out

        vendor.change = _rename_notes
        code, out = invoke("verify", "harvest", "-w", str(workspace), "--base-url", vendor.url)
        assert code == 1, out
        rule = rule_line(workspace, "description")
        assert f"interaction: {READ}" in out
        assert "$.notes is missing from the provider's body" in out
        assert f"mapping rule: {rule}" in out

        code, out = invoke("verify", "harvest", "-w", str(workspace), "--base-url", vendor.url,
                           "--format", "json")
        assert code == 1
        data = json.loads(out)
        [result] = data["results"]
        assert result["outcome"] == "failed" and result["pact"] == HARVEST_PACT.as_posix()
        assert result["mismatches"][0]["rules"] == [rule]
        assert len(result["pact_sha256"]) == 64

        code, out = invoke("verify", "harvest", "-w", str(workspace), "--base-url", vendor.url,
                           "--format", "junit")
        assert code == 1
        assert "<failure" in out and rule in out and out.startswith("<?xml")


def test_messages_come_from_the_pact_without_a_simulator(workspace: Path) -> None:
    with vendor_server(golden(workspace)) as vendor:
        report = verify_system(workspace, "harvest", base_url=vendor.url, record=False)
    assert report.ok
    # the message was verified (no mismatch for EVENT), the provider saw only the GET
    assert EVENT in json.loads((workspace / HARVEST_PACT).read_text())["metadata"]["accord"][
        "rules"]
    assert all(m == "GET" for m, _, _ in vendor.seen)


def _declare(workspace: Path, text: str) -> None:
    path = workspace / "contracts/systems/harvest/system.yaml"
    body = path.read_text("utf-8")
    head, _, _ = body.partition("environments:")
    path.write_text(head + "environments:\n" + text, "utf-8")


def test_a_declared_environment_sends_credentials_and_never_shows_them(workspace: Path) -> None:
    secret = "s3cr3t-Harvest-T0ken"
    with vendor_server(golden(workspace)) as vendor:
        _declare(workspace, "  local: {simulator: true}\n"
                            f"  staging:\n    base_url: \"{vendor.url}\"\n"
                            f"    state_url: \"{vendor.url}/_states\"\n"
                            "    auth: {bearer_env: HARVEST_TOKEN}\n")
        # the provider echoes the token back in a field the pact expects as a number
        vendor.change = lambda body: body.update(hours=f"Bearer {secret}")
        for fmt in ("text", "json", "junit"):
            code, out = invoke("verify", "harvest", "-w", str(workspace), "--env", "staging",
                               "--format", fmt, env={"HARVEST_TOKEN": secret})
            assert code == 1, out
            assert secret not in out
            assert "$.hours" in out and "***" in out
        sent = {h.get("authorization") for m, p, h in vendor.seen if m == "GET"}
        assert sent == {f"Bearer {secret}"}
        # provider states went to the declared state URL, with the record
        assert vendor.states and vendor.states[0]["action"] == "setup"
        assert vendor.states[0]["params"]["path"] == "/time_entries/636709355"

        code, out = invoke("verify", "harvest", "-w", str(workspace), "--env", "staging",
                           env={"HARVEST_TOKEN": ""})
        assert code == 2
        assert "ACC743" in out and "HARVEST_TOKEN" in out


def test_basic_credentials_are_redacted(workspace: Path) -> None:
    password = "pa55-w0rd-basic"
    with vendor_server(golden(workspace)) as vendor:
        _declare(workspace, f"  staging:\n    base_url: \"{vendor.url}\"\n"
                            "    auth: {basic_user_env: HV_USER, basic_password_env: HV_PASS}\n")
        vendor.change = lambda body: body.update(
            hours=vendor.seen[-1][2].get("authorization", ""))
        code, out = invoke("verify", "harvest", "-w", str(workspace), "--env", "staging",
                           "--format", "json", env={"HV_USER": "ops", "HV_PASS": password})
        assert code == 1
        assert password not in out
        import base64

        assert base64.b64encode(f"ops:{password}".encode()).decode() not in out


def test_unusable_input_is_exit_2(workspace: Path, tmp_path: Path) -> None:
    import socket

    with socket.socket() as sock:  # a port nobody listens on: bound, never accepting
        sock.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{sock.getsockname()[1]}"
        code, out = invoke("verify", "harvest", "-w", str(workspace), "--base-url", dead)
    assert code == 2 and "ACC742" in out and "cannot be reached" in out

    code, out = invoke("verify", "harvestt", "-w", str(workspace), "--base-url", dead)
    assert code == 2 and "unknown system 'harvestt'" in out

    # a system none of whose mappings has a pact (`accord pacts` derives one for bamboohr)
    (workspace / "generated/pacts/employee-to-resource/bamboohr_employee.json").unlink()
    code, out = invoke("verify", "bamboohr", "-w", str(workspace), "--base-url", dead)
    assert code == 2 and "ACC741" in out

    code, out = invoke("verify", "harvest", "-w", str(workspace), "--env", "nowhere")
    assert code == 2 and "ACC743" in out

    code, out = invoke("verify", "harvest", "-w", str(workspace), "--env", "local",
                       "--base-url", dead)
    assert code == 2 and "not both" in out

    (workspace / HARVEST_PACT).write_text("{not json", "utf-8")
    code, out = invoke("verify", "harvest", "-w", str(workspace), "--base-url", dead)
    assert code == 2 and "ACC749" in out


def test_with_a_simulator_messages_are_read_back_from_the_provider(workspace: Path,
                                                                   tmp_path: Path) -> None:
    """With a simulator, the message is the record the provider state stored, read back
    through the provider's API (not the pact's example): a renamed field fails the event too,
    naming the rule."""
    from accord.harness.pact_source import load_pacts
    from accord.harness.verify import Target, _verify_pact

    [pact] = load_pacts(workspace, "harvest")
    with vendor_server(golden(workspace)) as vendor:
        vendor.change = _rename_notes
        target = Target("local", vendor.url, f"{vendor.url}/_states", simulator=True)
        outcome = _verify_pact(pact, target, tmp_path)
    found = {(m.interaction, m.field): m.rules for m in outcome.mismatches}
    rule = (rule_line(workspace, "description"),)
    assert found == {(READ, "$.notes"): rule, (EVENT, "$.notes"): rule}
    assert [s["action"] for s in vendor.states] == ["setup", "teardown"] * 2
