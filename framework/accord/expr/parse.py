"""Parser adapter: jmespath 1.1.0's parser, with its errors turned into ``ExpressionError``.

The AST is a tree of dicts ``{"type": ..., "children": [...], "value": ...}``. jmespath documents
it as subject to change, which is why ``pyproject.toml`` pins ``jmespath==1.1.0``.

jmespath's parser, and every walker of the AST (the emitter, the checker's type inference, the
reference interpreter), recurse once or more per level: an expression nested more than
:data:`MAX_NESTING` levels (brackets, or a chain such as ``a || a || …``) is a ``syntax`` error
saying so (:func:`too_deep`), never a ``RecursionError``.
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

__all__ = ["MAX_NESTING", "TOO_DEEP", "Node", "function_column", "parse", "too_deep"]

Node = dict[str, Any]

#: Deepest nesting of an expression, in brackets or in AST levels. Real rules nest < 10, the
#: compliance suite up to 105; the mapping loader refuses ASTs deeper than 64 on its own (ACC465).
MAX_NESTING = 400
_OPEN = frozenset({"lparen", "lbracket", "lbrace", "filter"})
_CLOSE = frozenset({"rparen", "rbracket", "rbrace"})


#: What :func:`too_deep` says.
TOO_DEEP = (f"expression nested more than {MAX_NESTING} levels deep: split it into several "
            "rules or simplify it")


def _ast_depth(tree: Any) -> int:
    deepest = 0
    stack: list[tuple[Any, int]] = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        if isinstance(node, dict):
            stack.extend((child, depth + 1) for child in node.get("children", ()))
    return deepest


def too_deep(expression: str, tree: Any = None) -> tuple[str, int] | None:
    """``(message, column)`` when ``expression`` nests more than :data:`MAX_NESTING` levels
    in brackets (checked on its tokens, before any recursive parsing) or, given its parsed
    ``tree``, in AST levels; None otherwise. Iterative: safe on any input."""
    if tree is not None:
        return (TOO_DEEP, 0) if _ast_depth(tree) > MAX_NESTING else None
    depth = 0
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", PendingDeprecationWarning)  # parse() reports it
            tokens = list(Lexer().tokenize(expression))
        for token in tokens:
            if token["type"] in _OPEN:
                depth += 1
                if depth > MAX_NESTING:
                    return TOO_DEEP, int(token["start"])
            elif token["type"] in _CLOSE:
                depth -= 1
    except jexc.JMESPathError:
        return None  # the parser reports the syntax error
    return None


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
    deep = too_deep(expression)
    if deep is not None:
        raise ExpressionError(deep[0], kind="syntax", expression=expression, column=deep[1])
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
    except RecursionError:  # unary chains (`!!!…a`, `&&&…a`) and nested projections
        raise ExpressionError(TOO_DEEP, kind="syntax", expression=expression,
                              column=0) from None
    if too_deep(expression, parsed) is not None:
        raise ExpressionError(TOO_DEEP, kind="syntax", expression=expression,
                              column=0)
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
