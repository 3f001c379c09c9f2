"""The JSON paths of pacts and mismatches, and which mapping rules depend on a field."""

from __future__ import annotations

from accord.harness.jsonpath import format_path, parse_path, rules_for

RULES = {
    "$.data.name": "m.yaml:10",
    "$.data.owner.id": "m.yaml:11",
    "$.data.owner.name": "m.yaml:12",
    "$.Invoices[0].Contact.ContactID": "m.yaml:20",
    "$.items[*].hours": "m.yaml:30",
    "$['odd key'].x": "m.yaml:40",
    "$.data": "m.yaml:5",
}


def test_paths_round_trip() -> None:
    for path in ("$", "$.a.b", "$.a[0].b", "$['a b'][2]", "$.a[*].b", "$['it\\'s']",
                 "$['a\\nb']", "$['\\u0007x']"):
        segments = parse_path(path)
        assert segments is not None, path
        assert parse_path(format_path(segments)) == segments
    assert parse_path("$.Invoices[0].Contact") == ("Invoices", 0, "Contact")
    assert parse_path("$['a\\nb']") == ("a\nb",)
    assert parse_path("data.name") is None
    assert parse_path("$.a[") is None


def test_the_field_itself_or_everything_inside_it() -> None:
    assert rules_for("$.data.name", RULES) == ["m.yaml:10"]
    assert rules_for("$.data.owner", RULES) == ["m.yaml:11", "m.yaml:12"]
    assert rules_for("$.Invoices[0].Contact.ContactID", RULES) == ["m.yaml:20"]
    assert rules_for("$.Invoices", RULES) == ["m.yaml:20"]
    assert rules_for("$.items[3].hours", RULES) == ["m.yaml:30"]
    assert rules_for("$['odd key']", RULES) == ["m.yaml:40"]


def test_else_the_nearest_enclosing_rule_and_none_for_unknown_fields() -> None:
    assert rules_for("$.data.created", RULES) == ["m.yaml:5"]
    assert rules_for("$.elsewhere", RULES) == []
    assert rules_for(None, {"$.a": "m.yaml:9", "$.b": "m.yaml:10"}) == ["m.yaml:9", "m.yaml:10"]
