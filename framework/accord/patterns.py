"""JSON Schema ``pattern``\\ s evaluated safely: in linear time, or under a time budget.

A contract's ``pattern`` and ``patternProperties`` come from whoever opened the pull request,
and Python's ``re`` backtracks: ``^(a+)+$`` against ``"aaaa…!"`` runs for hours. accord runs
patterns with RE2 (``google-re2``: linear in the text, whatever the pattern), and only a
pattern RE2 refuses — a backreference or a lookaround, ECMA-262 features RE2 leaves out — with
the ``regex`` module under a budget of :data:`BUDGET_SECONDS` per evaluation. RE2 also reads
``$`` and ``\\d`` as ECMA-262 does (end of text only; ASCII digits), unlike ``re``.

:func:`search` raises :class:`PatternError` for a pattern neither engine reads, and for one
that ran past the budget. (The run-time validator, jsonschema-rs, uses Rust's linear-time
``regex`` crate, and ``fancy-regex`` with a backtracking limit for backreferences and
lookaround: bounded as well; ``tests/hostile/test_hostile_regex.py`` measures it.)
"""

from __future__ import annotations

import functools
from typing import Any

__all__ = ["BUDGET_SECONDS", "PatternError", "linear", "search"]

#: Longest one evaluation of a backtracking pattern may run.
BUDGET_SECONDS = 0.05


class PatternError(ValueError):
    """A pattern no engine reads, or one that ran past :data:`BUDGET_SECONDS`."""

    def __init__(self, message: str, *, timeout: bool = False) -> None:
        super().__init__(message)
        self.timeout = timeout


@functools.cache
def _re2_options() -> Any:
    import re2  # imported on first use: most commands never evaluate a pattern

    options = re2.Options()
    options.log_errors = False  # RE2 would print its parse errors to stderr through absl
    return options


@functools.lru_cache(maxsize=2048)
def _compile(pattern: str) -> tuple[Any, bool]:
    """The compiled pattern and whether it runs in linear time (RE2)."""
    import re2
    import regex

    try:
        return re2.compile(pattern, _re2_options()), True
    except re2.error:
        pass
    try:
        return regex.compile(pattern), False
    except regex.error as exc:
        raise PatternError(f"invalid pattern {pattern!r}: {exc}") from None


def linear(pattern: str) -> bool:
    """Whether ``pattern`` runs in linear time (RE2 reads it): what engines without
    backtracking (Rust's ``regex`` crate, which Pact's matchers use) accept. False for a
    backreference, a lookaround or a pattern no engine reads."""
    try:
        return _compile(pattern)[1]
    except PatternError:
        return False


def search(pattern: str, text: str) -> bool:
    """Whether ``pattern`` matches anywhere in ``text`` (JSON Schema's ``pattern``)."""
    compiled, linear = _compile(pattern)
    if linear:
        return compiled.search(text) is not None
    try:
        return compiled.search(text, timeout=BUDGET_SECONDS) is not None
    except TimeoutError:
        raise PatternError(
            f"pattern {pattern!r} ran longer than {BUDGET_SECONDS * 1000:.0f} ms on a "
            f"{len(text)}-character value (catastrophic backtracking)", timeout=True) from None
