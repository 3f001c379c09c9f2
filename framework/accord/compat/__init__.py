"""Schema evolution: the change catalogue, the differ, verdicts per compatibility mode and the
version (semver bump) policy."""

import sys
import types
from typing import Any

from accord.compat.bump import Bump, check_bump, required_bump
from accord.compat.changes import (
    COMPATIBLE_CHANGES_LENIENT,
    COMPATIBLE_CHANGES_STRICT,
    METADATA_CHANGES,
    Change,
    ChangeType,
    Policy,
)
from accord.compat.verdict import CompatResult, Mode, compat, compat_history

__all__ = [
    "COMPATIBLE_CHANGES_LENIENT",
    "COMPATIBLE_CHANGES_STRICT",
    "METADATA_CHANGES",
    "Bump",
    "Change",
    "ChangeType",
    "CompatResult",
    "Mode",
    "Policy",
    "check_bump",
    "compat",
    "compat_history",
    "required_bump",
]


class _CallableModule(types.ModuleType):
    """``accord.compat`` is both this package and the :func:`compat` function re-exported by
    ``accord``: importing any ``accord.compat.*`` module binds the package to that name, so the
    package answers a call the way the function does and ``accord.compat(old, new)`` works
    whatever was imported first."""

    def __call__(self, *args: Any, **kwargs: Any) -> CompatResult:
        return compat(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
