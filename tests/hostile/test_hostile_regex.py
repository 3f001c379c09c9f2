"""Catastrophic `pattern`s (``^(a+)+$`` against ``"aaa…!"``) are never a hang: the checker's
contract examples (ACC108) and literal checks (ACC427), the compat differ and the run-time
validator each finish quickly. Each command runs in a subprocess with a timeout: without the
safe engine, these cases backtrack for hours."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from accord import patterns
from accord.runtime.validate import compile_validator
from hostile_ws import CONTRACT, MAPPING, YAML_KINDS, guarded, workspace

EVIL = "^(a+)+$"
LONG = "a" * 40 + "!"
#: RE2 refuses it (a lookahead): it runs on `regex` under the time budget.
EVIL_LOOKAROUND = "^(a|aa)+(?=b)"


@pytest.mark.parametrize("pattern", [EVIL, EVIL_LOOKAROUND])
def test_contract_example_against_a_catastrophic_pattern(tmp_path: Path, pattern: str) -> None:
    contract = CONTRACT.replace('pattern: "^[A-Z]{3}$"', f"pattern: {json.dumps(pattern)}") \
        .replace("currency: USD}", f"currency: {LONG}}}")
    root = workspace(tmp_path, {YAML_KINDS["contract"]: contract})
    outcome = guarded(["check", "--format", "json"], root, timeout=60)
    assert outcome.returncode == 1, outcome.stdout + outcome.stderr
    (d,) = [d for d in outcome.json()["diagnostics"] if d["code"] == "ACC108"]
    assert d["pointer"] == "/examples/0/currency"
    assert "does not match" in d["message"] or "ran longer than" in d["message"]


def test_catastrophic_pattern_property_name_in_an_example(tmp_path: Path) -> None:
    contract = CONTRACT.replace(
        "additionalProperties: false",
        f"additionalProperties: false\npatternProperties: {{{json.dumps(EVIL)}: {{}}}}") \
        .replace("currency: USD}", f"currency: USD, {LONG}: 1}}")
    root = workspace(tmp_path, {YAML_KINDS["contract"]: contract})
    outcome = guarded(["check", "--format", "json"], root, timeout=60)
    assert outcome.returncode == 1, outcome.stdout + outcome.stderr
    assert any(d["code"] == "ACC108" and "not allowed" in d["message"]
               for d in outcome.json()["diagnostics"]), outcome.stdout


def test_catastrophic_pattern_property_under_unevaluated_properties(tmp_path: Path) -> None:
    """`unevaluatedProperties` finds the keys a `patternProperties` evaluates: that search
    runs on the safe engine too."""
    contract = CONTRACT.replace(
        "additionalProperties: false",
        f"unevaluatedProperties: false\npatternProperties: {{{json.dumps(EVIL)}: {{}}}}") \
        .replace("currency: USD}", f"currency: USD, {LONG}: 1}}")
    root = workspace(tmp_path, {YAML_KINDS["contract"]: contract})
    outcome = guarded(["check", "--format", "json"], root, timeout=60)
    assert outcome.returncode == 1, outcome.stdout + outcome.stderr
    assert any(d["code"] == "ACC108" and "Unevaluated properties are not allowed" in d["message"]
               for d in outcome.json()["diagnostics"]), outcome.stdout


def test_mapping_literal_against_a_catastrophic_pattern(tmp_path: Path) -> None:
    contract = CONTRACT.replace('pattern: "^[A-Z]{3}$"', f"pattern: {json.dumps(EVIL)}") \
        .replace("currency: USD}", "currency: aaa}")
    spec = MAPPING.replace("currency: {expr: Currency, default: USD}",
                           f"currency: {{expr: Currency, default: '{LONG}'}}")
    root = workspace(tmp_path, {YAML_KINDS["contract"]: contract, YAML_KINDS["mapping"]: spec})
    outcome = guarded(["check", "--format", "json"], root, timeout=60)
    assert outcome.returncode == 1, outcome.stdout + outcome.stderr
    (d,) = [d for d in outcome.json()["diagnostics"] if d["code"] == "ACC427"]
    assert "does not match" in d["message"]


def test_linear_engine_for_plain_patterns_and_budget_for_backtracking_ones() -> None:
    started = time.perf_counter()
    assert patterns.search(EVIL, "a" * 100_000 + "!") is False
    assert time.perf_counter() - started < 0.5
    assert patterns.search("(?<=a)b", "ab") is True  # lookbehind: the `regex` fallback
    assert patterns.search("^[A-Z]{3}$", "EUR\n") is False  # ECMA-262 `$`, unlike `re`
    started = time.perf_counter()
    with pytest.raises(patterns.PatternError) as caught:
        patterns.search(EVIL_LOOKAROUND, LONG)
    assert caught.value.timeout and time.perf_counter() - started < 5
    with pytest.raises(patterns.PatternError):
        patterns.search("(", "x")


@pytest.mark.parametrize("pattern", [EVIL, "^(a+)+\\1$", EVIL_LOOKAROUND])
def test_run_time_validator_is_bounded(pattern: str) -> None:
    """jsonschema-rs: the linear `regex` crate, or fancy-regex with a backtracking limit."""
    validator = compile_validator({"type": "string", "pattern": pattern})
    started = time.perf_counter()
    for text in (LONG, "a" * 100_000 + "!"):
        assert validator.errors(text)
    assert time.perf_counter() - started < 5
