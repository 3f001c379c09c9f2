"""`accord verify SYSTEM` (--env local, the default) against the simulator of every shipped
system: each shipped mapping's pacts verify, provider states set through the simulator's
state-change URL, messages produced from its state; each result goes to the matrix."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from accord.cli.main import cli
from accord.harness.verify import verify_system
from click.testing import CliRunner

REPO = Path(__file__).resolve().parents[2]


def _providers() -> list[str]:
    found = set()
    for path in sorted((REPO / "generated" / "pacts").rglob("*.json")):
        found.add(json.loads(path.read_text("utf-8"))["provider"]["name"])
    return sorted(found)


SHIPPED = _providers()


def test_every_shipped_system_has_pacts() -> None:
    systems = sorted(p.name for p in (REPO / "contracts" / "systems").iterdir() if p.is_dir())
    assert systems == SHIPPED


@pytest.mark.parametrize("system", SHIPPED)
def test_every_shipped_pact_verifies_against_the_simulator(reference_workspace: Path,
                                                           system: str) -> None:
    report = verify_system(reference_workspace, system)
    assert report.ok, json.dumps(report.to_dict(), indent=2)
    assert report.environment == "local" and report.base_url.startswith("http://127.0.0.1:")
    assert report.results and all(r.interactions for r in report.results)


def test_the_cli_on_the_simulator(reference_workspace: Path) -> None:
    result = CliRunner().invoke(cli, ["verify", "xero_projects", "-w", str(reference_workspace),
                                      "--env", "local", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["ok"] and data["environment"] == "local"
    assert all(r["outcome"] == "passed" for r in data["results"])
