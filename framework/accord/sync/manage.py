"""What ``accord exceptions``, ``accord lineage`` and ``accord periods`` do: find the workspace,
open its database, call one repository, close it. Each function returns typed results; the
commands only format them (:mod:`accord.sync.report`)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from accord.store import Store, open_store
from accord.sync.crosswalk import Crosswalk, Link
from accord.sync.lineage import Chain, Lineage
from accord.sync.periods import Period, Periods
from accord.sync.queue import ExceptionQueue, ExceptionRecord, unknown_exception
from accord.sync.values import default_actor
from accord.workspace.root import find_root

__all__ = ["discard_exception", "link_ids", "list_exceptions", "list_links", "list_periods",
           "resolve_exception", "set_period", "show_exception", "trace_lineage",
           "workspace_store"]

_MAX_ID = 2**63 - 1


@contextlib.contextmanager
def workspace_store(workspace: str | Path) -> Iterator[Store]:
    """The database of the workspace at or above ``workspace``, closed after the block."""
    store = open_store(find_root(workspace))
    try:
        yield store
    finally:
        store.close()


def _exception_id(ident: int) -> int:
    if not 1 <= ident <= _MAX_ID:
        raise unknown_exception(ident)
    return ident


def list_exceptions(workspace: str | Path, *, flow: str | None = None,
                    status: str | None = "open", error_class: str | None = None,
                    owner: str | None = None, limit: int | None = None
                    ) -> list[ExceptionRecord]:
    """The queue's exceptions (``status=None``: all), oldest first."""
    with workspace_store(workspace) as store:
        return ExceptionQueue(store).list(flow=flow, status=status, error_class=error_class,
                                          owner=owner, limit=limit)


def show_exception(workspace: str | Path, ident: int) -> ExceptionRecord:
    """One exception with its audit trail; ACC610 (exit 2) when there is none."""
    with workspace_store(workspace) as store:
        return ExceptionQueue(store).require(_exception_id(ident))


def resolve_exception(workspace: str | Path, ident: int, *, note: str,
                      actor: str | None = None) -> ExceptionRecord:
    """Close an open exception as fixed; the actor defaults to $ACCORD_ACTOR or the OS user."""
    with workspace_store(workspace) as store:
        return ExceptionQueue(store).resolve(_exception_id(ident), note=note,
                                             actor=actor or default_actor())


def discard_exception(workspace: str | Path, ident: int, *, reason: str,
                      actor: str | None = None) -> ExceptionRecord:
    """Close an open exception as dropped on purpose."""
    with workspace_store(workspace) as store:
        return ExceptionQueue(store).discard(_exception_id(ident), reason=reason,
                                             actor=actor or default_actor())


def trace_lineage(workspace: str | Path, any_id: str, *, flow: str | None = None
                  ) -> list[Chain]:
    """The records ``any_id`` names, source → canonical → targets; ACC614 when none."""
    with workspace_store(workspace) as store:
        return Lineage(store).require(any_id, flow=flow)


def list_periods(workspace: str | Path, *, legal_entity: str | None = None) -> list[Period]:
    with workspace_store(workspace) as store:
        return Periods(store).list(legal_entity)


def set_period(workspace: str | Path, legal_entity: str, period: str, status: str, *,
               actor: str | None = None) -> Period:
    """Open or close a period; the actor defaults to $ACCORD_ACTOR or the OS user."""
    with workspace_store(workspace) as store:
        return Periods(store).set(legal_entity, period, status, actor=actor or default_actor())


def list_links(workspace: str | Path, *, entity: str | None = None, system: str | None = None,
               limit: int | None = None) -> list[Link]:
    with workspace_store(workspace) as store:
        return Crosswalk(store).links(entity=entity, system=system, limit=limit)


def link_ids(workspace: str | Path, entity: str, canonical_id: str, system: str,
             external_id: str, *, active: bool = True) -> Link:
    """Link a system's id to a canonical record by hand (master data no flow lands yet, e.g.
    the Harvest user who is a BambooHR employee); the link as stored."""
    with workspace_store(workspace) as store:
        crosswalk = Crosswalk(store)
        crosswalk.link(entity, canonical_id, system, external_id, active=active)
        return next(link for link in crosswalk.links(entity=entity, system=system)
                    if link.external_id == external_id)
