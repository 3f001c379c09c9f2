"""Writing: regular files are replaced atomically (unpredictable temp names, nothing left on
failure), FIFOs and devices are written into, nothing is written or deleted through a symlink
out of the workspace, `generate` swaps the whole set of modules at once, and a full disk or a
read-only file system is a clear error that keeps the previous outputs."""

from __future__ import annotations

import errno
import os
import stat
import threading
from pathlib import Path

import pytest
from accord import fsio
from accord.errors import OutputError
from accord.project import load_workspace
from mini_workspace import accord, make

SPEC_TWO = """accord: mapping/v1
name: flow.second
version: 1.0.0
source: {contract: src@1.0.0}
target: {contract: tgt@1.0.0}
fields:
  id: id
"""


def _listing(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


def test_regular_files_are_replaced_atomically_keeping_the_mode(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old")
    target.chmod(0o640)
    fsio.write_text(target, "new", root=tmp_path)
    assert target.read_text() == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert _listing(tmp_path) == ["out.txt"]


def test_a_preplanted_tmp_symlink_is_never_followed(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "out.jsonl.tmp").symlink_to(victim)
    (ws / ".out.jsonl.tmp").symlink_to(victim)
    fsio.write_text(ws / "out.jsonl", "data", root=ws)
    assert victim.read_text() == "precious"
    assert (ws / "out.jsonl").read_text() == "data"


def test_fifo_and_devices_are_written_into_never_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    fsio.write_bytes(fifo, b"line\n")
    reader.join(10)
    assert received == [b"line\n"]
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    fsio.write_bytes("/dev/null", b"x")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_run_writes_into_a_fifo_output(tmp_path: Path) -> None:
    root = make(tmp_path / "ws")
    assert accord(root, "generate").returncode == 0
    (root / "in.jsonl").write_text('{"id": "1", "name": "a"}\n')
    os.mkfifo(root / "out.fifo")
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append((root / "out.fifo").read_bytes()))
    reader.start()
    result = accord(root, "run", "flow.src_to_tgt", "-i", "in.jsonl", "-o", "out.fifo",
                    "-d", "/dev/null", timeout=60)
    reader.join(10)
    assert result.returncode == 0, result.stdout + result.stderr
    assert received == [b'{"id":"1","name":"a"}\n']
    assert stat.S_ISFIFO((root / "out.fifo").lstat().st_mode)


@pytest.mark.parametrize("planted", ["generated", "module", "lock", "contract", "report"])
def test_nothing_is_written_through_a_symlink_out_of_the_workspace(tmp_path: Path,
                                                                    planted: str) -> None:
    victim = tmp_path / "victim"
    root = make(tmp_path / "ws", status="candidate")
    assert accord(root, "generate").returncode == 0
    if planted == "generated":
        victim.mkdir()
        (victim / "keep.txt").write_text("precious")
        (root / "generated").rename(tmp_path / "old-generated")
        (root / "generated").symlink_to(victim)
        (root / "mappings" / "flow" / "b.yaml").write_text(SPEC_TWO)
        result = accord(root, "generate")
        assert _listing(victim) == ["keep.txt"]
    else:
        victim.write_text("precious")
        path = {"module": root / "generated" / "flow" / "a.py",
                "lock": root / "contracts" / "registry.lock",
                "contract": root / "contracts" / "canonical" / "src" / "1.0.0.yaml",
                "report": root / "reports" / "src-1.0.0-released.md"}[planted]
        if planted == "contract":
            victim.write_text(path.read_text())
        path.parent.mkdir(exist_ok=True)
        path.unlink(missing_ok=True)
        path.symlink_to(victim)
        if planted == "module":
            (root / "mappings" / "flow" / "a.yaml").write_text(
                (root / "mappings" / "flow" / "a.yaml").read_text().replace("name: name",
                                                                            "name: id"))
            result = accord(root, "generate")
        else:
            result = accord(root, "promote", "src", "1.0.0", "--to", "released", "--report",
                            "reports")
        assert victim.read_text() in ("precious", (root / "contracts" / "canonical" / "tgt" /
                                                   "1.0.0.yaml").read_text().replace("tgt",
                                                                                     "src"))
        assert "status: released" not in victim.read_text()
    assert result.returncode != 0, result.stdout
    if planted == "contract":  # never even read: the contract does not load, check says why
        result = accord(root, "check")
    assert "ACC010" in result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def _two_specs(tmp_path: Path) -> Path:
    root = make(tmp_path / "ws")
    (root / "mappings" / "flow" / "b.yaml").write_text(SPEC_TWO)
    assert load_workspace(root).generate().ok
    return root


def test_generate_swaps_the_whole_set_or_nothing(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    root = _two_specs(tmp_path)
    before = {p: p.read_bytes() for p in (root / "generated").rglob("*.py")}
    for name in ("a.yaml", "b.yaml"):  # both modules change
        spec = root / "mappings" / "flow" / name
        spec.write_text(spec.read_text().replace("version: 1.0.0", "version: 1.0.1"))
    calls = []
    real = fsio.write_text

    def dies_on_the_second(*args: object, **kwargs: object) -> None:
        calls.append(args[0])
        if len(calls) == 2:
            raise KeyboardInterrupt  # stands for a kill between two modules
        real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(fsio, "write_text", dies_on_the_second)
    with pytest.raises(KeyboardInterrupt):
        load_workspace(root).generate()
    assert {p: p.read_bytes() for p in (root / "generated").rglob("*.py")} == before
    assert [p.name for p in root.iterdir() if "staging" in p.name] == []
    monkeypatch.setattr(fsio, "write_text", real)
    result = load_workspace(root).generate()
    assert sorted(p.name for p in result.written) == ["a.py", "b.py"]
    assert all(p.read_bytes() != before[p] for p in before)


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS])
def test_disk_full_and_read_only_keep_the_previous_output(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch,
                                                          code: int) -> None:
    target = tmp_path / "out.jsonl"
    target.write_text("previous\n")

    def fails(*args: object) -> None:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(os, "fsync" if code == errno.ENOSPC else "replace", fails)
    with pytest.raises(OutputError) as info:
        fsio.write_text(target, "new\n")
    [diag] = info.value.diagnostics
    assert diag.code == "ACC014" and os.strerror(code) in diag.message
    assert target.read_text() == "previous\n"
    assert _listing(tmp_path) == ["out.jsonl"]  # no temp file left behind


def test_run_on_a_full_disk_is_a_clear_error(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from accord.run import run_mapping

    root = make(tmp_path / "ws")
    assert load_workspace(root).generate().ok
    (root / "in.jsonl").write_text('{"id": "1", "name": "a"}\n')
    (root / "out.jsonl").write_text("previous\n")

    def full(*args: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OutputError) as info:
        run_mapping(root / "generated" / "flow" / "a.py", input=root / "in.jsonl",
                    output=root / "out.jsonl", dead_letter=root / "dead.jsonl",
                    workspace=root, progress=False)
    assert "No space left" in str(info.value)
    assert (root / "out.jsonl").read_text() == "previous\n"
    assert sorted(p.name for p in root.iterdir() if p.is_file()) == ["in.jsonl", "out.jsonl"]
