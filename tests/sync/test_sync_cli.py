"""``accord exceptions``, ``accord lineage`` and ``accord periods`` on a workspace database
(SQLite and PostgreSQL): tables, json, junit, exit codes, and a hint for an unknown id."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from accord.cli.main import cli
from accord.store import open_store
from accord.sync import ExceptionQueue, Lineage
from click.testing import CliRunner

TRACEBACK = "Traceback (most recent call last)"


@pytest.fixture()
def ws(tmp_path: Path, database: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "ws"
    (root / "contracts").mkdir(parents=True)
    monkeypatch.setenv("ACCORD_ACTOR", "dana")
    with open_store(root) as store:
        queue = ExceptionQueue(store)
        queue.add(flow="time-to-actuals", error_class="business_rule",
                  owner="project-accounting", record={"id": "h-1", "hours": 8},
                  error="gate approved failed: approval_status is 'submitted'",
                  rule="mappings/time-to-actuals/flow.yaml:24", pointer="/gates/approved",
                  system="harvest", source_id="h-1", key="te-1", correlation_id="corr-1",
                  run_id="0123456789abcdef")
        queue.add(flow="opportunity-to-project", error_class="mapping_error",
                  owner="integration-team", record={"Id": "006"}, error="lookup miss: 'XX'",
                  system="salesforce", source_id="006", correlation_id="corr-2")
        Lineage(store).record(correlation_id="corr-3", flow="time-to-actuals", key="te-9",
                              action="create", source_system="harvest", source_id="h-9",
                              canonical_id="c-te-9", target_system="netsuite",
                              target_id="NS-7", mappings={"harvest.te": "sha256:ab12"},
                              run_id="fedcba9876543210", at="2026-12-01T10:00:00.000000Z")
    return root


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert TRACEBACK not in result.output
    return result.exit_code, result.output


def test_list_filters_and_formats(ws: Path) -> None:
    code, out = _run("exceptions", "list", "-w", str(ws))
    assert code == 0, out
    assert "2 exception(s)" in out and "time-to-actuals" in out and "harvest h-1" in out
    code, out = _run("exceptions", "list", "--class", "mapping_error", "--format", "json",
                     "-w", str(ws))
    assert code == 0 and [e["source_id"] for e in json.loads(out)] == ["006"]
    code, out = _run("exceptions", "list", "--owner", "nobody", "-w", str(ws))
    assert code == 0 and "0 exception(s)" in out
    code, out = _run("exceptions", "list", "--format", "junit", "-w", str(ws))
    assert code == 0 and out.count("<failure") == 2 and "business_rule" in out
    code, out = _run("exceptions", "list", "--status", "bogus", "-w", str(ws))
    assert code == 2 and "bogus" in out


def test_show_resolve_discard_and_the_trail(ws: Path) -> None:
    code, out = _run("exceptions", "show", "1", "-w", str(ws))
    assert code == 0, out
    for text in ("exception 1: open", "mappings/time-to-actuals/flow.yaml:24 (at /gates/approved)",
                 "corr-1", '"hours": 8', "opened", "attempts"):
        assert text in out, text
    code, out = _run("exceptions", "resolve", "1", "--note", "approved in Harvest", "-w", str(ws))
    assert code == 0 and "exception 1 resolved by dana: approved in Harvest" in out
    code, out = _run("exceptions", "resolve", "1", "--note", "again", "-w", str(ws))
    assert code == 2 and "ACC611" in out and "already resolved (by dana" in out
    code, out = _run("exceptions", "discard", "2", "--reason", "test deal", "--actor", "alex",
                     "--format", "json", "-w", str(ws))
    assert code == 0, out
    shown = json.loads(out)
    assert shown["status"] == "discarded"
    assert shown["audit"][-1] == {**shown["audit"][-1], "action": "discarded", "actor": "alex",
                                  "note": "test deal"}
    code, out = _run("exceptions", "list", "--status", "all", "--format", "json", "-w", str(ws))
    assert [e["status"] for e in json.loads(out)] == ["resolved", "discarded"]
    code, out = _run("exceptions", "discard", "1", "-w", str(ws))
    assert code == 2 and "--reason" in out


@pytest.mark.parametrize("ident", ["99", "0", str(2**70)])
def test_an_unknown_exception_is_exit_2_with_a_hint(ws: Path, ident: str) -> None:
    for command in (["show", ident], ["resolve", ident, "--note", "x"],
                    ["discard", ident, "--reason", "x"]):
        code, out = _run("exceptions", *command, "-w", str(ws))
        assert code == 2, out
        assert f"ACC610 no exception {ident} in the queue" in out
        assert "accord exceptions list --status all" in out
    code, out = _run("exceptions", "show", "one", "-w", str(ws))
    assert code == 2 and "'one' is not a valid integer" in out


def test_lineage_tree_json_and_unknown(ws: Path) -> None:
    code, out = _run("lineage", "NS-7", "-w", str(ws))
    assert code == 0, out
    lines = out.splitlines()
    assert lines[0] == "time-to-actuals  key te-9"
    assert "├── source harvest h-9" in lines and "└── canonical c-te-9" in lines
    assert "    └── netsuite NS-7" in lines
    assert "        └── create 2026-12-01 10:00:00Z  run fedcba98  harvest.te sha256:ab12" \
        in lines
    code, out = _run("lineage", "h-9", "--format", "json", "-w", str(ws))
    assert code == 0 and json.loads(out)[0]["canonical_id"] == "c-te-9"
    code, out = _run("lineage", "h-9", "--flow", "other", "-w", str(ws))
    assert code == 2 and "ACC614" in out and "'h-9' in flow 'other'" in out


def test_periods_open_close_list(ws: Path) -> None:
    code, out = _run("periods", "open", "ACME-UK", "2026-01", "-w", str(ws))
    assert code == 0 and "ACME-UK 2026-01 is open (set by dana)" in out
    code, out = _run("periods", "close", "ACME-UK", "2025-12", "--actor", "cfo", "-w", str(ws))
    assert code == 0, out
    code, out = _run("periods", "list", "--format", "json", "-w", str(ws))
    assert [(p["period"], p["status"], p["updated_by"]) for p in json.loads(out)] == [
        ("2025-12", "closed", "cfo"), ("2026-01", "open", "dana")]
    code, out = _run("periods", "list", "-w", str(ws))
    assert code == 0 and "2 period(s)" in out and "ACME-UK" in out
    code, out = _run("periods", "close", "ACME-UK", "2026-13", "-w", str(ws))
    assert code == 2 and "ACC613" in out and "'2026-13'" in out


def test_outside_a_workspace_is_exit_2(tmp_path: Path) -> None:
    for args in (["exceptions", "list"], ["lineage", "x"], ["periods", "list"]):
        code, out = _run(*args, "-w", str(tmp_path))
        assert code == 2 and "not inside an accord workspace" in out, out
