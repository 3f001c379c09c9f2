"""The ``reconcile`` block of flow/v1: loaded once with the strict parser, its paths resolved in
the entity by accord check (ACC496), a measure that can never be a number refused (ACC680), a
malformed block located (ACC400)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from accord import codes
from accord.errors import LoadError
from accord.mapping.flow import load_flow, load_flows
from flow_workspace import REPO, copy_workspace, edit, flow_findings, line_of

TIME = Path("mappings/time-to-actuals/flow.yaml")
OPPORTUNITY = Path("mappings/opportunity-to-project/flow.yaml")


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_workspace(tmp_path_factory.mktemp("pristine"))


@pytest.fixture
def ws(pristine: Path, tmp_path: Path) -> Path:
    for part in ("contracts", "mappings"):
        shutil.copytree(pristine / part, tmp_path / part)
    return tmp_path


def test_shipped_flows_declare_measures_and_groups() -> None:
    flows = {f.name: f for f in load_flows(REPO).flows}
    time = flows["time-to-actuals"].reconcile
    assert time is not None and list(time.measures) == ["hours"]
    assert list(time.group_by) == ["project", "period"]
    assert time.group_by["period"].ast is not None  # parsed once, at load
    assert list(flows["opportunity-to-project"].reconcile.group_by) == ["legal_entity",
                                                                       "currency"]
    assert list(flows["invoice-to-status"].reconcile.measures) == ["subtotal", "tax", "total"]
    assert flows["employee-to-resource"].reconcile is None  # counts only
    assert time.group_by["period"] in flows["time-to-actuals"].expressions()


def test_paths_are_resolved_in_the_entity(ws: Path) -> None:
    edit(ws / TIME, "    hours: hours\n", "    hours: hourz\n")
    [d] = [d for d in flow_findings(ws) if d.code == codes.FLOW_EXPRESSION]
    assert (d.line, d.pointer) == (line_of(ws / TIME, "hours: hourz"), "/reconcile/measures/hours")
    assert d.message.startswith("reconcile measure hours: $.hourz does not exist")
    assert "'hours'" in (d.hint or "")


def test_a_group_path_is_resolved_too(ws: Path) -> None:
    edit(ws / OPPORTUNITY, "    currency: currency\n", "    currency: currencies\n")
    [d] = [d for d in flow_findings(ws) if d.code == codes.FLOW_EXPRESSION]
    assert d.pointer == "/reconcile/group_by/currency"


def test_a_measure_that_can_never_be_a_number(ws: Path) -> None:
    edit(ws / OPPORTUNITY, "    budget: budget.amount\n",
         "    budget: budget\n    won: \"status == 'active'\"\n")
    found = [d for d in flow_findings(ws) if d.code == codes.RECONCILE_MEASURE_TYPE]
    assert [(d.pointer, d.line) for d in found] == [
        ("/reconcile/measures/budget", line_of(ws / OPPORTUNITY, "budget: budget")),
        ("/reconcile/measures/won", line_of(ws / OPPORTUNITY, "won: "))]
    assert "object, not an amount" in found[0].message
    assert "boolean" in found[1].message


def test_a_syntax_error_is_located_inside_the_expression(ws: Path) -> None:
    edit(ws / TIME, "    hours: hours\n", "    hours: \"hours +\"\n")
    [d] = [d for d in load_flows(ws).diagnostics if d.code == codes.EXPRESSION_SYNTAX]
    assert d.pointer == "/reconcile/measures/hours" and d.line == line_of(ws / TIME, "hours +")


def test_a_malformed_block_is_a_format_error(ws: Path) -> None:
    edit(ws / TIME, "  measures:\n", "  measure:\n")
    with pytest.raises(LoadError) as caught:
        load_flow(ws / TIME, root=ws)
    [d] = caught.value.diagnostics
    assert d.code == codes.SPEC_FORMAT and "measure" in d.message
