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
    "init": "Scaffold a workspace in DIRECTORY to learn from and build on: part of the "
            "canonical model (customer and its shared types) with its lock, one system with a "
            "small API description, one mapping with a lookup table and golden examples, and "
            "its generated transformer.",
    "pipeline": "accord.cli.pipeline_cmd:pipeline",
    "schema": "accord.cli.schema_cmd:schema",
    "test": "accord.cli.test_cmd:test",
    "run": "accord.cli.run_cmd:run",
    "system": "accord.cli.system_cmd:system",
}


#: name -> the first sentence of the command's help: what ``accord --help`` lists, without
#: importing every command (``tests/test_cli_help.py`` keeps each equal to the command's own).
SUMMARIES: dict[str, str] = {
    "check": "Check the workspace at PATH: contracts, systems, mappings.",
    "compat": "Compare two versions of a JSON Schema (YAML or JSON files).",
    "diff": "List each change from CONTRACT@OLD to CONTRACT@NEW (under the contract's "
            "compatibility mode, breaking first) and the mapping rules that read or write its "
            "pointer.",
    "generate": "Compile every mapping spec into generated/<flow>/<name>.py.",
    "init": "Scaffold a new accord workspace in DIRECTORY (one contract, a mappings folder, a "
            "README).",
    "pipeline": "Run the governed pipeline over the workspace at PATH: check, generated code "
                "is fresh, golden examples pass.",
    "promote": "Promote CONTRACT@VERSION when every gate criterion passes: the workspace checks "
               "clean, generated code is fresh, golden examples pass, it is compatible with the "
               "released history under its mode and its version bump is right.",
    "run": "Stream INPUT through the generated transformer for MAPPING (a spec path, a spec "
           "name or a generated module path), validate each output against the target schema, "
           "and write failures to the dead-letter file.",
    "schema": "Print the JSON Schema of the NAME file format (mapping or lookup).",
    "system": "Systems and their API descriptions.",
    "test": "Run accord's tests of a workspace.",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list, from :data:`SUMMARIES` (a command without one is imported)."""
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = []
        for name in names:
            summary = SUMMARIES.get(name)
            if summary is None:
                command = self.get_command(ctx, name)
                rows.append((name, command.get_short_help_str(limit) if command else ""))
            else:
                rows.append((name, click.Command(name, help=summary).get_short_help_str(limit)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)

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
