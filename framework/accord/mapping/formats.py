"""The published JSON Schemas of accord's file formats, and validation against them with
file:line:col diagnostics."""

from __future__ import annotations

import copy
import difflib
import json
import re
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from accord import codes
from accord.diagnostics import Diagnostic
from accord.jsondoc import join_pointer
from accord.workspace.yamlio import YamlDocument

__all__ = ["FORMATS", "format_schema", "validate_format"]

#: every file format of a workspace, in the order a workspace is built
FORMATS = ("contract", "system", "mapping", "lookup", "flow")
#: the formats whose schema is a packaged file (the others are built from the loaders' own)
_FILES = {"mapping": "mapping-v1.schema.json", "lookup": "lookup-v1.schema.json",
          "flow": "flow-v1.schema.json"}



@cache
def format_schema(name: str) -> dict[str, Any]:
    """The JSON Schema of a format: ``contract``, ``system``, ``mapping``, ``lookup`` or ``flow``.

    ``system`` is the very schema the system loader validates with; ``contract`` is JSON
    Schema 2020-12 itself plus the contract loader's ``$id`` and ``x-accord`` rules."""
    if name == "system":
        from accord.workspace.systems import SYSTEM_SCHEMA

        return copy.deepcopy(SYSTEM_SCHEMA)
    if name == "contract":
        return _contract_schema()
    text = resources.files("accord.mapping").joinpath(_FILES[name]).read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def _contract_schema() -> dict[str, Any]:
    from accord.workspace.contracts import URN_PREFIX, X_ACCORD_SCHEMA

    x_accord = {k: v for k, v in copy.deepcopy(X_ACCORD_SCHEMA).items() if k != "$schema"}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "urn:accord:format:contract:v1",
        "title": "accord canonical contract "
                 "(contracts/canonical/<entity>/<MAJOR.MINOR.PATCH>.yaml)",
        "description": "A JSON Schema 2020-12 document with an x-accord block; objects state "
                       "additionalProperties explicitly.",
        "allOf": [{"$ref": "https://json-schema.org/draft/2020-12/schema"}],
        "type": "object",
        "required": ["$id", "x-accord"],
        "properties": {
            "$schema": {"const": "https://json-schema.org/draft/2020-12/schema"},
            "$id": {"type": "string",
                    "pattern": "^" + re.escape(URN_PREFIX)
                               + r"[a-z][a-z0-9_]*:(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\."
                                 r"(0|[1-9][0-9]*)$"},
            "x-accord": x_accord,
        },
    }


@cache
def _validator(name: str) -> Draft202012Validator:
    return Draft202012Validator(format_schema(name))


def _keys_allowed(error: ValidationError) -> list[str]:
    props = error.schema.get("properties", {}) if isinstance(error.schema, dict) else {}
    return sorted(props)


def _explain(error: ValidationError, doc: YamlDocument, name: str) -> list[Diagnostic]:
    pointer = join_pointer("", *error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = _keys_allowed(error)
        props = set(allowed)
        out = []
        for extra in sorted(k for k in error.instance if k not in props):
            close = difflib.get_close_matches(extra, allowed, n=1)
            hint = (f"did you mean {close[0]!r}?" if close
                    else f"allowed keys: {', '.join(allowed)}")
            out.append(doc.diagnostic(codes.SPEC_FORMAT, f"unknown key {extra!r}",
                                      join_pointer(pointer, extra), hint=hint, key=True))
        return out
    if error.validator == "required":
        return [doc.diagnostic(codes.SPEC_FORMAT, error.message, pointer,
                               hint=f"add the missing key (see `accord schema {name}`)")]
    if error.validator == "oneOf" and name == "flow" and "/gates/" in pointer:
        return [doc.diagnostic(codes.SPEC_FORMAT, "a gate is exactly one of require, active or "
                               "open_period", pointer,
                               hint="e.g. `approved: {require: \"approval_status == "
                                    "'approved'\"}`")]
    if error.validator == "oneOf" and pointer in ("/source", "/target"):
        return [doc.diagnostic(
            codes.SPEC_FORMAT, "an endpoint is exactly one of {contract}, {system, schema} or "
            "{system, operation}", pointer,
            hint="e.g. `source: {contract: project@1.1.0}` or "
                 "`target: {system: xero_accounting, schema: Invoice}`")]
    if error.validator == "anyOf" and "/fields/" in pointer:
        return [doc.diagnostic(codes.SPEC_FORMAT, "a rule needs `expr` or `default`", pointer,
                               hint="write `{expr: <JMESPath>}`, `{each: ..., fields: ...}` or "
                                    "`{n/a: reason}`")]
    if error.validator == "propertyNames":
        return [doc.diagnostic(codes.SPEC_FORMAT, f"bad target path {error.instance!r}",
                               join_pointer(pointer, str(error.instance)), key=True,
                               hint="a target path is property names joined by single dots")]
    if error.validator == "type" and error.instance is None:
        return [doc.diagnostic(codes.SPEC_FORMAT, "value is empty", pointer,
                               hint=f"give a value of type {error.validator_value}")]
    return [doc.diagnostic(codes.SPEC_FORMAT, error.message, pointer,
                           hint=f"see the format with `accord schema {name}`")]


def validate_format(name: str, doc: YamlDocument) -> list[Diagnostic]:
    """Every place where ``doc`` breaks format ``name``, located."""
    diags: list[Diagnostic] = []
    seen: set[tuple[str, str, int, int]] = set()
    errors = sorted(_validator(name).iter_errors(doc.data),
                    key=lambda e: [str(p) for p in e.absolute_path])
    for error in errors:
        for d in _explain(error, doc, name):
            marker = (d.message, d.pointer, d.line, d.col)
            if marker not in seen:
                seen.add(marker)
                diags.append(d)
    return diags
