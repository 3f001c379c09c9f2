"""Load mapping specs and lookup tables from a workspace, with located diagnostics.

A spec is first validated against the published format (``accord schema mapping``), then turned
into :mod:`accord.mapping.model` objects; every expression is parsed so that a syntax error points
at the YAML file, the line, and the column *inside* the expression, with the expression and a
caret.
"""

from __future__ import annotations

import difflib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from accord import codes, fsio
from accord.diagnostics import Diagnostic, Severity, relative
from accord.errors import ExpressionError, LoadError, UsageError
from accord.expr.parse import parse
from accord.jsondoc import join_pointer
from accord.mapping.formats import validate_format
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
)
from accord.workspace.yamlio import YamlDocument, load_yaml

__all__ = ["MappingSet", "discover_specs", "load_lookups", "load_mappings", "load_spec",
           "parse_expression"]


_SKIP_DIRS = {"lookups", "examples"}


@dataclass
class MappingSet:
    """Everything under ``mappings/``: the specs that loaded, the lookup tables, and findings."""

    specs: list[MappingSpec] = field(default_factory=list)
    lookups: dict[str, Lookup] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def get(self, name: str) -> MappingSpec | None:
        for spec in self.specs:
            if name in (spec.name, spec.display, spec.stem):
                return spec
        return None

    def unknown(self, name: str) -> UsageError:
        """The error for a name no loaded spec answers to: the closest name (or all of them),
        and the files with errors, since a spec that does not load has no name to find."""
        names = sorted(s.name for s in self.specs)
        close = difflib.get_close_matches(name, names + [s.display for s in self.specs], n=1)
        text = f"no mapping named {name!r}"
        text += f" — did you mean {close[0]!r}?" if close else \
            f" (mappings: {', '.join(names) or 'none'})"
        broken = sorted({d.file for d in self.diagnostics
                         if d.severity is Severity.ERROR and d.file})
        if broken:
            text += f"; these files did not load: {', '.join(broken)} (`accord check` says why)"
        return UsageError(text)


def _expr_start(doc: YamlDocument, text: str, pointer: str) -> tuple[int, int]:
    """Line and column of the first character of the scalar's *content*."""
    pos = doc.position(pointer)
    lines = text.splitlines()
    if not 0 < pos.line <= len(lines):
        return pos.line, pos.col
    line = lines[pos.line - 1]
    char = line[pos.col - 1: pos.col]
    if char in ("'", '"'):
        return pos.line, pos.col + 1
    if char in ("|", ">"):  # block scalar: content starts on the next non-empty line
        for number in range(pos.line, len(lines)):
            nxt = lines[number]
            if nxt.strip():
                return number + 1, len(nxt) - len(nxt.lstrip(" ")) + 1
    return pos.line, pos.col


def _syntax_diagnostic(expr: Expr, display: str, exc: ExpressionError) -> Diagnostic:
    """ACC401 at the failing column inside the expression, with the expression and a caret."""
    first = expr.text.splitlines()[0] if expr.text.strip() else expr.text
    column = min(exc.column if exc.column is not None else 0, len(first))
    caret = f"{first}\n{' ' * column}^"
    problem = exc.message.split("\n", 1)[0]
    message = f"expression syntax error: {problem}\n    " + caret.replace("\n", "\n    ")
    return Diagnostic(code=codes.EXPRESSION_SYNTAX, message=message, file=display, line=expr.line,
                      col=expr.col + column if "\n" not in expr.text[:column] else expr.col,
                      pointer=expr.pointer,
                      hint="fix the JMESPath syntax (quote names with special characters in "
                           "double quotes, string literals in single quotes or `\"json\"`)",
                      extra={"expression": expr.text, "column": column})


#: How deep an expression's AST may nest: far beyond a real mapping (a 64-part path), well
#: within what the checker, the compiler and Python's own parser handle without recursing out.
MAX_DEPTH = 64


def _refused(tree: Any) -> str | None:
    """Why the compiler would refuse a tree that parsed (None when it will compile): nesting
    deeper than :data:`MAX_DEPTH`, or a slice step of 0. Walked without recursion."""
    stack: list[tuple[Any, int]] = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            return (f"the expression nests deeper than {MAX_DEPTH} levels (a path of more than "
                    f"{MAX_DEPTH} parts, or as many chained operators)")
        if not isinstance(node, dict):
            continue
        if node.get("type") == "slice" and len(node.get("children", [])) == 3 and \
                node["children"][2] == 0:
            return "a slice step cannot be 0"
        chain = node.get("type") == "subexpression"  # a.b.c: one node, a chain in the code
        stack.extend((child, depth + 1 + (i if chain else 0))
                     for i, child in enumerate(node.get("children", ()))
                     if isinstance(child, dict))
    return None


def parse_expression(expr: Expr, display: str) -> tuple[Any, Diagnostic | None]:
    """The AST of ``expr``: the one the loader made (never parsed again), or, for an ``Expr``
    built by hand, the strict parser's (the same parser); else a located ACC401 diagnostic."""
    if expr.ast is not None:
        return expr.ast, None
    try:
        tree = parse(expr.text)
    except ExpressionError as exc:
        return None, _syntax_diagnostic(expr, display, exc)
    problem = _refused(tree)
    if problem is not None:
        return None, Diagnostic(codes.EXPRESSION_REFUSED, f"{problem}: the compiler cannot take it",
                                display, expr.line, expr.col, expr.pointer,
                                hint="split it into smaller rules, or use a function "
                                     "(coalesce(), join()) instead of long chains",
                                extra={"expression": expr.text})
    return tree, None


class _Builder:
    def __init__(self, doc: YamlDocument, text: str) -> None:
        self.doc = doc
        self.text = text
        self.diags: list[Diagnostic] = []

    def expr(self, value: Any, pointer: str) -> Expr | None:
        if not isinstance(value, str):
            return None
        line, col = _expr_start(self.doc, self.text, pointer)
        e = Expr(value, line, col, pointer)
        ast, diag = parse_expression(e, self.doc.display)  # the one parse of this expression
        if diag is not None:
            self.diags.append(diag)
            return e
        return Expr(value, line, col, pointer, ast)

    def rules(self, fields: dict[str, Any], pointer: str) -> tuple[Rule, ...]:
        out: list[Rule] = []
        for name, body in fields.items():
            ptr = join_pointer(pointer, name)
            pos = self.doc.position(ptr, key=True)
            target = tuple(name.split("."))
            common: dict[str, Any] = {"target": target, "pointer": ptr, "line": pos.line,
                                      "col": pos.col}
            if isinstance(body, str):
                out.append(FieldRule(**common, expr=self.expr(body, ptr)))
            elif "each" in body:
                each = self.expr(body["each"], join_pointer(ptr, "each")) or Expr("@", 0, 0, ptr)
                out.append(EachRule(
                    **common, each=each, rules=self.rules(body["fields"],
                                                          join_pointer(ptr, "fields")),
                    when=self.expr(body.get("when"), join_pointer(ptr, "when")),
                    note=body.get("note")))
            elif "n/a" in body:
                out.append(NotApplicable(**common, reason=body["n/a"]))
            else:
                out.append(self.field_rule(body, ptr, common))
        return tuple(out)

    def lookup_ref(self, raw: Any, pointer: str) -> LookupRef | None:
        """One table of a rule's ``lookup:``: its name, or an inline table."""
        if isinstance(raw, str):
            return LookupRef(name=raw)
        if isinstance(raw, dict):
            return LookupRef(inline=Lookup(name=f"inline:{pointer}", values=dict(raw),
                                           file=self.doc.display,
                                           line=self.doc.position(pointer).line, inline=True))
        return None

    def field_rule(self, body: dict[str, Any], ptr: str, common: dict[str, Any]) -> FieldRule:
        raw = body.get("lookup")
        lookup = self.lookup_ref(raw, join_pointer(ptr, "lookup"))
        if isinstance(raw, list):
            steps = [self.lookup_ref(item, join_pointer(ptr, "lookup", index))
                     for index, item in enumerate(raw)]
            lookup = LookupRef(chain=tuple(step for step in steps if step is not None))
        on_miss = OnMiss(body["on_miss"]) if "on_miss" in body else None
        return FieldRule(
            **common,
            expr=self.expr(body.get("expr"), join_pointer(ptr, "expr")),
            has_default="default" in body,
            default=body.get("default"),
            default_on=DefaultOn(body.get("default_on", "null")),
            lookup=lookup,
            on_miss=on_miss,
            when=self.expr(body.get("when"), join_pointer(ptr, "when")),
            required=bool(body.get("required", False)),
            omit_null=body.get("omit_null"),
            note=body.get("note"),
        )


def _endpoint(data: dict[str, Any]) -> Endpoint:
    extra = tuple(sorted((name, json.dumps(schema, sort_keys=True))
                         for name, schema in (data.get("extra_fields") or {}).items()))
    return Endpoint(contract=data.get("contract"), system=data.get("system"),
                    schema=data.get("schema"), operation=data.get("operation"),
                    extra_fields=extra)


def load_spec(path: str | Path, *, root: str | Path | None = None) -> MappingSpec:
    """Load one spec. Raises :class:`LoadError` carrying every finding when it is not valid."""
    p = Path(path)
    display = relative(p, root) if root is not None else relative(p)
    base = Path(root) if root is not None else _workspace_of(p)
    doc = load_yaml(p, display=display, root=base)
    text = fsio.read_text(p, root=base, display=display)
    diags = validate_format("mapping", doc)
    if diags:
        raise LoadError(f"{display}: not a valid mapping/v1 spec", diagnostics=diags)
    data: dict[str, Any] = doc.data
    builder = _Builder(doc, text)
    rules = builder.rules(data["fields"], "/fields")
    when = builder.expr(data.get("when"), "/when")
    key = builder.expr(data.get("key"), "/key")
    examples: list[Example] = []
    # a broken example is a finding of its own: the spec still loads (and generates) without it
    example_diags: list[Diagnostic] = []
    for i, ex in enumerate(data.get("examples", [])):
        ptr = join_pointer("/examples", i)
        paths: dict[str, Path] = {}
        broken_before = len(example_diags)
        for which in ("input", "output"):
            # confined: never a path out of the workspace (absolute, '..', symlink), never a
            # FIFO, device or folder; the file is not opened when it is refused
            target, problem = fsio.spec_path(p.parent, str(ex[which]), base)
            problem = problem or fsio.probe(target, root=base)
            paths[which] = Path(os.path.abspath(target))
            if problem is None:
                continue
            if problem.code == codes.FILE_UNREADABLE and not target.is_dir():
                problem = fsio.Problem(codes.EXAMPLE_NOT_FOUND,
                                       f"example {which} file not found: {target.name}",
                                       "example paths are relative to the spec file")
            else:
                problem = fsio.Problem(problem.code, f"example {which}: {problem.message}",
                                       problem.hint)
            pos = doc.position(join_pointer(ptr, which))
            example_diags.append(problem.diagnostic(display, pos.line, pos.col,
                                                    join_pointer(ptr, which)))
        if len(example_diags) > broken_before:
            continue
        examples.append(Example(input=paths["input"], output=paths["output"],
                                name=ex.get("name") or Path(ex["input"]).stem,
                                pointer=ptr, line=doc.position(ptr).line))
    if builder.diags:
        raise LoadError(f"{display}: invalid expressions",
                        diagnostics=builder.diags + example_diags)
    return MappingSpec(path=Path(os.path.realpath(p)), display=display, document=doc, text=text,
                       name=data["name"], version=data["version"],
                       source=_endpoint(data["source"]), target=_endpoint(data["target"]),
                       rules=rules, when=when, key=key, examples=tuple(examples),
                       description=data.get("description", ""),
                       omit_null=bool((data.get("defaults") or {}).get("omit_null", False)),
                       problems=tuple(example_diags))


def _workspace_of(spec: Path) -> Path:
    """The workspace root a spec lives in (its nearest folder holding contracts/), else the
    spec's own folder: what paths in the spec are confined to."""
    folder = Path(os.path.realpath(spec)).parent
    for candidate in (folder, *folder.parents):
        if (candidate / "contracts").is_dir():
            return candidate
    return folder


def load_lookups(root: str | Path) -> tuple[dict[str, Lookup], list[Diagnostic]]:
    """Every table in ``<root>/mappings/lookups/*.yaml``."""
    base = Path(root)
    folder = base / "mappings" / "lookups"
    tables: dict[str, Lookup] = {}
    diags: list[Diagnostic] = []
    for file in sorted(folder.glob("*.y*ml")) if folder.is_dir() else []:
        display = relative(file, base)
        try:
            doc = load_yaml(file, display=display, root=base)
        except LoadError as exc:
            diags.extend(exc.diagnostics)
            continue
        found = validate_format("lookup", doc)
        if found:
            diags.extend(found)
            continue
        name = doc.data["name"]
        if name != file.stem:
            diags.append(doc.diagnostic(codes.LOOKUP_NAME,
                                        f"lookup {name!r} lives in {file.name}", "/name",
                                        hint=f"name the file {name}.yaml, or the table "
                                             f"{file.stem!r}"))
            continue
        tables[name] = Lookup(name=name, values=dict(doc.data["values"]), file=display,
                              line=doc.position("/values").line)
    return tables, diags


def discover_specs(root: str | Path) -> list[Path]:
    """``mappings/<flow>/*.yaml`` (lookups/ and examples/ are not specs, nor is a folder's
    ``flow.yaml``), sorted."""
    folder = Path(root) / "mappings"
    if not folder.is_dir():
        return []
    found = []
    for file in folder.rglob("*.y*ml"):
        parts = file.relative_to(folder).parts
        if parts and parts[0] in _SKIP_DIRS:
            continue
        if len(parts) == 2 and file.name in ("flow.yaml", "flow.yml"):
            continue  # a flow (accord.mapping.flow), not a mapping spec
        if file.suffix in (".yaml", ".yml"):
            found.append(file)
    return sorted(found)


def load_mappings(root: str | Path) -> MappingSet:
    """Load every spec and lookup under ``root``; findings are collected, never raised."""
    result = MappingSet()
    result.lookups, result.diagnostics = load_lookups(root)
    names: dict[str, MappingSpec] = {}
    for path in discover_specs(root):
        try:
            spec = load_spec(path, root=root)
        except LoadError as exc:
            result.diagnostics.extend(exc.diagnostics)
            continue
        if spec.name in names:
            result.diagnostics.append(spec.document.diagnostic(
                codes.SPEC_NAME_TWICE, f"mapping name {spec.name!r} is also used by "
                f"{names[spec.name].display}", "/name", hint="give each mapping a unique name"))
            continue
        names[spec.name] = spec
        result.specs.append(spec)
        result.diagnostics.extend(spec.problems)
    return result
