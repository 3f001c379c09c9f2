"""accord fuzz: Schemathesis through its Python API. Every simulator passes against its own
description; a provider that is not the simulator (a plain HTTP server answering Salesforce's
shapes) passes, then fails readably once it renames a field or changes a type."""

from __future__ import annotations

import copy
import functools
import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
from accord.cli.main import cli
from accord.harness.fuzz import DEFAULT_CHECKS, fuzz, fuzzed_operations
from accord.project import load_workspace
from click.testing import CliRunner

SYSTEMS = ["apideck_crm", "bamboohr", "harvest", "salesforce", "xero_accounting",
           "xero_projects"]


@pytest.fixture(scope="module")
def workspace(repo_root: Path) -> Any:
    return load_workspace(repo_root)


@pytest.mark.parametrize("system", SYSTEMS)
def test_each_simulator_passes_schemathesis_against_its_own_description(
        workspace: Any, system: str) -> None:
    result = fuzz(workspace, system, max_examples=8, seed=20261201, every_operation=True)
    assert result.passed, "\n".join(f"{f.operation}: {f.check}: {f.message}"
                                    for f in result.failures)
    assert {op.operation_id for op in result.operations} == set(
        workspace.systems[system].api.operations())
    assert all(op.examples >= 1 for op in result.operations)


def test_fuzzing_is_limited_to_what_the_mappings_use(workspace: Any) -> None:
    # inbound mappings read (read, list); the Xero invoice mapping writes (create, update)
    assert fuzzed_operations(workspace, workspace.systems["harvest"]) == [
        "listTimeEntries", "retrieveTimeEntry"]
    assert fuzzed_operations(workspace, workspace.systems["xero_accounting"]) == [
        "createInvoices", "updateInvoice"]
    assert fuzzed_operations(workspace, workspace.systems["salesforce"]) == ["getOpportunity"]
    # Xero Projects: time entries are read; projects are written through their write shape
    # (ProjectCreateOrUpdate), so the project create and update are fuzzed, not its reads
    assert fuzzed_operations(workspace, workspace.systems["xero_projects"]) == [
        "createProject", "getTimeEntries", "getTimeEntry", "updateProject"]


def test_a_seeded_run_sends_the_same_requests(workspace: Any) -> None:
    def run() -> list[dict[str, Any]]:
        result = fuzz(workspace, "harvest", max_examples=6, seed=7, every_operation=True)
        return [op.to_dict() for op in result.operations]

    assert run() == run()


# -- a provider that is not the simulator ------------------------------------------------


class SalesforceLike(http.server.BaseHTTPRequestHandler):
    """Answers GET /services/data/v62.0/sobjects/Opportunity/{id} like Salesforce: the record
    it holds, or Salesforce's error list with 404. ``change`` breaks the shape."""

    record: ClassVar[dict[str, Any]] = {}
    change = "none"

    def do_GET(self) -> None:
        prefix = "/services/data/v62.0/sobjects/Opportunity/"
        if self.path.startswith(prefix) and self.path[len(prefix):] == self.record["Id"]:
            body: Any = copy.deepcopy(self.record)
            if self.change == "rename":
                body["Stage"] = body.pop("StageName")
            elif self.change == "type":
                body["Amount"] = str(body["Amount"])
            self._send(200, body)
        else:
            self._send(404, [{"message": "The requested resource does not exist",
                              "errorCode": "NOT_FOUND"}])

    def _send(self, status: int, body: Any) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json;charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def provider(repo_root: Path) -> Iterator[type[SalesforceLike]]:
    golden = json.loads((repo_root / "mappings/examples/salesforce/opportunity_closed_won.json")
                        .read_text(encoding="utf-8"))
    handler = type("Provider", (SalesforceLike,), {"record": golden, "change": "none"})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    handler.url = f"http://127.0.0.1:{httpd.server_address[1]}"  # type: ignore[attr-defined]
    try:
        yield handler
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def _fuzz_cli(repo_root: Path, url: str, *extra: str) -> Any:
    return CliRunner().invoke(cli, ["fuzz", "salesforce", "--base-url", url, "--seed", "3",
                                    "--max-examples", "10", "-w", str(repo_root), *extra],
                              catch_exceptions=False)


def test_fuzz_passes_against_another_provider_then_fails_when_it_drifts(
        repo_root: Path, provider: Any) -> None:
    passing = _fuzz_cli(repo_root, provider.url)
    assert passing.exit_code == 0, passing.output
    assert "pass  GET /services/data/v62.0/sobjects/Opportunity/{id}" in passing.output
    assert "200: 1" in passing.output  # the golden record was requested

    provider.change = "rename"
    renamed = _fuzz_cli(repo_root, provider.url)
    assert renamed.exit_code == 1
    assert "FAIL  GET /services/data/v62.0/sobjects/Opportunity/{id}" in renamed.output
    assert "ACC760" in renamed.output and "response_schema_conformance" in renamed.output
    assert '"StageName" is a required property' in renamed.output
    assert "replay: curl -X GET" in renamed.output and "0068c00001Rt2KpAAJ" in renamed.output

    provider.change = "type"
    retyped = _fuzz_cli(repo_root, provider.url, "--format", "json")
    assert retyped.exit_code == 1
    report = json.loads(retyped.output)
    failure = report["operations"][0]["failures"][0]
    assert failure["check"] == "response_schema_conformance"
    assert '"181250.0" is not valid' in failure["message"]
    assert "/properties/Amount" in failure["message"]  # the message names the field
    assert report["checks"] == list(DEFAULT_CHECKS) and report["seed"] == 3

    junit = _fuzz_cli(repo_root, provider.url, "--format", "junit")
    assert junit.exit_code == 1
    assert '<failure type="ACC760"' in junit.output
    assert 'name="GET /services/data/v62.0/sobjects/Opportunity/{id}"' in junit.output


def test_fuzz_usage_errors(repo_root: Path) -> None:
    unknown = CliRunner().invoke(cli, ["fuzz", "harvest", "--checks", "no_such_check",
                                       "-w", str(repo_root)])
    assert unknown.exit_code == 2 and "ACC762" in unknown.output
    assert "negative_data_rejection" in unknown.output  # the message lists the checks
    env = CliRunner().invoke(cli, ["fuzz", "harvest", "--env", "production",
                                   "-w", str(repo_root)])
    assert env.exit_code == 2 and "ACC763" in env.output and "sandbox" in env.output
    down = CliRunner().invoke(cli, ["fuzz", "harvest", "--base-url", "http://127.0.0.1:9",
                                    "-w", str(repo_root)])
    assert down.exit_code == 2 and "ACC764" in down.output
