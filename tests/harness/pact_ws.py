"""A small workspace for the pact tests: a ``shop`` system whose description has paths (a read
in a ``{data: ...}`` envelope, a create answering 201), one inbound and one outbound mapping
with golden examples, and a schema with every kind of matcher (pattern, enum, formats,
integer vs number, arrays of objects, fields no mapping reads)."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

CONTRACT = """\
$schema: https://json-schema.org/draft/2020-12/schema
$id: urn:accord:contract:customer:1.0.0
type: object
additionalProperties: false
required: [id, name]
properties:
  id: {type: string}
  name: {type: string}
  status: {enum: [active, inactive]}
  employees: {type: [integer, "null"]}
  revenue: {type: [number, "null"]}
  founded: {type: [string, "null"], format: date}
  updated_at: {type: [string, "null"]}
  emails: {type: array, items: {type: string}}
examples:
  - {id: A-1, name: Northwind}
x-accord: {version: 1.0.0, status: draft, compatibility: BACKWARD, owner: team}
"""

SYSTEM = """\
accord: system/v1
name: shop
kind: crm
api: openapi.yaml
environments:
  local: {simulator: true}
"""

OPENAPI = """\
openapi: 3.0.3
info: {title: Shop, version: "1"}
paths:
  /v1/accounts/{id}:
    get:
      operationId: getAccount
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses:
        "200":
          description: one account
          content:
            application/json:
              schema:
                type: object
                properties:
                  data: {$ref: "#/components/schemas/Account"}
  /v1/customers:
    post:
      operationId: createCustomer
      requestBody:
        content:
          application/json:
            schema: {$ref: "#/components/schemas/Customer"}
      responses:
        "201":
          description: created
          content:
            application/json:
              schema:
                type: object
                properties:
                  data: {$ref: "#/components/schemas/Customer"}
  /v1/customers/{id}:
    get:
      operationId: getCustomer
      parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
      responses:
        "200":
          description: one customer
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Customer"}
components:
  schemas:
    Account:
      type: object
      required: [id, name]
      properties:
        id: {type: string, pattern: "^A-[0-9]+$"}
        name: {type: string}
        status: {type: string, enum: [active, closed, deleted]}
        employees: {type: integer}
        revenue: {type: number}
        founded: {type: string, format: date}
        updated: {type: string, format: date-time}
        secret_notes: {type: string}
        internal_code: {type: string}
        contacts:
          type: array
          items:
            type: object
            properties:
              email: {type: string, format: email}
              primary: {type: boolean}
              phone: {type: string}
    Customer:
      type: object
      properties:
        id: {type: integer, readOnly: true}
        code: {type: string}
        display_name: {type: string}
        size: {type: integer, nullable: true}
        turnover: {type: number, nullable: true}
        emails: {type: array, items: {type: string, format: email}}
"""

INBOUND = """\
accord: mapping/v1
name: shop.account_to_customer
version: 1.0.0
source: {system: shop, schema: Account}
target: {contract: customer@1.0.0}
when: "status != 'deleted'"
key: id
fields:
  id: {expr: id, required: true}
  name: {expr: name, required: true}
  status: {expr: status, lookup: {active: active, closed: inactive, deleted: inactive}}
  employees: employees
  revenue: revenue
  founded: founded
  updated_at: updated
  emails: "contacts[?primary].email"
examples:
  - {input: ../examples/account.json, output: ../examples/customer.json}
"""

OUTBOUND = """\
accord: mapping/v1
name: shop.customer_from_customer
version: 1.0.0
source: {contract: customer@1.0.0}
target: {system: shop, schema: Customer}
key: id
fields:
  code: id
  display_name: name
  size: employees
  turnover: revenue
  emails: emails
  id: {n/a: the shop assigns it}
examples:
  - {input: ../examples/customer.json, output: ../examples/shop_customer.json}
"""

ACCOUNT: dict[str, Any] = {
    "id": "A-1001", "name": "Northwind", "status": "active", "employees": 120,
    "revenue": 2500000.5, "founded": "1999-04-01", "updated": "2026-11-20T10:00:00Z",
    "secret_notes": "do not share", "internal_code": "NW",
    "contacts": [{"email": "ann@northwind.example", "primary": True, "phone": "555-0100"},
                 {"email": "bob@northwind.example", "primary": False, "phone": "555-0101"}],
}
CUSTOMER: dict[str, Any] = {
    "id": "A-1001", "name": "Northwind", "status": "active", "employees": 120,
    "revenue": 2500000.5, "founded": "1999-04-01", "updated_at": "2026-11-20T10:00:00Z",
    "emails": ["ann@northwind.example"],
}
SHOP_CUSTOMER: dict[str, Any] = {
    "code": "A-1001", "display_name": "Northwind", "size": 120, "turnover": 2500000.5,
    "emails": ["ann@northwind.example"],
}

INBOUND_SPEC = "mappings/accounts/shop_account.yaml"
OUTBOUND_SPEC = "mappings/customers/shop_customer.yaml"
INBOUND_PACT = "generated/pacts/accounts/shop_account.json"
OUTBOUND_PACT = "generated/pacts/customers/shop_customer.json"

FILES = {
    "contracts/canonical/customer/1.0.0.yaml": CONTRACT,
    "contracts/systems/shop/system.yaml": SYSTEM,
    "contracts/systems/shop/openapi.yaml": OPENAPI,
    "contracts/registry.lock": json.dumps({"accord": "registry-lock/v1", "contracts": {}}),
    INBOUND_SPEC: INBOUND,
    OUTBOUND_SPEC: OUTBOUND,
    "mappings/examples/account.json": json.dumps(ACCOUNT, indent=2),
    "mappings/examples/customer.json": json.dumps(CUSTOMER, indent=2),
    "mappings/examples/shop_customer.json": json.dumps(SHOP_CUSTOMER, indent=2),
}


def shop_workspace(root: Path, replace: dict[str, str] | None = None) -> Path:
    """Write the workspace under ``root`` (some files replaced) and return ``root``."""
    for rel, text in {**FILES, **(replace or {})}.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root
