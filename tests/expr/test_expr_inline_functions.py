"""Functions compiled inline (``upper(x)`` as ``x.upper()`` when ``x`` is a string,
``lookup(`{...}`, k)`` as a dict read, ``coalesce(a, b)`` as a conditional, ...) give the
value, or raise the error kind, of the jmespath reference on any data."""

from __future__ import annotations

from typing import Any

from accord import compile_expression
from accord.errors import ExpressionError
from accord.expr import reference_search
from hypothesis import given, settings
from hypothesis import strategies as st

EXPRESSIONS = [
    "upper(a)", "lower(a)", "trim(a)", "trim(a, 'E-')", "trim(a, '')",
    "replace(a, '-', '')", "replace(replace(a, '(', ''), ')', '')", "split(a, ',')",
    "split(a, '@')[1]", "substring(a, `0`, `1`)", "substring(a, `2`)", "substring(a, `1`, `0`)",
    "starts_with(a, 'He')", "ends_with(a, '.pdf')", "contains(a, 'Man')",
    "starts_with(trim(a), 'Head') || contains(a, 'Manager')",
    "lookup(`{\"x\": 1, \"true\": \"T\", \"1\": \"one\", \"n\": null}`, a)",
    "lookup(`{\"x\": 1, \"y\": \"why\"}`, a, 'none')",
    "lookup(`{\"x\": \"US\"}`, lookup(`{\"US\": \"x\"}`, a), b)",
    "coalesce(a, b)", "coalesce(a, b, 'z')", "coalesce(a)",
    "upper(coalesce(a, b))", "join(' ', [coalesce(a, b), 'x'])",
    "join('/', [a, b])", "join('', [a, 'x', b])", "join(':', [a])",
]
VALUES = st.one_of(
    st.text(max_size=6), st.sampled_from(["Head of X", " Manager ", "E-00123", "(555) 1-2",
                                          "a,b,c", "x", "y", "US", "true", "1", "a@b.c"]),
    st.none(), st.integers(-2, 2), st.booleans(), st.floats(allow_nan=False),
    st.lists(st.text(max_size=2), max_size=2), st.dictionaries(st.text(max_size=1),
                                                               st.integers(), max_size=1),
)


def outcome(run: Any) -> Any:
    try:
        value = run()
    except ExpressionError as error:
        return "error", error.kind
    except Exception as error:  # the reference raises jmespath's own errors
        return "error", getattr(error, "kind", type(error).__name__)
    return type(value).__name__, value


def kind_of(error: Exception) -> str:
    name = type(error).__name__
    return {"JMESPathTypeError": "invalid-type"}.get(name, name)


COMPILED = {text: compile_expression(text) for text in EXPRESSIONS}


@settings(max_examples=300, deadline=None)
@given(VALUES, VALUES)
def test_inline_functions_agree_with_the_reference(a: Any, b: Any) -> None:
    data = {"a": a, "b": b}
    for text, compiled in COMPILED.items():
        mine = outcome(lambda c=compiled: c(data))
        try:
            theirs: Any = ("value", reference_search(text, data))
            theirs = (type(theirs[1]).__name__, theirs[1])
        except Exception as error:
            theirs = ("error", kind_of(error))
        if mine[0] == "error" or theirs[0] == "error":
            assert mine[0] == theirs[0], (text, data, mine, theirs)
        else:
            assert mine == theirs, (text, data)


def test_the_common_case_is_pasted_inline() -> None:
    source = compile_expression("upper(trim(a, 'E-'))").source
    assert ".strip('E-')" in source and ".upper()" in source
    # a table with no number-like key: one .get(), lookup() only for an array or object
    lookup = compile_expression("lookup(`{\"x\": 1}`, a)").source
    assert ".get(_t2, None)" in lookup and "fn_lookup" not in lookup.split("except TypeError")[0]
    # a table with a number-like key: strings read directly, anything else through lookup()
    assert "fn_lookup" not in compile_expression("lookup(`{\"1\": 1}`, a)").source.split(
        "else")[0]
    # join() over a list of strings: concatenated, no list built
    assert " + '/' + " in compile_expression("join('/', [a, b])").source
    assert "fn_coalesce" not in compile_expression("coalesce(a, b)").source
