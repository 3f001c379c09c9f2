"""Shared by the codegen tests: generate a one-spec workspace and import its module."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from accord.codegen import generate
from accord.mapping import load_mappings

HEAD = """accord: mapping/v1
name: t.{name}
version: 1.0.0
source: {{contract: src@1.0.0}}
target: {{contract: tgt@1.0.0}}
"""


def module(tmp_path: Path, fields: str, name: str = "spec") -> tuple[Any, str]:
    """(module namespace as an object, generated source) for a spec with these ``fields``."""
    (tmp_path / "contracts").mkdir()
    spec = tmp_path / "mappings" / "flow" / "spec.yaml"
    spec.parent.mkdir(parents=True)
    spec.write_text(HEAD.format(name=name) + "fields:\n" + fields, "utf-8")
    files, diags = generate(load_mappings(tmp_path))
    assert diags == []
    namespace: dict[str, Any] = {}
    exec(compile(files[0].text, "generated.py", "exec"), namespace)
    return type("Module", (), namespace), files[0].text
