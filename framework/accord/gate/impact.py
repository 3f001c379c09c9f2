"""Who is affected by a contract change: the mapping rules that read or write a pointer.

A mapping *writes* a contract when its target is ``{contract: name@version}`` (every rule's
target path becomes a pointer such as ``/properties/roles/items/properties/hours``); it *reads*
one when its source is, through the field paths its JMESPath expressions use. Both come from
the static checker's path index (:mod:`accord.check.path_index`), which resolves expressions
through the source schema exactly as the checker does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from accord.check.path_index import index_mapping_set
from accord.project import Workspace

__all__ = ["Use", "mapping_uses", "uses_of"]


@dataclass(frozen=True, order=True)
class Use:
    """A mapping reading or writing a pointer of a contract."""

    pointer: str
    access: str  # "read" | "write"
    spec: str  # repo-relative spec file
    line: int
    contract: str  # name@version

    def describe(self) -> str:
        return f"{self.access} by {self.spec}:{self.line}"


def _endpoint_of(ref: str, name: str, versions: set[str]) -> bool:
    contract, _, version = ref.partition("@")
    return contract == name and (not versions or version in versions)


def mapping_uses(workspace: Workspace, name: str, versions: Iterable[str] = ()) -> list[Use]:
    """Every pointer of contract ``name`` (any of ``versions``, or all) that a mapping reads or
    writes, from the checker's path index."""
    wanted = set(versions)
    specs = [s for s in workspace.mappings.specs
             if any(e.contract and _endpoint_of(e.contract, name, wanted)
                    for e in (s.source, s.target))]
    index = index_mapping_set(workspace.mappings, workspace.resolver, specs)
    return sorted({Use(u.pointer, u.access.value, u.spec, u.line, u.endpoint) for u in index
                   if _endpoint_of(u.endpoint, name, wanted)})


_COMBINER_STEP = re.compile(r"/(?:allOf|anyOf|oneOf)/\d+(?=/|$)")


def _normalise(pointer: str) -> str:
    """The logical pointer (as the path index names reads) of a change's pointer: combiner
    branches dropped, ``required/x`` as ``properties/x``."""
    parts = _COMBINER_STEP.sub("", pointer).split("/")
    if len(parts) >= 3 and parts[-2] in ("required", "dependentRequired"):
        return "/".join([*parts[:-2], "properties", parts[-1]])
    return "/".join(parts)


def uses_of(pointer: str, uses: list[Use]) -> list[Use]:
    """The uses at ``pointer``, inside it, or of an enclosing value."""
    p = _normalise(pointer)
    return [u for u in uses if u.pointer == p or u.pointer.startswith(p + "/")
            or p.startswith(u.pointer + "/")]
