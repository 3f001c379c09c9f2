"""Consumer pacts derived from the mappings: one V4 pact per mapping that names a system.

For a mapping ``mappings/<flow>/<stem>.yaml`` the pact ``generated/pacts/<flow>/<stem>.json``
has the mapping's ``name`` as consumer and the system as provider, and one interaction per
golden example:

- **inbound** (system -> canonical): accord reads the record from the collection's read
  operation (GET item); the expected response is the vendor's envelope holding only the fields
  the mapping reads (the checker's path index: :mod:`accord.check.path_index`), golden values,
  matchers from the source schema, and the provider state ``"<Schema> <id> exists"`` with the
  concrete item path and the golden record;
- **outbound** (canonical -> system): the create request carrying what the generated
  transformer makes of the golden example (matchers from the target schema) and the response
  accord needs back: the success status and the new record's id;
- **events**: an asynchronous message with the record (as inbound) for each inbound example
  that is an event accord acts on: a record whose canonical output is ``approved`` (the
  approval lifecycle of the target contract: an approved time entry) or, for a target without
  that lifecycle, a record the mapping's ``when`` selects (a closed-won deal).

``metadata.accord`` names the mapping, its version, the direction, the canonical contracts
involved and, per interaction, the rule (``file:line``) behind each field of the body, so a
verification failure can name the rule.

Each pact is proved on the consumer side before it is written: its HTTP interactions are served
by Pact's mock server and accord reads them (a GET of the record, the transformer over what
came back; a create request of the transformer's output, the id read from the answer), and each
message goes through the transformer; a consumer that fails is a finding (ACC726), not a pact.
"""

from __future__ import annotations

import json
import tempfile
import types
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from accord import codes, fsio
from accord.check.path_index import Access, index_spec
from accord.check.schema_model import SchemaModel
from accord.codegen.examples import import_source
from accord.codegen.paths import GENERATED_DIR, output_path
from accord.diagnostics import Diagnostic, Severity
from accord.errors import AccordError, TransformError
from accord.harness.pacts import client
from accord.harness.pacts.shape import (
    Arr,
    Node,
    Obj,
    build_tree,
    leaf_for,
    plain,
    project,
    rules_of,
    shape,
    to_pact,
)
from accord.jsondoc import json_equal, loads_bounded
from accord.mapping.model import Endpoint, Example, MappingSpec
from accord.project import Workspace
from accord.workspace.yamlio import MAX_DEPTH

__all__ = ["PACTS_DIR", "Derived", "PactFile", "canonical", "derive_pacts", "pact_path"]

PACTS_DIR = Path(GENERATED_DIR) / "pacts"
#: the canonical approval lifecycle (contract ``common``): only ``approved`` records post
_APPROVAL_FIELD = "approval_status"
_APPROVED = "approved"
_JSON = "application/json"

Pointer = tuple[str | int, ...]


def pact_path(spec: MappingSpec) -> Path:
    """``generated/pacts/<flow>/<stem>.json`` relative to the workspace root."""
    return PACTS_DIR / spec.flow / f"{spec.stem}.json"


@dataclass(frozen=True)
class PactFile:
    """One derived pact: where it goes, its text, and what it came from."""

    path: Path
    text: str
    spec: str
    consumer: str
    provider: str
    interactions: int


# -- the plan: interactions as data ----------------------------------------------------------


@dataclass
class _Http:
    description: str
    state: tuple[str, dict[str, Any]] | None
    method: str
    path: str
    #: query parameters accord sends (a field selection: ``fields=a,b``)
    query: dict[str, str]
    request: Node | None
    status: int
    response: Node | None
    rules: dict[str, str]
    #: the consumer test: given the mock server's base URL, a problem or None
    check: Callable[[str], str | None]


@dataclass
class _Message:
    description: str
    state: tuple[str, dict[str, Any]] | None
    contents: Node
    rules: dict[str, str]
    #: the consumer test: given the message body, a problem or None
    check: Callable[[Any], str | None]


@dataclass
class _Plan:
    spec: MappingSpec
    provider: str
    direction: str
    contracts: list[str]
    interactions: list[_Http | _Message] = field(default_factory=list)


class _Skip(Exception):
    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


# -- running the transformer ---------------------------------------------------------------


class _Transformer:
    """The spec's generated transformer (rendered from the spec, as ``accord generate``
    writes it)."""

    def __init__(self, module: types.ModuleType) -> None:
        self.module = module

    def __call__(self, record: Any) -> Any:
        """The output for ``record``; None when the spec's ``when`` skips it."""
        if not self.module.applies(record):
            return None
        return self.module.transform(record)


def _transformer(ws: Workspace, spec: MappingSpec, text: str) -> _Transformer:
    filename = str(ws.root / output_path(spec))
    return _Transformer(import_source(text, filename, f"accord_pacts_{spec.stem}"))


def _read_example(ws: Workspace, spec: MappingSpec, example: Example, path: Path) -> Any:
    shown = fsio.display_path(path, ws.root)
    try:
        return loads_bounded(fsio.read_text(path, root=ws.root, display=shown), MAX_DEPTH)
    except AccordError as exc:
        problem = exc.diagnostics[0].message if exc.diagnostics else str(exc)
        raise _Skip(spec.document.diagnostic(
            codes.PACT_EXAMPLE_FAILED, f"example {example.name}: cannot read {shown}: "
            f"{problem}", example.pointer)) from None
    except ValueError as exc:
        raise _Skip(spec.document.diagnostic(
            codes.PACT_EXAMPLE_FAILED, f"example {example.name}: {shown} is not JSON: {exc}",
            example.pointer)) from None


def _run(spec: MappingSpec, example: Example, transformer: _Transformer, record: Any) -> Any:
    try:
        return transformer(record)
    except TransformError as exc:
        message = f"{exc.error_class} at {exc.path}: {exc.message}"
    except AccordError as exc:
        message = str(exc)
    raise _Skip(spec.document.diagnostic(
        codes.PACT_EXAMPLE_FAILED, f"example {example.name}: the transformer raised: {message}",
        example.pointer))


# -- the operation model (accord.workspace.apimodel) -----------------------------------------


def _collection(ws: Workspace, spec: MappingSpec, endpoint: Endpoint, what: str) -> Any:
    """The collection serving the endpoint's schema (or holding its operation)."""
    from accord.workspace.apimodel import api_model

    system = ws.systems.get(endpoint.system or "")
    if system is None:
        raise _Skip(spec.document.diagnostic(
            codes.PACT_NO_OPERATION, f"no pact: unknown system {endpoint.system!r}",
            "/source" if what == "read" else "/target", severity=Severity.WARNING))
    try:
        model = api_model(system)
    except AccordError as exc:
        raise _Skip(exc.diagnostics[0] if exc.diagnostics else spec.document.diagnostic(
            codes.PACT_NO_OPERATION, f"no pact: {exc}", "")) from None
    found = None
    if endpoint.schema:
        found = model.collection_for(endpoint.schema)
    else:
        found = next((c for c in model.collections for op in c.operations
                      if op.operation_id == endpoint.operation), None)
    operation = getattr(found, what, None) if found is not None else None
    if operation is None:
        pointer = "/source" if what == "read" else "/target"
        method = "read (GET item)" if what == "read" else "create"
        raise _Skip(spec.document.diagnostic(
            codes.PACT_NO_OPERATION,
            f"no pact for {spec.name}: {system.api_display} has no {method} operation for "
            f"{endpoint.schema or endpoint.operation}", pointer, severity=Severity.WARNING))
    return found


def _envelope(pointer: Pointer, node: Node) -> Node:
    """``node`` placed where the record sits in the body (``("Invoices", 0)``: the one
    element of an array, expected as the only one)."""
    for part in reversed(pointer):
        node = Arr((node,), each=False) if isinstance(part, int) else Obj(((part, node),))
    return node


def _at(body: Any, pointer: Pointer) -> Any:
    for part in pointer:
        if isinstance(part, int):
            body = body[part if part >= 0 else 0] if isinstance(body, list) and body else None
        else:
            body = body.get(part) if isinstance(body, dict) else None
    return body


def _wrap(pointer: Pointer, value: Any) -> Any:
    for part in reversed(pointer):
        value = [value] if isinstance(part, int) else {part: value}
    return value


def _item_path(collection: Any, record: dict[str, Any], record_id: Any) -> str:
    """The concrete item path: the id fills the last parameter, the other parameters come from
    the record's fields of the same name; every value is percent-encoded (an id is data, it
    never adds a path segment)."""
    params = {name: quote(str(record[name]), safe="")
              for name in collection.read.path_params[:-1] if record.get(name) is not None}
    return str(collection.item_url(quote(str(record_id), safe=""), params))


#: the query parameter of a read that selects the fields returned (BambooHR returns only
#: ``firstName,lastName`` unless asked for more)
_FIELDS = "fields"


def _field_selection(system: Any, operation: Any, tree: Any) -> dict[str, str]:
    """``{"fields": "a,b,c"}`` when the read operation takes a ``fields`` query parameter:
    accord asks for exactly the top-level fields the mapping reads."""
    found = system.api.operations().get(operation.operation_id)
    if found is None or not tree.children:
        return {}
    params = [system.api.deref(p) for p in found[2].get("parameters") or []]
    if not any(isinstance(p, dict) and p.get("in") == "query" and p.get("name") == _FIELDS
               for p in params):
        return {}
    return {_FIELDS: ",".join(sorted(tree.children))}


def _state(schema: str, record_id: Any, path: str, record: Any) -> tuple[str, dict[str, Any]]:
    return f"{schema} {record_id} exists", {"path": path, "record": record}


def _contracts(ws: Workspace, endpoint: Endpoint) -> list[str]:
    """The canonical contract versions a mapping reads or writes: its endpoint's and those
    that contract references (bundled into it)."""
    if not endpoint.contract:
        return []
    out = [endpoint.contract]
    try:
        bundle = ws.resolver.resolve(endpoint, "target")
    except AccordError:
        return out
    known = {f"{c.name}@{c.version}" for c in ws.contracts}
    out.extend(sorted(k for k in bundle.get("$defs", {}) if k in known and k != out[0]))
    return out


def _event(spec: MappingSpec, target: SchemaModel, output: Any) -> str | None:
    """What event an inbound record is, if accord acts on it as one."""
    if not isinstance(output, dict):
        return None
    lifecycle = target.property(target.root, _APPROVAL_FIELD)
    if lifecycle.found and _APPROVED in (target.enum(lifecycle.schema) or ()):
        if output.get(_APPROVAL_FIELD) == _APPROVED:
            entity = (spec.target.contract or "record").partition("@")[0].replace("_", " ")
            return f"{_APPROVED} {entity}"
        return None
    if spec.when is not None:
        return f"selected by `{spec.when.text}`"
    return None


# -- inbound -------------------------------------------------------------------------------


def _inbound(ws: Workspace, spec: MappingSpec, plan: _Plan, transformer: _Transformer,
             diags: list[Diagnostic]) -> None:
    source = spec.source
    collection = _collection(ws, spec, source, "read")
    read = collection.read
    schema = ws.resolver.resolve(source, "source")
    model = SchemaModel(schema)
    uses = index_spec(spec, schema)
    tree = build_tree(model, uses, Access.READ)
    query = _field_selection(ws.systems[source.system or ""], read, tree)
    try:
        target = SchemaModel(ws.resolver.resolve(spec.target, "target"))
    except AccordError:
        target = SchemaModel({})
    for example in spec.examples:
        try:
            record = _read_example(ws, spec, example, example.input)
            if not isinstance(record, dict):
                raise _Skip(spec.document.diagnostic(
                    codes.PACT_EXAMPLE_FAILED, f"example {example.name}: the input is not a "
                    "JSON object", example.pointer))
            record_id = record.get(collection.id_field)
            if record_id is None or isinstance(record_id, dict | list):
                raise _Skip(spec.document.diagnostic(
                    codes.PACT_EXAMPLE_FAILED, f"example {example.name}: the input has no "
                    f"{collection.id_field!r} to read it by", example.pointer))
            expected = _run(spec, example, transformer, record)
        except _Skip as skip:
            diags.append(skip.diagnostic)
            continue
        body = project(model, tree, record)
        path = _item_path(collection, record, record_id)
        name = source.schema or collection.schema
        state = _state(name, record_id, path, record)
        base = tuple(read.response_pointer)
        plan.interactions.append(_Http(
            f"a request for {name} {record_id} ({example.name})", state, "GET", path, query,
            None, read.status, _envelope(base, body), rules_of(tree, body, base),
            _read_check(transformer, path + _query_text(query), base, expected)))
        event = _event(spec, target, expected)
        if event is not None:
            plan.interactions.append(_Message(
                f"{source.system} {name} event: {event} ({example.name})", state, body,
                rules_of(tree, body, ()), _message_check(transformer, expected)))


def _query_text(query: dict[str, str]) -> str:
    return "?" + urlencode(query, safe=",") if query else ""


def _read_check(transformer: _Transformer, path: str, pointer: Pointer,
                expected: Any) -> Callable[[str], str | None]:
    def check(base_url: str) -> str | None:
        status, answer = client.get_json(base_url + path)
        if status >= 300:
            return f"GET {path} answered {status}"
        record = _at(answer, pointer)
        try:
            actual = transformer(record)
        except AccordError as exc:
            return f"the transformer raised on the mock response: {exc}"
        if not json_equal(actual, expected):
            return ("the mock response lacks something the mapping reads: the transformer's "
                    "output differs from its output on the golden input")
        return None

    return check


def _message_check(transformer: _Transformer, expected: Any) -> Callable[[Any], str | None]:
    def check(record: Any) -> str | None:
        try:
            actual = transformer(record)
        except AccordError as exc:
            return f"the transformer raised on the message: {exc}"
        if not json_equal(actual, expected):
            return "the message lacks something the mapping reads"
        return None

    return check


# -- outbound ------------------------------------------------------------------------------


def _new_id(model: SchemaModel, schema: Any, seed: str) -> Any:
    """A stable id for the create response when the golden output has none."""
    types_ = model.types(schema) or frozenset()
    if "integer" in types_ or "number" in types_:
        return int(uuid.uuid5(uuid.NAMESPACE_URL, seed).int % 1_000_000_000)
    if model.format(schema) == "uuid":
        return str(uuid.uuid5(uuid.NAMESPACE_URL, seed))
    return "accord-" + uuid.uuid5(uuid.NAMESPACE_URL, seed).hex[:12]


def _outbound(ws: Workspace, spec: MappingSpec, plan: _Plan, transformer: _Transformer,
              diags: list[Diagnostic]) -> None:
    target_endpoint = spec.target
    collection = _collection(ws, spec, target_endpoint, "create")
    create = collection.create
    schema = ws.resolver.resolve(target_endpoint, "target")
    model = SchemaModel(schema)
    source = ws.resolver.resolve(spec.source, "source")
    tree = build_tree(model, index_spec(spec, source), Access.WRITE)
    id_schema = model.property(schema, collection.id_field).schema
    if collection.id_field not in (schema.get("properties") or {}):
        # a write shape (Xero Projects' ProjectCreateOrUpdate) carries no id: the record has it
        record = SchemaModel(collection.record_schema)
        id_schema = record.property(collection.record_schema, collection.id_field).schema
    name = collection.schema  # the record created, also when the body is a write shape
    for example in spec.examples:
        try:
            record = _read_example(ws, spec, example, example.input)
            output = _run(spec, example, transformer, record)
        except _Skip as skip:
            diags.append(skip.diagnostic)
            continue
        if not isinstance(output, dict):
            continue  # the spec's `when` skips it: accord sends nothing
        body = shape(model, schema, output)
        request_pointer = tuple(create.request_pointer)
        response_pointer = tuple(create.response_pointer)
        new_id = output.get(collection.id_field)
        if new_id is None or isinstance(new_id, dict | list):
            new_id = _new_id(model, id_schema, f"{spec.name}:{example.name}")
        id_leaf = leaf_for(model, id_schema, new_id)
        response = _envelope(response_pointer, Obj(((collection.id_field, id_leaf),)))
        plan.interactions.append(_Http(
            f"a request to create {name} ({example.name})", None, create.method, create.path,
            {}, _envelope(request_pointer, body), create.status, response,
            rules_of(tree, body, request_pointer, inherit=True),
            _create_check(create.method, create.path, create.status,
                          _wrap(request_pointer, output), response_pointer,
                          collection.id_field)))


def _create_check(method: str, path: str, status: int, body: Any, pointer: Pointer,
                  id_field: str) -> Callable[[str], str | None]:
    def check(base_url: str) -> str | None:
        answered, answer = client.send_json(method, base_url + path, body)
        if answered != status:
            return f"{method} {path} answered {answered}, not {status}"
        created = _at(answer, pointer)
        if not isinstance(created, dict) or created.get(id_field) is None:
            return f"the answer to {method} {path} carries no {id_field}"
        return None

    return check


# -- one spec --------------------------------------------------------------------------------


def _plan(ws: Workspace, spec: MappingSpec, text: str, diags: list[Diagnostic]) -> _Plan | None:
    inbound = spec.source.system is not None
    provider = spec.source.system if inbound else spec.target.system
    assert provider is not None
    contract = spec.target if inbound else spec.source
    plan = _Plan(spec, provider, "inbound" if inbound else "outbound", _contracts(ws, contract))
    if not spec.examples:
        diags.append(spec.document.diagnostic(
            codes.PACT_NO_EXAMPLES, f"no pact for {spec.name}: the mapping has no golden "
            "examples", "", severity=Severity.WARNING))
        return None
    transformer = _transformer(ws, spec, text)
    try:
        (_inbound if inbound else _outbound)(ws, spec, plan, transformer, diags)
    except _Skip as skip:
        diags.append(skip.diagnostic)
        return None
    return plan if plan.interactions else None


def _metadata(plan: _Plan) -> dict[str, Any]:
    spec = plan.spec
    return {
        "mapping": spec.display,
        "mapping_version": spec.version,
        "direction": plan.direction,
        "contracts": plan.contracts,
        "rules": {i.description: i.rules for i in plan.interactions},
    }


def _add(pact: Any, interaction: _Http | _Message) -> None:
    if isinstance(interaction, _Message):
        message = pact.upon_receiving(interaction.description, "Async")
        if interaction.state is not None:
            message.given(interaction.state[0], interaction.state[1])
        message.with_body(to_pact(interaction.contents), content_type=_JSON)
        return
    http = pact.upon_receiving(interaction.description)
    if interaction.state is not None:
        http.given(interaction.state[0], interaction.state[1])
    http.with_request(interaction.method, interaction.path)
    if interaction.query:
        http.with_query_parameters(interaction.query)
    if interaction.request is not None:
        http.with_body(to_pact(interaction.request), content_type=_JSON)
    http.will_respond_with(interaction.status)
    if interaction.response is not None:
        http.with_body(to_pact(interaction.response), content_type=_JSON)


def _consumer_test(plan: _Plan) -> list[str]:
    """Serve the HTTP interactions on Pact's mock server and consume them as accord does;
    have Pact's core deliver each message to the transformer. The problems found."""
    from pact import Pact

    problems: list[str] = []
    http = [i for i in plan.interactions if isinstance(i, _Http)]
    if http:
        serving = Pact(plan.spec.name, plan.provider).with_specification("V4")
        for interaction in http:
            _add(serving, interaction)
        try:
            with serving.serve(addr="127.0.0.1", raises=True, verbose=False) as server:
                base = str(server.url).rstrip("/")
                for interaction in http:
                    problem = interaction.check(base)
                    if problem:
                        problems.append(f"{interaction.description}: {problem}")
        except Exception as exc:  # pact's mismatch report: the request accord sent differs
            problems.append(f"Pact's mock server: {exc}")
    messages = [i for i in plan.interactions if isinstance(i, _Message)]
    if messages:
        relay = Pact(plan.spec.name, plan.provider).with_specification("V4")
        for message in messages:
            _add(relay, message)

        def consume(body: str | bytes | None, _metadata: dict[str, object]) -> None:
            """accord's side of a message Pact's core delivers: the transformer over it."""
            record = json.loads(body or "null")
            for message in messages:
                if json_equal(plain(message.contents), record):
                    problem = message.check(record)
                    if problem:
                        raise ValueError(problem)
                    return
            raise ValueError("Pact delivered a message no interaction describes")

        for error in relay.verify(consume, "Async", raises=False):
            problems.append(f"{error.description}: {error.error}")
    return problems


def _written(plan: _Plan) -> str:
    """The pact file's text: written by pact-python, then made canonical (interactions by
    description, keys sorted, repeated matchers once, ``metadata.accord`` set)."""
    from pact import Pact

    pact = Pact(plan.spec.name, plan.provider).with_specification("V4")
    for interaction in plan.interactions:
        _add(pact, interaction)
    with tempfile.TemporaryDirectory(prefix="accord-pact-") as folder:
        pact.write_file(folder, overwrite=True)
        written = sorted(Path(folder).glob("*.json"))
        document = json.loads(written[0].read_text("utf-8"))
    return canonical(document, _metadata(plan))


def canonical(document: dict[str, Any], accord: dict[str, Any]) -> str:
    """A pact document as accord writes it (deterministic bytes)."""
    document.setdefault("metadata", {})["accord"] = accord
    interactions = document.get("interactions") or []
    for interaction in interactions:
        for part in (interaction, interaction.get("request") or {},
                     interaction.get("response") or {}):
            for rules in (part.get("matchingRules") or {}).values():
                for rule in rules.values() if isinstance(rules, dict) else ():
                    unique: list[Any] = []
                    for matcher in rule.get("matchers", []):
                        if matcher not in unique:
                            unique.append(matcher)
                    rule["matchers"] = unique
    document["interactions"] = sorted(interactions, key=lambda i: str(i.get("description")))
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _derive_one(ws: Workspace, spec: MappingSpec, text: str,
                diags: list[Diagnostic]) -> PactFile | None:
    try:
        plan = _plan(ws, spec, text, diags)
    except AccordError as exc:  # a source, target or description that does not load
        first = exc.diagnostics[0].message if exc.diagnostics else str(exc).splitlines()[0]
        diags.append(spec.document.diagnostic(
            codes.PACT_CANNOT_DERIVE, f"no pact for {spec.name}: {first}", "",
            hint="fix what `accord check` reports for this mapping"))
        return None
    if plan is None:
        return None
    problems = _consumer_test(plan)
    if problems:
        for problem in problems:
            diags.append(spec.document.diagnostic(
                codes.PACT_CONSUMER_FAILED, f"the consumer test of {spec.name} failed: "
                f"{problem}", ""))
        return None
    return PactFile(pact_path(spec), _written(plan), spec.display, spec.name, plan.provider,
                    len(plan.interactions))


@dataclass
class Derived:
    """What the mappings derive: the pacts, the findings, and the pact paths of mappings that
    failed (with an error) — their files are kept, not orphans."""

    files: list[PactFile] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    failed: set[Path] = field(default_factory=set)


def derive_pacts(ws: Workspace) -> Derived:
    """Every pact the workspace's mappings derive (each proved on the consumer side), and the
    findings of the mappings that derive none."""
    rendered = {f.spec: f.text for f in ws.rendered[0]}
    out = Derived()
    for spec in sorted(ws.mappings.specs, key=lambda s: s.display):
        if not (spec.source.system or spec.target.system):
            continue
        text = rendered.get(spec.display)
        if text is None:  # the spec does not generate: the checker's finding
            out.failed.add(pact_path(spec))
            continue
        diags: list[Diagnostic] = []
        derived = _derive_one(ws, spec, text, diags)
        out.diagnostics.extend(diags)
        if any(d.severity is Severity.ERROR for d in diags):
            out.failed.add(pact_path(spec))
        if derived is not None:
            out.files.append(derived)
    return out
