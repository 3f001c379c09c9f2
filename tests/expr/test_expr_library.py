"""accord's function library, and the compiler's public behaviour (errors, source, scope)."""

from __future__ import annotations

import traceback
from typing import Any

import pytest
from accord import CompiledExpression, ExpressionError, compile_expression
from accord.expr import emit_function, reference_search
from accord.runtime import jmes
from accord.runtime.jmes import Function, Param


def both(expression: str, data: Any = None, **scope: Any) -> Any:
    """Compiled result, asserted equal to the reference interpreter's."""
    compiled = compile_expression(expression)(data, **scope)
    assert compiled == reference_search(expression, data, **scope)
    return compiled


def error_kind(expression: str, data: Any = None) -> str:
    with pytest.raises(ExpressionError) as compiled:
        compile_expression(expression)(data)
    with pytest.raises(ExpressionError) as reference:
        reference_search(expression, data)
    assert compiled.value.kind == reference.value.kind
    return compiled.value.kind


# -- money ---


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("add(`0.1`, `0.2`)", 0.3),
        ("add(`0.1`, `0.2`, `0.3`)", 0.6),
        ("add('12.50', `0.25`)", 12.75),
        ("add(`1`, `2`)", 3),
        ("subtract(`1.1`, `0.2`)", 0.9),
        ("multiply(`1.1`, `3`)", 3.3),
        ("multiply(`7.5`, `19.99`)", 149.925),
        ("divide(`10`, `4`)", 2.5),
        ("divide(`1`, `3`)", 0.3333333333333333),
        ("round(`2.675`, `2`)", 2.68),
        ("round(`2.665`, `2`)", 2.67),
        ("round(`-2.675`, `2`)", -2.68),
        ("round(`2.5`)", 3),
        ("round(`1234.5`, `-2`)", 1200),
        ("round(multiply(`7.5`, `19.99`), `2`)", 149.93),
    ],
)
def test_money_is_exact_decimal(expression: str, expected: float) -> None:
    result = both(expression)
    assert result == expected and repr(result) == repr(expected)


def test_money_sum_has_no_binary_drift() -> None:
    lines = [{"amount": 0.1}] * 10
    assert sum(line["amount"] for line in lines) != 1.0  # what binary floats would give
    total = both("add(`0`, `0`, lines[0].amount, lines[1].amount, lines[2].amount)",
                 {"lines": lines})
    assert total == 0.3


def test_money_rejects_null_bad_strings_and_zero_division() -> None:
    assert error_kind("add(`1`, missing)", {}) == "invalid-type"
    assert error_kind("add(`1`, `true`)") == "invalid-type"
    assert error_kind("add(`1`, 'abc')") == "invalid-value"
    assert error_kind("divide(`1`, `0`)") == "invalid-value"
    assert error_kind("round(`1.5`, `0.5`)") == "invalid-value"
    assert both("add(`1`, coalesce(missing, `0`))", {}) == 1


# -- choice ---


def test_coalesce_keeps_false_zero_and_empty_unlike_or() -> None:
    data = {"flag": False, "zero": 0, "empty": "", "name": "n"}
    assert both("coalesce(missing, flag, name)", data) is False
    assert both("coalesce(missing, zero)", data) == 0
    assert both("coalesce(empty, name)", data) == ""
    assert both("empty || name", data) == "n"
    assert both("coalesce(missing, other)", data) is None
    assert error_kind("coalesce()") == "invalid-arity"


def test_lookup() -> None:
    table = '`{"open": "O", "won": "W", "1": "one", "true": "yes"}`'
    assert both(f"lookup({table}, status)", {"status": "won"}) == "W"
    assert both(f"lookup({table}, status)", {"status": "lost"}) is None
    assert both(f"lookup({table}, status, 'X')", {"status": "lost"}) == "X"
    assert both(f"lookup({table}, missing, 'X')", {}) == "X"
    assert both(f"lookup({table}, `1`)") == "one"
    assert both(f"lookup({table}, `true`)") == "yes"
    assert error_kind("lookup('not a table', 'a')") == "invalid-type"
    assert error_kind(f"lookup({table}, `[1]`)") == "invalid-type"
    assert error_kind(f"lookup({table})") == "invalid-arity"


def test_lookup_table_is_built_once_and_never_shared_mutably() -> None:
    compiled = compile_expression("lookup(`{\"a\": \"A\"}`, k)")
    assert "_k" in compiled.source.splitlines()[2]  # a keyword default, built once
    assert compiled({"k": "a"}) == "A"
    nested = compile_expression("lookup(`{\"a\": [1]}`, k)")
    nested({"k": "a"}).append(2)
    assert nested({"k": "a"}) == [1]


def test_if_uses_jmespath_truthiness() -> None:
    assert both("if(`0`, 'yes', 'no')") == "yes"
    assert both("if('', 'yes', 'no')") == "no"
    assert both("if(`[]`, 'yes')") is None
    assert both("if(billable, 'T', 'F')", {"billable": True}) == "T"


# -- strings, dates, ids ---


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("upper('eur')", "EUR"),
        ("lower('A@B.COM')", "a@b.com"),
        ("trim('  Acme ')", "Acme"),
        ("trim('--a--', '-')", "a"),
        ("replace('INV 1 2', ' ', '-')", "INV-1-2"),
        ("split('a,b,,c', ',')", ["a", "b", "", "c"]),
        ("substring('2026-11-22', `0`, `4`)", "2026"),
        ("substring('2026-11-22', `5`)", "11-22"),
        ("substring('abc', `-2`, `1`)", "b"),
        ("substring('abc', `1`, `10`)", "bc"),
        ("upper(missing)", None),
        ("substring(missing, `1`)", None),
        ("to_date('22/11/2026', '%d/%m/%Y')", "2026-11-22"),
        ("to_date('2026-11-22T23:30:00+01:00')", "2026-11-22"),
        ("to_date('2026-11-22')", "2026-11-22"),
        ("format_date('2026-11-22T09:30:00Z', '%d.%m.%Y %H:%M')", "22.11.2026 09:30"),
        ("format_date('11/22/2026', '%Y-%m-%d', '%m/%d/%Y')", "2026-11-22"),
        ("to_date(missing)", None),
        ("sha256('abc')", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("sha256(`{\"b\": 1, \"a\": 2}`) == sha256(`{\"a\": 2, \"b\": 1}`)", True),
        ("uuid5('dns', 'python.org')", "886313e1-3b8a-5372-9b90-0c9aee199e5d"),
        ("uuid5('6ba7b811-9dad-11d1-80b4-00c04fd430c8', 'x') == uuid5('url', 'x')", True),
        ("uuid5('url', missing)", None),
    ],
)
def test_string_date_and_id_functions(expression: str, expected: Any) -> None:
    assert both(expression, {}) == expected


@pytest.mark.parametrize(
    ("expression", "kind"),
    [
        ("upper(`1`)", "invalid-type"),
        ("lower(`[\"a\"]`)", "invalid-type"),
        ("replace('a', '', 'b')", "invalid-value"),
        ("split('a', '')", "invalid-value"),
        ("substring('abc', `1.5`)", "invalid-value"),
        ("substring('abc', `0`, `-1`)", "invalid-value"),
        ("to_date('22/11/2026')", "invalid-value"),
        ("to_date('2026-13-01')", "invalid-value"),
        ("format_date('2026-11-22', `1`)", "invalid-type"),
        ("uuid5('nope', 'x')", "invalid-value"),
        ("upper()", "invalid-arity"),
        ("substring('a', `1`, `2`, `3`)", "invalid-arity"),
    ],
)
def test_string_function_errors(expression: str, kind: str) -> None:
    assert error_kind(expression, {}) == kind


# -- scope: root() and parent() ---


def test_root_and_parent_follow_the_calling_convention() -> None:
    order = {"id": "O-1", "currency": "EUR", "lines": [{"sku": "A"}, {"sku": "B"}]}
    line = order["lines"][1]
    assert both("root().id", order) == "O-1"
    assert both("lines[*].{sku: sku, order: root().id}", order) == [
        {"sku": "A", "order": "O-1"}, {"sku": "B", "order": "O-1"}]
    assert both("{sku: sku, currency: parent().currency}", line, root=order, parent=order) == {
        "sku": "B", "currency": "EUR"}
    assert both("parent()", line) is None
    assert error_kind("parent(`1`)") == "invalid-arity"


# -- errors at compile time, with a column ---


@pytest.mark.parametrize(
    ("expression", "kind", "column"),
    [
        ("foo[?a==]", "syntax", 8),
        ("a.", "syntax", 2),
        ("", "syntax", 0),
        ("`foo`", "syntax", 0),
        ("a || nope(b)", "unknown-function", 5),
        ("lines[*].amount | sum(@, @)", "invalid-arity", 18),
        ("foo[::0]", "invalid-value", 6),
    ],
)
def test_compile_time_errors_carry_a_column(expression: str, kind: str, column: int) -> None:
    with pytest.raises(ExpressionError) as raised:
        compile_expression(expression)
    assert (raised.value.kind, raised.value.column) == (kind, column)
    assert raised.value.caret().splitlines()[-1] == " " * column + "^"
    assert raised.value.expression == expression


def test_type_errors_are_raised_at_run_time() -> None:
    compiled = compile_expression("sum(lines[*].amount)")
    assert compiled({"lines": [{"amount": 1}, {"amount": 2.5}]}) == 3.5
    with pytest.raises(ExpressionError) as raised:
        compiled({"lines": [{"amount": "1"}]})
    assert raised.value.kind == "invalid-type"
    assert "sum()" in str(raised.value)


# -- the generated source ---


def test_source_never_calls_the_interpreter_and_shows_in_tracebacks() -> None:
    compiled = compile_expression("lines[?qty > `1`].sku")
    assert isinstance(compiled, CompiledExpression)
    assert compiled.expression == "lines[?qty > `1`].sku"
    assert "jmespath." not in compiled.source and "search" not in compiled.source
    with pytest.raises(ExpressionError) as raised:
        compile_expression("abs(a)")({"a": "x"})
    frames = traceback.extract_tb(raised.value.__traceback__)
    assert any(frame.line and "_j.fn_abs(" in frame.line for frame in frames)


def test_emit_function_is_self_contained_for_a_generated_module() -> None:
    source = emit_function("customer.name", "map_name")
    assert source.startswith("def map_name(current, *, root=None, parent=None):")
    namespace: dict[str, Any] = {}
    exec("from accord.runtime import jmes as _j\n" + source, namespace)
    assert namespace["map_name"]({"customer": {"name": "Acme"}}) == "Acme"
    assert source == compile_expression("customer.name").source.replace(
        "compiled_expression", "map_name")
    with pytest.raises(ValueError, match="not a valid Python function name"):
        emit_function("a", "not valid")


def test_extra_functions_compile_as_fx_names() -> None:
    def vat(amount: float) -> float:
        return float(jmes.fn_multiply(amount, 0.19))

    functions = {"vat": Function("vat", (Param("amount", ("number",)),), vat)}
    compiled = compile_expression("vat(net)", functions=functions)
    assert "_fx_vat(" in compiled.source
    assert compiled({"net": 100}) == 19.0
    with pytest.raises(ExpressionError) as raised:
        compiled({"net": "100"})
    assert raised.value.kind == "invalid-type"


def test_deep_nesting_compiles() -> None:
    expression = ".".join(f"a{n}[*]" for n in range(60))
    assert compile_expression(expression)({"a0": []}) == []


def test_every_function_is_documented_with_an_example() -> None:
    for name, spec in jmes.FUNCTIONS.items():
        assert spec.doc and spec.example, name


def test_docs_describe_every_function() -> None:
    from pathlib import Path

    docs = (Path(__file__).resolve().parents[2] / "docs" / "functions.md").read_text("utf-8")
    for name in jmes.FUNCTIONS:
        assert f"`{name}(" in docs, name


def test_money_arithmetic_is_exact_beyond_28_digits() -> None:
    """add/subtract/multiply never round (Decimal's default context keeps 28 digits)."""
    a, b = -979_999_999_999_977_482_001_863_147_521, 970_000_000_000_000_000_000_000_000_002
    for fn in (compile_expression("add(a, b)"), compile_expression("multiply(a, b)"),
               compile_expression("subtract(a, b)")):
        assert fn({"a": a, "b": b}) in (a + b, a * b, a - b)
    assert compile_expression("add(a, b)")({"a": a, "b": b}) == a + b
    assert compile_expression("multiply(a, b)")({"a": a, "b": b}) == a * b
    assert reference_search("subtract(a, b)", {"a": a, "b": b}) == a - b


@pytest.mark.parametrize("expression", ["add(a, b)", "subtract(a, b)", "multiply(a, a)"])
def test_money_beyond_exact_range_is_an_invalid_value(expression: str) -> None:
    """A hostile amount ('1E+999999999') is an error, never a million-digit number."""
    with pytest.raises(ExpressionError) as raised:
        compile_expression(expression)({"a": "1E+999999999", "b": "1"})
    assert raised.value.kind == "invalid-value"
