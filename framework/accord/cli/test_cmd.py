"""``accord test examples [--mapping NAME] [PATH]``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from accord.cli.common import (
    echo_diagnostics,
    exit_code_for,
    format_option,
    handle_errors,
    legacy_path_argument,
    style,
    workspace_option,
    workspace_path,
)
from accord.codegen.example_update import update_examples
from accord.codegen.examples import ExampleResult, junit_example_cases
from accord.diagnostics import render_junit_cases
from accord.fsio import display_path
from accord.project import load_workspace


@click.group()
def test() -> None:
    """Run accord's tests of a workspace."""


@test.command()
@workspace_option
@legacy_path_argument
@click.option("--mapping", "only", default=None, help="Only this spec (name or file).")
@click.option("--update", is_flag=True,
              help="Rewrite the expected output of each example that differs (after showing "
                   "its diff).")
@format_option
@handle_errors()
def examples(workspace: str | None, legacy_path: str | None, only: str | None, update: bool,
             fmt: str) -> None:
    """Run every spec's golden examples through its generated transformer.

    Each golden output must equal the transformer's output as JSON (111354 equals 111354.0,
    true never equals 1) and satisfy the target schema.
    """
    loaded = load_workspace(workspace_path(workspace, legacy_path))
    results, diagnostics = loaded.examples(only)
    diffs = [(r.spec, r.example, r.diff) for r in results if r.diff]
    rewritten: list[tuple[Path, ExampleResult]] = []
    if update:
        rewritten, diagnostics = update_examples(loaded.root, results, diagnostics)
    passed = sum(r.passed for r in results)
    if fmt == "text":
        for r in results:
            mark = style("PASS", fg="green") if r.passed else style("FAIL", fg="red", bold=True)
            click.echo(f"{mark} {r.spec} :: {r.example}")
        echo_diagnostics(diagnostics, fmt)
        for spec, example, diff in diffs:
            click.echo(f"\n--- {spec} :: {example}\n{diff}")
        for file, r in rewritten:
            click.echo(f"rewrote {display_path(file, loaded.root)} ({r.spec} :: {r.example})")
        click.echo(f"{passed}/{len(results)} example(s) passed")
    elif fmt == "junit":
        click.echo(render_junit_cases(junit_example_cases(results, diagnostics),
                                      suite="accord test examples"))
    else:
        echo_diagnostics(diagnostics, fmt, suite="accord test examples",
                         passed=passed, total=len(results))
    sys.exit(exit_code_for(diagnostics))
