"""``accord run --workers N``: the stream runner on N processes, output identical to one.

The parent reads the input (any format, ``--limit`` applied) and cuts it into chunks of whole
lines (about :data:`CHUNK_BYTES` each). Each worker process loads the transformer once (through
a picklable ``load`` callable), compiles the validators once, and runs
:func:`accord.runtime.stream.run_stream` — the very loop of a one-process run — over a chunk
into memory buffers. The parent writes the chunks' outputs and dead letters back in input
order, so the files are byte for byte what ``--workers 1`` writes; a dead letter's
``line_number`` is shifted by the lines before its chunk. At most ``IN_FLIGHT_PER_WORKER``
chunks per worker are read ahead or waiting to be written, so memory stays flat however large
the input.

Workers are started with the ``spawn`` context (no inherited locks or threads) and ignore
Ctrl-C: the parent stops, cancels what is queued and discards its temporary outputs. A worker
that dies (killed, out of memory, a crash in native code) fails the run (ACC690) and leaves any
existing output untouched, as any failed run does. A record that raises is a dead letter in a
worker exactly as in one process.
"""

from __future__ import annotations

import collections
import io
import os
import signal
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import IO, Any

from accord import codes
from accord.diagnostics import Diagnostic
from accord.errors import AccordError, LoadError, UsageError
from accord.runtime.jsonl import dumps_line, loads_line
from accord.runtime.readers import limit_records, record_lines
from accord.runtime.stream import (
    RunStats,
    _atomic_outputs,
    _check_paths,
    _progress_bar,
    open_input,
    run_stream,
)
from accord.runtime.validate import compile_validator

__all__ = ["CHUNK_BYTES", "CHUNK_LINES", "IN_FLIGHT_PER_WORKER", "RunOptions", "run_files_parallel",
           "worker_count"]

#: A chunk closes at this many bytes of input ...
CHUNK_BYTES = 1 << 20
#: ... or this many lines, whichever comes first (small records: keep chunks short enough
#: that every worker gets some).
CHUNK_LINES = 4096
#: Chunks per worker read ahead or waiting to be written: bounds memory, keeps workers busy.
IN_FLIGHT_PER_WORKER = 3
_LINE_NUMBER = b'{"line_number":'

#: Picklable options of a run, passed to each worker once.
RunOptions = dict[str, Any]


def worker_count(value: int | str | None) -> int:
    """``--workers``: a positive number, or ``0``/``auto`` for one per CPU."""
    if value is None:
        return 1
    text = str(value).strip().lower()
    if text in ("0", "auto"):
        return max(1, os.cpu_count() or 1)
    try:
        count = int(text)
    except ValueError:
        count = -1
    if count < 1:
        raise UsageError(f"--workers must be a positive number, 0 or auto, got {value!r}")
    return count


# -- in each worker -------------------------------------------------------------------------

_WORKER: dict[str, Any] = {}


def _start_worker(load: Callable[[], Any], options: RunOptions) -> None:
    """Initializer of a worker process: the transformer and validators, built once."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    try:
        schema, input_schema = options["schema"], options["input_schema"]
        _WORKER["transformer"] = load()
        _WORKER["validator"] = compile_validator(schema) if schema is not None else None
        _WORKER["input_validator"] = (compile_validator(input_schema)
                                      if input_schema is not None else None)
        _WORKER["options"] = options
    except Exception as exc:  # reported by the first chunk, with its message
        _WORKER["error"] = f"{type(exc).__name__}: {exc}"


def _lines(blob: bytes) -> list[bytes]:
    """The lines of a chunk, each with its newline (the last may lack one): the lines a file
    iterator gives, split on ``\\n`` only."""
    parts = blob.split(b"\n")
    last = parts.pop()
    lines = [part + b"\n" for part in parts]
    if last:
        lines.append(last)
    return lines


def renumber(letters: bytes, offset: int) -> bytes:
    """Dead-letter lines with ``offset`` added to each ``line_number`` (always the first key:
    :meth:`accord.runtime.deadletter.DeadLetter.to_dict`)."""
    if not offset or not letters:
        return letters
    start = len(_LINE_NUMBER)
    shifted = []
    for line in _lines(letters):
        if line.startswith(_LINE_NUMBER):
            comma = line.index(b",", start)
            shifted.append(b"%s%d%s" % (_LINE_NUMBER, int(line[start:comma]) + offset,
                                        line[comma:]))
        else:  # not the shape DeadLetter writes: re-encode it
            data = loads_line(line)
            data["line_number"] += offset
            shifted.append(dumps_line(data))
    return b"".join(shifted)


def _run_chunk(first_line: int, blob: bytes) -> tuple[bytes, bytes, tuple[int, int, int],
                                                     dict[str, int]]:
    """One chunk through the one-process loop: its outputs, dead letters (numbered in the
    whole input) and counts."""
    if "error" in _WORKER:
        raise LoadError(f"a worker could not load the transformer: {_WORKER['error']}")
    options = _WORKER["options"]
    out, dead = io.BytesIO(), io.BytesIO()
    stats = run_stream(_WORKER["transformer"], _lines(blob), out, dead,
                       validator=_WORKER["validator"], schema_rule=options["schema_rule"],
                       with_key=options["with_key"],
                       input_validator=_WORKER["input_validator"],
                       input_rule=options["input_rule"])
    return (out.getvalue(), renumber(dead.getvalue(), first_line - 1),
            (stats.read, stats.written, stats.skipped), dict(stats.dead_by_class))


# -- in the parent --------------------------------------------------------------------------

def chunks(lines: Iterable[bytes]) -> Iterator[tuple[int, bytes]]:
    """``(number of the chunk's first line, its lines joined)``, in input order. A line that
    lacks its newline (the input's last) keeps lacking it."""
    number = 1
    batch: list[bytes] = []
    size = 0
    for line in lines:
        if batch and not batch[-1].endswith(b"\n"):  # only an input's last line lacks one
            batch[-1] += b"\n"
        batch.append(line)
        size += len(line)
        if size >= CHUNK_BYTES or len(batch) >= CHUNK_LINES:
            yield number, b"".join(batch)
            number += len(batch)
            batch, size = [], 0
    if batch:
        yield number, b"".join(batch)


def blocks(handle: IO[bytes]) -> Iterator[tuple[int, bytes]]:
    """:func:`chunks` of a JSONL stream read in blocks of whole lines (no loop per line)."""
    number = 1
    while True:
        blob = handle.read(CHUNK_BYTES)
        if not blob:
            return
        if not blob.endswith(b"\n"):
            blob += handle.readline()
        yield number, blob
        number += blob.count(b"\n")


def _died(exc: BaseException) -> AccordError:
    diag = Diagnostic(codes.RUN_WORKER_DIED, f"a worker process of the run died ({exc}); "
                      "nothing was written", "accord run",
                      hint=codes.RUN_WORKER_DIED.hint)
    return AccordError(diag.format(), diagnostics=[diag])


def _stop(pool: ProcessPoolExecutor) -> None:
    """End the workers at once (chunks under way are abandoned: the run is failing)."""
    processes = getattr(pool, "_processes", None) or {}
    for process in list(processes.values()):
        process.terminate()
    pool.shutdown(wait=False, cancel_futures=True)


def run_parallel(load: Callable[[], Any], parts: Iterable[tuple[int, bytes]], out: Any,
                 dead: Any, *,
                 workers: int, options: RunOptions,
                 progress: Callable[[int, int], None] | None = None) -> RunStats:
    """:func:`accord.runtime.stream.run_stream` over ``workers`` processes, fed ``parts``
    (:func:`chunks` or :func:`blocks`): the same bytes to ``out`` and ``dead``, the same
    counts."""
    import multiprocessing

    stats = RunStats()
    started = time.perf_counter()
    done_bytes = 0
    pending: collections.deque[tuple[int, Future[Any]]] = collections.deque()
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_start_worker, initargs=(load, options))

    def collect() -> None:
        nonlocal done_bytes
        size, future = pending.popleft()
        written, letters, (read, wrote, skipped), by_class = future.result()
        out.write(written)
        dead.write(letters)
        stats.read += read
        stats.written += wrote
        stats.skipped += skipped
        for cls, count in by_class.items():
            stats.dead_by_class[cls] = stats.dead_by_class.get(cls, 0) + count
        done_bytes += size
        if progress is not None:
            progress(stats.read, done_bytes)

    try:
        for first, blob in parts:
            pending.append((len(blob), pool.submit(_run_chunk, first, blob)))
            if len(pending) >= workers * IN_FLIGHT_PER_WORKER:
                collect()
        while pending:
            collect()
    except BrokenProcessPool as exc:
        _stop(pool)
        raise _died(exc) from None
    except BaseException:  # Ctrl-C, unreadable input, a full disk: stop now, write nothing
        _stop(pool)
        raise
    pool.shutdown(wait=True)
    stats.dead = sum(stats.dead_by_class.values())
    stats.dead_by_class = dict(stats.dead_by_class)
    stats.seconds = time.perf_counter() - started
    return stats


def run_files_parallel(
    load: Callable[[], Any],
    input_path: str | Path,
    output: str | Path,
    dead_letter: str | Path,
    *,
    workers: int,
    options: RunOptions,
    progress: bool | None = None,
    input_format: str | None = None,
    limit: int | None = None,
) -> RunStats:
    """:func:`accord.runtime.stream.run_files` on ``workers`` processes: the same inputs,
    checks, atomic outputs and locks. ``load`` (picklable: a top-level function or a
    ``functools.partial`` of one) gives the transformer in each worker; ``options`` holds
    ``schema`` and ``input_schema`` (JSON Schemas or None), ``schema_rule``, ``input_rule``
    and ``with_key``."""
    out_path, dead_path = Path(output), Path(dead_letter)
    source, fmt, handle, from_stdin = open_input(input_path, input_format, limit)
    try:
        _check_paths(source, out_path, dead_path)
        show = sys.stderr.isatty() if progress is None else progress
        total = 0 if from_stdin else os.fstat(handle.fileno()).st_size
        if fmt == "jsonl" and limit is None:  # the fast path: whole lines in blocks
            parts = blocks(handle)
        else:
            lines = record_lines(handle, fmt,
                                 name="standard input" if from_stdin else str(source))
            parts = chunks(lines if limit is None else limit_records(lines, limit))
        with _atomic_outputs(out_path, dead_path) as (out, dead), \
                _progress_bar(total, show) as update:
            return run_parallel(load, parts, out, dead, workers=workers, options=options,
                                progress=update)
    finally:
        if not from_stdin:
            handle.close()
