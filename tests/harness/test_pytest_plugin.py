"""The pytest plugin (entry point pytest11: accord): plain `pytest` in a workspace made by
`accord init` collects its golden examples and property tests, selected by markers; failures
show the diff, the shrunk record and the rule's line. Runs pytest in a subprocess, as a user
would; the framework's own suite (this run) is left as it was."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from accord.cli.main import cli
from accord.harness import pytest_plugin
from click.testing import CliRunner

SPEC = "mappings/account-to-customer/crm_account.yaml"
SYSTEM = "contracts/systems/crm/system.yaml"


@pytest.fixture()
def workspace(tmp_path: Path) -> Path:
    result = CliRunner().invoke(cli, ["init", str(tmp_path / "ws")])
    assert result.exit_code == 0, result.output
    return tmp_path / "ws"


def pytest_in(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env["PACT_DO_NOT_TRACK"] = "true"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:randomly",
         "--accord-max-examples", "8", *args],
        cwd=folder, env=env, capture_output=True, text=True, timeout=300, check=False)


def test_plain_pytest_in_a_new_workspace_runs_its_contract_tests(workspace: Path) -> None:
    assert 'accord_workspace = "."' in (workspace / "pyproject.toml").read_text()
    done = pytest_in(workspace, "-v")
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert f"{SPEC}::examples::account_customer PASSED" in out
    assert f"{SPEC}::examples::account_on_hold PASSED" in out
    assert f"{SPEC}::properties::crm.account_to_customer PASSED" in out
    # per system: Schemathesis against the simulator; its pacts (`accord init` derives them)
    # verified against the simulator
    assert f"{SYSTEM}::fuzz::crm PASSED" in out
    assert f"{SYSTEM}::pacts::crm PASSED" in out
    assert "5 passed" in out


def test_markers_select_each_kind(workspace: Path) -> None:
    done = pytest_in(workspace, "-m", "accord_examples", "--collect-only", "-q")
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"{SPEC}::examples::account_customer" in done.stdout
    assert "properties" not in done.stdout.split("\n\n")[0]
    assert "2/5 tests collected (3 deselected)" in done.stdout
    done = pytest_in(workspace, "-m", "accord_fuzz or accord_pacts", "--collect-only", "-q")
    assert f"{SYSTEM}::pacts::crm\n{SYSTEM}::fuzz::crm\n" in done.stdout
    done = pytest_in(workspace, "--markers")
    for marker in ("accord_examples", "accord_properties", "accord_pacts", "accord_fuzz"):
        assert f"@pytest.mark.{marker}:" in done.stdout


def test_a_failing_example_shows_its_diff_and_the_rule_line(workspace: Path) -> None:
    golden = workspace / "mappings/examples/canonical/customer_on_hold_from_crm.json"
    golden.write_text(golden.read_text().replace('"status": "on_hold"', '"status": "active"'))
    rule_line = next(n for n, row in enumerate((workspace / SPEC).read_text().splitlines(), 1)
                     if row.startswith("  status:"))
    done = pytest_in(workspace, "-m", "accord_examples")
    assert done.returncode == 1, done.stdout + done.stderr
    out = done.stdout
    assert f"FAILED {SPEC}::examples::account_on_hold" in out
    assert "_ examples: account_on_hold _" in out  # the failure's headline
    assert f"{SPEC}:{rule_line}:3: ACC440 example account_on_hold: output differs at " \
        "$.status" in out
    assert '-  "status": "active",\n+  "status": "on_hold",' in out
    assert "1 failed, 1 passed" in out
    assert "Traceback" not in out


@pytest.mark.slow
def test_a_failing_property_shows_the_shrunk_record_and_the_rule(workspace: Path) -> None:
    spec = workspace / SPEC
    spec.write_text(spec.read_text().replace(
        "default_currency: {expr: CurrencyIsoCode, default: USD}", "default_currency: \"'usd'\""))
    line = next(n for n, row in enumerate(spec.read_text().splitlines(), 1)
                if row.startswith("  default_currency:"))
    done = pytest_in(workspace, "-m", "accord_properties", "--accord-strict",
                     "--accord-max-examples", "40", "--accord-seed", "3")
    assert done.returncode == 1, done.stdout + done.stderr
    out = done.stdout
    assert f"FAILED {SPEC}::properties::crm.account_to_customer" in out
    assert f"{SPEC}:{line}:1: ACC773 crm.account_to_customer: the output breaks the target" in out
    assert f"rule:  {SPEC}:{line}" in out and "shrunk input:" in out
    assert '"Status": "' in out  # the record itself, pretty-printed
    assert "1 failed, 4 deselected" in out


def test_the_plugin_is_inert_without_accord_workspace(workspace: Path) -> None:
    (workspace / "pyproject.toml").write_text("[tool.pytest.ini_options]\n")
    done = pytest_in(workspace, "--collect-only", "-q")
    assert done.returncode == 5, done.stdout + done.stderr  # no tests collected
    assert "no tests collected" in done.stdout
    # --accord-workspace turns it on from the command line
    done = pytest_in(workspace, "--collect-only", "-q", "--accord-workspace", ".")
    assert "5 tests collected" in done.stdout


def test_accord_workspace_must_name_a_workspace(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.pytest.ini_options]\naccord_workspace = "nowhere"\n')
    done = pytest_in(tmp_path, "--collect-only")
    assert done.returncode == 4
    assert "ACC776" in done.stderr and "holds no contracts/ folder" in done.stderr


def test_this_suite_has_the_plugin_loaded_but_inactive(pytestconfig: pytest.Config) -> None:
    """Registered for every pytest run, it changes nothing where accord_workspace is unset."""
    assert pytestconfig.pluginmanager.hasplugin("accord")
    assert pytestconfig.stash.get(pytest_plugin._STATE, None) is None
    assert not [line for line in pytestconfig.getini("markers")
                if line.startswith("accord_")]


@pytest.mark.slow
def test_a_system_the_simulator_contradicts_fails_its_fuzz_item(workspace: Path) -> None:
    """Per system: Schemathesis against the simulator (`accord fuzz`); an undocumented status
    fails the item with the finding and the request to replay."""
    api = workspace / "contracts/systems/crm/openapi.yaml"
    api.write_text(api.read_text().replace(
        '        "404":\n          description: No account has that id\n', ""))
    done = pytest_in(workspace, "-m", "accord_fuzz")
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"FAILED {SYSTEM}::fuzz::crm" in done.stdout
    assert "ACC760 GET /accounts/{id}: status_code_conformance: Undocumented status code" \
        in done.stdout
    assert "replay: curl -X GET http://127.0.0.1:" in done.stdout


def test_a_systems_pacts_verify_and_a_renamed_field_fails_naming_the_rule(
        reference_workspace: Path) -> None:
    """Per system: its pacts against the provider of --accord-env (here a plain HTTP server
    declared as an environment, not the simulator); a renamed field fails the item with the
    mapping rule that reads it."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "verify"))
    from verify_support import golden, rule_line, vendor_server, write_harvest_pact

    root = reference_workspace
    write_harvest_pact(root, message=False)
    system = root / "contracts/systems/harvest/system.yaml"
    with vendor_server(golden(root)) as vendor:
        system.write_text(system.read_text().replace(
            "environments:\n", f"environments:\n  vendor: {{base_url: \"{vendor.url}\"}}\n"))
        args = ("contracts/systems/harvest/system.yaml", "-m", "accord_pacts",
                "--accord-workspace", ".", "--accord-env", "vendor", "-v")
        done = pytest_in(root, *args)
        assert done.returncode == 0, done.stdout + done.stderr
        assert "system.yaml::pacts::harvest PASSED" in done.stdout
        assert ("GET", "/time_entries/636709355") in [(m, p) for m, p, _ in vendor.seen]

        vendor.change = lambda body: body.update(note=body.pop("notes"))
        done = pytest_in(root, *args)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "system.yaml::pacts::harvest FAILED" in done.stdout
    assert "$.notes is missing from the provider's body" in done.stdout
    assert f"mapping rule: {rule_line(root, 'description')}" in done.stdout
