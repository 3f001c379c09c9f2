"""How the sync state is shown to people and to CI: tables, one exception in full, a lineage
tree, and JUnit cases. Pure functions from the repositories' records to text."""

from __future__ import annotations

import io
import json
import shutil
from collections.abc import Sequence

from accord.diagnostics import JUnitCase, printable
from accord.sync.lineage import Chain, LineageStep
from accord.sync.periods import Period
from accord.sync.queue import ExceptionRecord

__all__ = ["exception_cases", "exception_text", "exceptions_table", "lineage_cases",
           "lineage_tree", "period_cases", "periods_table", "when"]

_ERROR_WIDTH = 60


def when(stamp: str | None) -> str:
    """A stored UTC time to the second, for people: ``2026-12-01 10:00:00Z``."""
    if not stamp:
        return "—"
    return f"{stamp[:10]} {stamp[11:19]}Z" if len(stamp) >= 19 else stamp


def _short(text: str, width: int = _ERROR_WIDTH) -> str:
    line = " ".join(text.split())
    return line if len(line) <= width else line[:width - 1] + "…"


def _table(title: str, columns: Sequence[str], rows: Sequence[Sequence[str]], *,
           color: bool) -> str:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(title=title, title_justify="left", header_style="bold" if color else "",
                  show_edge=False, box=None, pad_edge=False)
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*(Text(printable(cell)) for cell in row))
    out = io.StringIO()
    width = max(100, shutil.get_terminal_size((160, 24)).columns)
    Console(file=out, width=width, force_terminal=color, no_color=not color,
            color_system="standard" if color else None, highlight=False).print(table)
    return "\n".join(line.rstrip() for line in out.getvalue().splitlines())


def exceptions_table(records: Sequence[ExceptionRecord], *, color: bool = False) -> str:
    """The list of ``accord exceptions list``: one row per exception."""
    rows = [(str(r.id), r.status, r.flow, r.error_class, r.owner, f"{r.system} {r.source_id}",
             r.key or "—", str(r.attempts), when(r.last_seen), _short(r.error))
            for r in records]
    return _table(f"{len(records)} exception(s)",
                  ["ID", "STATUS", "FLOW", "CLASS", "OWNER", "SOURCE", "KEY", "ATTEMPTS",
                   "LAST SEEN", "ERROR"], rows, color=color)


def exception_text(record: ExceptionRecord) -> str:
    """One exception in full (``accord exceptions show``): where it came from, the error and
    the rule's line, attempts, the record, and the audit trail."""
    rule = record.rule or "—"
    if record.pointer:
        rule += f" (at {record.pointer})"
    fields = [
        ("flow", record.flow), ("source", f"{record.system} {record.source_id}"),
        ("key", record.key or "—"), ("class", record.error_class), ("owner", record.owner),
        ("error", record.error), ("rule", rule),
        ("attempts", f"{record.attempts} (first seen {when(record.first_seen)}, last seen "
                     f"{when(record.last_seen)})"),
        ("correlation", record.correlation_id), ("run", record.run_id or "—")]
    lines = [f"exception {record.id}: {record.status}"]
    lines += [f"  {name:<12} {printable(value)}" for name, value in fields]
    lines.append("  record")
    body = json.dumps(record.record, indent=2, ensure_ascii=False, sort_keys=True)
    lines += [f"    {printable(line)}" for line in body.splitlines()]
    lines.append("  audit")
    for entry in record.audit:
        lines.append(f"    {when(entry.at)}  {entry.action:<9}  {printable(entry.actor)}: "
                     f"{printable(entry.note)}")
    return "\n".join(lines)


def exception_cases(records: Sequence[ExceptionRecord]) -> list[JUnitCase]:
    """One case per exception: an open one fails (its error), a closed one passes."""
    return [JUnitCase(name=f"exception {r.id} {r.system} {r.source_id}",
                      classname=f"{r.flow}.{r.error_class}",
                      failure=r.error if r.status == "open" else None,
                      failure_type=r.error_class,
                      body=f"owner: {r.owner}\nrule: {r.rule or '-'}\nattempts: {r.attempts}\n"
                           f"correlation id: {r.correlation_id}")
            for r in records]


def _mappings(step: LineageStep) -> str:
    return ", ".join(f"{name} {version}" for name, version in sorted(step.mappings.items()))


def lineage_tree(chains: Sequence[Chain]) -> str:
    """Each record: its sources, its canonical id, and under it each target with the steps
    (action, time, run, mapping versions)."""
    lines: list[str] = []
    for chain in chains:
        lines.append(f"{printable(chain.flow)}  key {printable(chain.key)}")
        for system, source_id in sorted(chain.sources.items()):
            lines.append(f"├── source {printable(system)} {printable(source_id)}")
        lines.append(f"└── canonical {printable(chain.canonical_id or '—')}")
        landed = [s for s in chain.steps if s.target_system is None]
        targets = sorted(chain.targets.items())
        for i, step in enumerate(landed):
            last = i == len(landed) - 1 and not targets
            lines.append(f"    {'└──' if last else '├──'} {step.action} {when(step.at)}"
                         f"  {printable(_mappings(step))}".rstrip())
        for t, (system, steps) in enumerate(targets):
            last_target = t == len(targets) - 1
            ids = sorted({s.target_id for s in steps if s.target_id})
            lines.append(f"    {'└──' if last_target else '├──'} {printable(system)} "
                         f"{printable(', '.join(ids) or '(no id yet)')}")
            stem = "    " if last_target else "│   "
            for s, step in enumerate(steps):
                branch = "└──" if s == len(steps) - 1 else "├──"
                run = f"  run {step.run_id[:8]}" if step.run_id else ""
                lines.append(f"    {stem}{branch} {step.action} {when(step.at)}{run}  "
                             f"{printable(_mappings(step))}".rstrip())
    return "\n".join(lines)


def lineage_cases(chains: Sequence[Chain]) -> list[JUnitCase]:
    return [JUnitCase(name=f"{c.key} {step.action} {step.target_system or 'canonical'}",
                      classname=c.flow, body=_mappings(step))
            for c in chains for step in c.steps]


def periods_table(periods: Sequence[Period], *, color: bool = False) -> str:
    rows = [(p.legal_entity, p.period, p.status, p.updated_by, when(p.updated_at))
            for p in periods]
    return _table(f"{len(periods)} period(s)",
                  ["LEGAL ENTITY", "PERIOD", "STATUS", "SET BY", "AT"], rows, color=color)


def period_cases(periods: Sequence[Period]) -> list[JUnitCase]:
    return [JUnitCase(name=f"{p.legal_entity} {p.period} {p.status}", classname="periods")
            for p in periods]
