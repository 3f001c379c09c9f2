"""``accord diff`` impact from the checker's path index: a change is attributed to the mapping
rules that read it through ``each``, projections and ``$ref``s, at the right line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from accord.cli.main import cli
from accord.gate.impact import Use, uses_of
from click.testing import CliRunner

REPO = Path(__file__).resolve().parents[2]
SPEC = "mappings/invoice-to-status/xero_invoice.yaml"


@pytest.fixture
def ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The reference contracts and mappings, with invoice 1.1.0: the line amount
    inlined (no longer a $ref to money) with a shorter amount, and discount_percent removed."""
    root = tmp_path / "repo"
    shutil.copytree(REPO / "contracts", root / "contracts")
    shutil.copytree(REPO / "mappings", root / "mappings")
    folder = root / "contracts/canonical/invoice"
    text = (folder / "1.0.0.yaml").read_text(encoding="utf-8")
    text = text.replace("contract:invoice:1.0.0", "contract:invoice:1.1.0")
    text = text.replace("  version: 1.0.0\n  status: released\n",
                        "  version: 1.1.0\n  status: draft\n")
    before = "`amounts_are` says.\n        $ref: urn:accord:contract:money:1.0.0\n"
    after = ("`amounts_are` says.\n        type: object\n        properties:\n"
             "          amount: {type: string, maxLength: 12}\n"
             "          currency: {type: string}\n")
    percent = ("      discount_percent:\n"
               "        $ref: urn:accord:contract:common:1.0.0#/$defs/percentage\n")
    assert before in text and percent in text
    text = text.replace(before, after).replace(percent, "")
    (folder / "1.1.0.yaml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(root)
    return root


def line_of(spec: Path, needle: str) -> int:
    lines = spec.read_text(encoding="utf-8").splitlines()
    return next(i for i, text in enumerate(lines, 1) if needle in text)


def test_diff_attributes_reads_through_each_and_ref(ws: Path) -> None:
    result = CliRunner().invoke(cli, ["diff", "invoice", "1.0.0", "1.1.0"])
    assert result.exit_code == 1, result.output
    out = result.output.splitlines()
    removed = next(x for x in out if "/properties/lines/items/properties/discount_percent " in x)
    assert f"read by {SPEC}:{line_of(ws / SPEC, 'DiscountRate: discount_percent')}" in removed
    # the old amount was a $ref to money: its pointer runs through the ref
    shorter = next(x for x in out
                   if "/properties/lines/items/properties/amount/properties/amount" in x)
    assert f"read by {SPEC}:{line_of(ws / SPEC, 'LineAmount:')}" in shorter
    # the unit price is read through the same money contract, but did not change
    assert not any("unit_price" in x for x in out)


def use(pointer: str) -> Use:
    return Use(pointer, "read", "m.yaml", 3, "x@1.0.0")


def test_uses_of_matches_enclosing_inner_and_combiner_pointers() -> None:
    uses = [use("/properties/a/properties/b"), use("/properties/c")]
    assert uses_of("/properties/a", uses) == [uses[0]]  # an enclosing value changed
    assert uses_of("/properties/a/properties/b/maxLength", uses) == [uses[0]]
    assert uses_of("/properties/a/anyOf/1/properties/b/type", uses) == [uses[0]]
    assert uses_of("/properties/a/required/b", uses) == [uses[0]]
    assert uses_of("/properties/a/properties/z", uses) == []  # a sibling nobody reads
