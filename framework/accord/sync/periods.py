"""Accounting periods: per legal entity and calendar month, open or closed.

This table is the data source of the flows' ``open_period`` gate: a record whose date falls in
a closed period (or one never opened) is held as a ``business_rule`` exception, never posted.
People set it with ``accord periods open|close``; an ERP feed that knows the real close
calendar writes the same table (:meth:`Periods.set`, actor ``erp:<system>``).

A period is a calendar month, ``YYYY-MM``. A date is placed in the month it names as written
(``2026-01-31T23:30:00-05:00`` is in 2026-01, the month of the entity's own books), never
converted to UTC first.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from accord import codes
from accord.store import Store, utc_now
from accord.sync.values import Errors

__all__ = ["PERIOD_STATUSES", "Period", "Periods", "period_of", "valid_period"]

#: this repository's errors, located in it
_ERRORS = Errors("accounting periods")


PERIOD_STATUSES = ("open", "closed")
_PERIOD = re.compile(r"([0-9]{4})-([0-9]{2})")


@dataclass(frozen=True)
class Period:
    legal_entity: str
    period: str  # YYYY-MM
    status: str  # open | closed
    updated_by: str
    updated_at: str

    def to_dict(self) -> dict[str, Any]:
        return {"legal_entity": self.legal_entity, "period": self.period,
                "status": self.status, "updated_by": self.updated_by,
                "updated_at": self.updated_at}


def valid_period(period: str) -> str:
    """``period`` when it is a calendar month ``YYYY-MM``; else an error (ACC613)."""
    match = _PERIOD.fullmatch(period.strip()) if isinstance(period, str) else None
    if match is None or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 1:
        raise _ERRORS.invalid(codes.SYNC_PERIOD_INVALID,
                      f"period {period!r} is not a calendar month YYYY-MM (e.g. 2026-01)")
    return match.group(0)


def period_of(date: str) -> str:
    """The month ``YYYY-MM`` of an ISO 8601 date or date-time (as written)."""
    text = date.strip() if isinstance(date, str) else ""
    try:
        if len(text) == 10:
            day = dt.date.fromisoformat(text)
        else:
            day = dt.datetime.fromisoformat(text).date()
    except ValueError:
        raise _ERRORS.invalid(codes.SYNC_PERIOD_INVALID,
                      f"{date!r} is not an ISO 8601 date or date-time") from None
    return f"{day.year:04d}-{day.month:02d}"


class Periods:
    """The accounting periods of the workspace database ``store``."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def set(self, legal_entity: str, period: str, status: str, *, actor: str) -> Period:
        """Open or close ``period`` for ``legal_entity``; the period as stored."""
        month = valid_period(period)
        _ERRORS.one_of(codes.SYNC_PERIOD_INVALID, "status", status, PERIOD_STATUSES)
        entity = legal_entity.strip()
        if not entity:
            raise _ERRORS.invalid(codes.SYNC_PERIOD_INVALID, "the legal entity is empty")
        now = utc_now()
        with self.store.transaction():
            self.store.execute(
                "INSERT INTO accord_periods (legal_entity, period, status, updated_by, "
                "updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (legal_entity, period) DO "
                "UPDATE SET status = excluded.status, updated_by = excluded.updated_by, "
                "updated_at = excluded.updated_at", (entity, month, status, actor, now))
        return Period(entity, month, status, actor, now)

    def status(self, legal_entity: str, date: str) -> str | None:
        """``open`` or ``closed`` for the period holding ``date`` (a date, a date-time or a
        period ``YYYY-MM``); None when the period was never set."""
        month = valid_period(date) if _PERIOD.fullmatch(date.strip()) else period_of(date)
        rows = self.store.query("SELECT status FROM accord_periods WHERE legal_entity = ? AND "
                                "period = ?", (legal_entity, month))
        return str(rows[0][0]) if rows else None

    def list(self, legal_entity: str | None = None) -> list[Period]:
        """Every period set (of ``legal_entity``), by entity and month."""
        sql = ("SELECT legal_entity, period, status, updated_by, updated_at FROM accord_periods")
        params: tuple[str, ...] = ()
        if legal_entity is not None:
            sql += " WHERE legal_entity = ?"
            params = (legal_entity,)
        rows = self.store.query(sql + " ORDER BY legal_entity, period", params)
        return [Period(str(a), str(b), str(c), str(d), str(e)) for a, b, c, d, e in rows]
