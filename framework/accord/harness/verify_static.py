"""``accord verify --static SYSTEM``: the bi-directional check, with no server.

Each interaction of each pact whose provider is the system is checked against the system's API
description:

- an HTTP interaction must match an operation (method and path template, ACC744); its request
  body must be valid for the operation's request schema (ACC745); its response status must be
  one the operation declares (ACC747); every field of the expected response body must exist in
  the response schema with a compatible type (ACC746);
- a message's contents are checked the same way against the schema its description names
  (``"<system> <Schema> event: ..."``) or its provider state (``"<Schema> <id> exists"``).

Each finding names the pact, the interaction, the field and the mapping rules depending on it
(``metadata.accord.rules``); it is located at the first of those rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from accord import codes
from accord.diagnostics import Diagnostic
from accord.errors import LoadError
from accord.harness.jsonpath import Segment, format_path, rules_for
from accord.harness.pact_source import Interaction, PactFile, load_pacts
from accord.jsondoc import json_type, unescape_pointer
from accord.workspace.systems import System

__all__ = ["StaticReport", "static_check"]

_MAX_DEPTH = 64


@dataclass
class StaticReport:
    system: str
    pacts: list[PactFile] = field(default_factory=list)
    interactions: int = 0
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.diagnostics

    def to_dict(self) -> dict[str, Any]:
        return {"system": self.system, "ok": self.ok, "pacts": [p.display for p in self.pacts],
                "interactions": self.interactions,
                "diagnostics": [d.to_dict() for d in self.diagnostics]}


def _finding(code: str, pact: PactFile, interaction: Interaction, where: str | None,
             message: str, rules: list[str]) -> Diagnostic:
    if rules:
        file, _, line = rules[0].rpartition(":")
        loc_file, loc_line = (file, int(line)) if line.isdigit() else (rules[0], 0)
    else:
        loc_file, loc_line = pact.display, 0
    text = f"{pact.consumer}: {interaction.description}: {message}"
    if len(rules) > 1:
        text += f" (also rules {', '.join(rules[1:])})"
    hint = str(getattr(code, "hint", ""))
    return Diagnostic(code, text, loc_file, loc_line, pointer=where or "", hint=hint,
                      extra={"pact": pact.display, "interaction": interaction.description,
                             "field": where, "rules": rules})


def _template(route: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}/]+\})", route)
    return re.compile("^" + "".join("[^/]+" if p.startswith("{") else re.escape(p)
                                    for p in parts if p) + "/?$")


def _match_operation(system: System, method: str, path: str) -> tuple[str, str] | None:
    """(operationId, route) of the operation serving ``method path``; the most literal route
    wins (``/things/new`` before ``/things/{id}``)."""
    found = []
    for op_id, (op_method, route, _) in system.api.operations().items():
        if op_method.lower() == method.lower() and _template(route).match(path.split("?")[0]):
            found.append((route.count("{"), route, op_id))
    if not found:
        return None
    _, route, op_id = min(found)
    return op_id, route


def _resolve(node: Any, root: dict[str, Any], depth: int = 0) -> Any:
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and depth < 20:
        ref = node["$ref"]
        if not ref.startswith("#/$defs/"):
            return {}
        name = unescape_pointer(ref[len("#/$defs/"):])
        target = (root.get("$defs") or {}).get(name, {})
        rest = {k: v for k, v in node.items() if k != "$ref"}
        node = {**target, **rest} if rest else target
        depth += 1
    return node


def _branches(schema: Any, root: dict[str, Any]) -> list[dict[str, Any]]:
    """The schema and the schemas it is composed of (allOf, anyOf, oneOf), resolved."""
    out: list[dict[str, Any]] = []
    stack = [schema]
    seen = 0
    while stack and seen < 200:
        seen += 1
        node = _resolve(stack.pop(), root)
        if not isinstance(node, dict):
            continue
        out.append(node)
        for key in ("allOf", "anyOf", "oneOf"):
            for sub in node.get(key) or []:
                stack.append(sub)
    return out


def _types(branches: list[dict[str, Any]]) -> set[str] | None:
    """The JSON types the schema allows (None: any)."""
    declared: set[str] = set()
    any_typed = False
    for b in branches:
        t = b.get("type")
        if isinstance(t, str):
            declared.add(t)
            any_typed = True
        elif isinstance(t, list):
            declared.update(str(x) for x in t)
            any_typed = True
        if b.get("nullable") is True:
            declared.add("null")
        if "const" in b:
            declared.add(json_type(b["const"]))
            any_typed = True
        if isinstance(b.get("enum"), list):
            declared.update(json_type(v) for v in b["enum"])
            any_typed = True
    # a composition whose parts are typed differently allows each; untyped parts allow any
    composed = [b for b in branches if any(k in b for k in ("anyOf", "oneOf"))]
    if composed and not any_typed:
        return None
    return declared if any_typed else None


def _compatible(value: Any, allowed: set[str] | None) -> bool:
    if allowed is None:
        return True
    kind = json_type(value)
    return kind in allowed or (kind == "integer" and "number" in allowed)


def _walk(value: Any, schema: Any, root: dict[str, Any], path: tuple[Segment, ...],
          out: list[tuple[str, str]], depth: int = 0) -> None:
    """Each field of ``value`` (a pact's example) absent from ``schema`` or of another type:
    (field path, problem)."""
    if depth > _MAX_DEPTH:
        return
    branches = _branches(schema, root)
    allowed = _types(branches)
    if not _compatible(value, allowed):
        shown = " or ".join(sorted(allowed or ()))
        out.append((format_path(path), f"the pact expects {json_type(value)}, the API "
                                       f"description says {shown}"))
        return
    if isinstance(value, dict):
        for key, child in value.items():
            subs = [b["properties"][key] for b in branches
                    if isinstance(b.get("properties"), dict) and key in b["properties"]]
            if not subs:
                extra = [b["additionalProperties"] for b in branches
                         if isinstance(b.get("additionalProperties"), dict)]
                pattern = [s for b in branches
                           for pat, s in (b.get("patternProperties") or {}).items()
                           if _safe_search(pat, key)]
                subs = extra + pattern
            if not subs:
                # an object the vendor declares open (`additionalProperties: true`, BambooHR's
                # field map) allows a field it does not list; an undeclared one is a finding
                if not any(b.get("additionalProperties") is True for b in branches):
                    out.append((format_path((*path, key)),
                                f"the API description has no field {key!r} here"))
                continue
            before = len(out)
            trial: list[tuple[str, str]] = []
            for sub in subs:
                trial = []
                _walk(child, sub, root, (*path, key), trial, depth + 1)
                if not trial:
                    break
            out[before:] = trial
    elif isinstance(value, list):
        items = [b["items"] for b in branches if isinstance(b.get("items"), dict)]
        for index, child in enumerate(value):
            prefix = [b["prefixItems"][index] for b in branches
                      if isinstance(b.get("prefixItems"), list) and index < len(b["prefixItems"])]
            for sub in (prefix or items)[:1]:
                _walk(child, sub, root, (*path, index), out, depth + 1)


def _safe_search(pattern: str, key: str) -> bool:
    from accord.patterns import search

    try:
        return bool(search(pattern, key))
    except Exception:  # an unusable pattern in the description allows nothing
        return False


def _response_schema(system: System, op_id: str, status: int) -> tuple[bool, dict[str, Any]
                                                                       | None]:
    """(the status is declared, the JSON schema of that response or None)."""
    _, _, op = system.api.operations()[op_id]
    responses = op.get("responses") or {}
    code = str(status)
    declared = code in responses or f"{code[0]}XX" in responses or \
        f"{code[0]}xx" in responses or "default" in responses
    if not declared:
        return False, None
    try:
        lowest = sorted(c for c in responses if c.isdigit() and c.startswith("2"))
        if lowest and lowest[0] == code:
            return True, system.operation_response(op_id)
    except LoadError:
        return True, None
    return True, None


_UNEXPECTED = re.compile(r"\((.*) (?:was|were) unexpected\)")


def _request_problems(body: Any, schema: dict[str, Any]) -> list[tuple[str, str]]:
    """(field, problem) for each way ``body`` is invalid for the request schema; a field the
    schema does not allow is named itself, not its parent."""
    from accord.jsondoc import json_path
    from accord.runtime.validate import compile_validator

    found = []
    for violation in compile_validator(schema, formats=False).errors(body, limit=50):
        extra = _UNEXPECTED.search(violation.message)
        if extra and "not allowed" in violation.message:
            for key in re.findall(r"'((?:[^'\\]|\\.)*)'", extra.group(1)):
                where = json_path((*violation.location, key))
                found.append((where, f"the operation's request schema has no field {key!r}"))
            continue
        found.append((violation.path, violation.message[:300]))
    return found


def _message_schema(system: System, interaction: Interaction) -> str | None:
    match = re.match(r"^\S+\s+(\S+)\s+event\b", interaction.description)
    candidates = [match.group(1)] if match else []
    for state in interaction.states:
        name = str(state.get("name", ""))
        if name.endswith(" exists"):
            candidates.append(name.split()[0])
    return next((c for c in candidates if c in system.api.schemas), None)


def _check_interaction(system: System, pact: PactFile, interaction: Interaction,
                       out: list[Diagnostic]) -> None:
    rules = pact.rules(interaction.description)
    if interaction.kind == "message":
        name = _message_schema(system, interaction)
        if name is None:
            out.append(_finding(codes.VERIFY_NO_OPERATION, pact, interaction, None,
                                "no schema of the API description describes this message",
                                rules_for(None, rules)))
            return
        record = system.schema(name)
        problems: list[tuple[str, str]] = []
        _walk(interaction.body("contents"), record, record, (), problems)
        for where, what in problems:
            out.append(_finding(codes.VERIFY_RESPONSE_FIELD, pact, interaction, where,
                                f"{where}: {what} (schema {name})", rules_for(where, rules)))
        return
    request = interaction.data.get("request") or {}
    response = interaction.data.get("response") or {}
    method, path = str(request.get("method", "GET")), str(request.get("path", "/"))
    matched = _match_operation(system, method, path)
    if matched is None:
        out.append(_finding(codes.VERIFY_NO_OPERATION, pact, interaction, None,
                            f"no operation of {system.api_display} serves {method.upper()} "
                            f"{path}", rules_for(None, rules)))
        return
    op_id, route = matched
    body = interaction.body("request")
    schema: dict[str, Any] | None = None
    if body is not None:
        try:
            schema = system.operation_request(op_id)
        except LoadError:
            out.append(_finding(codes.VERIFY_REQUEST_INVALID, pact, interaction, "$",
                                f"{method.upper()} {route} ({op_id}) takes no JSON body",
                                rules_for(None, rules)))
            schema = None
        if schema is not None:
            for where, what in _request_problems(body, schema):
                out.append(_finding(codes.VERIFY_REQUEST_INVALID, pact, interaction, where,
                                    f"request {where}: {what} ({op_id})",
                                    rules_for(where, rules)))
    status = response.get("status", 200)
    status = status if isinstance(status, int) else 200
    declared, schema = _response_schema(system, op_id, status)
    if not declared:
        out.append(_finding(codes.VERIFY_STATUS, pact, interaction, None,
                            f"{op_id} ({method.upper()} {route}) declares no {status} "
                            "response", rules_for(None, rules)))
        return
    expected = interaction.body("response")
    if schema is not None and expected is not None:
        problems = []
        _walk(expected, schema, schema, (), problems)
        for where, what in problems:
            out.append(_finding(codes.VERIFY_RESPONSE_FIELD, pact, interaction, where,
                                f"response {where}: {what} ({op_id})",
                                rules_for(where, rules)))


def static_check(root: str | Path, system_name: str) -> StaticReport:
    """Check every pact of ``system_name`` against its API description; no server runs."""
    from accord.project import load_workspace
    from accord.workspace.systems import get_system

    workspace = load_workspace(root)
    system = get_system(workspace.systems, system_name)
    pacts = load_pacts(workspace.root, system.name)
    report = StaticReport(system.name, pacts)
    for pact in pacts:
        for interaction in pact.interactions:
            report.interactions += 1
            _check_interaction(system, pact, interaction, report.diagnostics)
    return report
