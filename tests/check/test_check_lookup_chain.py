"""A lookup that feeds another lookup: ``lookup: [a, b]`` in a rule, checked and generated."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from accord.check import DictResolver, check_mapping_set
from accord.errors import TransformError
from accord.mapping import Lookup, compose_lookups, load_mappings
from hypothesis import given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "codegen"))
from spec_modules import module

SOURCE = {"type": "object", "properties": {"country": {"type": "string"}}}
TARGET = {"type": "object", "additionalProperties": False,
          "properties": {"entity": {"type": "string"}}}
HEAD = """accord: mapping/v1
name: t.a
version: 1.0.0
source: {system: crm, schema: Acct}
target: {contract: account@1.0.0}
"""
TABLES = {
    "region_by_country": "{DE: EMEA, FR: EMEA, US: NA, BR: LATAM}",
    "entity_by_region": "{EMEA: LE-UK-002, NA: LE-US-001}",
}


def workspace(tmp_path: Path, fields: str) -> Path:
    spec = tmp_path / "mappings" / "flow" / "a.yaml"
    spec.parent.mkdir(parents=True, exist_ok=True)
    spec.write_text(HEAD + "fields:\n" + fields, "utf-8")
    write_tables(tmp_path)
    return tmp_path


def write_tables(tmp_path: Path) -> None:
    lookups = tmp_path / "mappings" / "lookups"
    lookups.mkdir(parents=True, exist_ok=True)
    for name, values in TABLES.items():
        (lookups / f"{name}.yaml").write_text(
            f"accord: lookup/v1\nname: {name}\nvalues: {values}\n", "utf-8")


def check(tmp_path: Path, fields: str) -> list[Any]:
    resolver = DictResolver({"crm.Acct": SOURCE, "account@1.0.0": TARGET})
    return check_mapping_set(load_mappings(workspace(tmp_path, fields)), resolver)


def test_a_missing_table_in_a_chain_is_located_at_its_entry(tmp_path: Path) -> None:
    diags = check(tmp_path, "  entity:\n    expr: country\n    lookup:\n"
                            "      - region_by_country\n      - entity_by_regoin\n")
    assert [d.code for d in diags] == ["ACC403"]
    found = diags[0]
    assert found.pointer == "/fields/entity/lookup/1"
    assert (found.line, found.col) == (11, 9)  # the `- entity_by_regoin` line
    assert "entity_by_region" in found.hint  # did you mean


def test_a_value_the_next_table_lacks_is_a_finding_unless_on_miss_says(tmp_path: Path) -> None:
    diags = check(tmp_path, "  entity: {expr: country, lookup: [region_by_country, "
                            "entity_by_region]}\n")
    assert [d.code for d in diags] == ["ACC480"]
    assert diags[0].pointer == "/fields/entity/lookup/1"
    assert "'LATAM'" in diags[0].message and "entity_by_region" in diags[0].message
    clean = check(tmp_path, "  entity: {expr: country, lookup: [region_by_country, "
                            "entity_by_region], on_miss: default, default: LE-XX}\n")
    assert clean == []


def test_inline_tables_chain_too(tmp_path: Path) -> None:
    diags = check(tmp_path, "  entity: {expr: country, lookup: [{DE: x}, {y: z}]}\n")
    assert [d.code for d in diags] == ["ACC480"]
    assert "the inline table has no entry for 'x'" in diags[0].message


def generated(tmp_path: Path, rule: str) -> Any:
    write_tables(tmp_path)
    return module(tmp_path, f"  entity: {rule}\n")[0]


def test_the_generated_chain_translates_twice(tmp_path: Path) -> None:
    mod = generated(tmp_path, "{expr: country, lookup: [region_by_country, entity_by_region]}")
    assert mod.transform({"country": "DE"}) == {"entity": "LE-UK-002"}
    assert mod.transform({"country": "US"}) == {"entity": "LE-US-001"}
    with pytest.raises(TransformError) as failed:
        mod.transform({"country": "BR"})  # BR -> LATAM, which has no legal entity
    assert failed.value.error_class == "mapping_error"


def test_passthrough_keeps_a_missing_value_at_each_step(tmp_path: Path) -> None:
    mod = generated(tmp_path, "{expr: country, lookup: [region_by_country, entity_by_region], "
                              "on_miss: passthrough}")
    assert mod.transform({"country": "BR"}) == {"entity": "LATAM"}
    assert mod.transform({"country": "NA"}) == {"entity": "LE-US-001"}  # skips table one
    assert mod.transform({"country": "XX"}) == {"entity": "XX"}


KEYS = st.sampled_from(["a", "b", "c", "1", "true"])
VALUES = st.one_of(KEYS, st.integers(0, 2), st.booleans(), st.none())
TABLE = st.dictionaries(KEYS, VALUES, max_size=5)


def step(table: dict[str, Any], value: Any, on_miss: str) -> tuple[bool, Any]:
    """The run-time lookup of one value in one table: (hit or kept, result)."""
    if value is None:
        return True, None
    key = value if isinstance(value, str) else ("true" if value is True else "false"
                                                if value is False else str(value))
    if key in table:
        return True, table[key]
    return on_miss == "passthrough", value


@settings(max_examples=300, deadline=None)
@given(st.lists(TABLE, min_size=1, max_size=4), st.one_of(KEYS, st.integers(0, 2)),
       st.sampled_from(["error", "passthrough"]))
def test_the_composed_table_is_the_chain_applied_step_by_step(
        tables: list[dict[str, Any]], value: Any, on_miss: str) -> None:
    composed = compose_lookups([Lookup(f"t{i}", t) for i, t in enumerate(tables)],
                               passthrough=on_miss == "passthrough")
    alive, out = True, value
    for table in tables:
        alive, out = step(table, out, on_miss)
        if not alive:
            break
    key = value if isinstance(value, str) else str(value)
    if alive:
        assert composed.values.get(key, value) == out
    else:
        assert key not in composed.values
