"""`accord verify --static`: no server; each interaction against the system's API description
(operation, request schema, declared status, every expected response field and its type), each
finding naming the interaction, the field and the mapping rule."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from accord.cli.main import cli
from accord.harness.verify_static import static_check
from click.testing import CliRunner
from verify_support import EVENT, READ, rule_line, write_harvest_pact

API = Path("contracts/systems/harvest/openapi.yaml")


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def _edit_api(root: Path, change: Any) -> None:
    data = yaml.safe_load((root / API).read_text("utf-8"))
    change(data)
    (root / API).write_text(yaml.safe_dump(data, sort_keys=True), "utf-8")


def _with_read_operation(data: dict[str, Any]) -> None:
    """The GET item operation (the importer keeps it once the mappings' operations are
    derived; added here when the description has none yet)."""
    paths = data.setdefault("paths", {})
    if not any(route.startswith("/time_entries/{") and "get" in item
               for route, item in paths.items()):
        paths["/time_entries/{timeEntryId}"] = {"get": {
            "operationId": "retrieveTimeEntry",
            "parameters": [{"name": "timeEntryId", "in": "path", "required": True,
                            "schema": {"type": "string"}}],
            "responses": {"200": {"description": "", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/TimeEntry"}}}}}}}


@pytest.fixture()
def workspace(reference_workspace: Path) -> Path:
    write_harvest_pact(reference_workspace)
    _edit_api(reference_workspace, _with_read_operation)
    return reference_workspace


def _time_entry(data: dict[str, Any]) -> dict[str, Any]:
    schema: dict[str, Any] = data["components"]["schemas"]["TimeEntry"]
    return schema


def test_clean_pact_passes(workspace: Path) -> None:
    report = static_check(workspace, "harvest")
    assert report.ok, [d.format() for d in report.diagnostics]
    assert report.interactions == 2
    code, out = invoke("verify", "--static", "harvest", "-w", str(workspace))
    assert code == 0, out
    assert "2 interaction(s)" in out


def test_a_renamed_field_in_the_description_names_the_rule(workspace: Path) -> None:
    def rename(data: dict[str, Any]) -> None:
        props = _time_entry(data)["properties"]
        props["note"] = props.pop("notes")

    _edit_api(workspace, rename)
    report = static_check(workspace, "harvest")
    found = {(d.extra["interaction"], d.extra["field"]): d for d in report.diagnostics}
    assert set(found) == {(READ, "$.notes"), (EVENT, "$.notes")}
    rule = rule_line(workspace, "description")
    for diag in found.values():
        assert diag.code == "ACC746"
        assert f"{diag.file}:{diag.line}" == rule
        assert "no field 'notes'" in diag.message
    code, out = invoke("verify", "--static", "harvest", "-w", str(workspace), "--format", "json")
    assert code == 1
    data = json.loads(out)
    assert {d["extra"]["field"] for d in data["diagnostics"]} == {"$.notes"}
    assert all(d["extra"]["rules"] == [rule] for d in data["diagnostics"])

    # a schema the vendor declares open (additionalProperties: true) allows unlisted fields
    _edit_api(workspace, lambda data: _time_entry(data).update(additionalProperties=True))
    assert static_check(workspace, "harvest").ok


def test_a_changed_type_names_the_rule(workspace: Path) -> None:
    def retype(data: dict[str, Any]) -> None:
        _time_entry(data)["properties"]["hours"] = {"type": "string", "nullable": True}

    _edit_api(workspace, retype)
    report = static_check(workspace, "harvest")
    [read] = [d for d in report.diagnostics if d.extra["interaction"] == READ]
    assert read.code == "ACC746" and read.extra["field"] == "$.hours"
    assert "expects number" in read.message and "string" in read.message
    assert f"{read.file}:{read.line}" == rule_line(workspace, "hours")


def test_a_lost_operation_and_an_undeclared_status(workspace: Path) -> None:
    def drop_paths(data: dict[str, Any]) -> None:
        data["paths"] = {}

    _edit_api(workspace, drop_paths)
    [lost] = [d for d in static_check(workspace, "harvest").diagnostics
              if d.extra["interaction"] == READ]
    assert lost.code == "ACC744" and "GET /time_entries/636709355" in lost.message

    _edit_api(workspace, _with_read_operation)

    def only_404(data: dict[str, Any]) -> None:
        for item in data["paths"].values():
            if "get" in item:
                item["get"]["responses"] = {"404": {"description": ""}}

    _edit_api(workspace, only_404)
    [status] = [d for d in static_check(workspace, "harvest").diagnostics
                if d.extra["interaction"] == READ]
    assert status.code == "ACC747" and "no 200 response" in status.message


def test_a_request_body_the_operation_does_not_accept(workspace: Path) -> None:
    """An outbound interaction: the create request must be valid for the request schema; the
    field it may not carry is named with the rule writing it."""
    from pact import Pact, match

    def add_create(data: dict[str, Any]) -> None:
        data["paths"]["/time_entries"] = {"post": {
            "operationId": "createTimeEntry",
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "additionalProperties": False,
                "required": ["project_id", "spent_date"],
                "properties": {"project_id": {"type": "integer"},
                               "spent_date": {"type": "string", "format": "date"},
                               "hours": {"type": "number"}}}}}},
            "responses": {"201": {"description": "", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/TimeEntry"}}}}}}}

    _edit_api(workspace, add_create)
    description = "a request to create a Harvest TimeEntry"
    pact = Pact("canonical.time_entry_to_harvest", "harvest")
    (pact.upon_receiving(description)
     .with_request("POST", "/time_entries")
     .with_body({"project_id": 14307913, "spent_date": "2026-11-16", "hours": 2.5,
                 "minutes": 150}, content_type="application/json")
     .will_respond_with(201)
     .with_body({"id": match.int(1)}, content_type="application/json"))
    scratch = workspace / ".scratch"
    pact.write_file(scratch, overwrite=True)
    data = json.loads((scratch / "canonical.time_entry_to_harvest-harvest.json").read_text())
    mapping = "mappings/time-to-actuals/harvest_create.yaml"
    data["metadata"]["accord"] = {
        "mapping": mapping, "mapping_version": "1.0.0", "direction": "outbound",
        "contracts": ["time_entry@1.1.0"],
        "rules": {description: {"$.project_id": f"{mapping}:9", "$.minutes": f"{mapping}:12",
                                "$.id": f"{mapping}:3"}}}
    out = workspace / "generated/pacts/time-to-actuals/harvest_create.json"
    out.write_text(json.dumps(data), "utf-8")
    found = [d for d in static_check(workspace, "harvest").diagnostics
             if d.extra["interaction"] == description]
    [extra] = found
    assert extra.code == "ACC745" and extra.extra["field"] == "$.minutes"
    assert (extra.file, extra.line) == (mapping, 12)
