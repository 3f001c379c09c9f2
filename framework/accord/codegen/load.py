"""``accord.load_transformer``: import a generated module by path or by spec name."""

from __future__ import annotations

import hashlib
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from accord.errors import LoadError, UsageError

__all__ = ["import_file", "load_transformer"]

_REQUIRED = ("transform", "key", "applies", "SPEC", "NAME", "VERSION", "SOURCE", "TARGET")


def import_file(path: Path) -> ModuleType:
    """Import a Python file as a module (registered in ``sys.modules`` under a name unique to
    its path); an import failure is a LoadError naming the file, never a traceback."""
    resolved = path.resolve()
    digest = hashlib.sha256(str(resolved).encode()).hexdigest()[:12]
    name = f"accord_generated_{resolved.stem}_{digest}"
    spec = importlib.util.spec_from_file_location(name, resolved)
    if spec is None or spec.loader is None:
        raise UsageError(f"{path}: cannot import this file")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        sys.modules.pop(name, None)
        raise LoadError(f"{path}: the module fails to import ({type(exc).__name__}: {exc}); "
                        "regenerate it with `accord generate`") from None
    return module


def _import(path: Path) -> ModuleType:
    module = import_file(path)
    missing = [attr for attr in _REQUIRED if not hasattr(module, attr)]
    if missing:
        raise UsageError(f"{path}: not a generated transformer (missing {', '.join(missing)})")
    return module


def load_transformer(path_or_name: str | Path, *, root: str | Path | None = None) -> ModuleType:
    """A generated transformer module.

    ``path_or_name`` is a ``.py`` file, a spec file (``mappings/<flow>/<name>.yaml``: its
    generated module is loaded), or a spec's ``name:`` looked up in the workspace at ``root``
    (default: the current directory).
    """
    candidate = Path(path_or_name)
    if candidate.suffix == ".py":
        if not candidate.is_file():
            raise UsageError(f"{candidate}: no such generated module; run `accord generate`")
        return _import(candidate)
    from accord.codegen.generator import output_path
    from accord.mapping.loader import load_mappings, load_spec
    from accord.workspace.root import find_root

    if candidate.suffix in (".yaml", ".yml") and candidate.is_file():
        base = find_root(candidate)
        spec = load_spec(candidate, root=base)
    else:
        base = find_root(root or Path.cwd())
        mappings = load_mappings(base)
        found = mappings.get(str(path_or_name))
        if found is None:
            known = ", ".join(sorted(s.name for s in mappings.specs)) or "none"
            raise UsageError(f"no mapping named {str(path_or_name)!r} (mappings: {known})")
        spec = found
    module_path = base / output_path(spec)
    if not module_path.is_file():
        raise UsageError(f"{module_path.relative_to(base)}: not generated yet; run "
                         "`accord generate`")
    return _import(module_path)
