"""``accord test examples [--mapping NAME] [PATH]``."""

from __future__ import annotations

import sys

import click

from accord.cli.common import echo_diagnostics, exit_code_for, format_option, handle_errors, style
from accord.codegen.examples import junit_example_cases
from accord.diagnostics import render_junit_cases
from accord.project import load_workspace


@click.group()
def test() -> None:
    """Run accord's tests of a workspace."""


@test.command()
@click.argument("path", default=".", type=click.Path())
@click.option("--mapping", "only", default=None, help="Only this spec (name or file).")
@format_option
@handle_errors()
def examples(path: str, only: str | None, fmt: str) -> None:
    """Run every spec's golden examples through its generated transformer.

    Each golden output must equal the transformer's output and satisfy the target schema.
    """
    workspace = load_workspace(path)
    results, diagnostics = workspace.examples(only)
    passed = sum(r.passed for r in results)
    if fmt == "text":
        for r in results:
            mark = style("PASS", fg="green") if r.passed else style("FAIL", fg="red", bold=True)
            click.echo(f"{mark} {r.spec} :: {r.example}")
        echo_diagnostics(diagnostics, fmt)
        for r in results:
            if r.diff:
                click.echo(f"\n--- {r.spec} :: {r.example}\n{r.diff}")
        click.echo(f"{passed}/{len(results)} example(s) passed")
    elif fmt == "junit":
        click.echo(render_junit_cases(junit_example_cases(results, diagnostics),
                                      suite="accord test examples"))
    else:
        echo_diagnostics(diagnostics, fmt, suite="accord test examples",
                         passed=passed, total=len(results))
    sys.exit(exit_code_for(diagnostics))
