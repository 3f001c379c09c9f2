"""Deriving the part of a vendor description the mappings use (accord.upstream.derive)."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
import yaml
from accord.errors import LoadError
from accord.upstream.derive import HEADER, derive, dump
from accord.workspace.openapi import OpenApiDocument, parse_openapi

VENDOR = """\
openapi: 3.0.1
info: {title: CRM, version: '7', description: A long story, license: {name: MIT}}
paths:
  /deals/{id}:
    parameters:
      - {name: id, in: path, required: true, description: the id, example: 42,
         schema: {type: string}}
    get:
      operationId: getDeal
      summary: Get a deal
      description: Returns the deal
      responses:
        200:
          description: OK
          content:
            application/json:
              schema: {$ref: '#/components/schemas/DealResponse'}
              examples:
                one: {$ref: '#/components/examples/DealExample'}
        default: {$ref: '#/components/responses/Error'}
  /other:
    get:
      operationId: unused
      responses: {'200': {description: OK}}
components:
  examples:
    DealExample: {value: {id: 1}}
  responses:
    Error:
      description: Something failed
      content:
        application/json:
          schema: {$ref: '#/components/schemas/Error'}
  schemas:
    DealResponse:
      type: object
      properties:
        data: {$ref: '#/components/schemas/Deal'}
    Deal:
      type: object
      description: A deal.
      example: {title: x}
      required: [description]
      properties:
        description: {type: string, description: the deal's own description field}
        summary: {type: string, nullable: true, example: hi}
        stage: {type: string, enum: [description, example], default: example}
        owner:
          anyOf: [{$ref: '#/components/schemas/User'}, {type: 'null'}]
        kind:
          oneOf: [{$ref: '#/components/schemas/Person'}, {$ref: '#/components/schemas/Org'}]
          discriminator: {propertyName: type, mapping: {org: Org}}
        tags: {type: array, items: {type: string, examples: [a]}}
    User: {type: object, properties: {name: {type: string, description: n}}}
    Person: {type: object}
    Org: {type: object, x-note: {description: kept, vendor extension}}
    Error: {type: object, properties: {code: {type: integer}}}
    Unused: {type: object}
    summary: {type: string, description: a schema named summary}
"""


def _doc(text: str = VENDOR) -> OpenApiDocument:
    return parse_openapi(text.encode(), Path("vendor.yaml"), "vendor.yaml")


def _keys(node: Any) -> set[str]:
    if isinstance(node, dict):
        return set(node) | {k for v in node.values() for k in _keys(v)}
    if isinstance(node, list):
        return {k for v in node for k in _keys(v)}
    return set()


def test_keeps_what_is_used_and_what_it_references_transitively() -> None:
    out = derive(_doc(), ["Deal"], ["getDeal"])
    assert set(out["components"]["schemas"]) == {"Deal", "DealResponse", "User", "Person",
                                                 "Org", "Error"}
    assert set(out["components"]["responses"]) == {"Error"}
    assert "examples" not in out["components"]  # only prose referred to them
    assert list(out["paths"]) == ["/deals/{id}"]  # the unused operation is gone
    assert set(out["paths"]["/deals/{id}"]) == {"get", "parameters"}
    assert out["info"] == {"title": "CRM", "version": "7", "license": {"name": "MIT"}}


def test_prose_is_stripped_only_where_it_is_a_keyword() -> None:
    out = derive(_doc(), ["Deal", "summary"], ["getDeal"])
    deal = out["components"]["schemas"]["Deal"]
    assert set(deal["properties"]) == {"description", "summary", "stage", "owner", "kind",
                                       "tags"}
    assert deal["properties"]["description"] == {"type": "string"}
    assert deal["properties"]["summary"] == {"type": "string", "nullable": True}
    assert deal["properties"]["stage"]["enum"] == ["description", "example"]
    assert deal["properties"]["stage"]["default"] == "example"
    assert deal["required"] == ["description"]
    assert out["components"]["schemas"]["summary"] == {"type": "string"}
    assert out["components"]["schemas"]["Org"]["x-note"] == {"description": "kept",
                                                            "vendor extension": None}
    op = out["paths"]["/deals/{id}"]["get"]
    assert set(op) == {"operationId", "responses"}
    assert op["responses"]["200"]["description"] == ""  # required by OpenAPI; no prose
    assert out["paths"]["/deals/{id}"]["parameters"][0] == {
        "name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
    media = op["responses"]["200"]["content"]["application/json"]
    assert set(media) == {"schema"}
    keys = _keys({k: v for k, v in out.items() if k != "components"})
    assert not keys & {"summary", "example", "examples"}
    assert "example" not in _keys(out["components"])


def test_integer_response_codes_and_31_nulls_survive() -> None:
    out = derive(_doc(), ["Deal"], ["getDeal"])
    assert "200" in out["paths"]["/deals/{id}"]["get"]["responses"]
    owner = out["components"]["schemas"]["Deal"]["properties"]["owner"]
    assert owner["anyOf"][1] == {"type": "null"}
    text = dump(out)
    assert "'200':" in text
    again = parse_openapi(text.encode(), Path("d.yaml"), "d.yaml")
    assert again.operations()["getDeal"][2]["responses"]["200"]["description"] == ""


def _shuffled(node: Any, rng: random.Random) -> Any:
    if isinstance(node, dict):
        items = list(node.items())
        rng.shuffle(items)
        return {k: _shuffled(v, rng) for k, v in items}
    if isinstance(node, list):
        return [_shuffled(v, rng) for v in node]
    return node


def test_output_is_deterministic_and_sorted() -> None:
    first = dump(derive(_doc(), ["Deal"], ["getDeal"]))
    assert first.startswith(HEADER)
    data = yaml.safe_load(VENDOR)
    for seed in range(5):
        shuffled = yaml.safe_dump(_shuffled(data, random.Random(seed)), sort_keys=False)
        assert dump(derive(_doc(shuffled), ["Deal"], ["getDeal"])) == first
    assert "&id" not in first and "*id" not in first  # no YAML aliases
    top = [line.split(":")[0] for line in first.splitlines()
           if line and not line.startswith((" ", "#", "-"))]
    assert top == sorted(top) == ["components", "info", "openapi", "paths"]


def test_references_outside_components_are_refused() -> None:
    doc = _doc(VENDOR.replace("{$ref: '#/components/schemas/Person'}",
                              "{$ref: 'other.yaml#/Person'}"))
    with pytest.raises(LoadError) as caught:
        derive(doc, ["Deal"], [])
    assert caught.value.diagnostics[0].code == "ACC224"
    assert "other.yaml#/Person" in caught.value.diagnostics[0].message
    doc = _doc(VENDOR.replace("#/components/schemas/User", "#/components/schemas/Nobody"))
    with pytest.raises(LoadError, match="missing components/schemas/Nobody"):
        derive(doc, ["Deal"], [])


def test_deriving_a_shipped_description_again_changes_nothing(repo_root: Path) -> None:
    """Derivation is idempotent: each shipped description, derived again for what the
    mappings use, is byte for byte itself (so re-importing from it is a no-op)."""
    from accord.project import load_workspace
    from accord.upstream.importer import mapping_usage, served_operations

    ws = load_workspace(repo_root)
    imported = [s for s in ws.systems.values() if s.upstream is not None]
    assert len(imported) == 5
    for system in imported:
        text = system.api_path.read_text(encoding="utf-8")
        usage = mapping_usage(ws, system.name)
        doc = parse_openapi(text.encode(), system.api_path, system.api_display)
        assert dump(derive(doc, usage.schemas, served_operations(doc, usage))) == text, system.name
