"""accord's timekeeping functions: ISO 8601 durations, hours between instants, time zones.

Null in gives null out, like the other date functions. Hours are exact: a duration or a span
is computed in :class:`decimal.Decimal` and leaves as a JSON number the way money does (an
``int`` when integral, else the float nearest to the exact decimal: ``PT7H30M`` is ``7.5``).

* ``duration_to_hours('PT7H30M')`` reads ``PnW``, ``PnD`` and ``PTnHnMnS`` (a day is 24 hours,
  the ISO 8601 nominal day; the last component may carry a decimal fraction, with ``.`` or
  ``,``; a leading ``-`` negates). Years and months have no fixed length and are refused
  (``invalid-value``).
* ``hours_to_duration(`7.5`)`` writes ``PT7H30M``: hours, minutes and seconds only (never
  days, whose length a DST change alters), seconds with the exact decimal fraction.
* ``hours_between(start, end)`` is ``end - start`` in hours; both instants carry a UTC offset,
  or neither does (both read as UTC); a mix is ``invalid-value``.
* ``to_timezone(value, 'Europe/Berlin')`` gives the local date-time with its offset in an IANA
  zone (the ``tzdata`` package supplies the database where the system has none); a value
  without an offset is taken as UTC, as ``to_timestamp`` does.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation, localcontext
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

from accord.runtime.jmes.core import invalid_value
from accord.runtime.jmes.library import from_decimal, to_decimal
from accord.runtime.jmes.signature import Param, function

__all__ = ["duration_hours", "hours_text"]

_TEXT = ("string", "null")
_AMOUNT = ("number", "string", "null")

_NUMBER = r"(\d+(?:[.,]\d+)?)"
_DURATION = re.compile(
    rf"(-)?P(?!$)(?:{_NUMBER}W)?(?:{_NUMBER}D)?"
    rf"(?:T(?=\d)(?:{_NUMBER}H)?(?:{_NUMBER}M)?(?:{_NUMBER}S)?)?",
    re.ASCII,
)
#: seconds in a week, day, hour, minute and second (the components, in order)
_SECONDS = (604800, 86400, 3600, 60, 1)


def duration_hours(text: str) -> Decimal:
    """The exact hours of an ISO 8601 duration (see the module docstring); ValueError if not."""
    match = _DURATION.fullmatch(text)
    if match is None or text.endswith("T"):
        raise ValueError(text)
    sign, *parts = match.groups()
    present = [index for index, part in enumerate(parts) if part is not None]
    if not present:
        raise ValueError(text)
    fractional = [index for index in present if "." in parts[index] or "," in parts[index]]
    if fractional and fractional[0] != present[-1]:
        raise ValueError(text)  # only the smallest component may have a fraction
    amounts = [Decimal(parts[index].replace(",", ".")) for index in present]
    if any(amount.adjusted() > 15 for amount in amounts):
        raise ValueError(text)  # beyond any real duration (and beyond exact arithmetic)
    with localcontext(prec=60):
        seconds = sum((amount * _SECONDS[index] for amount, index in zip(amounts, present,
                                                                         strict=True)),
                      Decimal(0))
    hours = seconds / 3600  # one division: exact whenever the hours are a finite decimal
    return -hours if sign else hours


def hours_text(hours: Decimal) -> str:
    """ISO 8601 duration of an exact number of hours: hours, minutes, seconds (``PT0S``)."""
    sign = "-" if hours < 0 else ""
    with localcontext(prec=60):
        seconds = abs(hours) * 3600
        whole_hours, rest = divmod(seconds, 3600)
        minutes, secs = divmod(rest, 60)
    parts = []
    if whole_hours:
        parts.append(f"{int(whole_hours)}H")
    if minutes:
        parts.append(f"{int(minutes)}M")
    if secs:
        text = format(secs.normalize(), "f")
        parts.append(f"{text}S")
    return f"{sign}PT{''.join(parts) or '0S'}"


@function(
    "duration_to_hours",
    Param("duration", _TEXT),
    example="duration_to_hours('PT7H30M') -> 7.5",
)
def _duration_to_hours(duration: str | None) -> int | float | None:
    """Exact hours of an ISO 8601 duration (``PnW``, ``PnD`` = 24 h, ``PTnHnMnS``)."""
    if duration is None:
        return None
    try:
        return from_decimal(duration_hours(duration.strip()))
    except (ValueError, InvalidOperation):
        invalid_value("duration_to_hours",
                      f"{duration!r} is not an ISO 8601 duration in weeks, days, hours, "
                      "minutes and seconds (e.g. 'PT7H30M'; years and months have no fixed "
                      "length)")


@function(
    "hours_to_duration",
    Param("hours", _AMOUNT),
    example="hours_to_duration(`7.5`) -> 'PT7H30M'",
)
def _hours_to_duration(hours: Any) -> str | None:
    """ISO 8601 duration (``PTnHnMnS``, exact seconds) of a number of hours."""
    if hours is None:
        return None
    amount = to_decimal("hours_to_duration", hours)
    exponent = amount.as_tuple().exponent
    if abs(amount) >= 10**15 or (isinstance(exponent, int) and exponent < -18):
        invalid_value("hours_to_duration",
                      f"{hours!r} hours is out of range (up to 10^15, 18 decimal places)")
    return hours_text(amount)


def _instant(name: str, text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        invalid_value(name, f"{text!r} is not an ISO 8601 date-time")


def _exact_hours(span: timedelta) -> Decimal:
    micro = (span.days * 86400 + span.seconds) * 1_000_000 + span.microseconds
    return Decimal(micro) / Decimal(3_600_000_000)


@function(
    "hours_between",
    Param("start", _TEXT),
    Param("end", _TEXT),
    example="hours_between('2026-11-22T08:00:00+01:00', '2026-11-22T16:30:00+01:00') -> 8.5",
)
def _hours_between(start: str | None, end: str | None) -> int | float | None:
    """Exact hours from ``start`` to ``end`` (negative if end is earlier); offsets honoured."""
    if start is None or end is None:
        return None
    first = _instant("hours_between", start)
    last = _instant("hours_between", end)
    if (first.tzinfo is None) != (last.tzinfo is None):
        invalid_value("hours_between",
                      f"one of {start!r} and {end!r} has a UTC offset and the other has not; "
                      "give both an offset (or neither)")
    return from_decimal(_exact_hours(last - first))


@lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo | None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError  # here: loaded on the first conversion

    if name.upper() in ("UTC", "Z"):
        return ZoneInfo("UTC")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


@function(
    "to_timezone",
    Param("value", _TEXT),
    Param("zone", ("string",)),
    example="to_timezone('2026-11-22T09:30:00Z', 'Europe/Berlin') -> '2026-11-22T10:30:00+01:00'",
)
def _to_timezone(value: str | None, zone: str) -> str | None:
    """Local ISO 8601 date-time with offset in an IANA zone; no offset in is taken as UTC."""
    place = _zone(zone)
    if place is None:
        invalid_value("to_timezone", f"{zone!r} is not an IANA time zone (e.g. 'Europe/Berlin')")
    if value is None:
        return None
    moment = _instant("to_timezone", value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    local = moment.astimezone(place)
    return local.isoformat(timespec="microseconds" if local.microsecond else "seconds")

