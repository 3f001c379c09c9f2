"""The operation model of a system's API description (collections, operations, record
pointers, paging). It lives in :mod:`accord.workspace.apimodel`, on the loaders' floor, so that
``accord check`` can resolve a flow's operations; this module keeps the harness's import path."""

from accord.workspace.apimodel import (
    EACH,
    ApiModel,
    Collection,
    ErrorResponse,
    Operation,
    Paging,
    Pointer,
    api_model,
    document_model,
    get_at,
    set_at,
)

__all__ = [
    "EACH",
    "ApiModel",
    "Collection",
    "ErrorResponse",
    "Operation",
    "Paging",
    "Pointer",
    "api_model",
    "document_model",
    "get_at",
    "set_at",
]
