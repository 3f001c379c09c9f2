"""Lineage: where each record came from and where it went, step by step.

The engine records one step per record and target it handles (``create``, ``update``,
``skip`` when the content hash is unchanged, ``land`` for a flow without targets): the source
system and id, the canonical id, the target system and id, the mapping versions used, the run
and the time. :meth:`Lineage.trace` starts from **any** id — a source id, a canonical id or
entity key, a target id, a correlation id — finds the records it names, and returns all their
steps in order; :func:`chains` folds them into source ids → canonical id → target ids.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from accord import codes
from accord.store import Store, utc_now
from accord.sync.values import Errors, dumps, loads

__all__ = ["ACTIONS", "Chain", "Lineage", "LineageStep", "chains"]

#: this repository's errors, located in it
_ERRORS = Errors("lineage")


ACTIONS = ("create", "update", "skip", "land")


@dataclass(frozen=True)
class LineageStep:
    correlation_id: str
    flow: str
    key: str
    action: str  # create | update | skip | land
    source_system: str | None
    source_id: str | None
    canonical_id: str | None
    target_system: str | None
    target_id: str | None
    mappings: dict[str, str]  # mapping name -> version or sha
    run_id: str | None
    at: str

    def to_dict(self) -> dict[str, Any]:
        return {"correlation_id": self.correlation_id, "flow": self.flow, "key": self.key,
                "action": self.action, "source_system": self.source_system,
                "source_id": self.source_id, "canonical_id": self.canonical_id,
                "target_system": self.target_system, "target_id": self.target_id,
                "mappings": self.mappings, "run_id": self.run_id, "at": self.at}


@dataclass(frozen=True)
class Chain:
    """One record of one flow: its sources, its canonical id and its targets, with the steps
    that touched each (a target's steps in order: create, then updates and skips)."""

    flow: str
    key: str
    canonical_id: str | None
    sources: dict[str, str] = field(default_factory=dict)  # system -> source id
    targets: dict[str, list[LineageStep]] = field(default_factory=dict)  # system -> steps
    steps: list[LineageStep] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"flow": self.flow, "key": self.key, "canonical_id": self.canonical_id,
                "sources": self.sources,
                "targets": {system: [s.to_dict() for s in steps]
                            for system, steps in self.targets.items()},
                "steps": [s.to_dict() for s in self.steps]}


_COLUMNS = ("correlation_id, flow, key, action, source_system, source_id, canonical_id, "
            "target_system, target_id, mappings, run_id, at")


def _opt(value: Any) -> str | None:
    return None if value is None else str(value)


def _step(row: Sequence[Any]) -> LineageStep:
    return LineageStep(str(row[0]), str(row[1]), str(row[2]), str(row[3]), _opt(row[4]),
                       _opt(row[5]), _opt(row[6]), _opt(row[7]), _opt(row[8]), loads(row[9]),
                       _opt(row[10]), str(row[11]))


class Lineage:
    """The lineage of the workspace database ``store``."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def record(self, *, correlation_id: str, flow: str, key: str, action: str,
               source_system: str | None = None, source_id: str | None = None,
               canonical_id: str | None = None, target_system: str | None = None,
               target_id: str | None = None, mappings: Mapping[str, str] | None = None,
               run_id: str | None = None, at: str | None = None) -> LineageStep:
        """Append one step (``at`` defaults to now, UTC)."""
        _ERRORS.one_of(codes.SYNC_STATE_INVALID, "lineage action", action, ACTIONS)
        step = LineageStep(correlation_id, flow, key, action, source_system, source_id,
                           canonical_id, target_system, target_id, dict(mappings or {}), run_id,
                           at or utc_now())
        with self.store.transaction():
            self.store.execute(
                f"INSERT INTO accord_lineage ({_COLUMNS}) VALUES "
                "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (step.correlation_id, step.flow, step.key, step.action, step.source_system,
                 step.source_id, step.canonical_id, step.target_system, step.target_id,
                 dumps(step.mappings), step.run_id, step.at))
        return step

    def trace(self, any_id: str, *, flow: str | None = None) -> list[LineageStep]:
        """Every step of every record ``any_id`` names (as source id, canonical id, key,
        target id or correlation id), in order; empty when it names none."""
        sql = ("SELECT DISTINCT flow, key FROM accord_lineage WHERE (source_id = ? OR "
               "canonical_id = ? OR key = ? OR target_id = ? OR correlation_id = ?)")
        params: list[str] = [any_id] * 5
        if flow is not None:
            sql += " AND flow = ?"
            params.append(flow)
        steps: list[LineageStep] = []
        for found_flow, found_key in sorted(self.store.query(sql, params)):
            steps.extend(_step(row) for row in self.store.query(
                f"SELECT {_COLUMNS} FROM accord_lineage WHERE flow = ? AND key = ? "
                "ORDER BY at, id", (found_flow, found_key)))
        return steps

    def require(self, any_id: str, *, flow: str | None = None) -> list[Chain]:
        """:func:`chains` of :meth:`trace`, or an error (ACC614, exit 2) when there is none."""
        steps = self.trace(any_id, flow=flow)
        if not steps:
            where = f" in flow {flow!r}" if flow is not None else ""
            raise _ERRORS.invalid(codes.SYNC_LINEAGE_UNKNOWN,
                          f"no record with id {any_id!r}{where} in the lineage")
        return chains(steps)


def chains(steps: Sequence[LineageStep]) -> list[Chain]:
    """The steps grouped per flow and key (in the order given)."""
    out: dict[tuple[str, str], Chain] = {}
    for step in steps:
        chain = out.get((step.flow, step.key))
        if chain is None:
            chain = out[(step.flow, step.key)] = Chain(step.flow, step.key, step.canonical_id)
        if step.canonical_id is not None and chain.canonical_id != step.canonical_id:
            chain = out[(step.flow, step.key)] = Chain(
                chain.flow, chain.key, step.canonical_id, chain.sources, chain.targets,
                chain.steps)
        if step.source_system is not None and step.source_id is not None:
            chain.sources[step.source_system] = step.source_id
        if step.target_system is not None:
            chain.targets.setdefault(step.target_system, []).append(step)
        chain.steps.append(step)
    return list(out.values())
