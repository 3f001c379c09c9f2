"""``accord run --workers N``: byte for byte the outputs and dead letters of one process, in the
same order, on the shipped mappings; ``--limit``, ``-``, CSV and JSON-array input; the lock
refusal (ACC015), a dying worker (ACC690) and Ctrl-C leave existing outputs as they were."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest
from accord import codes, fsio
from accord.cli.main import cli
from accord.errors import AccordError, OutputError, UsageError
from accord.run import run_mapping
from accord.runtime import parallel
from click.testing import CliRunner
from run_inputs import SHIPPED, golden_inputs, variants


@pytest.fixture(autouse=True)
def _small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Many chunks from small inputs: the reassembly and the line numbering are exercised."""
    monkeypatch.setattr(parallel, "CHUNK_BYTES", 3000)
    monkeypatch.setattr(parallel, "CHUNK_LINES", 7)


def write(path: Path, lines: list[bytes], *, last_newline: bool = True) -> Path:
    path.write_bytes(b"\n".join(lines) + (b"\n" if last_newline else b""))
    return path


def both(root: Path, mapping: str, source: Path, tmp: Path, **options: Any
         ) -> tuple[tuple[bytes, bytes, Any], tuple[bytes, bytes, Any]]:
    """The outputs, dead letters and counts of one process and of two workers."""
    results = []
    for workers in (1, 2):
        out, dead = tmp / f"out{workers}.jsonl", tmp / f"dead{workers}.jsonl"
        result = run_mapping(mapping, input=source, output=out, dead_letter=dead,
                             workspace=root, progress=False, workers=workers, **options)
        stats = result.stats.to_dict()
        stats.pop("seconds"), stats.pop("records_per_second")
        results.append((out.read_bytes(), dead.read_bytes(), stats))
    return results[0], results[1]


@pytest.mark.parametrize("mapping", SHIPPED)
def test_two_workers_write_what_one_process_writes(repo_root: Path, tmp_path: Path,
                                                   mapping: str) -> None:
    source = write(tmp_path / "in.jsonl", variants(golden_inputs(repo_root, mapping)),
                   last_newline=False)
    one, two = both(repo_root, mapping, source, tmp_path)
    assert two == one
    _, dead, stats = one
    assert stats["written"] >= 1 and stats["dead"] >= 4 and stats["read"] > 2 * 7
    numbers = [json.loads(line)["line_number"] for line in dead.splitlines()]
    assert numbers == sorted(numbers) and numbers[-1] > 7  # numbered across the chunks


def test_options_and_input_formats(repo_root: Path, tmp_path: Path) -> None:
    mapping = "harvest.time_entry_to_time_entry"
    lines = variants(golden_inputs(repo_root, mapping))
    source = write(tmp_path / "in.jsonl", lines)
    for options in ({"with_key": True}, {"validate_input": True}, {"validate": False},
                    {"limit": 23}, {"limit": 0}):
        one, two = both(repo_root, mapping, source, tmp_path, **options)
        assert two == one, options
    records = [json.loads(line) for line in lines if line.startswith(b"{") and
               line.endswith(b"}")]
    array = tmp_path / "in.json"
    array.write_text(json.dumps(records), "utf-8")
    one, two = both(repo_root, mapping, array, tmp_path, limit=30)
    assert two == one and one[2]["read"] == 30
    table = tmp_path / "in.csv"
    table.write_text("id,hours,spent_date,project.id\n1,2.5,2024-05-01,7\n\n2,,2024-05-02,\n"
                     + "3,x,2024-05-03,9\n" * 20, "utf-8")
    one, two = both(repo_root, mapping, table, tmp_path)
    assert two == one and one[2]["read"] == 22


def test_standard_input_and_output(repo_root: Path, tmp_path: Path) -> None:
    mapping = "apideck.opportunity_to_project"
    given = write(tmp_path / "in.jsonl", variants(golden_inputs(repo_root, mapping))).read_bytes()
    accord = Path(sys.executable).parent / "accord"
    outputs = []
    for workers in ("1", "auto"):
        done = subprocess.run([str(accord), "run", mapping, "-w", str(repo_root), "-i", "-",
                               "-o", "-", "-d", str(tmp_path / f"dead{workers}.jsonl"),
                               "--workers", workers, "--format", "json"],
                              input=given, capture_output=True, timeout=300, check=False)
        assert done.returncode == 1, done.stderr  # dead letters: findings
        outputs.append((done.stdout, (tmp_path / f"dead{workers}.jsonl").read_bytes()))
        assert json.loads(done.stderr)["dead"] > 0
    assert outputs[0] == outputs[1] and outputs[0][0]


def test_worker_count() -> None:
    assert parallel.worker_count(None) == parallel.worker_count(1) == 1
    assert parallel.worker_count("auto") == parallel.worker_count(0) == (os.cpu_count() or 1)
    assert parallel.worker_count("3") == 3
    for bad in ("-1", "two", ""):
        with pytest.raises(UsageError, match="--workers must be"):
            parallel.worker_count(bad)
    runner = CliRunner()
    done = runner.invoke(cli, ["run", "x", "-i", "in.jsonl", "-o", "o.jsonl", "-d", "d.jsonl",
                               "--workers", "many"])
    assert done.exit_code == 2 and "--workers must be" in done.output


def test_chunks_and_renumbering() -> None:
    lines = [b"a\n", b"\n", b"b\n", b"c"]  # the last line of a file may lack its newline
    parts = list(parallel.chunks(lines))
    assert b"".join(blob for _, blob in parts) == b"a\n\nb\nc"
    assert parts[0][0] == 1 and len(parts) == 1
    blocks = list(parallel.blocks(io.BytesIO(b"x\n" * 2000 + b"last")))
    assert blocks[0][0] == 1 and blocks[1][0] == 1 + blocks[0][1].count(b"\n")
    assert b"".join(blob for _, blob in blocks) == b"x\n" * 2000 + b"last"
    assert parallel._lines(b"a\n\nb") == [b"a\n", b"\n", b"b"]
    letters = b'{"line_number":3,"class":"x"}\n{"class":"y","line_number":4}\n'
    assert parallel.renumber(letters, 10) == (b'{"line_number":13,"class":"x"}\n'
                                              b'{"class":"y","line_number":14}\n')


def test_a_held_output_is_refused(repo_root: Path, tmp_path: Path) -> None:
    mapping = "harvest.time_entry_to_time_entry"
    source = write(tmp_path / "in.jsonl", variants(golden_inputs(repo_root, mapping)))
    out = tmp_path / "out.jsonl"
    out.write_text("before\n")
    with fsio.locked(out), pytest.raises(OutputError) as caught:
        run_mapping(mapping, input=source, output=out, dead_letter=tmp_path / "d.jsonl",
                    workspace=repo_root, progress=False, workers=2)
    assert codes.OUTPUT_LOCKED in str(caught.value)
    assert out.read_text() == "before\n" and not (tmp_path / "d.jsonl").exists()


MORTAL = textwrap.dedent('''\
    """Hand-written: dies (no exception, the process ends) on the record named "die"."""
    import os
    import time

    from accord.errors import TransformError

    SPEC = "mappings/mortal.yaml"
    NAME = "test.mortal"
    TARGET = {"contract": "money@1.0.0"}


    def applies(record):
        return True


    def transform(record):
        if record.get("name") == "die":
            os._exit(3)
        if record.get("name") == "slow":
            time.sleep(0.05)
        if record.get("name") == "poison":
            raise RecursionError("a record that breaks the transformer")
        return {"amount": "1.00", "currency": "USD"}


    def key(record):
        return record["name"]
''')


@pytest.fixture
def mortal(tmp_path: Path) -> Path:
    path = tmp_path / "mortal.py"
    path.write_text(MORTAL, "utf-8")
    return path


def test_a_dying_worker_fails_the_run_and_writes_nothing(repo_root: Path, tmp_path: Path,
                                                         mortal: Path) -> None:
    source = write(tmp_path / "in.jsonl",
                   [b'{"name": "ok"}'] * 40 + [b'{"name": "poison"}', b'{"name": "die"}']
                   + [b'{"name": "ok"}'] * 40)
    out, dead = tmp_path / "out.jsonl", tmp_path / "dead.jsonl"
    out.write_text("before\n")
    with pytest.raises(AccordError) as caught:
        run_mapping(str(mortal), input=source, output=out, dead_letter=dead, workspace=repo_root,
                    progress=False, workers=2)
    assert [d.code for d in caught.value.diagnostics] == [codes.RUN_WORKER_DIED]
    assert out.read_text() == "before\n" and not dead.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl", "mortal.py", "out.jsonl"]
    # a record that raises is a dead letter in a worker as in one process: the batch goes on
    source = write(tmp_path / "in.jsonl", [b'{"name": "ok"}'] * 20 + [b'{"name": "poison"}']
                   + [b'{"name": "ok"}'] * 20)
    one, two = both(repo_root, str(mortal), source, tmp_path)
    assert two == one and one[2]["dead"] == 1 and one[2]["written"] == 40


def test_ctrl_c_leaves_the_outputs_as_they_were(repo_root: Path, tmp_path: Path,
                                                mortal: Path) -> None:
    source = write(tmp_path / "in.jsonl", [b'{"name": "slow"}'] * 2000)
    out, dead = tmp_path / "out.jsonl", tmp_path / "dead.jsonl"
    out.write_text("before\n")
    accord = Path(sys.executable).parent / "accord"
    proc = subprocess.Popen([str(accord), "run", str(mortal), "-w", str(repo_root), "-i",
                             str(source), "-o", str(out), "-d", str(dead), "--workers", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)
    time.sleep(3)  # the workers are mapping (2000 records take 50 s)
    os.killpg(proc.pid, signal.SIGINT)  # as a terminal's Ctrl-C: the whole process group
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode in (1, 130), stderr  # click's "Aborted!", or accord's 130
    assert b"Traceback" not in stderr
    assert out.read_text() == "before\n" and not dead.exists()
    for _ in range(100):  # no worker outlives the run
        left = subprocess.run(["ps", "-o", "pid=", "-s", str(proc.pid)], capture_output=True,
                              check=False).stdout.split()
        if not left:
            break
        time.sleep(0.1)
    assert not left
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl", "mortal.py", "out.jsonl"]
