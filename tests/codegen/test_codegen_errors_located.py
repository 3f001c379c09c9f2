"""Errors that say where: a run-time failure names its rule's spec line, the source path and
the target path (never ``rule: null``), and an idempotency key with a missing or null part is
a ``data_quality`` failure, never a key with "null" in it."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from accord.codegen import generate
from accord.errors import TransformError
from accord.mapping import load_mappings
from accord.runtime.stream import run_stream
from spec_modules import module

RULES = """  day: "to_date('yesterday')"
  code: "join('-', [a, b])"
  label: {expr: "upper(kind)", lookup: {A: alpha}}
  lines:
    each: xs
    fields:
      total: "multiply(q, p)"
"""


def _error(mod: Any, record: dict[str, Any]) -> TransformError:
    with pytest.raises(TransformError) as caught:
        mod.transform(record)
    return caught.value


def test_an_expression_error_names_the_rule_and_the_target(tmp_path: Path) -> None:
    mod, _ = module(tmp_path, RULES)
    error = _error(mod, {"a": "x", "b": "y"})
    assert (error.error_class, error.rule, error.path, error.target) == (
        "mapping_error", "mappings/flow/spec.yaml:7", (), ("day",))
    assert "'yesterday' is not an ISO 8601 date" in error.message


def test_join_over_a_missing_part_names_the_part(tmp_path: Path) -> None:
    mod, _ = module(tmp_path, RULES.replace("  day: \"to_date('yesterday')\"\n", ""))
    error = _error(mod, {"a": "x", "kind": "a"})
    assert (error.error_class, error.rule, error.path, error.target) == (
        "data_quality", "mappings/flow/spec.yaml:7", ("b",), ("code",))


def test_an_item_error_names_the_item_in_the_source_and_the_target(tmp_path: Path) -> None:
    mod, _ = module(tmp_path, RULES.replace("  day: \"to_date('yesterday')\"\n", ""))
    error = _error(mod, {"a": "x", "b": "y", "kind": "a",
                         "xs": [{"q": 1, "p": 2}, {"p": 3}]})
    assert (error.error_class, error.rule, error.path, error.target) == (
        "data_quality", "mappings/flow/spec.yaml:12", ("xs", 1, "q"), ("lines", 1, "total"))


def test_a_lookup_miss_gains_its_target(tmp_path: Path) -> None:
    mod, _ = module(tmp_path, RULES.replace("  day: \"to_date('yesterday')\"\n", ""))
    error = _error(mod, {"a": "x", "b": "y", "kind": "b"})
    assert (error.error_class, error.rule, error.path, error.target) == (
        "mapping_error", "mappings/flow/spec.yaml:8", ("kind",), ("label",))


def _with_header(tmp_path: Path, header: str) -> Any:
    """The module of a spec with ``header`` (a `key:` or `when:` line) before its fields."""
    module(tmp_path, "  id: id\n")  # writes the one-spec workspace
    spec = tmp_path / "mappings" / "flow" / "spec.yaml"
    spec.write_text(spec.read_text("utf-8").replace("fields:\n", f"{header}\nfields:\n"),
                    "utf-8")
    files, diags = generate(load_mappings(tmp_path))
    assert diags == []
    namespace: dict[str, Any] = {}
    exec(compile(files[0].text, "generated.py", "exec"), namespace)
    return type("Module", (), namespace)


def _keyed(tmp_path: Path, key: str) -> Any:
    return _with_header(tmp_path, f'key: "{key}"')


@pytest.mark.parametrize("key, record, path", [
    ("join('|', [to_string(id), updated || ''])", {"updated": "t"}, ("id",)),
    ("join('|', [to_string(id), updated || ''])", {"id": None}, ("id",)),
    ("join('|', [src, upper(to_string(acct.id))])", {"src": "s", "acct": {}}, ("acct", "id")),
    ("join('|', [src, join('-', [a, to_string(b)])])", {"src": "s", "a": "x"}, ("b",)),
    ("to_string(id)", {}, ("id",)),
    ("[id, src]", {"src": "s"}, ("id",)),
    ("join('|', [id, src])", {"src": "s"}, ("id",)),
])
def test_a_key_with_a_missing_or_null_part_is_a_data_quality_failure(
        tmp_path: Path, key: str, record: dict[str, Any], path: tuple[str, ...]) -> None:
    mod = _keyed(tmp_path, key)
    with pytest.raises(TransformError) as caught:
        mod.key(record)
    error = caught.value
    assert (error.error_class, error.path, error.rule) == (
        "data_quality", path, "mappings/flow/spec.yaml:6")


@pytest.mark.parametrize("key, record, expected", [
    ("join('|', [to_string(id), updated || ''])", {"id": 7}, "7|"),
    ("join('|', [to_string(id), updated || ''])", {"id": 7, "updated": "t"}, "7|t"),
    ("[id, src]", {"id": 1, "src": "s"}, '[1,"s"]'),
    ("coalesce(id, src)", {"src": "s"}, "s"),
    # one path, and a join of paths: read by subscript, concatenated when all are strings
    ("a.id", {"a": {"id": "k"}}, "k"),
    ("a.id", {"a": {"id": 5}}, "5"),
    ("join('|', [id, a.src])", {"id": "x", "a": {"src": "s"}}, "x|s"),
    ("join('', [id, src])", {"id": "x", "src": "s"}, "xs"),
])
def test_a_key_with_every_part_present(tmp_path: Path, key: str, record: dict[str, Any],
                                       expected: str) -> None:
    assert _keyed(tmp_path, key).key(record) == expected


@pytest.mark.parametrize("record", [{"id": 1, "src": "s"}, {"id": ["x"], "src": ["y"]},
                                    {"id": "x", "src": {"a": 1}}])
def test_a_joined_key_of_non_strings_fails_as_join_does(tmp_path: Path,
                                                        record: dict[str, Any]) -> None:
    """The concatenation is taken only for strings: two lists (which ``+`` would join) or a
    number give join()'s own error, located at the key's line."""
    mod = _keyed(tmp_path, "join('', [id, src])")
    with pytest.raises(TransformError) as caught:
        mod.key(record)
    assert caught.value.rule == "mappings/flow/spec.yaml:6"
    assert "join" in caught.value.message


def test_an_array_key_with_a_null_part_computed_by_a_function(tmp_path: Path) -> None:
    mod = _keyed(tmp_path, "[id, coalesce(a, b)]")
    with pytest.raises(TransformError) as caught:
        mod.key({"id": 1})
    assert caught.value.error_class == "data_quality"


def test_the_specs_when_names_its_line(tmp_path: Path) -> None:
    mod = _with_header(tmp_path, "when: \"to_date(day) == '2024-01-01'\"")
    with pytest.raises(TransformError) as caught:
        mod.applies({"day": "soon"})
    assert caught.value.rule == "mappings/flow/spec.yaml:6"


def test_dead_letters_carry_class_rule_source_and_target(tmp_path: Path) -> None:
    mod = _keyed(tmp_path, "join('|', [to_string(id), src])")
    lines = [json.dumps(r).encode() + b"\n" for r in (
        {"id": 1, "src": "a"}, {"src": "b"}, {"id": 3})]
    out, dead = io.BytesIO(), io.BytesIO()
    stats = run_stream(mod, lines, out, dead, with_key=True)
    assert (stats.written, stats.dead) == (1, 2)
    assert json.loads(out.getvalue())["key"] == "1|a"
    letters = [json.loads(line) for line in dead.getvalue().splitlines()]
    assert [(d["class"], d["rule"], d["path"], d["target"]) for d in letters] == [
        ("data_quality", "mappings/flow/spec.yaml:6", "$.id", None),
        ("data_quality", "mappings/flow/spec.yaml:6", "$.src", None),
    ]
    assert all("null" not in json.dumps(json.loads(line).get("key", ""))
               for line in out.getvalue().splitlines())


def test_the_harvest_mapping_never_writes_the_text_null(repo_root: Path) -> None:
    import accord

    mod = accord.load_transformer(repo_root / "generated/time-to-actuals/harvest_time_entry.py")
    example = repo_root / "mappings/examples/harvest/time_entry_approved.json"
    record = json.loads(example.read_text("utf-8"))
    del record["user"]["id"]
    with pytest.raises(TransformError) as caught:
        mod.transform(record)
    assert (caught.value.error_class, caught.value.path, caught.value.target) == (
        "data_quality", ("user", "id"), ("resource", "external_ids", "harvest"))
    del record["id"]
    with pytest.raises(TransformError) as caught:
        mod.key(record)
    assert (caught.value.error_class, caught.value.path) == ("data_quality", ("id",))


def test_an_output_the_target_refuses_names_the_rule_that_wrote_it(tmp_path: Path) -> None:
    from accord.runtime.validate import compile_validator

    mod, _ = module(tmp_path, "  code: c\n  lines:\n    each: xs\n    fields:\n"
                              "      qty: q\n      label: name\n"
                              "  picked:\n    each: \"xs[?q > `1`]\"\n    fields: {qty: q}\n")
    item = {"type": "object", "properties": {"qty": {"type": "integer"},
                                             "label": {"maxLength": 3}}}
    schema = {"type": "object", "properties": {
        "code": {"type": "string"}, "lines": {"type": "array", "items": item},
        "picked": {"type": "array", "items": {"properties": {"qty": {"maximum": 2}}}}}}
    records = [{"c": 5}, {"c": "x", "xs": [{"q": 1}, {"q": "2"}]},
               {"c": "x", "xs": [{"q": 1, "name": "long"}]},
               {"c": "x", "xs": [{"q": 1}, {"q": 3}]}]
    out, dead = io.BytesIO(), io.BytesIO()
    run_stream(mod, [json.dumps(r).encode() for r in records], out, dead,
               validator=compile_validator(schema), schema_rule="contract:tgt@1.0.0")
    letters = [json.loads(line) for line in dead.getvalue().splitlines()]
    assert [(d["rule"], d["path"], d["target"]) for d in letters] == [
        ("mappings/flow/spec.yaml:7", "$.c", "$.code"),
        ("mappings/flow/spec.yaml:11", "$.xs[1].q", "$.lines[1].qty"),
        ("mappings/flow/spec.yaml:12", "$.xs[0].name", "$.lines[0].label"),
        # over a filter, output item 0 is not source item 0: the path says "an item"
        ("mappings/flow/spec.yaml:15", "$.xs[*].q", "$.picked[0].qty"),
    ]
    assert all(d["class"] == "data_quality" and "contract:tgt@1.0.0" in d["message"]
               for d in letters)
