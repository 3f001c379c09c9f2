"""One way to name the workspace: ``-w/--workspace DIR`` on every command that reads one,
default the current directory searching upward; older spellings still work, unshown."""

from __future__ import annotations

import importlib
from pathlib import Path

import click
import pytest
from accord.cli.main import COMMANDS, cli
from click.testing import CliRunner

READS_A_WORKSPACE = {"check", "generate", "pipeline", "test examples", "test properties", "diff",
                     "promote", "run", "system import", "verify", "simulate", "fuzz", "pacts",
                     "can-i-deploy", "exceptions list", "exceptions show", "exceptions resolve",
                     "exceptions discard", "lineage", "periods list", "periods open",
                     "periods close", "sync", "exceptions replay", "crosswalk list",
                     "crosswalk link", "reconcile"}


def commands() -> dict[str, click.Command]:
    found: dict[str, click.Command] = {}
    for name, target in COMMANDS.items():
        module, attr = target.split(":")
        command = getattr(importlib.import_module(module), attr)
        if isinstance(command, click.Group):
            found.update({f"{name} {sub}": c for sub, c in command.commands.items()})
        else:
            found[name] = command
    return found


def test_every_command_that_reads_a_workspace_takes_w_and_shows_no_other_form() -> None:
    taking = set()
    for name, command in commands().items():
        shown = [p for p in command.params if not getattr(p, "hidden", False)]
        workspace = [p for p in shown if p.name == "workspace"]
        if workspace:
            taking.add(name)
            assert set(workspace[0].opts) == {"-w", "--workspace"}, name
            assert workspace[0].default is None, name  # resolved upward from here
        assert not any("--path" in p.opts for p in shown), name
        assert not [p for p in shown if isinstance(p, click.Argument)
                    and p.name in ("path", "legacy_path") and p.metavar != ""], name
    assert taking == READS_A_WORKSPACE


def test_from_a_folder_inside_the_workspace(repo_root: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo_root / "mappings" / "lookups")
    result = CliRunner().invoke(cli, ["generate", "--check"])
    assert result.exit_code == 0, result.output
    assert "up to date" in result.output


@pytest.mark.parametrize("args", [
    ["generate", "--check", "-w", "{root}"],
    ["generate", "--check", "--workspace", "{root}"],
    ["generate", "--check", "{root}"],  # the older positional PATH
    ["diff", "project", "1.0.0", "1.1.0", "-w", "{root}"],
    ["diff", "project", "1.0.0", "1.1.0", "--path", "{root}"],  # the older --path
])
def test_each_spelling_names_the_workspace(args: list[str], repo_root: Path, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # not a workspace: only the argument can name it
    result = CliRunner().invoke(cli, [a.format(root=repo_root) for a in args])
    assert result.exit_code == 0, result.output


def test_two_different_workspaces_is_a_usage_error(repo_root: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["check", str(repo_root), "-w", str(tmp_path)])
    assert result.exit_code == 2
    assert "use -w DIR only" in result.output


def test_outside_any_workspace_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["check"])
    assert result.exit_code == 2
    assert "not inside an accord workspace" in result.output
