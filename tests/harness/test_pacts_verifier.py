"""Every pact accord writes is valid V4 that pact-python's Verifier loads and replays: each
passes against a provider answering what the pact expects, fails once a field changes type,
and each mismatch resolves to the mapping rule (file:line) through the rules map."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from accord.cli.main import cli
from accord.harness.pacts import rule_for
from click.testing import CliRunner
from pact_echo import verify
from pact_ws import INBOUND_PACT, INBOUND_SPEC, OUTBOUND_PACT, shop_workspace

REPO = Path(__file__).resolve().parents[2]
SHIPPED = sorted((REPO / "generated" / "pacts").rglob("*.json"))


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = shop_workspace(tmp_path_factory.mktemp("shop") / "ws")
    result = CliRunner().invoke(cli, ["pacts", "-w", str(root)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return root


@pytest.mark.parametrize("rel", [INBOUND_PACT, OUTBOUND_PACT])
def test_the_pacts_verify_against_a_provider_that_answers_them(shop: Path, rel: str) -> None:
    passed, _results, output = verify(shop / rel)
    assert passed, output


def _break_types(_description: str, body: Any) -> Any:
    body = copy.deepcopy(body)
    record = body.get("data", body)
    record["employees"] = "many"
    record["contacts"][1]["primary"] = "no"
    del record["name"]
    return body


def test_a_changed_field_fails_and_names_the_rule(shop: Path) -> None:
    path = shop / INBOUND_PACT
    passed, results, output = verify(path, _break_types)
    assert not passed
    rules = json.loads(path.read_text("utf-8"))["metadata"]["accord"]["rules"]
    lines = (shop / INBOUND_SPEC).read_text("utf-8").splitlines()
    named: dict[str, set[str]] = {}
    for result in results["interactionResults"]:
        mismatches = result["mismatch"]["mismatches"]
        assert mismatches, result
        for mismatch in mismatches:
            where = rule_for(rules[result["description"]], mismatch["path"],
                             mismatch["mismatch"])
            assert where is not None, mismatch
            file, _, line = where.rpartition(":")
            assert file == INBOUND_SPEC
            named.setdefault(result["description"], set()).add(lines[int(line) - 1].strip())
    for description, found in named.items():
        assert found == {"employees: employees", "emails: \"contacts[?primary].email\"",
                         "name: {expr: name, required: true}"}, (description, output)


@pytest.mark.skipif(not SHIPPED, reason="no pacts shipped yet")
@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.relative_to(REPO).as_posix())
def test_every_shipped_pact_loads_and_verifies(path: Path) -> None:
    passed, _results, output = verify(path)
    assert passed, output
