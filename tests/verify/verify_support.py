"""What the verification tests share: pacts written with pact-python's consumer API in the
format ``accord pacts`` writes (docs/contract-testing.md), a plain HTTP provider that is not the
simulator, and a fake Pact Broker that records what the Pact CLI and the verifier ask of it.

Servers bind 127.0.0.1 port 0 themselves (no port races) and run in a daemon thread.
"""

from __future__ import annotations

import base64
import copy
import json
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

HARVEST_MAPPING = "mappings/time-to-actuals/harvest_time_entry.yaml"
HARVEST_PACT = Path("generated/pacts/time-to-actuals/harvest_time_entry.json")
CONSUMER = "harvest.time_entry_to_time_entry"
READ = "a request for Harvest TimeEntry 636709355"
EVENT = "harvest TimeEntry event: an approved time entry"
ITEM_PATH = "/time_entries/636709355"

#: the JSON path of each field the mapping reads -> the canonical field of the rule reading it
_READS = {
    "$.id": "id", "$.user.id": "resource.external_ids.harvest", "$.user.name": "resource.name",
    "$.project.id": "project.external_ids.harvest", "$.project.name": "project.name",
    "$.task.id": "task.external_ids.harvest", "$.task.name": "task.name",
    "$.spent_date": "work_date", "$.hours": "hours", "$.notes": "description",
    "$.billable": "billable", "$.is_closed": "approval_status", "$.created_at": "created_at",
    "$.updated_at": "updated_at",
}


def rule_line(root: Path, target: str) -> str:
    """``mappings/...yaml:<line>`` of the rule writing ``target`` in the Harvest mapping."""
    lines = (root / HARVEST_MAPPING).read_text("utf-8").splitlines()
    for number, text in enumerate(lines, 1):
        if re.match(rf"^  {re.escape(target)}:", text):
            return f"{HARVEST_MAPPING}:{number}"
    raise AssertionError(f"no rule for {target} in {HARVEST_MAPPING}")


def golden(root: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (root / "mappings/examples/harvest/time_entry_approved.json").read_text("utf-8"))
    return data


def _expected(record: dict[str, Any]) -> dict[str, Any]:
    from pact import match

    return {
        "id": match.int(record["id"]),
        "user": {"id": match.int(record["user"]["id"]), "name": match.str(record["user"]["name"])},
        "project": {"id": match.int(record["project"]["id"]),
                    "name": match.str(record["project"]["name"])},
        "task": {"id": match.int(record["task"]["id"]), "name": match.str(record["task"]["name"])},
        "spent_date": match.date(record["spent_date"]),
        "hours": match.number(record["hours"]),
        "notes": match.str(record["notes"]),
        "billable": match.bool(record["billable"]),
        "is_closed": match.bool(record["is_closed"]),
        "created_at": match.str(record["created_at"]),
        "updated_at": match.str(record["updated_at"]),
    }


def write_harvest_pact(root: Path, *, message: bool = True) -> Path:
    """The pact ``accord pacts`` derives for the Harvest time-entry mapping: the read of the
    golden input's id (provider state carrying the record) and the approved-entry event."""
    from pact import Pact

    record = golden(root)
    pact = Pact(CONSUMER, "harvest")
    (pact.upon_receiving(READ)
     .given(f"TimeEntry {record['id']} exists", {"path": ITEM_PATH, "record": record})
     .with_request("GET", ITEM_PATH)
     .will_respond_with(200)
     .with_body(_expected(record), content_type="application/json"))
    if message:
        (pact.upon_receiving(EVENT, "Async")
         .given(f"TimeEntry {record['id']} exists", {"path": ITEM_PATH, "record": record})
         .with_body(_expected(record), content_type="application/json"))
    out = root / HARVEST_PACT
    out.parent.mkdir(parents=True, exist_ok=True)
    scratch = root / ".pact-scratch"
    pact.write_file(scratch, overwrite=True)
    data = json.loads((scratch / f"{CONSUMER}-harvest.json").read_text("utf-8"))
    rules = {path: rule_line(root, target) for path, target in _READS.items()}
    data["metadata"]["accord"] = {
        "mapping": HARVEST_MAPPING, "mapping_version": "1.0.0", "direction": "inbound",
        "contracts": ["time_entry@1.1.0"],
        "rules": {READ: rules, **({EVENT: rules} if message else {})},
    }
    out.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", "utf-8")
    for leftover in scratch.iterdir():
        leftover.unlink()
    scratch.rmdir()
    return out


# -- a plain provider ----------------------------------------------------------------------

@dataclass
class VendorServer:
    """Harvest as a plain HTTP server (not the simulator): GET /time_entries/<id> answers the
    vendor's bare record. ``change`` rewrites the record before it is sent (rename a field,
    change a type); every request's headers are kept in ``seen``."""

    record: dict[str, Any]
    change: Callable[[dict[str, Any]], None] | None = None
    seen: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)
    states: list[dict[str, Any]] = field(default_factory=list)
    url: str = ""


@contextmanager
def vendor_server(record: dict[str, Any]) -> Iterator[VendorServer]:
    state = VendorServer(record)

    class Handler(BaseHTTPRequestHandler):
        def _reply(self, code: int, body: Any) -> None:
            raw = json.dumps(body).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def do_GET(self) -> None:
            state.seen.append(("GET", self.path, {k.lower(): v for k, v in self.headers.items()}))
            match = re.fullmatch(r"/time_entries/(\d+)", self.path)
            if not match or int(match.group(1)) != state.record["id"]:
                self._reply(404, {"error": "not_found"})
                return
            body = copy.deepcopy(state.record)
            if state.change is not None:
                state.change(body)
            self._reply(200, body)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            payload = json.loads(self.rfile.read(length) or b"null")
            state.seen.append(("POST", self.path, {k.lower(): v for k, v in self.headers.items()}))
            if self.path == "/_states":
                state.states.append(payload)
                self._reply(200, {})
            else:
                self._reply(404, {})

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_port}"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


# -- a fake Pact Broker --------------------------------------------------------------------

@dataclass
class FakeBroker:
    url: str = ""
    requests: list[tuple[str, str, dict[str, str], Any]] = field(default_factory=list)
    pacts: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    versions: dict[tuple[str, str], str] = field(default_factory=dict)

    def paths(self, method: str) -> list[str]:
        return [path for m, path, _, _ in self.requests if m == method]


@contextmanager
def fake_broker() -> Iterator[FakeBroker]:
    """Just enough of the Pact Broker's HAL API for ``pact broker publish`` (POST
    /contracts/publish) and the verifier (pacts for verification, provider branch version,
    verification results). Every request is recorded with its headers and body."""
    broker = FakeBroker()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _send(self, code: int, body: Any) -> None:
            raw = json.dumps(body).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/hal+json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def _body(self) -> Any:
            length = int(self.headers.get("Content-Length") or 0)
            return json.loads(self.rfile.read(length) or b"null")

        def _log(self, body: Any) -> None:
            headers = {k.lower(): v for k, v in self.headers.items()}
            broker.requests.append((self.command, self.path, headers, body))

        def do_GET(self) -> None:
            self._log(None)
            base = broker.url
            parts = self.path.strip("/").split("/")
            if self.path == "/":
                self._send(200, {"_links": {
                    "pb:publish-contracts": {"href": f"{base}/contracts/publish"},
                    "pb:provider-pacts-for-verification": {
                        "href": base + "/pacts/provider/{provider}/for-verification",
                        "templated": True},
                    "pb:latest-provider-pacts": {
                        "href": base + "/pacts/provider/{provider}/latest", "templated": True},
                }})
            elif self.path.endswith("/for-verification"):
                self._send(200, {"_links": {"self": {"href": base + self.path}}})
            elif parts[0] == "pacticipants" and len(parts) == 2:
                name = parts[1]
                self._send(200, {"name": name, "_links": {
                    "self": {"href": f"{base}/pacticipants/{name}"},
                    "pb:branch-version": {
                        "href": f"{base}/pacticipants/{name}" + "/branches/{branch}/versions/"
                                "{version}", "templated": True},
                    "pb:version": {"href": f"{base}/pacticipants/{name}" + "/versions/{version}",
                                   "templated": True},
                    "pb:version-tag": {
                        "href": f"{base}/pacticipants/{name}" + "/versions/{version}/tags/{tag}",
                        "templated": True}}})
            elif parts[:2] == ["pacts", "provider"] and len(parts) >= 5 \
                    and parts[3] == "consumer" and (parts[2], parts[4]) in broker.pacts:
                provider, consumer = parts[2], parts[4]
                content = dict(broker.pacts[(provider, consumer)])
                here = f"{base}/pacts/provider/{provider}/consumer/{consumer}"
                content["_links"] = {
                    "self": {"href": f"{here}/latest"},
                    "pb:provider": {"href": f"{base}/pacticipants/{provider}"},
                    "pb:consumer": {"href": f"{base}/pacticipants/{consumer}"},
                    "pb:publish-verification-results": {"href": f"{here}/verification-results"},
                }
                self._send(200, content)
            else:
                self._send(404, {})

        def do_POST(self) -> None:
            body = self._body()
            self._log(body)
            base = broker.url
            if self.path == "/contracts/publish":
                for contract in body["contracts"]:
                    content = json.loads(base64.b64decode(contract["content"]))
                    key = (contract["providerName"], body["pacticipantName"])
                    broker.pacts[key] = content
                    broker.versions[key] = body["pacticipantVersionNumber"]
                self._send(200, {"notices": [{"type": "success", "text": "published"}],
                                 "_embedded": {"pacticipant": {"name": body["pacticipantName"]},
                                               "version": {
                                                   "number": body["pacticipantVersionNumber"]}},
                                 "_links": {"pb:pacticipant": {"href": base},
                                            "pb:pacticipant-version": {"href": base},
                                            "pb:contracts": []}})
            elif self.path.endswith("/for-verification"):
                provider = self.path.split("/")[3]
                self._send(200, {"_embedded": {"pacts": [
                    {"shortDescription": consumer,
                     "verificationProperties": {"pending": False, "notices": []},
                     "_links": {"self": {
                         "href": f"{base}/pacts/provider/{provider}/consumer/{consumer}/latest",
                         "name": consumer}}}
                    for (prov, consumer) in broker.pacts if prov == provider]}})
            elif self.path.endswith("/verification-results"):
                self._send(201, {"_links": {"self": {"href": base + self.path}}})
            else:
                self._send(404, {})

        def do_PUT(self) -> None:
            self._log(self._body())
            self._send(200, {"_links": {}})

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    broker.url = f"http://127.0.0.1:{server.server_port}"
    try:
        yield broker
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
