"""Where a workspace starts: the folder holding ``contracts/``, at or above a given path."""

from __future__ import annotations

import os
from pathlib import Path

from accord.errors import LoadError

__all__ = ["find_root"]


def find_root(path: str | Path) -> Path:
    """The workspace root at or above ``path``. Raises LoadError (exit 2) when there is none."""
    try:
        start = Path(os.path.realpath(path))  # Path.resolve() raises on a symlink loop
        if not start.exists():
            raise LoadError(f"{path}: no such file or directory")
        if start.is_file():
            start = start.parent
    except OSError as exc:  # a name too long, a folder that cannot be searched
        raise LoadError(f"{path}: {exc.strerror or exc}") from None
    for candidate in (start, *start.parents):
        if (candidate / "contracts").is_dir():
            return candidate
    raise LoadError(
        f"{path}: not inside an accord workspace (no contracts/ folder here or above); "
        "create one with `accord init DIR`"
    )
