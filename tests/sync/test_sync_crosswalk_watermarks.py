"""The crosswalk (resolve, active) and watermarks (never back), on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from accord.store import Store
from accord.sync import Crosswalk, Watermarks
from accord.sync.watermarks import later


def test_link_resolve_and_external_ids(store: Store) -> None:
    cw = Crosswalk(store)
    assert cw.resolve("resource", "bamboohr", "E-1") is None
    cw.link("resource", "res-1", "bamboohr", "E-1")
    cw.link("resource", "res-1", "kantata", "K-9")
    cw.link("resource", "res-2", "bamboohr", "E-2")
    cw.link("task", "res-1", "bamboohr", "E-1")  # another entity: its own id space
    assert cw.resolve("resource", "bamboohr", "E-1") == "res-1"
    assert cw.resolve("resource", "kantata", "E-1") is None
    assert cw.external_ids("resource", "res-1") == {"bamboohr": "E-1", "kantata": "K-9"}
    assert cw.source_ids("resource", "bamboohr") == ["E-1", "E-2"]
    cw.link("resource", "res-3", "bamboohr", "E-2")  # re-pointed: one external id, one record
    assert cw.resolve("resource", "bamboohr", "E-2") == "res-3"
    assert cw.external_ids("resource", "res-2") == {}


def test_active_belongs_to_the_canonical_record(store: Store) -> None:
    cw = Crosswalk(store)
    assert cw.is_active("resource", "res-1") is None  # unknown, not inactive
    cw.link("resource", "res-1", "bamboohr", "E-1")
    cw.link("resource", "res-1", "kantata", "K-9")
    assert cw.is_active("resource", "res-1") is True
    assert cw.set_active("resource", "res-1", False) == 2
    assert cw.is_active("resource", "res-1") is False
    cw.link("resource", "res-1", "bamboohr", "E-1", active=True)  # the HCM re-hired them
    assert cw.is_active("resource", "res-1") is True
    cw.link("resource", "res-1", "bamboohr", "E-1", active=False)
    assert cw.is_active("resource", "res-1") is False
    assert cw.set_active("resource", "nobody", True) == 0
    assert cw.is_active("resource", "nobody") is None


def test_a_watermark_never_goes_back(store: Store) -> None:
    marks = Watermarks(store)
    assert marks.get("time-to-actuals", "harvest") is None
    assert marks.advance("time-to-actuals", "harvest", "2026-01-01T09:00:00Z")
    # 10:00+02:00 is 08:00Z: earlier as an instant, though later as text
    assert not marks.advance("time-to-actuals", "harvest", "2026-01-01T10:00:00+02:00")
    assert marks.get("time-to-actuals", "harvest") == "2026-01-01T09:00:00Z"
    assert not marks.advance("time-to-actuals", "harvest", "2026-01-01T11:00:00+02:00")  # equal
    assert marks.advance("time-to-actuals", "harvest", "2026-01-01T12:00:00+02:00")
    assert marks.get("time-to-actuals", "harvest") == "2026-01-01T12:00:00+02:00"
    assert not marks.advance("time-to-actuals", "harvest", "2025-12-31T23:59:59Z")
    assert marks.get("time-to-actuals", "harvest") == "2026-01-01T12:00:00+02:00"
    assert marks.get("time-to-actuals", "xero_projects") is None  # per flow and system
    assert marks.advance("other", "harvest", "99")
    assert marks.advance("other", "harvest", "100")  # whole numbers compare as numbers
    assert not marks.advance("other", "harvest", "98")
    assert marks.get("other", "harvest") == "100"


def test_a_watermark_inside_a_rolled_back_transaction_does_not_move(store: Store) -> None:
    marks = Watermarks(store)
    marks.advance("f", "s", "2026-01-01T00:00:00Z")
    with pytest.raises(RuntimeError), store.transaction():
        marks.advance("f", "s", "2026-06-01T00:00:00Z")
        raise RuntimeError("the batch failed")
    assert marks.get("f", "s") == "2026-01-01T00:00:00Z"


@pytest.mark.parametrize(("new", "old", "expected"), [
    ("2026-01-01T09:00:00Z", "2026-01-01T10:00:00+02:00", True),
    ("2026-01-01T10:00:00+02:00", "2026-01-01T09:00:00Z", False),
    ("2026-01-01T09:00:00.5+00:00", "2026-01-01T09:00:00Z", True),
    ("100", "99", True),
    ("abc", "abd", False),
    ("2026-01-02", "2026-01-01", True),  # dates (no offset) as text: ISO dates sort as time
    ("2026-01-01T10:00:00", "2026-01-01T09:00:00Z", True),  # one without offset: as text
])
def test_later(new: str, old: str, expected: bool) -> None:
    assert later(new, old) is expected
