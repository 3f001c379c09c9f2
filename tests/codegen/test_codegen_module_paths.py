"""Two specs that would generate the same module are a finding naming both; neither is
generated (`accord check` and `accord generate`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from accord.cli.main import cli
from accord.codegen import generate
from accord.mapping import load_mappings
from click.testing import CliRunner

SPEC = """accord: mapping/v1
name: {name}
version: 1.0.0
source: {{contract: src@1.0.0}}
target: {{contract: tgt@1.0.0}}
fields:
  a: x
"""


def _workspace(root: Path, paths: list[str]) -> Path:
    (root / "contracts").mkdir()
    for i, rel in enumerate(paths):
        path = root / "mappings" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(SPEC.format(name=f"t.spec{i}"), "utf-8")
    return root


@pytest.mark.parametrize("paths", [
    ["flow/a.yaml", "flow/a.yml"],  # one stem, two extensions
    ["flow/a.yaml", "deeper/flow/a.yaml"],  # the same flow folder at two depths
    ["flow/Report.yaml", "flow/report.yaml"],  # one file on a case-insensitive file system
    ["flow/caf\u00e9.yaml", "flow/cafe\u0301.yaml"],  # NFC and NFD spellings of one name
], ids=["extension", "depth", "case", "normalisation"])
def test_specs_sharing_a_module_are_a_finding_naming_both(tmp_path: Path,
                                                          paths: list[str]) -> None:
    root = _workspace(tmp_path, [*paths, "flow/other.yaml"])
    mappings = load_mappings(root)
    assert mappings.diagnostics == []
    files, diags = generate(mappings)
    assert [f.spec for f in files] == ["mappings/flow/other.yaml"]  # neither clashing one
    shown = sorted(f"mappings/{p}" for p in paths)
    assert sorted(d.file for d in diags) == shown
    for d in diags:
        assert d.code == "ACC461" and d.line == 1
        other = next(s for s in shown if s != d.file)
        assert f"{other}:1" in d.message and "generated/flow/" in d.message

    result = CliRunner().invoke(cli, ["generate", str(root)])
    assert result.exit_code == 1, result.output
    assert result.output.count("ACC461") == 2
    assert not any((root / "generated").rglob("a.py"))

    result = CliRunner().invoke(cli, ["check", "--format", "json", str(root)])
    assert result.exit_code == 1, result.output
    found = [d for d in json.loads(result.output)["diagnostics"] if d["code"] == "ACC461"]
    assert sorted(d["file"] for d in found) == shown


def test_distinct_modules_are_not_a_finding(tmp_path: Path) -> None:
    root = _workspace(tmp_path, ["flow/a.yaml", "flow/b.yaml", "other/a.yaml"])
    files, diags = generate(load_mappings(root))
    assert diags == [] and len(files) == 3
