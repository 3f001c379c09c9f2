"""The static checker: a mapping against its source and target schemas, before it runs.

For each rule it resolves the paths the expression reads in the source schema, infers the
result type, and checks that it fits the target property (type, nullability, enum, format);
then it checks completeness (every required target property mapped, defaulted or ``n/a``),
unknown target properties, ``each`` onto arrays, functions and lookup tables.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from accord import codes, patterns
from accord.check.endpoints import EndpointError, SchemaResolver
from accord.check.infer import Inferrer, Scope, non_null_locations, non_null_paths
from accord.check.schema_model import SchemaModel, literal_schema
from accord.check.types import Ty, union
from accord.diagnostics import Diagnostic, Severity
from accord.jsondoc import join_pointer, json_path
from accord.mapping.loader import MappingSet, parse_expression
from accord.mapping.model import (
    EachRule,
    Expr,
    FieldRule,
    Lookup,
    MappingSpec,
    NotApplicable,
    OnMiss,
    Rule,
    compose_lookups,
    lookup_key,
)
from accord.mapping.reads import key_parts, pure_path

__all__ = ["CODES", "check_mapping_set", "check_spec"]

_DOTTED_PATH = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")

#: every code this checker emits, with its summary (from the catalogue, accord.codes)
CODES: dict[str, str] = {code: code.summary for code in (
    codes.ENDPOINT_UNRESOLVED,
    codes.LOOKUP_NOT_FOUND,
    codes.EXTRA_FIELDS_ON_TARGET,
    codes.UNKNOWN_PATH,
    codes.NOT_OBJECT,
    codes.UNKNOWN_FUNCTION,
    codes.ARITY,
    codes.NO_PARENT,
    codes.NOT_ARRAY,
    codes.TYPE_MISFIT,
    codes.MAY_BE_NULL,
    codes.OUTSIDE_ENUM,
    codes.FORMAT_MISFIT,
    codes.LOOKUP_INCOMPLETE,
    codes.FREE_TEXT_ENUM,
    codes.TYPE_PARTLY_FITS,
    codes.PATTERN_MISFIT,
    codes.REQUIRED_UNMAPPED,
    codes.UNKNOWN_TARGET,
    codes.EACH_NOT_ARRAY,
    codes.MAPPED_TWICE,
    codes.NULL_TO_STRING,
    codes.NULL_KEY_PART,
    codes.LOOKUP_CHAIN_GAP,
)}


def _compatible(src: str, targets: frozenset[str]) -> bool:
    return src in targets or (src == "integer" and "number" in targets)


@dataclass
class _Context:
    spec: MappingSpec
    source: SchemaModel
    target: SchemaModel
    lookups: dict[str, Lookup]
    diags: list[Diagnostic] = field(default_factory=list)

    def at_rule(self, rule: Rule, code: str, message: str, hint: str,
                severity: Severity = Severity.ERROR, pointer: str | None = None) -> None:
        self.diags.append(Diagnostic(code, message, self.spec.display, rule.line, rule.col,
                                     pointer or rule.pointer, hint, severity,
                                     {"target": rule.dotted}))

    def at_pointer(self, pointer: str, code: str, message: str, hint: str,
                   severity: Severity = Severity.ERROR) -> None:
        pos = self.spec.document.position(pointer)
        self.diags.append(Diagnostic(code, message, self.spec.display, pos.line, pos.col,
                                     pointer, hint, severity))

    # -- expressions ---------------------------------------------------------------------------
    def infer(self, expr: Expr, scope: Scope, guard: Expr | None = None) -> Ty:
        """The type of ``expr``; ``guard``: the rule's `when`, true wherever ``expr`` runs."""
        ast, syntax = parse_expression(expr, self.spec.display)
        if syntax is not None:
            self.diags.append(syntax)
            return Ty({}, True)
        inferrer = Inferrer(self.source, expr.text)
        if guard is not None:
            condition, _ = parse_expression(guard, self.spec.display)
            inferrer.guarded = non_null_paths(condition, scope.label)
        ty = inferrer.infer(ast, scope)
        single_line = "\n" not in expr.text
        for issue in inferrer.issues:
            col = expr.col + issue.column if single_line else expr.col
            self.diags.append(Diagnostic(issue.code, issue.message, self.spec.display,
                                         expr.line, col, expr.pointer, issue.hint,
                                         Severity.WARNING if issue.warning else Severity.ERROR,
                                         extra={"expression": expr.text}))
        return ty


def _lookup_table(ctx: _Context, rule: FieldRule) -> Lookup | None:
    """The table a rule's ``lookup:`` stands for (a chain composed into one), or None when a
    named table is missing (ACC403 at that table's place in the chain)."""
    ref = rule.lookup
    if ref is None:
        return None
    chained = bool(ref.chain)
    tables: list[Lookup] = []
    for index, step in enumerate(ref.steps):
        pointer = join_pointer(rule.pointer, "lookup", *((index,) if chained else ()))
        table = step.inline if step.inline is not None else ctx.lookups.get(step.name or "")
        if table is None:
            close = difflib.get_close_matches(step.name or "", list(ctx.lookups), n=1)
            hint = f"did you mean {close[0]!r}?" if close else \
                f"create mappings/lookups/{step.name}.yaml (accord: lookup/v1)"
            _at_step(ctx, rule, pointer, codes.LOOKUP_NOT_FOUND,
                                         f"lookup table {step.name!r} not found", hint)
            continue
        tables.append(table)
    if len(tables) != len(ref.steps):
        return None
    if chained and rule.on_miss in (None, OnMiss.ERROR):
        _check_chain(ctx, rule, tables)
    return compose_lookups(tables, passthrough=rule.on_miss is OnMiss.PASSTHROUGH)


def _at_step(ctx: _Context, rule: FieldRule, pointer: str, code: str, message: str,
             hint: str) -> None:
    """A finding located at one table of a rule's ``lookup:`` (its own line in the spec)."""
    pos = ctx.spec.document.position(pointer)
    ctx.diags.append(Diagnostic(code, message, ctx.spec.display, pos.line or rule.line,
                                pos.col or rule.col, pointer, hint, Severity.ERROR,
                                {"target": rule.dotted}))


def _table_label(table: Lookup) -> str:
    return "the inline table" if table.inline else f"table {table.name!r}"


def _check_chain(ctx: _Context, rule: FieldRule, tables: list[Lookup]) -> None:
    """In a chain that fails on a miss, every output of a table must be a key of the next:
    otherwise records whose value takes that path are dead-lettered by construction."""
    for index, (table, following) in enumerate(pairwise(tables)):
        dangling = sorted({repr(value) for value in table.values.values()
                           if value is not None and lookup_key(value) not in following.values})
        if dangling:
            shown = ", ".join(dangling[:5]) + (f" (and {len(dangling) - 5} more)"
                                               if len(dangling) > 5 else "")
            _at_step(ctx, rule, join_pointer(rule.pointer, "lookup", index + 1),
                     codes.LOOKUP_CHAIN_GAP,
                     f"{_table_label(following)} has no entry for {shown}, which "
                     f"{_table_label(table)} gives",
                     "add the values to the next table, or say what happens with "
                     "`on_miss: default|passthrough`")


def _lookup_key(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _apply_lookup(ctx: _Context, rule: FieldRule, src: Ty, table: Lookup) -> Ty:
    values = list(table.values.values())
    on_miss = rule.on_miss
    source_enum = None if src.unknown else ctx.source.enum(src.schema)
    if source_enum is not None and on_miss is None:
        missing = [v for v in source_enum if v is not None and _lookup_key(v) not in table.values]
        if missing:
            ctx.at_rule(rule, codes.LOOKUP_INCOMPLETE,
                        f"lookup {table.name if not table.inline else '(inline)'} has no entry "
                        f"for source value(s) {', '.join(repr(v) for v in missing)}",
                        "add the values to the table, or say what happens with "
                        "`on_miss: error|default|passthrough`",
                        pointer=join_pointer(rule.pointer, "lookup"))
    out = Ty({"enum": sorted({*values}, key=repr)} if values else {}, src.nullable)
    if on_miss is OnMiss.PASSTHROUGH:
        out = union(out, src)
    return out


def _target_schema(ctx: _Context, rule: Rule, base: dict[str, Any]) -> tuple[
        dict[str, Any] | None, bool]:
    """The target property's schema and whether its parent requires it (None: unknown)."""
    node = base
    required = True
    for i, segment in enumerate(rule.target):
        found = ctx.target.property(node, segment)
        if not found.found:
            where = ".".join(rule.target[:i]) or "the target"
            if found.not_object:
                msg = f"{where} is {ctx.target.describe(node)}, it has no property {segment!r}"
                hint = "map onto a property of an object"
            else:
                close = difflib.get_close_matches(segment, found.candidates, n=1)
                msg = f"{'.'.join(rule.target[:i + 1])!r} is not a property of {where}"
                hint = f"did you mean {close[0]!r}?" if close else (
                    "known properties: " + ", ".join(found.candidates[:15]))
            ctx.at_rule(rule, codes.UNKNOWN_TARGET, msg, hint)
            return None, False
        required = segment in ctx.target.required(node)
        node = found.schema
    return node, required


def _fit(ctx: _Context, rule: FieldRule, src: Ty, tgt: dict[str, Any], required: bool,
         looked_up: bool) -> None:
    s_types = None if src.unknown else ctx.source.types(src.schema)
    t_types = ctx.target.types(tgt)
    wanted = ctx.target.describe(tgt)
    if s_types is not None and t_types is not None:
        values = s_types - {"null"}
        bad = {t for t in values if not _compatible(t, t_types)}
        rounding = bad == {"number"} and "integer" in t_types
        if values and bad == values and not rounding:
            ctx.at_rule(rule, codes.TYPE_MISFIT,
                        f"{rule.dotted}: the rule gives {ctx.source.describe(src.schema)}, "
                        f"the target wants {wanted}",
                        "convert the value (to_string(), to_number(), a lookup) or map a "
                        "different source path")
        elif bad:
            ctx.at_rule(rule, codes.TYPE_PARTLY_FITS,
                        f"{rule.dotted}: the rule may give {' | '.join(sorted(bad))}, "
                        f"the target wants {wanted}",
                        "convert the value so every case fits (e.g. round(), to_string())",
                        Severity.WARNING)
    if src.nullable and required and t_types is not None and "null" not in t_types:
        ctx.at_rule(rule, codes.MAY_BE_NULL,
                    f"{rule.dotted} is required by the target but the rule may give null",
                    "add `default:`, or `required: true` to fail such records as data "
                    "quality errors", Severity.WARNING)
    target_enum = ctx.target.enum(tgt)
    if target_enum is not None:
        allowed = [v for v in target_enum if v is not None]
        source_enum = None if src.unknown else ctx.source.enum(src.schema)
        if source_enum is not None:
            outside = [v for v in source_enum if v is not None and v not in allowed]
            if outside:
                ctx.at_rule(rule, codes.OUTSIDE_ENUM,
                            f"{rule.dotted}: {', '.join(repr(v) for v in outside)} "
                            f"{'is' if len(outside) == 1 else 'are'} not in the target enum "
                            f"({', '.join(repr(v) for v in allowed)})",
                            "translate the value with a lookup whose outputs are in the enum")
        elif not looked_up and s_types is not None and "string" in s_types:
            ctx.at_rule(rule, codes.FREE_TEXT_ENUM,
                        f"{rule.dotted}: free text goes into an enum "
                        f"({', '.join(repr(v) for v in allowed[:8])})",
                        "translate with `lookup:` (and `on_miss:`), so unexpected values are "
                        "caught", Severity.WARNING)
    t_format = ctx.target.format(tgt)
    s_format = None if src.unknown else ctx.source.format(src.schema)
    if t_format and s_format and t_format != s_format:
        ctx.at_rule(rule, codes.FORMAT_MISFIT,
                    f"{rule.dotted}: the source is format {s_format}, the target wants "
                    f"{t_format}", "convert it (e.g. to_date(), format_date())",
                    Severity.WARNING)


def _string_misfit(alt: dict[str, Any], value: str) -> str | None:
    """Why ``value`` breaks one target alternative's string constraints; None if it fits."""
    types = alt.get("type")
    if isinstance(types, str):
        types = [types]
    if isinstance(types, list) and "string" not in types:
        return f"{value!r} is not {' or '.join(types)}"
    pattern = alt.get("pattern")
    if isinstance(pattern, str):
        try:
            if not patterns.search(pattern, value):  # RE2, or `regex` under a time budget
                return f"{value!r} does not match the pattern {pattern}"
        except patterns.PatternError as exc:
            if exc.timeout:
                return str(exc)
            # a pattern no engine reads: leave it to run-time validation
    if isinstance(alt.get("maxLength"), int) and len(value) > alt["maxLength"]:
        return f"{value!r} is longer than {alt['maxLength']} characters"
    if isinstance(alt.get("minLength"), int) and len(value) < alt["minLength"]:
        return f"{value!r} is shorter than {alt['minLength']} characters"
    return None


def _produced_values(ctx: _Context, rule: FieldRule, table: Lookup | None) -> list[Any]:
    """Values the spec itself writes: lookup outputs, the default, a literal expression.

    (A source enum's values are not included: whether the source sends them is the data's
    business, checked at run time.)"""
    values: list[Any] = list(table.values.values()) if table is not None else []
    if rule.has_default:
        values.append(rule.default)
    if rule.expr is not None and table is None:
        ast, syntax = parse_expression(rule.expr, ctx.spec.display)
        if syntax is None and isinstance(ast, dict) and ast.get("type") == "literal":
            values.append(ast.get("value"))
    return values


def _check_known_values(ctx: _Context, rule: FieldRule, known: list[Any],
                        tgt: dict[str, Any]) -> None:
    """What the spec itself writes must fit the target's pattern and length, not only its
    type: a lookup table of codes in the wrong case is caught here, not by the first record."""
    if not known or ctx.target.enum(tgt) is not None:  # enums: ACC422
        return
    alts = ctx.target.alternatives(tgt)
    misfits: list[str] = []
    for value in dict.fromkeys(v for v in known if isinstance(v, str)):
        reasons = [_string_misfit(alt, value) for alt in alts]
        if reasons and all(reasons):
            misfits.append(str(reasons[0]))
    if misfits:
        ctx.at_rule(rule, codes.PATTERN_MISFIT, f"{rule.dotted}: {'; '.join(misfits[:5])}"
                    + (f" (and {len(misfits) - 5} more)" if len(misfits) > 5 else ""),
                    "change the literal, default or lookup table so every value fits the "
                    "target property")


def _check_field(ctx: _Context, rule: FieldRule, scope: Scope, base: dict[str, Any]) -> None:
    ty = ctx.infer(rule.expr, scope, rule.when) if rule.expr is not None \
        else Ty({"type": "null"}, True)
    if rule.when is not None:
        ctx.infer(rule.when, scope)
    table = _lookup_table(ctx, rule)
    if table is not None:
        ty = _apply_lookup(ctx, rule, ty, table)
    if rule.has_default:
        default = Ty(literal_schema(rule.default), rule.default is None)
        ty = Ty(union(ty.non_null(), default).schema, rule.default is None) \
            if rule.expr is not None else default
    if rule.required:
        ty = ty.non_null()
    tgt, required = _target_schema(ctx, rule, base)
    if tgt is None:
        return
    if rule.when is not None:
        required = False  # a conditional field is absent by design on some records
    _fit(ctx, rule, ty, tgt, required, rule.lookup is not None)
    _check_known_values(ctx, rule, _produced_values(ctx, rule, table), tgt)


def _check_each(ctx: _Context, rule: EachRule, scope: Scope, base: dict[str, Any]) -> None:
    ty = ctx.infer(rule.each, scope)
    if rule.when is not None:
        ctx.infer(rule.when, scope)
    if not ty.unknown and ctx.source.is_array(ty.schema) is False:
        ctx.at_rule(rule, codes.NOT_ARRAY,
                    f"each: {rule.each.text!r} gives {ctx.source.describe(ty.schema)}, not an "
                    "array", "`each` iterates an array; point it at one",
                    pointer=join_pointer(rule.pointer, "each"))
    item = Ty({}, False) if ty.unknown else Ty(ctx.source.items(ty.schema), False)
    tgt, _ = _target_schema(ctx, rule, base)
    item_target: dict[str, Any] = {}
    if tgt is not None:
        if ctx.target.is_array(tgt) is False:
            ctx.at_rule(rule, codes.EACH_NOT_ARRAY,
                        f"{rule.dotted} is {ctx.target.describe(tgt)}, `each` maps onto arrays",
                        "map this property with an expression, or point `each` at an array "
                        "property")
        else:
            item_target = ctx.target.items(tgt)
    # Paths inside the block are named from the source array, not the target property.
    each_text = rule.each.text.strip()
    where = each_text if _DOTTED_PATH.match(each_text) else f"({each_text})"
    inner = scope.child(item, f"{scope.label}.{where}[*]")
    _check_rules(ctx, rule.rules, inner, item_target, rule)


def _check_completeness(ctx: _Context, rules: tuple[Rule, ...], base: dict[str, Any],
                        prefix: tuple[str, ...], owner: Rule | None) -> None:
    groups: dict[str, list[Rule]] = {}
    for rule in rules:
        rest = rule.target[len(prefix):]
        if rest:
            groups.setdefault(rest[0], []).append(rule)
    for name, group in groups.items():
        whole = [r for r in group if len(r.target) == len(prefix) + 1]
        deeper = [r for r in group if len(r.target) > len(prefix) + 1]
        if len(whole) > 1 or (whole and deeper):
            dup = (whole[1:] + deeper)[0] if len(whole) > 1 else deeper[0]
            ctx.at_rule(dup, codes.MAPPED_TWICE,
                        f"{'.'.join((*prefix, name))} is mapped by more than one rule "
                        f"(also on line {whole[0].line})",
                        "keep one rule per target property")
        elif deeper:
            found = ctx.target.property(base, name)
            if found.found:
                _check_completeness(ctx, tuple(deeper), found.schema, (*prefix, name), owner)
    missing = sorted(ctx.target.required(base) - set(groups))
    if missing:
        where = ".".join(prefix) or ("the items" if owner is not None else "the target")
        pointer = join_pointer(owner.pointer, "fields") if owner else "/fields"
        if prefix:
            first = groups and next(iter(groups.values()))[0]
            pointer = first.pointer if first else pointer
        ctx.at_pointer(pointer, codes.REQUIRED_UNMAPPED,
                       f"required target propert{'y' if len(missing) == 1 else 'ies'} of "
                       f"{where} not mapped: {', '.join(missing)}",
                       "map each one, give it a `default:`, or mark it `{n/a: reason}`")


def _check_rules(ctx: _Context, rules: tuple[Rule, ...], scope: Scope,
                 base: dict[str, Any], owner: Rule | None) -> None:
    for rule in rules:
        if isinstance(rule, FieldRule):
            _check_field(ctx, rule, scope, base)
        elif isinstance(rule, EachRule):
            _check_each(ctx, rule, scope, base)
        elif isinstance(rule, NotApplicable):
            _target_schema(ctx, rule, base)
    if base:
        _check_completeness(ctx, rules, base, (), owner)


def _required_parts(ctx: _Context) -> set[tuple[str, ...]]:
    """Paths whose absence already fails the record in transform(), before the key is
    computed: a top-level ``required: true`` rule (no `when`, no default) maps the path
    itself, or ``if(<path present>, ...)``."""
    found: set[tuple[str, ...]] = set()
    for rule in ctx.spec.rules:
        if not isinstance(rule, FieldRule) or not rule.required or rule.expr is None \
                or rule.when is not None or rule.has_default:
            continue
        ast, syntax = parse_expression(rule.expr, ctx.spec.display)
        if syntax is not None:
            continue
        path = pure_path(ast)
        if path is not None:
            found.add(path)
        elif ast.get("type") == "function_expression" and ast.get("value") == "if" \
                and len(ast["children"]) == 2:
            found.update(non_null_locations(ast["children"][0]))  # names, never split
    return found


def _check_key(ctx: _Context, key: Expr, scope: Scope) -> None:
    """A key part that may be null dead-letters its record (data_quality): say so, once per
    part, instead of the to_string() warning (in a key, to_string(null) never gives "null").
    Not for a part the spec's `when` requires, nor one a required rule fails on first."""
    before = len(ctx.diags)
    ctx.infer(key, scope)
    ctx.diags[before:] = [d for d in ctx.diags[before:] if d.code != codes.NULL_TO_STRING]
    ast, syntax = parse_expression(key, ctx.spec.display)
    if syntax is not None:
        return
    inferrer = Inferrer(ctx.source, key.text)
    if ctx.spec.when is not None:
        inferrer.guarded = non_null_paths(parse_expression(ctx.spec.when, ctx.spec.display)[0],
                                          scope.label)
    covered = _required_parts(ctx)
    for part in key_parts(ast):
        if part in covered:
            continue
        node: dict[str, Any] = {"type": "field", "value": part[0], "children": []}
        for name in part[1:]:
            node = {"type": "subexpression", "children": [
                node, {"type": "field", "value": name, "children": []}]}
        ty = inferrer.infer(node, scope)
        if ty.nullable and not ty.unknown:
            where = json_path(part)
            ctx.diags.append(Diagnostic(
                codes.NULL_KEY_PART,
                f"the key is built from {where}, which the source schema allows to "
                f"be missing or null: such a record is dead-lettered (data_quality)",
                ctx.spec.display, key.line, key.col, key.pointer,
                "build the key from properties the source always sends; or keep it, if "
                "records without one must not be delivered", Severity.WARNING,
                {"expression": key.text, "part": where}))


def check_spec(spec: MappingSpec, source_schema: dict[str, Any],
               target_schema: dict[str, Any], lookups: dict[str, Lookup]) -> list[Diagnostic]:
    """Every finding for one spec, given its resolved schemas and the workspace's lookups."""
    ctx = _Context(spec, SchemaModel(source_schema), SchemaModel(target_schema), lookups)
    record = Ty(source_schema, False)
    scope = Scope(record, record)
    if spec.when is not None:
        ctx.infer(spec.when, scope)
    if spec.key is not None:
        _check_key(ctx, spec.key, scope)
    _check_rules(ctx, spec.rules, scope, target_schema, None)
    return ctx.diags


def check_mapping_set(mappings: MappingSet, resolver: SchemaResolver) -> list[Diagnostic]:
    """Load findings plus the check of every spec whose endpoints resolve."""
    diags = list(mappings.diagnostics)
    for spec in mappings.specs:
        if spec.target.extra_fields:
            diags.append(spec.document.diagnostic(
                codes.EXTRA_FIELDS_ON_TARGET,
                "extra_fields widens a source schema; a target cannot take properties "
                "its schema does not declare", "/target/extra_fields",
                hint="add the property to the target contract (a new version), or remove "
                     "extra_fields from the target"))
        schemas: dict[str, dict[str, Any]] = {}
        for role, endpoint in (("source", spec.source), ("target", spec.target)):
            try:
                schemas[role] = resolver.resolve(endpoint, role)
            except EndpointError as exc:
                diags.append(spec.document.diagnostic(
                    codes.ENDPOINT_UNRESOLVED,
                    f"{role} {endpoint.describe()}: {exc.message}", f"/{role}",
                    hint=exc.hint or "check the contract, system, schema or operation name"))
        if len(schemas) == 2:
            diags.extend(check_spec(spec, schemas["source"], schemas["target"],
                                    mappings.lookups))
    return diags
