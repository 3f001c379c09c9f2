"""``accord run`` reads its input and writes its outputs through 1 MiB buffers."""

from __future__ import annotations

import builtins
import os
from pathlib import Path
from typing import Any

import pytest
from accord.runtime import stream


class Identity:
    @staticmethod
    def applies(record: Any) -> bool:
        return True

    @staticmethod
    def transform(record: Any) -> Any:
        return record

    @staticmethod
    def key(record: Any) -> str:
        return "k"


def test_files_are_opened_with_one_mebibyte_buffers(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[tuple[str, int]] = []

    def recording_open(file: Any, mode: str = "r", buffering: int = -1, **kw: Any) -> Any:
        opened.append((Path(file).name, buffering))
        return builtins.open(file, mode, buffering, **kw)

    real_fdopen = os.fdopen

    def recording_fdopen(fd: int, mode: str = "r", buffering: int = -1, **kw: Any) -> Any:
        opened.append(("output", buffering))
        return real_fdopen(fd, mode, buffering, **kw)

    monkeypatch.setattr(stream, "open", recording_open, raising=False)
    monkeypatch.setattr(os, "fdopen", recording_fdopen)
    source = tmp_path / "in.jsonl"
    source.write_text('{"a": 1}\n{"a": 2}\n', "utf-8")
    stats = stream.run_files(Identity, source, tmp_path / "out.jsonl", tmp_path / "dead.jsonl",
                             progress=False)
    assert stats.written == 2
    assert sorted(opened) == [("in.jsonl", 1 << 20), ("output", 1 << 20),
                              ("output", 1 << 20)]
