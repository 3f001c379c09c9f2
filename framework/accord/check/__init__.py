"""The static checker: mappings against their source and target schemas."""

from accord.check.endpoints import DictResolver, EndpointError, SchemaResolver, WorkspaceResolver
from accord.check.mapping_check import CODES, check_mapping_set, check_spec
from accord.check.schema_model import SchemaModel

__all__ = [
    "CODES",
    "DictResolver",
    "EndpointError",
    "SchemaModel",
    "SchemaResolver",
    "WorkspaceResolver",
    "check_mapping_set",
    "check_spec",
]
