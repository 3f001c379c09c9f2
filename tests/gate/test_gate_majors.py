"""Releasing a breaking change on purpose: compatibility within a major line, a new major and
the mappings of its entity, deprecation with a sunset date, and lifecycle steps that cannot be
skipped. Each test works on a copy of the shipped workspace."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from accord.cli.main import cli
from accord.gate import promote
from accord.project import load_workspace
from accord.workspace.lock import RegistryLock, sha256_file
from click.testing import CliRunner
from pactfiles import verify, write_pact

PROJECT = Path("contracts/canonical/project")
SALESFORCE = Path("mappings/opportunity-to-project/salesforce_opportunity.yaml")
APIDECK = Path("mappings/opportunity-to-project/apideck_opportunity.yaml")
XERO = Path("mappings/opportunity-to-project/xero_projects_project.yaml")  # reads the project


@pytest.fixture
def ws(reference_workspace: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The shipped workspace with project@1.1.0 released (the old major's last version)."""
    monkeypatch.setenv("ACCORD_USER", "release-bot")
    monkeypatch.chdir(reference_workspace)
    for key in ("salesforce", "apideck", "xero_projects"):  # its pacts verified against local
        write_pact(reference_workspace, key)
        verify(reference_workspace, key)
    code, out = run("promote", "project", "1.1.0", "--to", "released")
    assert code == 0, out
    return reference_workspace


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def project_version(root: Path, version: str) -> Path:
    """project@VERSION as a draft: 1.1.0 with ``planned_hours`` renamed ``sold_hours`` (a
    breaking change under BACKWARD: a 1.1.0 project with planned hours is no longer valid)."""
    text = (root / PROJECT / "1.1.0.yaml").read_text(encoding="utf-8")
    text = text.replace("contract:project:1.1.0", f"contract:project:{version}")
    text = text.replace("  version: 1.1.0\n", f"  version: {version}\n")
    text = text.replace("  status: released\n", "  status: draft\n")
    text = text.replace("planned_hours", "sold_hours")
    path = root / PROJECT / f"{version}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def retarget(root: Path, spec: Path, ref: str) -> None:
    path = root / spec
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("target: {contract: project@1.1.0}",
                                 f"target: {{contract: {ref}}}"), encoding="utf-8")
    result = load_workspace(root).generate()
    # the TARGET constant moved; a mapping that does not fit its new target is refused, as
    # `accord check` refuses it (its module stays as it was)
    assert result.written or any(d.file == spec.as_posix() for d in result.diagnostics)


def verdict(payload: dict[str, object], name: str) -> dict[str, object]:
    verdicts = payload["verdicts"]
    assert isinstance(verdicts, list)
    found: dict[str, object] = next(v for v in verdicts if v["name"] == name)
    return found


def test_a_breaking_new_major_is_released_while_mappings_stay_on_the_old_one(ws: Path) -> None:
    project_version(ws, "2.0.0")
    code, out = run("check", "-q", ".")
    assert code == 0, out  # a major bump may break: no ACC301
    code, out = run("promote", "project", "2.0.0", "--to", "candidate", "--format", "json")
    assert code == 0, out
    payload = json.loads(out)
    assert payload["applied"] is True
    assert verdict(payload, "compat")["verdict"] == "pass"
    assert verdict(payload, "mappings")["verdict"] == "pass"
    code, out = run("promote", "project", "2.0.0", "--to", "released")
    assert code == 0, out
    assert "status: released" in (ws / PROJECT / "2.0.0.yaml").read_text(encoding="utf-8")
    entry = RegistryLock.load(ws / "contracts/registry.lock").get("project", "2.0.0")
    assert entry is not None and [e["status"] for e in entry.history] == ["candidate",
                                                                          "released"]
    assert entry.history[-1]["verdicts"]["mappings"] == "pass"


def test_a_breaking_change_within_a_major_line_is_still_refused(ws: Path) -> None:
    project_version(ws, "1.2.0")
    code, out = run("check", "-q", ".")
    assert code == 1 and "ACC301" in out and "release it as 2.0.0" in out
    code, out = run("promote", "project", "1.2.0", "--to", "candidate", "--format", "json")
    assert code == 1
    compat = verdict(json.loads(out), "compat")
    reasons = compat["reasons"]
    assert compat["verdict"] == "fail" and isinstance(reasons, list)
    assert any("/properties/planned_hours" in r for r in reasons)
    assert reasons[-1] == ("a breaking change is released as a new major version (2.0.0), "
                           "never within major line 1")


def test_a_mapping_that_moves_to_the_new_major_must_fit_it(ws: Path) -> None:
    """The Salesforce mapping writes planned_hours, which 2.0.0 no longer has: moved to 2.0.0,
    it refuses the gate, which says how out."""
    ref = "project@2.0.0"
    project_version(ws, "2.0.0")
    retarget(ws, SALESFORCE, ref)
    code, out = run("promote", "project", "2.0.0", "--to", "candidate", "--format", "json")
    assert code == 1
    mappings = verdict(json.loads(out), "mappings")
    assert mappings["verdict"] == "fail"
    reasons = mappings["reasons"]
    assert isinstance(reasons, list) and len(reasons) == 1
    assert reasons[0].startswith(f"{SALESFORCE.as_posix()} writes project as {ref}, which "
                                 "will be 2.0.0, but does not fit it (")
    assert "planned_hours" in reasons[0]
    assert reasons[0].endswith("pin it to the old major with `contract: project@1.1.0`")


def test_the_release_report_lists_the_mappings_of_the_new_major(ws: Path) -> None:
    project_version(ws, "2.0.0")
    retarget(ws, APIDECK, "project@2.0.0")
    # the flow reading both CRMs cannot carry 2.0.0 and 1.1.0 records at once (ACC495): while
    # its mappings move one by one, the workspace goes without it
    (ws / "mappings/opportunity-to-project/flow.yaml").unlink()
    code, out = run("promote", "project", "2.0.0", "--to", "candidate", "--report", "reports")
    assert code == 0, out
    md = (ws / "reports/project-2.0.0-candidate.md").read_text(encoding="utf-8")
    page = (ws / "reports/project-2.0.0-candidate.html").read_text(encoding="utf-8")
    assert "## Mappings of project on the new major (2.0.0, after 1.1.0)" in md
    assert (f"| {APIDECK.as_posix()} | writes | project@2.0.0 | yes | fits 2.0.0 | — |"
            in md)
    row = next(x for x in md.splitlines() if x.startswith(f"| {SALESFORCE.as_posix()} |"))
    assert "| writes | project@1.1.0 | no | stays on 1.1.0 (does not fit 2.0.0 yet) |" in row
    assert "planned_hours" in row
    assert ("| BREAKING | PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL | /properties/planned_hours |"
            in md)
    assert "<h2>Mappings of project on the new major (2.0.0, after 1.1.0)</h2>" in page
    assert f"<td>{APIDECK.as_posix()}</td>" in page


def test_a_refused_new_major_marks_the_mapping_in_the_report(ws: Path) -> None:
    project_version(ws, "2.0.0")
    retarget(ws, SALESFORCE, "project@2.0.0")
    code, _ = run("promote", "project", "2.0.0", "--to", "candidate", "--report", "reports")
    assert code == 1
    md = (ws / "reports/project-2.0.0-candidate.md").read_text(encoding="utf-8")
    assert "| FAIL: does not fit 2.0.0 |" in md
    page = (ws / "reports/project-2.0.0-candidate.html").read_text(encoding="utf-8")
    row = next(x for x in page.splitlines() if "FAIL: does not fit" in x)
    assert row.startswith('<tr class="breaking">')


def test_deprecate_with_a_sunset_records_it_and_check_warns(ws: Path) -> None:
    file = ws / PROJECT / "1.1.0.yaml"
    before = file.read_text(encoding="utf-8").splitlines(keepends=True)
    code, out = run("promote", "project", "1.1.0", "--to", "deprecated", "--sunset",
                    "2999-06-30")
    assert code == 0, out
    assert "promoted project@1.1.0 released -> deprecated (sunset 2999-06-30)" in out
    after = file.read_text(encoding="utf-8").splitlines(keepends=True)
    at = before.index("  status: released\n")
    assert after == [*before[:at], "  status: deprecated\n", "  sunset: '2999-06-30'\n",
                     *before[at + 1:]]
    entry = RegistryLock.load(ws / "contracts/registry.lock").get("project", "1.1.0")
    assert entry is not None and entry.status == "deprecated" and entry.sunset == "2999-06-30"
    assert entry.history[-1]["sunset"] == "2999-06-30" and entry.sha256 == sha256_file(file)
    code, out = run("check", ".", "--format", "json")
    assert code == 0, out  # warnings only
    found = [d for d in json.loads(out)["diagnostics"] if d["code"] == "ACC340"]
    assert sorted((d["file"], d["pointer"]) for d in found) == [
        (APIDECK.as_posix(), "/target"), (SALESFORCE.as_posix(), "/target"),
        (XERO.as_posix(), "/source")]
    assert all(d["severity"] == "warning" for d in found)
    assert {d["message"] for d in found} == {
        "target project@1.1.0 is deprecated (sunset 2999-06-30)",
        "source project@1.1.0 is deprecated (sunset 2999-06-30)"}


def test_after_the_sunset_a_mapping_on_the_deprecated_version_fails_check(ws: Path) -> None:
    project_version(ws, "2.0.0")
    workspace = load_workspace(ws)
    then = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    result = promote(workspace, "project", "1.1.0", "deprecated", now=then,
                     sunset=dt.date(2020, 6, 30))
    assert result.applied, result.reasons
    code, out = run("promote", "project", "2.0.0", "--to", "candidate")
    assert code == 1  # the check criterion: the mappings are past the sunset
    assert "ACC341" in out
    code, out = run("check", ".")
    assert code == 1
    line = next(x for x in out.splitlines() if "ACC341" in x and "salesforce" in x)
    assert "target project@1.1.0 is deprecated (its sunset was 2020-06-30)" in line
    assert "release a successor of project@1.1.0 and move the mapping to it" in out
    retarget(ws, APIDECK, "project@2.0.0")  # the mapping that fits 2.0.0 moves
    code, out = run("check", ".", "--format", "json")
    past = [d for d in json.loads(out)["diagnostics"] if d["code"] == "ACC341"]
    assert sorted((d["file"], d["severity"]) for d in past) == [
        (SALESFORCE.as_posix(), "error"), (XERO.as_posix(), "error")]


CONTRACT = """\
$schema: https://json-schema.org/draft/2020-12/schema
$id: urn:accord:contract:thing:1.0.0
type: object
additionalProperties: false
properties:
  name: {type: string}
x-accord: {version: 1.0.0, status: "released", compatibility: BACKWARD, owner: team}
"""


def test_sunset_in_a_flow_style_block_and_a_sunset_that_is_no_date(tmp_path: Path) -> None:
    from accord.gate.promote import set_status_line, set_sunset

    file = tmp_path / "contracts/canonical/thing/1.0.0.yaml"
    file.parent.mkdir(parents=True)
    file.write_text(CONTRACT, encoding="utf-8")
    contract = load_workspace(tmp_path).contracts.get("thing", "1.0.0")
    pos = contract.document.position("/x-accord/status")
    set_status_line(file, pos.line, pos.col, "released", "deprecated")
    set_sunset(contract, "2027-06-30")
    assert file.read_text(encoding="utf-8").splitlines()[-1] == (
        "x-accord: {version: 1.0.0, status: \"deprecated\", sunset: '2027-06-30', "
        "compatibility: BACKWARD, owner: team}")
    assert load_workspace(tmp_path).contracts.get("thing", "1.0.0").sunset == "2027-06-30"
    file.write_text(CONTRACT.replace('status: "released"', "status: draft, sunset: 2027-02-30"),
                    encoding="utf-8")
    found = [d for d in load_workspace(tmp_path).check() if d.code == "ACC342"]
    assert [(d.message, d.line, d.pointer) for d in found] == [
        ("sunset '2027-02-30' is not a calendar date", 7, "/x-accord/sunset")]


@pytest.mark.parametrize(("args", "message"), [
    (["--to", "released", "--sunset", "2999-01-01"], "--sunset goes with --to deprecated"),
    (["--to", "deprecated", "--sunset", "2001-01-01"], "sunset 2001-01-01 is in the past"),
    (["--to", "deprecated", "--sunset", "30.06.2027"], "'30.06.2027' does not match"),
])
def test_sunset_usage_errors(ws: Path, args: list[str], message: str) -> None:
    code, out = run("promote", "project", "1.1.0", *args)
    assert code == 2 and message in out, out
    assert "sunset" not in (ws / PROJECT / "1.1.0.yaml").read_text(encoding="utf-8")


def test_lifecycle_steps_cannot_be_skipped(ws: Path) -> None:
    project_version(ws, "1.2.0")
    code, out = run("promote", "project", "1.2.0", "--to", "released")
    assert code == 1
    assert ("contracts/canonical/project/1.2.0.yaml: draft → released skips candidate: run "
            "`accord promote project 1.2.0 --to candidate` first") in out
    code, out = run("promote", "project", "1.2.0", "--to", "deprecated")
    assert code == 1
    assert ("draft → deprecated skips candidate and released: run `accord promote project "
            "1.2.0 --to candidate` first") in out
    assert "status: draft" in (ws / PROJECT / "1.2.0.yaml").read_text(encoding="utf-8")


def test_a_staying_mapping_counts_only_what_the_move_would_break(ws: Path) -> None:
    """An error the mapping has today (here an unknown target property) is not blamed on the
    new major; only planned_hours, which 2.0.0 removed, is."""
    project_version(ws, "2.0.0")
    spec = ws / SALESFORCE
    text = spec.read_text(encoding="utf-8")
    spec.write_text(text.replace("  opportunity_id: Id\n", "  opportunity_id: Id\n"
                                 "  no_such_property: Id\n"), encoding="utf-8")
    result = promote(load_workspace(ws), "project", "2.0.0", "candidate", dry_run=True)
    moves = next(v for v in result.verdicts if v.name == "mappings").detail["mappings"]
    salesforce = next(m for m in moves if m["spec"] == SALESFORCE.as_posix())
    assert (salesforce["findings"], salesforce["ok"]) == (1, True)
    assert "planned_hours" in salesforce["first"] and "no_such_property" not in salesforce["first"]
    assert salesforce["outcome"] == "stays on 1.1.0 (does not fit 2.0.0 yet)"
