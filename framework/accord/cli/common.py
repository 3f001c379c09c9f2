"""Shared plumbing for commands: the --format option, printing findings, exit codes, and turning
any AccordError into a message plus exit code instead of a traceback."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import click

from accord.diagnostics import Diagnostic, Severity, printable, render
from accord.errors import EXIT_FINDINGS, EXIT_OK, AccordError

F = TypeVar("F", bound=Callable[..., Any])

format_option = click.option(
    "--format", "fmt", type=click.Choice(["text", "json", "junit"]), default="text",
    show_default=True, help="text for people, json for tools, junit for CI.",
)


def color_enabled() -> bool:
    return sys.stdout.isatty()


def style(text: str, **kwargs: Any) -> str:
    return click.style(text, **kwargs) if color_enabled() else text


def echo_diagnostics(diagnostics: Sequence[Diagnostic], fmt: str, *, suite: str = "accord",
                     err: bool = False, **summary: Any) -> None:
    if fmt == "text":
        for d in sorted(diagnostics, key=Diagnostic.sort_key):
            colour = {"error": "red", "warning": "yellow", "info": "blue"}[d.severity.value]
            head = (f"{style(printable(d.location), bold=True)}: {style(d.code, fg=colour)} "
                    f"{printable(d.message)}")
            if d.pointer:
                head += style(f" (at {printable(d.pointer)})", dim=True)
            click.echo(head, err=err)
            if d.hint:
                click.echo(f"    {style('hint:', fg='cyan')} {printable(d.hint)}", err=err)
    else:
        click.echo(render(diagnostics, fmt, suite=suite, **summary), err=err)


def exit_code_for(diagnostics: Sequence[Diagnostic]) -> int:
    return EXIT_FINDINGS if any(d.severity is Severity.ERROR for d in diagnostics) else EXIT_OK


def handle_errors(fmt_param: str = "fmt") -> Callable[[F], F]:
    """Decorator: an AccordError becomes its diagnostics (or message) and its exit code."""

    def decorate(func: F) -> F:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                return func(*args, **kwargs)
            except AccordError as exc:
                fmt = kwargs.get(fmt_param, "text") or "text"
                if exc.diagnostics:
                    echo_diagnostics(exc.diagnostics, fmt)
                elif fmt == "json":
                    import json

                    click.echo(json.dumps({"error": type(exc).__name__, "message": str(exc)}))
                else:
                    click.echo(f"{style('error:', fg='red', bold=True)} {printable(str(exc))}",
                               err=True)
                sys.exit(exc.exit_code)

        return wrapper  # type: ignore[return-value]

    return decorate


def echo_table(rows: Sequence[dict[str, Any]], columns: Sequence[str], *,
               err: bool = False) -> None:
    """A plain aligned table (bold header on a terminal); stable output for logs and tests."""
    if not rows:
        return
    rows = [{c: printable(str(r.get(c, ""))) for c in columns} for r in rows]
    widths = {c: max(len(c), *(len(r[c]) for r in rows)) for c in columns}
    header = "  ".join(c.upper().ljust(widths[c]) for c in columns).rstrip()
    click.echo(style(header, bold=True), err=err)
    for row in rows:
        click.echo("  ".join(str(row.get(c, "")).ljust(widths[c]) for c in columns).rstrip(),
                   err=err)


def workspace_option(func: F) -> F:
    """``-w/--workspace DIR``: how every command that reads a workspace is told where it is."""
    option = click.option(
        "--workspace", "-w", "workspace", default=None, metavar="DIR", type=click.Path(),
        help="The workspace: DIR or the nearest folder above it holding contracts/ "
             "(default: the current directory).")
    return option(func)


#: ``--path DIR``, the workspace option older releases of diff and promote took: still
#: accepted, no longer shown.
legacy_path_option = click.option("--path", "legacy_path", default=None, type=click.Path(),
                                  hidden=True)

#: The positional workspace PATH older releases took; still accepted, no longer shown.
legacy_path_argument = click.argument("legacy_path", required=False, default=None,
                                      type=click.Path(), metavar="")


def workspace_path(workspace: str | None, legacy_path: str | None = None) -> str:
    """The workspace the command was given (``-w``, or the older positional PATH)."""
    if workspace is not None and legacy_path is not None and workspace != legacy_path:
        raise click.UsageError(f"the workspace is given twice ({legacy_path!r} and -w "
                               f"{workspace!r}): use -w DIR only")
    return workspace or legacy_path or "."
