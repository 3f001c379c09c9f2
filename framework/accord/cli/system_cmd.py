"""``accord system import NAME --from FILE|URL`` and ``accord system import [NAME] --check``."""

from __future__ import annotations

import json
import sys

import click

from accord import codes
from accord.cli.common import (
    echo_diagnostics,
    format_option,
    handle_errors,
    style,
    workspace_option,
    workspace_path,
)
from accord.diagnostics import Diagnostic, Severity, render_junit
from accord.errors import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE


@click.group("system")
def system() -> None:
    """Systems and their API descriptions."""


@system.command("import")
@click.argument("name", required=False)
@click.option("--from", "source", metavar="FILE|URL",
              help="The vendor's full API description (default: the recorded upstream).")
@click.option("--check", is_flag=True,
              help="Re-derive from upstream and compare; change nothing.")
@click.option("--allow-missing-upstream", is_flag=True,
              help="With --check: an upstream file not at hand is a note, not a failure.")
@click.option("--kind", type=click.Choice(["crm", "psa", "erp", "hcm", "timekeeping"]),
              help="For a new system: what it is.")
@workspace_option
@format_option
@handle_errors()
def import_command(name: str | None, source: str | None, check: bool,
                   allow_missing_upstream: bool, kind: str | None, workspace: str | None,
                   fmt: str) -> None:
    """Derive contracts/systems/NAME/openapi.yaml from the vendor's description: only the
    operations and schemas the mappings use (and what they reference), prose removed, keys
    sorted; system.yaml records upstream {source, sha256}. Lists what changed and the mapping
    rules each change touches.

    With --check (NAME optional: every imported system), re-derive and exit 1 on drift, 2
    when the upstream file is not at hand (unless --allow-missing-upstream)."""
    from accord.project import load_workspace
    from accord.upstream.importer import check_imports, import_system

    ws = load_workspace(workspace_path(workspace))
    if check:
        results = check_imports(ws, name, source, allow_missing_upstream=allow_missing_upstream)
    elif name is None:
        raise click.UsageError("NAME is required (or use --check)")
    else:
        results = [import_system(ws, name, source, kind=kind)]
    diags: list[Diagnostic] = [d for r in results for d in r.diagnostics]
    if fmt == "json":
        click.echo(json.dumps({"results": [r.to_dict() for r in results]}, indent=2))
    elif fmt == "junit":
        click.echo(render_junit(diags, suite="accord system import"))
    else:
        for result in results:
            if result.sha256:  # the upstream was read
                verb = "checked" if check else "imported"
                click.echo(f"{result.system}: {verb} {result.schemas} schema(s), "
                           f"{result.operations} operation(s) from {result.source}")
            for path in result.written:
                click.echo(f"  wrote {path}")
            for change in result.changes:
                mark = style("BREAKING", fg="red", bold=True) if change.breaking else \
                    style("change  ", fg="yellow")
                click.echo(f"  {mark} {change.describe()}")
        echo_diagnostics(diags, "text")
    errors = [d for d in diags if d.severity is Severity.ERROR]
    if any(d.code == codes.UPSTREAM_MISSING for d in errors):
        sys.exit(EXIT_USAGE)
    sys.exit(EXIT_FINDINGS if errors else EXIT_OK)
