"""docs/compatibility.md carries the rule table generated from the catalogue."""

from __future__ import annotations

from pathlib import Path

from accord.compat import ChangeType
from accord.compat.rules import reverse_of, rule_table

DOC = Path(__file__).resolve().parents[2] / "docs" / "compatibility.md"


def test_rule_table_in_docs_matches_the_code() -> None:
    text = DOC.read_text(encoding="utf-8")
    start = text.index("<!-- rule-table:start -->\n") + len("<!-- rule-table:start -->\n")
    end = text.index("<!-- rule-table:end -->")
    assert text[start:end] == rule_table(), (
        "docs/compatibility.md is stale; regenerate the table with "
        "accord.compat.rules.rule_table()")


def test_every_kind_has_a_row_and_reverse_is_an_involution_on_simple_pairs() -> None:
    table = rule_table()
    for kind in ChangeType:
        assert f"| `{kind.value}` |" in table
    assert reverse_of(ChangeType.MAX_LENGTH_INCREASED) is ChangeType.MAX_LENGTH_DECREASED
    assert reverse_of(ChangeType.ENUM_ARRAY_NARROWED) is ChangeType.ENUM_ARRAY_EXTENDED
    assert reverse_of(ChangeType.TYPE_NULL_ADDED) is ChangeType.TYPE_NULL_REMOVED
