"""The ledger and its target deliveries, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from accord import codes
from accord.errors import UsageError
from accord.store import Store
from accord.sync import Ledger, LedgerRecord


def _record(key: str = "te-1", *, hours: float = 7.5, content_hash: str = "h1") -> LedgerRecord:
    return LedgerRecord(flow="time-to-actuals", key=key, entity="time_entry@1.1.0",
                        canonical={"id": key, "hours": hours, "note": "Zürich"},
                        content_hash=content_hash, canonical_id=f"c-{key}",
                        sources={"harvest": "h-991"},
                        mappings={"harvest.time_entry_to_time_entry": "sha256:ab12"},
                        correlation_id="corr-1")


def test_put_get_update_keeps_first_seen(store: Store) -> None:
    ledger = Ledger(store)
    assert ledger.get("time-to-actuals", "te-1") is None
    first = ledger.put(_record())
    assert first.first_seen and first.first_seen == first.updated_at
    got = ledger.get("time-to-actuals", "te-1")
    assert got == first
    assert got is not None and got.canonical == {"id": "te-1", "hours": 7.5, "note": "Zürich"}
    assert got.sources == {"harvest": "h-991"}
    second = ledger.put(_record(hours=8.0, content_hash="h2"))
    assert second.first_seen == first.first_seen
    assert second.updated_at > first.updated_at
    assert (second.content_hash, second.canonical["hours"]) == ("h2", 8.0)
    assert ledger.count("time-to-actuals") == 1
    assert ledger.count("other") == 0


def test_records_by_key(store: Store) -> None:
    ledger = Ledger(store)
    for key in ("b", "a", "c"):
        ledger.put(_record(key))
    ledger.put(LedgerRecord("other-flow", "z", "x@1.0.0", {}, "h", "z"))
    assert [r.key for r in ledger.records("time-to-actuals")] == ["a", "b", "c"]
    assert ledger.count("time-to-actuals") == 3


def test_intend_then_deliver_then_update_keeps_the_target_id(store: Store) -> None:
    ledger = Ledger(store)
    flow = "time-to-actuals"
    assert ledger.targets(flow, "te-1") == {}
    pending = ledger.intend(flow, "te-1", "netsuite", operation="create",
                            idempotency_key="te-1:h1", payload_hash="p1", mapping="ns.m")
    assert (pending.state, pending.target_id, pending.delivered) == ("pending", None, False)
    assert ledger.pending(flow) == [("te-1", pending)]
    done = ledger.delivered(flow, "te-1", "netsuite", target_id="NS-7", payload_hash="p1")
    assert (done.state, done.target_id, done.delivered) == ("delivered", "NS-7", True)
    assert ledger.pending(flow) == []
    assert ledger.delivered_count(flow) == 1 and ledger.delivered_count(flow, "xero") == 0
    update = ledger.intend(flow, "te-1", "netsuite", operation="update",
                           idempotency_key="te-1:h2", payload_hash="p2", mapping="ns.m")
    assert (update.state, update.operation, update.target_id) == ("pending", "update", "NS-7")
    again = ledger.delivered(flow, "te-1", "netsuite", target_id=None, payload_hash="p2")
    assert (again.target_id, again.payload_hash) == ("NS-7", "p2")
    assert list(ledger.targets(flow, "te-1")) == ["netsuite"]


def test_a_crash_between_intend_and_deliver_leaves_it_pending(store: Store) -> None:
    ledger = Ledger(store)
    with pytest.raises(RuntimeError), store.transaction():
        ledger.put(_record())
        ledger.intend("time-to-actuals", "te-1", "netsuite", operation="create",
                      idempotency_key="k", payload_hash="p", mapping="m")
        raise RuntimeError("killed before the call")
    assert ledger.get("time-to-actuals", "te-1") is None  # the whole step rolled back
    ledger.intend("time-to-actuals", "te-1", "netsuite", operation="create",
                  idempotency_key="k", payload_hash="p", mapping="m")
    ledger.intend("time-to-actuals", "te-2", "xero", operation="create",
                  idempotency_key="k2", payload_hash="p", mapping="m")
    assert [(k, t.system) for k, t in ledger.pending("time-to-actuals")] == [
        ("te-1", "netsuite"), ("te-2", "xero")]


def test_bad_operation_and_delivery_without_intent_are_refused(store: Store) -> None:
    ledger = Ledger(store)
    with pytest.raises(UsageError) as info:
        ledger.intend("f", "k", "s", operation="upsert", idempotency_key="i", payload_hash="p",
                      mapping="m")
    assert info.value.diagnostics[0].code == codes.SYNC_STATE_INVALID
    assert "'upsert' is not one of create, update" in str(info.value)
    with pytest.raises(UsageError) as info:
        ledger.delivered("f", "k", "s", target_id="1", payload_hash="p")
    assert "never intended for s" in str(info.value)
