"""The ``accord`` command group. Subcommands load lazily, so ``accord --help`` stays fast and a
command's heavy dependencies (schemathesis, pact) load only when it runs."""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

from accord.version import __version__

# name -> "module:attribute". Each subcommand lives in its own small module.
COMMANDS: dict[str, str] = {
    "promote": "accord.cli.promote_cmd:promote_command",
    "diff": "accord.cli.diff_cmd:diff_command",
    "compat": "accord.cli.compat_cmd:compat_command",
    "check": "accord.cli.check_cmd:check",
    "generate": "accord.cli.generate_cmd:generate",
    "init": "accord.cli.init_cmd:init",
    "pipeline": "accord.cli.pipeline_cmd:pipeline",
    "schema": "accord.cli.schema_cmd:schema",
    "test": "accord.cli.test_cmd:test",
    "run": "accord.cli.run_cmd:run",
    "system": "accord.cli.system_cmd:system",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attr = target.split(":")
        command: click.Command = getattr(importlib.import_module(module_name), attr)
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="accord")
def cli() -> None:
    """accord: governed sync between CRM, PSA, ERP, HCM and timekeeping systems.

    Exit codes: 0 ok, 1 findings, 2 bad usage or unreadable input.
    """


def main(argv: list[str] | None = None) -> Any:
    try:
        return cli.main(args=argv, prog_name="accord", standalone_mode=True)
    except KeyboardInterrupt:  # pragma: no cover - interactive only
        click.echo("interrupted", err=True)
        sys.exit(130)


if __name__ == "__main__":  # pragma: no cover
    main()
