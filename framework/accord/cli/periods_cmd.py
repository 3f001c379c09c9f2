"""``accord periods list | open LEGAL_ENTITY YYYY-MM | close LEGAL_ENTITY YYYY-MM``."""

from __future__ import annotations

import json

import click

from accord.cli.common import (
    color_enabled,
    format_option,
    handle_errors,
    style,
    workspace_option,
    workspace_path,
)
from accord.diagnostics import render_junit_cases
from accord.sync.periods import Period


@click.group("periods")
def periods() -> None:
    """Accounting periods per legal entity: what the flows' open_period gate reads."""


def _echo(items: list[Period], fmt: str, *, color: bool = False) -> None:
    from accord.sync.report import period_cases, periods_table

    if fmt == "json":
        click.echo(json.dumps([p.to_dict() for p in items], indent=2, ensure_ascii=False))
    elif fmt == "junit":
        click.echo(render_junit_cases(period_cases(items), suite="accord periods"))
    else:
        click.echo(periods_table(items, color=color))


@periods.command("list")
@click.option("--legal-entity", default=None, help="Only this legal entity's periods.")
@workspace_option
@format_option
@handle_errors()
def list_command(legal_entity: str | None, workspace: str | None, fmt: str) -> None:
    """List the periods set, by legal entity and month."""
    from accord.sync.manage import list_periods

    _echo(list_periods(workspace_path(workspace), legal_entity=legal_entity), fmt,
          color=color_enabled())


def _set(legal_entity: str, period: str, status: str, actor: str | None,
         workspace: str | None, fmt: str) -> None:
    from accord.sync.manage import set_period

    stored = set_period(workspace_path(workspace), legal_entity, period, status, actor=actor)
    if fmt == "text":
        click.echo(style(f"{stored.legal_entity} {stored.period} is {stored.status}",
                         fg="green") + f" (set by {stored.updated_by})")
    else:
        _echo([stored], fmt)


actor_option = click.option(
    "--actor", default=None, metavar="NAME",
    help="Who sets it (default: $ACCORD_ACTOR, else the OS user).")


@periods.command("open")
@click.argument("legal_entity")
@click.argument("period", metavar="YYYY-MM")
@actor_option
@workspace_option
@format_option
@handle_errors()
def open_command(legal_entity: str, period: str, actor: str | None, workspace: str | None,
                 fmt: str) -> None:
    """Open a month for a legal entity: its records may be posted."""
    _set(legal_entity, period, "open", actor, workspace, fmt)


@periods.command("close")
@click.argument("legal_entity")
@click.argument("period", metavar="YYYY-MM")
@actor_option
@workspace_option
@format_option
@handle_errors()
def close_command(legal_entity: str, period: str, actor: str | None, workspace: str | None,
                  fmt: str) -> None:
    """Close a month for a legal entity: its records are held as business_rule exceptions."""
    _set(legal_entity, period, "closed", actor, workspace, fmt)
