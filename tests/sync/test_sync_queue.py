"""The exception queue: one open exception per record and class, closing once, an audit
trail of every change; on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from accord import codes
from accord.errors import UsageError
from accord.mapping.flow import ERROR_CLASSES
from accord.store import Store
from accord.sync import ExceptionQueue
from accord.sync.queue import ERROR_CLASSES as STORED_CLASSES


def _add(queue: ExceptionQueue, **overrides: Any) -> int:
    fields: dict[str, Any] = {
        "flow": "time-to-actuals", "error_class": "business_rule", "owner": "project-accounting",
        "record": {"id": "h-1", "hours": 8}, "error": "gate approved failed",
        "rule": "mappings/time-to-actuals/flow.yaml:24", "pointer": "/gates/approved",
        "system": "harvest", "source_id": "h-1", "key": "te-1", "correlation_id": "corr-1",
        "run_id": "run-1"}
    fields.update(overrides)
    return queue.add(**fields)


def test_the_classes_are_the_flows_error_classes() -> None:
    assert tuple(c.value for c in ERROR_CLASSES) == STORED_CLASSES


def test_a_repeat_updates_the_open_exception(store: Store) -> None:
    queue = ExceptionQueue(store)
    first = _add(queue)
    again = _add(queue, error="gate approved failed: status draft", run_id="run-2")
    assert again == first
    other_class = _add(queue, error_class="mapping_error", owner="integration-team")
    other_record = _add(queue, source_id="h-2")
    assert len({first, other_class, other_record}) == 3
    got = queue.get(first)
    assert got is not None
    assert (got.attempts, got.error, got.run_id, got.status) == (
        2, "gate approved failed: status draft", "run-2", "open")
    assert got.rule == "mappings/time-to-actuals/flow.yaml:24"
    assert got.record == {"id": "h-1", "hours": 8}
    assert got.last_seen > got.first_seen
    assert [a.action for a in got.audit] == ["opened", "recurred"]
    assert [e.id for e in queue.list()] == [first, other_class, other_record]
    assert [e.id for e in queue.list(error_class="mapping_error")] == [other_class]
    assert [e.id for e in queue.list(owner="project-accounting", limit=1)] == [first]


def test_resolve_discard_replay_and_the_audit_trail(store: Store,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACCORD_ACTOR", "dana")
    queue = ExceptionQueue(store)
    a, b, c = _add(queue), _add(queue, source_id="h-2"), _add(queue, source_id="h-3")
    resolved = queue.resolve(a, note="approved in Harvest", actor="alex")
    assert resolved.status == "resolved"
    assert [(x.action, x.actor, x.note) for x in resolved.audit] == [
        ("opened", "accord", "gate approved failed"), ("resolved", "alex", "approved in Harvest")]
    assert queue.discard(b, reason="test entry").audit[-1].actor == "dana"  # $ACCORD_ACTOR
    assert queue.mark_replayed(c, actor="accord sync", outcome="delivered NS-7").status == \
        "replayed"
    assert queue.list() == []
    assert [e.status for e in queue.list(status=None)] == ["resolved", "discarded", "replayed"]
    assert _add(queue) not in (a, b, c)  # a new failure of a closed one opens a new exception
    with pytest.raises(UsageError) as info:
        queue.resolve(a, note="again")
    assert info.value.diagnostics[0].code == codes.SYNC_EXCEPTION_CLOSED
    assert f"exception {a} is already resolved (by alex" in str(info.value)
    assert "accord exceptions show" in info.value.diagnostics[0].hint
    assert len(queue.audit(a)) == 2  # the refused change wrote nothing


def test_unknown_ids_bad_values_and_missing_notes(store: Store) -> None:
    queue = ExceptionQueue(store)
    assert queue.get(404) is None
    for call in (lambda: queue.require(404), lambda: queue.resolve(404, note="x"),
                 lambda: queue.discard(404, reason="x")):
        with pytest.raises(UsageError) as info:
            call()
        assert info.value.diagnostics[0].code == codes.SYNC_EXCEPTION_UNKNOWN
        assert info.value.exit_code == 2
    ident = _add(queue)
    with pytest.raises(UsageError) as info:
        queue.resolve(ident, note="  ")
    assert info.value.diagnostics[0].code == codes.SYNC_NOTE_REQUIRED
    with pytest.raises(UsageError) as info:
        _add(queue, error_class="weather")
    assert "'weather' is not one of business_rule" in str(info.value)
    with pytest.raises(UsageError):
        queue.list(status="closed")
