"""Dead letters: the records a run could not deliver, one JSON object per line, with why.

Each line of the dead-letter file is::

    {"line_number": 17, "class": "data_quality", "message": "...", "path": "$.lines[0].hours",
     "pointer": "/lines/0/hours", "rule": "mappings/x.yaml:14", "target": "$.roles[0].hours",
     "input": {...}}

``class`` is ``mapping_error`` (the mapping or its code failed on this record),
``data_quality`` (the input is malformed, or the output fails the target schema) or
``business_rule`` (a rule of the mapping refused the record). ``input`` is the parsed record;
a line that is not a JSON object has ``raw`` (the line as text) instead. Output-schema failures
also list every violation in ``violations``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum
from typing import IO, TYPE_CHECKING, Any

from accord.jsondoc import ANY_ITEM, Location, json_path, json_pointer
from accord.runtime.jsonl import dumps_line

if TYPE_CHECKING:  # the validator (jsonschema-rs) loads only for a run that validates
    from accord.runtime.validate import Violation

__all__ = ["SAME_ITEM", "DeadLetter", "DeadLetterWriter", "ErrorClass", "rule_for_output"]

#: In the source location of a generated module's ``RULES``: the item of the array at the
#: same position as the output item (a plain ``each``). An ``each`` over a filter has
#: :data:`accord.jsondoc.ANY_ITEM` there instead (output item n is not source item n).
SAME_ITEM = -2


def rule_for_output(rules: dict[Location, tuple[str, Location]], location: Location
                    ) -> tuple[str, Location] | None:
    """The rule that wrote the output at ``location`` (``("roles", 1, "hours")``) and the
    source location it read (``("lines", 1, "hours")``), from a generated module's ``RULES``
    (keys: output locations with :data:`~accord.jsondoc.ANY_ITEM` for an item of an
    ``each``); the closest enclosing property's rule when that one has none; None when no
    rule wrote it."""
    indexes = [part for part in location if isinstance(part, int)]
    pattern = tuple(ANY_ITEM if isinstance(part, int) else part for part in location)
    while pattern:
        found = rules.get(pattern)
        if found is not None:
            rule, source = found
            level = iter(indexes)  # the output's item positions, outermost first
            read: list[str | int] = []
            for part in source:
                if isinstance(part, int) and part < 0:  # an each's item, in order
                    position = next(level, ANY_ITEM)
                    part = position if part == SAME_ITEM else ANY_ITEM
                read.append(part)
            return rule, tuple(read)
        pattern = pattern[:-1]
    return None


class ErrorClass(StrEnum):
    MAPPING_ERROR = "mapping_error"
    DATA_QUALITY = "data_quality"
    BUSINESS_RULE = "business_rule"

    @classmethod
    def parse(cls, value: str) -> ErrorClass:
        """The class named ``value``; ``mapping_error`` for anything else."""
        try:
            found = _BY_VALUE.get(value)  # a dict: Enum's own lookup is slow
        except TypeError:  # unhashable: not a class name
            found = None
        return cls.MAPPING_ERROR if found is None else found


_BY_VALUE: dict[str, ErrorClass] = {member.value: member for member in ErrorClass}
#: Rendered locations (JSON path, JSON pointer): a run's dead letters repeat a few locations
#: (one per rule), so each is rendered once; bounded, for runs whose locations do not repeat
_RENDERED: dict[Location, tuple[str, str | None]] = {}
_RENDERED_MAX = 4096


def _rendered(location: Location) -> tuple[str, str | None]:
    """``location`` as (JSON path, JSON pointer)."""
    try:
        found = _RENDERED.get(location)
    except TypeError:  # not a tuple (a list): rendered each time
        return json_path(location), json_pointer(location)
    if found is None:
        found = json_path(location), json_pointer(location)
        if len(_RENDERED) < _RENDERED_MAX:
            _RENDERED[location] = found
    return found


@dataclass(slots=True)  # not frozen: a frozen dataclass's __init__ costs 2x, per dead letter
class DeadLetter:
    """One record a run could not deliver. ``path`` and ``target`` are locations (tuples of
    names and indexes), rendered only when the letter is written (:meth:`to_dict`)."""

    line_number: int
    error_class: ErrorClass
    message: str
    path: Location = ()
    rule: str | None = None
    input: Any = None
    target: Location | None = None
    raw: str | None = None
    violations: list[Violation] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        path, pointer = _rendered(self.path)
        data: dict[str, Any] = {
            "line_number": self.line_number,
            "class": self.error_class.value,
            "message": self.message,
            "path": path,
            "pointer": pointer,
            "rule": self.rule,
            "target": None if self.target is None else _rendered(self.target)[0],
        }
        if self.violations:
            data["violations"] = [v.to_dict() for v in self.violations]
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
