"""Input formats of ``accord run``: JSON Lines, a JSON array, CSV; a file or standard input.

Each reader turns its input into what the stream runner consumes: one JSON object per line, as
bytes. JSONL is passed through untouched (the fast path); a JSON array and CSV are converted
record by record.

* ``jsonl``: one JSON object per line (``.jsonl``, ``.ndjson``, and any other extension).
* ``json``: one JSON array of objects (``.json``). The whole document is parsed first, so a
  malformed file is refused (exit 2, with line and column) before anything is written; use
  JSONL for inputs larger than memory. Each element becomes one record, numbered from 1.
* ``csv``: a header row naming the fields, then one record per row (``.csv``); UTF-8, an
  optional byte-order mark, RFC 4180 quoting. Cells are strings; an empty cell (or a missing
  one at the end of a short row) leaves the field out, so ``default:`` applies. A row with more
  cells than the header is refused (exit 2, with its line). A dotted column name nests:
  ``user.id`` fills ``{"user": {"id": ...}}``. Cells stay strings (CSV has no types: convert
  with ``to_number()`` in the mapping where a number is meant). Records are numbered by the
  line they start on, so a dead letter's ``line_number`` is the row's line in the file.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterable, Iterator
from pathlib import PurePath
from typing import IO, Any

from accord.errors import LoadError
from accord.runtime.jsonl import MalformedLine, dumps_line, loads_line

__all__ = ["FORMATS", "detect_format", "limit_records", "record_lines"]

FORMATS = ("jsonl", "json", "csv")
_BY_SUFFIX = {".json": "json", ".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}
_BLANK = b"\n"


def detect_format(path: str | PurePath, explicit: str | None = None) -> str:
    """The input format: ``explicit`` when given, else by extension (JSONL for ``-`` and for
    anything not ``.json`` or ``.csv``)."""
    if explicit is not None:
        if explicit not in FORMATS:
            raise LoadError(f"unknown input format {explicit!r}: expected one of "
                            f"{', '.join(FORMATS)}")
        return explicit
    if str(path) == "-":
        return "jsonl"
    return _BY_SUFFIX.get(PurePath(path).suffix.lower(), "jsonl")


def record_lines(handle: IO[bytes], fmt: str, *, name: str) -> Iterable[bytes]:
    """The records of ``handle`` in format ``fmt`` as JSON lines (``name`` is for messages)."""
    if fmt == "jsonl":
        return handle
    if fmt == "json":
        return _json_array(handle, name)
    if fmt == "csv":
        return _csv_rows(handle, name)
    raise LoadError(f"unknown input format {fmt!r}: expected one of {', '.join(FORMATS)}")


def _json_array(handle: IO[bytes], name: str) -> Iterator[bytes]:
    data = handle.read()
    try:
        document = loads_line(data)
    except MalformedLine as exc:
        raise LoadError(f"{name}: {exc}") from None
    if not isinstance(document, list):
        raise LoadError(f"{name}: expected a JSON array of records, found "
                        f"{type(document).__name__ if document is not None else 'null'}; "
                        "for one record per line use --input-format jsonl")
    for element in document:
        yield dumps_line(element)


def _csv_rows(handle: IO[bytes], name: str) -> Iterator[bytes]:
    text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
    reader = csv.reader(text, strict=True)
    try:
        header = next(reader, None)
        if header is None:
            return
        duplicated = sorted({field for field in header if header.count(field) > 1})
        if duplicated or "" in header:
            raise LoadError(f"{name}:1: the header row must name every column once "
                            f"(duplicated: {', '.join(map(repr, duplicated)) or 'none'}; "
                            f"empty names: {header.count('')})")
        paths = [tuple(field.split(".")) for field in header]
        clash = _clashing(paths)
        if clash:
            raise LoadError(f"{name}:1: column {'.'.join(clash[0])!r} holds column "
                            f"{'.'.join(clash[1])!r}: a dotted name nests a field, so the "
                            "shorter one cannot also be a value")
        emitted = 0  # items yielded so far (the runner numbers them as lines)
        start = reader.line_num + 1
        for row in reader:
            if not row:  # a blank line is not a record
                start = reader.line_num + 1
                continue
            if len(row) > len(header):
                raise LoadError(f"{name}:{start}: {len(row)} cells but the header names "
                                f"{len(header)} columns")
            # blank lines keep each record's number equal to the line it starts on
            yield from itertools.repeat(_BLANK, start - 1 - emitted)
            yield dumps_line(_nest(paths, row))
            emitted = start
            start = reader.line_num + 1
    except UnicodeDecodeError as exc:
        raise LoadError(f"{name}: not valid UTF-8 (byte offset {exc.start} of a chunk)") from None
    except csv.Error as exc:
        raise LoadError(f"{name}:{reader.line_num}: not valid CSV: {exc}") from None
    finally:
        text.detach()


def _clashing(paths: list[tuple[str, ...]]) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """Two columns where one is a prefix of the other (``user`` and ``user.id``), if any."""
    ordered = sorted(paths)
    for shorter, longer in itertools.pairwise(ordered):
        if longer[:len(shorter)] == shorter:
            return shorter, longer
    return None


def _nest(paths: list[tuple[str, ...]], row: list[str]) -> dict[str, Any]:
    """One CSV row as a record: dotted column names nest (``user.id``), empty cells are left
    out."""
    record: dict[str, Any] = {}
    for path, cell in zip(paths, row, strict=False):
        if cell == "":
            continue
        node = record
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node[path[-1]] = cell
    return record


def limit_records(lines: Iterable[bytes], limit: int) -> Iterator[bytes]:
    """``lines`` up to and including the ``limit``-th record (blank lines are not records)."""
    if limit <= 0:
        return
    seen = 0
    for line in lines:
        yield line
        if line.strip():
            seen += 1
            if seen >= limit:
                return

