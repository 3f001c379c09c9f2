"""The stream runner: JSONL in -> transformer -> validate -> JSONL out, failures dead-lettered.

Records are read, transformed, validated and written one at a time, so memory stays flat
however large the input. For every non-blank input line exactly one thing happens: the record
is written, skipped (the mapping's ``when`` is false) or dead-lettered, so
``read == written + skipped + dead`` always holds. A malformed line (not UTF-8, not JSON, not
an object) is a ``data_quality`` dead letter, never a crash. Blank lines are ignored.

:func:`run_files` writes each output to a temp file beside it (an unpredictable name) and
renames it into place only when the run completes (a FIFO or device is written into instead),
under a lock that makes a second run to the same output refuse. A run that fails (a crash,
Ctrl-C, a full disk) leaves any existing output and dead-letter files exactly as they were, and
it never touches them when the input cannot be opened.

With ``with_key=True`` each output line is an envelope ``{"key": key(record), "record": out}``
so that a downstream loader can upsert idempotently; otherwise each line is the output record.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Protocol

from accord import fsio
from accord.errors import LoadError, TransformError, UsageError
from accord.jsondoc import Location
from accord.runtime.deadletter import DeadLetter, DeadLetterWriter, ErrorClass, rule_for_output
from accord.runtime.jsonl import (
    ECHO,
    FAST_ERRORS,
    LINE,
    UNPARSED,
    MalformedLine,
    dumps_line,
    fast_dumps,
    fast_loads,
    recheck_line,
)
from accord.runtime.readers import detect_format, limit_records, record_lines
from accord.runtime.validate import Validator

__all__ = ["STDIO", "RunStats", "Transformer", "run_files", "run_stream"]

#: the path that means standard input or output
STDIO = "-"

ProgressCallback = Callable[[int, int], None]  # (records read, bytes read)
_PROGRESS_EVERY = 2048
#: Read and write buffer of the files a run streams (1 MiB: +13% records/s end to end against
#: the 8 KiB default, measured on 14 KB records).
BUFFER = 1 << 20
#: first bytes of a line that may be blank (whitespace only, or empty)
_BLANK_START = frozenset((b"", b" ", b"\t", b"\n", b"\r", b"\x0b", b"\x0c"))


class Transformer(Protocol):
    """What a generated module provides (see docs/running.md)."""

    def applies(self, record: Any) -> bool: ...
    def transform(self, record: Any) -> dict[str, Any]: ...
    def key(self, record: Any) -> str: ...


@dataclass
class RunStats:
    """Exact counts of one run: ``read == written + skipped + dead``."""

    read: int = 0
    written: int = 0
    skipped: int = 0
    dead: int = 0
    dead_by_class: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def consistent(self) -> bool:
        return self.read == self.written + self.skipped + self.dead

    @property
    def rate(self) -> float:
        return self.read / self.seconds if self.seconds > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"read": self.read, "written": self.written, "skipped": self.skipped,
                "dead": self.dead, "dead_by_class": dict(sorted(self.dead_by_class.items())),
                "seconds": round(self.seconds, 3), "records_per_second": round(self.rate, 1)}


def _describe(value: Any) -> str:
    names = {list: "an array", str: "a string", bool: "a boolean", int: "a number",
             float: "a number", type(None): "null"}
    return names.get(type(value), type(value).__name__)


def _failure(exc: Exception, stage: str, line_number: int, record: Any) -> DeadLetter:
    if isinstance(exc, TransformError):
        return DeadLetter(line_number, ErrorClass.parse(exc.error_class), exc.message,
                          exc.path, exc.rule, record, target=exc.target)
    return DeadLetter(line_number, ErrorClass.MAPPING_ERROR,
                      f"{stage} raised {type(exc).__name__}: {exc}", (), None, record)


def _schema_letter(line_number: int, what: str, side: str, validator: Validator, body: Any,
                   rule: str | None, record: Any) -> DeadLetter:
    """The dead letter of a record whose input or output breaks its schema."""
    violations = validator.errors(body)
    first = violations[0] if violations else None
    where = f" at {first.pointer}" if first and first.pointer else ""
    return DeadLetter(
        line_number, ErrorClass.DATA_QUALITY,
        f"{what} does not match the {side} schema{where}: {first.message if first else 'invalid'}",
        first.location if first else (), rule, record,
        target=(first.location if first else ()) if what == "output" else None,
        violations=violations)


def run_stream(
    transformer: Any,
    lines: Iterable[bytes],
    out: IO[bytes],
    dead: IO[bytes],
    *,
    validator: Validator | None = None,
    schema_rule: str | None = None,
    with_key: bool = False,
    progress: ProgressCallback | None = None,
    input_validator: Validator | None = None,
    input_rule: str | None = None,
) -> RunStats:
    """Run ``transformer`` over ``lines`` (bytes, one JSON object each).

    ``schema_rule`` names the target schema in dead letters for validation failures (e.g.
    ``contract:project@1.1.0``). With ``input_validator`` each record is first validated
    against the source schema (named ``input_rule``); an invalid one is a ``data_quality``
    dead letter naming every violation by JSON path and pointer, and is not transformed.
    """
    applies: Callable[[Any], bool] = transformer.applies
    transform: Callable[[Any], Any] = transformer.transform
    key: Callable[[Any], str] = transformer.key
    letters = DeadLetterWriter(dead)
    #: a generated module's output path -> (rule, source path): names them for a violation
    rules: dict[Location, tuple[str, Location]] | None = getattr(transformer, "RULES", None)
    write = out.write
    loads, dumps = fast_loads, fast_dumps  # orjson's, called directly (a partial costs more)
    # the validator's compiled check itself (no wrapper call per record; a value JSON cannot
    # hold raises ValueError: invalid, as Validator.is_valid says)
    is_valid = validator.compiled_is_valid if validator is not None else None
    stats = RunStats()
    started = time.perf_counter()
    bytes_read = 0
    line_number = 0
    read = written = skipped = 0  # counted in locals, stored in stats at the end
    for line in lines:
        line_number += 1
        bytes_read += len(line)
        if progress is not None and line_number % _PROGRESS_EVERY == 0:
            progress(read, bytes_read)
        # jsonl.loads_line inline: a line that starts with its strict echo is exactly the
        # parsed value (no duplicate key lost, no integer beyond 2**53 - 1, not too deep)
        try:
            record = loads(line)
            exact = line.startswith(dumps(record, option=ECHO))
        except FAST_ERRORS:  # refused, or a value the strict echo refuses: checked below
            record, exact = UNPARSED, False
        if not exact:
            if line[:1] in _BLANK_START and not line.strip():  # strip() copies: when blank-ish
                continue
            try:
                record = recheck_line(line, record)
            except MalformedLine as exc:
                read += 1
                letters.write(DeadLetter(
                    line_number, ErrorClass.DATA_QUALITY, str(exc),
                    raw=line.rstrip(b"\r\n").decode("utf-8", "backslashreplace")))
                continue
        read += 1
        if not isinstance(record, dict):
            letters.write(DeadLetter(
                line_number, ErrorClass.DATA_QUALITY,
                f"expected a JSON object, found {_describe(record)}", input=record))
            continue
        if input_validator is not None and not input_validator.is_valid(record):
            letters.write(_schema_letter(line_number, "input", "source", input_validator, record,
                                         input_rule, record))
            continue
        stage = "applies()"
        try:
            if not applies(record):
                skipped += 1
                continue
            stage = "transform()"
            result = transform(record)
            if with_key:
                stage = "key()"
                result = {"key": key(record), "record": result}
        except Exception as exc:  # any failure of one record is a dead letter, not a crash
            letters.write(_failure(exc, stage, line_number, record))
            continue
        if is_valid is not None and validator is not None:
            body = result["record"] if with_key else result
            try:
                valid = is_valid(body)
            except ValueError:  # a value JSON cannot hold (a set, a Decimal, a non-str key)
                valid = False
            if not valid:
                violations = validator.errors(body)
                first = violations[0] if violations else None
                where = first.location if first else ()
                wrote = rule_for_output(rules, where) if rules else None
                letters.write(DeadLetter(
                    line_number, ErrorClass.DATA_QUALITY,
                    f"output does not match the target schema"
                    f"{f' {schema_rule}' if wrote and schema_rule else ''}: "
                    f"{first.message if first else 'invalid'}",
                    wrote[1] if wrote else where, wrote[0] if wrote else schema_rule, record,
                    target=where, violations=violations))
                continue
        try:
            try:
                encoded = dumps(result, option=LINE)
            except TypeError:  # orjson cannot: the standard library may (or says why not)
                encoded = dumps_line(result)
        except (TypeError, ValueError) as exc:
            letters.write(DeadLetter(line_number, ErrorClass.MAPPING_ERROR,
                                     f"output is not JSON: {exc}", (), None, record))
            continue
        write(encoded)
        written += 1
    stats.read, stats.written, stats.skipped = read, written, skipped
    stats.dead = letters.count
    stats.dead_by_class = dict(letters.by_class)
    stats.seconds = time.perf_counter() - started
    if progress is not None:
        progress(read, bytes_read)
    return stats


@contextlib.contextmanager
def _atomic_outputs(*paths: Path) -> Iterator[list[IO[bytes]]]:
    """One writer per path (:func:`accord.fsio.open_output`: a regular file is replaced
    atomically only if the block succeeds; a FIFO or device is written into), each held under
    a cross-process lock so that a second run to the same output refuses instead of mixing."""
    folders: set[str] = set()  # where outputs were replaced: synced once, after the last
    with contextlib.ExitStack() as stack:
        stack.callback(fsio.sync_folders, folders)  # registered first: runs last
        for path in paths:
            if not _is_stdio(path) and not fsio.is_stream(path):
                stack.enter_context(fsio.locked(
                    path, timeout=0, display=str(path),
                    busy_hint="another `accord run` is writing this file; wait for it, or "
                              "choose another output"))
        if any(_is_stdio(path) for path in paths):
            stack.callback(sys.stdout.buffer.flush)
        yield [sys.stdout.buffer if _is_stdio(path)
               else stack.enter_context(fsio.open_output(path, buffering=BUFFER, folders=folders))
               for path in paths]


def _is_stdio(path: Path) -> bool:
    """``-``: standard input (for ``--input``) or standard output (for an output)."""
    return str(path) == STDIO


def _check_paths(input_path: Path, output: Path, dead_letter: Path) -> None:
    if _is_stdio(output) and _is_stdio(dead_letter):
        raise UsageError("--output and --dead-letter cannot both be - (standard output): "
                         "send one of them to a file")
    files = [p for p in (input_path, output, dead_letter)
             if not _is_stdio(p) and not fsio.is_stream(p)]
    if len({os.path.realpath(p) for p in files}) != len(files):
        raise UsageError("--input, --output and --dead-letter must be three different files")
    for target in (output, dead_letter):
        if _is_stdio(target):
            continue
        if not os.path.isdir(target.parent):  # os.path never raises (a name too long)
            raise UsageError(f"{target}: folder {target.parent} does not exist")
        if os.path.isdir(target):
            raise UsageError(f"{target} is a directory, expected a file path")


@contextlib.contextmanager
def _progress_bar(total: int, enabled: bool) -> Iterator[ProgressCallback | None]:
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    with Progress(TextColumn("[bold]accord run"), BarColumn(), DownloadColumn(),
                  TextColumn("{task.fields[records]:,} records"), TimeRemainingColumn(),
                  console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("run", total=total or None, records=0)

        def update(records: int, done: int) -> None:
            bar.update(task, completed=done, records=records)

        yield update


def open_input(input_path: str | Path, input_format: str | None, limit: int | None
               ) -> tuple[Path, str, IO[bytes], bool]:
    """The input of a run, opened: its path, format, binary handle (the caller closes it
    unless it is standard input) and whether it is standard input. LoadError (exit 2) when it
    cannot be read; UsageError for a negative ``limit``."""
    source = Path(input_path)
    fmt = detect_format(source, input_format)
    if limit is not None and limit < 0:
        raise UsageError(f"--limit must be 0 or more, got {limit}")
    from_stdin = _is_stdio(source)
    try:
        handle = (sys.stdin.buffer if from_stdin
                  else open(source, "rb", buffering=BUFFER))  # noqa: SIM115 - closed by caller
    except FileNotFoundError:
        raise LoadError(f"{source}: input file not found") from None
    except IsADirectoryError:
        raise LoadError(f"{source} is a directory, expected a {fmt.upper()} file") from None
    except OSError as exc:
        raise LoadError(f"{source}: cannot read: {exc.strerror}") from None
    return source, fmt, handle, from_stdin


def run_files(
    transformer: Any,
    input_path: str | Path,
    output: str | Path,
    dead_letter: str | Path,
    *,
    validator: Validator | None = None,
    schema_rule: str | None = None,
    with_key: bool = False,
    progress: bool | None = None,
    input_format: str | None = None,
    limit: int | None = None,
    input_validator: Validator | None = None,
    input_rule: str | None = None,
) -> RunStats:
    """Stream ``input_path`` through ``transformer`` into ``output`` and ``dead_letter``.

    ``-`` is standard input (``input_path``) or standard output (one of the outputs, written
    into as the run goes). ``input_format`` is ``jsonl``, ``json`` or ``csv`` (default: by
    extension, see :mod:`accord.runtime.readers`); ``limit`` stops after that many records.
    ``progress=None`` shows a progress bar (on stderr) only when stderr is a terminal. Raises
    :class:`~accord.errors.LoadError` (exit 2) when the input cannot be read and
    :class:`~accord.errors.UsageError` for unusable output paths, before touching any output.
    """
    out_path, dead_path = Path(output), Path(dead_letter)
    source, fmt, handle, from_stdin = open_input(input_path, input_format, limit)
    try:
        _check_paths(source, out_path, dead_path)
        show = sys.stderr.isatty() if progress is None else progress
        total = 0 if from_stdin else os.fstat(handle.fileno()).st_size
        lines = record_lines(handle, fmt, name="standard input" if from_stdin else str(source))
        if limit is not None:
            lines = limit_records(lines, limit)
        with _atomic_outputs(out_path, dead_path) as (out, dead), \
                _progress_bar(total, show) as update:
            return run_stream(transformer, lines, out, dead, validator=validator,
                              schema_rule=schema_rule, with_key=with_key, progress=update,
                              input_validator=input_validator, input_rule=input_rule)
    finally:
        if not from_stdin:
            handle.close()
