"""``accord run`` inputs and outputs: ``-`` for stdin/stdout, JSON-array and CSV input,
``--limit``, ``--validate-input`` (dead letters naming the JSON pointer)."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from accord.cli.main import cli
from accord.errors import LoadError
from accord.runtime.readers import detect_format, limit_records, record_lines
from click.testing import CliRunner

MAPPING = "harvest.time_entry_to_time_entry"


@pytest.fixture
def entry(repo_root: Path) -> dict[str, Any]:
    path = repo_root / "mappings" / "examples" / "harvest" / "time_entry_approved.json"
    record: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return record


def records(entry: dict[str, Any]) -> list[dict[str, Any]]:
    second = dict(entry, id=entry["id"] + 1)
    bad = dict(entry, id=entry["id"] + 2, hours="eight")  # breaks Harvest's TimeEntry
    return [entry, second, bad]


def run(repo_root: Path, *args: str,
        stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    accord = Path(sys.executable).parent / "accord"
    return subprocess.run([str(accord), "run", MAPPING, "-w", str(repo_root), *args],
                          input=stdin, capture_output=True, timeout=120, check=False)


def lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def test_stdin_to_stdout_with_the_report_on_stderr(repo_root: Path, entry: dict[str, Any],
                                                    tmp_path: Path) -> None:
    given = b"".join(json.dumps(r).encode() + b"\n" for r in records(entry)[:2])
    done = run(repo_root, "-i", "-", "-o", "-", "-d", str(tmp_path / "dead.jsonl"),
               "--format", "json", stdin=given)
    assert done.returncode == 0, done.stderr
    out = [json.loads(line) for line in done.stdout.splitlines()]
    assert [o["external_ids"]["harvest"] for o in out] == [str(entry["id"]),
                                                           str(entry["id"] + 1)]
    report = json.loads(done.stderr)  # the summary never mixes into the records
    assert (report["read"], report["written"], report["input"], report["output"]) == \
        (2, 2, "-", "-")


def test_dead_letters_to_stdout(repo_root: Path, entry: dict[str, Any], tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text("{oops\n", "utf-8")
    done = run(repo_root, "-i", str(source), "-o", str(tmp_path / "out.jsonl"), "-d", "-")
    assert done.returncode == 1
    assert json.loads(done.stdout)["class"] == "data_quality"
    assert b"dead" in done.stderr


def test_both_outputs_on_stdout_is_a_usage_error(repo_root: Path, tmp_path: Path) -> None:
    done = run(repo_root, "-i", "-", "-o", "-", "-d", "-", stdin=b"")
    assert done.returncode == 2
    assert b"cannot both be -" in done.stderr
    assert b"Traceback" not in done.stderr


def test_a_json_array_input_numbers_records_by_position(repo_root: Path,
                                                        entry: dict[str, Any],
                                                        tmp_path: Path) -> None:
    source = tmp_path / "entries.json"
    source.write_text(json.dumps(records(entry), indent=2), "utf-8")
    result = CliRunner().invoke(cli, [
        "run", MAPPING, "-w", str(repo_root), "-i", str(source), "-o",
        str(tmp_path / "out.jsonl"), "-d", str(tmp_path / "dead.jsonl"), "--validate-input"])
    assert result.exit_code == 1, result.output
    assert len(lines(tmp_path / "out.jsonl")) == 2
    [dead] = lines(tmp_path / "dead.jsonl")
    assert (dead["line_number"], dead["class"], dead["path"]) == (3, "data_quality", "$.hours")
    assert dead["rule"] == "system:harvest/schema:TimeEntry"
    assert dead["violations"][0]["pointer"] == "/hours"
    assert "input does not match the source schema at /hours" in dead["message"]
    assert "input validated against system:harvest/schema:TimeEntry" in result.output


def test_without_validate_input_the_bad_record_reaches_the_mapping(
        repo_root: Path, entry: dict[str, Any], tmp_path: Path) -> None:
    source = tmp_path / "entries.json"
    source.write_text(json.dumps(records(entry)), "utf-8")
    result = CliRunner().invoke(cli, [
        "run", MAPPING, "-w", str(repo_root), "-i", str(source), "-o",
        str(tmp_path / "out.jsonl"), "-d", str(tmp_path / "dead.jsonl")])
    [dead] = lines(tmp_path / "dead.jsonl")
    assert "source schema" not in dead["message"], result.output


def test_limit_stops_after_n_records(repo_root: Path, entry: dict[str, Any],
                                     tmp_path: Path) -> None:
    source = tmp_path / "entries.jsonl"
    source.write_text("\n\n".join(json.dumps(r) for r in records(entry)), "utf-8")
    result = CliRunner().invoke(cli, [
        "run", MAPPING, "-w", str(repo_root), "-i", str(source), "-o",
        str(tmp_path / "out.jsonl"), "-d", str(tmp_path / "dead.jsonl"), "--limit", "2",
        "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["read"] == 2
    assert len(lines(tmp_path / "out.jsonl")) == 2
    bad = CliRunner().invoke(cli, ["run", MAPPING, "-i", str(source), "-o", "o", "-d", "d",
                                   "--limit", "-1"])
    assert bad.exit_code == 2


def test_csv_input_nests_dotted_columns_and_counts_lines(tmp_path: Path) -> None:
    text = ('id,user.id,user.name,notes\n'
            '1,7,Kim,"two\nlines"\n'
            '\n'
            '2,8,,plain\n')
    got = list(record_lines(io.BytesIO(text.encode()), "csv", name="t.csv"))
    assert [json.loads(line) if line.strip() else None for line in got] == [
        None, {"id": "1", "user": {"id": "7", "name": "Kim"}, "notes": "two\nlines"},
        None, None, {"id": "2", "user": {"id": "8"}, "notes": "plain"}]
    # the runner numbers items as lines: record 2 starts on line 5 of the file
    assert [n + 1 for n, line in enumerate(got) if line.strip()] == [2, 5]


@pytest.mark.parametrize(("text", "message"), [
    ("a,b\n1,2,3\n", "t.csv:2: 3 cells but the header names 2 columns"),
    ("a,a\n1,2\n", "duplicated: 'a'"),
    ("user,user.id\n1,2\n", "column 'user' holds column 'user.id'"),
    ('a\n"unterminated\n', "not valid CSV"),
])
def test_csv_that_is_not_a_table_is_refused(text: str, message: str) -> None:
    with pytest.raises(LoadError, match=re.escape(message)):
        list(record_lines(io.BytesIO(text.encode()), "csv", name="t.csv"))


def test_json_input_must_be_an_array() -> None:
    with pytest.raises(LoadError, match="expected a JSON array"):
        list(record_lines(io.BytesIO(b'{"a": 1}'), "json", name="x.json"))
    with pytest.raises(LoadError, match=r"x\.json: not valid JSON"):
        list(record_lines(io.BytesIO(b'[{"a": 1},'), "json", name="x.json"))
    assert list(record_lines(io.BytesIO(b'[{"a": 1}, 2]'), "json", name="x.json")) == \
        [b'{"a":1}\n', b"2\n"]


def test_format_detection_and_limit() -> None:
    assert [detect_format(p) for p in ("a.json", "a.CSV", "a.jsonl", "a.ndjson", "a.txt", "-")] \
        == ["json", "csv", "jsonl", "jsonl", "jsonl", "jsonl"]
    assert detect_format("a.json", "jsonl") == "jsonl"
    assert list(limit_records([b"1\n", b"\n", b"2\n", b"3\n"], 2)) == [b"1\n", b"\n", b"2\n"]
    assert list(limit_records([b"1\n"], 0)) == []
