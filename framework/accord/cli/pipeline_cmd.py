"""``accord pipeline [-w DIR]``."""

from __future__ import annotations

import json
import sys

import click

from accord.cli.common import (
    echo_diagnostics,
    echo_table,
    format_option,
    handle_errors,
    legacy_path_argument,
    style,
    workspace_option,
    workspace_path,
)
from accord.diagnostics import render_junit_cases
from accord.errors import EXIT_FINDINGS, EXIT_OK
from accord.pipeline import STAGES, junit_stage_cases, run_pipeline
from accord.project import load_workspace


@click.command()
@workspace_option
@legacy_path_argument
@click.option("--stage", "stages", multiple=True, type=click.Choice([s[0] for s in STAGES]),
              help="Run only this stage (repeatable).")
@format_option
@handle_errors()
def pipeline(workspace: str | None, legacy_path: str | None, stages: tuple[str, ...],
             fmt: str) -> None:
    """Run the governed pipeline over the workspace: check, generated code and pacts are
    fresh, golden examples pass, pacts verify against the simulators, property tests and
    bounded fuzzing pass. Exit 1 if any stage has findings."""
    loaded = load_workspace(workspace_path(workspace, legacy_path))
    progress = (lambda name, title: click.echo(style(f"» {name}: {title} …", dim=True), err=True)) \
        if fmt == "text" else None
    results = run_pipeline(loaded, on_stage=progress, only=list(stages) or None)
    diagnostics = [d for r in results for d in r.diagnostics]
    ok = all(r.ok for r in results)
    if fmt == "text":
        echo_diagnostics(diagnostics, fmt)
        if diagnostics:
            click.echo()
        passed, failed = style("pass", fg="green"), style("FAIL", fg="red", bold=True)
        rows = [{"stage": r.name, "result": passed if r.ok else failed,
                 "time": f"{r.seconds:.2f}s", "detail": r.detail} for r in results]
        echo_table(rows, ["stage", "result", "time", "detail"])
        verdict = style("pipeline passed", fg="green", bold=True) if ok else \
            style("pipeline failed", fg="red", bold=True)
        click.echo(f"\n{verdict} — workspace {loaded.root}")
    elif fmt == "json":
        click.echo(json.dumps({"ok": ok, "stages": [
            {"name": r.name, "ok": r.ok, "detail": r.detail, "seconds": round(r.seconds, 3),
             "diagnostics": [d.to_dict() for d in r.diagnostics]} for r in results]}, indent=2))
    else:
        click.echo(render_junit_cases(junit_stage_cases(results), suite="accord pipeline"))
    sys.exit(EXIT_OK if ok else EXIT_FINDINGS)
