"""Timekeeping and finance functions, property-tested against Decimal/Fraction and datetime.

Each property runs the compiled expression and the reference interpreter (``jmespath.search``
with accord's library) and compares both with an independent reference computation.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from accord import ExpressionError, compile_expression
from accord.expr import reference_search
from hypothesis import given, settings
from hypothesis import strategies as st

PROPERTY = settings(max_examples=200, deadline=None)


def both(expression: str, data: Any = None) -> Any:
    compiled = compile_expression(expression)(data)
    assert compiled == reference_search(expression, data)
    assert type(compiled) is type(reference_search(expression, data))
    return compiled


def kind(expression: str, data: Any = None) -> str:
    with pytest.raises(ExpressionError) as compiled:
        compile_expression(expression)(data)
    with pytest.raises(ExpressionError) as reference:
        reference_search(expression, data)
    assert compiled.value.kind == reference.value.kind
    return compiled.value.kind


def as_json_number(exact: Fraction) -> int | float:
    """What an exact quantity leaves as: an int when integral, else the nearest float."""
    return int(exact) if exact.denominator == 1 else float(exact)


# -- durations -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "hours"),
    [
        ("PT7H30M", 7.5),
        ("PT8H", 8),
        ("PT45M", 0.75),
        ("PT90S", 0.025),
        ("P1D", 24),
        ("P1W", 168),
        ("P1DT2H", 26),
        ("PT0.5H", 0.5),
        ("PT7,5H", 7.5),
        ("PT1H0.5M", 1.0083333333333333),
        ("-PT1H30M", -1.5),
        ("PT0S", 0),
    ],
)
def test_duration_to_hours(text: str, hours: float) -> None:
    assert both("duration_to_hours(d)", {"d": text}) == hours


@pytest.mark.parametrize(
    "text", ["P1Y", "P2M", "PT", "P", "P1DT", "7H30M", "PT1.5H30M", "PT-1H", "pt1h", "PT1H 2M"]
)
def test_duration_to_hours_refuses_what_has_no_fixed_length_or_is_not_iso(text: str) -> None:
    assert kind("duration_to_hours(d)", {"d": text}) == "invalid-value"


def test_duration_functions_pass_null_and_check_types() -> None:
    assert both("duration_to_hours(d)", {}) is None
    assert both("hours_to_duration(h)", {}) is None
    assert kind("duration_to_hours(`5`)") == "invalid-type"
    assert kind("hours_to_duration(`true`)") == "invalid-type"
    assert kind("hours_to_duration('seven')") == "invalid-value"
    assert kind("hours_to_duration(`1e20`)") == "invalid-value"


@PROPERTY
@given(
    weeks=st.integers(0, 60), days=st.integers(0, 400), hours=st.integers(0, 10_000),
    minutes=st.integers(0, 10_000), seconds=st.integers(0, 100_000),
    fraction=st.integers(0, 999_999), negative=st.booleans(),
)
def test_duration_to_hours_is_exact(weeks: int, days: int, hours: int, minutes: int,
                                    seconds: int, fraction: int, negative: bool) -> None:
    text = (f"{'-' if negative else ''}P{weeks}W{days}DT{hours}H{minutes}M"
            f"{seconds}.{fraction:06d}S")
    exact = (Fraction(weeks * 604800 + days * 86400 + hours * 3600 + minutes * 60 + seconds)
             + Fraction(fraction, 1_000_000)) / 3600
    assert both("duration_to_hours(d)", {"d": text}) == as_json_number(-exact if negative
                                                                        else exact)


@PROPERTY
@given(st.decimals(min_value=-10**9, max_value=10**9, places=6, allow_nan=False))
def test_hours_to_duration_round_trips_exactly(hours: Decimal) -> None:
    text = both("hours_to_duration(h)", {"h": str(hours)})
    assert text.startswith("-PT" if hours < 0 else "PT")
    back = both("duration_to_hours(d)", {"d": text})
    assert back == as_json_number(Fraction(hours))
    # ... and the text's components are the exact hours, minutes and seconds
    seconds = abs(hours) * 3600
    if seconds >= 3600:
        assert f"{int(seconds // 3600)}H" in text
    assert ("M" in text[2:]) == bool(int(seconds % 3600 // 60))


@pytest.mark.parametrize(
    ("hours", "text"),
    [(7.5, "PT7H30M"), (0, "PT0S"), (36, "PT36H"), (0.01, "PT36S"), (-1.25, "-PT1H15M"),
     ("0.0001", "PT0.36S"), (1 / 3, "PT19M59.99999999999988S")],
)
def test_hours_to_duration(hours: Any, text: str) -> None:
    assert both("hours_to_duration(h)", {"h": hours}) == text


# -- hours between two instants ------------------------------------------------------------

OFFSETS = st.integers(-14 * 60, 14 * 60).map(lambda minutes: timezone(timedelta(minutes=minutes)))
INSTANTS = st.datetimes(min_value=datetime(1970, 1, 1), max_value=datetime(2100, 1, 1))


@PROPERTY
@given(INSTANTS, OFFSETS, INSTANTS, OFFSETS)
def test_hours_between_honours_offsets(start: datetime, start_zone: timezone, end: datetime,
                                       end_zone: timezone) -> None:
    first, last = start.replace(tzinfo=start_zone), end.replace(tzinfo=end_zone)
    span = last - first
    micro = (span.days * 86400 + span.seconds) * 1_000_000 + span.microseconds
    data = {"a": first.isoformat(), "b": last.isoformat()}
    assert both("hours_between(a, b)", data) == as_json_number(Fraction(micro, 3_600_000_000))


def test_hours_between_examples_and_errors() -> None:
    assert both("hours_between('2026-11-22T08:00:00+01:00', '2026-11-22T16:30:00+01:00')") == 8.5
    # across the spring DST change in Berlin: wall clock 00:00 -> 05:00 is 4 hours
    assert both("hours_between('2026-03-29T00:00:00+01:00', '2026-03-29T05:00:00+02:00')") == 4
    assert both("hours_between('2026-11-22T09:00:00Z', '2026-11-22T08:00:00Z')") == -1
    assert both("hours_between('2026-11-22', '2026-11-23')") == 24  # neither has an offset
    assert both("hours_between(a, '2026-11-23')", {}) is None
    assert kind("hours_between('2026-11-22T00:00:00Z', '2026-11-23')") == "invalid-value"
    assert kind("hours_between('soon', '2026-11-23')") == "invalid-value"
    assert kind("hours_between(`1`, '2026-11-23')") == "invalid-type"


# -- time zones ----------------------------------------------------------------------------

ZONES = st.sampled_from(["Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe",
                         "Pacific/Chatham", "America/St_Johns", "UTC"])


@PROPERTY
@given(INSTANTS, OFFSETS, ZONES)
def test_to_timezone_is_the_same_instant_in_the_zone(moment: datetime, offset: timezone,
                                                     zone: str) -> None:
    given_at = moment.replace(tzinfo=offset)
    text = both("to_timezone(t, z)", {"t": given_at.isoformat(), "z": zone})
    local = datetime.fromisoformat(text)
    assert local == given_at  # the same instant
    assert local.utcoffset() == given_at.astimezone(ZoneInfo(zone)).utcoffset()


def test_to_timezone_examples_and_errors() -> None:
    assert both("to_timezone('2026-11-22T09:30:00Z', 'Europe/Berlin')") == \
        "2026-11-22T10:30:00+01:00"
    assert both("to_timezone('2026-07-22T09:30:00Z', 'Europe/Berlin')") == \
        "2026-07-22T11:30:00+02:00"
    assert both("to_timezone('2026-07-22T09:30:00', 'America/New_York')") == \
        "2026-07-22T05:30:00-04:00"  # no offset: taken as UTC
    assert both("to_timezone(t, 'UTC')", {}) is None
    assert kind("to_timezone('2026-07-22T09:30:00Z', 'Mars/Olympus')") == "invalid-value"
    assert kind("to_timezone('2026-07-22T09:30:00Z', '../../etc/passwd')") == "invalid-value"
    assert kind("to_timezone('noon', 'UTC')") == "invalid-value"
    assert kind("to_timezone('2026-07-22', `1`)") == "invalid-type"


def test_time_zones_come_from_the_tzdata_dependency() -> None:
    import tzdata  # noqa: F401  (a runtime dependency, so machines without /usr/share/zoneinfo work)

    assert datetime(2026, 7, 1, tzinfo=UTC).astimezone(ZoneInfo("Europe/Berlin")).hour == 2


# -- fixed-decimal formatting --------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "text"),
    [
        ("format_decimal(`96.4`, `2`)", "96.40"),
        ("format_decimal(`96`, `2`)", "96.00"),
        ("format_decimal('1234.5', `0`)", "1235"),
        ("format_decimal(`2.675`, `2`)", "2.68"),
        ("format_decimal(`2.665`, `2`, 'half_even')", "2.66"),
        ("format_decimal(`2.675`, `2`, 'half_even')", "2.68"),
        ("format_decimal(`-2.675`, `2`)", "-2.68"),
        ("format_decimal(`-0.001`, `2`)", "0.00"),
        ("format_decimal(`1e20`, `1`)", "100000000000000000000.0"),
        ("format_decimal(`0.1`, `18`)", "0.100000000000000000"),
    ],
)
def test_format_decimal(expression: str, text: str) -> None:
    assert both(expression) == text


def test_format_decimal_errors() -> None:
    assert kind("format_decimal(null, `2`)") == "invalid-type"
    assert kind("format_decimal(`1`, '2')") == "invalid-type"
    assert kind("format_decimal('abc', `2`)") == "invalid-value"
    assert kind("format_decimal(`1`, `1.5`)") == "invalid-value"
    assert kind("format_decimal(`1`, `-1`)") == "invalid-value"
    assert kind("format_decimal(`1`, `2`, 'up')") == "invalid-value"
    assert kind("format_decimal('1e40', `2`)") == "invalid-value"


@PROPERTY
@given(
    amount=st.one_of(
        st.decimals(min_value=-10**12, max_value=10**12, places=6, allow_nan=False).map(str),
        st.floats(min_value=-1e12, max_value=1e12, allow_nan=False),
        st.integers(-10**15, 10**15),
    ),
    places=st.integers(0, 8),
    rounding=st.sampled_from(["half_up", "half_even"]),
)
def test_format_decimal_is_exact(amount: Any, places: int, rounding: str) -> None:
    exact = Decimal(repr(amount)) if isinstance(amount, float) else Decimal(amount)
    mode = ROUND_HALF_UP if rounding == "half_up" else ROUND_HALF_EVEN
    expected = exact.quantize(Decimal(1).scaleb(-places), rounding=mode)
    text = both("format_decimal(a, p, r)", {"a": amount, "p": places, "r": rounding})
    assert Decimal(text) == expected
    assert len(text.partition(".")[2]) == places
    assert "e" not in text.lower()
