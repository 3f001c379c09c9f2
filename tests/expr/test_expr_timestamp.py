"""to_timestamp: any ISO 8601 offset in, RFC 3339 UTC out (Salesforce writes +0000)."""

from __future__ import annotations

import pytest
from accord import ExpressionError, compile_expression
from accord.expr import reference_search

CASES = [
    ("2026-09-28T16:04:11.000+0000", "2026-09-28T16:04:11Z"),
    ("2026-11-22T11:30:00+02:00", "2026-11-22T09:30:00Z"),
    ("2026-01-01T00:30:00-05:00", "2026-01-01T05:30:00Z"),
    ("2026-11-22T09:30:00.250Z", "2026-11-22T09:30:00.250000Z"),
    ("2026-11-22T09:30:00", "2026-11-22T09:30:00Z"),  # no offset: taken as UTC
    ("2026-11-22", "2026-11-22T00:00:00Z"),
]


@pytest.mark.parametrize(("given", "expected"), CASES)
def test_to_timestamp_normalises_to_utc(given: str, expected: str) -> None:
    fn = compile_expression("to_timestamp(t)")
    assert fn({"t": given}) == expected
    assert reference_search("to_timestamp(t)", {"t": given}) == expected


def test_explicit_input_format() -> None:
    fn = compile_expression("to_timestamp(t, '%d/%m/%Y %H:%M')")
    assert fn({"t": "22/11/2026 09:30"}) == "2026-11-22T09:30:00Z"


def test_null_passes_through_and_bad_text_is_invalid_value() -> None:
    fn = compile_expression("to_timestamp(t)")
    assert fn({}) is None
    with pytest.raises(ExpressionError) as info:
        fn({"t": "yesterday"})
    assert info.value.kind == "invalid-value"
    with pytest.raises(ExpressionError) as info:
        fn({"t": 5})
    assert info.value.kind == "invalid-type"
