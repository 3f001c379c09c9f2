"""``accord verify SYSTEM [--env ENV | --base-url URL | --static]``."""

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
from accord.diagnostics import printable, render_junit, render_junit_cases
from accord.errors import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE


@click.command("verify")
@click.argument("system")
@click.option("--env", "environment", metavar="ENV", default=None,
              help="A declared environment of the system (default: local, its simulator).")
@click.option("--base-url", metavar="URL", default=None,
              help="Verify any running provider at URL, with no provider-state set-up.")
@click.option("--static", "static", is_flag=True,
              help="No server: check each interaction against the system's API description.")
@workspace_option
@format_option
@handle_errors()
def verify(system: str, environment: str | None, base_url: str | None, static: bool,
           workspace: str | None, fmt: str) -> None:
    """Verify the pacts of SYSTEM against a provider (the simulator, an environment or a URL),
    naming the mapping rule behind each mismatch; --static checks them against the API
    description. Exit 1 on a mismatch, 2 when there is nothing usable to verify."""
    root = workspace_path(workspace)
    if static:
        if environment is not None or base_url is not None:
            raise click.UsageError("--static runs no server: drop --env and --base-url")
        from accord.harness.verify_static import static_check

        found = static_check(root, system)
        if fmt == "json":
            click.echo(json.dumps(found.to_dict(), indent=2))
        elif fmt == "junit":
            click.echo(render_junit(found.diagnostics, suite=f"accord verify --static {system}"))
        else:
            echo_diagnostics(found.diagnostics, fmt)
            verdict = style("ok", fg="green", bold=True) if found.ok else \
                style("FAILED", fg="red", bold=True)
            click.echo(f"{system}: {len(found.pacts)} pact(s), {found.interactions} "
                       f"interaction(s) against {found.pacts and 'the API description'}: "
                       f"{verdict}")
        sys.exit(EXIT_OK if found.ok else EXIT_FINDINGS)

    from accord.harness.verify import junit_cases, text_report, verify_system

    report = verify_system(root, system, environment=environment, base_url=base_url)
    if fmt == "json":
        click.echo(json.dumps(report.to_dict(), indent=2))
    elif fmt == "junit":
        click.echo(render_junit_cases(junit_cases(report), suite=f"accord verify {system}"))
    else:
        for line in text_report(report):
            click.echo(printable(line))
        echo_diagnostics(report.errors, fmt)
    if report.errors:
        sys.exit(EXIT_USAGE)
    sys.exit(EXIT_OK if report.ok else EXIT_FINDINGS)
