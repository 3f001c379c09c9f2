"""``accord simulate SYSTEM [--port N] [--state FILE]``."""

from __future__ import annotations

import time
from pathlib import Path

import click

from accord.cli.common import echo_diagnostics, handle_errors, workspace_option, workspace_path


@click.command("simulate")
@click.argument("system")
@click.option("--port", type=click.IntRange(0, 65535), default=0, show_default=True,
              help="Port on 127.0.0.1 (0: a free one).")
@click.option("--state", "state", type=click.Path(dir_okay=False), default=None,
              help="SQLite file keeping the records (default: memory, gone on exit).")
@click.option("--dry-run", is_flag=True,
              help="Build the simulator and list what it serves, then exit.")
@workspace_option
@handle_errors()
def simulate(system: str, port: int, state: str | None, dry_run: bool,
             workspace: str | None) -> None:
    """Serve a stateful mock of SYSTEM built from its API description, seeded from the golden
    examples, on 127.0.0.1 until Ctrl-C. Prints its URL and its admin API."""
    from accord.harness.simulator import ADMIN, running

    # Ctrl-C may come as soon as the URL is printed: the whole serving span is inside the try
    try:
        with running(workspace_path(workspace), system,
                     state_path=Path(state) if state else None, port=port) as handle:
            sim = handle.simulator
            echo_diagnostics(sim.notes, "text", err=True)
            click.echo(f"accord simulate {system}: {handle.base_url}")
            for c in sim.model.collections:
                ops = ", ".join(f"{op.method} {op.path}" for op in c.operations)
                seeded = len(sim.seeds.get(c.name, []))
                click.echo(f"  {c.name} ({c.schema}, id {c.id_field}, {seeded} seeded): {ops}")
            click.echo(f"  admin: POST {handle.state_url} | GET {handle.base_url}{ADMIN}/records/"
                       f"<collection> | POST {handle.base_url}{ADMIN}/reset")
            if dry_run:
                return
            click.echo("Ctrl-C stops it.", err=True)
            while True:
                time.sleep(3600)
    except KeyboardInterrupt:
        click.echo("stopped", err=True)
