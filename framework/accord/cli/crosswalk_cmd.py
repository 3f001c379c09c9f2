"""``accord crosswalk list|link``: which record of each system is which canonical record."""

from __future__ import annotations

import json

import click

from accord.cli.common import (
    echo_table,
    format_option,
    handle_errors,
    workspace_option,
    workspace_path,
)
from accord.diagnostics import JUnitCase, render_junit_cases


@click.group("crosswalk")
def crosswalk() -> None:
    """The crosswalk: each system's id of each canonical record, and whether it is active."""


@crosswalk.command("list")
@click.option("--entity", default=None, help="Only this canonical entity's links.")
@click.option("--system", default=None, help="Only this system's ids.")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="At most N links.")
@workspace_option
@format_option
@handle_errors()
def list_command(entity: str | None, system: str | None, limit: int | None,
                 workspace: str | None, fmt: str) -> None:
    """List the links, by entity and canonical id."""
    from accord.sync.manage import list_links

    links = list_links(workspace_path(workspace), entity=entity, system=system, limit=limit)
    if fmt == "json":
        click.echo(json.dumps([link.to_dict() for link in links], indent=2, ensure_ascii=False))
    elif fmt == "junit":
        click.echo(render_junit_cases([JUnitCase(
            name=f"{link.entity} {link.canonical_id} {link.system}", classname="accord crosswalk",
            body=link.external_id) for link in links], suite="accord crosswalk"))
    elif links:
        echo_table([{**link.to_dict(), "active": "yes" if link.active else "no"}
                    for link in links],
                   ["entity", "canonical_id", "system", "external_id", "active", "updated_at"])
    else:
        click.echo("the crosswalk is empty: accord sync fills it, accord crosswalk link adds "
                   "a link by hand")


@crosswalk.command("link")
@click.argument("entity")
@click.argument("canonical_id")
@click.argument("system")
@click.argument("external_id")
@click.option("--inactive", is_flag=True, help="The canonical record is not active.")
@workspace_option
@format_option
@handle_errors()
def link_command(entity: str, canonical_id: str, system: str, external_id: str, inactive: bool,
                 workspace: str | None, fmt: str) -> None:
    """Link EXTERNAL_ID of SYSTEM to the canonical ENTITY record CANONICAL_ID (master data no
    flow lands, e.g. the Harvest user who is a BambooHR employee)."""
    from accord.sync.manage import link_ids

    link = link_ids(workspace_path(workspace), entity, canonical_id, system, external_id,
                    active=not inactive)
    if fmt == "json":
        click.echo(json.dumps(link.to_dict(), indent=2))
    else:
        click.echo(f"{system}:{external_id} is {entity} {canonical_id} "
                   f"({'active' if link.active else 'inactive'})")
