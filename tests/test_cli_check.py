"""`accord check` and `accord init` from the outside: output, formats and exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest
from accord.cli.main import cli
from click.testing import CliRunner


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


@pytest.fixture()
def workspace(tmp_path: Path) -> Path:
    code, out = run("init", str(tmp_path / "ws"))
    assert code == 0, out
    return tmp_path / "ws"


def test_init_scaffolds_a_clean_workspace(workspace: Path) -> None:
    assert (workspace / "README.md").is_file()
    assert (workspace / "contracts/canonical/customer/1.0.0.yaml").is_file()
    assert (workspace / "mappings").is_dir()
    code, out = run("check", str(workspace))
    assert code == 0, out
    assert "6 entities" in out and "1 systems, 1 mappings, 1 lookup tables" in out
    assert "clean" in out


def test_init_workspace_passes_the_pipeline_as_created(workspace: Path) -> None:
    """Everything a user learns from is there and works: part of the canonical model with its
    lock, a system with its description, a mapping with a lookup and golden examples, and the
    generated transformer."""
    assert json.loads((workspace / "contracts/registry.lock").read_text())["contracts"].keys() \
        == {"customer", "address", "common", "external_ids", "money", "record_ref"}
    assert (workspace / "contracts/systems/crm/openapi.yaml").is_file()
    spec = (workspace / "mappings/account-to-customer/crm_account.yaml").read_text()
    assert "lookup: customer_status_by_crm_status" in spec and "examples:" in spec
    assert (workspace / "generated/account-to-customer/crm_account.py").is_file()
    code, out = run("pipeline", str(workspace))
    assert code == 0, out
    assert "2/2 golden example(s) passed" in out and "pipeline passed" in out


def test_scaffold_contracts_are_the_released_canonical_model(workspace: Path) -> None:
    repo = Path(__file__).resolve().parents[1]
    for path in sorted((workspace / "contracts/canonical").rglob("*.yaml")):
        shipped = repo / path.relative_to(workspace)
        assert path.read_bytes() == shipped.read_bytes(), path


def test_init_refuses_to_overwrite(workspace: Path) -> None:
    contract = workspace / "contracts/canonical/customer/1.0.0.yaml"
    before = contract.read_bytes()
    code, out = run("init", str(workspace))
    assert code == 2 and "would overwrite" in out
    assert contract.read_bytes() == before


def break_it(workspace: Path) -> None:
    """A new draft entity (a copy of customer) whose status is not a status."""
    text = (workspace / "contracts/canonical/customer/1.0.0.yaml").read_text()
    path = workspace / "contracts/canonical/client/1.0.0.yaml"
    path.parent.mkdir()
    path.write_text(text.replace("contract:customer:", "contract:client:")
                    .replace("status: released", "status: live"))


def test_findings_exit_1_with_file_line_col(workspace: Path) -> None:
    break_it(workspace)
    code, out = run("check", str(workspace))
    assert code == 1
    assert "contracts/canonical/client/1.0.0.yaml:" in out
    assert "ACC104" in out and "hint:" in out and "1 error(s)" in out
    assert "Traceback" not in out


def test_json_format(workspace: Path) -> None:
    break_it(workspace)
    code, out = run("check", str(workspace), "--format", "json")
    assert code == 1
    payload = json.loads(out)
    (diag,) = payload["diagnostics"]
    assert diag["code"] == "ACC104" and diag["line"] > 0 and diag["pointer"] == "/x-accord/status"
    assert set(payload["summary"]) >= {"entities", "versions", "versions_by_status"}


def test_junit_format(workspace: Path) -> None:
    break_it(workspace)
    code, out = run("check", str(workspace), "--format", "junit")
    assert code == 1
    suite = ElementTree.fromstring(out).find("testsuite")
    assert suite is not None and suite.get("failures") == "1"


def test_not_a_workspace_exits_2(tmp_path: Path) -> None:
    code, out = run("check", str(tmp_path))
    assert code == 2 and "accord init" in out and "Traceback" not in out


def test_bad_usage_exits_2() -> None:
    code, _ = run("check", "--format", "yaml")
    assert code == 2


def test_console_script_runs_without_traceback(tmp_path: Path) -> None:
    exe = Path(sys.executable).with_name("accord")
    result = subprocess.run([str(exe), "check", str(tmp_path)], capture_output=True, text=True,
                            env={**os.environ, "NO_COLOR": "1"}, timeout=60)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr + result.stdout
