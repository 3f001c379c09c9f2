"""The mapping spec as typed objects: endpoints, rules, examples, lookups.

Every object remembers where it came from (file, line, column, JSON pointer), so the checker,
the generator and the example runner can point at the exact rule they are talking about.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from accord.diagnostics import Diagnostic
from accord.workspace.yamlio import YamlDocument

__all__ = [
    "DefaultOn",
    "EachRule",
    "Endpoint",
    "Example",
    "Expr",
    "FieldRule",
    "Lookup",
    "LookupRef",
    "MappingSpec",
    "NotApplicable",
    "OnMiss",
    "Rule",
    "compose_lookups",
    "lookup_key",
]


class DefaultOn(StrEnum):
    """When a rule's ``default`` applies."""

    MISSING = "missing"  # the path is absent from the record
    NULL = "null"  # absent or null (the default)
    EMPTY = "empty"  # absent, null, "", [] or {}


class OnMiss(StrEnum):
    """What a lookup does when the value has no entry in the table."""

    ERROR = "error"
    DEFAULT = "default"
    PASSTHROUGH = "passthrough"


@dataclass(frozen=True)
class Endpoint:
    """A source or target: a canonical contract, a system schema or a system operation."""

    contract: str | None = None
    system: str | None = None
    schema: str | None = None
    operation: str | None = None
    #: ``extra_fields`` of a source: properties the records carry beyond the published
    #: schema (tenant-specific fields), as (name, JSON Schema as JSON text) pairs
    extra_fields: tuple[tuple[str, str], ...] = ()

    def extra_schemas(self) -> dict[str, Any]:
        return {name: json.loads(text) for name, text in self.extra_fields}

    def as_dict(self) -> dict[str, str]:
        return {k: v for k, v in (("contract", self.contract), ("system", self.system),
                                  ("schema", self.schema), ("operation", self.operation))
                if v is not None}

    def describe(self) -> str:
        if self.contract:
            return f"contract {self.contract}"
        if self.schema:
            return f"{self.system} schema {self.schema}"
        return f"{self.system} operation {self.operation}"


@dataclass(frozen=True)
class Expr:
    """An expression, where its first character is in the spec file, and its AST.

    ``ast`` is the strict parser's tree (``accord.expr.parse``), made once when the spec is
    loaded; the checker, the path index and the generator all read it (none parses ``text``
    again). None only for an expression the loader reported as a syntax error."""

    text: str
    line: int
    col: int
    pointer: str
    ast: Any = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Lookup:
    """A lookup table: from a ``mappings/lookups/<name>.yaml`` file or inline in a rule."""

    name: str
    values: dict[str, Any]
    file: str = ""
    line: int = 0
    inline: bool = False


@dataclass(frozen=True)
class LookupRef:
    """A rule's ``lookup:``: a table name, an inline table, or a ``chain`` of those (each
    table translates what the one before gave: ``lookup: [region_by_country, entity_by_region]``).
    """

    name: str | None = None
    inline: Lookup | None = None
    chain: tuple[LookupRef, ...] = ()

    @property
    def steps(self) -> tuple[LookupRef, ...]:
        """The tables in the order they apply (one for a plain reference)."""
        return self.chain or (self,)

    @property
    def names(self) -> list[str]:
        """The named tables (not the inline ones), in order."""
        return [step.name for step in self.steps if step.name]


def lookup_key(value: Any) -> str:
    """A value as a lookup key: strings as they are, numbers and booleans as their JSON text."""
    return value if isinstance(value, str) else json.dumps(value)


def compose_lookups(tables: list[Lookup], *, passthrough: bool) -> Lookup:
    """One table doing what a chain of tables does, so a chained lookup is one dict access.

    With ``passthrough`` a value missing from a table goes on unchanged to the next one, so
    the composed table also holds what later tables map on their own; otherwise a miss
    anywhere is a miss of the chain. A null output stays null (a null is never looked up).
    """
    if len(tables) == 1:
        return tables[0]
    composed: dict[str, Any] = {}
    for position, table in enumerate(tables if passthrough else tables[:1]):
        for key, value in table.values.items():
            if key in composed:
                continue
            out, alive = value, True
            for later in tables[position + 1:]:
                if out is None:
                    break
                if lookup_key(out) in later.values:
                    out = later.values[lookup_key(out)]
                elif not passthrough:
                    alive = False
                    break
            if alive:
                composed[key] = out
    first = tables[0]
    return Lookup(name=" > ".join(table.name for table in tables), values=composed,
                  file=first.file, line=first.line, inline=all(t.inline for t in tables))


@dataclass(frozen=True)
class RuleBase:
    """Common to every rule: the target path it writes and where it is written."""

    target: tuple[str, ...]
    pointer: str
    line: int
    col: int

    @property
    def dotted(self) -> str:
        return ".".join(self.target)


@dataclass(frozen=True)
class FieldRule(RuleBase):
    """``target: expr`` or ``target: {expr, default, default_on, lookup, on_miss, when, ...}``."""

    expr: Expr | None = None
    has_default: bool = False
    default: Any = None
    default_on: DefaultOn = DefaultOn.NULL
    lookup: LookupRef | None = None
    on_miss: OnMiss | None = None
    when: Expr | None = None
    required: bool = False
    #: ``omit_null: true``: a null result leaves the target property out even where the target
    #: admits null (None: the spec's ``defaults.omit_null``)
    omit_null: bool | None = None
    note: str | None = None


@dataclass(frozen=True)
class EachRule(RuleBase):
    """``target: {each: expr, fields: {...}}``: maps each item of an array."""

    each: Expr = field(default_factory=lambda: Expr("@", 0, 0, ""))
    rules: tuple[Rule, ...] = ()
    when: Expr | None = None
    note: str | None = None


@dataclass(frozen=True)
class NotApplicable(RuleBase):
    """``target: {n/a: reason}``: left unmapped on purpose."""

    reason: str = ""


Rule = FieldRule | EachRule | NotApplicable


@dataclass(frozen=True)
class Example:
    """A golden pair; paths are resolved against the spec's folder."""

    input: Path
    output: Path
    name: str
    pointer: str
    line: int


@dataclass
class MappingSpec:
    """One loaded ``mapping/v1`` spec."""

    path: Path
    display: str  # repo-relative, e.g. mappings/opportunity-to-project/apideck.yaml
    document: YamlDocument
    text: str
    name: str
    version: str
    source: Endpoint
    target: Endpoint
    rules: tuple[Rule, ...]
    when: Expr | None = None
    key: Expr | None = None
    examples: tuple[Example, ...] = ()
    description: str = ""
    #: ``defaults: {omit_null: true}``: every rule without its own ``omit_null`` leaves a null
    #: result out of the output (the default writes null where the target admits null)
    omit_null: bool = False
    #: findings that did not stop the spec loading: examples whose files are missing or
    #: refused (those examples are left out of ``examples``)
    problems: tuple[Diagnostic, ...] = ()

    @property
    def flow(self) -> str:
        """The folder the spec lives in (``opportunity-to-project``)."""
        return self.path.parent.name

    @property
    def stem(self) -> str:
        return self.path.stem

    def expressions(self) -> list[Expr]:
        """Every expression in the spec, in file order."""
        found: list[Expr] = [e for e in (self.when, self.key) if e is not None]

        def walk(rules: tuple[Rule, ...]) -> None:
            for rule in rules:
                if isinstance(rule, FieldRule):
                    found.extend(e for e in (rule.expr, rule.when) if e is not None)
                elif isinstance(rule, EachRule):
                    found.append(rule.each)
                    if rule.when is not None:
                        found.append(rule.when)
                    walk(rule.rules)

        walk(self.rules)
        return found

    def lookup_names(self) -> set[str]:
        names: set[str] = set()

        def walk(rules: tuple[Rule, ...]) -> None:
            for rule in rules:
                if isinstance(rule, FieldRule) and rule.lookup:
                    names.update(rule.lookup.names)
                elif isinstance(rule, EachRule):
                    walk(rule.rules)

        walk(self.rules)
        return names
