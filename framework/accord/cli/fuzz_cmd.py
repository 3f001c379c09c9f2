"""``accord fuzz SYSTEM [--env ENV | --base-url URL] [--max-examples N] [--seed S]``."""

from __future__ import annotations

import json
import sys

import click

from accord.cli.common import (
    echo_diagnostics,
    format_option,
    handle_errors,
    style,
    workspace_option,
    workspace_path,
)
from accord.diagnostics import render_junit_cases
from accord.errors import EXIT_FINDINGS, EXIT_OK


@click.command("fuzz")
@click.argument("system")
@click.option("--env", "environment", default="local", show_default=True,
              help="An environment of system.yaml (local: the simulator, started for the run).")
@click.option("--base-url", default=None, metavar="URL",
              help="Fuzz any running provider instead (no environment, no credentials).")
@click.option("--max-examples", type=click.IntRange(1), default=25, show_default=True,
              help="Requests per operation.")
@click.option("--seed", type=int, default=None, help="The same requests every run.")
@click.option("--checks", default=None, metavar="NAME,...",
              help="Schemathesis checks to run (default: not_a_server_error, "
                   "status_code_conformance, content_type_conformance, "
                   "response_schema_conformance).")
@click.option("--all-operations", is_flag=True,
              help="Every operation of the description, not only those the mappings use.")
@workspace_option
@format_option
@handle_errors()
def fuzz_command(system: str, environment: str, base_url: str | None, max_examples: int,
                 seed: int | None, checks: str | None, all_operations: bool,
                 workspace: str | None, fmt: str) -> None:
    """Run Schemathesis against SYSTEM's provider, on the operations the mappings use: every
    response judged against the API description. Exit 1 when a check fails."""
    from accord.harness.fuzz import DEFAULT_CHECKS, fuzz
    from accord.project import load_workspace

    if base_url and environment != "local":
        raise click.UsageError("give --env or --base-url, not both")
    chosen = tuple(c.strip() for c in checks.split(",") if c.strip()) if checks else \
        DEFAULT_CHECKS
    ws = load_workspace(workspace_path(workspace))
    result = fuzz(ws, system, environment=environment, base_url=base_url,
                  max_examples=max_examples, seed=seed, checks=chosen,
                  every_operation=all_operations)
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), indent=2))
    elif fmt == "junit":
        click.echo(render_junit_cases(result.junit_cases(), suite=f"accord fuzz {system}"))
    else:
        click.echo(f"accord fuzz {system} against {result.base_url} ({result.environment}): "
                   f"{max_examples} example(s) per operation, seed {seed}")
        for op in result.operations:
            mark = style("FAIL", fg="red", bold=True) if op.failures else \
                style("pass", fg="green")
            statuses = ", ".join(f"{k}: {v}" for k, v in sorted(op.statuses.items()))
            click.echo(f"  {mark}  {op.label}  ({op.examples} request(s): {statuses})")
        echo_diagnostics(result.notes + result.diagnostics(system), "text")
        verdict = style("passed", fg="green", bold=True) if result.passed else \
            style(f"{len(result.failures)} failure(s)", fg="red", bold=True)
        click.echo(f"fuzz {verdict} in {result.seconds:.1f}s")
    sys.exit(EXIT_OK if result.passed else EXIT_FINDINGS)
