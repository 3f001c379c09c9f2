"""Code generation: mapping specs to plain Python transformer modules."""

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
