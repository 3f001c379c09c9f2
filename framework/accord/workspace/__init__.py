"""The workspace: contracts, systems, mappings and lookups loaded from YAML with positions."""

from accord.workspace.workspace import Workspace, load_workspace

__all__ = ["Workspace", "load_workspace"]
