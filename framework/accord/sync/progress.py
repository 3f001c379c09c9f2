"""The progress line of ``accord sync`` on a terminal: records so far by outcome, live."""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Callable, Iterator

from accord.sync.engine import RecordResult

__all__ = ["sync_progress"]


@contextlib.contextmanager
def sync_progress(flow: str, enabled: bool) -> Iterator[Callable[[RecordResult], None] | None]:
    """A callback per record that keeps a transient progress line on standard error (None when
    ``enabled`` is false: a pipe or a log gets only the summary)."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    counts: Counter[str] = Counter()
    with Progress(SpinnerColumn(), TextColumn(f"[bold]accord sync {flow}"),
                  TextColumn("{task.completed:,} records"), TextColumn("{task.fields[split]}"),
                  TimeElapsedColumn(), console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("sync", total=None, split="")

        def update(result: RecordResult) -> None:
            counts[result.outcome.value] += 1
            split = "  ".join(f"{name} {n:,}" for name, n in sorted(counts.items()))
            bar.update(task, advance=1, split=split)

        yield update
