"""Loading contracts/systems/*/system.yaml: the reference systems and located findings."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from accord.errors import LoadError
from accord.project import load_workspace
from accord.workspace.systems import check_systems, get_system, load_systems
from external_suites import VENDOR_FILES

#: Systems whose API description is derived from a vendor's by `accord system import`.
REFERENCE = {name: kind for name, (kind, _) in VENDOR_FILES.items()}
#: Systems whose API description is a hand-written file beside their system.yaml.
LOCAL = {"salesforce": "crm"}


def test_reference_systems_load_clean_from_inside_the_workspace(repo_root: Path) -> None:
    systems, diags = load_systems(repo_root)
    assert diags == []
    assert {n: s.kind for n, s in systems.items()} == {**REFERENCE, **LOCAL}
    for name, system in systems.items():
        assert system.api_path.resolve().is_relative_to(system.path.parent.resolve()), name
        assert system.environments["local"].simulator is True
        assert (system.upstream is None) == (name in LOCAL), name


def test_reference_upstreams_are_the_vendor_files(repo_root: Path,
                                                  shared_systems: Path) -> None:
    systems, _ = load_systems(repo_root)
    for name, (_, file) in VENDOR_FILES.items():
        upstream = systems[name].upstream
        assert upstream is not None
        # the vendor's file, by a URL pinned to a commit (never a path outside the repository)
        assert upstream["source"].startswith("https://raw.githubusercontent.com/")
        assert upstream["source"].endswith("/" + Path(file).name)
        assert upstream["sha256"] == hashlib.sha256((shared_systems / file).read_bytes()) \
            .hexdigest()


def test_reference_api_descriptions_convert_without_findings(repo_root: Path) -> None:
    systems, diags = load_systems(repo_root)
    assert check_systems(systems, diags) == []
    assert "Invoice" in systems["xero_accounting"].schema_names()
    assert len(systems["xero_accounting"].schema_names()) < 140  # the vendor file has 140


def test_workspace_exposes_systems(repo_root: Path) -> None:
    ws = load_workspace(repo_root)
    assert set(ws.systems) == set(REFERENCE) | set(LOCAL)
    assert not [d for d in ws.check() if d.code.startswith("ACC2")]


def _write(root: Path, name: str, text: str) -> Path:
    path = root / "contracts" / "systems" / name / "system.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _api(root: Path, name: str, text: str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n"
         "paths: {}\ncomponents: {schemas: {Thing: {type: object}}}\n") -> str:
    api = root / "contracts" / "systems" / name / "openapi.yaml"
    api.parent.mkdir(parents=True, exist_ok=True)
    api.write_text(text, encoding="utf-8")
    return hashlib.sha256(api.read_bytes()).hexdigest()


def test_sha_mismatch_is_a_finding_with_the_new_pin(tmp_path: Path) -> None:
    digest = _api(tmp_path, "erp")
    _write(tmp_path, "erp", "accord: system/v1\nname: erp\nkind: erp\n"
                            f"api:\n  path: openapi.yaml\n  sha256: '{'0' * 64}'\n")
    systems, diags = load_systems(tmp_path)
    assert [d.code for d in diags] == ["ACC202"]
    assert (diags[0].line, diags[0].col) == (6, 11)
    assert "API description changed" in diags[0].message
    assert digest in diags[0].hint and "review" in diags[0].hint
    assert "erp" in systems  # still usable: the finding is about review, not loading


@pytest.mark.parametrize(("text", "expected"), [
    ("accord: system/v1\nname: erp\nkind: bank\napi: openapi.yaml\n",
     [("ACC200", 3, 7, "kind 'bank' is not one of")]),
    ("accord: system/v1\nname: erp\nkind: erp\napi: openapi.yaml\nenviroments: {}\n",
     [("ACC200", 5, 1, "Additional properties")]),
    ("accord: system/v1\nname: erp\nkind: erp\n",
     [("ACC200", 1, 1, "'api' is a required property")]),
    ("accord: system/v1\nname: erp\nkind: erp\napi: openapi.yaml\n"
     "environments:\n  sandbox: {base_url: ftp://x, auth: {bearer_env: token}}\n",
     [("ACC200", 6, 23, "does not match"), ("ACC200", 6, 51, "does not match")]),
    ("accord: system/v1\nname: other\nkind: erp\napi: openapi.yaml\n",
     [("ACC201", 2, 7, "does not match its directory")]),
    ("accord: system/v1\nname: erp\nkind: erp\napi: missing.yaml\n",
     [("ACC203", 4, 6, "not found")]),
    ("accord: system/v1\nname: erp\nkind: erp\napi: {path: openapi.yaml, sha256: abc}\n",
     [("ACC200", 4, 35, "does not match")]),
    ("accord: system/v1\nname: erp\nkind: erp\nkind: psa\napi: openapi.yaml\n",
     [("ACC006", 4, 1, "duplicate key")]),
])
def test_bad_system_yaml_findings_are_located(tmp_path: Path, text: str,
                                              expected: list[tuple[str, int, int, str]]) -> None:
    _api(tmp_path, "erp")
    _write(tmp_path, "erp", text)
    _, diags = load_systems(tmp_path)
    got = [(d.code, d.line, d.col) for d in diags]
    assert got == [(c, line, col) for c, line, col, _ in expected], [d.format() for d in diags]
    for diag, (*_, fragment) in zip(diags, expected, strict=True):
        assert fragment in diag.message
        assert diag.file == "contracts/systems/erp/system.yaml"
        assert diag.hint


def test_unpinned_api_outside_the_system_dir_warns(tmp_path: Path) -> None:
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "api.yaml").write_text("openapi: 3.1.0\npaths: {}\n")
    _write(tmp_path, "crm", "accord: system/v1\nname: crm\nkind: crm\n"
                            "api: ../../../specs/api.yaml\n")
    systems, diags = load_systems(tmp_path)
    assert [(d.code, d.severity.value) for d in diags] == [("ACC209", "warning")]
    assert systems["crm"].schema_names() == []


def test_stray_file_and_unknown_system(tmp_path: Path) -> None:
    (tmp_path / "contracts" / "systems").mkdir(parents=True)
    (tmp_path / "contracts" / "systems" / "README.md").write_text("hi")
    systems, diags = load_systems(tmp_path)
    assert [d.code for d in diags] == ["ACC210"]
    _api(tmp_path, "netsuite")
    _write(tmp_path, "netsuite", "accord: system/v1\nname: netsuite\nkind: erp\n"
                                 "api: openapi.yaml\n")
    systems, _ = load_systems(tmp_path)
    with pytest.raises(LoadError, match="did you mean 'netsuite'"):
        get_system(systems, "netsuit")


def test_broken_api_description_is_a_finding(tmp_path: Path) -> None:
    _api(tmp_path, "erp", "openapi: 3.0.0\npaths: {}\ncomponents:\n  schemas:\n"
                          "    A: {$ref: '#/components/schemas/Missing'}\n")
    _write(tmp_path, "erp", "accord: system/v1\nname: erp\nkind: erp\napi: openapi.yaml\n")
    systems, diags = load_systems(tmp_path)
    found = check_systems(systems, diags)
    assert [d.code for d in found] == ["ACC206"]
    assert "Missing" in found[0].message
    _api(tmp_path, "erp", "swagger: '2.0'\npaths: {}\n")
    systems, diags = load_systems(tmp_path)
    assert [d.code for d in check_systems(systems, diags)] == ["ACC205"]
