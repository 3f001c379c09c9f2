"""Watermarks: per flow and source system, the point an incremental read resumes after.

A watermark only ever moves forward: :meth:`Watermarks.advance` keeps the stored value when the
new one is not later. "Later" is decided the way the values are meant:

* two ISO 8601 times **with an offset** (``Z`` or ``+02:00``) compare as instants:
  ``2026-01-01T10:00:00+02:00`` (08:00 UTC) is earlier than ``2026-01-01T09:00:00Z``;
* two whole numbers (a sequence or change number, ``"99"`` and ``"100"``) compare as numbers;
* anything else compares as text (a time without an offset, an opaque cursor).

An equal instant written differently does not move it either: the stored text is kept.
"""

from __future__ import annotations

import datetime as dt
import re

from accord.store import Store, utc_now
from accord.store.dialect import POSTGRESQL

__all__ = ["Watermarks", "later"]

_WHOLE = re.compile(r"[+-]?[0-9]+")


def _instant(value: str) -> dt.datetime | None:
    if len(value) < 11 or value[10:11] not in ("T", "t", " "):
        return None  # a date alone has no offset
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def later(new: str, old: str) -> bool:
    """Whether watermark ``new`` is after ``old`` (see the module docstring)."""
    a, b = _instant(new), _instant(old)
    if a is not None and b is not None:
        return a > b
    if _WHOLE.fullmatch(new) and _WHOLE.fullmatch(old):
        return int(new) > int(old)
    return new > old


class Watermarks:
    """The watermarks of the workspace database ``store``."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def get(self, flow: str, system: str) -> str | None:
        rows = self.store.query("SELECT value FROM accord_watermarks WHERE flow = ? AND "
                                "system = ?", (flow, system))
        return str(rows[0][0]) if rows else None

    def advance(self, flow: str, system: str, value: str) -> bool:
        """Move the watermark to ``value`` if it is later than the stored one (or there is
        none); whether it moved. Safe under concurrent runs: the row is locked while compared."""
        now = utc_now()
        with self.store.transaction():
            if self.store.execute(
                    "INSERT INTO accord_watermarks (flow, system, value, updated_at) VALUES "
                    "(?, ?, ?, ?) ON CONFLICT (flow, system) DO NOTHING",
                    (flow, system, value, now)):
                return True
            lock = " FOR UPDATE" if self.store.dialect is POSTGRESQL else ""
            rows = self.store.query("SELECT value FROM accord_watermarks WHERE flow = ? AND "
                                    f"system = ?{lock}", (flow, system))
            if not later(value, str(rows[0][0])):
                return False
            self.store.execute("UPDATE accord_watermarks SET value = ?, updated_at = ? WHERE "
                               "flow = ? AND system = ?", (value, now, flow, system))
            return True
