"""``accord run MAPPING --input in.jsonl --output out.jsonl --dead-letter dead.jsonl``
(``-`` for standard input or output; JSONL, JSON-array or CSV input)."""

from __future__ import annotations

import json
import sys

import click

from accord.cli.common import (
    echo_diagnostics,
    echo_table,
    format_option,
    handle_errors,
    style,
    workspace_option,
    workspace_path,
)
from accord.diagnostics import Diagnostic


@click.command("run")
@click.argument("mapping")
@click.option("--input", "-i", "input_path", required=True, type=click.Path(),
              help="Source records: a JSONL, JSON-array or CSV file, or - for standard input.")
@click.option("--input-format", type=click.Choice(["jsonl", "json", "csv"]), default=None,
              help="How to read the input (default: by extension; .json is an array, .csv has "
                   "a header row, anything else and - are JSONL).")
@click.option("--output", "-o", required=True, type=click.Path(),
              help="JSONL file for the transformed records (replaced only when the run ends), "
                   "or - for standard output.")
@click.option("--dead-letter", "-d", required=True, type=click.Path(),
              help="JSONL file for records that failed, with the class, message and path (or "
                   "- for standard output).")
@click.option("--limit", type=click.IntRange(min=0), default=None,
              help="Stop after N records (a sample run).")
@click.option("--validate-input", is_flag=True,
              help="Validate each record against the source schema first: an invalid one is "
                   "a data_quality dead letter naming the JSON pointer.")
@click.option("--no-validate", is_flag=True,
              help="Do not validate outputs against the target schema.")
@click.option("--with-key", is_flag=True,
              help='Write {"key": <idempotency key>, "record": <output>} per line.')
@click.option("--workers", default="1", metavar="N|auto", show_default=True,
              help="Worker processes (0 or auto: one per CPU); the outputs are identical to "
                   "one process's, in the same order.")
@workspace_option
@click.option("--progress/--no-progress", default=None,
              help="Progress bar (default: only when stderr is a terminal).")
@format_option
@handle_errors()
def run(mapping: str, input_path: str, input_format: str | None, output: str, dead_letter: str,
        limit: int | None, validate_input: bool, no_validate: bool, with_key: bool,
        workers: str, workspace: str | None, progress: bool | None, fmt: str) -> None:
    """Stream INPUT through the generated transformer for MAPPING (a spec path, a spec name or
    a generated module path), validate each output against the target schema, and write
    failures to the dead-letter file. Exit 0 when nothing was dead-lettered, 1 when anything
    was, 2 for unusable input."""
    from accord.run import run_mapping

    result = run_mapping(mapping, input=input_path, output=output, dead_letter=dead_letter,
                         workspace=workspace_path(workspace), validate=not no_validate,
                         with_key=with_key, progress=progress, input_format=input_format,
                         limit=limit, validate_input=validate_input, workers=workers)
    to_stderr = "-" in (output, dead_letter)  # standard output carries records: report aside
    stats = result.stats
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), indent=2), err=to_stderr)
    elif fmt == "junit":
        diags = [Diagnostic("RUN001", f"{stats.dead} of {stats.read} record(s) dead-lettered "
                            f"({', '.join(f'{k}: {v}' for k, v in stats.dead_by_class.items())})",
                            str(result.dead_letter), hint="read the dead-letter file: each line "
                            "has the input, class, message, path and rule")] if stats.dead else []
        echo_diagnostics(diags, fmt, suite=f"accord run {result.mapping}", err=to_stderr)
    else:
        rows = [{"outcome": "read", "records": stats.read},
                {"outcome": "written", "records": stats.written},
                {"outcome": "skipped", "records": stats.skipped},
                {"outcome": "dead", "records": stats.dead}]
        rows += [{"outcome": f"  {cls}", "records": n}
                 for cls, n in sorted(stats.dead_by_class.items())]
        echo_table(rows, ["outcome", "records"], err=to_stderr)
        verdict = (style(f"{stats.dead} dead letter(s) in {result.dead_letter}", fg="red",
                         bold=True) if stats.dead else style("no dead letters", fg="green"))
        checked = "validated against" if result.validated else "NOT validated against"
        if result.input_schema:
            checked = f"input validated against {result.input_schema}, output {checked}"
        click.echo(f"accord run {result.mapping}: {checked} {result.target}; "
                   f"{stats.seconds:.2f} s, {stats.rate:,.0f} records/s — {verdict}",
                   err=to_stderr)
    sys.exit(result.exit_code)
