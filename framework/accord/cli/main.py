"""The ``accord`` command group. Subcommands load lazily, so ``accord --help`` stays fast and a
command's heavy dependencies (schemathesis, pact) load only when it runs."""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
from pathlib import Path
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
    "verify": "accord.cli.verify_cmd:verify",
    "simulate": "accord.cli.simulate_cmd:simulate",
    "fuzz": "accord.cli.fuzz_cmd:fuzz_command",
    "pacts": "accord.cli.pacts_cmd:pacts",
    "can-i-deploy": "accord.cli.can_i_deploy_cmd:can_i_deploy_command",
    "exceptions": "accord.cli.exceptions_cmd:exceptions",
    "lineage": "accord.cli.lineage_cmd:lineage",
    "periods": "accord.cli.periods_cmd:periods",
    "sync": "accord.cli.sync_cmd:sync",
    "crosswalk": "accord.cli.crosswalk_cmd:crosswalk",
    "reconcile": "accord.cli.reconcile_cmd:reconcile",
}


def summary(name: str) -> str | None:
    """The help text of command ``name`` read from its module's source (its docstring), so
    that ``accord --help`` imports no command; None when the command does not take its help
    from a plain docstring (it is imported then)."""
    import ast  # here: only --help needs it

    module_name, attribute = COMMANDS[name].split(":")
    spec = importlib.util.find_spec(module_name)
    if spec is None or spec.origin is None:
        return None
    try:
        tree = ast.parse(Path(spec.origin).read_text("utf-8"))
    except (OSError, SyntaxError, UnicodeDecodeError):
        return None
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == attribute:
            calls = [d for d in node.decorator_list if isinstance(d, ast.Call)
                     and isinstance(d.func, ast.Attribute) and d.func.attr in ("command", "group")]
            if any(k.arg in ("help", "short_help") for call in calls for k in call.keywords):
                return None
            return ast.get_docstring(node)
    return None


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list, each line from the command's docstring (:func:`summary`)."""
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = []
        for name in names:
            text = summary(name)
            command = (click.Command(name, help=text) if text is not None
                       else self.get_command(ctx, name))
            rows.append((name, command.get_short_help_str(limit) if command else ""))
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


#: exit code of a bug in accord (EX_SOFTWARE): never a user's mistake, which is 1 or 2
EXIT_INTERNAL = 70


def main(argv: list[str] | None = None) -> Any:
    try:
        return cli.main(args=argv, prog_name="accord", standalone_mode=True)
    except KeyboardInterrupt:  # pragma: no cover - interactive only
        click.echo("interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # the last resort: a user sees a bug report, not a traceback
        if os.environ.get("ACCORD_DEBUG"):
            raise
        click.echo(f"accord: internal error: {type(exc).__name__}: {exc}\n"
                   "    this is a bug in accord, not in your files: please report it with the "
                   "command you ran (ACCORD_DEBUG=1 shows the traceback)", err=True)
        sys.exit(EXIT_INTERNAL)


if __name__ == "__main__":  # pragma: no cover
    main()
