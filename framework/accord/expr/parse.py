"""Parser adapter: jmespath 1.1.0's parser, with its errors turned into ``ExpressionError``.

The AST is a tree of dicts ``{"type": ..., "children": [...], "value": ...}``. jmespath documents
it as subject to change, which is why ``pyproject.toml`` pins ``jmespath==1.1.0``.
"""

from __future__ import annotations

import itertools
import warnings
from dataclasses import dataclass
from typing import Any

from jmespath import exceptions as jexc
from jmespath.lexer import Lexer
from jmespath.parser import Parser

from accord.errors import ExpressionError

__all__ = ["Node", "function_column", "parse"]

Node = dict[str, Any]


@dataclass(frozen=True)
class _Token:
    type: str
    value: Any
    start: int


def parse(expression: str) -> Node:
    """The AST of ``expression``; a ``syntax`` ``ExpressionError`` with a column if invalid."""
    if not isinstance(expression, str):
        raise ExpressionError(
            f"an expression must be a string, got {type(expression).__name__}", kind="syntax"
        )
    try:
        with warnings.catch_warnings():
            # jmespath.py still accepts `foo` (not JSON) as a string, with this warning; the
            # specification does not: it is a syntax error. The parser's cache is bypassed so
            # an expression someone else parsed leniently cannot slip through.
            warnings.simplefilter("error", PendingDeprecationWarning)
            parsed: Node = Parser()._do_parse(expression).parsed
    except PendingDeprecationWarning:
        column = expression.find("`")
        raise ExpressionError(
            f"syntax error at column {column}: a `literal` must be JSON; "
            "write a string as 'text' or `\"text\"`",
            kind="syntax", expression=expression, column=column,
        ) from None
    except jexc.EmptyExpressionError:
        raise ExpressionError(
            "empty expression: write `@` for the current value", kind="syntax",
            expression=expression, column=0,
        ) from None
    except jexc.LexerError as error:
        raise ExpressionError(
            f"syntax error at column {error.lexer_position}: {error.message}",
            kind="syntax", expression=expression, column=error.lexer_position,
        ) from None
    except jexc.IncompleteExpressionError:
        raise ExpressionError(
            "incomplete expression: it ends where more was expected",
            kind="syntax", expression=expression, column=len(expression),
        ) from None
    except jexc.ParseError as error:
        token = "end of expression" if error.token_type == "EOF" else repr(error.token_value)
        raise ExpressionError(
            f"syntax error at column {error.lex_position}, at {token}: {error.msg}",
            kind="syntax", expression=expression, column=error.lex_position,
        ) from None
    return parsed


def function_column(expression: str, name: str) -> int | None:
    """Column of the first call of function ``name`` in ``expression`` (the AST has none)."""
    try:
        tokens = [_Token(t["type"], t["value"], t["start"]) for t in Lexer().tokenize(expression)]
    except jexc.JMESPathError:
        return None
    for token, following in itertools.pairwise(tokens):
        called = token.type == "unquoted_identifier" and following.type == "lparen"
        if called and token.value == name:
            return token.start
    return None
