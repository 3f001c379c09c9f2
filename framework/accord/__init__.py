"""accord: declarative mapping and contract testing for CRM, PSA, ERP, HCM and timekeeping sync.

This module re-exports the public API only.
"""

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
from accord.workspace import Workspace, load_workspace

__version__ = "0.1.0"

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
