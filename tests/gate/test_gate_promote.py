"""The promotion gate on a copy of the reference workspace: promote, refuse with every reason,
deprecate, plug in a criterion, write the release report; ``accord diff`` names the mappings a
change affects."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from accord.cli.main import cli
from accord.gate import DEFAULT_CRITERIA, GateContext, Verdict, promote
from accord.gate.criteria import FunctionCriterion
from accord.project import load_workspace
from accord.workspace.lock import RegistryLock, sha256_file
from click.testing import CliRunner
from pactfiles import verify, write_pact

REPO = Path(__file__).resolve().parents[2]
PROJECT = Path("contracts/canonical/project")


#: The reference workspace the gate tests copy (generated/ is regenerated in the copy).
PARTS = ("contracts", "mappings")


@pytest.fixture
def ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A workspace built from PARTS, generated fresh (nothing beside it), with the pacts of
    project@1.1.0 verified against local."""
    root = tmp_path / "repo"
    for part in PARTS:
        source, dest = REPO / part, root / part
        dest.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, dest)
        else:
            shutil.copy2(source, dest)
    assert load_workspace(root).generate().ok
    # every pact involving project@1.1.0 verified
    for key in ("salesforce", "apideck", "xero_projects"):
        write_pact(root, key)
        verify(root, key)
    monkeypatch.setenv("ACCORD_USER", "release-bot")
    monkeypatch.chdir(root)
    return root


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def new_version(root: Path, name: str, old: str, new: str, edits: list[tuple[str, str]]) -> Path:
    text = (root / "contracts/canonical" / name / f"{old}.yaml").read_text(encoding="utf-8")
    text = text.replace(f"contract:{name}:{old}", f"contract:{name}:{new}")
    text = text.replace(f"  version: {old}\n", f"  version: {new}\n")
    for before, after in [("  status: candidate\n", "  status: draft\n"), *edits]:
        text = text.replace(before, after, 1)
    path = root / "contracts/canonical" / name / f"{new}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_promote_to_released_edits_only_the_status_line_and_records_the_lock(ws: Path) -> None:
    file = ws / PROJECT / "1.1.0.yaml"
    before = file.read_text(encoding="utf-8").splitlines(keepends=True)
    code, out = run("promote", "project", "1.1.0", "--to", "released")
    assert code == 0, out
    assert "promoted project@1.1.0 candidate -> released" in out
    after = file.read_text(encoding="utf-8").splitlines(keepends=True)
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert changed == [("  status: candidate\n", "  status: released\n")]
    entry = RegistryLock.load(ws / "contracts/registry.lock").get("project", "1.1.0")
    assert entry is not None and entry.status == "released"
    assert entry.sha256 == sha256_file(file)
    event = entry.history[-1]
    assert event["by"] == "release-bot" and event["verdicts"]["compat"] == "pass"
    assert event["verdicts"]["verification"] == "pass" and event["environment"] == "local"
    assert event["notes"]["verification"] == ("all 3 pact(s) involving project@1.1.0 verified "
                                              "against local")
    assert run("check", "-q", ".")[0] == 0  # the workspace stays clean


def test_dry_run_writes_nothing(ws: Path) -> None:
    lock = (ws / "contracts/registry.lock").read_bytes()
    file = (ws / PROJECT / "1.1.0.yaml").read_bytes()
    code, out = run("promote", "project", "1.1.0", "--to", "released", "--dry-run")
    assert code == 0 and "dry run" in out
    assert (ws / "contracts/registry.lock").read_bytes() == lock
    assert (ws / PROJECT / "1.1.0.yaml").read_bytes() == file


def test_refusal_lists_every_reason(ws: Path) -> None:
    new_version(ws, "project", "1.1.0", "1.2.0", [
        ("  opportunity_id:\n", "  opportunity_id_renamed:\n"),
        ("    maxLength: 64\n", "    maxLength: 32\n"),
    ])
    shutil.rmtree(ws / "generated")
    code, out = run("promote", "project", "1.2.0", "--to", "released", "--format", "json")
    assert code == 1
    payload = json.loads(out)
    failed = {v["name"] for v in payload["verdicts"] if v["verdict"] == "fail"}
    assert {"compat", "bump", "generated"} <= failed
    compat = next(v for v in payload["verdicts"] if v["name"] == "compat")
    assert any("/properties/code/maxLength" in r for r in compat["reasons"])
    bump = next(v for v in payload["verdicts"] if v["name"] == "bump")
    assert any("2.0.0" in r for r in bump["reasons"])
    assert payload["applied"] is False
    assert "status: draft" in (ws / PROJECT / "1.2.0.yaml").read_text(encoding="utf-8")


def test_transition_rules(ws: Path) -> None:
    code, out = run("promote", "project", "1.0.0", "--to", "candidate")
    assert code == 1 and "project@1.0.0 is released: a promotion never goes back" in out
    assert "its next step is deprecated: run `accord promote project 1.0.0 --to deprecated`" in out


def test_deprecate_a_released_version_keeps_the_workspace_clean(ws: Path) -> None:
    code, out = run("promote", "project", "1.0.0", "--to", "deprecated")
    assert code == 0, out
    assert "status: deprecated" in (ws / PROJECT / "1.0.0.yaml").read_text(encoding="utf-8")
    code, out = run("check", "-q", ".")
    assert code == 0, out


def test_a_plugged_in_criterion_can_refuse(ws: Path) -> None:
    def freeze(ctx: GateContext) -> Verdict:
        return Verdict("freeze", False, [f"release freeze: {ctx.name} waits until Monday"])

    result = promote(load_workspace(ws), "project", "1.1.0", "released",
                     criteria=[*DEFAULT_CRITERIA, FunctionCriterion("freeze", freeze)])
    assert not result.passed and not result.applied
    assert result.reasons == ["freeze: release freeze: project waits until Monday"]


def test_release_report_markdown_and_html(ws: Path) -> None:
    new_version(ws, "project", "1.1.0", "1.2.0", [("    maxLength: 64\n", "    maxLength: 32\n")])
    code, _ = run("promote", "project", "1.2.0", "--to", "candidate", "--dry-run",
                    "--report", str(ws / "reports"))
    assert code == 1
    md = (ws / "reports/project-1.2.0-candidate.md").read_text(encoding="utf-8")
    page = (ws / "reports/project-1.2.0-candidate.html").read_text(encoding="utf-8")
    assert "**REFUSED (dry run)**" in md
    assert "| BREAKING | MAX_LENGTH_DECREASED | /properties/code/maxLength |" in md
    assert "## Verdicts per mode (against 1.0.0)" in md
    assert "<h2>Affected mappings</h2>" in page and 'class="breaking"' in page
    assert '<p class="decision refused">REFUSED (dry run)</p>' in page
    assert '<span class="verdict BREAKING">BREAKING</span>' in page
    css = page.split("<style>", 1)[1].split("</style>", 1)[0]
    assert "table { border-collapse: collapse; margin: .5em 0; }" in css and "{{" not in css


def test_diff_names_the_mapping_rules_a_change_affects(ws: Path) -> None:
    new_version(ws, "time_entry", "1.1.0", "1.2.0", [
        ("      category, non-billable time (internal, pre-sales, rework written off) to a "
         "non-billable one.\n    type: boolean\n",
         "      category, non-billable time (internal, pre-sales, rework written off) to a "
         "non-billable one.\n    type: string\n"),
    ])
    code, out = run("diff", "time_entry", "1.1.0", "1.2.0")
    assert code == 1, out
    line = next(x for x in out.splitlines() if "/properties/billable/type" in x)
    assert line.startswith("BREAKING")
    assert "write by mappings/time-to-actuals/harvest_time_entry.yaml:" in line
    code, out = run("diff", "time_entry", "1.1.0", "1.2.0", "--format", "json")
    used = next(c for c in json.loads(out)["changes"] if c["pointer"] ==
                "/properties/billable/type")["used_by"]
    assert used and used[0]["access"] == "write"


def test_unknown_contract_or_version_is_a_usage_error(ws: Path) -> None:
    assert run("promote", "nope", "1.0.0", "--to", "released")[0] == 2
    assert run("promote", "project", "9.9.9", "--to", "released")[0] == 2
    assert run("diff", "project", "1.0.0", "9.9.9")[0] == 2
