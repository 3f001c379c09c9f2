"""accord check on flows: every reference resolves and fits its place (ACC490-ACC499), located."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from accord import codes
from accord.mapping import discover_specs, load_mappings
from accord.mapping.flow import ERROR_CLASSES, load_flows
from accord.mapping.formats import format_schema
from accord.project import load_workspace
from accord.workspace.yamlio import load_yaml
from flow_workspace import REPO, copy_workspace, edit, flow_findings, line_of
from jsonschema import Draft202012Validator

TIME = Path("mappings/time-to-actuals/flow.yaml")
OPPORTUNITY = Path("mappings/opportunity-to-project/flow.yaml")
INVOICE = Path("mappings/invoice-to-status/flow.yaml")


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_workspace(tmp_path_factory.mktemp("pristine"))


@pytest.fixture
def ws(pristine: Path, tmp_path: Path) -> Path:
    """A fresh copy per test (copying a copy: no re-read of the repository)."""
    for part in ("contracts", "mappings"):
        shutil.copytree(pristine / part, tmp_path / part)
    return tmp_path


def only(findings: list, code: str) -> list:
    return [d for d in findings if d.code == code]


# -- the shipped flows ---------------------------------------------------------------------------

def test_shipped_flows_load_and_check_clean() -> None:
    ws = load_workspace(REPO)
    assert sorted(f.name for f in ws.flows.flows) == [
        "employee-to-resource", "invoice-to-status", "opportunity-to-project", "time-to-actuals"]
    assert ws.flows.diagnostics == []
    assert flow_findings(REPO) == []


def test_shipped_flows_validate_against_the_published_schema() -> None:
    validator = Draft202012Validator(format_schema("flow"))
    for path in sorted((REPO / "mappings").glob("*/flow.yaml")):
        errors = list(validator.iter_errors(load_yaml(path, root=REPO).data))
        assert errors == [], (path, errors)


def test_accord_schema_flow_prints_the_format() -> None:
    out = subprocess.run([sys.executable, "-m", "accord.cli.main", "schema", "flow"],
                         capture_output=True, text=True, check=True).stdout
    schema = json.loads(out)
    assert schema["$id"] == "urn:accord:format:flow:v1"
    assert set(schema["properties"]["exceptions"]["properties"]) == {
        "default", *(c.value for c in ERROR_CLASSES)}


def test_a_flow_file_is_not_a_mapping_spec() -> None:
    specs = discover_specs(REPO)
    assert specs and not any(p.name == "flow.yaml" for p in specs)
    assert not [d for d in load_mappings(REPO).diagnostics if "flow.yaml" in d.file]


def test_the_model_merges_call_settings_and_routes_owners() -> None:
    flow = load_workspace(REPO).flows.get("time-to-actuals")
    assert flow is not None
    harvest = flow.policy("harvest")
    assert harvest.timeout == 30 and harvest.retry.max_attempts == 5
    assert harvest.rate_limit is not None and (harvest.rate_limit.requests,
                                               harvest.rate_limit.per) == (100, 15)
    assert flow.owner_of("mapping_error") == "integration-team"
    assert flow.owner_of("business_rule") == "project-accounting"  # the default
    assert [g.name for g in flow.gates] == ["approved", "resource_active", "project_active",
                                            "task_active", "period_open"]
    task = flow.gates[3]
    assert (task.kind, task.entity, task.when is not None) == ("active", "task", True)


# -- references ----------------------------------------------------------------------------------

def test_name_must_be_the_folder(ws: Path) -> None:
    edit(ws / TIME, "name: time-to-actuals", "name: time-to-ledger")
    [d] = only(flow_findings(ws), codes.FLOW_NAME)
    assert (d.file, d.line, d.pointer) == (str(TIME), 2, "/name")
    assert "time-to-actuals" in d.hint


def test_unknown_system_is_located_with_a_suggestion(ws: Path) -> None:
    edit(ws / TIME, "  - system: harvest\n", "  - system: harvst\n")
    [d] = only(flow_findings(ws), codes.FLOW_SYSTEM_UNKNOWN)
    assert (d.line, d.pointer) == (line_of(ws / TIME, "system: harvst"), "/sources/0/system")
    assert "'harvest'" in d.hint


def test_unknown_mapping(ws: Path) -> None:
    edit(ws / TIME, "mapping: harvest.time_entry_to_time_entry",
         "mapping: harvest.time_entry_to_timeentry")
    [d] = only(flow_findings(ws), codes.FLOW_MAPPING_UNKNOWN)
    assert d.pointer == "/sources/0/mapping"
    assert "harvest.time_entry_to_time_entry" in d.hint


def test_inbound_mapping_must_read_the_source_system(ws: Path) -> None:
    # the Xero Projects mapping under the Harvest source
    edit(ws / TIME, "mapping: harvest.time_entry_to_time_entry",
         "mapping: xero_projects.time_entry_to_time_entry")
    found = only(flow_findings(ws), codes.FLOW_MAPPING_DIRECTION)
    assert [d.pointer for d in found] == ["/sources/0/mapping"]
    assert "reads xero_projects schema TimeEntry, not harvest" in found[0].message


def test_inbound_mapping_must_write_the_entity(ws: Path) -> None:
    edit(ws / TIME, "mapping: harvest.time_entry_to_time_entry",
         "mapping: harvest.time_entry_to_time_entry\n    # wrong one below")
    edit(ws / TIME, "  - {system: xero_projects, operation: list, "
                    "mapping: xero_projects.time_entry_to_time_entry}",
         "  - {system: xero_projects, operation: list, mapping: xero.invoice_from_invoice}")
    found = only(flow_findings(ws), codes.FLOW_MAPPING_DIRECTION)
    messages = " / ".join(d.message for d in found)
    assert all(d.pointer == "/sources/1/mapping" for d in found)
    assert "not xero_projects" in messages and "not the flow's entity time_entry@1.1.0" in messages


def test_outbound_mapping_must_read_the_entity_and_write_the_target(ws: Path) -> None:
    edit(ws / INVOICE, "mapping: xero.invoice_from_invoice",
         "mapping: harvest.time_entry_to_time_entry")
    found = only(flow_findings(ws), codes.FLOW_MAPPING_DIRECTION)
    assert {d.pointer for d in found} == {"/targets/0/mapping"}
    text = " / ".join(d.message for d in found)
    assert "reads harvest schema TimeEntry, not the flow's entity invoice@1.0.0" in text
    assert "writes contract time_entry@1.1.0, not xero_accounting" in text


def test_an_operation_the_description_does_not_serve(ws: Path) -> None:
    # Salesforce's description has no list of opportunities (only read, create, update)
    edit(ws / OPPORTUNITY, "{system: salesforce, operation: read,",
         "{system: salesforce, operation: list,")
    [d] = only(flow_findings(ws), codes.FLOW_OPERATION)
    assert (d.line, d.pointer) == (line_of(ws / OPPORTUNITY, "system: salesforce"),
                                   "/sources/0/operation")
    assert "no list operation for Opportunity" in d.message
    assert "read" in d.message and "create" in d.message


def test_target_operations_are_resolved_in_the_description(ws: Path) -> None:
    # Xero serves create and update of invoices: both resolve. A mapping onto an operation id
    # offers only what that operation does: getInvoice reads, it neither creates nor updates
    assert only(flow_findings(ws), codes.FLOW_OPERATION) == []
    spec = ws / "mappings" / "invoice-to-status" / "xero_invoice.yaml"
    edit(spec, "target: {system: xero_accounting, schema: Invoice}",
         "target: {system: xero_accounting, operation: getInvoice}")
    found = only(flow_findings(ws), codes.FLOW_OPERATION)
    assert [d.extra["operation"] for d in found] == ["create", "update"]
    assert all(d.pointer == "/targets/0/operations" for d in found)
    assert "'getInvoice' is not a create operation of xero_accounting (it is read)" in \
        found[0].message


def test_a_write_shape_target_offers_what_takes_it(ws: Path) -> None:
    # Xero Projects takes a ProjectCreateOrUpdate to create (POST) and update (PUT) a Project:
    # both resolve. An update that took the whole Project instead would not take what the
    # mapping writes: the flow's update is then a finding
    assert only(flow_findings(ws), codes.FLOW_OPERATION) == []
    api = ws / "contracts" / "systems" / "xero_projects" / "openapi.yaml"
    text = api.read_text("utf-8")
    at = text.index("operationId: updateProject")
    body = "$ref: '#/components/schemas/ProjectCreateOrUpdate'"
    end = text.index(body, at)
    api.write_text(text[:end] + "$ref: '#/components/schemas/Project'" +
                   text[end + len(body):], "utf-8")
    [d] = only(flow_findings(ws, same_contracts=False), codes.FLOW_OPERATION)
    assert (d.pointer, d.extra["operation"]) == ("/targets/0/operations", "update")
    assert "no update operation for ProjectCreateOrUpdate: it serves create" in d.message


def test_unknown_entity(ws: Path) -> None:
    edit(ws / TIME, "entity: time_entry@1.1.0", "entity: time_entry@9.0.0")
    found = only(flow_findings(ws), codes.FLOW_CONTRACT)
    assert [d.pointer for d in found] == ["/entity"]


def test_mapping_versions_must_read_each_other(ws: Path) -> None:
    # the mappings write time_entry@1.1.0; 1.0.0 is closed and lacks what 1.1.0 added
    edit(ws / TIME, "entity: time_entry@1.1.0", "entity: time_entry@1.0.0")
    found = only(flow_findings(ws), codes.FLOW_CONTRACT)
    assert [d.pointer for d in found] == ["/sources/0/mapping", "/sources/1/mapping"]
    assert "records of time_entry@1.1.0 cannot be read as time_entry@1.0.0" in found[0].message


def test_an_older_writer_a_newer_reader_reads(ws: Path) -> None:
    # project@1.0.0 records are valid project@1.1.0 records (1.1.0 only adds optional ones)
    for spec in ("apideck_opportunity.yaml", "salesforce_opportunity.yaml"):
        path = ws / "mappings" / "opportunity-to-project" / spec
        edit(path, "target: {contract: project@1.1.0}", "target: {contract: project@1.0.0}")
    findings = only(flow_findings(ws), codes.FLOW_CONTRACT)
    assert findings == []


# -- expressions -----------------------------------------------------------------------------

def test_gate_paths_exist_in_the_entity(ws: Path) -> None:
    edit(ws / TIME, "require: \"approval_status == 'approved'\"",
         "require: \"approval_state == 'approved'\"")
    [d] = only(flow_findings(ws), codes.FLOW_EXPRESSION)
    line = line_of(ws / TIME, "approval_state")
    col = (ws / TIME).read_text().splitlines()[line - 1].index("approval_state") + 1
    assert (d.line, d.col, d.pointer) == (line, col, "/gates/approved/require")
    assert "approval_status" in d.hint  # the checker's did-you-mean


def test_key_and_active_ref_paths(ws: Path) -> None:
    edit(ws / TIME, "key: id", "key: ident")
    edit(ws / TIME, "active: {entity: project, ref: project}",
         "active: {entity: project, ref: projekt}")
    found = only(flow_findings(ws), codes.FLOW_EXPRESSION)
    assert sorted(d.pointer for d in found) == ["/gates/project_active/active/ref", "/key"]


def test_active_gate_names_a_canonical_entity(ws: Path) -> None:
    edit(ws / TIME, "active: {entity: resource, ref: resource}",
         "active: {entity: resources, ref: resource}")
    [d] = only(flow_findings(ws), codes.FLOW_CONTRACT)
    assert d.pointer == "/gates/resource_active/active/entity"
    assert "'resource'" in d.hint


def test_a_gate_syntax_error_is_located_inside_the_expression(ws: Path) -> None:
    edit(ws / TIME, "require: \"approval_status == 'approved'\"",
         "require: \"approval_status == == 'approved'\"")
    found = load_flows(ws).diagnostics
    [d] = [d for d in found if d.code == codes.EXPRESSION_SYNTAX]
    assert d.file == str(TIME) and d.pointer == "/gates/approved/require"
    assert d.line == line_of(ws / TIME, "== ==")


def test_watermark_is_a_field_of_the_source(ws: Path) -> None:
    edit(ws / TIME, "watermark: updated_at", "watermark: modified_at")
    [d] = only(flow_findings(ws), codes.FLOW_EXPRESSION)
    assert d.pointer == "/sources/0/watermark"


# -- settings, owners, shape -------------------------------------------------------------------

def test_every_error_class_needs_an_owner(ws: Path) -> None:
    edit(ws / TIME, "  default: project-accounting\n", "")
    [d] = only(flow_findings(ws), codes.FLOW_OWNER_MISSING)
    assert d.pointer == "/exceptions" and d.line == line_of(ws / TIME, "exceptions:")
    assert d.extra["classes"] == ["business_rule"]


def test_call_settings_for_a_system_the_flow_does_not_use(ws: Path) -> None:
    edit(ws / TIME, "  harvest:\n    rate_limit", "  hubspot:\n    rate_limit")
    [d] = only(flow_findings(ws), codes.FLOW_POLICY_SYSTEM)
    assert (d.pointer, d.line) == ("/systems/hubspot", line_of(ws / TIME, "hubspot:"))


def test_a_flow_that_does_nothing_and_a_system_twice(ws: Path) -> None:
    text = (ws / INVOICE).read_text()
    start, end = text.index("targets:"), text.index("gates:")
    (ws / INVOICE).write_text(text[:start] + text[end:])
    edit(ws / TIME, "  - {system: xero_projects, operation: list, "
                    "mapping: xero_projects.time_entry_to_time_entry}",
         "  - {system: harvest, operation: read, mapping: harvest.time_entry_to_time_entry}")
    found = only(flow_findings(ws), codes.FLOW_EMPTY)
    assert sorted((d.file, d.pointer) for d in found) == [
        (str(INVOICE), ""), (str(TIME), "/sources/1/system")]


def test_format_errors_are_located(ws: Path) -> None:
    edit(ws / TIME, "    require: \"approval_status == 'approved'\"",
         "    require: \"approval_status == 'approved'\"\n"
         "    open_period: {legal_entity: legal_entity, date: work_date}")
    edit(ws / TIME, "  mapping_error: integration-team", "  mapping_eror: integration-team")
    found = load_flows(ws).diagnostics
    by_pointer = {d.pointer: d for d in found}
    assert "exactly one of require, active or open_period" in \
        by_pointer["/gates/approved"].message
    assert "'mapping_error'" in by_pointer["/exceptions/mapping_eror"].hint
    assert all(d.code == codes.SPEC_FORMAT for d in found)


def test_check_reports_flows_and_counts_them(ws: Path) -> None:
    edit(ws / TIME, "key: id", "key: ident")
    (ws / "generated").mkdir()
    result = subprocess.run([sys.executable, "-m", "accord.cli.main", "check", "-w", str(ws),
                             "--format", "json"], capture_output=True, text=True)
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    flows = [d for d in report["diagnostics"] if d["code"] == codes.FLOW_EXPRESSION]
    assert [d["pointer"] for d in flows] == ["/key"]
    assert report["summary"]["flows"] == 4


def test_a_hostile_flow_file_is_refused_located(ws: Path) -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 9) + "]\n"
        for i in range(8))
    (ws / TIME).write_text(bomb)
    found = load_flows(ws).diagnostics
    assert [d.code for d in found] == [codes.ALIAS_BOMB]
    assert found[0].file == str(TIME)


def test_enrich_names_real_properties_and_entities(ws: Path) -> None:
    edit(ws / TIME, "  legal_entity: {from: project, ref: project}",
         "  legal_entity: {from: projekt, ref: project}\n"
         "  billing_rate: {from: project, ref: project}\n"
         "  cost_center: {from: project, ref: projekt, property: cost_centre}")
    contract = {d.pointer: d for d in only(flow_findings(ws), codes.FLOW_CONTRACT)}
    assert "no canonical entity 'projekt'" in contract["/enrich/legal_entity/from"].message
    assert "did you mean 'project'?" in contract["/enrich/legal_entity/from"].hint
    found = only(flow_findings(ws), codes.FLOW_EXPRESSION)
    said = {(d.pointer, d.message) for d in found}
    assert ("/enrich/billing_rate",
            "enrich: billing_rate is not a property of time_entry@1.1.0") in said
    assert ("/enrich/billing_rate", "enrich billing_rate: project has no property "
            "'billing_rate'") in said
    assert ("/enrich/cost_center/property", "enrich cost_center: project has no property "
            "'cost_centre'") in said
    assert any(d.pointer == "/enrich/cost_center/ref" for d in found)  # resolved in the entity
    lines = {d.line for d in found if d.pointer == "/enrich/billing_rate"}
    assert lines == {line_of(ws / TIME, "billing_rate")}


def test_active_is_resolved_in_the_entity(ws: Path) -> None:
    edit(ws / "mappings/employee-to-resource/flow.yaml",
         "active: \"employment_status == 'active'\"", "active: \"employment_state == 'active'\"")
    [d] = only(flow_findings(ws), codes.FLOW_EXPRESSION)
    assert d.pointer == "/active"
    assert "employment_status" in d.hint
