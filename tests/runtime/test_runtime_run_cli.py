"""``accord run`` end to end: a hand-written module following the generated-module protocol,
target schemas from contracts and systems, exit codes through the CLI."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest
from accord.cli.main import cli
from accord.errors import LoadError
from accord.project import load_workspace
from accord.run import resolve_transformer, run_mapping, target_schema
from click.testing import CliRunner

MODULE = textwrap.dedent('''\
    """Hand-written stand-in for a generated transformer."""
    from accord.errors import TransformError

    SPEC = "mappings/opportunity-to-project/test_deal.yaml"
    NAME = "test.deal_to_project"
    VERSION = "1.0.0"
    SOURCE = {"system": "apideck_crm", "schema": "Opportunity"}
    TARGET = {"contract": "project@1.1.0"}


    def applies(record):
        return record.get("status") != "lost"


    def transform(record):
        if record.get("region") not in ("NA", "EMEA"):
            raise TransformError("no legal entity for region " + repr(record.get("region")),
                                 error_class="business_rule", path=("region",),
                                 rule="mappings/opportunity-to-project/test_deal.yaml:9")
        return {
            "id": "prj-" + record["id"],
            "external_ids": {"hubspot": record["id"]},
            "name": record["title"],
            "customer": {"external_ids": {"hubspot": record["company_id"]}},
            "legal_entity": {"NA": "LE-US-001", "EMEA": "LE-UK-002"}[record["region"]],
            "currency": record.get("currency", "USD"),
            "billing_model": "fixed_fee",
            "status": "planned",
        }


    def key(record):
        return record["id"]
''')

RECORDS = [
    {"id": "1", "title": "Deal one", "company_id": "c1", "region": "NA"},
    {"id": "2", "title": "Lost deal", "company_id": "c1", "region": "NA", "status": "lost"},
    {"id": "3", "title": "Deal three", "company_id": "c3", "region": "APAC"},
    {"id": "4", "title": "", "company_id": "c4", "region": "EMEA"},  # name: minLength 1
]


@pytest.fixture
def module_path(tmp_path: Path) -> Path:
    path = tmp_path / "test_deal.py"
    path.write_text(MODULE, encoding="utf-8")
    return path


@pytest.fixture
def input_path(tmp_path: Path) -> Path:
    path = tmp_path / "in.jsonl"
    lines = [json.dumps(r) for r in RECORDS] + ["{not json"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_run_mapping_against_a_contract(repo_root: Path, module_path: Path,
                                        input_path: Path, tmp_path: Path) -> None:
    result = run_mapping(str(module_path), input=input_path, output=tmp_path / "out.jsonl",
                         dead_letter=tmp_path / "dead.jsonl", workspace=repo_root,
                         progress=False)
    stats = result.stats
    assert (stats.read, stats.written, stats.skipped, stats.dead) == (5, 1, 1, 3)
    assert stats.dead_by_class == {"business_rule": 1, "data_quality": 2}
    assert result.target == "contract:project@1.1.0" and result.exit_code == 1
    written = [json.loads(x) for x in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert [w["id"] for w in written] == ["prj-1"]
    dead = [json.loads(x) for x in (tmp_path / "dead.jsonl").read_text().splitlines()]
    assert [(d["line_number"], d["class"], d["path"]) for d in dead] == [
        (3, "business_rule", "$.region"), (4, "data_quality", "$.name"),
        (5, "data_quality", "$")]
    assert dead[1]["rule"] == "contract:project@1.1.0"


def test_no_validate_writes_schema_failures(repo_root: Path, module_path: Path,
                                            input_path: Path, tmp_path: Path) -> None:
    result = run_mapping(str(module_path), input=input_path, output=tmp_path / "o.jsonl",
                         dead_letter=tmp_path / "d.jsonl", workspace=repo_root,
                         validate=False, with_key=True, progress=False)
    assert (result.stats.written, result.stats.dead) == (2, 2)
    first = json.loads((tmp_path / "o.jsonl").read_text().splitlines()[0])
    assert first["key"] == "1" and first["record"]["id"] == "prj-1"


def test_system_targets(repo_root: Path, tmp_path: Path) -> None:
    ws = load_workspace(repo_root)
    schema, label = target_schema(ws, {"system": "xero_accounting", "schema": "Contact"})
    assert label == "system:xero_accounting/schema:Contact" and "properties" in schema
    with pytest.raises(LoadError, match="re-import it: accord system import xero_projects"):
        target_schema(ws, {"system": "xero_projects", "operation": "createTask"})
    folder = tmp_path / "contracts" / "systems" / "psa"
    folder.mkdir(parents=True)
    (folder / "system.yaml").write_text("accord: system/v1\nname: psa\nkind: psa\n"
                                        "api: openapi.yaml\n")
    (folder / "openapi.yaml").write_text(textwrap.dedent("""\
        openapi: 3.1.0
        info: {title: psa, version: '1'}
        paths:
          /projects:
            post:
              operationId: createProject
              requestBody:
                content:
                  application/json:
                    schema: {type: object, properties: {name: {type: string}}}
              responses: {'201': {description: ''}}
        """))
    schema, label = target_schema(load_workspace(tmp_path),
                                  {"system": "psa", "operation": "createProject"})
    assert label == "system:psa/operation:createProject"
    assert schema["properties"] == {"name": {"type": "string"}}
    with pytest.raises(LoadError, match="did you mean 'harvest'"):
        target_schema(ws, {"system": "harvst", "schema": "TimeEntry"})
    with pytest.raises(LoadError, match="unsupported TARGET"):
        target_schema(ws, {"stream": "x"})


def test_not_a_transformer(tmp_path: Path) -> None:
    path = tmp_path / "nope.py"
    path.write_text("X = 1\n")
    with pytest.raises(LoadError, match="missing applies, transform, key, TARGET"):
        resolve_transformer(str(path))
    broken = tmp_path / "broken.py"
    broken.write_text("raise RuntimeError('boom')\n")
    with pytest.raises(LoadError, match="fails to import"):
        resolve_transformer(str(broken))


def _invoke(*args: str) -> Any:
    return CliRunner().invoke(cli, ["run", *args], catch_exceptions=False)


def test_cli_exit_codes(repo_root: Path, module_path: Path, input_path: Path,
                        tmp_path: Path) -> None:
    common = ["-w", str(repo_root), "-o", str(tmp_path / "o.jsonl"),
              "-d", str(tmp_path / "d.jsonl")]
    findings = _invoke(str(module_path), "-i", str(input_path), *common)
    assert findings.exit_code == 1, findings.output
    assert "WRITTEN" in findings.output.upper() and "3 dead letter(s)" in findings.output
    clean_input = tmp_path / "clean.jsonl"
    clean_input.write_text(json.dumps(RECORDS[0]) + "\n" + json.dumps(RECORDS[1]) + "\n")
    clean = _invoke(str(module_path), "-i", str(clean_input), *common, "--format", "json")
    assert clean.exit_code == 0, clean.output
    summary = json.loads(clean.output)
    assert (summary["read"], summary["written"], summary["skipped"]) == (2, 1, 1)
    missing = _invoke(str(module_path), "-i", str(tmp_path / "missing.jsonl"), *common)
    assert missing.exit_code == 2 and "not found" in missing.output
    assert "Traceback" not in missing.output
    usage = _invoke(str(module_path), "-i", str(input_path))
    assert usage.exit_code == 2
    junit = _invoke(str(module_path), "-i", str(input_path), *common, "--format", "junit")
    assert junit.exit_code == 1 and "<failure" in junit.output
