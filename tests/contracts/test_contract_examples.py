"""Every canonical contract is valid JSON Schema 2020-12 and its examples validate.

Self-contained on purpose (PyYAML + jsonschema + referencing): it checks the shipped contracts
independently of accord's own registry, so a bug in the registry cannot hide a bad contract.
"""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from accord.workspace.yamlio import load_yaml
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource
from referencing.exceptions import Unresolvable
from referencing.jsonschema import DRAFT202012

REPO = Path(__file__).resolve().parents[2]
CANONICAL = REPO / "contracts" / "canonical"
FILES = sorted(CANONICAL.glob("*/*.yaml"))
IDS = [f"{p.parent.name}@{p.stem}" for p in FILES]

URN = re.compile(r"^urn:accord:contract:(?P<entity>[a-z][a-z0-9_]*):(?P<version>\d+\.\d+\.\d+)$")
SEMVER_FILE = re.compile(r"^\d+\.\d+\.\d+$")
STATUSES = {"draft", "candidate", "released", "deprecated"}
MODES = {"BACKWARD", "BACKWARD_TRANSITIVE", "FORWARD", "FORWARD_TRANSITIVE", "FULL",
         "FULL_TRANSITIVE", "NONE"}
SHARED_TYPES = {"common", "money", "date_range", "address", "external_ids", "record_ref"}
ENTITIES = {"customer", "legal_entity", "contract", "project", "task", "resource", "role",
            "rate_card", "assignment", "time_entry", "expense", "milestone", "invoice",
            "payment", "revenue_event", "cost_center"}
# Keywords whose value is a map of name -> subschema, or a list of subschemas, or a subschema.
MAP_KEYWORDS = ("properties", "patternProperties", "$defs", "dependentSchemas")
LIST_KEYWORDS = ("allOf", "anyOf", "oneOf", "prefixItems")
ONE_KEYWORDS = ("items", "additionalProperties", "unevaluatedProperties", "propertyNames",
                "contains", "not", "if", "then", "else", "unevaluatedItems")

_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")

FORMAT_CHECKER = FormatChecker(formats=list(Draft202012Validator.FORMAT_CHECKER.checkers))


def _is_date_time(value: object) -> bool:
    """RFC 3339 date-time with an explicit offset (jsonschema only checks it if an extra is
    installed, so the contracts' examples would otherwise go unchecked)."""
    if not isinstance(value, str):
        return True
    if not _DATE_TIME.match(value):
        return False
    datetime.fromisoformat(value.replace("z", "Z"))
    return True


FORMAT_CHECKER.checks("date-time", raises=ValueError)(_is_date_time)


@functools.cache
def _load(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    assert isinstance(data, dict), f"{path}: a contract is a YAML mapping"
    return data


def relative_key(path: Path) -> str:
    """How a sibling contract writes a relative `$ref` to ``path``.

    Contract `$id`s are urns, against which a relative reference cannot be joined, so a
    relative `$ref` keeps its literal text as the URI; every contract lives two levels below
    canonical/, hence `../<entity>/<version>.yaml` names the same file from everywhere.
    """
    return f"../{path.parent.name}/{path.name}"


@functools.cache
def registry() -> Registry[Any]:
    pairs: list[tuple[str, Resource[Any]]] = []
    for path in FILES:
        resource = DRAFT202012.create_resource(_load(path))
        pairs.append((_load(path)["$id"], resource))
        pairs.append((relative_key(path), resource))
    return Registry().with_resources(pairs)


def validator(path: Path) -> Draft202012Validator:
    return Draft202012Validator(_load(path), registry=registry(),
                                format_checker=FORMAT_CHECKER)


def walk(schema: Any, pointer: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield (JSON pointer, subschema) for the schema and every subschema in it."""
    if not isinstance(schema, dict):
        return
    yield pointer, schema
    for keyword in MAP_KEYWORDS:
        for name, sub in (schema.get(keyword) or {}).items():
            yield from walk(sub, f"{pointer}/{keyword}/{name}")
    for keyword in LIST_KEYWORDS:
        for index, sub in enumerate(schema.get(keyword) or []):
            yield from walk(sub, f"{pointer}/{keyword}/{index}")
    for keyword in ONE_KEYWORDS:
        if keyword in schema:
            yield from walk(schema[keyword], f"{pointer}/{keyword}")


def open_objects(schema: dict[str, Any]) -> list[str]:
    """Pointers of object subschemas that leave `additionalProperties` implicit."""
    found = []
    for pointer, sub in walk(schema):
        declares_object = sub.get("type") == "object" or "properties" in sub
        if declares_object and not ({"additionalProperties", "unevaluatedProperties"} & set(sub)):
            found.append(pointer or "/")
    return found


def refs(schema: dict[str, Any]) -> list[tuple[str, str]]:
    return [(pointer, sub["$ref"]) for pointer, sub in walk(schema) if "$ref" in sub]


def version_of(path: Path) -> tuple[int, ...]:
    return tuple(int(part) for part in path.stem.split("."))


# --------------------------------------------------------------------------- per contract


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_is_a_valid_2020_12_schema(path: Path) -> None:
    doc = _load(path)
    assert doc.get("$schema") == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(doc)
    for key in ("title", "description"):
        assert isinstance(doc.get(key), str) and doc[key].strip(), f"missing {key}"
    assert doc.get("type") == "object"


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_yaml_reads_the_same_under_yaml_1_1_and_1_2(path: Path) -> None:
    """No scalar whose meaning depends on the YAML version (NO, on, unquoted dates...)."""
    assert load_yaml(path).data == _load(path)


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_x_accord_block_agrees_with_file_name_and_id(path: Path) -> None:
    doc = _load(path)
    assert SEMVER_FILE.match(path.stem), "file name must be MAJOR.MINOR.PATCH.yaml"
    match = URN.match(doc["$id"])
    assert match, f"$id {doc['$id']!r} is not urn:accord:contract:<entity>:<version>"
    block = doc["x-accord"]
    assert set(block) - {"owners"} == {"version", "status", "compatibility", "owner"}
    assert block["version"] == path.stem == match["version"]
    assert match["entity"] == path.parent.name
    assert block["status"] in STATUSES
    assert block["compatibility"] in MODES
    assert isinstance(block["owner"], str) and block["owner"]


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_every_object_states_additional_properties(path: Path) -> None:
    assert open_objects(_load(path)) == []


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_every_ref_resolves(path: Path) -> None:
    doc = _load(path)
    resolver = registry().resolver(base_uri=doc["$id"])
    for pointer, ref in refs(doc):
        try:
            resolved = resolver.lookup(ref)
        except Unresolvable as exc:  # pragma: no cover - the failure message is the point
            pytest.fail(f"{pointer}/$ref: {ref!r} does not resolve: {exc}")
        assert isinstance(resolved.contents, dict), f"{pointer}: {ref} is not a schema"


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_examples_validate(path: Path) -> None:
    doc = _load(path)
    examples = doc.get("examples")
    assert isinstance(examples, list) and examples, "a contract needs at least one example"
    check = validator(path)
    for index, example in enumerate(examples):
        errors = sorted(check.iter_errors(example), key=lambda e: e.json_path)
        assert not errors, f"examples[{index}]: " + "; ".join(
            f"{e.json_path}: {e.message}" for e in errors)


@pytest.mark.parametrize("path", [p for p in FILES if p.parent.name in ENTITIES],
                         ids=[i for i, p in zip(IDS, FILES, strict=True)
                              if p.parent.name in ENTITIES])
def test_records_carry_id_and_crosswalk(path: Path) -> None:
    doc = _load(path)
    assert {"id", "external_ids"} <= set(doc["required"])
    assert doc["properties"]["external_ids"] == {"$ref": "urn:accord:contract:external_ids:1.0.0"}
    assert doc["additionalProperties"] is False


# --------------------------------------------------------------------------- whole model


def test_the_v1_model_is_complete_and_released() -> None:
    released = {p.parent.name for p in FILES
                if p.stem == "1.0.0" and _load(p)["x-accord"]["status"] == "released"}
    assert released == ENTITIES | SHARED_TYPES
    assert {p.parent.name for p in FILES} == ENTITIES | SHARED_TYPES


def test_the_evolution_story_versions_exist() -> None:
    assert _load(CANONICAL / "project" / "1.1.0.yaml")["x-accord"]["status"] == "candidate"
    assert _load(CANONICAL / "time_entry" / "1.1.0.yaml")["x-accord"]["status"] == "draft"


def test_both_ref_forms_are_used() -> None:
    all_refs = [ref for path in FILES for _, ref in refs(_load(path))]
    assert any(ref.startswith("urn:accord:contract:") for ref in all_refs)
    assert any(ref.startswith("../") for ref in all_refs)


@pytest.mark.parametrize("path", [p for p in FILES if version_of(p) > (1, 0, 0)],
                         ids=[i for i, p in zip(IDS, FILES, strict=True)
                              if version_of(p) > (1, 0, 0)])
def test_a_backward_version_reads_every_older_example(path: Path) -> None:
    """BACKWARD: the new schema accepts data written under the previous versions."""
    doc = _load(path)
    assert doc["x-accord"]["compatibility"].startswith(("BACKWARD", "FULL"))
    check = validator(path)
    older = [p for p in FILES if p.parent == path.parent and version_of(p) < version_of(path)]
    assert older
    for old in older:
        for example in _load(old)["examples"]:
            check.validate(example)


# --------------------------------------------------------------------------- the checks bite


def _project_example() -> dict[str, Any]:
    return copy.deepcopy(_load(CANONICAL / "project" / "1.0.0.yaml")["examples"][0])


@pytest.mark.parametrize(("mutate", "keyword"), [
    (lambda r: r.update(budget={"amount": 1000.5, "currency": "USD"}), "type"),
    (lambda r: r.update(budget={"amount": "1,000.50", "currency": "USD"}), "pattern"),
    (lambda r: r.update(currency="usd"), "pattern"),
    (lambda r: r.update(colour="blue"), "additionalProperties"),
    (lambda r: r["customer"].clear(), "anyOf"),
    (lambda r: r["external_ids"].update({"NetSuite": "1"}), "pattern"),
    (lambda r: r.update(status="paused"), "enum"),
    (lambda r: r["schedule"].update(start="2026-13-01"), "format"),
    (lambda r: r.update(updated_at="2026-11-02 10:00"), "format"),
    (lambda r: r.pop("legal_entity"), "required"),
], ids=["float-money", "formatted-money", "lower-currency", "unknown-field", "empty-ref",
        "bad-system-name", "bad-status", "bad-date", "naive-timestamp", "no-legal-entity"])
def test_contracts_reject_bad_records(mutate: Any, keyword: str) -> None:
    record = _project_example()
    mutate(record)
    errors = list(validator(CANONICAL / "project" / "1.0.0.yaml").iter_errors(record))
    assert errors
    leaves = [leaf for e in errors for leaf in (e.context or [e])] + errors
    assert keyword in {leaf.validator for leaf in leaves}, [e.message for e in errors]


def test_open_objects_finds_an_implicit_additional_properties() -> None:
    schema = {"type": "object", "additionalProperties": False,
              "properties": {"a": {"type": "array", "items": {"properties": {"b": {}}}}}}
    assert open_objects(schema) == ["/properties/a/items"]


def test_a_dangling_ref_is_unresolvable() -> None:
    resolver = registry().resolver(base_uri="urn:accord:contract:project:1.0.0")
    with pytest.raises(Unresolvable):
        resolver.lookup("urn:accord:contract:money:9.9.9")
    with pytest.raises(ValidationError):
        validator(CANONICAL / "money" / "1.0.0.yaml").validate({"amount": "1", "currency": "X"})
