"""accord's one error hierarchy.

Every exception accord raises for a user's mistake derives from :class:`AccordError`. Each stage
(load, check, compile, generate, compat, transform, verify, promote) has a small family here, so
callers can catch a stage without importing its internals. The command line maps any
``AccordError`` to its ``exit_code`` and never shows a traceback for one.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from accord.jsondoc import Location, json_path, json_pointer

if TYPE_CHECKING:
    from accord.diagnostics import Diagnostic

__all__ = [
    "AccordError",
    "CallError",
    "CheckError",
    "CodegenError",
    "CompatError",
    "ExpressionError",
    "LoadError",
    "OutputError",
    "PromotionError",
    "StoreError",
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
    ``business_rule``; ``path`` is the location in the record where it went wrong, a tuple of
    member names and indexes (``("lines", 1, "hours")``; ``()`` is the record); ``rule`` the
    spec line of the rule (``mappings/x.yaml:14``); ``target`` the location of the output
    property the rule writes (``("roles", 1, "hours")``), None when there is none. Render a
    location with :func:`accord.jsondoc.json_path` or :func:`accord.jsondoc.json_pointer`
    (:attr:`json_path` and :attr:`pointer` here do it for ``path``).
    """

    exit_code = EXIT_FINDINGS

    def __init__(
        self,
        message: str,
        *,
        error_class: str = "mapping_error",
        path: Location = (),
        rule: str | None = None,
        target: Location | None = None,
    ) -> None:
        if isinstance(path, str) or isinstance(target, str):  # a rendered path: say so
            raise TypeError("TransformError's path and target are locations, tuples of names "
                            "and indexes such as ('lines', 0, 'hours'), not strings")
        super().__init__(message)
        self.error_class = error_class
        self.path = path
        self.rule = rule
        self.target = target

    @property
    def json_path(self) -> str:
        """``path`` as a JSON path (``$.lines[1].hours``)."""
        return json_path(self.path)

    @property
    def pointer(self) -> str | None:
        """``path`` as a JSON Pointer (``/lines/1/hours``)."""
        return json_pointer(self.path)


class VerificationError(AccordError):
    """A contract test (pact, schemathesis, property) failed."""

    exit_code = EXIT_FINDINGS


class StoreError(AccordError):
    """The workspace database cannot be used: a bad ``ACCORD_DATABASE_URL``, a server that
    cannot be reached, a file that is not a database, a failed migration. Exit 2: the input
    (the configuration) is wrong, not a finding. Messages never carry a password."""


class CallError(AccordError):
    """A call to a system's API failed for good: after its retries (``availability``), or at
    once (``authentication``: 401/403 or a missing credential; ``data_quality``: another 4xx or
    an unusable response). ``error_class`` is one of the flow's failure classes
    (:class:`accord.mapping.flow.ErrorClass` values); ``status`` the last HTTP status (None:
    no response), ``attempts`` how many requests were sent, ``method`` and ``path`` the call
    (no query string, no credentials: messages and the repr never carry a secret)."""

    def __init__(self, message: str, *, error_class: str, system: str = "",
                 method: str = "", path: str = "", status: int | None = None,
                 attempts: int = 0, diagnostics: Iterable[Diagnostic] = ()) -> None:
        super().__init__(message, diagnostics=diagnostics)
        self.error_class = error_class
        self.system = system
        self.method = method
        self.path = path
        self.status = status
        self.attempts = attempts

    def __repr__(self) -> str:
        return (f"CallError({self.message!r}, error_class={self.error_class!r}, "
                f"system={self.system!r}, method={self.method!r}, path={self.path!r}, "
                f"status={self.status!r}, attempts={self.attempts})")


class PromotionError(AccordError):
    """A promotion was refused; ``reasons`` says every reason."""

    exit_code = EXIT_FINDINGS

    def __init__(self, message: str, *, reasons: Iterable[str] = ()) -> None:
        super().__init__(message)
        self.reasons = list(reasons)
