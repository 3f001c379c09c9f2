"""The pacts shipped in generated/pacts/: one per mapping that names a system, the events the
specs select, rules maps naming real lines, and Xero's create request as the transformer makes
it. (Their freshness is the pipeline's `pacts` stage, run on the reference workspace by
tests/test_cli_pipeline.py; that each verifies is tests/harness/test_pacts_verifier.py.)"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from accord.project import load_workspace

REPO = Path(__file__).resolve().parents[2]
PACTS = REPO / "generated" / "pacts"


def load(rel: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((PACTS / rel).read_text("utf-8"))
    return data


def descriptions(rel: str, kind: str) -> list[str]:
    return [i["description"] for i in load(rel)["interactions"] if i["type"] == kind]


def test_one_pact_per_mapping_that_names_a_system() -> None:
    ws = load_workspace(REPO)
    expected = {f"{s.flow}/{s.stem}.json" for s in ws.mappings.specs
                if s.source.system or s.target.system}
    assert {p.relative_to(PACTS).as_posix() for p in PACTS.rglob("*.json")} == expected
    for spec in ws.mappings.specs:
        document = load(f"{spec.flow}/{spec.stem}.json")
        assert document["consumer"]["name"] == spec.name
        assert document["provider"]["name"] == spec.source.system or spec.target.system
        meta = document["metadata"]["accord"]
        assert meta["mapping"] == spec.display and meta["mapping_version"] == spec.version
        assert meta["direction"] == ("inbound" if spec.source.system else "outbound")
        contract = spec.target.contract or spec.source.contract
        assert meta["contracts"][0] == contract
        # one interaction per golden example the transformer does not skip, plus events
        http = descriptions(f"{spec.flow}/{spec.stem}.json", "Synchronous/HTTP")
        assert len(http) == len(spec.examples) - (1 if spec.stem == "xero_invoice" else 0)


@pytest.mark.parametrize(("rel", "events"), [
    ("time-to-actuals/harvest_time_entry.json",
     ["harvest TimeEntry event: approved time entry (time_entry_approved)"]),
    ("time-to-actuals/xero_projects_time_entry.json",  # the active (submitted) entry: none
     ["xero_projects TimeEntry event: approved time entry (time_entry_invoiced)"]),
    ("opportunity-to-project/salesforce_opportunity.json",
     ["salesforce Opportunity event: selected by `StageName == 'Closed Won' && !IsDeleted` "
      "(opportunity_closed_won)"]),
    ("opportunity-to-project/apideck_opportunity.json",
     ["apideck_crm Opportunity event: selected by `status == 'Won' && !deleted` "
      "(opportunity_won)"]),
    ("employee-to-resource/bamboohr_employee.json", []),
    ("invoice-to-status/xero_invoice.json", []),  # outbound: no events
])
def test_events_are_the_records_the_specs_select(rel: str, events: list[str]) -> None:
    assert descriptions(rel, "Asynchronous/Messages") == events
    for event in load(rel)["interactions"]:
        if event["type"] == "Asynchronous/Messages":
            assert event["contents"]["contentType"] == "application/json"
            assert event["providerStates"][0]["name"].endswith(" exists")


def _last_name(path: str) -> str:
    names = re.findall(r"\.([A-Za-z_][A-Za-z0-9_]*)|\['([^']*)'\]", path)
    return [a or b for a, b in names][-1]


@pytest.mark.parametrize("path", sorted(PACTS.rglob("*.json")), ids=lambda p: p.stem)
def test_every_rule_names_the_line_that_reads_or_writes_its_field(path: Path) -> None:
    document = json.loads(path.read_text("utf-8"))
    meta = document["metadata"]["accord"]
    lines = (REPO / meta["mapping"]).read_text("utf-8").splitlines()
    assert set(meta["rules"]) == {i["description"] for i in document["interactions"]}
    for description, rules in meta["rules"].items():
        assert rules, description
        for field, where in rules.items():
            file, _, line = where.rpartition(":")
            assert file == meta["mapping"]
            # the line where the expression reading (or rule writing) the field starts; a
            # folded expression (`expr: >-`) goes on for a few lines
            text = " ".join(lines[int(line) - 1:int(line) + 5])
            assert _last_name(field) in text, (description, field, where)


def test_xero_create_carries_what_the_transformer_makes() -> None:
    from accord import load_transformer

    module = load_transformer(REPO / "generated" / "invoice-to-status" / "xero_invoice.py")
    document = load("invoice-to-status/xero_invoice.json")
    for example in ("invoice_partially_paid", "invoice_eur_no_tax"):
        create = next(i for i in document["interactions"] if example in i["description"])
        golden = json.loads((REPO / "mappings" / "examples" / "canonical" / f"{example}.json")
                            .read_text("utf-8"))
        assert create["request"]["method"] == "PUT" and create["request"]["path"] == "/Invoices"
        assert create["request"]["body"]["content"] == {"Invoices": [module.transform(golden)]}
        assert set(create["response"]["body"]["content"]["Invoices"][0]) == {"InvoiceID"}


def test_a_read_asks_for_exactly_the_fields_the_mapping_reads() -> None:
    """BambooHR answers a GET employee with firstName and lastName only, unless `fields` asks
    for more: the pact asks for the fields the mapping reads."""
    read = load("employee-to-resource/bamboohr_employee.json")["interactions"][0]
    fields = read["request"]["query"]["fields"][0].split(",")
    body = read["response"]["body"]["content"]
    assert sorted(fields) == fields and set(body) <= set(fields)
    assert {"payRate", "terminationDate", "employeeNumber"} <= set(fields)
