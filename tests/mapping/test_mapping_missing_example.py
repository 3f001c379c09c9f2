"""A missing example file is a finding about that example, not the loss of the mapping: the
spec still loads, generates and runs its other examples."""

from __future__ import annotations

from pathlib import Path

from accord.cli.main import cli
from accord.mapping import load_mappings
from click.testing import CliRunner

SPEC = "mappings/invoice-to-status/xero_invoice.yaml"
GONE = "mappings/examples/canonical/invoice_eur_no_tax.json"


def _invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def test_the_spec_loads_without_the_missing_example(reference_workspace: Path) -> None:
    (reference_workspace / GONE).unlink()
    loaded = load_mappings(reference_workspace)
    spec = next(s for s in loaded.specs if s.display == SPEC)
    assert [e.name for e in spec.examples] == ["invoice_partially_paid", "invoice_credit_note"]
    [diag] = [d for d in loaded.diagnostics if d.code == "ACC404"]
    assert (diag.file, diag.line, diag.pointer) == (SPEC, 63, "/examples/1/input")
    assert "invoice_eur_no_tax.json" in diag.message and spec.problems == (diag,)


def test_check_fails_on_it_while_generate_and_the_other_examples_still_work(
        reference_workspace: Path) -> None:
    (reference_workspace / GONE).unlink()
    ws = str(reference_workspace)
    code, out = _invoke("check", "-w", ws)
    assert code == 1 and "ACC404" in out and f"{SPEC}:63" in out
    # the mapping's generated module is neither stale nor an orphan
    assert _invoke("generate", "--check", "-w", ws)[0] == 0
    assert _invoke("generate", "-w", ws)[0] == 0
    # the examples test fails on the missing one and still runs the two others
    code, out = _invoke("test", "examples", "-w", ws)
    assert code == 1 and "ACC404" in out
    assert "PASS mappings/invoice-to-status/xero_invoice.yaml :: invoice_partially_paid" in out
    assert "PASS mappings/invoice-to-status/xero_invoice.yaml :: invoice_credit_note" in out
