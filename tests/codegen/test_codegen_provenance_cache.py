"""`accord run` pays the proof that a module is what its spec generates once per change, not
once per run (accord.codegen.provenance): a recorded proof lets it import the module without
rendering; any change to the workspace's inputs or to the module needs a new proof."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from accord.codegen import load_transformer, provenance
from accord.errors import AccordError, LoadError
from accord.project import load_workspace

SPEC = """accord: mapping/v1
name: t.deal
version: 1.0.0
source: {contract: src@1.0.0}
target: {contract: tgt@1.0.0}
fields:
  id: id
"""
MODULE = "generated/flow/deal.py"


@pytest.fixture()
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ACCORD_CACHE_DIR", str(tmp_path / "cache"))
    ws = tmp_path / "ws"
    (ws / "contracts").mkdir(parents=True)
    (ws / "mappings" / "flow").mkdir(parents=True)
    (ws / "mappings" / "flow" / "deal.yaml").write_text(SPEC, "utf-8")
    assert load_workspace(ws).generate().diagnostics == []
    return ws


@pytest.fixture()
def no_render(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any render from here on fails the test."""
    def refuse(*args: object, **kwargs: object) -> str:
        raise AssertionError("rendered the spec although a proof was recorded")

    import accord.codegen.generator as generator

    monkeypatch.setattr(generator, "render_spec", refuse)


def test_generate_records_the_proof_and_run_imports_without_rendering(
        root: Path, no_render: None) -> None:
    for mapping in ("t.deal", str(root / MODULE)):
        module = load_transformer(mapping, root=root)
        assert module.transform({"id": "a"}) == {"id": "a"}


def test_a_tampered_module_is_rendered_again_and_refused(root: Path) -> None:
    path = root / MODULE
    path.write_text(path.read_text("utf-8") + "X = 1\n", "utf-8")
    with pytest.raises(LoadError) as raised:
        load_transformer(str(path), root=root)
    assert raised.value.diagnostics[0].code == "ACC463"


def test_a_changed_spec_is_rendered_again_and_the_module_refused_as_stale(root: Path) -> None:
    spec = root / "mappings/flow/deal.yaml"
    spec.write_text(SPEC.replace("  id: id", "  id: upper(id)"), "utf-8")
    with pytest.raises(LoadError) as raised:
        load_transformer("t.deal", root=root)
    assert raised.value.diagnostics[0].code == "ACC462"


def test_any_input_change_invalidates_the_proof(root: Path) -> None:
    before = provenance.inputs_digest(root)
    (root / "contracts" / "note.txt").write_text("x", "utf-8")
    assert provenance.inputs_digest(root) not in (None, before)


def test_a_run_that_rendered_records_its_proof(root: Path, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACCORD_CACHE_DIR", str(tmp_path / "other-cache"))
    assert load_transformer("t.deal", root=root).transform({"id": "b"}) == {"id": "b"}
    import accord.codegen.generator as generator

    monkeypatch.setattr(generator, "render_spec", lambda *a, **k: (_ for _ in ()).throw(
        AssertionError("rendered twice")))
    assert load_transformer("t.deal", root=root).transform({"id": "c"}) == {"id": "c"}


def test_off_means_every_run_renders(root: Path, monkeypatch: pytest.MonkeyPatch,
                                     no_render: None) -> None:
    monkeypatch.setenv("ACCORD_CACHE_DIR", "off")
    with pytest.raises(AssertionError, match="rendered the spec"):
        load_transformer("t.deal", root=root)


def test_a_symlink_in_the_inputs_is_never_vouched_for(root: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_text("accord: lookup/v1\nname: x\nvalues: {}\n", "utf-8")
    os.symlink(outside, root / "mappings" / "link.yaml")
    assert provenance.inputs_digest(root) is None
    text = (root / MODULE).read_text("utf-8")
    assert not provenance.vouched(provenance.inputs_digest(root), text)


def test_the_proof_lives_outside_the_workspace(root: Path, tmp_path: Path) -> None:
    recorded = list((tmp_path / "cache" / "verified").iterdir())
    assert len(recorded) == 1
    assert not any(p.is_relative_to(root) for p in recorded)
    assert json.dumps(sorted(p.name for p in recorded))  # plain hex names


def test_an_unwritable_cache_is_no_error(root: Path, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("", "utf-8")
    monkeypatch.setenv("ACCORD_CACHE_DIR", str(blocker))
    try:
        module = load_transformer("t.deal", root=root)
    except AccordError as exc:  # pragma: no cover - the failure this test guards against
        pytest.fail(f"an unwritable cache broke the run: {exc}")
    assert module.transform({"id": "d"}) == {"id": "d"}


def test_a_vouched_module_is_compiled_once(root: Path, tmp_path: Path, no_render: None,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """The compiled code of a vouched module is kept beside its proof: the next run reads it
    instead of compiling the module; an unreadable cached code is compiled again."""
    assert load_transformer("t.deal", root=root).transform({"id": "a"}) == {"id": "a"}
    cached = list((tmp_path / "cache").rglob("*.code"))
    assert len(cached) == 1

    def refuse(*args: object, **kwargs: object) -> object:
        raise AssertionError("compiled the module although its code was cached")

    with monkeypatch.context() as patch:
        patch.setattr(provenance, "compile", refuse, raising=False)
        assert load_transformer("t.deal", root=root).transform({"id": "b"}) == {"id": "b"}
    cached[0].write_bytes(b"not marshal data")
    assert load_transformer("t.deal", root=root).transform({"id": "c"}) == {"id": "c"}
    assert cached[0].read_bytes() != b"not marshal data"  # compiled and kept again
