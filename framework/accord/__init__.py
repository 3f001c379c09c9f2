"""accord: declarative mapping and contract testing for CRM, PSA, ERP, HCM and timekeeping sync.

This module re-exports the public API only. The names load on first use, so that importing
``accord.runtime`` (all a generated transformer needs) does not pay for the compiler, the
checker or jsonschema.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from accord.version import __version__

if TYPE_CHECKING:
    from accord.codegen.load import load_transformer
    from accord.compat import Change, ChangeType, CompatResult, compat
    from accord.diagnostics import Diagnostic, Severity
    from accord.errors import (
        AccordError,
        CheckError,
        CodegenError,
        CompatError,
        ExpressionError,
        LoadError,
        PromotionError,
        TransformError,
        UsageError,
        VerificationError,
    )
    from accord.expr import CompiledExpression, compile_expression
    from accord.project import Workspace, load_workspace


_EXPORTS: dict[str, str] = {
    "load_transformer": "accord.codegen.load",
    "Change": "accord.compat",
    "ChangeType": "accord.compat",
    "CompatResult": "accord.compat",
    "compat": "accord.compat",
    "Diagnostic": "accord.diagnostics",
    "Severity": "accord.diagnostics",
    "AccordError": "accord.errors",
    "CheckError": "accord.errors",
    "CodegenError": "accord.errors",
    "CompatError": "accord.errors",
    "ExpressionError": "accord.errors",
    "LoadError": "accord.errors",
    "PromotionError": "accord.errors",
    "TransformError": "accord.errors",
    "UsageError": "accord.errors",
    "VerificationError": "accord.errors",
    "CompiledExpression": "accord.expr",
    "compile_expression": "accord.expr",
    "Workspace": "accord.project",
    "load_workspace": "accord.project",
}

__all__ = [
    "AccordError",
    "Change",
    "ChangeType",
    "CheckError",
    "CodegenError",
    "CompatError",
    "CompatResult",
    "CompiledExpression",
    "Diagnostic",
    "ExpressionError",
    "LoadError",
    "PromotionError",
    "Severity",
    "TransformError",
    "UsageError",
    "VerificationError",
    "Workspace",
    "__version__",
    "compat",
    "compile_expression",
    "load_transformer",
    "load_workspace",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'accord' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later look-ups skip __getattr__
    return value


def __dir__() -> list[str]:
    return __all__
