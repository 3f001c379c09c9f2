"""Differential tests: compiled code vs jmespath.py on generated expressions and documents.

The reference is jmespath.py's own tree interpreter and built-ins (with accord's library, via
``reference_options``), except where jmespath.py 1.1.0 departs from the JMESPath specification.
There the specification wins; each such case is a ``Deviation`` below, checked on its own (so
we notice if jmespath.py changes), and corrected in ``SpecInterpreter`` for the property test.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import jmespath
import pytest
from accord import ExpressionError, compile_expression
from accord.expr import parse, reference_search
from accord.expr.reference import AccordFunctions
from accord.runtime import jmes
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jmespath import exceptions as jexc
from jmespath.visitor import TreeInterpreter


@dataclass(frozen=True)
class Deviation:
    why: str
    expression: str
    data: Any
    jmespath_py: Any  # what jmespath.search returns, or the exception class it raises
    spec: Any  # what the specification (and accord) gives, or an error kind


DEVIATIONS = [
    Deviation("ordering is defined on numbers only; jmespath.py also orders strings",
              "a < b", {"a": "x", "b": "y"}, True, None),
    Deviation("equality is type-strict at every depth; jmespath.py only at the top level",
              "a == b", {"a": [1], "b": [True]}, True, False),
    Deviation("contains() compares with JMESPath equality; jmespath.py uses Python's `in`",
              "contains(a, `true`)", {"a": [1]}, True, False),
    Deviation("contains() on a string with a non-string search is false; jmespath.py crashes",
              "contains('abc', `1`)", {}, TypeError, False),
    Deviation("to_number() reads JSON number syntax only; jmespath.py takes Python's int()",
              "to_number('1_000')", {}, 1000, None),
    Deviation("max_by() with number and string keys is invalid-type; jmespath.py crashes",
              "max_by(a, &k)", {"a": [{"k": 1}, {"k": "x"}]}, TypeError, "invalid-type"),
    Deviation("a `literal` must be JSON; jmespath.py accepts `foo` as a string (deprecated)",
              "`foo`", {}, "foo", "syntax"),
]


@pytest.mark.parametrize("case", DEVIATIONS, ids=lambda case: case.expression)
def test_known_jmespath_py_deviations(case: Deviation) -> None:
    if isinstance(case.jmespath_py, type):
        with pytest.raises(case.jmespath_py):
            jmespath.search(case.expression, case.data)
    else:
        with pytest.warns(PendingDeprecationWarning) if case.spec == "syntax" else _no_op():
            assert jmespath.search(case.expression, case.data) == case.jmespath_py
    assert _outcome(lambda: compile_expression(case.expression)(case.data)) == _expected(case)
    assert _outcome(lambda: spec_search(case.expression, case.data)) == _expected(case)


class _no_op:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def _expected(case: Deviation) -> tuple[str, Any]:
    if case.spec in ExpressionError.KINDS:
        return ("error", case.spec)
    return ("ok", _json(case.spec))


class SpecFunctions(AccordFunctions):
    """jmespath.py's built-ins with the deviations above corrected."""

    def call_function(self, function_name: str, resolved_args: list[Any]) -> Any:
        if function_name == "contains":
            self._validate_arguments(resolved_args, self.FUNCTION_TABLE["contains"]["signature"],
                                     "contains")
            return jmes.fn_contains(*resolved_args)
        if function_name == "to_number":
            self._validate_arguments(resolved_args, self.FUNCTION_TABLE["to_number"]["signature"],
                                     "to_number")
            return jmes.fn_to_number(*resolved_args)
        return super().call_function(function_name, resolved_args)


class SpecInterpreter(TreeInterpreter):  # type: ignore[misc]
    """jmespath.py's tree interpreter with the specification's comparators."""

    def visit_comparator(self, node: dict[str, Any], value: Any) -> Any:
        left = self.visit(node["children"][0], value)
        right = self.visit(node["children"][1], value)
        helper = {"eq": jmes.eq, "ne": jmes.ne, "lt": jmes.lt, "lte": jmes.le,
                  "gt": jmes.gt, "gte": jmes.ge}[node["value"]]
        return helper(left, right)


def static_errors(node: dict[str, Any]) -> set[str]:
    """Arity and unknown-function errors anywhere in the AST: the specification makes them
    compile-time errors, while jmespath.py only meets them when (if) it evaluates the call."""
    found: set[str] = set()
    if node.get("type") == "function_expression":
        spec = SpecFunctions.FUNCTION_TABLE.get(node["value"])
        library = jmes.FUNCTIONS.get(node["value"])
        count = len(node["children"])
        if spec is not None:
            signature = spec["signature"]
            variadic = bool(signature) and signature[-1].get("variadic")
            if count < len(signature) or (not variadic and count > len(signature)):
                found.add("invalid-arity")
        elif library is not None:
            if count < library.min_args or (library.max_args is not None
                                            and count > library.max_args):
                found.add("invalid-arity")
        else:
            found.add("unknown-function")
    if node.get("type") == "slice" and node["children"][2] == 0:
        found.add("invalid-value")
    for child in node.get("children", []):
        if isinstance(child, dict):
            found |= static_errors(child)
    return found


def spec_search(expression: str, data: Any) -> Any:
    """jmespath.py corrected to the specification, errors as ``ExpressionError`` kinds."""
    tree = parse(expression)
    interpreter = SpecInterpreter(jmespath.Options(custom_functions=SpecFunctions(root=data)))
    try:
        return interpreter.visit(tree, data)
    except jexc.ArityError as error:
        raise ExpressionError(str(error), kind="invalid-arity") from None
    except jexc.UnknownFunctionError as error:
        raise ExpressionError(str(error), kind="unknown-function") from None
    except (jexc.JMESPathTypeError, TypeError) as error:
        raise ExpressionError(str(error), kind="invalid-type") from None
    except ValueError as error:
        raise ExpressionError(str(error), kind="invalid-value") from None


def _json(value: Any) -> Any:
    """Comparable form: JSON text, with 1 and 1.0 the same number and true never 1."""
    return json.dumps(value, sort_keys=True, default=repr).replace(".0,", ",")


def _outcome(run: Any) -> tuple[str, Any]:
    try:
        value = run()
    except ExpressionError as error:
        return ("error", error.kind)
    return ("ok", re.sub(r"(\d)\.0\b", r"\1", _json(value)))


# -- generators -------------------------------------------------------------------------------

NAMES = ["a", "b", "c", "foo", "k"]
FUNCTIONS = sorted(jmes.FUNCTIONS)

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 3), st.sampled_from([0.5, -1.5, 2.0]),
    st.sampled_from(["", "x", "ab", "1", "2.5", "a,b"]),
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(NAMES), inner,
                                                                min_size=1, max_size=4),
    max_leaves=12,
)
#: Mostly objects that have most of the names, so paths find something.
documents = st.one_of(
    values,
    st.dictionaries(st.sampled_from(NAMES), values, min_size=3, max_size=5),
    st.dictionaries(st.sampled_from(NAMES), values, min_size=3, max_size=5),
    st.dictionaries(st.sampled_from(NAMES), st.lists(
        st.dictionaries(st.sampled_from(NAMES), values, min_size=2, max_size=5), max_size=4),
        min_size=2, max_size=5),
)


def _literal(value: Any) -> str:
    return "`" + json.dumps(value).replace("`", "\\`") + "`"


def _expressions() -> st.SearchStrategy[str]:
    leaf = st.one_of(
        st.sampled_from(NAMES),
        st.sampled_from(['"a"', '"foo"', "@"]),
        values.map(_literal),
        st.sampled_from(["'x'", "'ab'", "''"]),
    )

    def grow(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        name = st.sampled_from(NAMES)
        small = st.integers(-3, 3)
        maybe = st.none() | small
        return st.one_of(
            st.tuples(inner, name).map(lambda t: f"{t[0]}.{t[1]}"),
            st.tuples(inner, small).map(lambda t: f"{t[0]}[{t[1]}]"),
            st.tuples(inner, maybe, maybe, st.none() | st.sampled_from([-2, -1, 1, 2])).map(
                lambda t: f"{t[0]}[{'' if t[1] is None else t[1]}:"
                f"{'' if t[2] is None else t[2]}:{'' if t[3] is None else t[3]}]"
            ),
            inner.map(lambda e: f"{e}[*]"),
            st.tuples(inner, name).map(lambda t: f"{t[0]}[*].{t[1]}"),
            inner.map(lambda e: f"{e}.*"),
            inner.map(lambda e: f"{e}[]"),
            st.tuples(inner, inner).map(lambda t: f"{t[0]}[?{t[1]}]"),
            st.tuples(inner, st.sampled_from(["==", "!=", "<", "<=", ">", ">="]), inner).map(
                lambda t: f"({t[0]} {t[1]} {t[2]})"
            ),
            st.tuples(inner, st.sampled_from(["||", "&&", "|"]), inner).map(
                lambda t: f"({t[0]} {t[1]} {t[2]})"
            ),
            inner.map(lambda e: f"!({e})"),
            st.lists(inner, min_size=1, max_size=3).map(lambda es: "[" + ", ".join(es) + "]"),
            st.lists(st.tuples(name, inner), min_size=1, max_size=3).map(
                lambda pairs: "{" + ", ".join(f"{k}: {v}" for k, v in pairs) + "}"
            ),
            st.tuples(st.sampled_from(FUNCTIONS), st.lists(inner, max_size=3)).map(
                lambda t: f"{t[0]}({', '.join(t[1])})"
            ),
            st.tuples(st.sampled_from(["sort_by", "max_by", "min_by", "map"]), inner, inner).map(
                lambda t: (f"{t[0]}(&{t[2]}, {t[1]})" if t[0] == "map"
                           else f"{t[0]}({t[1]}, &{t[2]})")
            ),
        )

    return st.recursive(leaf, grow, max_leaves=6)


@settings(max_examples=500, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(expression=_expressions(), data=documents)
def test_compiled_agrees_with_reference(expression: str, data: Any) -> None:
    expected = _outcome(lambda: spec_search(expression, data))
    try:
        compiled = compile_expression(expression)
    except ExpressionError as error:
        # Syntax errors come from the same parser. Arity, unknown-function and zero-step
        # errors are compile-time errors in the specification; jmespath.py meets them only if
        # evaluation reaches them, so they are checked against the AST instead.
        if error.kind == "syntax":
            assert expected == ("error", "syntax"), (expression, data)
        else:
            assert error.kind in static_errors(parse(expression)), (expression, error)
        return
    assert not static_errors(parse(expression)), expression
    assert _outcome(lambda: compiled(data)) == expected, (expression, data, compiled.source)


@settings(max_examples=100, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(expression=_expressions(), data=documents)
def test_reference_search_agrees_with_spec_outside_the_deviations(expression: str,
                                                                   data: Any) -> None:
    """reference_search (plain jmespath.py + library) only differs on the listed deviations."""
    plain = _outcome(lambda: reference_search(expression, data))
    spec = _outcome(lambda: spec_search(expression, data))
    if plain != spec:
        deviating = ("<", ">", "==", "!=", "contains", "to_number", "max_by", "min_by")
        assert any(token in expression for token in deviating), (expression, data, plain, spec)
