"""Terminal escape sequences in anything a spec names (names, paths, messages) are never
printed raw: a name can not retitle the terminal, move the cursor or reorder the text."""

from __future__ import annotations

from pathlib import Path

import pytest
from accord.cli.main import cli
from accord.diagnostics import Diagnostic, printable
from click.testing import CliRunner

HOSTILE = ["\x1b]0;pwned\x07", "\x1b[2J", "\x9b31m", "\u202eevil", "\x00", "\ud800", "\x7f"]


@pytest.mark.parametrize("text", HOSTILE)
def test_printable_escapes_what_a_terminal_acts_on(text: str) -> None:
    shown = printable(f"a{text}b")
    assert shown.startswith("a") and shown.endswith("b")
    assert not any(_acted_on(ch) for ch in shown)
    assert "\\" in shown


def _acted_on(ch: str) -> bool:
    code = ord(ch)
    return (code < 0x20 and ch not in "\t\n") or 0x7f <= code <= 0x9f \
        or ch in "\u202e\u2066" or 0xd800 <= code <= 0xdfff


def test_printable_keeps_ordinary_text() -> None:
    assert printable("Zürich — 東京\tline\nnext") == "Zürich — 東京\tline\nnext"


def test_a_finding_never_prints_an_escape_raw() -> None:
    d = Diagnostic("ACC410", "unknown path \x1b]0;pwned\x07", "m\x1b[2J.yaml", 3, 1,
                   "/fields/\u202eevil", "did you mean \x1b[31mred")
    text = d.format()
    assert "\x1b" not in text and "\u202e" not in text and "\x07" not in text


def test_check_output_escapes_a_hostile_field_name(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    assert CliRunner().invoke(cli, ["init", str(ws)]).exit_code == 0
    spec = next((ws / "mappings").glob("*/*.yaml"))
    text = spec.read_text("utf-8")
    spec.write_text(text.replace("fields:\n", 'fields:\n  "x\\e]0;pwned\\a\\e[2J": Name\n', 1),
                    "utf-8")
    result = CliRunner().invoke(cli, ["check", str(ws)])
    assert result.exit_code == 1, result.output
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "\\x1b]0;pwned" in result.output


def test_system_yaml_rewrite_refuses_an_alias_bomb() -> None:
    """`accord system import` rewrites system.yaml: that parse is checked like every other."""
    from accord.errors import LoadError
    from accord.upstream.system_file import update_system_yaml

    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n"
        for i in range(8))
    with pytest.raises(LoadError) as raised:
        update_system_yaml(bomb, "vendor.yaml", "0" * 64)
    assert raised.value.diagnostics[0].code == "ACC020"
