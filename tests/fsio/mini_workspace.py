"""A small self-contained workspace for the file-safety tests: two contracts, one mapping with a
golden example, no systems (nothing outside the folder is needed)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ACCORD = [sys.executable, "-m", "accord.cli.main"]

CONTRACT = """$schema: https://json-schema.org/draft/2020-12/schema
$id: urn:accord:contract:{name}:1.0.0
type: object
additionalProperties: false
required: [id]
properties:
  id: {{type: string}}
  name: {{type: string}}
x-accord:
  version: 1.0.0
  status: {status}
  compatibility: BACKWARD
  owner: team
"""

SPEC = """accord: mapping/v1
name: flow.src_to_tgt
version: 1.0.0
source: {{contract: src@1.0.0}}
target: {{contract: tgt@1.0.0}}
fields:
  id: id
  name: name
examples:
  - {{input: {input}, output: {output}}}
"""


def make(root: Path, *, status: str = "draft", example_input: str = "../examples/in.json",
         example_output: str = "../examples/out.json") -> Path:
    """Write the workspace at ``root`` and return it."""
    for name in ("src", "tgt"):
        path = root / "contracts" / "canonical" / name / "1.0.0.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(CONTRACT.format(name=name, status=status), "utf-8")
    (root / "mappings" / "flow").mkdir(parents=True)
    (root / "mappings" / "examples").mkdir(parents=True)
    (root / "mappings" / "examples" / "in.json").write_text(json.dumps({"id": "1", "name": "a"}))
    (root / "mappings" / "examples" / "out.json").write_text(json.dumps({"id": "1", "name": "a"}))
    (root / "mappings" / "flow" / "a.yaml").write_text(
        SPEC.format(input=example_input, output=example_output), "utf-8")
    (root / "generated").mkdir()
    return root


def accord(root: Path, *args: str, timeout: float = 120, env: dict[str, str] | None = None
           ) -> subprocess.CompletedProcess[str]:
    """Run the accord CLI in a subprocess in ``root`` (a hang fails the test by its timeout)."""
    full = {**os.environ, "ACCORD_USER": "tester", **(env or {})}
    return subprocess.run([*ACCORD, *args], cwd=root, capture_output=True, text=True,
                          timeout=timeout, env=full, check=False)
