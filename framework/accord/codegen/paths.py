"""Where a spec's module goes, and specs that would share one.

A spec ``mappings/<...>/<flow>/<stem>.yaml`` generates ``generated/<flow>/<stem>.py``. Two specs
mapping to the same module (``a.yaml`` beside ``a.yml``, the same flow folder at two depths,
names that differ only in case or Unicode normalisation, which case-insensitive file systems
merge) would overwrite each other: that is a finding naming both, and neither is generated.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from accord import codes
from accord.diagnostics import Diagnostic
from accord.mapping.model import MappingSpec

__all__ = ["GENERATED_DIR", "module_collisions", "output_path"]

GENERATED_DIR = "generated"


def output_path(spec: MappingSpec) -> Path:
    """``generated/<flow>/<name>.py`` relative to the workspace root."""
    return Path(GENERATED_DIR) / spec.flow / f"{spec.stem}.py"


def _identity(spec: MappingSpec) -> str:
    return unicodedata.normalize("NFC", output_path(spec).as_posix()).casefold()


def module_collisions(specs: list[MappingSpec]) -> tuple[list[Diagnostic], set[str]]:
    """A finding for every spec whose module another spec would also write (each names the
    others' file and line), and the displays of those specs."""
    groups: dict[str, list[MappingSpec]] = {}
    for spec in sorted(specs, key=lambda s: s.display):
        groups.setdefault(_identity(spec), []).append(spec)
    diags: list[Diagnostic] = []
    clashing: set[str] = set()
    for group in groups.values():
        if len(group) < 2:
            continue
        for spec in group:
            others = ", ".join(f"{o.display}:{o.document.position('').line or 1}"
                               for o in group if o is not spec)
            diags.append(spec.document.diagnostic(
                codes.SAME_MODULE,
                f"generates the same module ({output_path(spec).as_posix()}) as {others}",
                hint="rename one spec file or move it to another flow folder: a module is "
                     "generated/<flow folder>/<file name>.py, compared ignoring case"))
            clashing.add(spec.display)
    return diags, clashing
