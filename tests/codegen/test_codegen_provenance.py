"""`accord run` (and `load_transformer`) import a generated module only when it is exactly what
its spec generates: a stale or tampered module is refused (exit 2) and never imported."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from accord.cli.main import cli
from accord.codegen import load_transformer
from accord.errors import LoadError
from accord.mapping import load_mappings
from accord.project import load_workspace
from click.testing import CliRunner

SPEC = """accord: mapping/v1
name: t.deal
version: 1.0.0
source: {contract: src@1.0.0}
target: {contract: tgt@1.0.0}
fields:
  id: id
"""
MODULE = "generated/flow/deal.py"
#: Code that leaves a trace when it runs at import.
TRACE = "open({!r}, 'w').write('imported')\n"


@pytest.fixture()
def root(tmp_path: Path) -> Path:
    ws = tmp_path / "ws"
    (ws / "contracts").mkdir(parents=True)
    (ws / "mappings" / "flow").mkdir(parents=True)
    (ws / "mappings" / "flow" / "deal.yaml").write_text(SPEC, "utf-8")
    result = load_workspace(ws).generate()
    assert result.diagnostics == [] and (ws / MODULE).is_file()
    (ws / "in.jsonl").write_text(json.dumps({"id": "a"}) + "\n", "utf-8")
    return ws


def _run(root: Path, mapping: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, [
        "run", mapping, "-w", str(root), "-i", str(root / "in.jsonl"),
        "-o", str(root / "out.jsonl"), "-d", str(root / "dead.jsonl"), "--no-validate"])
    return result.exit_code, result.output


def test_a_fresh_module_runs(root: Path) -> None:
    for mapping in ("t.deal", str(root / "mappings/flow/deal.yaml"), str(root / MODULE)):
        code, output = _run(root, mapping)
        assert code == 0, output
        assert json.loads((root / "out.jsonl").read_text()) == {"id": "a"}


def _tamper(root: Path, trace: Path) -> None:
    """Keep the header (and its sha256), add code that runs at import."""
    module = root / MODULE
    module.write_text(module.read_text() + TRACE.format(str(trace)), "utf-8")


@pytest.mark.parametrize("by", ["name", "spec file", "module file"])
def test_a_tampered_module_is_refused_and_never_imported(root: Path, tmp_path: Path,
                                                         by: str) -> None:
    trace = tmp_path / "trace"
    _tamper(root, trace)
    mapping = {"name": "t.deal", "spec file": str(root / "mappings/flow/deal.yaml"),
               "module file": str(root / MODULE)}[by]
    code, output = _run(root, mapping)
    assert code == 2, output
    assert "ACC463" in output and "tampered" in output and "refused, not imported" in output
    assert not trace.exists()
    assert not (root / "out.jsonl").exists()


def test_a_stale_module_is_refused(root: Path, tmp_path: Path) -> None:
    spec = root / "mappings/flow/deal.yaml"
    spec.write_text(SPEC + "  name: id\n", "utf-8")  # the spec changed; the module did not
    code, output = _run(root, "t.deal")
    assert code == 2, output
    assert "ACC462" in output and "stale" in output and "differs" in output
    with pytest.raises(LoadError, match="ACC462"):
        load_transformer(str(root / MODULE))


def test_a_module_without_its_header_is_refused(root: Path, tmp_path: Path) -> None:
    module = root / MODULE
    trace = tmp_path / "trace"
    body = module.read_text().split("\n", 4)[4]  # the header lines gone
    module.write_text(TRACE.format(str(trace)) + body, "utf-8")
    code, output = _run(root, str(module))
    assert code == 2 and "ACC462" in output and "is missing" in output, output
    assert not trace.exists()


def test_an_orphan_or_an_outside_generated_module_is_refused(root: Path,
                                                             tmp_path: Path) -> None:
    orphan = root / "generated/flow/other.py"
    orphan.write_text((root / MODULE).read_text(), "utf-8")
    code, output = _run(root, str(orphan))
    assert code == 2 and "ACC464" in output and "no mapping spec" in output, output
    outside = tmp_path / "copied.py"
    outside.write_text((root / MODULE).read_text(), "utf-8")
    with pytest.raises(LoadError, match="ACC464"):
        load_transformer(str(outside))


def test_a_symlinked_module_leading_out_is_refused(root: Path, tmp_path: Path) -> None:
    trace = tmp_path / "trace"
    evil = tmp_path / "evil.py"
    evil.write_text(TRACE.format(str(trace)), "utf-8")
    (root / MODULE).unlink()
    (root / MODULE).symlink_to(evil)
    code, output = _run(root, str(root / MODULE))
    assert code == 2, output
    assert not trace.exists()


def test_the_module_that_runs_is_the_one_that_was_compared(root: Path) -> None:
    module = load_transformer("t.deal", root=root)
    assert module.transform({"id": "x"}) == {"id": "x"}
    assert module.__file__ == str((root / MODULE).resolve())
    assert load_mappings(root).specs[0].name == module.NAME
