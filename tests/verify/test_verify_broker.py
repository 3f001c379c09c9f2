"""With PACT_BROKER_BASE_URL set, `accord verify` publishes the pacts with the official Pact
CLI (`pact broker publish`) and the verifier publishes its results (its publish options),
against a fake broker on 127.0.0.1 that records every request."""

from __future__ import annotations

import json
import socket
from pathlib import Path

from accord.cli.main import cli
from click.testing import CliRunner
from verify_support import CONSUMER, fake_broker, golden, vendor_server, write_harvest_pact

TOKEN = "br0ker-T0ken-xyz"


def invoke(*args: str, env: dict[str, str]) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), env=env)
    return result.exit_code, result.output


def test_publishes_pacts_and_results(reference_workspace: Path) -> None:
    write_harvest_pact(reference_workspace)
    with fake_broker() as broker, vendor_server(golden(reference_workspace)) as vendor:
        env = {"PACT_BROKER_BASE_URL": broker.url, "PACT_BROKER_TOKEN": TOKEN,
               "ACCORD_PROVIDER_VERSION": "harvest-2026.12", "ACCORD_BRANCH": "main"}
        code, out = invoke("verify", "harvest", "-w", str(reference_workspace),
                           "--base-url", vendor.url, env=env)
        assert code == 0, out
        assert TOKEN not in out
        assert f"published generated/pacts/time-to-actuals/harvest_time_entry.json to " \
               f"{broker.url} as {CONSUMER} 1.0.0+" in out
        [publish] = [r for r in broker.requests if r[1] == "/contracts/publish"]
        body = publish[3]
        assert body["pacticipantName"] == CONSUMER and body["branch"] == "main"
        assert body["pacticipantVersionNumber"].startswith("1.0.0+")
        assert (("harvest", CONSUMER)) in broker.pacts
        [result] = [r for r in broker.requests if r[1].endswith("/verification-results")]
        assert result[3]["success"] is True
        assert result[3]["providerApplicationVersion"] == "harvest-2026.12"
        assert "/pacticipants/harvest/branches/main/versions/harvest-2026.12" in \
            broker.paths("PUT")
        assert all(h.get("authorization") == f"Bearer {TOKEN}" for _, _, h, _ in broker.requests)

        vendor.change = lambda body: body.update(hours="2.5")
        broker.requests.clear()
        code, out = invoke("verify", "harvest", "-w", str(reference_workspace),
                           "--base-url", vendor.url, "--format", "json", env=env)
        assert code == 1
        assert json.loads(out)["results"][0]["mismatches"][0]["field"] == "$.hours"
        [result] = [r for r in broker.requests if r[1].endswith("/verification-results")]
        assert result[3]["success"] is False


def test_an_unreachable_broker_is_exit_2(reference_workspace: Path) -> None:
    write_harvest_pact(reference_workspace)
    with socket.socket() as sock, vendor_server(golden(reference_workspace)) as vendor:
        sock.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{sock.getsockname()[1]}"
        code, out = invoke("verify", "harvest", "-w", str(reference_workspace),
                           "--base-url", vendor.url,
                           env={"PACT_BROKER_BASE_URL": dead, "PACT_BROKER_TOKEN": TOKEN})
    assert code == 2, out
    assert "ACC748" in out and TOKEN not in out
    # the verification itself still ran against the provider
    assert "pass harvest.time_entry_to_time_entry" in out
