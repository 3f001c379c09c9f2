"""Null semantics end to end: a rule's null result is written where the target admits null.

The corpus (``tests/corpus/nullable_po``) is a mapping nobody here wrote: its target requires a
PO number typed ``[string, "null"]``. Before, a null PO was left out and every non-PO invoice
was dead-lettered for a missing required property.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from accord.project import load_workspace
from accord.run import run_mapping

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "nullable_po"
SPEC = "mappings/procure-to-pay/supplier_invoice.yaml"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    shutil.copytree(CORPUS, root)
    return root


def _generate(root: Path) -> None:
    result = load_workspace(root).generate()
    assert result.ok, [d.format() for d in result.diagnostics]


def _lines(path: Path) -> list[Any]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line]


def _run(root: Path) -> tuple[list[Any], list[Any], int]:
    result = run_mapping(SPEC, input=root / "records.jsonl", output=root / "out.jsonl",
                         dead_letter=root / "dead.jsonl", workspace=root, progress=False)
    assert result.stats.consistent
    return _lines(root / "out.jsonl"), _lines(root / "dead.jsonl"), result.stats.read


def test_every_record_of_the_corpus_is_a_valid_bill(corpus: Path) -> None:
    _generate(corpus)
    written, dead, read = _run(corpus)
    assert dead == []
    assert len(written) == read == 8
    by_id = {bill["id"]: bill for bill in written}
    # the required, nullable PO: null when the invoice has none (null or absent)
    assert by_id["INV-1002"]["po_number"] is None
    assert by_id["INV-1003"]["po_number"] is None
    assert by_id["INV-1001"]["po_number"] == "PO-77001"
    # a nullable target through $ref + oneOf: null written too
    assert by_id["INV-1003"]["supplier_name"] is None
    # memo is typed string only: a null note is left out, an empty one kept
    assert "memo" not in by_id["INV-1008"]
    assert by_id["INV-1006"]["memo"] == ""


def _set_spec(root: Path, old: str, new: str) -> None:
    path = root / SPEC
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new), "utf-8")


def test_omit_null_on_a_rule_leaves_the_field_alone(corpus: Path) -> None:
    _set_spec(corpus, "  supplier_name: supplier.name\n",
              "  supplier_name: {expr: supplier.name, omit_null: true}\n")
    _generate(corpus)
    written, dead, _ = _run(corpus)
    assert dead == []
    by_id = {bill["id"]: bill for bill in written}
    assert "supplier_name" not in by_id["INV-1003"]
    assert by_id["INV-1003"]["po_number"] is None  # other rules still write null


def test_spec_default_omit_null_and_a_rule_that_overrides_it(corpus: Path) -> None:
    _set_spec(corpus, "fields:\n", "defaults: {omit_null: true}\nfields:\n")
    _set_spec(corpus, "  po_number: po\n", "  po_number: {expr: po, omit_null: false}\n")
    _generate(corpus)
    written, dead, _ = _run(corpus)
    assert dead == []
    by_id = {bill["id"]: bill for bill in written}
    assert "supplier_name" not in by_id["INV-1003"]
    assert by_id["INV-1003"]["po_number"] is None


def test_omit_null_on_the_required_nullable_po_dead_letters_non_po_spend(
        corpus: Path) -> None:
    """What a user gets when they ask for it: the PO left out, and the target refuses that."""
    _set_spec(corpus, "  po_number: po\n", "  po_number: {expr: po, omit_null: true}\n")
    _generate(corpus)
    written, dead, _ = _run(corpus)
    assert sorted(d["input"]["invoice_no"] for d in dead) == [
        "INV-1002", "INV-1003", "INV-1005", "INV-1006", "INV-1008"]
    assert {d["class"] for d in dead} == {"data_quality"}
    assert len(written) == 3


def test_the_corpus_passes_the_pipeline(corpus: Path) -> None:
    from accord.pipeline import run_pipeline

    _generate(corpus)
    stages = run_pipeline(load_workspace(corpus))
    assert [(s.name, s.ok) for s in stages] == [
        ("check", True), ("generated", True), ("examples", True), ("pacts", True),
        ("verify", True), ("properties", True), ("fuzz", True)], stages
