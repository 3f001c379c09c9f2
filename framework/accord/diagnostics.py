"""Findings: where, what, and how to fix it, rendered for people (text), tools (json) and CI
(junit).

A :class:`Diagnostic` names the file, the 1-based line and column, the JSON pointer of the node
it is about, a stable code, a message and a hint. Commands collect all findings and report them
together, errors first.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

__all__ = ["Diagnostic", "Severity", "render", "render_json", "render_junit", "render_text"]


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class Diagnostic:
    """One finding. ``line``/``col`` are 1-based; 0 means unknown."""

    code: str
    message: str
    file: str = ""
    line: int = 0
    col: int = 0
    pointer: str = ""
    hint: str = ""
    severity: Severity = Severity.ERROR
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def location(self) -> str:
        where = self.file or "<input>"
        if self.line:
            where += f":{self.line}"
            if self.col:
                where += f":{self.col}"
        return where

    def format(self) -> str:
        text = f"{self.location}: {self.code} {self.message}"
        if self.pointer:
            text += f" (at {self.pointer})"
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return text

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["severity"] = self.severity.value
        if not data["extra"]:
            del data["extra"]
        return data

    def sort_key(self) -> tuple[int, str, int, int, str]:
        order = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}[self.severity]
        return (order, self.file, self.line, self.col, self.code)


def relative(path: str | os.PathLike[str], base: str | os.PathLike[str] | None = None) -> str:
    """``path`` relative to ``base`` (default: the current directory) when it is inside it."""
    p = Path(path)
    try:
        return p.resolve().relative_to(Path(base or Path.cwd()).resolve()).as_posix()
    except ValueError:
        return p.as_posix()


def sort(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    return sorted(diagnostics, key=Diagnostic.sort_key)


def render_text(diagnostics: Sequence[Diagnostic]) -> str:
    return "\n".join(d.format() for d in sort(diagnostics))


def render_json(diagnostics: Sequence[Diagnostic], **summary: Any) -> str:
    payload = {"diagnostics": [d.to_dict() for d in sort(diagnostics)], **summary}
    return json.dumps(payload, indent=2, sort_keys=False)


def render_junit(diagnostics: Sequence[Diagnostic], *, suite: str = "accord") -> str:
    """One testcase per finding (failed) or one passing case when there are none."""
    diags = sort(diagnostics)
    failures = sum(1 for d in diags if d.severity is Severity.ERROR)
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f"<testsuites><testsuite name={quoteattr(suite)} tests={quoteattr(str(max(1, len(diags))))}"
        f" failures={quoteattr(str(failures))} errors=\"0\">",
    ]
    if not diags:
        lines.append(f"<testcase classname={quoteattr(suite)} name=\"clean\"/>")
    for d in diags:
        name = f"{d.code} {d.location}"
        lines.append(f"<testcase classname={quoteattr(d.file or suite)} name={quoteattr(name)}>")
        body = escape(d.format())
        if d.severity is Severity.ERROR:
            lines.append(f"<failure type={quoteattr(d.code)} message={quoteattr(d.message)}>"
                         f"{body}</failure>")
        else:
            lines.append(f"<system-out>{body}</system-out>")
        lines.append("</testcase>")
    lines.append("</testsuite></testsuites>")
    return "\n".join(lines)


def render(diagnostics: Sequence[Diagnostic], fmt: str, *, suite: str = "accord",
           **summary: Any) -> str:
    if fmt == "json":
        return render_json(diagnostics, **summary)
    if fmt == "junit":
        return render_junit(diagnostics, suite=suite)
    return render_text(diagnostics)
