"""``accord pipeline`` renders each spec once: the examples stage runs the modules the
generated stage rendered."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from accord import load_workspace
from accord.codegen import examples, generator
from accord.pipeline import run_pipeline

REPO = Path(__file__).resolve().parents[1]


def test_each_spec_is_rendered_once(monkeypatch: pytest.MonkeyPatch) -> None:
    rendered: list[str] = []
    real = generator.render_spec

    def counting(spec: Any, *args: Any, **kwargs: Any) -> str:
        rendered.append(spec.display)
        return real(spec, *args, **kwargs)

    monkeypatch.setattr(generator, "render_spec", counting)
    monkeypatch.setattr(examples, "render_spec", counting)
    workspace = load_workspace(REPO)
    results = run_pipeline(workspace, only=["generated", "examples"])
    assert [r.ok for r in results] == [True, True], [r.detail for r in results]
    specs = sorted(s.display for s in workspace.mappings.specs)
    assert sorted(rendered) == specs  # once each, not twice
