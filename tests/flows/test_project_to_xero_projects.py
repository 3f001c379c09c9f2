"""The outbound mapping of opportunity-to-project, xero_projects.project_from_project: what a
project the CRMs made becomes in Xero Projects, and what it must have before it goes there."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from accord import load_transformer
from accord.errors import TransformError
from flow_workspace import REPO

SPEC = REPO / "mappings" / "opportunity-to-project" / "xero_projects_project.yaml"
CANONICAL = REPO / "mappings" / "examples" / "canonical"


def _project(name: str) -> dict[str, Any]:
    record: dict[str, Any] = json.loads((CANONICAL / name).read_text("utf-8"))
    return record


def test_a_customer_without_a_xero_contact_fails_as_data_quality() -> None:
    """The projects the inbound mappings make carry only the CRM's customer id: until the
    crosswalk knows the customer's Xero contact, no project is created (never contactId null)."""
    transform = load_transformer(SPEC).transform
    for name in ("project_from_salesforce.json", "project_from_apideck.json"):
        with pytest.raises(TransformError) as caught:
            transform(_project(name))
        error = caught.value
        assert (error.error_class, error.path, error.target) == (
            "data_quality", ("customer", "external_ids", "xero_accounting"), ("contactId",))
        assert error.rule is not None and error.rule.endswith("xero_projects_project.yaml:16")


def test_the_estimate_is_exact_and_only_in_the_organisations_currency() -> None:
    transform = load_transformer(SPEC).transform
    project = _project("project_won_salesforce_xero_contact.json")
    assert transform(project)["estimateAmount"] == 181250.48  # half up, from the decimal text
    project["budget"] = {"amount": "0.10", "currency": "USD"}
    assert transform(project)["estimateAmount"] == 0.1
    other = copy.deepcopy(project)
    other["budget"] = {"amount": "1000", "currency": "CAD"}  # booked by LE-US-001, a USD book
    assert "estimateAmount" not in transform(other)
    unknown = copy.deepcopy(project)
    unknown["legal_entity"] = "LE-DE-009"  # no Xero organisation known for it: no estimate
    assert "estimateAmount" not in transform(unknown)
    del project["budget"]
    assert "estimateAmount" not in transform(project)


def test_the_deadline_is_the_planned_end_day_and_the_key_changes_with_the_project() -> None:
    module = load_transformer(SPEC)
    project = _project("project_won_salesforce_xero_contact.json")
    assert module.transform(project)["deadlineUtc"] == "2027-05-28T12:00:00Z"
    assert module.key(project) == "prj-0068c00001Rt2KpAAJ|2026-11-20T09:15:00Z"
    project["schedule"] = {"start": "2026-12-07"}  # open-ended: no deadline
    assert "deadlineUtc" not in module.transform(project)
    del project["updated_at"]  # never updated since it was made: the id alone
    assert module.key(project) == "prj-0068c00001Rt2KpAAJ|"
