"""Code generation: mapping specs to plain Python transformer modules.

The names below load on first use, so importing ``accord.codegen.load`` (all ``accord run``
needs to import a generated module) does not load the generator, the checker or Jinja2."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from accord.codegen.generator import (
        GeneratedFile,
        check_fresh,
        generate,
        output_path,
        render_spec,
        write_files,
    )
    from accord.codegen.load import load_transformer

__all__ = ["GeneratedFile", "check_fresh", "generate", "load_transformer", "output_path",
           "render_spec", "write_files"]


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module = "accord.codegen.load" if name == "load_transformer" else "accord.codegen.generator"
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
