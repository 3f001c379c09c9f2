"""``accord init``: scaffold a new workspace that checks clean."""

from __future__ import annotations

from pathlib import Path

from accord import fsio
from accord.errors import UsageError

__all__ = ["SCAFFOLD", "init_workspace"]

SCAFFOLD = Path(__file__).parent / "scaffold"


def init_workspace(target: str | Path) -> list[Path]:
    """Copy the scaffold into ``target`` (created if needed; must not already hold a workspace).

    Returns the files written. Nothing is overwritten: an existing file is an error, raised
    before anything is written.
    """
    dest = Path(target)
    sources = sorted(p for p in SCAFFOLD.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    try:  # stat raises for a name too long or a folder that cannot be searched
        if dest.exists() and not dest.is_dir():
            raise UsageError(f"{target}: exists and is not a directory")
        clashes = [dest / p.relative_to(SCAFFOLD) for p in sources
                   if (dest / p.relative_to(SCAFFOLD)).exists()]
    except OSError as exc:
        raise UsageError(f"{target}: {exc.strerror or exc}") from None
    if clashes:
        listed = ", ".join(str(c) for c in clashes[:3])
        raise UsageError(f"{target}: would overwrite existing files ({listed}); "
                         "choose an empty directory")
    written = []
    for src in sources:
        out = dest / src.relative_to(SCAFFOLD)
        fsio.make_dirs(out.parent)
        fsio.write_bytes(out, fsio.read_bytes(src), root=dest)
        written.append(out)
    for folder in ("generated",):
        (dest / folder).mkdir(parents=True, exist_ok=True)
    return written
