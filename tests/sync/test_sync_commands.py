"""The commands around a sync: `accord exceptions replay` and `accord crosswalk list|link`, as a
user runs them after a sync routed records to the exception queue."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from accord.cli.main import cli
from click.testing import CliRunner

pytestmark = pytest.mark.usefixtures("database")


def _accord(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def test_link_the_missing_master_data_then_replay_the_exception(
        reference_workspace: Path) -> None:
    w = str(reference_workspace)
    code, out = _accord("sync", "time-to-actuals", "-w", w, "--format", "json")
    assert code == 0, out
    failed = next(r for r in json.loads(out)["results"] if r["source_id"] == "636709355")
    assert "resource harvest:1782959 is not in the crosswalk" in failed["message"]

    code, out = _accord("exceptions", "replay", str(failed["exception_id"]), "-w", w)
    assert code == 1  # nothing changed: it fails again, the same exception counts it
    assert f"exception {failed['exception_id']} failed again (business_rule)" in out
    code, out = _accord("exceptions", "show", str(failed["exception_id"]), "-w", w,
                        "--format", "json")
    assert json.loads(out)["attempts"] == 2

    for entity, canonical_id, external_id in (("resource", "res-kim", "1782959"),
                                              ("project", "prj-web", "14307913"),
                                              ("task", "tsk-design", "8083365")):
        code, out = _accord("crosswalk", "link", entity, canonical_id, "harvest", external_id,
                            "-w", w)
        assert code == 0, out
        assert f"harvest:{external_id} is {entity} {canonical_id} (active)" in out
    code, out = _accord("crosswalk", "list", "--system", "harvest", "-w", w, "--format", "json")
    assert {(link["entity"], link["canonical_id"]) for link in json.loads(out)} == {
        ("resource", "res-kim"), ("project", "prj-web"), ("task", "tsk-design")}

    code, out = _accord("exceptions", "replay", str(failed["exception_id"]), "-w", w)
    assert code == 1  # the next gate: the entry's legal entity comes from its project
    assert "gate period_open (open_period) failed" in out

    from accord.store.db import open_store
    from accord.sync.ledger import Ledger, LedgerRecord

    with open_store(reference_workspace) as store, store.transaction():
        Ledger(store).put(LedgerRecord("opportunity-to-project", "prj-web", "project@1.1.0",
                                       {"id": "prj-web", "legal_entity": "LE-US-001"}, "h",
                                       "prj-web"))
    code, out = _accord("periods", "open", "LE-US-001", "2026-11", "-w", w)
    assert code == 0, out
    code, out = _accord("exceptions", "replay", str(failed["exception_id"]), "-w", w,
                        "--actor", "controller")
    assert code == 0, out
    assert f"exception {failed['exception_id']} replayed: landed" in out
    code, out = _accord("exceptions", "show", str(failed["exception_id"]), "-w", w,
                        "--format", "json")
    shown = json.loads(out)
    assert shown["status"] == "replayed"
    assert shown["audit"][-1]["actor"] == "controller"
    code, out = _accord("exceptions", "replay", str(failed["exception_id"]), "-w", w)
    assert code == 2 and "is replayed: only an open exception is replayed" in out


def test_input_that_cannot_be_used_is_refused_before_the_run(reference_workspace: Path) -> None:
    w = str(reference_workspace)
    code, out = _accord("sync", "invoice-to-status", "--input", f"{w}/nope.jsonl", "-w", w)
    assert code == 2 and "nope.jsonl: input file not found" in out
    code, out = _accord("sync", "employee-to-resource", "--input", f"{w}/nope.jsonl", "-w", w)
    assert code == 2 and "--input is only for a flow without sources" in out
    code, out = _accord("exceptions", "list", "--status", "all", "-w", w, "--format", "json")
    assert json.loads(out) == []  # nothing was queued, nothing ran
