"""``accord diff CONTRACT OLD NEW``: what changed and who is affected."""

from __future__ import annotations

import json
import sys

import click

from accord.cli.common import (
    format_option,
    handle_errors,
    legacy_path_option,
    style,
    workspace_option,
    workspace_path,
)
from accord.compat.report import to_diagnostics
from accord.diagnostics import render_junit
from accord.gate.diff import contract_diff
from accord.project import load_workspace


@click.command("diff")
@click.argument("contract")
@click.argument("old")
@click.argument("new")
@workspace_option
@legacy_path_option
@format_option
@handle_errors()
def diff_command(contract: str, old: str, new: str, workspace: str | None,
                 legacy_path: str | None, fmt: str) -> None:
    """List each change from CONTRACT@OLD to CONTRACT@NEW (under the contract's compatibility
    mode, breaking first) and the mapping rules that read or write its pointer.

    Exit 0 when compatible, 1 when a change is breaking."""
    loaded = load_workspace(workspace_path(workspace, legacy_path))
    found = contract_diff(loaded, contract, old, new)
    if fmt == "json":
        click.echo(json.dumps({
            **found.result.to_dict(), "contract": contract, "old": old, "new": new,
            "changes": [{**c.change.to_dict(), "used_by": [
                {"access": u.access, "spec": u.spec, "line": u.line, "contract": u.contract}
                for u in c.uses]} for c in found.changes]}, indent=2))
    elif fmt == "junit":
        click.echo(render_junit(to_diagnostics(found.result), suite=f"accord diff {contract}"))
    else:
        click.echo(f"{contract} {old} -> {new} ({found.result.mode.value}): "
                   + (style("compatible", fg="green", bold=True) if found.result.compatible
                      else style("INCOMPATIBLE", fg="red", bold=True)))
        for item in found.changes:
            mark = style("ok      ", fg="green") if item.change.compatible else \
                style("BREAKING", fg="red", bold=True)
            click.echo(f"{mark} {item.describe(contract)}")
        if not found.changes:
            click.echo("no changes")
    sys.exit(0 if found.result.compatible else 1)
