"""The verification matrix on SQLite and on a real PostgreSQL: recording results, the latest
per pact, and can-i-deploy (current sha256 only, failures and other environments do not count,
missing and unreadable pacts, nothing to verify), through the API and the command."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from xml.etree import ElementTree

import pytest
from accord import codes
from accord.cli.main import cli
from accord.errors import UsageError
from accord.harness.matrix import VerificationResult, can_i_deploy, latest, record
from click.testing import CliRunner
from pactfiles import verify, write_pact

T0 = dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC)
SALESFORCE_SPEC = "mappings/opportunity-to-project/salesforce_opportunity.yaml"


@pytest.fixture()
def ws(reference_workspace: Path, database: str) -> Path:
    """The reference workspace with the pacts of the three project@1.1.0 mappings (the two
    CRMs' inbound, Xero Projects' outbound), on each database in turn."""
    for key in PROJECT_PACTS:
        write_pact(reference_workspace, key)
    return reference_workspace


PROJECT_PACTS = ("salesforce", "apideck", "xero_projects")


def verify_others(root: Path, *, environment: str = "local") -> None:
    """Verify the project@1.1.0 pacts beside the two CRMs' (the outbound one)."""
    verify(root, "xero_projects", environment=environment)


def run(root: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["can-i-deploy", *args, "-w", str(root)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


def codes_of(root: Path, ref: str = "project@1.1.0", env: str = "local") -> dict[str, str]:
    name, version = ref.split("@")
    return {r.provider: r.code for r in can_i_deploy(root, name, version, env).rows}


def test_record_normalises_and_latest_reads_back(ws: Path) -> None:
    stored = verify(ws, "salesforce", at=dt.datetime(2026, 12, 1, 11, 0, 0, 5,
                                                     tzinfo=dt.timezone(dt.timedelta(hours=1))))
    assert stored.verified_at == "2026-12-01T10:00:00.000005Z"
    verify(ws, "salesforce", at=T0 + dt.timedelta(hours=1), outcome="failed",
           mismatches=[{"path": "$.Name", "mismatch": "expected String"}])
    verify(ws, "salesforce", at=T0, environment="sandbox")
    newest = latest(ws, environment="local")
    assert len(newest) == 1 and newest[0].outcome == "failed"
    assert newest[0].mismatches == [{"path": "$.Name", "mismatch": "expected String"}]
    assert newest[0].contracts == ["project@1.1.0"] and newest[0].provider == "salesforce"
    assert {(r.environment, r.outcome) for r in latest(ws)} == {("local", "failed"),
                                                                ("sandbox", "passed")}


@pytest.mark.parametrize(("field", "value"), [
    ("outcome", "maybe"), ("verified_at", "2026-12-01T10:00:00"), ("verified_at", "yesterday"),
    ("pact_sha256", "abc"), ("pact_path", "../outside.json"), ("environment", " "),
])
def test_record_refuses_a_result_it_cannot_store(ws: Path, field: str, value: str) -> None:
    good = VerificationResult("generated/pacts/a.json", "0" * 64, "c", "p", "local",
                              T0.isoformat(), "passed")
    with pytest.raises(UsageError) as info:
        record(ws, VerificationResult(**{**good.to_dict(), field: value}))
    assert info.value.diagnostics[0].code == codes.VERIFICATION_INVALID


def test_never_verified_then_verified(ws: Path) -> None:
    assert codes_of(ws) == {"salesforce": codes.NOT_VERIFIED, "apideck_crm": codes.NOT_VERIFIED,
                            "xero_projects": codes.NOT_VERIFIED}
    verify(ws, "salesforce")
    assert codes_of(ws) == {"salesforce": "", "apideck_crm": codes.NOT_VERIFIED,
                            "xero_projects": codes.NOT_VERIFIED}
    verify(ws, "apideck")
    assert not can_i_deploy(ws, "project", "1.1.0", "local").deployable  # Xero's is not yet
    verify_others(ws)
    decision = can_i_deploy(ws, "project", "1.1.0", "local")
    assert decision.deployable and not decision.nothing_to_verify
    assert decision.summary == "all 3 pact(s) involving project@1.1.0 verified against local"


def test_a_pact_that_changed_since_it_was_verified_does_not_count(ws: Path) -> None:
    verify(ws, "salesforce")
    verify(ws, "apideck")
    verify_others(ws)
    write_pact(ws, "salesforce", salt=" (changed)")
    row = next(r for r in can_i_deploy(ws, "project", "1.1.0", "local").rows
               if r.provider == "salesforce")
    assert row.code == codes.PACT_CHANGED and row.outcome == "pact changed"
    assert row.earlier is not None and row.earlier.passed and row.verification is None
    verify(ws, "salesforce")
    assert can_i_deploy(ws, "project", "1.1.0", "local").deployable


def test_the_latest_verification_of_the_same_bytes_decides(ws: Path) -> None:
    verify(ws, "apideck")
    verify(ws, "salesforce", at=T0)
    verify(ws, "salesforce", at=T0 + dt.timedelta(minutes=5), outcome="failed",
           mismatches=[{"interaction": "read one record", "kind": "body", "field": "$.Name",
                        "expected": "Acme", "actual": 1,
                        "message": "Expected 1 (Integer) to be a string",
                        "rules": [f"{SALESFORCE_SPEC}:12"]}])
    decision = can_i_deploy(ws, "project", "1.1.0", "local")
    row = next(r for r in decision.rows if r.provider == "salesforce")
    assert not decision.deployable and row.code == codes.VERIFICATION_FAILED
    assert "$.Name Expected 1 (Integer) to be a string mapping rule " \
        f"{SALESFORCE_SPEC}:12" in row.why
    # an older pass recorded later (a replayed result) does not override the newer failure
    verify(ws, "salesforce", at=T0 + dt.timedelta(minutes=1))
    assert codes_of(ws)["salesforce"] == codes.VERIFICATION_FAILED
    verify(ws, "salesforce", at=T0 + dt.timedelta(minutes=10))
    assert codes_of(ws)["salesforce"] == ""


def test_another_environment_does_not_count(ws: Path) -> None:
    verify(ws, "salesforce", environment="sandbox")
    verify(ws, "apideck", environment="sandbox")
    verify_others(ws, environment="sandbox")
    assert not can_i_deploy(ws, "project", "1.1.0", "local").deployable
    assert can_i_deploy(ws, "project", "1.1.0", "sandbox").deployable


def test_a_mapping_without_its_pact_is_a_no(ws: Path) -> None:
    verify(ws, "salesforce")
    (ws / "generated/pacts/opportunity-to-project/apideck_opportunity.json").unlink()
    decision = can_i_deploy(ws, "project", "1.1.0", "local")
    missing = [r for r in decision.rows if not r.pact]
    assert [r.mapping for r in missing] == [
        "mappings/opportunity-to-project/apideck_opportunity.yaml"]
    assert missing[0].code == codes.NO_PACT_NAMES_VERSION and "accord pacts" in missing[0].why
    assert not decision.deployable
    assert "1 mapping(s) using project@1.1.0 with no pact" in decision.summary


def test_an_unreadable_pact_is_a_no(ws: Path) -> None:
    verify(ws, "salesforce")
    verify(ws, "apideck")
    verify_others(ws)
    (ws / "generated/pacts/foreign.json").write_text(  # not derived by accord: not involved
        json.dumps({"consumer": {"name": "a"}, "provider": {"name": "b"}, "interactions": [],
                    "metadata": {"pactSpecification": {"version": "4.0"}}}), encoding="utf-8")
    assert can_i_deploy(ws, "project", "1.1.0", "local").deployable
    (ws / "generated/pacts/broken.json").write_text("{not json", encoding="utf-8")
    (ws / "generated/pacts/odd.json").write_text(
        json.dumps({"metadata": {"accord": {"contracts": "project@1.1.0"}}}), encoding="utf-8")
    decision = can_i_deploy(ws, "project", "1.1.0", "local")
    assert not decision.deployable
    assert [(d.code, d.file) for d in decision.problems] == [
        (codes.PACT_UNREADABLE, "generated/pacts/broken.json"),
        (codes.PACT_UNREADABLE, "generated/pacts/odd.json")]


def test_nothing_to_verify_is_a_yes_that_says_so(ws: Path) -> None:
    decision = can_i_deploy(ws, "rate_card", "1.0.0", "local")
    assert decision.deployable and decision.nothing_to_verify and decision.rows == []
    assert decision.summary == "no pact involves rate_card@1.0.0: nothing to verify against local"


def test_an_unknown_contract_version_is_a_usage_error(ws: Path) -> None:
    with pytest.raises(UsageError):
        can_i_deploy(ws, "project", "9.9.9", "local")
    assert run(ws, "projekt", "1.1.0", "--to", "local")[0] == 2


def test_command_table_json_and_junit(ws: Path) -> None:
    verify(ws, "salesforce", at=T0)
    code, out = run(ws, "project", "1.1.0", "--to", "local")
    assert code == 1, out
    lines = out.splitlines()
    assert lines[0].split() == ["PACT", "PROVIDER", "LAST", "VERIFICATION", "OUTCOME", "WHY",
                                "NOT"]
    sf = next(x for x in lines if "salesforce_opportunity.json" in x)
    assert "2026-12-01T10:00:00Z" in sf and "passed" in sf
    ad = next(x for x in lines if "apideck_opportunity.json" in x)
    assert "never verified" in ad and "accord verify apideck_crm --env local" in ad
    assert lines[-1].startswith("can-i-deploy project@1.1.0 to local: no")

    code, out = run(ws, "project", "1.1.0", "--to", "local", "--format", "json")
    payload = json.loads(out)
    assert code == 1 and payload["deployable"] is False
    assert {p["outcome"] for p in payload["pacts"]} == {"passed", "never verified"}

    verify(ws, "apideck")
    verify_others(ws)
    code, out = run(ws, "project", "1.1.0", "--to", "local", "--format", "junit")
    assert code == 0
    cases = list(ElementTree.fromstring(out).iter("testcase"))
    assert len(cases) == 3 and all(c.find("failure") is None for c in cases)

    code, out = run(ws, "rate_card", "1.0.0", "--to", "local")
    assert code == 0 and "yes — no pact involves rate_card@1.0.0" in out
