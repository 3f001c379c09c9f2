"""The workspace: contracts, systems, mappings and lookups loaded from YAML with positions."""
