"""``accord exceptions list|show|resolve|discard|replay``: the exception queue of the workspace
database."""

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
from accord.sync.queue import ERROR_CLASSES, STATUSES, ExceptionRecord

actor_option = click.option(
    "--actor", default=None, metavar="NAME",
    help="Who does it, for the audit trail (default: $ACCORD_ACTOR, else the OS user).")


@click.group("exceptions")
def exceptions() -> None:
    """The exception queue: records a sync could not deliver, with the error and its owner."""


def _echo_one(record: ExceptionRecord, fmt: str, done: str) -> None:
    from accord.sync.report import exception_cases

    if fmt == "json":
        click.echo(json.dumps(record.to_dict(), indent=2, ensure_ascii=False))
    elif fmt == "junit":
        click.echo(render_junit_cases(exception_cases([record]),
                                      suite=f"accord exceptions {record.id}"))
    else:
        last = record.audit[-1]
        click.echo(style(f"exception {record.id} {done} by {last.actor}: ", fg="green")
                   + last.note)


@exceptions.command("list")
@click.option("--flow", default=None, help="Only this flow's exceptions.")
@click.option("--status", type=click.Choice([*STATUSES, "all"]), default="open",
              show_default=True, help="Only exceptions with this status (all: every one).")
@click.option("--class", "error_class", type=click.Choice(ERROR_CLASSES), default=None,
              help="Only this class of failure.")
@click.option("--owner", default=None, help="Only exceptions routed to this owner.")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="At most N, oldest first.")
@workspace_option
@format_option
@handle_errors()
def list_command(flow: str | None, status: str, error_class: str | None, owner: str | None,
                 limit: int | None, workspace: str | None, fmt: str) -> None:
    """List the exceptions (open ones by default), oldest first. Exit 0: a listing is a
    report, not a check."""
    from accord.sync.manage import list_exceptions
    from accord.sync.report import exception_cases, exceptions_table

    records = list_exceptions(workspace_path(workspace), flow=flow,
                              status=None if status == "all" else status,
                              error_class=error_class, owner=owner, limit=limit)
    if fmt == "json":
        click.echo(json.dumps([r.to_dict() for r in records], indent=2, ensure_ascii=False))
    elif fmt == "junit":
        click.echo(render_junit_cases(exception_cases(records), suite="accord exceptions"))
    else:
        click.echo(exceptions_table(records, color=color_enabled()))


@exceptions.command("show")
@click.argument("ident", metavar="ID", type=int)
@workspace_option
@format_option
@handle_errors()
def show_command(ident: int, workspace: str | None, fmt: str) -> None:
    """Show one exception: the record, the error, the rule's line, attempts, the correlation
    id and the audit trail."""
    from accord.sync.manage import show_exception
    from accord.sync.report import exception_cases, exception_text

    record = show_exception(workspace_path(workspace), ident)
    if fmt == "json":
        click.echo(json.dumps(record.to_dict(), indent=2, ensure_ascii=False))
    elif fmt == "junit":
        click.echo(render_junit_cases(exception_cases([record]),
                                      suite=f"accord exceptions {record.id}"))
    else:
        click.echo(exception_text(record))


@exceptions.command("resolve")
@click.argument("ident", metavar="ID", type=int)
@click.option("--note", required=True, metavar="TEXT", help="What was done (for the trail).")
@actor_option
@workspace_option
@format_option
@handle_errors()
def resolve_command(ident: int, note: str, actor: str | None, workspace: str | None,
                    fmt: str) -> None:
    """Close an open exception as fixed (at the source, in a lookup, by hand)."""
    from accord.sync.manage import resolve_exception

    _echo_one(resolve_exception(workspace_path(workspace), ident, note=note, actor=actor), fmt,
              "resolved")


@exceptions.command("discard")
@click.argument("ident", metavar="ID", type=int)
@click.option("--reason", required=True, metavar="TEXT",
              help="Why the record is dropped (for the trail).")
@actor_option
@workspace_option
@format_option
@handle_errors()
def discard_command(ident: int, reason: str, actor: str | None, workspace: str | None,
                    fmt: str) -> None:
    """Close an open exception without delivering its record (a test entry, a duplicate)."""
    from accord.sync.manage import discard_exception

    _echo_one(discard_exception(workspace_path(workspace), ident, reason=reason, actor=actor),
              fmt, "discarded")


@exceptions.command("replay")
@click.argument("ident", metavar="ID", type=int)
@click.option("--env", "environment", default="local", show_default=True,
              help="Where the flow's systems run (as for accord sync).")
@actor_option
@workspace_option
@format_option
@handle_errors()
def replay_command(ident: int, environment: str, actor: str | None, workspace: str | None,
                   fmt: str) -> None:
    """Run an open exception's record through its flow again, once its cause is fixed. When it
    goes through, the exception closes as replayed (exit 0); when it fails again, the same
    exception counts another attempt (exit 1)."""
    import sys

    from accord.sync.engine import Outcome, replay_exception
    from accord.sync.values import default_actor

    result = replay_exception(workspace_path(workspace), ident, actor=actor or default_actor(),
                              environment=environment)
    failed = result.outcome is Outcome.EXCEPTION
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    elif failed:
        click.echo(style(f"exception {ident} failed again ({result.error_class}): ", fg="red")
                   + f"{result.message}" + (f" ({result.rule})" if result.rule else ""))
    else:
        click.echo(style(f"exception {ident} replayed: {result.outcome.value}", fg="green")
                   + "".join(f"; {s} {a}" for s, a in result.actions.items()))
    sys.exit(1 if failed else 0)
