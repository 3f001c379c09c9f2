"""accord's one error hierarchy.

Every exception accord raises for a user's mistake derives from :class:`AccordError`. Each stage
(load, check, compile, generate, compat, transform, verify, promote) has a small family here, so
callers can catch a stage without importing its internals. The command line maps any
``AccordError`` to its ``exit_code`` and never shows a traceback for one.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from accord.diagnostics import Diagnostic

__all__ = [
    "AccordError",
    "CheckError",
    "CodegenError",
    "CompatError",
    "ExpressionError",
    "LoadError",
    "OutputError",
    "PromotionError",
    "TransformError",
    "UsageError",
    "VerificationError",
]

#: Exit codes shared by every command.
EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2


class AccordError(Exception):
    """Root of every error accord raises on purpose."""

    exit_code: int = EXIT_USAGE

    def __init__(self, message: str, *, diagnostics: Iterable[Diagnostic] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.diagnostics: list[Diagnostic] = list(diagnostics)


class UsageError(AccordError):
    """The command or API was called wrongly (bad option, unknown name)."""


class LoadError(AccordError):
    """A file could not be read or parsed: missing, not UTF-8, malformed YAML/JSON."""


class OutputError(AccordError):
    """An output could not be written: disk full, read-only, no permission, in use by another
    accord process, or it would leave the workspace. The previous output is kept."""


class CheckError(AccordError):
    """A workspace has findings where a clean one was required."""

    exit_code = EXIT_FINDINGS


class ExpressionError(AccordError):
    """A JMESPath expression is invalid, or failed on the data it was given.

    ``kind`` is one of the compliance suite's error kinds: ``syntax``, ``invalid-arity``,
    ``invalid-type``, ``invalid-value``, ``unknown-function``.
    """

    KINDS = ("syntax", "invalid-arity", "invalid-type", "invalid-value", "unknown-function")

    def __init__(
        self,
        message: str,
        *,
        kind: str,
        expression: str | None = None,
        column: int | None = None,
    ) -> None:
        if kind not in self.KINDS:
            raise ValueError(f"unknown expression error kind {kind!r}")
        super().__init__(message)
        self.kind = kind
        self.expression = expression
        self.column = column

    def caret(self) -> str:
        """The expression with a caret under the failing column (empty when unknown)."""
        if self.expression is None or self.column is None:
            return ""
        return f"{self.expression}\n{' ' * self.column}^"

    def __str__(self) -> str:
        text = self.message
        drawn = self.caret()
        return f"{text}\n{drawn}" if drawn else text


class CodegenError(AccordError):
    """Code could not be generated, or generated code is stale."""

    exit_code = EXIT_FINDINGS


class CompatError(AccordError):
    """Two schemas could not be compared (unresolvable, not a schema)."""


class TransformError(AccordError):
    """A record could not be transformed. Raised by generated code through accord.runtime.

    ``error_class`` is the dead-letter class: ``mapping_error``, ``data_quality`` or
    ``business_rule``; ``path`` is the JSON path in the record where it went wrong; ``rule``
    the spec line of the rule (``mappings/x.yaml:14``); ``target`` the JSON path of the
    output property the rule writes (``$.roles[1].hours``), None when there is none.
    """

    exit_code = EXIT_FINDINGS

    def __init__(
        self,
        message: str,
        *,
        error_class: str = "mapping_error",
        path: str = "$",
        rule: str | None = None,
        target: str | None = None,
    ) -> None:
        super().__init__(message)
        self.error_class = error_class
        self.path = path
        self.rule = rule
        self.target = target


class VerificationError(AccordError):
    """A contract test (pact, schemathesis, property) failed."""

    exit_code = EXIT_FINDINGS


class PromotionError(AccordError):
    """A promotion was refused; ``reasons`` says every reason."""

    exit_code = EXIT_FINDINGS

    def __init__(self, message: str, *, reasons: Iterable[str] = ()) -> None:
        super().__init__(message)
        self.reasons = list(reasons)
