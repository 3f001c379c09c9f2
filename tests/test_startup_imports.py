"""Start-up stays light: ``accord --help``, ``accord run --help`` and ``accord run`` itself never
import the contract-testing harness's heavy dependencies (pact, schemathesis, starlette,
uvicorn, hypothesis, psycopg), nor the OpenAPI loader when the target is a contract."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("pact", "schemathesis", "starlette", "uvicorn", "hypothesis", "psycopg",
         "hypothesis_jsonschema")


def _loaded(args: list[str]) -> tuple[set[str], str]:
    code = ("import sys, json\nfrom accord.cli.main import main\n"
            f"try:\n    main({args!r})\nexcept SystemExit:\n    pass\n"
            "print(json.dumps(sorted(sys.modules)))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, check=True)
    return set(json.loads(done.stdout.strip().splitlines()[-1])), done.stdout + done.stderr


def _heavy(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in HEAVY)


@pytest.mark.parametrize("args", [["--help"], ["run", "--help"]])
def test_help_imports_no_harness_dependency(args: list[str]) -> None:
    modules, _ = _loaded(args)
    assert _heavy(modules) == []


def test_run_imports_no_harness_dependency_nor_the_openapi_loader(tmp_path: Path) -> None:
    record = json.loads((ROOT / "mappings/examples/salesforce/opportunity_closed_won.json")
                        .read_text("utf-8"))
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps(record) + "\n", "utf-8")
    run = ["run", "salesforce.opportunity_to_project", "-i", str(source),
           "-o", str(tmp_path / "out.jsonl"), "-d", str(tmp_path / "dead.jsonl"), "-w", str(ROOT)]
    _loaded(run)  # the first run may render the module to prove it (the proof is kept)
    modules, output = _loaded(run)
    assert (tmp_path / "out.jsonl").read_text("utf-8").count("\n") == 1, output
    assert _heavy(modules) == []
    assert "accord.workspace.openapi" not in modules  # the target is a contract
