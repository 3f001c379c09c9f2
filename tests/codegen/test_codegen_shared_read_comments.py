"""The comments the generator writes beside shared reads (an object several rules read through,
a filter or map() kept for later rules) carry user text escaped like every other comment: a
field name with a line break other than \\n generates, and never reaches column 0."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from accord.codegen.generator import generate
from accord.mapping import load_mappings

BREAKS = ["\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]


@pytest.mark.parametrize("brk", BREAKS, ids=[f"U+{ord(b):04X}" for b in BREAKS])
def test_a_field_name_with_a_line_break_in_a_shared_read(tmp_path: Path, brk: str) -> None:
    name = f"cust{brk}import os"
    quoted = json.dumps(name)
    spec = (
        "accord: mapping/v1\nname: t.shared\nversion: 1.0.0\n"
        "source: {contract: src@1.0.0}\ntarget: {contract: tgt@1.0.0}\nfields:\n"
        f"  a: {json.dumps(f'order.{quoted}.id')}\n"
        f"  b: {json.dumps(f'order.{quoted}.name')}\n"
        f"  c: {json.dumps(f'lines[?{quoted} == `1`].x')}\n"
        f"  d: {json.dumps(f'sum(lines[?{quoted} == `1`].x)')}\n"
    )
    (tmp_path / "contracts").mkdir()
    (tmp_path / "mappings" / "flow").mkdir(parents=True)
    (tmp_path / "mappings" / "flow" / "shared.yaml").write_text(spec, "utf-8")
    mappings = load_mappings(tmp_path)
    assert mappings.diagnostics == [], [d.format() for d in mappings.diagnostics]
    files, diags = generate(mappings)
    assert diags == [], [d.format() for d in diags]
    text = files[0].text
    assert text.count("\n") == len(text.splitlines())
    assert brk not in text.replace(repr(name)[1:-1], "")  # only inside string literals, escaped
    namespace: dict[str, object] = {}
    exec(compile(text, "shared.py", "exec"), namespace)
    transform = namespace["transform"]
    assert callable(transform)
    record = {"order": {name: {"id": "1", "name": "n"}}, "lines": [{name: 1, "x": 2}]}
    assert transform(record) == {"a": "1", "b": "n", "c": [2], "d": 2}
