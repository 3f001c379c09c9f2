"""YAML loading that keeps every node's position.

accord reads YAML with the YAML 1.2 core schema (``true``/``false`` only, so ``NO`` — Norway —
stays a string, and dates stay ISO strings as JSON Schema expects), refuses duplicate keys, and
remembers the line and column of every value and key by JSON pointer, so that any later finding
can point at the file, line and column it is about.

Hostile files are refused before anything walks them (:func:`check_node_graph`): the composed
node graph is measured once, in time linear in the file, without expanding aliases. An alias
chain that would expand past :data:`MAX_EXPANDED_NODES` plus ten nodes per node written in the
file (a "billion laughs" bomb) is ACC020, an alias inside its own anchor (a cycle) ACC021, and
nesting deeper than :data:`MAX_DEPTH` levels ACC022 — real files, including the vendors' API
descriptions, nest at most ~25 levels and expand aliases by a few nodes.


Every failure is a :class:`~accord.errors.LoadError` carrying one
:class:`~accord.diagnostics.Diagnostic` with the file, line, column and a hint — never a
traceback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from accord import codes, fsio
from accord.diagnostics import Diagnostic, relative
from accord.errors import LoadError
from accord.jsondoc import join_pointer

__all__ = ["MAX_DEPTH", "MAX_EXPANDED_NODES", "Position", "Yaml12Loader", "YamlDocument",
           "check_node_graph", "compose_checked", "load_yaml", "load_yaml_text"]

#: Deepest nesting accepted in a YAML (or JSON) file of the workspace. The deepest real file
#: seen (BambooHR's API description) nests 22 levels; recursive walkers downstream (schema
#: checks, bundling, diffing) stay far below Python's recursion limit at this depth.
MAX_DEPTH = 64
#: Nodes any file may expand to through aliases, beyond ten per node actually written.
MAX_EXPANDED_NODES = 100_000

try:  # libyaml is ~10x faster when present; both give node marks.
    _BaseLoader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _BaseLoader = yaml.SafeLoader


class Yaml12Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """SafeLoader with YAML 1.2 core-schema booleans and no implicit timestamps."""


Yaml12Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers
            if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.copy().items()
}
Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


@dataclass(frozen=True, order=True)
class Position:
    """1-based line and column."""

    line: int
    col: int


@dataclass
class YamlDocument:
    """A loaded YAML file: plain Python data plus where each node came from."""

    path: Path
    data: Any
    positions: dict[str, Position] = field(default_factory=dict)
    key_positions: dict[str, Position] = field(default_factory=dict)
    display: str = ""

    def position(self, pointer: str = "", *, key: bool = False) -> Position:
        """Position of ``pointer``'s node, or of its nearest ancestor that has one."""
        table = self.key_positions if key else self.positions
        p = pointer
        while True:
            if p in table:
                return table[p]
            if key and p in self.positions:
                return self.positions[p]
            if not p:
                return Position(1, 1)
            p = p.rsplit("/", 1)[0]

    def diagnostic(self, code: str, message: str, pointer: str = "", *, hint: str = "",
                   key: bool = False, **kwargs: Any) -> Diagnostic:
        pos = self.position(pointer, key=key)
        return Diagnostic(code=code, message=message, file=self.display, line=pos.line,
                          col=pos.col, pointer=pointer, hint=hint, **kwargs)


def _fail(display: str, code: str, message: str, line: int = 0, col: int = 0,
          hint: str = "") -> LoadError:
    diag = Diagnostic(code=code, message=message, file=display, line=line, col=col, hint=hint)
    return LoadError(diag.format(), diagnostics=[diag])


def load_yaml(path: str | Path, *, display: str | None = None, allow_empty: bool = False,
              root: str | Path | None = None) -> YamlDocument:
    """Read and parse one YAML file (confined to ``root`` when given; FIFOs, devices, folders,
    oversized files are refused by :mod:`accord.fsio`). Raises :class:`LoadError` with a
    located diagnostic."""
    p = Path(path)
    shown = display or relative(p)
    raw = fsio.read_bytes(p, root=root, display=shown)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise _fail(shown, codes.NOT_UTF8, f"not valid UTF-8 (byte 0x{raw[exc.start]:02x})", line,
                    col, hint="save the file as UTF-8") from None
    return load_yaml_text(text, path=p, display=shown, allow_empty=allow_empty)


def load_yaml_text(text: str, *, path: str | Path = "<string>", display: str | None = None,
                   allow_empty: bool = False) -> YamlDocument:
    shown = display or str(path)
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip() or all(
        not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()
    ):
        if allow_empty:
            return YamlDocument(Path(path), None, {"": Position(1, 1)}, {}, shown)
        raise _fail(shown, codes.EMPTY_FILE, "file is empty", 1, 1,
                    hint="add the document's content, or delete the file")
    for number, text_line in enumerate(text.splitlines(), 1):
        stripped = text_line.lstrip(" ")
        if stripped.startswith("\t"):
            raise _fail(shown, codes.TAB_INDENT, "tab character in indentation", number,
                        len(text_line) - len(stripped) + 1,
                        hint="YAML indentation must use spaces; replace the tab with spaces")
    loader = Yaml12Loader(text)
    try:
        node = loader.get_single_node()
        if node is not None:
            check_node_graph(node, shown)
        if node is None or (isinstance(node, yaml.ScalarNode) and node.value == ""
                            and node.tag == "tag:yaml.org,2002:null"):
            if allow_empty:
                return YamlDocument(Path(path), None, {"": Position(1, 1)}, {}, shown)
            raise _fail(shown, codes.EMPTY_FILE, "file is empty", 1, 1,
                        hint="add the document's content, or delete the file")
        doc = YamlDocument(Path(path), None, {}, {}, shown)
        doc.data = _build(loader, node, "", doc)
        return doc
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        problem = exc.problem or "malformed YAML"
        if exc.context:
            problem = f"{problem} ({exc.context})"
        hint = "check indentation, quoting and that every ':' is followed by a space"
        if "expected a single document" in problem:
            hint = "a file holds one document: remove the extra '---' separator"
        raise _fail(shown, codes.MALFORMED_YAML,
                           f"malformed YAML: {problem}", line, col, hint) from None
    except yaml.YAMLError as exc:
        raise _fail(shown, codes.MALFORMED_YAML, f"malformed YAML: {exc}",
                    hint="check the file's YAML syntax") from None
    except RecursionError:  # pragma: no cover - check_node_graph bounds the depth first
        raise _too_deep(shown, 0, 0) from None
    finally:
        loader.dispose()


def compose_checked(text: str, display: str) -> tuple[yaml.SafeLoader, yaml.Node | None]:
    """Compose ``text`` into a node graph that :func:`check_node_graph` accepted.

    For readers that need plain data without positions (the large API descriptions):
    ``loader.construct_document(node)`` then builds it, sharing aliased nodes. The caller
    disposes of the loader. Raises ``yaml.YAMLError`` for malformed YAML and
    :class:`LoadError` (ACC020-ACC022) for hostile graphs.
    """
    loader = Yaml12Loader(text)
    try:
        node = loader.get_single_node()
        if node is not None:
            check_node_graph(node, display)
    except BaseException:
        loader.dispose()
        raise
    return loader, node


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _too_deep(display: str, line: int, col: int) -> LoadError:
    return _fail(display, codes.TOO_DEEP, f"nested more than {MAX_DEPTH} levels deep", line, col,
                 hint="flatten the structure: accord reads files nested at most "
                      f"{MAX_DEPTH} levels deep")


def check_node_graph(root: yaml.Node, display: str) -> None:
    """Refuse a composed YAML graph that is too deep, cyclic or expands too far (ACC020-022).

    Aliases make the graph a DAG (or a cycle) whose tree can be exponentially larger than the
    file; this walks each distinct node once (iteratively: no recursion), computing the size
    and height its expansion would have.
    """
    size: dict[int, int] = {}
    height: dict[int, int] = {}
    kids: dict[int, list[yaml.Node]] = {}
    open_nodes: set[int] = set()  # the ancestors of the node being visited
    stack: list[tuple[yaml.Node, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        key = id(node)
        if depth < 0:  # every child is done: fold their sizes and heights into this node
            open_nodes.discard(key)
            children = kids.pop(key)
            size[key] = min(1 + sum(size[id(c)] for c in children), 1 << 62)
            height[key] = 1 + max((height[id(c)] for c in children), default=0)
            continue
        if key in size:
            continue
        if depth > MAX_DEPTH:
            raise _too_deep(display, *_mark(node))
        if isinstance(node, yaml.ScalarNode):
            size[key] = height[key] = 1
            continue
        children = ([c for pair in node.value for c in pair]
                    if isinstance(node, yaml.MappingNode) else list(node.value))
        kids[key] = children
        open_nodes.add(key)
        stack.append((node, -1))
        for child in children:
            ck = id(child)
            if ck in open_nodes:
                raise _fail(display, codes.RECURSIVE_ALIAS,
                                     "recursive alias: a node contains an alias "
                            "of itself", *_mark(child),
                            hint="an alias (*name) may not appear inside the node its anchor "
                                 "(&name) marks")
            if ck not in size:
                stack.append((child, depth + 1))
            elif depth + height[ck] > MAX_DEPTH:
                raise _too_deep(display, *_mark(node))
    limit = MAX_EXPANDED_NODES + 10 * len(size)
    if size[id(root)] > limit:
        shown = f"{size[id(root)]:,}" if size[id(root)] < 1 << 62 else "too many"
        raise _fail(display, codes.ALIAS_BOMB,
                             f"aliases expand this file to {shown} nodes (the limit "
                    f"is {limit:,}): an alias bomb?", *_mark(root),
                    hint="write the repeated parts out, or reference them without nesting "
                         "aliases of aliases")




def _build(loader: yaml.SafeLoader, node: yaml.Node, pointer: str, doc: YamlDocument) -> Any:
    doc.positions[pointer] = Position(node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)  # resolves YAML merge keys (<<)
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if isinstance(key, (list, dict)):
                raise _fail(doc.display, codes.MALFORMED_YAML,
                                         "malformed YAML: a mapping key must be a scalar",
                            key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            if not isinstance(key, str):
                key = "null" if key is None else str(key).lower() if isinstance(key, bool) \
                    else str(key)
            child = join_pointer(pointer, key)
            if key in result:
                first = doc.key_positions.get(child)
                where = f" (first defined on line {first.line})" if first else ""
                raise _fail(doc.display, codes.DUPLICATE_KEY, f"duplicate key {key!r}{where}",
                            key_node.start_mark.line + 1, key_node.start_mark.column + 1,
                            hint="remove or rename one of the two keys")
            doc.key_positions[child] = Position(key_node.start_mark.line + 1,
                                                key_node.start_mark.column + 1)
            result[key] = _build(loader, value_node, child, doc)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_build(loader, item, join_pointer(pointer, i), doc)
                for i, item in enumerate(node.value)]
    return loader.construct_object(node, deep=True)
