"""``accord lineage ID [--flow FLOW]``: where a record came from and where it went."""

from __future__ import annotations

import json

import click

from accord.cli.common import format_option, handle_errors, workspace_option, workspace_path
from accord.diagnostics import render_junit_cases


@click.command("lineage")
@click.argument("any_id", metavar="ID")
@click.option("--flow", default=None, help="Only records of this flow.")
@workspace_option
@format_option
@handle_errors()
def lineage(any_id: str, flow: str | None, workspace: str | None, fmt: str) -> None:
    """Trace a record from any of its ids (source id, canonical id or key, target id,
    correlation id): source → canonical → targets, with mapping versions and times."""
    from accord.sync.manage import trace_lineage
    from accord.sync.report import lineage_cases, lineage_tree

    chains = trace_lineage(workspace_path(workspace), any_id, flow=flow)
    if fmt == "json":
        click.echo(json.dumps([c.to_dict() for c in chains], indent=2, ensure_ascii=False))
    elif fmt == "junit":
        click.echo(render_junit_cases(lineage_cases(chains), suite=f"accord lineage {any_id}"))
    else:
        click.echo(lineage_tree(chains))
