"""``accord compat OLD NEW``: is NEW a compatible evolution of OLD?"""

from __future__ import annotations

import json
import sys

import click

from accord.cli.common import format_option, handle_errors, style
from accord.compat import Mode
from accord.compat.report import change_rows, compat_files, to_diagnostics
from accord.diagnostics import render_junit


@click.command("compat")
@click.argument("old", type=click.Path(dir_okay=False))
@click.argument("new", type=click.Path(dir_okay=False))
@click.option("--mode", default="BACKWARD", show_default=True,
              type=click.Choice([m.value for m in Mode], case_sensitive=False),
              help="BACKWARD: new reads old data; FORWARD: old reads new data; FULL: both.")
@click.option("--policy", default="strict", show_default=True,
              type=click.Choice(["strict", "lenient"]),
              help="lenient also accepts open-content-model changes a tolerant reader survives.")
@format_option
@handle_errors()
def compat_command(old: str, new: str, mode: str, policy: str, fmt: str) -> None:
    """Compare two versions of a JSON Schema (YAML or JSON files).

    Exit 0 compatible, 1 incompatible, 2 unreadable input."""
    result = compat_files(old, new, mode.upper(), policy=policy)
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), indent=2))
    elif fmt == "junit":
        click.echo(render_junit(to_diagnostics(result, new), suite=f"accord compat {mode}"))
    else:
        rows = change_rows(result)
        verdict = (style("compatible", fg="green", bold=True) if result.compatible
                   else style("INCOMPATIBLE", fg="red", bold=True))
        breaking = sum(1 for r in rows if r["verdict"] == "BREAKING")
        click.echo(f"{old} -> {new}: {result.mode.value} ({result.policy.value}) {verdict}, "
                   f"{len(rows)} change(s), {breaking} breaking")
        if rows:
            widths = {c: max(len(c), *(len(r[c]) for r in rows)) for c in ("verdict", "type",
                                                                          "pointer")}
            click.echo(style("  ".join(c.upper().ljust(widths[c]) for c in widths) + "  MESSAGE",
                             bold=True))
            for r in rows:
                colour = "red" if r["verdict"] == "BREAKING" else "green"
                cells = [style(r["verdict"].ljust(widths["verdict"]), fg=colour),
                         r["type"].ljust(widths["type"]), r["pointer"].ljust(widths["pointer"])]
                click.echo("  ".join(cells) + "  " + r["message"])
    sys.exit(0 if result.compatible else 1)
