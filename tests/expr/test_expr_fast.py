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
    for name in ("join", "to_string", "multiply", "add", "round", "format_date"):
        assert getattr(jmes, f"fn_{name}") is not FUNCTIONS[name].checked


@settings(max_examples=400, deadline=None)
@given(st.lists(MONEY, min_size=1, max_size=4))
def test_multiply_and_add(amounts: list[Any]) -> None:
    same("multiply", *amounts)
    same("add", *amounts)


@settings(max_examples=400, deadline=None)
@given(MONEY, st.one_of(st.integers(-20, 20), st.sampled_from([2.0, 1.5, True, None, "2"])))
def test_round(amount: Any, places: Any) -> None:
    same("round", amount, places)
    same("round", amount)


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
