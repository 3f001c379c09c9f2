"""The version policy: check_bump findings for every kind of bump."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from accord.compat import check_bump
from accord.diagnostics import Severity
from accord.workspace.contracts import load_contracts

REPO = Path(__file__).resolve().parents[2]


def closed(props: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "additionalProperties": False,
                              "properties": props}
    if required:
        schema["required"] = required
    return schema


BASE = closed({"a": {"type": "string", "maxLength": 10}}, ["a"])
ADDED = closed({"a": {"type": "string", "maxLength": 10}, "b": {"type": "integer"}}, ["a"])
BROKEN = closed({"a": {"type": "string", "maxLength": 5}}, ["a"])
DOCS = closed({"a": {"type": "string", "maxLength": 10, "description": "A"}}, ["a"])


def codes(diags: list[Any]) -> list[str]:
    return [d.code for d in diags]


@pytest.mark.parametrize(("new_schema", "new_version", "expected"), [
    (BROKEN, "2.0.0", []),
    (BROKEN, "1.3.0", ["ACC301"]),
    (BROKEN, "1.2.4", ["ACC301"]),
    (ADDED, "1.3.0", []),
    (ADDED, "1.2.4", ["ACC302"]),
    (ADDED, "2.0.0", ["ACC303"]),
    (DOCS, "1.2.4", []),
    (DOCS, "1.3.0", ["ACC303"]),
    (BASE, "1.2.4", []),
    (BASE, "1.2.3", ["ACC304"]),
    (BASE, "1.1.9", ["ACC304"]),
    (ADDED, "1.3.1", ["ACC305"]),
    (BROKEN, "2.1.0", ["ACC305"]),
    (BASE, "1.2", ["ACC300"]),
    # pre-releases are versions the contract loader accepts, so the policy judges them too
    (BROKEN, "2.0.0-rc.1", []),
    (BROKEN, "1.3.0-rc.1", ["ACC301"]),
    (ADDED, "1.3.0-beta.2+build.7", []),
    (BASE, "1.2.3-rc.1", ["ACC304"]),
])
def test_bump_findings(new_schema: Any, new_version: str, expected: list[str]) -> None:
    assert codes(check_bump("1.2.3", BASE, new_version, new_schema, "BACKWARD")) == expected


def test_a_release_may_change_anything_since_its_own_pre_release() -> None:
    """1.3.0-rc.1 -> 1.3.0: the candidate shapes the release, so no bump is asked for; a
    release after it still is."""
    assert check_bump("1.3.0-rc.1", BASE, "1.3.0", BROKEN, "BACKWARD") == []
    assert codes(check_bump("1.3.0-rc.1", BASE, "1.3.1", BROKEN, "BACKWARD")) == ["ACC301"]


def test_major_finding_lists_the_breaking_change_and_names_the_version() -> None:
    (diag,) = check_bump("1.2.3", BASE, "1.3.0", BROKEN, "BACKWARD")
    assert diag.severity is Severity.ERROR
    assert "MAX_LENGTH_DECREASED at /properties/a/maxLength" in diag.message
    assert diag.pointer == "/properties/a/maxLength"
    assert "2.0.0" in diag.hint
    assert diag.extra["required"] == "major"


def test_forward_mode_judges_additions_to_a_closed_model_as_breaking() -> None:
    # old readers of a closed model reject the new property: FORWARD needs a major
    assert codes(check_bump("1.2.3", BASE, "1.3.0", ADDED, "FORWARD")) == ["ACC301"]
    assert codes(check_bump("1.2.3", BASE, "1.3.0", ADDED, "FULL_TRANSITIVE")) == ["ACC301"]


def test_mode_none_still_needs_an_honest_bump() -> None:
    assert codes(check_bump("1.2.3", BASE, "1.3.0", BROKEN, "NONE")) == ["ACC301"]


def test_locate_callback_places_the_finding() -> None:
    seen: list[str] = []

    def locate(pointer: str) -> tuple[str, int, int]:
        seen.append(pointer)
        return ("contracts/canonical/x/1.3.0.yaml", 7, 5)

    (diag,) = check_bump("1.2.3", BASE, "1.2.4", ADDED, "BACKWARD", locate=locate)
    assert (diag.file, diag.line, diag.col) == ("contracts/canonical/x/1.3.0.yaml", 7, 5)
    assert seen == ["/properties/b"]


def test_canonical_project_1_1_0_is_a_right_minor_bump() -> None:
    registry = load_contracts(REPO)
    old, new = registry.get("project", "1.0.0"), registry.get("project", "1.1.0")
    found = check_bump(old.version, old.schema, new.version, new.schema, new.compatibility,
                       registry.resource_registry)
    assert found == []
    as_patch = check_bump("1.0.0", old.schema, "1.0.1", new.schema, new.compatibility,
                          registry.resource_registry)
    assert codes(as_patch) == ["ACC302"]
    assert "/properties/opportunity_id" in as_patch[0].message


def test_metadata_only_edit_of_a_real_contract_is_a_patch() -> None:
    registry = load_contracts(REPO)
    old = registry.get("project", "1.1.0")
    new = copy.deepcopy(old.schema)
    new["description"] = "edited"
    assert check_bump("1.1.0", old.schema, "1.1.1", new, "BACKWARD",
                      registry.resource_registry) == []
