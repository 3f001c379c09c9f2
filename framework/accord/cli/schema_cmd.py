"""``accord schema contract|system|mapping|lookup|flow``: print a file format's JSON Schema (for
editors and other tools)."""

from __future__ import annotations

import json

import click

from accord.mapping.formats import FORMATS, format_schema


@click.command()
@click.argument("name", type=click.Choice(FORMATS))
def schema(name: str) -> None:
    """Print the JSON Schema of the NAME file format: contract, system, mapping, lookup or flow."""
    click.echo(json.dumps(format_schema(name), indent=2))
