"""``accord promote CONTRACT VERSION --to STATUS``: the promotion gate."""

from __future__ import annotations

import datetime as dt
import json
import sys

import click

from accord.cli.common import (
    format_option,
    handle_errors,
    legacy_path_option,
    style,
    workspace_option,
    workspace_path,
)
from accord.diagnostics import printable, render_junit_cases
from accord.gate.promote import promote
from accord.gate.report import junit_verdict_cases, write_report
from accord.project import load_workspace


@click.command("promote")
@click.argument("contract")
@click.argument("version")
@click.option("--to", "to", required=True,
              type=click.Choice(["candidate", "released", "deprecated"]))
@click.option("--sunset", default=None, type=click.DateTime(formats=["%Y-%m-%d"]),
              help="With --to deprecated: the last day mappings may use the version "
                   "(YYYY-MM-DD); `accord check` warns until then and fails after it.")
@click.option("--env", "environment", default="local", show_default=True, metavar="ENV",
              help="With --to released: the environment every pact involving the version must "
                   "be verified against (the verification matrix).")
@click.option("--waive", "waive", multiple=True, type=click.Choice(["verification"]),
              help="Let a failed criterion pass, recorded (who, when, --reason) in "
                   "registry.lock and the report.")
@click.option("--reason", default=None, metavar="TEXT",
              help="Why the waived criterion may be skipped (required with --waive).")
@click.option("--dry-run", is_flag=True, help="Run the gate; change nothing.")
@click.option("--report", "report_dir", default=None, type=click.Path(file_okay=False),
              help="Write the release report (Markdown and HTML) into this folder.")
@workspace_option
@legacy_path_option
@format_option
@handle_errors()
def promote_command(contract: str, version: str, to: str, sunset: dt.datetime | None,
                    environment: str, waive: tuple[str, ...], reason: str | None,
                    dry_run: bool, report_dir: str | None, workspace: str | None,
                    legacy_path: str | None, fmt: str) -> None:
    """Promote CONTRACT@VERSION when every gate criterion passes: the workspace checks clean,
    generated code is fresh, golden examples pass, it is compatible with the released history
    within its major line under its mode (a new major may break, when every mapping of the
    entity fits it or stays on the old major) and its version bump is right; to released, every
    pact involving it is verified against --env (waivable with --waive verification --reason).
    Steps are never skipped: draft -> candidate -> released -> deprecated. Sets the status in
    the contract file and records the promotion in contracts/registry.lock. Refusals list every
    reason (exit 1)."""
    if reason is not None and not waive:
        raise click.UsageError("--reason goes with --waive CRITERION")
    loaded = load_workspace(workspace_path(workspace, legacy_path))
    result = promote(loaded, contract, version, to, dry_run=dry_run,
                     sunset=sunset.date() if sunset else None, environment=environment,
                     waivers={name: reason or "" for name in waive})
    reports = write_report(loaded, result, report_dir) if report_dir else []
    if fmt == "json":
        click.echo(json.dumps({
            "contract": contract, "version": version, "from": result.from_status, "to": to,
            "passed": result.passed, "applied": result.applied, "dry_run": dry_run,
            "sha256": result.sha256, "by": result.by, "at": result.at,
            "sunset": result.sunset, "environment": result.environment,
            "waivers": result.waivers, "unused_waivers": result.unused_waivers,
            "verdicts": [{"name": v.name, "verdict": v.label, "reasons": v.reasons,
                          "note": v.note, **({"detail": v.detail} if v.name == "verification"
                                             else {})}
                         for v in result.verdicts],
            "reports": [str(p) for p in reports]}, indent=2))
    elif fmt == "junit":
        click.echo(render_junit_cases(junit_verdict_cases(result),
                                      suite=f"accord promote {contract}@{version}"))
    else:
        for v in result.verdicts:
            colour = {"pass": "green", "fail": "red", "skipped": "yellow",
                      "waived": "yellow"}[v.label]
            click.echo(f"{style(v.label.upper().ljust(7), fg=colour)} {v.name}"
                       + (f": {printable(v.note)}" if v.note else ""))
            for line in v.reasons:
                click.echo(f"        {printable(line)}")
        for name, text in result.unused_waivers.items():
            click.echo(f"note: --waive {name} was not needed ({name} passed); not recorded "
                       f"(reason given: {printable(text)})")
        what = f"{contract}@{version} {result.from_status} -> {to}" + (
            f" (sunset {result.sunset})" if result.sunset else "")
        if not result.passed:
            click.echo(style(f"refused: {what} ({len(result.reasons)} reason(s))", fg="red",
                             bold=True))
        elif dry_run:
            click.echo(style(f"would promote {what} (dry run, nothing written)", fg="green"))
        else:
            click.echo(style(f"promoted {what}; recorded in contracts/registry.lock "
                             f"(sha256 {result.sha256[:12]}…, by {result.by})", fg="green",
                             bold=True))
        for p in reports:
            click.echo(f"report: {p}")
    sys.exit(0 if result.passed else 1)
