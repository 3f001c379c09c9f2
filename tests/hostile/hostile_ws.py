"""A small clean workspace of every file kind, and a guarded way to run accord on hostile copies.

``guarded(args)`` runs ``accord`` in a subprocess with a wall-clock timeout and an address-space
limit, so that a regression (a hang, an exponential blow-up) fails the test instead of hanging
CI or exhausting the machine.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CONTRACT = """\
$schema: https://json-schema.org/draft/2020-12/schema
$id: urn:accord:contract:customer:1.0.0
type: object
additionalProperties: false
required: [id, name]
properties:
  id: {type: string, minLength: 1}
  name: {type: string, minLength: 1}
  status: {enum: [active, inactive]}
  currency: {type: string, pattern: "^[A-Z]{3}$"}
examples:
  - {id: C-1, name: Northwind, status: active, currency: USD}
x-accord: {version: 1.0.0, status: draft, compatibility: BACKWARD, owner: team}
"""

SYSTEM = """\
accord: system/v1
name: crm
kind: crm
api: openapi.yaml
environments:
  local: {simulator: true}
"""

OPENAPI = """\
openapi: 3.0.3
info: {title: CRM, version: "1"}
paths: {}
components:
  schemas:
    Account:
      type: object
      required: [Id, Name]
      properties:
        Id: {type: string}
        Name: {type: string}
        Status: {type: string}
        Currency: {type: string}
"""

MAPPING = """\
accord: mapping/v1
name: crm.account_to_customer
version: 1.0.0
source: {system: crm, schema: Account}
target: {contract: customer@1.0.0}
key: Id
fields:
  id: Id
  name: Name
  status: {expr: Status, lookup: status_by_crm_status}
  currency: {expr: Currency, default: USD}
examples:
  - {input: ../examples/account.json, output: ../examples/customer.json}
"""

LOOKUP = """\
accord: lookup/v1
name: status_by_crm_status
values: {Active: active, Closed: inactive}
"""

FILES = {
    "contracts/canonical/customer/1.0.0.yaml": CONTRACT,
    "contracts/systems/crm/system.yaml": SYSTEM,
    "contracts/systems/crm/openapi.yaml": OPENAPI,
    "mappings/crm/account.yaml": MAPPING,
    "mappings/lookups/status_by_crm_status.yaml": LOOKUP,
    "mappings/examples/account.json": json.dumps(
        {"Id": "001", "Name": "Northwind", "Status": "Active", "Currency": "EUR"}),
    "mappings/examples/customer.json": json.dumps(
        {"id": "001", "name": "Northwind", "status": "active", "currency": "EUR"}),
    "contracts/registry.lock": json.dumps({"accord": "registry-lock/v1", "contracts": {}}),
}

#: Each YAML file kind of the workspace, by what it is.
YAML_KINDS = {
    "contract": "contracts/canonical/customer/1.0.0.yaml",
    "system": "contracts/systems/crm/system.yaml",
    "openapi": "contracts/systems/crm/openapi.yaml",
    "mapping": "mappings/crm/account.yaml",
    "lookup": "mappings/lookups/status_by_crm_status.yaml",
}

#: Each JSON file kind of the workspace.
JSON_KINDS = {
    "example input": "mappings/examples/account.json",
    "example output": "mappings/examples/customer.json",
    "registry.lock": "contracts/registry.lock",
}

#: "Billion laughs": 9 levels of 9 aliases each expand to ~4.9e8 nodes from ~600 bytes.
ALIAS_BOMB = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]\n"
    for i in range(8))


def workspace(root: Path, replace: dict[str, str] | None = None) -> Path:
    """Write the clean workspace under ``root`` with some files replaced."""
    for rel, text in {**FILES, **(replace or {})}.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


@dataclass
class Outcome:
    returncode: int
    stdout: str
    stderr: str
    seconds: float

    def json(self) -> Any:
        return json.loads(self.stdout)

    def codes(self) -> list[str]:
        data = self.json()
        return [d["code"] for d in data.get("diagnostics", data) if isinstance(d, dict)]


def _limit_memory(megabytes: int) -> None:
    limit = megabytes * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def guarded(args: list[str], cwd: Path, *, timeout: float = 60, memory_mb: int = 1024,
            stdin: bytes | None = None) -> Outcome:
    """``accord ARGS`` in a subprocess, killed after ``timeout`` s and limited to ``memory_mb``
    of address space (an unbounded expansion dies with MemoryError instead of swapping)."""
    return _run([sys.executable, "-m", "accord.cli.main", *args], cwd, timeout, memory_mb, stdin)


def guarded_python(code: str, cwd: Path, *, timeout: float = 60,
                   memory_mb: int = 1024) -> Outcome:
    """``python -c CODE`` under the same guards (for library calls measured in isolation)."""
    return _run([sys.executable, "-c", textwrap.dedent(code)], cwd, timeout, memory_mb, None)


def _run(argv: list[str], cwd: Path, timeout: float, memory_mb: int,
         stdin: bytes | None) -> Outcome:
    started = time.perf_counter()
    proc = subprocess.run(
        argv, cwd=cwd, input=stdin, capture_output=True, timeout=timeout,
        preexec_fn=lambda: _limit_memory(memory_mb), check=False)
    return Outcome(proc.returncode, proc.stdout.decode("utf-8", "replace"),
                   proc.stderr.decode("utf-8", "replace"), time.perf_counter() - started)
