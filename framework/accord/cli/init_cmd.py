"""``accord init DIR``."""

from __future__ import annotations

import sys

import click

from accord.cli.common import echo_diagnostics, exit_code_for, handle_errors
from accord.project import load_workspace
from accord.workspace.scaffold import init_workspace


@click.command()
@click.argument("directory", type=click.Path())
@handle_errors()
def init(directory: str) -> None:
    """Scaffold a workspace in DIRECTORY to learn from and build on: part of the canonical model
    (customer and its shared types) with its lock, one system with a small API description, one
    mapping with a lookup table and golden examples, its generated transformer and its pact. It
    passes `accord pipeline` as created."""
    written = init_workspace(directory)
    for path in written:
        click.echo(f"created {path}")
    result = load_workspace(directory).generate()
    for path in result.written:
        click.echo(f"generated {path}")
    echo_diagnostics(result.diagnostics, "text")
    if result.diagnostics:
        sys.exit(exit_code_for(result.diagnostics))
    from accord.harness.pacts import run_pacts  # here: pact loads its Rust core

    pacts = run_pacts(load_workspace(directory))
    for path in pacts.written:
        click.echo(f"derived {path.as_posix()}")
    echo_diagnostics(pacts.diagnostics, "text")
    if not pacts.ok:
        sys.exit(exit_code_for(pacts.diagnostics))
    click.echo(f"next: cd {directory} && accord pipeline")
