"""Findings: where, what, and how to fix it, rendered for people (text), tools (json) and CI
(junit).

A :class:`Diagnostic` names the file, the 1-based line and column, the JSON pointer of the node
it is about, a stable code, a message and a hint. Commands collect all findings and report them
together, errors first.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

__all__ = [
    "Diagnostic",
    "JUnitCase",
    "Severity",
    "junit_cases",
    "printable",
    "render",
    "render_json",
    "render_junit",
    "render_junit_cases",
    "render_text",
]


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


#: What a terminal would act on rather than show: C0 controls but newline and tab, DEL, C1
#: controls (CSI, OSC, ...), bidi embeddings/overrides/isolates, line/paragraph separators.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e"
                          "\u2028\u2029\u2066-\u2069\ufeff\ud800-\udfff]")


def printable(text: str) -> str:
    """``text`` safe to print on a terminal: escape sequences (ESC, CSI, OSC), other control
    characters, bidi overrides and lone surrogates are written as ``\\xNN``/``\\uNNNN``, so a
    name from a spec can never move the cursor, retitle the window or reorder what is shown."""
    if not _UNPRINTABLE.search(text):
        return text
    return _UNPRINTABLE.sub(
        lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
        else f"\\u{ord(m.group()):04x}", text)


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
        text = f"{printable(self.location)}: {self.code} {printable(self.message)}"
        if self.pointer:
            text += f" (at {printable(self.pointer)})"
        if self.hint:
            text += f"\n    hint: {printable(self.hint)}"
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
    try:  # realpath, not Path.resolve(): a symlink loop must not raise here
        real = Path(os.path.realpath(p))
        return real.relative_to(os.path.realpath(base or Path.cwd())).as_posix()
    except ValueError:
        return p.as_posix()


def sort(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    return sorted(diagnostics, key=Diagnostic.sort_key)


def render_text(diagnostics: Sequence[Diagnostic]) -> str:
    return "\n".join(d.format() for d in sort(diagnostics))


def render_json(diagnostics: Sequence[Diagnostic], **summary: Any) -> str:
    payload = {"diagnostics": [d.to_dict() for d in sort(diagnostics)], **summary}
    return json.dumps(payload, indent=2, sort_keys=False)


@dataclass(frozen=True)
class JUnitCase:
    """One ``<testcase>``: a golden example, a finding or a gate criterion.

    ``failure`` is the one-line message of a failed case (None when it passed); ``body`` is the
    text CI shows under it (a diff, the reasons); ``skipped`` marks a case that did not run.
    """

    name: str
    classname: str
    failure: str | None = None
    failure_type: str = "failure"
    body: str = ""
    skipped: str | None = None
    seconds: float = 0.0


def junit_cases(diagnostics: Sequence[Diagnostic], *, suite: str = "accord") -> list[JUnitCase]:
    """One case per finding: errors fail, warnings and notes pass with the text as output."""
    cases = []
    for d in sort(diagnostics):
        failed = d.severity is Severity.ERROR
        body = d.format()
        diff = d.extra.get("diff") if d.extra else None
        if isinstance(diff, str) and diff:
            body += "\n\n" + diff
        cases.append(JUnitCase(name=f"{d.code} {d.location}", classname=d.file or suite,
                               failure=d.message if failed else None, failure_type=d.code,
                               body=body))
    return cases


def _xml_text(text: str) -> str:
    """``text`` escaped for XML 1.0: markup escaped, and characters XML cannot carry at all
    (C0 controls such as ESC, surrogates, U+FFFE/U+FFFF) written as ``\\uXXXX``."""
    from xml.sax.saxutils import escape  # here: it imports urllib, http and email (slow)

    return escape(_XML_INVALID.sub(lambda m: f"\\u{ord(m.group()):04x}", text))


def _xml_attr(text: str) -> str:
    from xml.sax.saxutils import quoteattr

    return quoteattr(_XML_INVALID.sub(lambda m: f"\\u{ord(m.group()):04x}", text))


_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def render_junit_cases(cases: Sequence[JUnitCase], *, suite: str = "accord") -> str:
    """A JUnit XML report; a suite with no cases gets one passing ``clean`` case."""
    if not cases:
        cases = [JUnitCase(name="clean", classname=suite)]
    failures = sum(1 for c in cases if c.failure is not None)
    skipped = sum(1 for c in cases if c.skipped is not None and c.failure is None)
    total_time = sum(c.seconds for c in cases)
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f"<testsuites><testsuite name={_xml_attr(suite)} tests={_xml_attr(str(len(cases)))}"
        f" failures={_xml_attr(str(failures))} errors=\"0\" skipped={_xml_attr(str(skipped))}"
        f" time={_xml_attr(f'{total_time:.3f}')}>",
    ]
    for c in cases:
        lines.append(f"<testcase classname={_xml_attr(c.classname)} name={_xml_attr(c.name)}"
                     f" time={_xml_attr(f'{c.seconds:.3f}')}>")
        if c.failure is not None:
            lines.append(f"<failure type={_xml_attr(c.failure_type)} "
                         f"message={_xml_attr(c.failure)}>{_xml_text(c.body)}</failure>")
        elif c.skipped is not None:
            lines.append(f"<skipped message={_xml_attr(c.skipped)}/>")
            if c.body:
                lines.append(f"<system-out>{_xml_text(c.body)}</system-out>")
        elif c.body:
            lines.append(f"<system-out>{_xml_text(c.body)}</system-out>")
        lines.append("</testcase>")
    lines.append("</testsuite></testsuites>")
    return "\n".join(lines)


def render_junit(diagnostics: Sequence[Diagnostic], *, suite: str = "accord") -> str:
    """One testcase per finding (failed) or one passing case when there are none."""
    return render_junit_cases(junit_cases(diagnostics, suite=suite), suite=suite)


def render(diagnostics: Sequence[Diagnostic], fmt: str, *, suite: str = "accord",
           **summary: Any) -> str:
    if fmt == "json":
        return render_json(diagnostics, **summary)
    if fmt == "junit":
        return render_junit(diagnostics, suite=suite)
    return render_text(diagnostics)
