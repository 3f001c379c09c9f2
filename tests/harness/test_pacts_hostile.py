"""Hostile workspaces cannot make `accord pacts` write outside the workspace, read outside it,
hang, or put a path segment into a request."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from accord.cli.main import cli
from click.testing import CliRunner
from pact_ws import ACCOUNT, INBOUND, INBOUND_PACT, INBOUND_SPEC, OPENAPI, shop_workspace


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.output


@pytest.mark.parametrize("link", ["generated", "generated/pacts"])
def test_a_symlinked_output_folder_leading_out_is_refused(tmp_path: Path, link: str) -> None:
    root = shop_workspace(tmp_path / "ws")
    outside = tmp_path / "outside"
    outside.mkdir()
    (root / link).parent.mkdir(parents=True, exist_ok=True)
    (root / link).symlink_to(outside, target_is_directory=True)
    code, out = invoke("pacts", "-w", str(root))
    assert code == 2, out
    assert "ACC010" in out
    assert list(outside.rglob("*")) == []  # nothing written out there


def test_an_id_never_adds_a_path_segment(tmp_path: Path) -> None:
    evil = {**ACCOUNT, "id": "A-1/../../admin?x=1#y"}
    openapi = OPENAPI.replace('pattern: "^A-[0-9]+$"', 'minLength: 1')
    root = shop_workspace(tmp_path / "ws", {
        "mappings/examples/account.json": json.dumps(evil),
        "mappings/examples/customer.json": json.dumps({
            "id": evil["id"], "name": "Northwind", "status": "active", "employees": 120,
            "revenue": 2500000.5, "founded": "1999-04-01", "updated_at": "2026-11-20T10:00:00Z",
            "emails": ["ann@northwind.example"]}),
        "contracts/systems/shop/openapi.yaml": openapi})
    code, out = invoke("pacts", "-w", str(root))
    assert code == 0, out
    read = next(i for i in json.loads((root / INBOUND_PACT).read_text())["interactions"]
                if i["description"].startswith("a request for"))
    assert read["request"]["path"] == "/v1/accounts/A-1%2F..%2F..%2Fadmin%3Fx%3D1%23y"
    assert read["providerStates"][0]["params"]["path"] == read["request"]["path"]
    assert sorted(p.relative_to(root).as_posix() for p in (root / "generated/pacts").rglob("*")
                  if p.is_file()) == [INBOUND_PACT, "generated/pacts/customers/shop_customer.json"]


def test_an_example_outside_the_workspace_is_never_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.json"
    secret.write_text(json.dumps(ACCOUNT))
    root = shop_workspace(tmp_path / "ws", {INBOUND_SPEC: INBOUND.replace(
        "../examples/account.json", "../../../secret.json")})
    code, out = invoke("pacts", "-w", str(root))
    assert code == 1, out
    assert "ACC010" in out
    assert not (root / INBOUND_PACT).exists()


def test_an_example_that_is_a_fifo_does_not_hang(tmp_path: Path) -> None:
    root = shop_workspace(tmp_path / "ws")
    example = root / "mappings/examples/account.json"
    example.unlink()
    os.mkfifo(example)
    code, out = invoke("pacts", "-w", str(root))
    assert code == 1, out
    assert "ACC011" in out and not (root / INBOUND_PACT).exists()


@pytest.mark.parametrize("pattern", [r"^(?=A)A-[0-9]+$", r"^(A)-\1?[0-9]+$", "^(a+)+$"])
def test_a_pattern_pacts_core_cannot_run_is_matched_by_type(tmp_path: Path, pattern: str) -> None:
    """Lookarounds and backreferences (no linear-time engine runs them) become a type matcher;
    a catastrophic pattern the example does not match is left out, quickly."""
    root = shop_workspace(tmp_path / "ws", {"contracts/systems/shop/openapi.yaml": OPENAPI.replace(
        '"^A-[0-9]+$"', json.dumps(pattern))})
    code, out = invoke("pacts", "-w", str(root))
    assert code == 0, out
    read = next(i for i in json.loads((root / INBOUND_PACT).read_text())["interactions"]
                if i["description"].startswith("a request for"))
    rule = read["response"]["matchingRules"]["body"]["$.data.id"]["matchers"]
    assert rule == [{"match": "type"}]


def test_text_from_a_spec_stays_data(tmp_path: Path) -> None:
    """A spec's `when`, a record's strings: JSON text in the pact, never anything else."""
    when = "status != 'deleted\\\" && \\u2028 }' && name != '</script>'"
    root = shop_workspace(tmp_path / "ws", {INBOUND_SPEC: INBOUND.replace(
        "when: \"status != 'deleted'\"", f"when: \"{when}\"")})
    code, out = invoke("pacts", "-w", str(root))
    assert code == 0, out
    document = json.loads((root / INBOUND_PACT).read_text())
    assert any("</script>" in i["description"] for i in document["interactions"])
