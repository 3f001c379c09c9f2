"""``accord compat``: exit codes and the three output formats."""

from __future__ import annotations

import json
from pathlib import Path

from accord.cli.main import cli
from click.testing import CliRunner

REPO = Path(__file__).resolve().parents[2]
P10 = str(REPO / "contracts/canonical/project/1.0.0.yaml")
P11 = str(REPO / "contracts/canonical/project/1.1.0.yaml")


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["compat", *args])
    return result.exit_code, result.output


def test_compatible_text_exits_0() -> None:
    code, out = run(P10, P11)
    assert code == 0
    assert "BACKWARD (strict) compatible" in out
    assert "OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL  /properties/roles" in out


def test_forward_json_exits_1_with_the_documented_shape() -> None:
    code, out = run(P10, P11, "--mode", "forward", "--format", "json")
    assert code == 1
    payload = json.loads(out)
    assert set(payload) == {"compatible", "mode", "changes"}
    assert payload["compatible"] is False and payload["mode"] == "FORWARD"
    assert set(payload["changes"][0]) == {"type", "pointer", "message", "compatible"}
    broken = [c["pointer"] for c in payload["changes"] if not c["compatible"]]
    assert "/properties/opportunity_id" in broken


def test_breaking_first_in_text_and_junit_failures(tmp_path: Path) -> None:
    old = tmp_path / "old.yaml"
    new = tmp_path / "new.yaml"
    old.write_text("type: object\nadditionalProperties: false\nproperties:\n"
                   "  a: {type: string, maxLength: 9}\n  b: {type: string}\n")
    new.write_text("type: object\nadditionalProperties: false\nproperties:\n"
                   "  a: {type: string, maxLength: 5, description: d}\n")
    code, out = run(str(old), str(new))
    assert code == 1
    lines = [line for line in out.splitlines() if line[:8].strip() in ("ok", "BREAKING")]
    assert [line.split()[0] for line in lines] == ["BREAKING", "BREAKING", "ok"]
    code, out = run(str(old), str(new), "--format", "junit")
    assert code == 1 and out.count("<failure") == 2


def test_bad_input_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("a: [1,\n")
    assert run(str(bad), P11)[0] == 2
    assert run(str(tmp_path / "missing.yaml"), P11)[0] == 2
    assert run(P10, P11, "--mode", "SIDEWAYS")[0] == 2
    dangling = tmp_path / "dangling.yaml"
    dangling.write_text("$ref: 'urn:accord:contract:nope:1.0.0'\n")
    code, out = run(P10, str(dangling))
    assert code == 2 and "ACC310" in out
