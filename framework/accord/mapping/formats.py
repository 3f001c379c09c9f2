"""The published JSON Schemas of accord's file formats, and validation against them with
file:line:col diagnostics."""

from __future__ import annotations

import difflib
import json
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

#: format name -> packaged schema file
FORMATS = {"mapping": "mapping-v1.schema.json", "lookup": "lookup-v1.schema.json"}

CODE_FORMAT = codes.SPEC_FORMAT


@cache
def format_schema(name: str) -> dict[str, Any]:
    """The JSON Schema of a format (``mapping`` or ``lookup``)."""
    text = resources.files("accord.mapping").joinpath(FORMATS[name]).read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def _validator(name: str) -> Draft202012Validator:
    return Draft202012Validator(format_schema(name))


def _keys_allowed(error: ValidationError) -> list[str]:
    props = error.schema.get("properties", {}) if isinstance(error.schema, dict) else {}
    return sorted(props)


def _explain(error: ValidationError, doc: YamlDocument) -> list[Diagnostic]:
    pointer = join_pointer("", *error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = _keys_allowed(error)
        props = set(allowed)
        out = []
        for extra in sorted(k for k in error.instance if k not in props):
            close = difflib.get_close_matches(extra, allowed, n=1)
            hint = (f"did you mean {close[0]!r}?" if close
                    else f"allowed keys: {', '.join(allowed)}")
            out.append(doc.diagnostic(CODE_FORMAT, f"unknown key {extra!r}",
                                      join_pointer(pointer, extra), hint=hint, key=True))
        return out
    if error.validator == "required":
        return [doc.diagnostic(CODE_FORMAT, error.message, pointer,
                               hint="add the missing key (see `accord schema mapping`)")]
    if error.validator == "oneOf" and pointer in ("/source", "/target"):
        return [doc.diagnostic(
            CODE_FORMAT, "an endpoint is exactly one of {contract}, {system, schema} or "
            "{system, operation}", pointer,
            hint="e.g. `source: {contract: project@1.1.0}` or "
                 "`target: {system: xero_accounting, schema: Invoice}`")]
    if error.validator == "anyOf" and "/fields/" in pointer:
        return [doc.diagnostic(CODE_FORMAT, "a rule needs `expr` or `default`", pointer,
                               hint="write `{expr: <JMESPath>}`, `{each: ..., fields: ...}` or "
                                    "`{n/a: reason}`")]
    if error.validator == "propertyNames":
        return [doc.diagnostic(CODE_FORMAT, f"bad target path {error.instance!r}",
                               join_pointer(pointer, str(error.instance)), key=True,
                               hint="a target path is property names joined by single dots")]
    if error.validator == "type" and error.instance is None:
        return [doc.diagnostic(CODE_FORMAT, "value is empty", pointer,
                               hint=f"give a value of type {error.validator_value}")]
    return [doc.diagnostic(CODE_FORMAT, error.message, pointer,
                           hint="see the format with `accord schema mapping`")]


def validate_format(name: str, doc: YamlDocument) -> list[Diagnostic]:
    """Every place where ``doc`` breaks format ``name``, located."""
    diags: list[Diagnostic] = []
    seen: set[tuple[str, str, int, int]] = set()
    errors = sorted(_validator(name).iter_errors(doc.data),
                    key=lambda e: [str(p) for p in e.absolute_path])
    for error in errors:
        for d in _explain(error, doc):
            marker = (d.message, d.pointer, d.line, d.col)
            if marker not in seen:
                seen.add(marker)
                diags.append(d)
    return diags
