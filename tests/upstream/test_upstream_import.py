"""``accord system import``: derive, record upstream, re-derive to catch drift, fetch by URL."""

from __future__ import annotations

import functools
import hashlib
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from accord.cli.main import cli
from click.testing import CliRunner

VENDOR = """\
openapi: 3.1.0
info: {title: Tiny CRM, version: '1', description: prose}
paths:
  /deals:
    post:
      operationId: createDeal
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/DealInput'}
      responses: {'201': {description: Created}}
components:
  schemas:
    Deal:
      type: object
      description: A deal
      properties:
        title: {type: string, example: Big deal}
        amount: {type: number}
        owner: {$ref: '#/components/schemas/User'}
    DealInput: {type: object, properties: {title: {type: string}}}
    User: {type: object, properties: {name: {type: [string, 'null']}}}
    Lead: {type: object}
"""

SPEC = """\
accord: mapping/v1
name: crm.deal_to_thing
version: 1.0.0
source: {system: crm, schema: Deal}
target: {contract: thing@1.0.0}
fields:
  name: title
  value: amount
  owner: owner.name
"""


def _workspace(root: Path, spec: str = SPEC) -> Path:
    (root / "contracts" / "systems").mkdir(parents=True)
    (root / "mappings" / "flow").mkdir(parents=True)
    (root / "mappings" / "flow" / "deal.yaml").write_text(spec, encoding="utf-8")
    return root


def _invoke(root: Path, *args: str) -> Any:
    return CliRunner().invoke(cli, ["system", "import", *args, "-w", str(root)],
                              catch_exceptions=False)


@pytest.fixture
def ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = _workspace(tmp_path / "ws")
    (tmp_path / "vendor").mkdir()
    (tmp_path / "vendor" / "crm.yaml").write_text(VENDOR, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return root


def test_import_writes_the_used_part_and_records_upstream(ws: Path) -> None:
    result = _invoke(ws, "crm", "--from", "vendor/crm.yaml", "--kind", "crm")
    assert result.exit_code == 0, result.output
    assert "imported 2 schema(s), 0 operation(s)" in result.output
    api = yaml.safe_load((ws / "contracts/systems/crm/openapi.yaml").read_text())
    assert set(api["components"]["schemas"]) == {"Deal", "User"}  # Lead, DealInput unused
    assert api["paths"] == {}
    assert "description" not in api["components"]["schemas"]["Deal"]
    system = yaml.safe_load((ws / "contracts/systems/crm/system.yaml").read_text())
    assert system["api"] == "openapi.yaml"
    assert system["upstream"] == {
        "source": "../../../../vendor/crm.yaml",
        "sha256": hashlib.sha256(VENDOR.encode()).hexdigest()}
    check = CliRunner().invoke(cli, ["check", str(ws)], catch_exceptions=False)
    assert "ACC2" not in check.output, check.output
    again = _invoke(ws, "crm")  # from the recorded upstream: nothing to write
    assert again.exit_code == 0 and "wrote" not in again.output
    assert _invoke(ws, "--check").exit_code == 0


def test_a_new_system_needs_its_kind_and_names_are_checked(ws: Path) -> None:
    result = _invoke(ws, "crm", "--from", "vendor/crm.yaml")
    assert result.exit_code == 2 and "--kind" in result.output
    assert _invoke(ws, "Bad-Name", "--from", "vendor/crm.yaml").exit_code == 2
    assert not (ws / "contracts/systems/crm").exists()


def test_new_vendor_version_lists_changes_and_the_rules_they_touch(ws: Path) -> None:
    assert _invoke(ws, "crm", "--from", "vendor/crm.yaml", "--kind", "crm").exit_code == 0
    system_yaml = ws / "contracts/systems/crm/system.yaml"
    system_yaml.write_text("# my comment\n" + system_yaml.read_text())
    vendor = Path("vendor/crm.yaml")
    vendor.write_text(VENDOR.replace("amount: {type: number}", "amount: {type: string}")
                      .replace("{name: {type: [string, 'null']}}", "{login: {type: string}}")
                      .replace("description: A deal", "description: A changed story"))
    check = _invoke(ws, "--check")
    assert check.exit_code == 1
    assert "ACC221" in check.output and "ACC222" in check.output
    assert "BREAKING crm:Deal /properties/amount/type TYPE_CHANGED" in check.output
    assert "read by mappings/flow/deal.yaml:8" in check.output  # value: amount
    result = _invoke(ws, "crm", "--from", "vendor/crm.yaml", "--format", "json")
    assert result.exit_code == 0, result.output
    import json

    changes = json.loads(result.output)["results"][0]["changes"]
    by_pointer = {(c["subject"], c["pointer"]): c for c in changes}
    amount = by_pointer[("crm:Deal", "/properties/amount/type")]
    assert amount["change"] == "TYPE_CHANGED" and amount["breaking"]
    assert amount["used_by"] == [{"access": "read", "spec": "mappings/flow/deal.yaml",
                                  "line": 8}]
    owner = [c for c in changes if c["pointer"].startswith("/properties/owner")]
    assert owner and any(c["used_by"] for c in owner)
    assert {"subject": "schema User", "change": "changed"}.items() <= \
        next(c for c in changes if c["subject"] == "schema User").items()
    assert not [c for c in changes if "DESCRIPTION" in c["change"]]  # prose is not a change
    assert system_yaml.read_text().startswith("# my comment\n")  # the file was edited in place
    assert _invoke(ws, "--check").exit_code == 0


def test_missing_upstream_says_where_it_looked(ws: Path) -> None:
    assert _invoke(ws, "crm", "--from", "vendor/crm.yaml", "--kind", "crm").exit_code == 0
    Path("vendor/crm.yaml").unlink()
    result = _invoke(ws, "crm", "--check")
    assert result.exit_code == 2
    assert "ACC220" in result.output and "looked at" in result.output
    assert str(Path("vendor/crm.yaml").resolve()) in result.output
    assert "--allow-missing-upstream" in result.output
    allowed = _invoke(ws, "crm", "--check", "--allow-missing-upstream")
    assert allowed.exit_code == 0, allowed.output
    assert "ACC220" in allowed.output and "not re-derived" in allowed.output


def test_hand_edited_description_is_drift(ws: Path) -> None:
    assert _invoke(ws, "crm", "--from", "vendor/crm.yaml", "--kind", "crm").exit_code == 0
    api = ws / "contracts/systems/crm/openapi.yaml"
    api.write_text(api.read_text().replace("type: number", "type: integer"))
    result = _invoke(ws, "crm", "--check")
    assert result.exit_code == 1 and "ACC222" in result.output and "ACC221" not in result.output


def test_a_mapping_naming_what_upstream_lacks_is_a_finding(ws: Path) -> None:
    (ws / "mappings/flow/lead.yaml").write_text(
        SPEC.replace("crm.deal_to_thing", "crm.lead").replace("schema: Deal", "schema: Leed"))
    result = _invoke(ws, "crm", "--from", "vendor/crm.yaml", "--kind", "crm")
    assert result.exit_code == 1
    assert "mappings/flow/lead.yaml:4:" in result.output and "ACC223" in result.output
    assert not (ws / "contracts/systems/crm").exists()  # nothing written


def test_operations_the_mappings_use_are_kept(ws: Path) -> None:
    (ws / "mappings/flow/out.yaml").write_text(
        "accord: mapping/v1\nname: crm.out\nversion: 1.0.0\n"
        "source: {contract: thing@1.0.0}\ntarget: {system: crm, operation: createDeal}\n"
        "fields:\n  title: name\n")
    assert _invoke(ws, "crm", "--from", "vendor/crm.yaml", "--kind", "crm").exit_code == 0
    api = yaml.safe_load((ws / "contracts/systems/crm/openapi.yaml").read_text())
    assert api["paths"]["/deals"]["post"]["operationId"] == "createDeal"
    assert set(api["components"]["schemas"]) == {"Deal", "DealInput", "User"}


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    root = tmp_path / "site"
    root.mkdir()
    (root / "crm.yaml").write_text(VENDOR, encoding="utf-8")

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(root)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def test_import_from_a_url(ws: Path, server: str) -> None:
    url = f"{server}/crm.yaml"
    result = _invoke(ws, "crm", "--from", url, "--kind", "crm")
    assert result.exit_code == 0, result.output
    system = yaml.safe_load((ws / "contracts/systems/crm/system.yaml").read_text())
    assert system["upstream"]["source"] == url
    assert _invoke(ws, "crm", "--check").exit_code == 0  # fetched again from the URL
    missing = _invoke(ws, "crm", "--check", "--from", f"{server}/gone.yaml")
    assert missing.exit_code == 2 and "404" in missing.output


def test_an_upstream_that_is_not_a_regular_file_is_refused(ws: Path) -> None:
    import os

    Path("vendor/dir.yaml").mkdir()
    result = _invoke(ws, "crm", "--from", "vendor/dir.yaml", "--kind", "crm")
    assert result.exit_code == 2 and "ACC220" in result.output and "directory" in result.output
    os.mkfifo("vendor/pipe.yaml")  # would block a plain open(): refused without reading
    result = _invoke(ws, "crm", "--from", "vendor/pipe.yaml", "--kind", "crm")
    assert result.exit_code == 2 and "ACC220" in result.output and "FIFO" in result.output.upper()
    assert not (ws / "contracts/systems/crm").exists()


COLLECTION_VENDOR = """\
openapi: 3.0.3
info: {title: Tiny PSA, version: '1'}
paths:
  /things:
    get:
      operationId: listThings
      parameters: [{name: page, in: query, schema: {type: integer}}]
      responses:
        200:
          description: a page
          content: {application/json: {schema: {$ref: '#/components/schemas/Things'}}}
    post:
      operationId: createThing
      requestBody:
        content: {application/json: {schema: {$ref: '#/components/schemas/Thing'}}}
      responses:
        201:
          description: made
          content: {application/json: {schema: {$ref: '#/components/schemas/Thing'}}}
  /things/{thingId}:
    get:
      operationId: getThing
      parameters: [{name: thingId, in: path, required: true, schema: {type: string}}]
      responses:
        200:
          description: one
          content: {application/json: {schema: {$ref: '#/components/schemas/Thing'}}}
  /things/{thingId}/archive:
    post: {operationId: archiveThing, responses: {204: {description: done}}}
  /others:
    get: {operationId: listOthers, responses: {200: {description: x}}}
components:
  schemas:
    Thing: {type: object, properties: {id: {type: string}, name: {type: string, nullable: true}}}
    Things:
      type: object
      properties: {things: {type: array, items: {$ref: '#/components/schemas/Thing'}}}
"""


def test_import_keeps_the_operations_that_serve_a_mapped_schema(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The read/list/create operations of the mapped schema are kept (integer response codes
    become strings); an action on the item and an unrelated path are not."""
    root = _workspace(tmp_path / "ws", SPEC.replace("crm", "psa").replace("Deal", "Thing"))
    (tmp_path / "psa.yaml").write_text(COLLECTION_VENDOR, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = _invoke(root, "psa", "--from", "psa.yaml", "--kind", "psa")
    assert result.exit_code == 0, result.output
    assert "3 operation(s)" in result.output
    api = yaml.safe_load((root / "contracts/systems/psa/openapi.yaml").read_text())
    assert sorted(api["paths"]) == ["/things", "/things/{thingId}"]
    assert api["paths"]["/things"]["get"]["responses"]["200"]["description"] == ""
    assert set(api["components"]["schemas"]) == {"Thing", "Things"}
    assert _invoke(root, "--check").exit_code == 0
