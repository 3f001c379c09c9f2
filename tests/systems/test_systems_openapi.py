"""OpenAPI 3.0/3.1 schemas converted to self-contained JSON Schema 2020-12."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
from accord.errors import LoadError
from accord.workspace.openapi import DIALECT, SchemaBundler, load_openapi
from accord.workspace.systems import System


@pytest.fixture(scope="module")
def systems(vendor_systems: dict[str, System]) -> dict[str, System]:
    """The vendors' full descriptions (the shipped ones are derived subsets of them)."""
    return vendor_systems


def _valid(schema: dict[str, Any], instance: Any) -> bool:
    return bool(jsonschema_rs.validator_for(schema).is_valid(instance))


def test_every_reference_schema_compiles_as_2020_12(systems: dict[str, System]) -> None:
    for system in systems.values():
        for name in system.schema_names():
            schema = system.schema(name)
            assert schema["$schema"] == DIALECT
            jsonschema_rs.Draft202012Validator(schema)  # raises on an invalid schema
            assert "#/components/" not in json.dumps(schema), (system.name, name)


def test_30_nullable_becomes_a_type_array(systems: dict[str, System]) -> None:
    entry = systems["harvest"].schema("TimeEntry")
    assert entry["properties"]["id"]["type"] == ["integer", "null"]
    assert _valid(entry, {"id": None, "hours": 1.5})
    assert not _valid(entry, {"id": "x"})
    opp = systems["apideck_crm"].schema("Opportunity")
    assert "nullable" not in json.dumps(opp)
    assert _valid(opp, {"title": "Deal", "monetary_amount": None})


def test_31_type_null_inside_a_30_document_is_kept(systems: dict[str, System]) -> None:
    prop = systems["harvest"].schema("TimeEntry")["properties"]["user_assignment"]
    assert prop["anyOf"] == [{"$ref": "#/$defs/UserAssignment"}, {"type": "null"}]


def test_31_type_arrays_pass_through(systems: dict[str, System]) -> None:
    bamboo = systems["bamboohr"]
    assert bamboo.api.version == "3.1.0"
    text = json.dumps([bamboo.schema(n) for n in bamboo.schema_names()])
    assert '"null"' in text


def test_integer_response_codes_become_strings(systems: dict[str, System]) -> None:
    harvest = systems["harvest"]
    for _, _, op in harvest.api.operations().values():
        assert all(isinstance(code, str) for code in op["responses"])
    body = harvest.operation_response("listTimeEntries")
    assert "time_entries" in body["properties"]


def test_refs_are_bundled_transitively(systems: dict[str, System]) -> None:
    invoice = systems["xero_accounting"].schema("Invoices")
    defs = invoice["$defs"]
    assert {"Invoice", "LineItem", "Contact"} <= set(defs)
    text = json.dumps(invoice)
    for ref in {part.split('"')[0] for part in text.split('"$ref": "')[1:]}:
        assert ref.startswith("#/$defs/") and ref.split("/")[2] in defs


def test_string_false_defaults_are_not_trusted(systems: dict[str, System]) -> None:
    xero = systems["xero_accounting"]
    account = xero.schema("Account")
    assert "default" not in account["properties"]["HasAttachments"]
    assert account["properties"]["HasAttachments"]["type"] == "boolean"
    assert "example" not in json.dumps(xero.schema("Invoice"))
    notes = [n for n in xero._bundler.notes if "'false'" in n.message]
    assert len(notes) == 23


def test_operations(systems: dict[str, System]) -> None:
    xero = systems["xero_accounting"]
    request = xero.operation_request("createInvoices")  # a components/requestBodies $ref
    assert "Invoices" in json.dumps(request) or "properties" in request
    assert _valid(request, {"Invoices": [{"Type": "ACCREC", "Contact": {"Name": "A"}}]})
    projects = systems["xero_projects"]
    assert "projectId" in projects.operation_response("getProject")["properties"]


def test_unknown_names_say_did_you_mean(systems: dict[str, System]) -> None:
    with pytest.raises(LoadError, match="did you mean 'Invoice'"):
        systems["xero_accounting"].schema("Invoce")
    with pytest.raises(LoadError, match="did you mean 'createInvoices'"):
        systems["xero_accounting"].operation_request("createInvoice")
    with pytest.raises(LoadError, match="has no request body"):
        systems["xero_projects"].operation_request("getProject")


def _doc(tmp_path: Path, text: str) -> SchemaBundler:
    path = tmp_path / "api.yaml"
    path.write_text(text, encoding="utf-8")
    return SchemaBundler(load_openapi(path))


def test_30_conversion_rules(tmp_path: Path) -> None:
    bundler = _doc(tmp_path, """\
openapi: 3.0.3
paths: {}
components:
  schemas:
    Money:
      type: object
      required: [amount]
      additionalProperties: false
      properties:
        amount: {type: number, minimum: 0, exclusiveMinimum: true, example: 'ten'}
        currency: {type: string, enum: [USD, EUR, NO], nullable: true, default: 7}
    Deal:
      type: object
      properties:
        price: {$ref: '#/components/schemas/Money', nullable: true, type: string,
                description: the price}
        tags: {type: array, items: {type: string}, x-nullable: true}
        example: {type: string}
        node: {$ref: '#/components/schemas/Deal'}
""")
    deal = bundler.component("Deal")
    assert deal["properties"]["price"] == {
        "description": "the price",
        "anyOf": [{"$ref": "#/$defs/Money"}, {"type": "null"}]}
    assert deal["properties"]["tags"]["type"] == ["array", "null"]
    assert deal["properties"]["example"] == {"type": "string"}  # a property, not a keyword
    money = deal["$defs"]["Money"]
    assert money["properties"]["amount"] == {"type": "number", "exclusiveMinimum": 0}
    assert money["properties"]["currency"]["enum"] == ["USD", "EUR", "NO", None]
    assert "default" not in money["properties"]["currency"]
    assert set(deal["$defs"]) == {"Money", "Deal"}  # recursive reference kept bundled
    assert _valid(deal, {"price": None, "node": {"price": {"amount": 1, "currency": None}}})
    assert not _valid(deal, {"price": {"amount": 0}})
    assert not _valid(deal, {"node": {"price": {"amount": 1, "extra": 1}}})


def test_unsupported_refs_are_findings(tmp_path: Path) -> None:
    bundler = _doc(tmp_path, "openapi: 3.1.0\npaths: {}\ncomponents:\n  schemas:\n"
                             "    A: {$ref: 'other.yaml#/B'}\n")
    with pytest.raises(LoadError) as info:
        bundler.component("A")
    assert info.value.diagnostics[0].code == "ACC206"
    assert "bundle" in info.value.diagnostics[0].hint


def test_malformed_description_is_located(tmp_path: Path) -> None:
    path = tmp_path / "api.yaml"
    path.write_text("openapi: 3.0.0\npaths: {\n  x: [\n", encoding="utf-8")
    with pytest.raises(LoadError) as info:
        load_openapi(path)
    diag = info.value.diagnostics[0]
    assert diag.code == "ACC204" and diag.line >= 3


def test_parsed_descriptions_are_cached_per_process(systems: dict[str, System]) -> None:
    system = systems["xero_projects"]
    assert load_openapi(system.api_path) is load_openapi(system.api_path)
