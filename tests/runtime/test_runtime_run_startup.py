"""The contract registry can read only what running one mapping needs: an entity and the
entities it references, unchecked (no meta-schema, no jsonschema import)."""

from __future__ import annotations

from pathlib import Path

from accord.workspace.contracts import load_contracts

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "mappings" / "examples" / "salesforce" / "opportunity_closed_won.json"
HEAVY = ("jsonschema", "referencing", "jinja2", "accord.codegen.generator", "accord.check",
         "accord.mapping.loader", "accord.expr", "xml.sax.saxutils")


def test_reading_one_entity_reads_what_it_references_and_bundles_the_same() -> None:
    everything = load_contracts(REPO)
    some = load_contracts(REPO, checked=False, entities=["project"])
    names = {contract.name for contract in some}
    assert "project" in names and "money" in names  # project references money
    assert len(names) < len(everything.names())  # not every entity
    assert some.bundle("project", "1.1.0") == everything.bundle("project", "1.1.0")
    assert some.diagnostics == []
