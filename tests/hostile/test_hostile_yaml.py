"""Hostile YAML in every file kind: alias bombs, recursive aliases and deep nesting are located
findings (ACC020-ACC022) within a second, in bounded memory — never a hang, a MemoryError or a
RecursionError. Each case runs `accord check` in a subprocess with a timeout and a 1 GiB
address-space limit."""

from __future__ import annotations

from pathlib import Path

import pytest
from accord.errors import LoadError
from accord.workspace.yamlio import MAX_DEPTH, load_yaml_text
from hostile_ws import ALIAS_BOMB, YAML_KINDS, guarded, guarded_python, workspace

DEEP_FLOW = "a: " + "[" * 600 + "]" * 600 + "\n"
DEEP_BLOCK = "".join(" " * i + "k:\n" for i in range(600)) + " " * 600 + "k: 1\n"
RECURSIVE = "a: &a [x, *a]\n"


def _finding(tmp_path: Path, kind: str, text: str) -> dict[str, object]:
    rel = YAML_KINDS[kind]
    root = workspace(tmp_path, {rel: text})
    outcome = guarded(["check", "--format", "json"], root)
    assert outcome.returncode in (1, 2), outcome.stdout + outcome.stderr
    assert "Traceback" not in outcome.stderr, outcome.stderr
    found = [d for d in outcome.json()["diagnostics"] if d["file"].endswith(rel)]
    assert found, outcome.stdout
    return found[0]


@pytest.mark.parametrize("kind", sorted(YAML_KINDS))
def test_alias_bomb_is_a_finding_in_every_file_kind(tmp_path: Path, kind: str) -> None:
    d = _finding(tmp_path, kind, ALIAS_BOMB)
    assert d["code"] == "ACC020" and "alias" in str(d["message"]), d
    assert d["line"] == 1


@pytest.mark.parametrize("kind", sorted(YAML_KINDS))
def test_recursive_alias_is_a_finding_in_every_file_kind(tmp_path: Path, kind: str) -> None:
    d = _finding(tmp_path, kind, RECURSIVE)
    assert d["code"] == "ACC021" and d["line"] == 1, d


@pytest.mark.parametrize("kind", sorted(YAML_KINDS))
@pytest.mark.parametrize("text", [DEEP_FLOW, DEEP_BLOCK], ids=["flow", "block"])
def test_600_deep_nesting_is_a_finding_in_every_file_kind(tmp_path: Path, kind: str,
                                                          text: str) -> None:
    d = _finding(tmp_path, kind, text)
    assert d["code"] == "ACC022", d
    assert f"{MAX_DEPTH} levels" in str(d["message"]) and int(str(d["line"])) >= 1


def test_alias_bomb_is_refused_within_a_second_of_cpu(tmp_path: Path) -> None:
    outcome = guarded_python(f"""
        import time
        from accord.errors import LoadError
        from accord.workspace.yamlio import load_yaml_text
        started = time.process_time()
        try:
            load_yaml_text({ALIAS_BOMB!r})
        except LoadError as exc:
            print(exc.diagnostics[0].code, time.process_time() - started)
        """, tmp_path, timeout=30)
    code, seconds = outcome.stdout.split()
    assert code == "ACC020" and float(seconds) < 1.0, outcome


def test_wider_bomb_also_refused_in_bounded_memory(tmp_path: Path) -> None:
    """12 levels of 12 aliases (~9e12 nodes) under a 1 GiB address-space limit."""
    bomb = 'a: &a ["x","x","x","x","x","x","x","x","x","x","x","x"]\n' + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 12) + "]\n"
        for i in range(11))
    d = _finding(tmp_path, "mapping", bomb)
    assert d["code"] == "ACC020"


def test_aliases_that_expand_modestly_still_load() -> None:
    doc = load_yaml_text("base: &b {a: 1, b: [1, 2]}\nx: *b\ny: {<<: *b, c: 3}\n"
                         "many: [" + ", ".join(["*b"] * 500) + "]\n")
    assert doc.data["y"] == {"a": 1, "b": [1, 2], "c": 3} and len(doc.data["many"]) == 500


def test_nesting_at_the_limit_loads_and_one_more_level_does_not() -> None:
    ok = "[" * (MAX_DEPTH - 1) + "1" + "]" * (MAX_DEPTH - 1)
    assert load_yaml_text(ok).data is not None
    with pytest.raises(LoadError) as caught:
        load_yaml_text("[" + ok + "]")
    assert caught.value.diagnostics[0].code == "ACC022"


def test_nesting_through_an_alias_counts_the_expansion() -> None:
    text = "a: &a " + "[" * 40 + "1" + "]" * 40 + "\nb: " + "[" * 30 + "*a" + "]" * 30 + "\n"
    with pytest.raises(LoadError) as caught:
        load_yaml_text(text)
    assert caught.value.diagnostics[0].code == "ACC022"
