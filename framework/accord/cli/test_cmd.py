"""``accord test examples [--mapping NAME] [PATH]`` and ``accord test properties [MAPPING]...``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

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
from accord.diagnostics import printable, render_junit_cases
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


@test.command()
@workspace_option
@click.argument("mappings", nargs=-1, metavar="[MAPPING]...")
@click.option("--max-examples", type=click.IntRange(min=1), default=None, metavar="N",
              help="Records generated per mapping (default: 50).")
@click.option("--seed", type=int, default=0, show_default=True,
              help="Hypothesis seed: the same seed draws the same records.")
@click.option("--strict", is_flag=True,
              help="Also fail a mapping whose output the runtime had to dead-letter because "
                   "it breaks the target schema (ACC773).")
@format_option
@handle_errors()
def properties(workspace: str | None, mappings: tuple[str, ...], max_examples: int | None,
               seed: int, strict: bool, fmt: str) -> None:
    """Property tests: generated source records through each mapping's transformer.

    Records drawn from the source schema (and varied golden inputs) run through the
    transformer the way `accord run --with-key` runs them. Each must be written (valid for the
    target), skipped by the spec's `when`, or dead-lettered with a typed class; an unhandled
    exception, an invalid output let through, a non-JSON value or two answers for one record
    fail, with the shrunk record and the rule. MAPPING: a name, file or stem (default: all).
    """
    from accord.harness.properties import (
        DEFAULT_MAX_EXAMPLES,
        check_properties,
        failure_text,
        junit_property_cases,
    )

    loaded = load_workspace(workspace_path(workspace))

    def show(result: Any) -> None:
        if fmt != "text":
            return
        mark = style("PASS", fg="green") if result.passed else style("FAIL", fg="red", bold=True)
        click.echo(f"{mark} {result.name} ({result.mapping}): {result.summary()} "
                   f"[{result.seconds:.1f}s]")
        if result.failure is not None:
            click.echo(printable(failure_text(result)))

    results, diagnostics = check_properties(
        loaded, mappings, max_examples=max_examples or DEFAULT_MAX_EXAMPLES, seed=seed,
        strict=strict, progress=show)
    passed = sum(r.passed for r in results)
    if fmt == "text":
        shown = {id(r.diagnostic) for r in results if r.failure is not None}
        echo_diagnostics([d for d in diagnostics if id(d) not in shown], fmt)
        click.echo(f"{passed}/{len(results)} mapping(s) passed "
                   f"(seed {seed}, up to {max_examples or DEFAULT_MAX_EXAMPLES} records each)")
    elif fmt == "junit":
        click.echo(render_junit_cases(junit_property_cases(results, diagnostics),
                                      suite="accord test properties"))
    else:
        echo_diagnostics(diagnostics, fmt, suite="accord test properties", passed=passed,
                         total=len(results), seed=seed,
                         results=[r.to_dict() for r in results])
    sys.exit(exit_code_for(diagnostics))
