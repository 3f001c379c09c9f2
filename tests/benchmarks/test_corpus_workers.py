"""``accord run --workers 2`` writes byte for byte what one process writes on every mapping of
the benchmark corpus (generated into a copy of the corpus workspace), dead letters included."""

from __future__ import annotations

import shutil
from pathlib import Path

import corpus
import orjson
import pytest
from accord.cli.main import cli
from accord.run import run_mapping
from accord.runtime import parallel
from click.testing import CliRunner


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("corpus") / "ws"
    for part in ("contracts", "mappings"):
        shutil.copytree(corpus.WORKSPACE / part, root / part)
    done = CliRunner().invoke(cli, ["generate", "-w", str(root)])
    assert done.exit_code == 0, done.output
    return root


@pytest.mark.parametrize("case", corpus.CASES, ids=lambda case: case.name)
def test_two_workers_equal_one_on_the_corpus(case: corpus.Case, workspace: Path,
                                             tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "CHUNK_BYTES", 16_384)  # several chunks per run
    lines = [orjson.dumps(record) for record in case.records(400, seed=5)]
    lines[7:7] = [b"", b"{broken", b"[]"]
    source = tmp_path / "in.jsonl"
    source.write_bytes(b"\n".join(lines) + b"\n")
    results = []
    for workers in (1, 2):
        out, dead = tmp_path / f"out{workers}.jsonl", tmp_path / f"dead{workers}.jsonl"
        result = run_mapping(f"corpus.{case.name}", input=source, output=out, dead_letter=dead,
                             workspace=workspace, progress=False, workers=workers)
        results.append((out.read_bytes(), dead.read_bytes(), result.stats.read,
                        result.stats.written, result.stats.dead_by_class))
    assert results[1] == results[0]
    assert results[0][3] > 100 and results[0][1].count(b"\n") >= 2
