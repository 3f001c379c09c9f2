"""Systems: ``contracts/systems/<system>/system.yaml`` and the API description each points at.

A ``system.yaml`` names the system, its kind, its API description (OpenAPI 3.0/3.1, a path
relative to the system.yaml, optionally pinned by sha256) and its environments::

    accord: system/v1
    name: xero_accounting
    kind: erp
    api: openapi.yaml
    upstream: {source: "https://.../xero_accounting.yaml", sha256: 0f3c...}
    environments:
      local: {simulator: true}
      sandbox: {base_url: "https://example.invalid/xero", auth: {bearer_env: XERO_TOKEN},
                state_url: "https://example.invalid/xero/_pact/states"}

``api`` may also be ``{path, sha256}`` (a pinned file). ``upstream`` records the vendor's full
description that ``accord system import`` derived ``api`` from (see :mod:`accord.upstream`).
Loading checks each file against
:data:`SYSTEM_SCHEMA` (findings with file, line and column), that the directory and ``name``
agree, that the API description exists and still has the pinned sha256. The API description
itself is parsed lazily, the first time a schema or operation is asked for.
"""

from __future__ import annotations

import copy
import hashlib
import os
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

from accord import codes, fsio
from accord.diagnostics import Diagnostic, Severity, relative
from accord.errors import LoadError
from accord.jsondoc import join_pointer
from accord.workspace.openapi import (
    OpenApiDocument,
    SchemaBundler,
    did_you_mean,
    load_openapi,
)
from accord.workspace.yamlio import YamlDocument, load_yaml

__all__ = ["KINDS", "SYSTEM_SCHEMA", "Environment", "System", "check_systems", "get_system",
           "load_systems"]

KINDS = ("crm", "psa", "erp", "hcm", "timekeeping")
SYSTEMS_DIR = Path("contracts") / "systems"

_ENV_NAME = r"^[A-Z_][A-Z0-9_]*$"
SYSTEM_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "urn:accord:format:system:v1",
    "title": "accord system description (contracts/systems/<system>/system.yaml)",
    "type": "object",
    "required": ["accord", "name", "kind", "api"],
    "additionalProperties": False,
    "properties": {
        "accord": {"const": "system/v1"},
        "name": {"type": "string", "pattern": r"^[a-z][a-z0-9_]*$"},
        "kind": {"enum": list(KINDS)},
        "description": {"type": "string"},
        "owner": {"type": "string"},
        "api": {
            "oneOf": [
                {"type": "string", "minLength": 1},
                {
                    "type": "object",
                    "required": ["path"],
                    "additionalProperties": False,
                    "properties": {
                        "path": {"type": "string", "minLength": 1},
                        "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                        "source": {"type": "string"},
                    },
                },
            ],
        },
        "upstream": {
            "type": "object",
            "required": ["source", "sha256"],
            "additionalProperties": False,
            "properties": {
                "source": {"type": "string", "minLength": 1},
                "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
            },
        },
        "environments": {
            "type": "object",
            "propertyNames": {"pattern": r"^[a-z][a-z0-9_-]*$"},
            "additionalProperties": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "simulator": {"type": "boolean"},
                    "base_url": {"type": "string", "pattern": "^https?://"},
                    # where `accord verify --env ENV` posts provider states (Pact's
                    # state-change body: {state, params, action}); none: no state set-up
                    "state_url": {"type": "string", "pattern": "^https?://"},
                    "headers": {"type": "object", "additionalProperties": {"type": "string"}},
                    "auth": {
                        "type": "object",
                        "additionalProperties": False,
                        "minProperties": 1,
                        "properties": {
                            "bearer_env": {"type": "string", "pattern": _ENV_NAME},
                            "basic_user_env": {"type": "string", "pattern": _ENV_NAME},
                            "basic_password_env": {"type": "string", "pattern": _ENV_NAME},
                            "api_key_env": {"type": "string", "pattern": _ENV_NAME},
                            "api_key_header": {"type": "string"},
                        },
                    },
                },
            },
        },
    },
}


@cache
def _system_validator() -> Draft202012Validator:
    """The format of system.yaml, compiled when a system is first loaded (importing this
    module, as ``accord run`` does, loads no jsonschema)."""
    from jsonschema import Draft202012Validator

    return Draft202012Validator(SYSTEM_SCHEMA)


@dataclass(frozen=True)
class Environment:
    """Where a system runs: a local simulator or a base URL with credentials from env vars."""

    name: str
    simulator: bool = False
    base_url: str | None = None
    auth: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    #: the provider-state endpoint of a declared environment (Pact's state-change request)
    state_url: str | None = None


@dataclass
class System:
    """One system and its API description."""

    name: str
    kind: str
    path: Path
    display: str
    document: YamlDocument
    api_path: Path
    api_display: str
    sha256: str | None = None
    environments: dict[str, Environment] = field(default_factory=dict)
    description: str = ""
    #: ``upstream: {source, sha256}``: the vendor's full description ``api`` was derived from
    upstream: dict[str, str] | None = None
    #: the workspace root the API description must lie in (None: not confined)
    root: Path | None = None

    @cached_property
    def api(self) -> OpenApiDocument:
        """The parsed API description (LoadError with a located finding when it is unusable)."""
        return load_openapi(self.api_path, display=self.api_display, root=self.root)

    def with_api(self, api: OpenApiDocument) -> System:
        """This system with another (already parsed) API description, e.g. to compare a
        description before and after a re-import."""
        other = System(self.name, self.kind, self.path, self.display, self.document,
                       self.api_path, self.api_display, upstream=self.upstream)
        other.__dict__["api"] = api  # the cached_property's slot
        return other

    @cached_property
    def _bundler(self) -> SchemaBundler:
        return SchemaBundler(self.api)

    def schema_names(self) -> list[str]:
        return sorted(self.api.schemas)

    def schema(self, name: str) -> dict[str, Any]:
        """``components/schemas/<name>`` as a self-contained JSON Schema 2020-12."""
        if self.upstream and name not in self.api.schemas:
            raise self._fail(codes.API_UNKNOWN_NAME,
                             f"unknown schema {name!r} in {self.api_display}"
                             f"{did_you_mean(name, self.api.schemas)}", self._reimport_hint())
        return copy.deepcopy(self._bundler.component(name))

    def operation_request(self, operation_id: str) -> dict[str, Any]:
        """The JSON request body schema of an operation."""
        method, route, op = self._operation(operation_id)
        body = self.api.deref(op.get("requestBody"))
        if not isinstance(body, dict):
            raise self._fail(codes.API_NO_BODY,
                             f"operation {operation_id!r} ({method.upper()} {route}) "
                             "has no request body", "use an operation that sends a body, or "
                             "name a schema with `schema:`")
        return self._body_schema(body, f"{operation_id} request body")

    def operation_response(self, operation_id: str) -> dict[str, Any]:
        """The JSON body schema of an operation's success (lowest 2xx) response."""
        method, route, op = self._operation(operation_id)
        responses = op.get("responses") or {}
        statuses = sorted(c for c in responses if c.isdigit() and c.startswith("2"))
        statuses += [c for c in ("2XX", "2xx", "default") if c in responses]
        for code in statuses:
            response = self.api.deref(responses[code])
            if isinstance(response, dict) and response.get("content"):
                return self._body_schema(response, f"{operation_id} response {code}")
        raise self._fail(codes.API_NO_BODY,
                         f"operation {operation_id!r} ({method.upper()} {route}) "
                         "has no success response with a body",
                         "use an operation whose 2xx response returns JSON")

    def check_api(self) -> list[Diagnostic]:
        """Parse the API description and convert every schema; each problem is a finding."""
        try:
            for name in self.schema_names():
                self._bundler.component(name)
        except LoadError as exc:
            return list(exc.diagnostics)
        return []

    # -- internals -----------------------------------------------------------------------

    def _operation(self, operation_id: str) -> tuple[str, str, dict[str, Any]]:
        operations = self.api.operations()
        if operation_id not in operations:
            raise self._fail(codes.API_UNKNOWN_NAME,
                             f"unknown operation {operation_id!r} in system "
                             f"{self.name!r}{did_you_mean(operation_id, operations)}",
                             self._reimport_hint() if self.upstream else
                             "use an operationId from the API description")
        return operations[operation_id]

    def _reimport_hint(self) -> str:
        return (f"{self.api_display} holds only what the mappings used when it was imported; "
                f"if the name is right, re-import it: accord system import {self.name}")

    def _body_schema(self, body: dict[str, Any], what: str) -> dict[str, Any]:
        content = body.get("content") or {}
        media = next((m for m in content if m.split(";")[0].strip() == "application/json"),
                     None) or next((m for m in content if m.split(";")[0].endswith("+json")),
                                   None)
        if media is None or not isinstance(content[media], dict) \
                or "schema" not in content[media]:
            raise self._fail(codes.API_NO_BODY, f"{what} has no JSON schema (media types: "
                             f"{', '.join(content) or 'none'})",
                             "accord maps JSON bodies; choose another operation or schema")
        return copy.deepcopy(self._bundler.bundle(content[media]["schema"], what))

    def _fail(self, code: str, message: str, hint: str) -> LoadError:
        diag = Diagnostic(code, message, self.api_display, hint=hint)
        return LoadError(diag.format(), diagnostics=[diag])


def _leaves(error: ValidationError) -> list[ValidationError]:
    """A ``oneOf`` failure reported as the errors of the branch whose type fits the value."""
    if error.validator != "oneOf" or not error.context:
        return [error]
    from jsonschema import Draft202012Validator

    branches = error.validator_value
    for index, branch in enumerate(branches):
        if Draft202012Validator({"type": branch.get("type")}).is_valid(error.instance):
            inner = [e for e in error.context if e.relative_schema_path[0] == index]
            return [leaf for e in inner for leaf in _leaves(e)] or [error]
    return [error]


def _message(error: ValidationError) -> str:
    if error.validator == "oneOf" and list(error.absolute_path) == ["api"]:
        return "api must be a path, or {path: ..., sha256: ...}"
    if error.validator == "enum" and list(error.absolute_path) == ["kind"]:
        return f"kind {error.instance!r} is not one of {', '.join(KINDS)}"
    return str(error.message)


def _pointer_for(error: ValidationError) -> tuple[str, bool]:
    """The pointer to report and whether the finding is about the key (not the value)."""
    path = list(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = error.schema.get("properties", {})
        extra = [k for k in error.instance if k not in allowed]
        if extra:
            return join_pointer("", *path, extra[0]), True
    return join_pointer("", *path), False


def _hint(error: ValidationError) -> str:
    if error.validator == "additionalProperties":
        return "remove the key, or check its spelling; allowed: " + ", ".join(
            sorted(error.schema.get("properties", {})))
    if error.validator == "required":
        return "add the missing key; see docs/running.md for the system.yaml format"
    if error.validator == "pattern" and "sha256" in str(list(error.absolute_path)):
        return "a sha256 pin is 64 lowercase hex digits (`sha256sum FILE`)"
    return "see the system.yaml format in DESIGN.md (System)"


def _load_one(root: Path, file: Path, diags: list[Diagnostic]) -> System | None:
    shown = relative(file, root)
    try:
        doc = load_yaml(file, display=shown, root=root)
    except LoadError as exc:
        diags.extend(exc.diagnostics)
        return None
    data = doc.data
    errors = [leaf for error in _system_validator().iter_errors(data) for leaf in _leaves(error)]
    found = []
    for error in errors:
        pointer, key = _pointer_for(error)
        found.append(doc.diagnostic(codes.SYSTEM_FORMAT, f"system.yaml: {_message(error)}", pointer,
                                    hint=_hint(error), key=key))
    diags.extend(sorted(found, key=lambda d: (d.line, d.col)))
    if errors:
        return None
    name, directory = data["name"], file.parent.name
    if name != directory:
        diags.append(doc.diagnostic(
            codes.SYSTEM_NAME, f"name {name!r} does not match its directory {directory!r}", "/name",
            hint=f"rename the directory to contracts/systems/{name}/ or set name: {directory}"))
    api = data["api"]
    api_rel, pin = (api, None) if isinstance(api, str) else (api["path"], api.get("sha256"))
    api_pointer = "/api" if isinstance(api, str) else "/api/path"
    api_path = (file.parent / api_rel)
    api_display = Path(os.path.relpath(api_path, root)).as_posix()
    system = System(
        name=name, kind=data["kind"], path=file, display=shown, document=doc,
        api_path=api_path, api_display=api_display, sha256=pin,
        description=data.get("description", ""),
        upstream=dict(data["upstream"]) if "upstream" in data else None, root=root,
        environments={
            env: Environment(env, bool(cfg.get("simulator", False)), cfg.get("base_url"),
                             dict(cfg.get("auth", {})), dict(cfg.get("headers", {})),
                             cfg.get("state_url"))
            for env, cfg in (data.get("environments") or {}).items()
        },
    )
    # the API description is a workspace file: never '..' above the workspace, an absolute
    # path or a symlink out of it (the vendor's full file is `upstream:`, read only by
    # `accord system import`)
    _, problem = fsio.spec_path(file.parent, str(api_rel), root)
    problem = problem or fsio.probe(api_path, root=root)
    if problem is not None and problem.code == codes.FILE_UNREADABLE and \
            not os.path.isdir(api_path):
        diags.append(doc.diagnostic(
            codes.API_NOT_FOUND, f"API description {api_display!r} not found", api_pointer,
            hint=f"derive it: accord system import {name} --from <vendor file or URL>"
                 if system.upstream else "`api:` is relative to this system.yaml; check the "
                 "path, or derive the file: accord system import NAME --from FILE|URL"))
        return system
    if problem is not None:
        diags.append(doc.diagnostic(problem.code, f"API description {api_display!r}: "
                                    f"{problem.message}", api_pointer, hint=problem.hint))
        return system
    if pin is not None:
        try:
            actual = hashlib.sha256(fsio.read_bytes(api_path, root=root,
                                                    display=api_display)).hexdigest()
        except LoadError as exc:
            diags.extend(exc.diagnostics)
            return system
        if actual != pin:
            diags.append(doc.diagnostic(
                codes.API_CHANGED, f"the API description changed: {api_display} has sha256 "
                          f"{actual[:12]}…, pinned {pin[:12]}…", "/api/sha256",
                hint=f"review the changes to {api_display} (mappings and contract tests that "
                     f"use this system), then update the pin to sha256: {actual}"))
    elif not fsio.inside(api_path, file.parent):
        diags.append(doc.diagnostic(
            codes.API_UNPINNED,
            f"API description {api_display!r} lives outside the system's directory "
                      "and is not pinned", api_pointer, severity=Severity.WARNING,
            hint="pin it: api: {path: ..., sha256: <sha256sum of the file>}"))
    return system


def load_systems(root: str | Path) -> tuple[dict[str, System], list[Diagnostic]]:
    """Every system under ``<root>/contracts/systems``, and the findings about them."""
    base = Path(root) / SYSTEMS_DIR
    systems: dict[str, System] = {}
    diags: list[Diagnostic] = []
    if not base.is_dir():
        return systems, diags
    for entry in sorted(base.iterdir()):
        if entry.name.startswith("."):
            continue
        file = entry / "system.yaml"
        if not entry.is_dir() or not os.path.lexists(file):
            diags.append(Diagnostic(
                codes.SYSTEM_LAYOUT,
                "expected a directory holding system.yaml", relative(entry, root),
                1 if entry.is_file() else 0, 1 if entry.is_file() else 0,
                hint="each system lives in contracts/systems/<system>/system.yaml"))
            continue
        system = _load_one(Path(root), file, diags)
        if system is None:
            continue
        if system.name in systems:
            diags.append(system.document.diagnostic(
                codes.SYSTEM_NAME, f"system {system.name!r} is defined twice (also in "
                          f"{systems[system.name].display})", "/name",
                hint="give each system a unique name"))
            continue
        systems[system.name] = system
    return systems, diags


def check_systems(systems: dict[str, System], load_diagnostics: list[Diagnostic]) -> \
        list[Diagnostic]:
    """The loading findings plus, for each system whose API description exists, the problems
    found converting its schemas (unresolvable ``$ref``, not OpenAPI 3.x, malformed YAML)."""
    diags = list(load_diagnostics)
    for system in systems.values():
        if fsio.probe(system.api_path, root=system.root) is None:
            diags.extend(system.check_api())
    return diags


def get_system(systems: dict[str, System], name: str) -> System:
    """``systems[name]``, or a LoadError with a "did you mean"."""
    if name not in systems:
        known = ", ".join(sorted(systems)) or "none"
        raise LoadError(f"unknown system {name!r}{did_you_mean(name, systems)}; systems in "
                        f"contracts/systems: {known}")
    return systems[name]
