"""JUnit output CI systems read: one test case per golden example, per finding and per gate
criterion, with the diff (or the reasons) in the failure body, and always well-formed XML."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from accord.cli.main import cli
from accord.diagnostics import Diagnostic, JUnitCase, render_junit, render_junit_cases
from click.testing import CliRunner


def _run(*args: str) -> tuple[int, ET.Element]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    start = result.output.index("<?xml")
    return result.exit_code, ET.fromstring(result.output[start:])


def _cases(root: ET.Element) -> dict[str, ET.Element]:
    return {case.attrib["name"]: case for case in root.iter("testcase")}


def test_one_case_per_example_with_the_diff_in_the_failure(reference_workspace: Path) -> None:
    golden = reference_workspace / "mappings/examples/canonical/project_from_salesforce.json"
    expected = json.loads(golden.read_text("utf-8"))
    expected["name"] = "A name the transformer does not write"
    golden.write_text(json.dumps(expected, indent=2), "utf-8")

    code, root = _run("test", "examples", str(reference_workspace), "--format", "junit")

    assert code == 1
    cases = _cases(root)
    assert len([c for c in root.iter("testcase")]) >= 10
    suite = root.find("testsuite")
    assert suite is not None and suite.attrib["failures"] == "1"
    failed = [c for c in cases.values() if c.find("failure") is not None]
    assert len(failed) == 1
    body = failed[0].find("failure")
    assert body is not None and body.text is not None
    assert "A name the transformer does not write" in body.text  # the unified diff
    assert "--- expected project_from_salesforce.json" in body.text
    assert failed[0].attrib["classname"].endswith("salesforce_opportunity.yaml")
    passing = [c for c in cases.values() if c.find("failure") is None]
    assert len(passing) == len(cases) - 1


def test_one_case_per_gate_criterion(reference_workspace: Path) -> None:
    _, root = _run("promote", "project", "1.1.0", "--to", "released", "--dry-run",
                      "--format", "junit", "--path", str(reference_workspace))
    names = [c.attrib["name"] for c in root.iter("testcase")]
    assert {"transition", "check", "generated", "examples", "compat", "bump"} <= set(names)
    assert len(names) == len(set(names))


def test_refused_criterion_lists_its_reasons(reference_workspace: Path) -> None:
    # customer 1.0.0 is released: candidate is not a step forward from there
    code, root = _run("promote", "customer", "1.0.0", "--to", "candidate", "--dry-run",
                      "--format", "junit", "--path", str(reference_workspace))
    assert code == 1
    failures = [(c.attrib["name"], c.find("failure")) for c in root.iter("testcase")
                if c.find("failure") is not None]
    assert failures and failures[0][0] == "transition"
    assert failures[0][1] is not None and "released" in (failures[0][1].text or "")


def test_pipeline_has_a_case_per_stage(reference_workspace: Path) -> None:
    code, root = _run("pipeline", str(reference_workspace), "--format", "junit")
    assert code == 0
    assert {"check", "generated", "examples"} <= set(_cases(root))


def test_findings_are_cases_and_hostile_text_stays_well_formed() -> None:
    hostile = "name \x1b[31mred\x1b[0m \x00 \ud800 <tag> & \"quoted\""
    diags = [Diagnostic("ACC401", hostile, "m.yaml", 3, 4),
             Diagnostic("ACC402", "second", "m.yaml", 5, 1)]
    root = ET.fromstring(render_junit(diags))
    cases = list(root.iter("testcase"))
    assert len(cases) == 2
    failure = cases[0].find("failure")
    assert failure is not None
    assert "\\u001b[31mred" in failure.attrib["message"]
    assert "<tag>" in failure.attrib["message"]


def test_empty_suite_is_one_clean_case() -> None:
    root = ET.fromstring(render_junit_cases([]))
    assert [c.attrib["name"] for c in root.iter("testcase")] == ["clean"]
    root = ET.fromstring(render_junit_cases([JUnitCase("a", "s", skipped="why")]))
    suite = root.find("testsuite")
    assert suite is not None and suite.attrib["skipped"] == "1"
