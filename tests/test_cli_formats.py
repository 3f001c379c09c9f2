"""`accord schema FORMAT` covers every file format of a workspace, and each published schema
accepts the shipped files of its format and refuses the others; `accord compat` refuses files
that are not contracts (exit 2, ACC481, saying what the file is)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from accord.cli.main import cli
from accord.workspace.yamlio import load_yaml
from click.testing import CliRunner
from jsonschema import Draft202012Validator

REPO = Path(__file__).resolve().parents[1]
SHIPPED = {
    "contract": sorted((REPO / "contracts" / "canonical").glob("*/*.yaml")),
    "system": sorted((REPO / "contracts" / "systems").glob("*/system.yaml")),
    "mapping": sorted(p for p in (REPO / "mappings").glob("*/*.yaml")
                      if p.parent.name not in ("lookups", "examples") and p.name != "flow.yaml"),
    "lookup": sorted((REPO / "mappings" / "lookups").glob("*.yaml")),
    "flow": sorted((REPO / "mappings").glob("*/flow.yaml")),
}


def published(name: str) -> dict[str, Any]:
    result = CliRunner().invoke(cli, ["schema", name])
    assert result.exit_code == 0, result.output
    schema: dict[str, Any] = json.loads(result.output)
    Draft202012Validator.check_schema(schema)
    return schema


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_each_format_schema_accepts_its_files_and_refuses_the_others(name: str) -> None:
    validator = Draft202012Validator(published(name))
    assert SHIPPED[name], name
    for path in SHIPPED[name]:
        errors = [e.message for e in validator.iter_errors(load_yaml(path).data)]
        assert errors == [], f"{path}: {errors[:3]}"
    for other, paths in SHIPPED.items():
        if other != name:
            assert not validator.is_valid(load_yaml(paths[0]).data), (name, paths[0])


def test_the_contract_schema_holds_the_loaders_rules() -> None:
    validator = Draft202012Validator(published("contract"))
    good = load_yaml(SHIPPED["contract"][0]).data
    assert not validator.is_valid({**good, "$id": "urn:accord:contract:Project:1.0"})
    assert not validator.is_valid({**good, "x-accord": {**good["x-accord"], "status": "live"}})
    assert not validator.is_valid({**good, "type": "objekt"})  # JSON Schema itself


def test_an_unknown_format_is_a_usage_error() -> None:
    result = CliRunner().invoke(cli, ["schema", "flowz"])
    assert result.exit_code == 2
    assert "contract" in result.output and "lookup" in result.output


@pytest.mark.parametrize(("path", "said"), [
    (SHIPPED["mapping"][0], "it is an accord mapping file (accord: mapping/v1)"),
    (SHIPPED["lookup"][0], "it is an accord lookup file (accord: lookup/v1)"),
    (SHIPPED["system"][0], "it is an accord system file (accord: system/v1)"),
    (SHIPPED["system"][0].parent / "openapi.yaml", "it is an API description (OpenAPI)"),
    (REPO / "mappings" / "examples" / "harvest" / "time_entry_approved.json",
     "it has no JSON Schema keyword at its top level"),
])
def test_compat_refuses_files_that_are_not_contracts(path: Path, said: str) -> None:
    contract = str(SHIPPED["contract"][0])
    for args in ([contract, str(path)], [str(path), contract]):
        result = CliRunner().invoke(cli, ["compat", *args, "--format", "json"])
        assert result.exit_code == 2, result.output
        [finding] = json.loads(result.output)["diagnostics"]
        assert finding["code"] == "ACC481"
        assert finding["file"].endswith(path.name)
        assert said in finding["message"]


def test_compat_refuses_an_invalid_schema_at_its_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("type: object\nproperties:\n  a: {type: strng}\n", "utf-8")
    result = CliRunner().invoke(cli, ["compat", str(SHIPPED["contract"][0]), str(bad)])
    assert result.exit_code == 2
    assert "bad.yaml:3:" in result.output and "ACC481" in result.output
    assert "not a valid JSON Schema 2020-12" in result.output
    assert "Traceback" not in result.output


def test_compat_still_compares_two_contracts() -> None:
    old, new = (REPO / "contracts" / "canonical" / "project" / f"{v}.yaml"
                for v in ("1.0.0", "1.1.0"))
    result = CliRunner().invoke(cli, ["compat", str(old), str(new)])
    assert result.exit_code == 0, result.output
