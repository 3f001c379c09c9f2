"""What a source reads when it is not told: the ids a ``read`` source fetches and the values of
a ``list`` operation's path parameters (``/Projects/{projectId}/Time`` lists time per project).

* Ids and parameter values given on the command line win.
* A path parameter named for a canonical entity (``projectId``, ``project_id`` → ``project``)
  takes every id the crosswalk knows for that entity in the system: the projects accord
  delivered to Xero Projects are the projects whose time it reads back.
* Against a simulator (``--env local``), the simulator's records stand in for the system's
  change events: a read source fetches every record it holds, and a path parameter takes the
  values its records carry.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, Protocol
from urllib.parse import quote

from accord.sync.http import SystemClient
from accord.workspace.apimodel import Collection

__all__ = ["entity_of_param", "path_values", "simulator_ids", "simulator_records",
           "simulator_values"]

_SUFFIX = re.compile(r"(?:_id|Id|ID)$")


class _Ids(Protocol):
    def source_ids(self, entity: str, system: str) -> list[str]: ...


def entity_of_param(param: str) -> str | None:
    """The canonical entity a path parameter names (``projectId`` → ``project``), or None."""
    stem = _SUFFIX.sub("", param)
    if not stem or stem == param:
        return None
    return re.sub(r"(?<!^)(?=[A-Z])", "_", stem).lower()


def simulator_records(client: SystemClient, collection: Collection) -> list[dict[str, Any]]:
    """Every record a simulator holds in ``collection`` (its admin API)."""
    answer = client.request("GET", f"/_accord/records/{quote(collection.name, safe='')}")
    body = answer.body if isinstance(answer.body, dict) else {}
    return [r for r in body.get("records", []) if isinstance(r, dict)]


def simulator_ids(client: SystemClient, collection: Collection) -> list[str]:
    return [str(r["id"]) for r in simulator_records(client, collection) if "id" in r]


def simulator_values(client: SystemClient, collection: Collection, param: str) -> list[str]:
    """The values of the field ``param`` among a simulator's records of ``collection``."""
    found: list[str] = []
    for stored in simulator_records(client, collection):
        record = stored.get("record")
        value = record.get(param) if isinstance(record, dict) else None
        if isinstance(value, (str, int)) and not isinstance(value, bool):
            found.append(str(value))
    return list(dict.fromkeys(found))


def path_values(param: str, system: str, collection: Collection, client: SystemClient,
                crosswalk: _Ids, *, given: Iterable[str] = (), simulated: bool) -> list[str]:
    """The values a list operation's path parameter ``param`` takes (see the module)."""
    values = list(given)
    if values:
        return values
    entity = entity_of_param(param)
    if entity is not None:
        values += crosswalk.source_ids(entity, system)
    if simulated:
        values += simulator_values(client, collection, param)
    return list(dict.fromkeys(values))
