"""Scale: ``accord run`` with ``--workers 1`` against ``--workers 2`` and ``auto`` as the input
grows 1x, 10x and 100x, on differently shaped mappings of the benchmark corpus, in one run.

Run: ``.venv/bin/python tests/benchmarks/bench_scale.py [--base 2000] [--scales 1 10 100]
[--only flat_contact nested_order hcm_assignment] [--workers 1 2 auto] [--repeat 1]``

Each cell is one whole ``accord run`` process (start-up, module load, validator compile, the
run, the atomic write with its fsyncs): records/s is input records over wall seconds; peak MiB
is the highest sum of the resident memory of the process and all its descendants (the
workers), sampled from ``/proc`` every 10 ms. The inputs are the corpus generator's ``--base``
records repeated, so a larger input costs the same per record. The outputs of every worker
count are compared byte for byte with the one-process run before the table is printed.

:func:`measure` takes any command line (a list of arguments), so other commands (``accord
sync``, ...) can be measured the same way and added as rows of the same table.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402 - after the path tweak
import orjson  # noqa: E402

ACCORD = str(Path(sys.executable).parent / "accord")
DEFAULT_CASES = ("flat_contact", "nested_order", "hcm_assignment")
PAGE = os.sysconf("SC_PAGE_SIZE")


@dataclass(frozen=True)
class Measure:
    """One command's wall time, peak resident memory of its process tree and exit code."""

    seconds: float
    peak_mib: float
    returncode: int
    stdout: bytes
    stderr: bytes


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        parent = int(stat[stat.rindex(b")") + 2:].split()[1])
        tree.setdefault(parent, []).append(int(entry))
    return tree


def tree_rss(pid: int) -> int:
    """Resident bytes of ``pid`` and all its descendants (0 once it is gone)."""
    tree = _children()
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            with open(f"/proc/{current}/statm", "rb") as handle:
                total += int(handle.read().split()[1]) * PAGE
        except OSError:
            continue
        todo += tree.get(current, [])
    return total


def measure(command: list[str], *, stdin: Path | None = None, every: float = 0.01) -> Measure:
    """Run ``command``; its wall time and the peak RSS of its process tree."""
    peak = 0
    started = time.perf_counter()
    with open(stdin or os.devnull, "rb") as given:
        proc = subprocess.Popen(command, stdin=given, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE)
        done = threading.Event()
        outputs: dict[str, bytes] = {}

        def drain() -> None:
            outputs["out"], outputs["err"] = proc.communicate()
            done.set()

        reader = threading.Thread(target=drain)
        reader.start()
        while not done.wait(every):
            peak = max(peak, tree_rss(proc.pid))
        reader.join()
    seconds = time.perf_counter() - started
    return Measure(seconds, peak / (1 << 20), proc.returncode, outputs["out"], outputs["err"])


def prepare(into: Path) -> Path:
    """A copy of the corpus workspace with its transformers generated."""
    root = into / "ws"
    for part in ("contracts", "mappings"):
        shutil.copytree(corpus.WORKSPACE / part, root / part)
    done = subprocess.run([ACCORD, "generate", "-w", str(root)], capture_output=True,
                          check=False)
    if done.returncode:
        raise SystemExit(f"accord generate failed: {done.stdout!r} {done.stderr!r}")
    return root


def write_input(path: Path, case: corpus.Case, base: int, scale: int) -> int:
    block = b"".join(orjson.dumps(record) + b"\n" for record in case.records(base))
    with path.open("wb") as handle:
        for _ in range(scale):
            handle.write(block)
    return base * scale


def run_command(root: Path, mapping: str, source: Path, out: Path, dead: Path,
                workers: str) -> list[str]:
    return [ACCORD, "run", mapping, "-w", str(root), "-i", str(source), "-o", str(out),
            "-d", str(dead), "--workers", workers, "--no-progress", "--format", "json"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", type=int, default=2000)
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--only", nargs="+", choices=corpus.NAMES, default=list(DEFAULT_CASES))
    parser.add_argument("--workers", nargs="+", default=["1", "2", "auto"])
    parser.add_argument("--repeat", type=int, default=1, help="runs per cell (the fastest)")
    args = parser.parse_args()
    print(f"{os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.2f} at the start")
    header = (f"{'mapping':15s} {'KB/rec':>6s} {'records':>8s} {'workers':>8s} "
              f"{'seconds':>8s} {'records/s':>10s} {'vs 1':>6s} {'peak MiB':>9s}")
    print(header)
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        root = prepare(tmp)
        for case in corpus.CASES:
            if case.name not in args.only:
                continue
            for scale in args.scales:
                source = tmp / "in.jsonl"
                records = write_input(source, case, args.base, scale)
                size = source.stat().st_size / records / 1024
                baseline: tuple[bytes, bytes] | None = None
                one_rate = 0.0
                for workers in args.workers:
                    out, dead = tmp / f"out{workers}.jsonl", tmp / f"dead{workers}.jsonl"
                    runs = [measure(run_command(root, f"corpus.{case.name}", source, out, dead,
                                                workers)) for _ in range(args.repeat)]
                    best = min(runs, key=lambda m: m.seconds)
                    if best.returncode not in (0, 1):
                        raise SystemExit(f"accord run failed: {best.stderr.decode()}")
                    report = json.loads(best.stdout)
                    assert report["read"] == records, report
                    produced = (out.read_bytes(), dead.read_bytes())
                    if baseline is None:
                        baseline = produced
                    elif produced != baseline:
                        raise SystemExit(f"{case.name} x{scale}: --workers {workers} wrote "
                                         "other bytes than the first worker count")
                    rate = records / best.seconds
                    one_rate = one_rate or rate
                    shown = workers if workers != "auto" else f"auto={os.cpu_count()}"
                    print(f"{case.name:15s} {size:6.2f} {records:8d} {shown:>8s} "
                          f"{best.seconds:8.2f} {rate:10,.0f} {rate / one_rate:5.2f}x "
                          f"{best.peak_mib:9.1f}", flush=True)
                    out.unlink()
                    dead.unlink()
    print(f"load average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()
