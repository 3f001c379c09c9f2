"""The stream runner: exact counts, dead letters, malformed lines, atomic outputs, flat memory."""

from __future__ import annotations

import io
import json
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from accord.errors import LoadError, TransformError, UsageError
from accord.runtime.stream import run_files, run_stream
from accord.runtime.validate import compile_validator
from hypothesis import given, settings
from hypothesis import strategies as st

SCHEMA = {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
          "required": ["id"], "additionalProperties": False,
          "properties": {"id": {"type": "string"}, "day": {"type": "string", "format": "date"}}}


class Fake:
    """A transformer following the generated-module protocol."""

    def applies(self, record: dict[str, Any]) -> bool:
        return record.get("kind") != "skip"

    def transform(self, record: dict[str, Any]) -> dict[str, Any]:
        kind = record.get("kind")
        if kind == "rule":
            raise TransformError("closed deals only", error_class="business_rule",
                                 path=("stage",), rule="mappings/x.yaml:3")
        if kind == "crash":
            return {"id": record["missing"]}
        if kind == "invalid":
            return {"id": 5, "day": "2026-02-30"}
        return {"id": str(record["id"])}

    def key(self, record: dict[str, Any]) -> str:
        return f"k-{record['id']}"


LINES: dict[str, bytes] = {
    "good": b'{"id": 1}',
    "skip": b'{"id": 2, "kind": "skip"}',
    "rule": b'{"id": 3, "kind": "rule"}',
    "crash": b'{"id": 4, "kind": "crash"}',
    "invalid": b'{"id": 5, "kind": "invalid"}',
    "badjson": b'{"id": 6,',
    "array": b"[1, 2]",
    "latin1": b'{"name": "Jos\xe9"}',
    "nan": b'{"id": NaN}',
    "bigint": b'{"id": 18446744073709551615}',
    "blank": b"   ",
}
# An integer beyond 2**53 - 1 is refused (JSON consumers would round it): docs/limits.md.
OUTCOME = {"good": "written", "bigint": "data_quality", "skip": "skipped", "blank": None,
           "rule": "business_rule", "crash": "mapping_error", "invalid": "data_quality",
           "badjson": "data_quality", "array": "data_quality", "latin1": "data_quality",
           "nan": "data_quality"}


def _run(kinds: list[str], **kwargs: Any) -> tuple[Any, list[Any], list[dict[str, Any]]]:
    source = [LINES[k] + b"\n" for k in kinds]
    out, dead = io.BytesIO(), io.BytesIO()
    stats = run_stream(Fake(), source, out, dead, validator=compile_validator(SCHEMA),
                       schema_rule="contract:thing@1.0.0", **kwargs)
    written = [json.loads(x) for x in out.getvalue().splitlines()]
    letters = [json.loads(x) for x in dead.getvalue().splitlines()]
    return stats, written, letters


@settings(max_examples=60, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(sorted(LINES)), max_size=40))
def test_counts_are_exact_for_any_mix(kinds: list[str]) -> None:
    stats, written, letters = _run(kinds)
    assert stats.consistent
    assert stats.read == sum(1 for k in kinds if k != "blank")
    assert stats.written == len(written) == sum(OUTCOME[k] == "written" for k in kinds)
    assert stats.skipped == sum(OUTCOME[k] == "skipped" for k in kinds)
    assert stats.dead == len(letters)
    expected_classes: dict[str, int] = {}
    for k in kinds:
        if OUTCOME[k] not in (None, "written", "skipped"):
            expected_classes[OUTCOME[k]] = expected_classes.get(OUTCOME[k], 0) + 1
    assert stats.dead_by_class == expected_classes
    numbers = [i for i, k in enumerate(kinds, 1) if OUTCOME[k] not in (None, "written", "skipped")]
    assert [d["line_number"] for d in letters] == numbers


def test_dead_letter_content() -> None:
    _, written, letters = _run(["good", "rule", "crash", "invalid", "badjson", "array",
                                "latin1", "bigint"])
    assert written == [{"id": "1"}]
    rule, crash, invalid, badjson, array, latin1, bigint = letters
    assert bigint["class"] == "data_quality" and "beyond 2**53 - 1" in bigint["message"]
    assert bigint["raw"] == '{"id": 18446744073709551615}'
    assert rule == {"line_number": 2, "class": "business_rule", "message": "closed deals only",
                    "path": "$.stage", "pointer": "/stage", "rule": "mappings/x.yaml:3",
                    "target": None,
                    "input": {"id": 3, "kind": "rule"}}
    assert crash["class"] == "mapping_error" and "KeyError" in crash["message"]
    assert invalid["class"] == "data_quality" and invalid["rule"] == "contract:thing@1.0.0"
    assert invalid["path"] == "$.day"
    assert {v["path"] for v in invalid["violations"]} == {"$.day", "$.id"}
    assert badjson["raw"] == '{"id": 6,' and "not valid JSON" in badjson["message"]
    assert "input" not in badjson
    assert array["input"] == [1, 2] and "found an array" in array["message"]
    assert latin1["raw"] == '{"name": "Jos\\xe9"}' and "UTF-8" in latin1["message"]


def test_with_key_wraps_each_output_in_an_envelope() -> None:
    _, written, _ = _run(["good"], with_key=True)
    assert written == [{"key": "k-1", "record": {"id": "1"}}]


def test_without_validation_invalid_outputs_are_written() -> None:
    out, dead = io.BytesIO(), io.BytesIO()
    stats = run_stream(Fake(), [LINES["invalid"]], out, dead)
    assert (stats.written, stats.dead) == (1, 0)


def test_unserialisable_output_is_a_mapping_error() -> None:
    class SetMaker(Fake):
        def transform(self, record: dict[str, Any]) -> dict[str, Any]:
            return {"id": {1, 2}}

    out, dead = io.BytesIO(), io.BytesIO()
    stats = run_stream(SetMaker(), [LINES["good"]], out, dead)
    assert (stats.written, stats.dead_by_class) == (0, {"mapping_error": 1})
    assert "not JSON" in json.loads(dead.getvalue())["message"]


def _files(tmp_path: Path, kinds: list[str]) -> tuple[Path, Path, Path]:
    source = tmp_path / "in.jsonl"
    source.write_bytes(b"".join(LINES[k] + b"\n" for k in kinds))
    return source, tmp_path / "out.jsonl", tmp_path / "dead.jsonl"


def test_run_files_writes_outputs(tmp_path: Path) -> None:
    source, out, dead = _files(tmp_path, ["good", "skip", "rule"])
    stats = run_files(Fake(), source, out, dead, progress=False)
    assert stats.to_dict()["read"] == 3
    assert out.read_text() == '{"id":"1"}\n'
    assert json.loads(dead.read_text())["class"] == "business_rule"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dead.jsonl", "in.jsonl", "out.jsonl"]


class Interrupted(BaseException):
    """Stands for Ctrl-C or the process being killed mid-run."""


def test_a_failed_run_leaves_existing_outputs_intact(tmp_path: Path) -> None:
    source, out, dead = _files(tmp_path, ["good"] * 5000)
    out.write_text("previous output\n")
    dead.write_text("previous dead letters\n")

    class Dies(Fake):
        calls = 0

        def transform(self, record: dict[str, Any]) -> dict[str, Any]:
            self.calls += 1
            if self.calls == 4000:
                raise Interrupted
            return super().transform(record)

    with pytest.raises(Interrupted):
        run_files(Dies(), source, out, dead, progress=False)
    assert out.read_text() == "previous output\n"
    assert dead.read_text() == "previous dead letters\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dead.jsonl", "in.jsonl", "out.jsonl"]


def test_unreadable_input_never_touches_outputs(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text("keep\n")
    with pytest.raises(LoadError, match="not found"):
        run_files(Fake(), tmp_path / "nope.jsonl", out, tmp_path / "dead.jsonl")
    with pytest.raises(LoadError, match="directory"):
        run_files(Fake(), tmp_path, out, tmp_path / "dead.jsonl")
    assert out.read_text() == "keep\n"
    assert not (tmp_path / "dead.jsonl").exists()


def test_bad_output_paths_are_usage_errors(tmp_path: Path) -> None:
    source, _out, dead = _files(tmp_path, ["good"])
    with pytest.raises(UsageError, match="different files"):
        run_files(Fake(), source, source, dead)
    with pytest.raises(UsageError, match="does not exist"):
        run_files(Fake(), source, tmp_path / "no" / "out.jsonl", dead)
    assert source.read_bytes() == LINES["good"] + b"\n"


class _Sink(io.RawIOBase):
    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        return len(data)


def _records(n: int) -> Iterator[bytes]:
    for i in range(n):
        kind = ("good", "rule", "badjson", "skip")[i % 4]
        yield LINES[kind].replace(b"1}", f"{i}}}".encode()) + b"\n"


def _peak(n: int) -> int:
    tracemalloc.start()
    try:
        stats = run_stream(Fake(), _records(n), _Sink(), _Sink(),  # type: ignore[arg-type]
                           validator=compile_validator(SCHEMA))
        assert stats.read == n and stats.consistent
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_stays_flat_as_input_grows() -> None:
    small, large = _peak(2_000), _peak(20_000)
    assert large < small * 1.5 + 64_000, (small, large)
