"""Schema evolution: the change catalogue, the differ, verdicts per compatibility mode and the
version (semver bump) policy."""

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
