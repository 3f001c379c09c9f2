"""``accord can-i-deploy CONTRACT VERSION --to ENV``: the verification matrix's answer."""

from __future__ import annotations

import json
import sys

import click

from accord.cli.common import (
    echo_diagnostics,
    echo_table,
    format_option,
    handle_errors,
    style,
    workspace_option,
    workspace_path,
)
from accord.diagnostics import render_junit_cases
from accord.errors import EXIT_FINDINGS, EXIT_OK


@click.command("can-i-deploy")
@click.argument("contract")
@click.argument("version")
@click.option("--to", "environment", required=True, metavar="ENV",
              help="The environment the pacts must be verified against (e.g. local).")
@workspace_option
@format_option
@handle_errors()
def can_i_deploy_command(contract: str, version: str, environment: str,
                         workspace: str | None, fmt: str) -> None:
    """Whether CONTRACT@VERSION may go to ENV: every pact under generated/pacts/ that names it
    has a passing latest verification against ENV for the pact's current sha256 (from the
    verification matrix in the workspace database). Exit 0 yes, 1 no; a table of the pacts, their
    provider, last verification, outcome and why not."""
    from accord.harness.matrix import can_i_deploy, junit_decision_cases

    decision = can_i_deploy(workspace_path(workspace), contract, version, environment)
    if fmt == "json":
        click.echo(json.dumps(decision.to_dict(), indent=2))
    elif fmt == "junit":
        click.echo(render_junit_cases(junit_decision_cases(decision),
                                      suite=f"accord can-i-deploy {decision.ref}"))
    else:
        echo_diagnostics(decision.problems, fmt)
        echo_table([{"pact": r.pact or f"(none) {r.mapping}", "provider": r.provider,
                     "last verification": r.last.when if r.last else "—",
                     "outcome": r.outcome, "why not": r.why} for r in decision.rows],
                   ["pact", "provider", "last verification", "outcome", "why not"])
        answer = style("yes", fg="green", bold=True) if decision.deployable else \
            style("no", fg="red", bold=True)
        click.echo(f"can-i-deploy {decision.ref} to {environment}: {answer} — "
                   f"{decision.summary}")
    sys.exit(EXIT_OK if decision.deployable else EXIT_FINDINGS)
