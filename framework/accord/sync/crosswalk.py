"""The crosswalk: which record of each system is which canonical record, and whether that
canonical record is active (master data the flows' ``active`` gates read).

Rows are ``(entity, canonical_id, system, external_id, active)``; an external id names one
canonical record (``link`` again to re-point it). *Active* belongs to the canonical record, not
to one link: :meth:`Crosswalk.link` and :meth:`Crosswalk.set_active` set it on every row of the
canonical record, so :meth:`Crosswalk.is_active` has one answer (None when the record is
unknown: the gate says "not found" rather than "inactive").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from accord.store import Store, utc_now

__all__ = ["Crosswalk", "Link"]


@dataclass(frozen=True)
class Link:
    """One row: ``external_id`` in ``system`` is the canonical ``entity`` ``canonical_id``."""

    entity: str
    canonical_id: str
    system: str
    external_id: str
    active: bool
    updated_at: str

    def to_dict(self) -> dict[str, Any]:
        return {"entity": self.entity, "canonical_id": self.canonical_id,
                "system": self.system, "external_id": self.external_id,
                "active": self.active, "updated_at": self.updated_at}


class Crosswalk:
    """The crosswalk of the workspace database ``store``."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def link(self, entity: str, canonical_id: str, system: str, external_id: str, *,
             active: bool = True) -> None:
        """``external_id`` in ``system`` is the canonical ``entity`` record ``canonical_id``;
        the canonical record is now ``active`` (or not)."""
        now = utc_now()
        with self.store.transaction():
            self.store.execute(
                "INSERT INTO accord_crosswalk (entity, canonical_id, system, external_id, active,"
                " updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (entity, system, external_id)"
                " DO UPDATE SET canonical_id = excluded.canonical_id, active = excluded.active, "
                "updated_at = excluded.updated_at",
                (entity, canonical_id, system, external_id, int(active), now))
            self._activate(entity, canonical_id, active, now)

    def set_active(self, entity: str, canonical_id: str, active: bool) -> int:
        """Mark the canonical record active or inactive; the number of links it has (0: the
        record is unknown and nothing changed)."""
        with self.store.transaction():
            return self._activate(entity, canonical_id, active, utc_now())

    def _activate(self, entity: str, canonical_id: str, active: bool, now: str) -> int:
        return self.store.execute(
            "UPDATE accord_crosswalk SET active = ?, updated_at = ? WHERE entity = ? AND "
            "canonical_id = ?", (int(active), now, entity, canonical_id))

    def resolve(self, entity: str, system: str, external_id: str) -> str | None:
        """The canonical id of ``external_id`` in ``system``; None when it is not linked."""
        rows = self.store.query("SELECT canonical_id FROM accord_crosswalk WHERE entity = ? AND "
                                "system = ? AND external_id = ?", (entity, system, external_id))
        return str(rows[0][0]) if rows else None

    def is_active(self, entity: str, canonical_id: str) -> bool | None:
        """Whether the canonical record is active; None when the crosswalk does not know it."""
        rows = self.store.query("SELECT min(active) FROM accord_crosswalk WHERE entity = ? AND "
                                "canonical_id = ?", (entity, canonical_id))
        value = rows[0][0] if rows else None
        return None if value is None else bool(value)

    def external_ids(self, entity: str, canonical_id: str) -> dict[str, str]:
        """The record's id in each system (when a system holds two, the latest linked)."""
        rows = self.store.query("SELECT system, external_id FROM accord_crosswalk WHERE "
                                "entity = ? AND canonical_id = ? ORDER BY updated_at, "
                                "external_id", (entity, canonical_id))
        return {str(system): str(external) for system, external in rows}

    def source_ids(self, entity: str, system: str) -> list[str]:
        """Every id of ``entity`` records linked in ``system``, sorted."""
        rows = self.store.query("SELECT external_id FROM accord_crosswalk WHERE entity = ? AND "
                                "system = ? ORDER BY external_id", (entity, system))
        return [str(r[0]) for r in rows]

    def links(self, *, entity: str | None = None, system: str | None = None,
              limit: int | None = None) -> list[Link]:
        """The rows, by entity, canonical id and system (filtered by ``entity``/``system``)."""
        where, params = [], []
        for column, value in (("entity", entity), ("system", system)):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        sql = ("SELECT entity, canonical_id, system, external_id, active, updated_at FROM "
               "accord_crosswalk" + (" WHERE " + " AND ".join(where) if where else "")
               + " ORDER BY entity, canonical_id, system, external_id")
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return [Link(str(r[0]), str(r[1]), str(r[2]), str(r[3]), bool(r[4]), str(r[5]))
                for r in self.store.query(sql, tuple(params))]
