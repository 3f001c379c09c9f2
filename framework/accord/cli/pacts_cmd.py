"""``accord pacts [--check] [-w DIR]``."""

from __future__ import annotations

import json
import sys

import click

from accord.cli.common import (
    echo_diagnostics,
    exit_code_for,
    format_option,
    handle_errors,
    style,
    workspace_option,
    workspace_path,
)
from accord.project import load_workspace


@click.command()
@workspace_option
@click.option("--check", "check_only", is_flag=True,
              help="Write nothing; exit 1 naming stale, missing and orphan pact files.")
@format_option
@handle_errors()
def pacts(workspace: str | None, check_only: bool, fmt: str) -> None:
    """Derive consumer pacts (Pact V4) from the mappings into generated/pacts/."""
    from accord.diagnostics import render_junit_cases
    from accord.harness.pacts import junit_pact_cases, run_pacts

    result = run_pacts(load_workspace(workspace_path(workspace)), check=check_only)
    if fmt == "json":
        click.echo(json.dumps({
            "ok": result.ok, "seconds": round(result.seconds, 3),
            "pacts": [{"path": p.path.as_posix(), "mapping": p.spec, "consumer": p.consumer,
                       "provider": p.provider, "interactions": p.interactions}
                      for p in result.files],
            "written": [p.as_posix() for p in result.written],
            "removed": [p.as_posix() for p in result.removed],
            "diagnostics": [d.to_dict() for d in result.diagnostics]}, indent=2))
    elif fmt == "junit":
        click.echo(render_junit_cases(junit_pact_cases(result), suite="accord pacts"))
    else:
        echo_diagnostics(result.diagnostics, fmt)
        for written in result.written:
            click.echo(f"wrote {written.as_posix()}")
        for removed in result.removed:
            click.echo(f"removed orphan {removed.as_posix()}")
        if result.ok:
            verdict = "up to date" if check_only or not result.written else "derived"
            interactions = sum(p.interactions for p in result.files)
            click.echo(style(f"{len(result.files)} pact(s) {verdict} ({interactions} "
                             f"interaction(s), {result.seconds:.2f}s)", fg="green"))
    sys.exit(exit_code_for(result.diagnostics))
