"""``accord check [-w DIR]``."""

from __future__ import annotations

import sys

import click

from accord.cli.common import (
    echo_diagnostics,
    echo_table,
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
@format_option
@click.option("--quiet", "-q", is_flag=True, help="Findings and the verdict only, no table.")
@handle_errors()
def check(workspace: str | None, legacy_path: str | None, fmt: str, quiet: bool) -> None:
    """Check the workspace: contracts, systems, mappings. Prints every finding as
    file:line:col: CODE message, then a summary."""
    loaded = load_workspace(workspace_path(workspace, legacy_path))
    diagnostics = loaded.check()
    summary = loaded.summary()
    if fmt == "text":
        if not quiet:
            echo_table(loaded.contract_table(), ["entity", "versions", "owner"])
            click.echo()
        echo_diagnostics(diagnostics, fmt)
        errors = sum(1 for d in diagnostics if d.severity.value == "error")
        warnings = len(diagnostics) - errors
        statuses = ", ".join(f"{n} {s}" for s, n in summary.pop("versions_by_status").items())
        parts = [f"{summary.pop('entities')} entities", f"{summary.pop('versions')} contract "
                 f"versions ({statuses or 'none'})"]
        parts += [f"{v} {k.replace('_', ' ')}" for k, v in summary.items()]
        verdict = (style(f"{errors} error(s)", fg="red", bold=True) if errors
                   else style("clean", fg="green", bold=True))
        if warnings:
            verdict += f", {warnings} warning(s)"
        click.echo(f"accord check {loaded.root}: {', '.join(parts)} — {verdict}")
    else:
        echo_diagnostics(diagnostics, fmt, suite="accord check", summary=summary)
    sys.exit(exit_code_for(diagnostics))
