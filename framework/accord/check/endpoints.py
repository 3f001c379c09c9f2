"""Turn a spec's ``source``/``target`` into a self-contained JSON Schema."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from accord.errors import AccordError
from accord.mapping.model import Endpoint

if TYPE_CHECKING:
    from accord.workspace.contracts import ContractRegistry
    from accord.workspace.systems import System

__all__ = ["DictResolver", "EndpointError", "SchemaResolver", "WorkspaceResolver"]


class EndpointError(AccordError):
    """An endpoint names a contract, system, schema or operation that does not exist."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.hint = hint


class SchemaResolver(Protocol):
    def resolve(self, endpoint: Endpoint, role: str) -> dict[str, Any]:
        """The schema of ``endpoint`` as a ``source`` or ``target``; EndpointError if unknown."""


def with_extra_fields(schema: dict[str, Any], endpoint: Endpoint, role: str) -> dict[str, Any]:
    """A source schema widened by the spec's ``extra_fields`` (properties the records carry
    beyond the published schema, e.g. a tenant's custom fields); other schemas unchanged."""
    if role != "source" or not endpoint.extra_fields:
        return schema
    base = {k: v for k, v in schema.items() if k != "$defs"}
    widened: dict[str, Any] = {"allOf": [base], "properties": endpoint.extra_schemas()}
    if "$defs" in schema:
        widened["$defs"] = schema["$defs"]
    return widened


class DictResolver:
    """For tests and embedding: schemas given by ``describe()`` text or contract ref."""

    def __init__(self, schemas: dict[str, dict[str, Any]]) -> None:
        self.schemas = schemas

    def resolve(self, endpoint: Endpoint, role: str) -> dict[str, Any]:
        keys = [endpoint.contract or "", f"{endpoint.system}.{endpoint.schema}",
                f"{endpoint.system}.{endpoint.operation}.{role}",
                f"{endpoint.system}.{endpoint.operation}"]
        for key in keys:
            if key in self.schemas:
                return with_extra_fields(self.schemas[key], endpoint, role)
        raise EndpointError(f"unknown {endpoint.describe()}", "check the name")


class WorkspaceResolver:
    """Contracts through the registry's bundles; systems through their API descriptions."""

    def __init__(self, contracts: ContractRegistry, systems: dict[str, System]) -> None:
        self.contracts = contracts
        self.systems = systems
        self._cache: dict[tuple[Endpoint, str], dict[str, Any]] = {}

    def resolve(self, endpoint: Endpoint, role: str) -> dict[str, Any]:
        key = (endpoint, role if endpoint.operation else "")
        if key not in self._cache:
            self._cache[key] = with_extra_fields(self._resolve(endpoint, role), endpoint, role)
        return self._cache[key]

    def _resolve(self, endpoint: Endpoint, role: str) -> dict[str, Any]:
        try:
            if endpoint.contract:
                name, _, version = endpoint.contract.partition("@")
                return self.contracts.bundle(name, version)
            from accord.workspace.systems import get_system

            system = get_system(self.systems, endpoint.system or "")
            if endpoint.schema:
                return system.schema(endpoint.schema)
            op = endpoint.operation or ""
            if role == "source":
                return system.operation_response(op)
            return system.operation_request(op)
        except AccordError as exc:
            first = exc.diagnostics[0] if exc.diagnostics else None
            message = first.message if first else str(exc).splitlines()[0]
            hint = first.hint if first else ""
            raise EndpointError(message, hint) from None
