"""`accord pipeline`: every stage runs, a failing stage fails the pipeline with exit 1."""

from __future__ import annotations

import json
from pathlib import Path

from accord.cli.main import cli
from accord.pipeline import run_pipeline
from accord.project import load_workspace
from click.testing import CliRunner


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def test_reference_workspace_passes_every_stage(reference_workspace: Path) -> None:
    results = run_pipeline(load_workspace(reference_workspace))
    assert [r.name for r in results] == ["check", "generated", "examples", "pacts", "verify",
                                         "properties", "fuzz"]
    assert all(r.ok for r in results), [d.format() for r in results for d in r.diagnostics]
    code, out = invoke("pipeline", str(reference_workspace))
    assert code == 0, out
    assert "pipeline passed" in out and "golden example(s) passed" in out


def test_a_stale_module_fails_only_its_stage(reference_workspace: Path) -> None:
    module = sorted((reference_workspace / "generated").rglob("*.py"))[0]
    module.write_text(module.read_text() + "\n# hand edit\n")
    code, out = invoke("pipeline", str(reference_workspace), "--format", "json")
    assert code == 1
    stages = {s["name"]: s for s in json.loads(out)["stages"]}
    assert stages["check"]["ok"] and stages["examples"]["ok"]
    assert not stages["generated"]["ok"]
    stale = [d for d in stages["generated"]["diagnostics"] if d["code"] == "ACC450"]
    assert [d["file"].rsplit("/", 1)[-1] for d in stale] == [module.name]


def test_only_selected_stages_run(reference_workspace: Path) -> None:
    code, out = invoke("pipeline", str(reference_workspace), "--stage", "check")
    assert code == 0
    assert "check" in out and "examples" not in out.split("STAGE", 1)[1]


def test_broken_contract_fails_check_stage(reference_workspace: Path) -> None:
    path = reference_workspace / "contracts/canonical/money/1.0.0.yaml"
    path.write_text(path.read_text().replace("type: object", "type: objekt", 1))
    code, out = invoke("pipeline", str(reference_workspace))
    assert code == 1
    assert "money/1.0.0.yaml" in out and "pipeline failed" in out


def test_examples_for_an_unknown_mapping_is_a_usage_error(reference_workspace: Path) -> None:
    code, out = invoke("test", "examples", str(reference_workspace), "--mapping", "harvest.time")
    assert code == 2
    assert "no mapping named 'harvest.time'" in out
    assert "harvest.time_entry_to_time_entry" in out


def test_a_changed_type_in_a_description_fails_verify_naming_the_rule(
        reference_workspace: Path) -> None:
    """The verify stage runs the pacts against simulators built from the descriptions: once
    Xero's description types InvoiceNumber as an integer, the simulator refuses the create
    request the outbound mapping makes, and the stage fails naming the rule."""
    api = reference_workspace / "contracts/systems/xero_accounting/openapi.yaml"
    lines = api.read_text().splitlines(keepends=True)
    start = lines.index("    Invoice:\n")
    at = next(i for i in range(start, len(lines)) if lines[i] == "        InvoiceNumber:\n")
    assert lines[at + 2] == "          type: string\n"
    lines[at + 2] = "          type: integer\n"
    api.write_text("".join(lines))
    results = {r.name: r for r in run_pipeline(load_workspace(reference_workspace),
                                               only=["verify"])}
    verify = results["verify"]
    assert not verify.ok and "6/7 pact(s) verified" in verify.detail
    spec = "mappings/invoice-to-status/xero_invoice.yaml"
    assert any(d.code == "ACC740" and d.file == spec for d in verify.diagnostics), \
        [d.format() for d in verify.diagnostics]
