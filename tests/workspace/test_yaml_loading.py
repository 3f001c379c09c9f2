from __future__ import annotations

from pathlib import Path

import pytest
from accord.errors import LoadError
from accord.workspace.yamlio import Position, load_yaml, load_yaml_text


def fail(text: str) -> LoadError:
    with pytest.raises(LoadError) as info:
        load_yaml_text(text, path="x.yaml")
    return info.value


def test_positions_are_recorded_per_pointer() -> None:
    doc = load_yaml_text("a: 1\nb:\n  - x: 2\n  - {y: 3}\n", path="x.yaml")
    assert doc.data == {"a": 1, "b": [{"x": 2}, {"y": 3}]}
    assert doc.position("/a") == Position(1, 4)
    assert doc.position("/b/0/x") == Position(3, 8)
    assert doc.position("/b/1/y") == Position(4, 9)
    assert doc.position("/b/0/x", key=True) == Position(3, 5)
    # a pointer below a known node falls back to its nearest ancestor
    assert doc.position("/b/1/y/zz") == Position(4, 9)


def test_yaml_12_core_schema_keeps_norway_and_dates_as_strings() -> None:
    doc = load_yaml_text("country: NO\nflag: yes\nok: true\nday: 2026-11-01\n", path="x.yaml")
    assert doc.data == {"country": "NO", "flag": "yes", "ok": True, "day": "2026-11-01"}


def test_duplicate_key_names_both_lines() -> None:
    err = fail("name: a\nother: 1\nname: b\n")
    (diag,) = err.diagnostics
    assert (diag.code, diag.line, diag.col) == ("ACC006", 3, 1)
    assert "first defined on line 1" in diag.message
    assert diag.hint


def test_nested_duplicate_key() -> None:
    (diag,) = fail("a:\n  b: 1\n  b: 2\n").diagnostics
    assert (diag.code, diag.line, diag.col) == ("ACC006", 3, 3)


def test_tab_indentation() -> None:
    (diag,) = fail("a:\n  b: 1\n\tc: 2\n").diagnostics
    assert (diag.code, diag.line, diag.col) == ("ACC004", 3, 1)
    assert "spaces" in diag.hint


def test_malformed_yaml_has_line_and_column() -> None:
    (diag,) = fail("a: [1, 2\nb: 3\n").diagnostics
    assert diag.code == "ACC005"
    assert diag.line == 2
    assert "malformed YAML" in diag.message


def test_two_documents_are_refused() -> None:
    (diag,) = fail("a: 1\n---\nb: 2\n").diagnostics
    assert diag.code == "ACC005" and "---" in diag.hint


@pytest.mark.parametrize("text", ["", "   \n", "# just a comment\n", "---\n"])
def test_empty_file(text: str) -> None:
    (diag,) = fail(text).diagnostics
    assert diag.code == "ACC003"


def test_non_utf8_bytes(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_bytes(b"a: 1\nname: caf\xe9\n")
    with pytest.raises(LoadError) as info:
        load_yaml(path)
    (diag,) = info.value.diagnostics
    assert (diag.code, diag.line, diag.col) == ("ACC002", 2, 10)
    assert "0xe9" in diag.message


def test_directory_where_a_file_should_be(tmp_path: Path) -> None:
    with pytest.raises(LoadError) as info:
        load_yaml(tmp_path)
    assert info.value.diagnostics[0].code == "ACC001"


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(LoadError) as info:
        load_yaml(tmp_path / "nope.yaml")
    assert "not found" in info.value.diagnostics[0].message


def test_utf8_bom_is_accepted() -> None:
    assert load_yaml_text("\ufeffa: 1\n", path="x.yaml").data == {"a": 1}
