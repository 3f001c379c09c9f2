"""Property tests through transformers (`accord test properties`, accord.harness.properties):
records generated from 2020-12 source schemas, the runtime's path, seeded defects found with
the shrunk record and the rule."""

from __future__ import annotations

import json
import textwrap
import types
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from accord import codes
from accord.cli.main import cli
from accord.errors import TransformError
from accord.harness.properties import check_properties, check_transformer, record_strategy
from accord.mapping import discover_specs
from accord.project import load_workspace
from accord.runtime.validate import compile_validator
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings

REPO = Path(__file__).resolve().parents[2]
#: records per shipped mapping in this suite (the command's default is larger)
BOUNDED = 12


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


def module(**functions: Any) -> types.ModuleType:
    """A hand-written transformer module: applies/transform/key (and RULES) as given."""
    made = types.ModuleType("handwritten")
    made.__file__ = __file__
    made.applies = functions.get("applies", lambda record: True)  # type: ignore[attr-defined]
    made.transform = functions["transform"]  # type: ignore[attr-defined]
    made.key = functions.get("key", lambda record: "k")  # type: ignore[attr-defined]
    made.TARGET = {}  # type: ignore[attr-defined]
    if "RULES" in functions:
        made.RULES = functions["RULES"]  # type: ignore[attr-defined]
    return made


SOURCE = {"type": "object", "required": ["id", "amount"], "additionalProperties": False,
          "properties": {"id": {"type": "string", "minLength": 1},
                         "amount": {"type": "integer"},
                         "note": {"type": ["string", "null"]}}}
TARGET = {"type": "object", "required": ["id", "amount"], "additionalProperties": False,
          "properties": {"id": {"type": "string", "minLength": 1},
                         "amount": {"type": "integer", "maximum": 1000}}}


# -- the shipped workspace -----------------------------------------------------------------

# the mapping specs (not lookups, examples or a folder's flow.yaml)
SHIPPED = sorted(p.relative_to(REPO).as_posix() for p in discover_specs(REPO))


@pytest.mark.parametrize("spec", SHIPPED)
def test_every_shipped_mapping_passes_its_property_test(spec: str) -> None:
    """Bounded: BOUNDED records each here; `accord test properties` runs 50 by default."""
    workspace = load_workspace(REPO)
    results, diagnostics = check_properties(workspace, [spec], max_examples=BOUNDED, seed=0)
    assert [d.format() for d in diagnostics] == []
    [result] = results
    assert result.passed, result.diagnostic
    assert sum(v for k, v in result.outcomes.items() if k != "breaks_target") >= BOUNDED // 2


def test_the_shipped_workspace_reaches_written_outputs() -> None:
    """Golden inputs blended with generated values reach the rules past `when` and the
    lookups: some records of each mapping are written, not only skipped or dead-lettered."""
    workspace = load_workspace(REPO)
    results, _ = check_properties(workspace, ["apideck_opportunity", "harvest_time_entry"],
                                  max_examples=30, seed=0)
    for result in results:
        assert result.outcomes.get("written", 0) > 0, (result.name, result.outcomes)


# -- seeded defects --------------------------------------------------------------------------

def test_a_transformer_raising_is_found_with_the_shrunk_record_and_its_line() -> None:
    def transform(record: dict[str, Any]) -> dict[str, Any]:
        if record["amount"] > 100:
            return {"id": record["id"], "amount": {"small": 1}[record["id"]]}  # KeyError
        return {"id": record["id"], "amount": record["amount"]}

    result = check_transformer(module(transform=transform), SOURCE, TARGET, max_examples=200,
                               seed=1)
    assert not result.passed and result.failure is not None
    failure = result.failure
    assert failure.code == codes.PROPERTY_UNHANDLED
    assert "transform() raised KeyError" in failure.message
    # shrunk: the smallest amount that fails, the shortest id, no optional property
    assert failure.input == {"id": "0", "amount": 101}
    assert failure.rule is not None and failure.rule.startswith(f"{__file__}:")
    line = int(failure.rule.rpartition(":")[2])
    assert "KeyError" in Path(__file__).read_text().splitlines()[line - 1]


def test_the_same_seed_draws_the_same_records() -> None:
    seen: list[list[Any]] = [[], []]
    for run_number in (0, 1):
        def transform(record: dict[str, Any], into: list[Any] = seen[run_number]) -> Any:
            into.append(record)
            return {"id": record["id"], "amount": 1}

        check_transformer(module(transform=transform), SOURCE, TARGET, max_examples=20, seed=7)
    assert seen[0] == seen[1] and len(seen[0]) >= 20


def test_an_output_the_target_rejects_is_a_typed_dead_letter_by_default_and_fails_strict() -> None:
    rules = {("amount",): ("mappings/x/deal.yaml:12", ("amount",))}

    def transform(record: dict[str, Any]) -> dict[str, Any]:
        return {"id": record["id"], "amount": record["amount"]}  # the target caps amount

    lenient = check_transformer(module(transform=transform, RULES=rules), SOURCE, TARGET,
                                max_examples=60, seed=0)
    assert lenient.passed
    assert lenient.outcomes.get("breaks_target", 0) > 0
    assert lenient.outcomes["breaks_target"] == lenient.outcomes["dead:data_quality"]
    strict = check_transformer(module(transform=transform, RULES=rules), SOURCE, TARGET,
                               max_examples=60, seed=0, strict=True)
    assert strict.failure is not None and strict.failure.code == codes.PROPERTY_BREAKS_TARGET
    assert strict.failure.rule == "mappings/x/deal.yaml:12"
    assert strict.failure.input == {"id": "0", "amount": 1001}
    assert "1001 is greater than the maximum of 1000" in strict.failure.message


def test_a_typed_transform_error_is_a_pass() -> None:
    def transform(record: dict[str, Any]) -> dict[str, Any]:
        if record["amount"] < 0:
            raise TransformError("negative", error_class="business_rule", path=("amount",),
                                 rule="mappings/x/deal.yaml:3")
        return {"id": record["id"], "amount": min(record["amount"], 1000)}

    result = check_transformer(module(transform=transform), SOURCE, TARGET, max_examples=60)
    assert result.passed, result.failure
    assert result.outcomes.get("dead:business_rule", 0) > 0
    assert result.outcomes.get("written", 0) > 0


def test_a_value_json_cannot_hold_fails() -> None:
    result = check_transformer(
        module(transform=lambda r: {"id": r["id"], "amount": {1, 2}},
               RULES={("amount",): ("mappings/x/deal.yaml:7", ("amount",))}),
        SOURCE, TARGET, max_examples=10)
    assert result.failure is not None and result.failure.code == codes.PROPERTY_NOT_JSON
    assert result.failure.path == "$.amount" and result.failure.rule == "mappings/x/deal.yaml:7"


def test_a_key_that_is_not_a_string_fails() -> None:
    result = check_transformer(
        module(transform=lambda r: {"id": r["id"], "amount": 1}, key=lambda r: 42),
        SOURCE, TARGET, max_examples=10)
    assert result.failure is not None and result.failure.code == codes.PROPERTY_UNDELIVERED
    assert "key() returned int" in result.failure.message


def test_two_answers_for_one_record_fail() -> None:
    calls = iter(range(10**6))
    result = check_transformer(
        module(transform=lambda r: {"id": r["id"], "amount": next(calls) % 2}),
        SOURCE, TARGET, max_examples=10)
    assert result.failure is not None and result.failure.code == codes.PROPERTY_UNSTABLE


def test_a_source_schema_without_records_is_reported() -> None:
    impossible = {"type": "object", "required": ["a"], "properties": {"a": False}}
    result = check_transformer(module(transform=lambda r: r), impossible, TARGET,
                               max_examples=5)
    assert not result.passed and result.failure is None
    assert result.diagnostic is not None and result.diagnostic.code == codes.PROPERTY_NO_RECORDS


# -- generation ------------------------------------------------------------------------------

SCHEMA_2020 = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "urn:accord:contract:probe:1.0.0",
    "type": "object",
    "required": ["pair", "kind"],
    "properties": {
        "pair": {"type": "array", "prefixItems": [{"type": "integer", "minimum": 1},
                                                   {"type": "string", "enum": ["a", "b"]}],
                 "items": False, "minItems": 2},
        "kind": {"$ref": "#/$defs/kind"},
        "card": {"type": "string", "minLength": 1},
        "billing": {"type": "string", "minLength": 1},
        "id": {"type": "string", "readOnly": True},
    },
    "dependentRequired": {"card": ["billing"]},
    "unevaluatedProperties": False,
    "$defs": {"kind": {"type": "string", "const": "deal"}},
}


def test_generated_records_follow_json_schema_2020_12() -> None:
    validator = compile_validator(SCHEMA_2020)
    seen = {"card": 0, "id": 0}

    @settings(max_examples=80, database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(record_strategy(SCHEMA_2020))
    def valid(record: dict[str, Any]) -> None:
        assert validator.is_valid(record), record
        # 2020-12: 1.0 is an integer too, and the generator draws it
        assert float(record["pair"][0]).is_integer() and record["pair"][1] in ("a", "b")
        if "card" in record:
            assert "billing" in record
            seen["card"] += 1
        seen["id"] += "id" in record  # readOnly properties are part of a record read

    valid()
    assert seen["card"] > 0 and seen["id"] > 0


def test_canonical_contracts_generate_through_their_refs() -> None:
    workspace = load_workspace(REPO)
    spec = workspace.mappings.get("xero_invoice")
    assert spec is not None
    schema = workspace.resolver.resolve(spec.source, "source")
    validator = compile_validator(schema)

    @settings(max_examples=5, database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(record_strategy(schema))
    def valid(record: dict[str, Any]) -> None:
        assert validator.is_valid(record)
        assert all(abs(n) <= 2**53 - 1 for n in _integers(record))

    valid()


def _integers(value: Any) -> list[int]:
    if isinstance(value, bool):
        return []
    if isinstance(value, int):
        return [value]
    if isinstance(value, dict):
        return [n for v in value.values() for n in _integers(v)]
    if isinstance(value, list):
        return [n for v in value for n in _integers(v)]
    return []


# -- the command -----------------------------------------------------------------------------

@pytest.fixture()
def scaffold(tmp_path: Path) -> Path:
    code, out = run("init", str(tmp_path / "ws"))
    assert code == 0, out
    return tmp_path / "ws"


def test_command_passes_a_fresh_workspace_and_reports_each_format(scaffold: Path) -> None:
    code, out = run("test", "properties", "-w", str(scaffold), "--max-examples", "15")
    assert code == 0, out
    assert "PASS crm.account_to_customer (mappings/account-to-customer/crm_account.yaml): " \
        "15 records:" in out
    assert "1/1 mapping(s) passed (seed 0, up to 15 records each)" in out
    code, out = run("test", "properties", "-w", str(scaffold), "--max-examples", "15",
                    "--format", "json")
    assert code == 0
    payload = json.loads(out)
    assert payload["passed"] == 1 and payload["total"] == 1 and payload["seed"] == 0
    assert payload["results"][0]["outcomes"]["written"] > 0
    code, out = run("test", "properties", "-w", str(scaffold), "--max-examples", "5",
                    "--format", "junit")
    assert code == 0
    case = ElementTree.fromstring(out).find(".//testcase")
    assert case is not None and case.get("name") == "properties crm.account_to_customer"


def test_command_strict_names_the_rule_and_prints_the_shrunk_record(scaffold: Path) -> None:
    """A seeded defect: the mapping writes a currency the target's pattern refuses."""
    spec = scaffold / "mappings/account-to-customer/crm_account.yaml"
    text = spec.read_text()
    spec.write_text(text.replace("default_currency: {expr: CurrencyIsoCode, default: USD}",
                                 "default_currency: \"'usd'\""))
    line = next(n for n, row in enumerate(spec.read_text().splitlines(), 1)
                if row.startswith("  default_currency:"))
    code, out = run("test", "properties", "-w", str(scaffold), "--max-examples", "40",
                    "--strict", "--seed", "3")
    assert code == 1, out
    assert "FAIL crm.account_to_customer" in out
    assert f"rule:  mappings/account-to-customer/crm_account.yaml:{line}" in out
    assert "ACC773" in out and "$.default_currency" in out
    shrunk = out.split("shrunk input:\n", 1)[1].split("\n  detail:", 1)[0]
    record = json.loads(textwrap.dedent(shrunk))
    assert record["Status"] in ("Active", "Hold")  # past the spec's `when`: reached the rule
    assert "reproduce: accord test properties crm.account_to_customer --seed 3 " \
        "--max-examples 40 --strict" in out
    code, out = run("test", "properties", "-w", str(scaffold), "--max-examples", "40",
                    "--strict", "--seed", "3", "--format", "json")
    assert code == 1
    [finding] = json.loads(out)["diagnostics"]
    assert finding["code"] == "ACC773" and finding["line"] == line
    assert finding["file"] == "mappings/account-to-customer/crm_account.yaml"


def test_command_refuses_an_unknown_mapping_and_a_zero_bound(scaffold: Path) -> None:
    code, out = run("test", "properties", "-w", str(scaffold), "crm_acount")
    assert code == 2 and "no mapping named 'crm_acount'" in out
    code, out = run("test", "properties", "-w", str(scaffold), "--max-examples", "0")
    assert code == 2 and "--max-examples" in out
