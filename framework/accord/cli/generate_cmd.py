"""``accord generate [--check] [-w DIR]``."""

from __future__ import annotations

import sys

import click

from accord.cli.common import (
    echo_diagnostics,
    exit_code_for,
    format_option,
    handle_errors,
    legacy_path_argument,
    style,
    workspace_option,
    workspace_path,
)
from accord.project import load_workspace


@click.command()
@workspace_option
@legacy_path_argument
@click.option("--check", "check_only", is_flag=True,
              help="Write nothing; exit 1 naming stale, missing and orphan generated files.")
@format_option
@handle_errors()
def generate(workspace: str | None, legacy_path: str | None, check_only: bool,
             fmt: str) -> None:
    """Compile every mapping spec into generated/<flow>/<name>.py."""
    result = load_workspace(workspace_path(workspace, legacy_path)).generate(check=check_only)
    echo_diagnostics(result.diagnostics, fmt, suite="accord generate",
                     files=[f.path.as_posix() for f in result.files])
    if fmt == "text":
        for written in result.written:
            click.echo(f"wrote {written.as_posix()}")
        for removed in result.removed:
            click.echo(f"removed orphan {removed.as_posix()}")
        if result.ok:
            verdict = "up to date" if check_only or not result.written else "generated"
            click.echo(style(f"{len(result.files)} module(s) {verdict}", fg="green"))
    sys.exit(exit_code_for(result.diagnostics))
