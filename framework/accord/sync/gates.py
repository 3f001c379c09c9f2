"""A flow's gates, evaluated on a canonical record before it is delivered.

Gates run in the order the flow writes them; the first that fails stops the record, which
becomes a ``business_rule`` exception naming the gate, its line in flow.yaml and why —
never a silent drop. ``require`` passes when its expression is truthy (JMESPath truthiness:
``false``, ``null``, ``""``, ``[]`` and ``{}`` are false), ``active`` when the record its
``ref`` points at is an active record of the entity in the crosswalk, ``open_period`` when
the accounting period (calendar month) holding ``date`` is open for ``legal_entity``. A gate
with ``when`` applies only to records for which ``when`` is truthy.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from accord.errors import ExpressionError
from accord.expr import compile_expression
from accord.mapping.flow import FlowSpec, Gate

__all__ = ["GateFailure", "Gates", "MasterData", "PeriodBook", "resolve_ref", "truthy"]


def truthy(value: Any) -> bool:
    """JMESPath's truthiness: false, null, empty strings, arrays and objects are false."""
    if value is None or value is False:
        return False
    if isinstance(value, (str, list, dict)):
        return len(value) > 0
    return True


class MasterData(Protocol):
    """What the ``active`` gate reads: the crosswalk (:class:`accord.sync.crosswalk.Crosswalk`)."""

    def resolve(self, entity: str, system: str, external_id: str) -> str | None: ...
    def is_active(self, entity: str, canonical_id: str) -> bool | None: ...


class PeriodBook(Protocol):
    """What the ``open_period`` gate reads (:class:`accord.sync.periods.Periods`)."""

    def status(self, legal_entity: str, date: str) -> str | None: ...


@dataclass(frozen=True)
class GateFailure:
    """Why a record did not pass a gate: ``rule`` is the gate's place in flow.yaml."""

    gate: str
    message: str
    rule: str
    pointer: str


def _show(value: Any) -> str:
    """A value as JMESPath writes it (``'text'``, ``false``, ``null``, ``42``)."""
    import json

    if isinstance(value, str):
        text = f"'{value}'"
    else:
        try:
            text = json.dumps(value, ensure_ascii=False, sort_keys=True)
        except (TypeError, ValueError):
            text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def resolve_ref(master: MasterData, entity: str, ref: Any) -> tuple[str | None, str]:
    """The canonical id a reference names, and how to show the reference: a canonical id as
    is, ``{id}`` by its id, ``{external_ids}`` through the crosswalk (the first system that
    knows it). None when it names nothing known."""
    if isinstance(ref, (str, int)) and not isinstance(ref, bool):
        return str(ref), str(ref)
    if not isinstance(ref, dict):
        return None, ""
    if isinstance(ref.get("id"), (str, int)) and not isinstance(ref.get("id"), bool):
        return str(ref["id"]), str(ref["id"])
    external = ref.get("external_ids")
    pairs = sorted(external.items()) if isinstance(external, dict) else []
    shown = ", ".join(f"{system}:{value}" for system, value in pairs)
    for system, value in pairs:
        if isinstance(value, (str, int)) and not isinstance(value, bool):
            found = master.resolve(entity, system, str(value))
            if found is not None:
                return found, shown
    return None, shown


class Gates:
    """The compiled gates of one flow."""

    def __init__(self, flow: FlowSpec, master: MasterData, periods: PeriodBook) -> None:
        self.flow = flow
        self.master = master
        self.periods = periods
        self._compiled: list[tuple[Gate, dict[str, Callable[[Any], Any]]]] = [
            (gate, {role: compile_expression(expr.text) for role, expr in gate.exprs.items()})
            for gate in flow.gates]

    def check(self, record: Mapping[str, Any]) -> GateFailure | None:
        """The first gate ``record`` fails, or None when it passes them all."""
        for gate, exprs in self._compiled:
            failure = self._one(gate, exprs, record)
            if failure is not None:
                return failure
        return None

    def _fail(self, gate: Gate, message: str) -> GateFailure:
        return GateFailure(gate.name, f"gate {gate.name} ({gate.kind}) failed: {message}",
                           f"{self.flow.display}:{gate.place.line}", gate.place.pointer)

    def _one(self, gate: Gate, exprs: dict[str, Callable[[Any], Any]],
             record: Mapping[str, Any]) -> GateFailure | None:
        try:
            if "when" in exprs and not truthy(exprs["when"](record)):
                return None
            if gate.kind == "require":
                value = exprs["require"](record)
                if truthy(value):
                    return None
                return self._fail(gate, f"{gate.exprs['require'].text} is {_show(value)}")
            if gate.kind == "active":
                return self._active(gate, exprs["ref"](record))
            return self._period(gate, exprs["legal_entity"](record), exprs["date"](record))
        except ExpressionError as exc:
            return self._fail(gate, f"the gate's expression failed on this record: {exc}")

    def _active(self, gate: Gate, ref: Any) -> GateFailure | None:
        entity = gate.entity or ""
        canonical_id, shown = resolve_ref(self.master, entity, ref)
        if canonical_id is None:
            if isinstance(ref, dict) and shown:
                return self._fail(gate, f"{entity} {shown} is not in the crosswalk: sync the "
                                        f"flow that lands {entity} records, or link the ids")
            return self._fail(gate, f"{gate.exprs['ref'].text} is {_show(ref)}: no {entity} "
                                    "to check")
        active = self.master.is_active(entity, canonical_id)
        if active is None:
            return self._fail(gate, f"{entity} {canonical_id} is not in the crosswalk: sync the "
                                    f"flow that lands {entity} records first")
        if not active:
            return self._fail(gate, f"{entity} {canonical_id} is not active")
        return None

    def _period(self, gate: Gate, legal_entity: Any, date: Any) -> GateFailure | None:
        if not isinstance(legal_entity, str) or not legal_entity:
            return self._fail(gate, f"{gate.exprs['legal_entity'].text} is {_show(legal_entity)}"
                                    ": no legal entity to find the period of")
        if not isinstance(date, str) or len(date) < 7:
            return self._fail(gate, f"{gate.exprs['date'].text} is {_show(date)}: not a date")
        month = date[:7]
        status = self.periods.status(legal_entity, date)
        if status == "open":
            return None
        if status is None:
            return self._fail(gate, f"no accounting period {month} is known for {legal_entity}:"
                                    f" open it with `accord periods open {legal_entity} {month}`")
        return self._fail(gate, f"the accounting period {month} of {legal_entity} is {status}")
