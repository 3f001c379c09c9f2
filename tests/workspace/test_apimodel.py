"""accord.workspace.apimodel: collections, record pointers and paging inferred from the paths of
each shipped description, and of small descriptions in 3.0 and 3.1."""

from __future__ import annotations

from pathlib import Path

import pytest
from accord.project import load_workspace
from accord.workspace.apimodel import EACH, document_model, get_at, set_at
from accord.workspace.openapi import parse_openapi


@pytest.fixture(scope="module")
def models(repo_root: Path) -> dict[str, object]:
    from accord.workspace.apimodel import api_model

    ws = load_workspace(repo_root)
    return {name: api_model(system) for name, system in ws.systems.items()}


def test_every_shipped_system_has_the_collection_its_mapping_uses(models: dict) -> None:
    expected = {
        "apideck_crm": ("Opportunity", "id", "/crm/opportunities/{id}"),
        "bamboohr": ("GetEmployeeResponse", "id", "/api/v1/employees/{id}"),
        "harvest": ("TimeEntry", "id", "/time_entries/{timeEntryId}"),
        "salesforce": ("Opportunity", "Id", "/services/data/v62.0/sobjects/Opportunity/{id}"),
        "xero_accounting": ("Invoice", "InvoiceID", "/Invoices/{InvoiceID}"),
        "xero_projects": ("TimeEntry", "timeEntryId",
                          "/Projects/{projectId}/Time/{timeEntryId}"),
    }
    also = {"xero_projects": ["Project"]}  # the record opportunity-to-project creates
    for system, (schema, id_field, item_path) in expected.items():
        model = models[system]
        assert [c.schema for c in model.collections] == sorted([schema, *also.get(system, [])])
        c = model.collection_for(schema)
        assert c is not None and (c.id_field, c.item_path) == (id_field, item_path), system
        assert c.read is not None and c.read.method == "GET"


def test_record_pointers_and_paging_follow_each_vendor(models: dict) -> None:
    apideck = models["apideck_crm"].collection_for("Opportunity")
    assert apideck.read.response_pointer == ("data",)
    assert apideck.list.response_pointer == ("data", EACH)
    assert (apideck.list.paging.style, apideck.list.paging.cursor) == ("cursor", "cursor")
    assert (apideck.create.method, apideck.create.status) == ("POST", 201)
    assert apideck.create.response_pointer == ("data",)  # {data: {id}}: where the id comes back
    assert apideck.update.method == "PATCH"

    xero = models["xero_accounting"].collection_for("Invoice")
    assert xero.read.response_pointer == ("Invoices", 0)
    assert (xero.create.method, xero.create.path) == ("PUT", "/Invoices")  # Xero creates by PUT
    assert xero.create.request_pointer == ("Invoices", 0)
    assert (xero.update.method, xero.update.path) == ("POST", "/Invoices/{InvoiceID}")
    assert xero.list.paging.style == "page"
    assert [e.status for e in xero.update.errors] == ["400"]

    harvest = models["harvest"].collection_for("TimeEntry")
    assert harvest.list.response_pointer == ("time_entries", EACH)
    assert (harvest.list.paging.page, harvest.list.paging.size) == ("page", "per_page")
    assert harvest.create.status == 201 and not harvest.create.request_is_record
    assert harvest.read.error_for(404).status == "default"

    projects = models["xero_projects"].collection_for("TimeEntry")
    assert projects.update.status == 204 and projects.update.response_schema is None
    assert projects.read.path_params == ("projectId", "timeEntryId")
    assert projects.item_url("t-1", {"projectId": "p-9"}) == "/Projects/p-9/Time/t-1"

    salesforce = models["salesforce"].collection_for("Opportunity")
    assert salesforce.list is None  # SOQL listing is left out of the hand-written description
    assert (salesforce.update.method, salesforce.update.status) == ("PATCH", 204)
    assert salesforce.create.response_pointer == ()  # SaveResult {id, success, errors}
    assert salesforce.read.error_for(404).schema["type"] == "array"


def test_nullable_and_type_arrays_read_alike() -> None:
    """A 3.0 `nullable` and a 3.1 type array give the same record schema type."""
    template = """\
openapi: {version}
info: {{title: t, version: '1'}}
paths:
  /items/{{id}}:
    get:
      responses:
        200:
          description: ok
          content: {{application/json: {{schema: {{$ref: '#/components/schemas/Item'}}}}}}
components:
  schemas:
    Item: {{type: object, properties: {{id: {{type: string}}, note: {note}}}}}
"""
    found = []
    for version, note in (("3.0.3", "{type: string, nullable: true}"),
                          ("3.1.0", "{type: [string, 'null']}")):
        text = template.format(version=version, note=note).encode()
        doc = parse_openapi(text, Path("x.yaml"), "x.yaml")
        c = document_model(doc).collection_for("Item")
        assert c is not None and c.read is not None
        found.append(c.record_schema["properties"]["note"]["type"])
        assert c.read.status == 200  # the integer response code became a string on load
    assert found == [["string", "null"], ["string", "null"]]


def test_pointers_read_and_write() -> None:
    body = set_at({"meta": 1}, ("Invoices", 0), {"InvoiceID": "a"})
    assert body == {"meta": 1, "Invoices": [{"InvoiceID": "a"}]}
    assert get_at(body, ("Invoices", 0, "InvoiceID")) == "a"
    assert set_at(None, ("time_entries", EACH), [{"id": 1}, {"id": 2}]) == {
        "time_entries": [{"id": 1}, {"id": 2}]}
    assert get_at({"data": None}, ("data", "id")) is None


def test_a_write_shape_is_served_by_its_records_create_and_update(models: dict) -> None:
    """Xero Projects creates and updates a Project from a ProjectCreateOrUpdate, which no GET
    answers: the write shape resolves to the Project collection, for create and update only."""
    model = models["xero_projects"]
    c = model.collection_for("ProjectCreateOrUpdate")
    assert c is not None and (c.schema, c.id_field, c.item_path) == (
        "Project", "projectId", "/Projects/{projectId}")
    assert c.write_shapes == ("ProjectCreateOrUpdate",)
    assert c.kinds_for("ProjectCreateOrUpdate") == ("create", "update")
    assert c.kinds_for("Project") == ("read", "list", "create", "update")
    assert (c.create.method, c.create.path, c.create.status) == ("POST", "/Projects", 201)
    assert (c.update.method, c.update.operation_id) == ("PUT", "updateProject")
    assert c.create.request_schema_name == "ProjectCreateOrUpdate"
    assert not c.create.request_is_record and c.create.response_is_record
    assert model.collection_for("Amount") is None  # a part of the record is no write shape


def _media(name: str) -> str:
    """A JSON body of the component schema ``name`` (the value of a ``content:``)."""
    return "{application/json: {schema: {$ref: '#/components/schemas/" + name + "'}}}"


_WRITES = f"""\
openapi: 3.0.3
info: {{title: t, version: '1'}}
paths:
  /things:
    post:
      operationId: createThing
      requestBody: {{content: {_media("ThingWrite")}}}
      responses: {{'201': {{description: ok, content: {_media("Thing")}}}}}
  /things/{{thingId}}:
    get:
      operationId: getThing
      responses: {{'200': {{description: ok, content: {_media("Thing")}}}}}
    patch:
      operationId: patchThing
      requestBody: {{content: {_media("ThingStatus")}}}
      responses: {{'204': {{description: ok}}}}
    put:
      operationId: updateThing
      requestBody: {{content: {_media("ThingWrite")}}}
      responses: {{'204': {{description: ok}}}}
components:
  schemas:
    Thing:
      type: object
      properties: {{thingId: {{type: string}}, name: {{type: string}}, status: {{type: string}}}}
    ThingWrite: {{type: object, required: [name], properties: {{name: {{type: string}}}}}}
    ThingStatus: {{type: object, properties: {{status: {{type: string}}}}}}
"""


def test_update_is_the_operation_named_update_and_write_shapes_resolve() -> None:
    """PATCH comes first among update methods, unless an operationId names update (Xero
    Projects' PUT updateProject beside the status-only PATCH patchProject); a schema no GET
    answers resolves through the create and update that take it."""
    doc = parse_openapi(_WRITES.encode(), Path("x.yaml"), "x.yaml")
    model = document_model(doc, ["ThingWrite"])
    [c] = model.collections
    assert (c.schema, c.update.operation_id, c.update.method) == ("Thing", "updateThing", "PUT")
    assert model.collection_for("ThingWrite") is c
    assert c.kinds_for("ThingWrite") == ("create", "update")
    assert c.kinds_for("ThingStatus") == ()  # no chosen operation takes it
    assert document_model(doc, ["ThingStatus"]).collections == ()
    assert model.operation_ids == ["createThing", "getThing", "updateThing"]
    # asking for the record and its write shape gives the collection once
    assert [x.schema for x in document_model(doc, ["Thing", "ThingWrite"]).collections] == [
        "Thing"]
