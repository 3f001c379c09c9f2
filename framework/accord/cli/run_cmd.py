"""``accord run MAPPING --input in.jsonl --output out.jsonl --dead-letter dead.jsonl``."""

from __future__ import annotations

import json
import sys

import click

from accord.cli.common import echo_diagnostics, echo_table, format_option, handle_errors, style
from accord.diagnostics import Diagnostic


@click.command("run")
@click.argument("mapping")
@click.option("--input", "-i", "input_path", required=True, type=click.Path(),
              help="JSONL file: one source record per line.")
@click.option("--output", "-o", required=True, type=click.Path(),
              help="JSONL file for the transformed records (replaced only when the run ends).")
@click.option("--dead-letter", "-d", required=True, type=click.Path(),
              help="JSONL file for records that failed, with the class, message and path.")
@click.option("--no-validate", is_flag=True,
              help="Do not validate outputs against the target schema.")
@click.option("--with-key", is_flag=True,
              help='Write {"key": <idempotency key>, "record": <output>} per line.')
@click.option("--workspace", "-w", default=".", show_default=True, type=click.Path(),
              help="The workspace (for the target schema and spec names).")
@click.option("--progress/--no-progress", default=None,
              help="Progress bar (default: only when stderr is a terminal).")
@format_option
@handle_errors()
def run(mapping: str, input_path: str, output: str, dead_letter: str, no_validate: bool,
        with_key: bool, workspace: str, progress: bool | None, fmt: str) -> None:
    """Stream INPUT through the generated transformer for MAPPING (a spec path, a spec name or
    a generated module path), validate each output against the target schema, and write
    failures to the dead-letter file. Exit 0 when nothing was dead-lettered, 1 when anything
    was, 2 for unusable input."""
    from accord.run import run_mapping

    result = run_mapping(mapping, input=input_path, output=output, dead_letter=dead_letter,
                         workspace=workspace, validate=not no_validate, with_key=with_key,
                         progress=progress)
    stats = result.stats
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), indent=2))
    elif fmt == "junit":
        diags = [Diagnostic("RUN001", f"{stats.dead} of {stats.read} record(s) dead-lettered "
                            f"({', '.join(f'{k}: {v}' for k, v in stats.dead_by_class.items())})",
                            str(result.dead_letter), hint="read the dead-letter file: each line "
                            "has the input, class, message, path and rule")] if stats.dead else []
        echo_diagnostics(diags, fmt, suite=f"accord run {result.mapping}")
    else:
        rows = [{"outcome": "read", "records": stats.read},
                {"outcome": "written", "records": stats.written},
                {"outcome": "skipped", "records": stats.skipped},
                {"outcome": "dead", "records": stats.dead}]
        rows += [{"outcome": f"  {cls}", "records": n}
                 for cls, n in sorted(stats.dead_by_class.items())]
        echo_table(rows, ["outcome", "records"])
        verdict = (style(f"{stats.dead} dead letter(s) in {result.dead_letter}", fg="red",
                         bold=True) if stats.dead else style("no dead letters", fg="green"))
        checked = "validated against" if result.validated else "NOT validated against"
        click.echo(f"accord run {result.mapping}: {checked} {result.target}; "
                   f"{stats.seconds:.2f} s, {stats.rate:,.0f} records/s — {verdict}")
    sys.exit(result.exit_code)
