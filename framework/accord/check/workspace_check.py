"""The mapping part of ``Workspace.check()``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from accord.check.endpoints import WorkspaceResolver
from accord.check.mapping_check import check_mapping_set
from accord.diagnostics import Diagnostic

if TYPE_CHECKING:
    from accord.workspace.workspace import Workspace

__all__ = ["check_workspace_mappings"]


def check_workspace_mappings(workspace: Workspace) -> list[Diagnostic]:
    """Load findings of every spec and lookup, plus the static check of each spec."""
    return check_mapping_set(workspace.mappings, WorkspaceResolver(workspace))
