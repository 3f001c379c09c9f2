"""``accord reconcile FLOW [--env ENV] [--format text|json|junit|html] [--out FILE] [-w DIR]``."""

from __future__ import annotations

import sys

import click

from accord.cli.common import handle_errors, style, workspace_option, workspace_path


@click.command()
@click.argument("flow")
@workspace_option
@click.option("--env", "environment", default="local", show_default=True, metavar="ENV",
              help="Where the systems run: local (the simulators) or an environment of their "
                   "system.yaml.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "junit", "html"]),
              default="text", show_default=True,
              help="text tables, json for tools, junit for CI, html: one self-contained page.")
@click.option("--out", "out", type=click.Path(dir_okay=False), default=None, metavar="FILE",
              help="Write the report to FILE (atomically) instead of standard output.")
@handle_errors()
def reconcile(flow: str, workspace: str | None, environment: str, fmt: str,
              out: str | None) -> None:
    """Compare a flow's sources, ledger and targets: totals per group, records that differ."""
    from accord import fsio
    from accord.sync.reconcile_collect import reconcile_flow
    from accord.sync.reconcile_render import render_report, summary_line

    report = reconcile_flow(workspace_path(workspace), flow, environment=environment)
    if out is None:
        click.echo(render_report(report, fmt, style), nl=False)
    else:
        fsio.write_text(out, render_report(report, fmt))
        click.echo(f"{summary_line(report)}: wrote {out}", err=True)
    sys.exit(report.exit_code)
