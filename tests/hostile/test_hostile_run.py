"""`accord run` on hostile JSONL: a lone surrogate, a 1,500-deep (and a 300-deep) value, integers
beyond 2**53 - 1 and duplicate keys are dead letters with their line number; the other lines
are written. The run is a subprocess with a timeout."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from accord.runtime import jsonl
from accord.runtime.stream import run_stream
from hostile_ws import guarded, workspace

GOOD = {"Id": "001", "Name": "Northwind", "Status": "Active", "Currency": "EUR"}
HOSTILE: dict[str, tuple[bytes, str]] = {
    "lone surrogate": (b'{"Id": "\\ud800", "Name": "x"}', "surrogate"),
    "1,500 deep": (b'{"Id": "1", "Name": "x", "Deep": ' + b"[" * 1500 + b"]" * 1500 + b"}",
                   "nested more than 254 levels"),
    "300 deep": (b'{"Id": "1", "Name": "x", "Deep": ' + b"[" * 300 + b"]" * 300 + b"}",
                 "nested more than 254 levels"),
    "2**53 + 1": (b'{"Id": "1", "Name": "x", "Amount": 9007199254740993}', "beyond 2**53 - 1"),
    "beyond 64 bits": (b'{"Id": "1", "Name": "x", "Amount": -123456789012345678901234}',
                       "beyond 2**53 - 1"),
    "duplicate key": (b'{"Id": "1", "Name": "x", "Name": "y"}', "duplicate key 'Name'"),
    "duplicate key, spaced": (b'{ "Id" : "1" , "Name" : "x" , "Name" : "y" }', "duplicate key"),
    "nested duplicate": (b'{"Id": "1", "Name": "x", "More": [{"a": 1, "a": 2}]}',
                         "duplicate key 'a'"),
}


def test_hostile_lines_are_dead_letters_and_the_rest_is_written(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    assert guarded(["generate"], root).returncode == 0
    lines = [json.dumps(GOOD).encode()] + [line for line, _ in HOSTILE.values()] + [
        json.dumps({**GOOD, "Id": "002", "Amount": 9007199254740991}).encode()]
    (root / "in.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    outcome = guarded(["run", "crm.account_to_customer", "-i", "in.jsonl", "-o", "out.jsonl",
                       "-d", "dead.jsonl", "--format", "json"], root, timeout=60)
    assert outcome.returncode == 1, outcome.stdout + outcome.stderr
    assert "Traceback" not in outcome.stderr
    written = [json.loads(x) for x in (root / "out.jsonl").read_bytes().splitlines()]
    assert [w["id"] for w in written] == ["001", "002"]
    dead = [json.loads(x) for x in (root / "dead.jsonl").read_bytes().splitlines()]
    assert [d["line_number"] for d in dead] == list(range(2, 2 + len(HOSTILE)))
    for letter, (name, (line, reason)) in zip(dead, HOSTILE.items(), strict=True):
        assert letter["class"] == "data_quality", name
        assert reason in letter["message"], (name, letter["message"])
        assert letter["raw"] == line.decode(), name  # kept as sent, for a replay


@pytest.mark.parametrize("name", sorted(HOSTILE))
@pytest.mark.parametrize("orjson", [True, False], ids=["orjson", "stdlib"])
def test_both_parsers_refuse_the_same_lines(monkeypatch: pytest.MonkeyPatch, name: str,
                                            orjson: bool) -> None:
    if not orjson:
        monkeypatch.setattr(jsonl, "_orjson", None)
    line, reason = HOSTILE[name]
    with pytest.raises(jsonl.MalformedLine) as caught:
        jsonl.loads_line(line + b"\n")
    assert reason in str(caught.value)


@pytest.mark.parametrize("line", [
    b'{"a": 9007199254740991, "b": -9007199254740991, "c": 1e300, "d": 0.1}',
    b'{ "a" : [1, 2, {"b": "x: y, z"}], "c": "\\u00e9\\ud83d\\ude00" }',
    b'{"Description": "price e+tax: 3", "a": 1}',
    b'{"t": "\\u003a", "u": 1}',
    b"[" * 254 + b"]" * 254,
])
def test_lines_that_only_look_suspicious_are_read(line: bytes) -> None:
    assert jsonl.loads_line(line) == json.loads(line)


class _Echo:
    """A transformer that writes each record as it is (the stream runner's protocol)."""

    @staticmethod
    def applies(record: dict[str, object]) -> bool:
        return True

    @staticmethod
    def transform(record: dict[str, object]) -> dict[str, object]:
        return record

    @staticmethod
    def key(record: dict[str, object]) -> str:
        return "k"


#: The hostile lines as orjson writes JSON (no spaces): the stream runner's fast path takes a
#: line that starts with its strict echo as read, so each of these must still be refused
COMPACT: dict[str, tuple[bytes, str]] = {
    "duplicate key": (b'{"Id":"1","Name":"x","Name":"y"}', "duplicate key 'Name'"),
    "same value twice": (b'{"Id":"1","Id":"1"}', "duplicate key 'Id'"),
    "nested duplicate": (b'{"More":[{"a":1,"a":2}]}', "duplicate key 'a'"),
    "2**53 + 1": (b'{"Amount":9007199254740993}', "beyond 2**53 - 1"),
    "2**64": (b'{"Amount":18446744073709551616}', "beyond 2**53 - 1"),
    "lone surrogate": (b'{"Id":"\\udc00"}', "surrogate"),
    "300 deep": (b'{"Deep":' + b"[" * 300 + b"]" * 300 + b"}", "nested more than 254 levels"),
}


@pytest.mark.parametrize("name", sorted(COMPACT))
def test_compact_hostile_lines_are_dead_letters_in_the_stream(name: str) -> None:
    line, reason = COMPACT[name]
    good = b'{"Id":"2","Amount":9007199254740991}\n'
    out, dead = io.BytesIO(), io.BytesIO()
    stats = run_stream(_Echo(), [good, line + b"\n", good.rstrip(b"\n")], out, dead)
    assert (stats.read, stats.written, stats.dead) == (3, 2, 1)
    (letter,) = [json.loads(x) for x in dead.getvalue().splitlines()]
    assert letter["line_number"] == 2 and letter["class"] == "data_quality"
    assert reason in letter["message"], letter["message"]
    assert letter["raw"] == line.decode()
