"""The fast paths of ``accord.runtime.jmes`` (``fast.py``) agree with the checked functions.

Compiled code calls ``_j.fn_<name>``; for a few hot functions that is a fast path which must
give the same value (and type) or raise the same error as the function's signature-checked
implementation, on any arguments.
"""

from __future__ import annotations

from typing import Any

from accord.errors import ExpressionError
from accord.runtime import jmes
from accord.runtime.jmes import FUNCTIONS
from hypothesis import given, settings
from hypothesis import strategies as st

MONEY = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(min_value=-10**6, max_value=10**6, places=3, allow_nan=False).map(float),
    st.sampled_from([0.1, 0.2, 2.675, -2.675, 187.5, 1e16, 1e-7, -0.0, 0.005, 1.005]),
    st.booleans(), st.none(), st.text(max_size=4), st.sampled_from(["12.50", "x"]),
    # floats of at most two decimals (the typed fast path), up to and past its bound (1e13)
    st.integers(-(10**16), 10**16).map(lambda cents: cents / 100),
    st.floats(min_value=9.99e12, max_value=1.001e13).map(lambda x: round(x, 2)),
    st.sampled_from([99.99, 0.01, -0.01, 125.0, 7.5, 0.35, 1999.99, 9999999999999.99]),
)


def outcome(function: Any, *args: Any) -> tuple[str, Any]:
    try:
        value = function(*args)
    except ExpressionError as error:
        return "error", (error.kind, str(error))
    return type(value).__name__, value


def same(name: str, *args: Any) -> None:
    fast = outcome(getattr(jmes, f"fn_{name}"), *args)
    checked = outcome(FUNCTIONS[name].checked, *args)
    if fast[0] == checked[0] == "float" and fast[1] != fast[1]:
        assert checked[1] != checked[1]  # both nan
        return
    assert fast == checked, (name, args)


def test_fast_paths_are_bound() -> None:
    for name in ("join", "to_string", "sum", "multiply", "add", "round", "format_date", "to_date",
                 "to_timestamp", "sha256", "uuid5", "lookup", "coalesce", "upper", "lower"):
        assert getattr(jmes, f"fn_{name}") is not FUNCTIONS[name].checked


@settings(max_examples=400, deadline=None)
@given(st.lists(MONEY, min_size=1, max_size=4))
def test_multiply_and_add(amounts: list[Any]) -> None:
    same("multiply", *amounts)
    same("add", *amounts)


@settings(max_examples=600, deadline=None)
@given(MONEY, MONEY)
def test_multiply_of_two(amount: Any, factor: Any) -> None:
    """The two-argument path (quantity x price) handles ints and two-decimal floats inline."""
    same("multiply", amount, factor)


@settings(max_examples=400, deadline=None)
@given(MONEY, st.one_of(st.integers(-20, 20), st.sampled_from([2.0, 1.5, True, None, "2"])))
def test_round(amount: Any, places: Any) -> None:
    same("round", amount, places)
    same("round", amount)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.lists(MONEY, max_size=5), MONEY, st.dictionaries(st.text(max_size=2), MONEY)))
def test_sum(values: Any) -> None:
    """ints and floats summed; a boolean, a string, a null or a non-array: the same error."""
    same("sum", values)


def test_sum_examples() -> None:
    for values in ([], [1, 2], [1, 2.5], [True], [1, False], [1, None], ["1"], None, [[1]]):
        same("sum", values)


def test_round_examples() -> None:
    for amount, places in [(2.675, 2), (-2.675, 2), (0.5, 0), (-0.5, 0), (1.005, 2),
                           (15000.0, 2), (10**30, 2), (10**27, 1), (123.456, 18)]:
        same("round", amount, places)


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(max_size=3), MONEY), st.lists(st.one_of(st.text(max_size=3), MONEY),
                                                       max_size=3))
def test_join_and_to_string(glue: Any, values: list[Any]) -> None:
    same("join", glue, values)
    same("to_string", glue)
    same("to_string", values)


DATES = st.one_of(
    st.datetimes().map(lambda d: d.isoformat()),
    st.dates().map(lambda d: d.isoformat()),
    st.sampled_from(["2026-09-28T16:04:11.000+0000", "2026-11-22", "0999-01-02T03:04:05",
                     "not a date", "2026-13-01", ""]),
    st.none(), st.integers(),
)
LAYOUTS = st.one_of(
    st.sampled_from(["%Y-%m-%dT%H:%M:%SZ", "%d.%m.%Y %H:%M", "%Y", "%%Y %m%%", "%Y-%m-%d %b",
                     "no fields", "%", "100%", "%j", "%Y%"]),
    st.text(alphabet="%YmdHMSbjTZ-: ", max_size=8),
)


@settings(max_examples=400, deadline=None)
@given(DATES, LAYOUTS)
def test_format_date(value: Any, layout: Any) -> None:
    same("format_date", value, layout)


PLACES = st.one_of(st.integers(-2, 6), st.sampled_from([2.0, True, None, "2"]))


def composed(*args: Any) -> Any:
    """``to_string(round(multiply(a, b), n))`` (or without ``multiply``) by the checked
    functions, one step at a time."""
    checked = {name: FUNCTIONS[name].checked for name in ("to_string", "round", "multiply")}
    *amounts, places = args
    amount = checked["multiply"](*amounts) if len(amounts) == 2 else amounts[0]
    return checked["to_string"](checked["round"](amount, places))


def same_fused(helper: str, *args: Any) -> None:
    fast = outcome(getattr(jmes, helper), *args)
    checked = outcome(composed, *args)
    assert fast == checked, (helper, args)


@settings(max_examples=600, deadline=None)
@given(MONEY, PLACES)
def test_round_to_string_is_the_checked_composition(amount: Any, places: Any) -> None:
    same_fused("round_to_string", amount, places)


@settings(max_examples=600, deadline=None)
@given(MONEY, MONEY, PLACES)
def test_multiply_round_to_string_is_the_checked_composition(
    amount: Any, factor: Any, places: Any
) -> None:
    same_fused("multiply_round_to_string", amount, factor, places)


def test_fused_money_text_edge_cases() -> None:
    cases = [(187.5, 2), (-0.001, 2), (2.675, 2), (-2.675, 2), (1.005, 2), (125.0, 2),
             (0.00005, 4), (99999999999999.99, 2), (999999999999999.9, 0), (10**20, 2),
             (0.1, 4), (-0.0, 0), (1e-7, 2)]
    for amount, places in cases:
        same_fused("round_to_string", amount, places)
        for factor in (3, 0.1, 1.5, -2, 12.345, 1e16):
            same_fused("multiply_round_to_string", amount, factor, places)
            same_fused("multiply_round_to_string", factor, amount, places)
    assert jmes.multiply_round_to_string(7.5, 187.5, 2) == "1406.25"
    assert jmes.round_to_string(2.675, 2) == "2.68"  # the decimal 2.675, half up


def test_money_chains_compile_to_one_fused_call() -> None:
    from accord.expr import compile_expression

    product = compile_expression("to_string(round(multiply(q, p), `2`))")
    assert "_j.multiply_round_to_string(" in product.source
    assert "fn_round" not in product.source
    assert product({"q": 7.5, "p": 187.5}) == "1406.25"
    assert product({"q": 3, "p": 0.1}) == "0.3"
    rounded = compile_expression("to_string(round(p, `2`))")
    assert "_j.round_to_string(" in rounded.source
    assert rounded({"p": 2.675}) == "2.68"
    try:
        rounded({"p": [2.5]})
    except ExpressionError as error:
        assert error.kind == "invalid-type"
    else:
        raise AssertionError("round() of a string must fail as the checked round() does")
    # three factors: multiply on its own, then the fused round and to_string
    three = compile_expression("to_string(round(multiply(q, p, `2`), `2`))")
    assert "_j.fn_multiply(" in three.source and "_j.round_to_string(" in three.source
    assert three({"q": 3, "p": 0.1}) == "0.6"


@settings(max_examples=300, deadline=None)
@given(st.one_of(
    st.lists(st.one_of(st.text(max_size=3), st.integers(), st.none()), max_size=4),
    st.lists(st.text(max_size=3), max_size=4),
    st.text(max_size=4), st.none(), st.integers(),
    st.dictionaries(st.text(max_size=2), st.text(max_size=2), max_size=2),
))
def test_join_with_a_literal_glue_is_inlined_as_the_checked_join(values: Any) -> None:
    from accord.expr import compile_expression

    compiled = compile_expression("join('-', v)")
    assert "'-'.join(" in compiled.source
    assert outcome(compiled, {"v": values}) == outcome(FUNCTIONS["join"].checked, "-", values)


TEXT_ARGUMENTS = st.one_of(
    st.text(max_size=6), st.none(), st.integers(-3, 3), st.booleans(),
    st.lists(st.text(max_size=2), max_size=2), st.dictionaries(st.text(max_size=2),
                                                               st.integers(), max_size=2),
    DATES, st.sampled_from(["dns", "URL", "oid", "x500", "6ba7b810-9dad-11d1-80b4-00c04fd430c8",
                            "not-a-uuid", "café", "2026-11-02T09:30:00.250-05:00"]),
)


@settings(max_examples=500, deadline=None)
@given(TEXT_ARGUMENTS, TEXT_ARGUMENTS, st.lists(TEXT_ARGUMENTS, max_size=2))
def test_string_date_and_identifier_functions(first: Any, second: Any, more: list[Any]) -> None:
    """The fast paths of the string, date and identifier functions agree with the checked ones
    (value and type, or the same error) on any arguments."""
    for name in ("to_date", "to_timestamp", "sha256", "upper", "lower"):
        same(name, first)
    same("to_date", first, "%Y-%m-%d")
    same("to_timestamp", first, "%Y-%m-%d")
    same("uuid5", first, second)
    same("uuid5", "url", first)
    same("coalesce", first, second, *more)
    table = {"a": 1, "b": None, "c": [1], "true": "T", "1": "one"}
    same("lookup", table, first)
    same("lookup", table, first, second)
    same("lookup", first, second)
