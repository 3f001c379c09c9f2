"""The gate's verification criterion: promoting to released needs every pact involving the
version verified against the gate's environment (``local`` unless ``--env``); a missing, failed
or stale verification refuses; no pact involving the version passes and says so; a waiver is
explicit, needs a reason, and is recorded in registry.lock and the release report."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from accord import codes
from accord.cli.main import cli
from accord.project import load_workspace
from accord.workspace.lock import RegistryLock
from click.testing import CliRunner
from pactfiles import verify, write_pact

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, database: str) -> Path:
    """The reference workspace, generated fresh, with the pacts of project@1.1.0 (one per
    mapping that talks to a system with it), on each database in turn."""
    root = tmp_path / "repo"
    for part in ("contracts", "mappings"):
        shutil.copytree(REPO / part, root / part)
    assert load_workspace(root).generate().ok
    for key in ("salesforce", "apideck", "xero_projects"):
        write_pact(root, key)
    monkeypatch.setenv("ACCORD_USER", "release-bot")
    monkeypatch.chdir(root)
    return root


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


def promote_json(*extra: str) -> tuple[int, dict[str, object]]:
    code, out = run("promote", "project", "1.1.0", "--to", "released", "--format", "json",
                    *extra)
    return code, json.loads(out)


def verdict(payload: dict[str, object], name: str = "verification") -> dict[str, object]:
    verdicts = payload["verdicts"]
    assert isinstance(verdicts, list)
    found: dict[str, object] = next(v for v in verdicts if v["name"] == name)
    return found


def lock_event(root: Path, name: str = "project", version: str = "1.1.0") -> dict[str, object]:
    entry = RegistryLock.load(root / "contracts/registry.lock").get(name, version)
    assert entry is not None
    return entry.history[-1]


def test_unverified_pacts_refuse_and_name_each_pact(ws: Path) -> None:
    lock = (ws / "contracts/registry.lock").read_bytes()
    code, payload = promote_json()
    assert code == 1 and payload["applied"] is False
    v = verdict(payload)
    assert v["verdict"] == "fail"
    reasons = v["reasons"]
    assert isinstance(reasons, list)
    assert any(r.startswith(f"{codes.NOT_VERIFIED} generated/pacts/opportunity-to-project/"
                            "salesforce_opportunity.json (salesforce): never verified against "
                            "local") for r in reasons)
    assert reasons[-1].startswith(f"{codes.GATE_NOT_VERIFIED} promoting to released needs")
    assert (ws / "contracts/registry.lock").read_bytes() == lock


def test_verified_pacts_release(ws: Path) -> None:
    verify(ws, "salesforce")
    verify(ws, "apideck")
    verify(ws, "xero_projects")
    code, out = run("promote", "project", "1.1.0", "--to", "released")
    assert code == 0, out
    assert ("PASS    verification: all 3 pact(s) involving project@1.1.0 verified against "
            "local") in out
    event = lock_event(ws)
    assert event["verdicts"]["verification"] == "pass"  # type: ignore[index]
    assert "waivers" not in event


def test_a_failed_or_stale_verification_refuses(ws: Path) -> None:
    verify(ws, "salesforce")
    verify(ws, "apideck", outcome="failed", mismatches=[{"path": "$.name",
                                                         "mismatch": "missing"}])
    code, payload = promote_json("--dry-run")
    assert code == 1
    assert any(r.startswith(codes.VERIFICATION_FAILED) for r in verdict(payload)["reasons"])
    verify(ws, "apideck")
    write_pact(ws, "salesforce", salt=" v2")  # the pact changed after it was verified
    code, payload = promote_json("--dry-run")
    assert code == 1
    reasons = verdict(payload)["reasons"]
    assert isinstance(reasons, list) and reasons[0].startswith(codes.PACT_CHANGED)


def test_the_environment_is_the_one_the_gate_names(ws: Path) -> None:
    verify(ws, "salesforce", environment="sandbox")
    verify(ws, "apideck", environment="sandbox")
    verify(ws, "xero_projects", environment="sandbox")
    assert promote_json("--dry-run")[0] == 1  # local by default
    code, payload = promote_json("--dry-run", "--env", "sandbox")
    assert code == 0 and payload["environment"] == "sandbox"


def rate_card_candidate(root: Path) -> None:
    """rate_card@1.0.1, a candidate no mapping uses (a patch: a description edited)."""
    folder = root / "contracts/canonical/rate_card"
    text = (folder / "1.0.0.yaml").read_text("utf-8")
    text = text.replace("contract:rate_card:1.0.0", "contract:rate_card:1.0.1")
    text = text.replace("  version: 1.0.0\n", "  version: 1.0.1\n")
    text = text.replace("  status: released\n", "  status: candidate\n")
    (folder / "1.0.1.yaml").write_text(text, encoding="utf-8")


def test_no_pact_involving_the_version_passes_and_says_so(ws: Path) -> None:
    rate_card_candidate(ws)
    code, out = run("promote", "rate_card", "1.0.1", "--to", "released", "--report", "reports")
    assert code == 0, out
    assert ("PASS    verification: ACC756 no pact involves rate_card@1.0.1: nothing to verify "
            "against local") in out
    event = lock_event(ws, "rate_card", "1.0.1")
    assert event["notes"] == {  # type: ignore[comparison-overlap]
        "verification": f"{codes.NOTHING_TO_VERIFY} no pact involves rate_card@1.0.1: nothing "
                        "to verify against local"}
    md = (ws / "reports/rate_card-1.0.1-released.md").read_text("utf-8")
    assert "## Verification against local\n\nACC756 no pact involves rate_card@1.0.1" in md


def test_a_waiver_releases_and_is_recorded_with_who_when_why(ws: Path) -> None:
    verify(ws, "salesforce")
    code, out = run("promote", "project", "1.1.0", "--to", "released", "--waive",
                    "verification", "--reason", "apideck sandbox down; verified by hand",
                    "--report", "reports")
    assert code == 0, out
    assert "WAIVED  verification" in out
    event = lock_event(ws)
    assert event["verdicts"]["verification"] == "waived"  # type: ignore[index]
    waiver = event["waivers"]["verification"]  # type: ignore[index]
    assert waiver["by"] == "release-bot" and waiver["at"] == event["at"]
    assert waiver["reason"] == "apideck sandbox down; verified by hand"
    assert any(r.startswith(codes.NOT_VERIFIED) and "apideck" in r for r in waiver["reasons"])
    md = (ws / "reports/project-1.1.0-released.md").read_text("utf-8")
    assert "| verification | WAIVED |" in md
    assert ("| verification | release-bot | " + str(event["at"])
            + " | apideck sandbox down; verified by hand |") in md
    page = (ws / "reports/project-1.1.0-released.html").read_text("utf-8")
    assert '<span class="verdict WAIVED">WAIVED</span>' in page


def test_a_waiver_that_was_not_needed_is_not_recorded(ws: Path) -> None:
    verify(ws, "salesforce")
    verify(ws, "apideck")
    verify(ws, "xero_projects")
    code, out = run("promote", "project", "1.1.0", "--to", "released", "--waive",
                    "verification", "--reason", "just in case")
    assert code == 0 and "--waive verification was not needed" in out
    assert "waivers" not in lock_event(ws)


@pytest.mark.parametrize(("args", "code"), [
    (["--to", "released", "--waive", "verification"], codes.WAIVER_NEEDS_REASON),
    (["--to", "released", "--waive", "verification", "--reason", "  "],
     codes.WAIVER_NEEDS_REASON),
    (["--to", "candidate", "--waive", "verification", "--reason", "x"],
     codes.WAIVER_NOT_APPLICABLE),
])
def test_a_waiver_must_be_explicit(ws: Path, args: list[str], code: str) -> None:
    exit_code, out = run("promote", "project", "1.1.0", *args)
    assert exit_code == 2 and code in out, out
    assert run("promote", "project", "1.1.0", "--to", "released", "--reason", "x")[0] == 2
    assert run("promote", "project", "1.1.0", "--to", "released", "--waive", "check",
               "--reason", "x")[0] == 2


def test_verification_guards_released_only(ws: Path) -> None:
    rate_card_candidate(ws)
    text = (ws / "contracts/canonical/rate_card/1.0.1.yaml").read_text("utf-8")
    (ws / "contracts/canonical/rate_card/1.0.1.yaml").write_text(
        text.replace("  status: candidate\n", "  status: draft\n"), encoding="utf-8")
    code, payload = run("promote", "rate_card", "1.0.1", "--to", "candidate", "--dry-run",
                        "--format", "json")
    assert code == 0, payload
    assert "verification" not in {v["name"] for v in json.loads(payload)["verdicts"]}
    code, out = run("promote", "project", "1.1.0", "--to", "released", "--dry-run")
    assert code == 1 and "FAIL    verification" in out
