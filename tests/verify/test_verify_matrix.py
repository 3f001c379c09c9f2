"""Each verification result goes to the verification matrix in the workspace database, on
SQLite (the default) and on PostgreSQL (ACCORD_DATABASE_URL), with no secret in it."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from accord.harness import matrix
from accord.harness.verify import verify_system
from verify_support import (
    CONSUMER,
    HARVEST_MAPPING,
    HARVEST_PACT,
    golden,
    rule_line,
    vendor_server,
    write_harvest_pact,
)


def _rename_notes(body: dict[str, Any]) -> None:
    body["note"] = body.pop("notes")


def test_each_result_is_recorded(reference_workspace: Path, database: str) -> None:
    ws = reference_workspace
    write_harvest_pact(ws)
    sha = hashlib.sha256((ws / HARVEST_PACT).read_bytes()).hexdigest()
    with vendor_server(golden(ws)) as vendor:
        passed = verify_system(ws, "harvest", base_url=vendor.url)
        assert passed.ok and passed.results[0].recorded
        [first] = matrix.latest(ws, environment=vendor.url)
        assert (first.outcome, first.pact_sha256, first.consumer, first.provider) == \
            ("passed", sha, CONSUMER, "harvest")
        assert first.mapping == HARVEST_MAPPING and first.contracts == ["time_entry@1.1.0"]
        assert first.pact_path == HARVEST_PACT.as_posix()

        vendor.change = _rename_notes
        failed = verify_system(ws, "harvest", base_url=vendor.url)
        assert not failed.ok and failed.results[0].recorded
    [latest] = matrix.latest(ws, environment=vendor.url)
    assert latest.outcome == "failed"
    assert [(m["field"], m["rules"]) for m in latest.mismatches] == \
        [("$.notes", [rule_line(ws, "description")])]


def test_no_secret_reaches_the_matrix(reference_workspace: Path, database: str,
                                      monkeypatch: Any) -> None:
    ws = reference_workspace
    write_harvest_pact(ws)
    secret = "m4trix-T0ken-never-stored"
    monkeypatch.setenv("HARVEST_TOKEN", secret)
    with vendor_server(golden(ws)) as vendor:
        path = ws / "contracts/systems/harvest/system.yaml"
        head = path.read_text("utf-8").partition("environments:")[0]
        path.write_text(head + f"environments:\n  staging:\n    base_url: \"{vendor.url}\"\n"
                               "    auth: {bearer_env: HARVEST_TOKEN}\n", "utf-8")
        vendor.change = lambda body: body.update(hours=f"Bearer {secret}")
        report = verify_system(ws, "harvest", environment="staging")
    assert not report.ok
    [latest] = matrix.latest(ws, environment="staging")
    stored = json.dumps(latest.mismatches)
    assert "$.hours" in stored and secret not in stored
