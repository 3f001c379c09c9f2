"""Dead letters: the records a run could not deliver, one JSON object per line, with why.

Each line of the dead-letter file is::

    {"line_number": 17, "class": "data_quality", "message": "...", "path": "$.roles[0].hours",
     "rule": "mappings/x.yaml:14", "input": {...}}

``class`` is ``mapping_error`` (the mapping or its code failed on this record),
``data_quality`` (the input is malformed, or the output fails the target schema) or
``business_rule`` (a rule of the mapping refused the record). ``input`` is the parsed record;
a line that is not a JSON object has ``raw`` (the line as text) instead. Output-schema failures
also list every violation in ``violations``.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum
from typing import IO, Any

from accord.runtime.jsonl import dumps_line

__all__ = ["DeadLetter", "DeadLetterWriter", "ErrorClass", "rule_for_output"]

_INDEX = re.compile(r"\[(\d+)\]")
_LAST = re.compile(r"(\.[A-Za-z_][A-Za-z0-9_]*|\[\]|\['(?:[^'\\]|\\.)*'\])$")


def rule_for_output(rules: dict[str, tuple[str, str]], path: str) -> tuple[str, str] | None:
    """The rule that wrote the output at ``path`` (``$.roles[1].hours``) and the source path
    it read (``$.lines[1].hours``), from a generated module's ``RULES``; the closest enclosing
    property's rule when that one has none; None when no rule wrote it."""
    indexes = _INDEX.findall(path)
    pattern = _INDEX.sub("[]", path)
    while pattern and pattern != "$":
        found = rules.get(pattern)
        if found is not None:
            rule, source = found
            for index in indexes[:pattern.count("[]")]:
                source = source.replace("[]", f"[{index}]", 1)
            return rule, source
        shorter = _LAST.sub("", pattern)
        if shorter == pattern:
            return None
        pattern = shorter
    return None


class ErrorClass(StrEnum):
    MAPPING_ERROR = "mapping_error"
    DATA_QUALITY = "data_quality"
    BUSINESS_RULE = "business_rule"

    @classmethod
    def parse(cls, value: str) -> ErrorClass:
        try:
            return cls(value)
        except ValueError:
            return cls.MAPPING_ERROR


@dataclass(frozen=True)
class DeadLetter:
    line_number: int
    error_class: ErrorClass
    message: str
    path: str = "$"
    rule: str | None = None
    input: Any = None
    target: str | None = None
    raw: str | None = None
    violations: list[dict[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "line_number": self.line_number,
            "class": self.error_class.value,
            "message": self.message,
            "path": self.path,
            "rule": self.rule,
            "target": self.target,
        }
        if self.violations:
            data["violations"] = self.violations
        if self.raw is not None:
            data["raw"] = self.raw
        else:
            data["input"] = self.input
        return data


class DeadLetterWriter:
    """Writes dead letters to a binary stream as they happen (nothing is held in memory)."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.by_class: Counter[str] = Counter()

    def write(self, letter: DeadLetter) -> None:
        self.stream.write(dumps_line(letter.to_dict()))
        self.by_class[letter.error_class.value] += 1

    @property
    def count(self) -> int:
        return sum(self.by_class.values())
