"""The JSON paths pacts use (``$.data.name``, ``$.Invoices[0].Contact['Contact ID']``) as
segments, and the mapping rules (``metadata.accord.rules``) that depend on a field.

A pact's matching rules, the verifier's mismatches and ``metadata.accord.rules`` all name body
fields by these paths; ``[*]`` (any element) matches every index.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from accord.jsondoc import ANY_ITEM, json_path

__all__ = ["Segment", "format_path", "parse_path", "rules_for"]

Segment = str | int

#: a name after a dot; lenient (``$``, ``-``) as pact paths are read, not written, here
_NAME = re.compile(r"[A-Za-z_$][A-Za-z0-9_$-]*")
_ESCAPES = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "/": "/", "\\": "\\",
            "'": "'", '"': '"'}


def parse_path(path: str) -> tuple[Segment, ...] | None:
    """``$.a.b[0]['x y'][*]`` as ``("a", "b", 0, "x y", ANY_ITEM)``; None when it is not a
    path (the inverse of :func:`accord.jsondoc.json_path`)."""
    text = path.strip()
    if not text.startswith("$"):
        return None
    i = 1
    out: list[Segment] = []
    while i < len(text):
        ch = text[i]
        if ch == ".":
            if text[i + 1:i + 2] == "*":
                out.append(ANY_ITEM)
                i += 2
                continue
            match = _NAME.match(text, i + 1)
            if match is None:
                return None
            out.append(match.group())
            i = match.end()
        elif ch == "[":
            end = _bracket_end(text, i)
            if end is None:
                return None
            inner = text[i + 1:end].strip()
            if inner == "*":
                out.append(ANY_ITEM)
            elif inner.isdigit():
                out.append(int(inner))
            elif len(inner) >= 2 and inner[0] == inner[-1] and inner[0] in "'\"":
                name = _unescape(inner[1:-1])
                if name is None:
                    return None
                out.append(name)
            else:
                return None
            i = end + 1
        else:
            return None
    return tuple(out)


def _bracket_end(text: str, start: int) -> int | None:
    quote = None
    i = start + 1
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == "\\":
                i += 2
                continue
            if ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
        elif ch == "]":
            return i
        i += 1
    return None


def _unescape(quoted: str) -> str | None:
    out, i = [], 0
    while i < len(quoted):
        ch = quoted[i]
        if ch != "\\":
            out.append(ch)
            i += 1
            continue
        nxt = quoted[i + 1:i + 2]
        if nxt == "u" and re.fullmatch(r"[0-9a-fA-F]{4}", quoted[i + 2:i + 6]):
            out.append(chr(int(quoted[i + 2:i + 6], 16)))
            i += 6
        elif nxt in _ESCAPES:
            out.append(_ESCAPES[nxt])
            i += 2
        else:
            return None
    return "".join(out)


def format_path(segments: Iterable[Segment]) -> str:
    """The path of ``segments`` (:func:`accord.jsondoc.json_path`: ``$.a[0]['x y']``)."""
    return json_path(tuple(segments))


def _same(a: Segment, b: Segment) -> bool:
    if isinstance(a, int) and isinstance(b, int):
        return a == b or ANY_ITEM in (a, b)
    return a == b


def _prefix(short: tuple[Segment, ...], long: tuple[Segment, ...]) -> bool:
    return len(short) <= len(long) and all(_same(a, b) for a, b in zip(short, long, strict=False))


def rules_for(field: str | None, rules: Mapping[str, str]) -> list[str]:
    """The rules (``file:line``) that depend on ``field``: those reading the field itself or
    anything inside it; failing that, the rule reading its nearest enclosing field. ``field``
    None (a status or a transport error) gives every rule of the interaction."""
    if field is None:
        return sorted(set(rules.values()), key=_rule_key)
    target = parse_path(field)
    if target is None:
        return []
    parsed = [(seg, rule) for path, rule in rules.items()
              if (seg := parse_path(path)) is not None]
    inside = {rule for seg, rule in parsed if _prefix(target, seg)}
    if inside:
        return sorted(inside, key=_rule_key)
    enclosing = [(len(seg), rule) for seg, rule in parsed if _prefix(seg, target)]
    if not enclosing:
        return []
    deepest = max(depth for depth, _ in enclosing)
    return sorted({rule for depth, rule in enclosing if depth == deepest}, key=_rule_key)


def _rule_key(rule: str) -> tuple[str, int]:
    file, _, line = rule.rpartition(":")
    return (file, int(line)) if line.isdigit() else (rule, 0)
