"""Mapping specs (``mapping/v1``), lookup tables (``lookup/v1``) and flows (``flow/v1``):
model, format, loader."""

from accord.mapping.formats import format_schema, validate_format
from accord.mapping.loader import (
    MappingSet,
    discover_specs,
    load_lookups,
    load_mappings,
    load_spec,
    parse_expression,
)
from accord.mapping.model import (
    DefaultOn,
    EachRule,
    Endpoint,
    Example,
    Expr,
    FieldRule,
    Lookup,
    LookupRef,
    MappingSpec,
    NotApplicable,
    OnMiss,
    Rule,
    compose_lookups,
)

__all__ = [
    "DefaultOn",
    "EachRule",
    "Endpoint",
    "Example",
    "Expr",
    "FieldRule",
    "Lookup",
    "LookupRef",
    "MappingSet",
    "MappingSpec",
    "NotApplicable",
    "OnMiss",
    "Rule",
    "compose_lookups",
    "discover_specs",
    "format_schema",
    "load_lookups",
    "load_mappings",
    "load_spec",
    "parse_expression",
    "validate_format",
]
