"""``accord sync FLOW``: read a flow's sources, transform, validate, gate and deliver."""

from __future__ import annotations

import json
import sys

import click

from accord.cli.common import (
    echo_table,
    format_option,
    handle_errors,
    style,
    workspace_option,
    workspace_path,
)

#: exceptions listed under the summary table (the queue has them all)
_SHOWN = 20
_CLASSES = ("business_rule", "data_quality", "mapping_error", "authentication", "availability")


def _fail_on(value: str) -> frozenset[str]:
    if value == "none":
        return frozenset()
    if value == "all":
        return frozenset(_CLASSES)
    names = frozenset(v.strip() for v in value.split(",") if v.strip())
    unknown = sorted(names - set(_CLASSES))
    if unknown:
        raise click.BadParameter(f"unknown class {', '.join(unknown)}: use "
                                 f"{', '.join(_CLASSES)}, all or none", param_hint="--fail-on")
    return names


def _ids(values: tuple[str, ...]) -> dict[str, list[str]]:
    ids: dict[str, list[str]] = {}
    for value in values:
        system, sep, record_id = value.partition(":")
        if not sep or not system or not record_id:
            raise click.BadParameter(f"{value!r}: give SYSTEM:ID (e.g. salesforce:006Hs00001)",
                                     param_hint="--id")
        ids.setdefault(system, []).append(record_id)
    return ids


@click.command("sync")
@click.argument("flow")
@click.option("--env", "environment", default="local", show_default=True,
              help="Where the systems run: local (their simulators on 127.0.0.1) or an "
                   "environment their system.yaml declares (credentials from its env vars).")
@click.option("--since", default=None, metavar="TS",
              help="Read list sources changed after TS instead of after the stored watermark.")
@click.option("--dry-run", is_flag=True,
              help="Read, transform, validate and gate, and say what would be delivered: "
                   "nothing is written anywhere (no system, no ledger, no watermark).")
@click.option("--id", "ids", multiple=True, metavar="SYSTEM:ID",
              help="A record for a read source to fetch (repeatable).")
@click.option("--input", "input_path", type=click.Path(), default=None,
              help="Canonical records (JSONL, JSON array, CSV, or - for standard input) for "
                   "a flow without sources.")
@click.option("--limit", type=click.IntRange(min=1), default=None,
              help="Stop after N records (the watermark does not move).")
@click.option("--fail-on", "fail_on", default="data_quality,mapping_error,authentication,"
              "availability", show_default=True, metavar="CLASSES",
              help="Exception classes that make the run exit 1 (comma-separated, all or none).")
@click.option("--metrics", "metrics_path", type=click.Path(), default=None,
              help="Write the run's metrics to this file in the Prometheus text format.")
@click.option("--progress/--no-progress", default=None,
              help="A live progress line (default: only when stderr is a terminal).")
@workspace_option
@format_option
@handle_errors()
def sync(flow: str, environment: str, since: str | None, dry_run: bool, ids: tuple[str, ...],
         input_path: str | None, limit: int | None, fail_on: str, metrics_path: str | None,
         progress: bool | None, workspace: str | None, fmt: str) -> None:
    """Run FLOW (mappings/FLOW/flow.yaml) end to end: read its sources (incrementally), map
    each record into the canonical entity, gate it, and create or update it in each target;
    failures go to the exception queue (accord exceptions). Exit 0 when every record went
    through or failed only with a class outside --fail-on, 1 otherwise, 2 for unusable
    input."""
    from pathlib import Path

    from accord import fsio
    from accord.sync.engine import SyncOptions, sync_flow
    from accord.sync.metrics import prometheus_text
    from accord.sync.progress import sync_progress
    from accord.sync.summary import junit, summary_rows, verdict

    options = SyncOptions(environment=environment, since=since, dry_run=dry_run,
                          ids=_ids(ids), input=Path(input_path) if input_path else None,
                          limit=limit, fail_on=_fail_on(fail_on))
    live = sys.stderr.isatty() if progress is None else progress
    with sync_progress(flow, live and fmt == "text") as callback:
        report = sync_flow(workspace_path(workspace), flow, options, progress=callback)
    if metrics_path:
        fsio.write_text(metrics_path, prometheus_text([report.metrics]))
    if fmt == "json":
        click.echo(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    elif fmt == "junit":
        click.echo(junit(report))
    else:
        echo_table(summary_rows(report), ["what", "count", "p50 ms", "p95 ms", "p99 ms",
                                          "retries"])
        failed = [r for r in report.results if r.error_class is not None]
        for result in failed[:_SHOWN]:
            where = f" ({result.rule})" if result.rule else ""
            colour = "red" if result.error_class in report.fail_on else "yellow"
            click.echo(style(f"  {result.error_class}", fg=colour) +
                       f" {result.system}:{result.source_id}: {result.message}{where}")
        if len(failed) > _SHOWN:
            click.echo(f"  ... and {len(failed) - _SHOWN} more: accord exceptions list "
                       f"--flow {report.flow}")
        colour = "red" if report.exit_code else "green"
        click.echo(style(verdict(report), fg=colour, bold=bool(report.exit_code)))
    sys.exit(report.exit_code)
