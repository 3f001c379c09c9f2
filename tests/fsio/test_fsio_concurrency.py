"""Concurrency and crashes, with real processes: concurrent promotions all land, a kill -9 at
any moment of a promotion or a generation leaves every file old or new (and an interrupted
promotion is reported and finished), and a second `accord run` to the same output refuses."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from accord.project import load_workspace
from mini_workspace import accord, make

#: Runs accord with every fsync slowed down and announced on stderr, so that a test can kill
#: the process while it writes (the product has no test hook; the test wraps os.fsync).
SLOW_WRITES = """
import os, sys, time
real = os.fsync
def slow(fd):
    sys.stderr.write("WRITING\\n"); sys.stderr.flush()
    time.sleep(float(os.environ["SLOW_FSYNC"]))
    real(fd)
os.fsync = slow
from accord.cli.main import main
sys.argv = ["accord", *sys.argv[1:]]
main()
"""


def _slow(root: Path, *args: str, delay: float) -> subprocess.Popen[str]:
    env = {**os.environ, "ACCORD_USER": "tester", "SLOW_FSYNC": str(delay)}
    return subprocess.Popen([sys.executable, "-c", SLOW_WRITES, *args], cwd=root, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _candidates(tmp_path: Path) -> Path:
    root = make(tmp_path / "ws", status="candidate")
    assert load_workspace(root).generate().ok
    return root


def _lock(root: Path) -> dict[str, dict[str, dict[str, str]]]:
    path = root / "contracts" / "registry.lock"
    if not path.exists():
        return {}
    contracts: dict[str, dict[str, dict[str, str]]] = json.loads(path.read_text())["contracts"]
    return contracts


def test_concurrent_promotions_of_different_contracts_all_land(tmp_path: Path) -> None:
    for round_ in range(3):
        root = _candidates(tmp_path / str(round_))
        env = {**os.environ, "ACCORD_USER": "tester"}
        procs = [subprocess.Popen([sys.executable, "-m", "accord.cli.main", "promote", name,
                                   "1.0.0", "--to", "released"], cwd=root, env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for name in ("src", "tgt")]
        outputs = [p.communicate(timeout=180) for p in procs]
        assert [p.returncode for p in procs] == [0, 0], outputs
        lock = _lock(root)
        assert sorted(lock) == ["src", "tgt"], lock
        for name in ("src", "tgt"):
            text = (root / "contracts" / "canonical" / name / "1.0.0.yaml").read_text()
            assert "status: released" in text
            assert lock[name]["1.0.0"]["status"] == "released"
        check = accord(root, "check")
        assert check.returncode == 0, check.stdout
        assert not list(root.glob("contracts/.*"))  # no journal, no lock file left


def _kill_while_writing(proc: subprocess.Popen[str], rng: random.Random, window: float) -> None:
    """SIGKILL ``proc`` at a random moment after it starts writing (or when it ends)."""
    assert proc.stderr is not None
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line or "WRITING" in line:
            break
    time.sleep(rng.uniform(0, window))
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=60)


@pytest.mark.slow
def test_kill_9_during_promote_leaves_every_file_old_or_new(tmp_path: Path) -> None:
    pristine = _candidates(tmp_path / "pristine")
    contract = Path("contracts/canonical/src/1.0.0.yaml")
    old = (pristine / contract).read_text()
    new = old.replace("status: candidate", "status: released")
    rng = random.Random(8)
    seen: set[tuple[bool, bool, bool]] = set()
    for run in range(10):
        root = tmp_path / f"run{run}"
        shutil.copytree(pristine, root, symlinks=True)
        proc = _slow(root, "promote", "src", "1.0.0", "--to", "released", delay=0.15)
        _kill_while_writing(proc, rng, 0.8)
        text = (root / contract).read_text()
        assert text in (old, new)  # never empty, never half written
        lock = _lock(root)
        assert lock in ({}, {"src": lock.get("src")})
        locked = bool(lock)
        if locked:
            assert lock["src"]["1.0.0"]["status"] == "released"
        assert not (locked and text == old)  # the lock is written last
        journal = (root / "contracts" / ".registry.lock.journal").exists()
        seen.add((text == new, locked, journal))
        check = accord(root, "check")
        if journal:  # killed inside the promotion's writes: reported...
            assert check.returncode == 1 and "ACC016" in check.stdout, check.stdout
        else:  # old and unlocked, or new and locked: both consistent
            assert check.returncode == 0, check.stdout
        # ... and the next promotion finishes (or rolls back) the interrupted one first
        again = "tgt" if text == new else "src"
        assert accord(root, "promote", again, "1.0.0", "--to", "released").returncode == 0
        assert _lock(root)["src"]["1.0.0"]["status"] == "released"
        assert (root / contract).read_text() == new
        assert accord(root, "check").returncode == 0
        if again == "src":  # its rewrite swept the killed writer's temp files
            assert not list(root.glob("contracts/**/*.tmp"))
    assert len(seen) >= 2, seen  # the kills landed at different points


@pytest.mark.slow
def test_kill_9_during_generate_leaves_the_old_or_the_new_set(tmp_path: Path) -> None:
    pristine = make(tmp_path / "pristine")
    (pristine / "mappings" / "flow" / "b.yaml").write_text(
        (pristine / "mappings" / "flow" / "a.yaml").read_text()
        .replace("flow.src_to_tgt", "flow.second"))
    assert load_workspace(pristine).generate().ok
    old = {p.name: p.read_bytes() for p in (pristine / "generated" / "flow").glob("*.py")}
    rng = random.Random(12)
    outcomes = set()
    for run in range(8):
        root = tmp_path / f"run{run}"
        shutil.copytree(pristine, root, symlinks=True)
        for name in ("a.yaml", "b.yaml"):
            spec = root / "mappings" / "flow" / name
            spec.write_text(spec.read_text().replace("version: 1.0.0", "version: 1.0.1"))
        proc = _slow(root, "generate", delay=0.1)
        _kill_while_writing(proc, rng, 0.4)
        now = {p.name: p.read_bytes() for p in (root / "generated" / "flow").glob("*.py")}
        assert sorted(now) == ["a.py", "b.py"]
        changed = {name for name in now if now[name] != old[name]}
        assert changed in (set(), {"a.py", "b.py"}), changed  # never a mix
        assert all(b"1.0.1" in now[n] for n in changed)
        outcomes.add(bool(changed))
        assert load_workspace(root).generate().ok  # the next run cleans up and finishes
        assert not [p for p in root.iterdir() if p.name.startswith(".generated")]
    assert outcomes  # at least one run observed


def test_a_second_run_to_the_same_output_refuses(tmp_path: Path) -> None:
    root = make(tmp_path / "ws")
    assert load_workspace(root).generate().ok
    (root / "in.jsonl").write_text("".join(
        json.dumps({"id": str(i), "name": "n"}) + "\n" for i in range(50)))
    first = _slow(root, "run", "flow.src_to_tgt", "-i", "in.jsonl", "-o", "out.jsonl",
                  "-d", "dead.jsonl", delay=3)
    assert first.stderr is not None
    assert "WRITING" in first.stderr.readline()  # the first run holds the output now
    second = accord(root, "run", "flow.src_to_tgt", "-i", "in.jsonl", "-o", "out.jsonl",
                    "-d", "dead2.jsonl")
    assert second.returncode == 2, second.stdout + second.stderr
    assert "ACC015" in second.stdout + second.stderr
    assert "in use by another accord process" in second.stdout + second.stderr
    first.communicate(timeout=120)
    assert first.returncode == 0
    lines = (root / "out.jsonl").read_text().splitlines()
    assert [json.loads(line)["id"] for line in lines] == [str(i) for i in range(50)]
    assert not (root / "dead2.jsonl").exists()
