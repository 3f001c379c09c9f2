"""`accord verify SYSTEM` with no option (--env local) starts the system's simulator, drives
the provider states through its state-change URL and reads the messages back from it."""

from __future__ import annotations

import json
from pathlib import Path

from accord.cli.main import cli
from accord.harness.verify import verify_system
from click.testing import CliRunner
from verify_support import CONSUMER, EVENT, READ, write_harvest_pact


def test_local_is_the_simulator(reference_workspace: Path) -> None:
    write_harvest_pact(reference_workspace)
    report = verify_system(reference_workspace, "harvest", record=False)
    assert report.ok, json.dumps(report.to_dict(), indent=2)
    assert report.environment == "local" and report.base_url.startswith("http://127.0.0.1:")
    [result] = report.results
    assert (result.pact.consumer, result.interactions) == (CONSUMER, 2)


def test_the_simulator_answers_what_the_state_put_there(reference_workspace: Path) -> None:
    """The provider state carries the record: a record the simulator was not seeded with is
    served (and sent as the event) because the state stored it; a field it lacks fails both
    interactions, naming the rule."""
    write_harvest_pact(reference_workspace)
    path = reference_workspace / "generated/pacts/time-to-actuals/harvest_time_entry.json"
    pact = json.loads(path.read_text("utf-8"))
    for interaction in pact["interactions"]:
        for state in interaction["providerStates"]:
            del state["params"]["record"]["notes"]
    path.write_text(json.dumps(pact), "utf-8")
    result = CliRunner().invoke(cli, ["verify", "harvest", "-w", str(reference_workspace),
                                      "--format", "json"])
    assert result.exit_code == 1, result.output
    mismatches = json.loads(result.output)["results"][0]["mismatches"]
    assert {(m["interaction"], m["field"]) for m in mismatches} == \
        {(READ, "$.notes"), (EVENT, "$.notes")}
    assert all(m["rules"] == [pact["metadata"]["accord"]["rules"][READ]["$.notes"]]
               for m in mismatches)
