"""``accord --help`` lists the commands without importing them, and says what each one's own
help says."""

from __future__ import annotations

import subprocess
import sys

import click
import pytest
from accord.cli.main import COMMANDS, cli, summary


def test_every_command_has_a_summary() -> None:
    assert all(summary(name) for name in COMMANDS)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_the_summary_is_the_commands_own_short_help(name: str) -> None:
    command = cli.get_command(click.Context(cli), name)
    assert command is not None
    for limit in (30, 45, 64, 80, 120, 300):
        listed = click.Command(name, help=summary(name))
        assert listed.get_short_help_str(limit) == command.get_short_help_str(limit), (
            name, limit)


def test_help_lists_every_command_as_click_would() -> None:
    class Eager(click.Group):
        """click's own rendering: every command imported for its short help."""

        def list_commands(self, ctx: click.Context) -> list[str]:
            return sorted(COMMANDS)

        def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
            return cli.get_command(ctx, name)

    eager = Eager(name="accord", help=cli.help, params=cli.params,
                  context_settings=cli.context_settings)
    for width in (60, 80, 120):
        lazy_ctx = click.Context(cli, info_name="accord", terminal_width=width)
        eager_ctx = click.Context(eager, info_name="accord", terminal_width=width)
        lazy_text, eager_text = cli.get_help(lazy_ctx), eager.get_help(eager_ctx)
        assert "Commands:" in lazy_text
        assert lazy_text.split("Commands:")[1] == eager_text.split("Commands:")[1]


def test_help_imports_no_command() -> None:
    code = ("import sys\nfrom accord.cli.main import main\n"
            "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in sys.modules if m.startswith('accord.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    loaded = out.strip().splitlines()[-1]
    assert "_cmd" not in loaded and "accord.workspace" not in loaded, loaded
