"""``accord init DIR``."""

from __future__ import annotations

import click

from accord.cli.common import handle_errors
from accord.workspace.scaffold import init_workspace


@click.command()
@click.argument("directory", type=click.Path())
@handle_errors()
def init(directory: str) -> None:
    """Scaffold a new accord workspace in DIRECTORY (one contract, a mappings folder, a README)."""
    written = init_workspace(directory)
    for path in written:
        click.echo(f"created {path}")
    click.echo(f"next: cd {directory} && accord check")
