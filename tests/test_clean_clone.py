"""A clone with nothing beside it is the whole product: the workspace reads only its own files,
`accord pipeline` passes, and pytest collects without the external suites."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
ACCORD = Path(sys.executable).with_name("accord")


def _clone(tmp_path: Path) -> Path:
    """The repository's tracked workspace files copied to ``tmp_path/clone`` (no ../shared)."""
    root = tmp_path / "clone"
    for part in ("contracts", "mappings", "generated"):
        shutil.copytree(REPO / part, root / part,
                        ignore=shutil.ignore_patterns("__pycache__"))
    assert not (tmp_path / "shared").exists()
    return root


def test_every_api_description_lives_inside_its_system(repo_root: Path) -> None:
    for file in sorted((repo_root / "contracts" / "systems").glob("*/system.yaml")):
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
        api = data["api"] if isinstance(data["api"], str) else data["api"]["path"]
        path = (file.parent / api).resolve()
        assert path.is_relative_to(file.parent.resolve()) and path.is_file(), (file, api)


def test_pipeline_passes_in_a_copy_with_nothing_beside_it(tmp_path: Path) -> None:
    root = _clone(tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith("ACCORD_")}
    result = subprocess.run([str(ACCORD), "pipeline"], cwd=root, env=env, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "pipeline passed" in result.stdout
    assert "ACC203" not in result.stdout and "ACC402" not in result.stdout


def test_pytest_collects_without_the_external_suites(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ACCORD_")}
    env.update(ACCORD_JMESPATH_COMPLIANCE=str(tmp_path / "none"),
               ACCORD_VENDOR_SYSTEMS=str(tmp_path / "none"))
    result = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "tests"],
                            cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    tail = result.stdout.strip().splitlines()[-1]
    assert "tests collected" in tail and "error" not in tail, result.stdout[-3000:]
    # the compliance module is skipped with a reason that says how to get the suite
    assert "jmespath.test" in result.stdout and "ACCORD_JMESPATH_COMPLIANCE=<dir>" in result.stdout
    strict = subprocess.run([sys.executable, "-m", "pytest", "-q", "-x",
                             "tests/expr/test_expr_compliance.py"], cwd=REPO,
                            env={**env, "ACCORD_REQUIRE_EXTERNAL_SUITES": "1"},
                            capture_output=True, text=True, timeout=300)
    assert strict.returncode != 0
    assert "ACCORD_JMESPATH_COMPLIANCE" in strict.stdout and "jmespath.test" in strict.stdout


def test_no_shipped_file_points_outside_the_repository(repo_root: Path) -> None:
    """A user's clone has no ../shared: every path a shipped file records stays inside."""
    for file in sorted((repo_root / "contracts" / "systems").glob("*/system.yaml")):
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
        source = (data.get("upstream") or {}).get("source", "")
        if not source:
            continue  # a hand-written description (salesforce)
        assert source.startswith("https://") or (
            source and (file.parent / source).resolve().is_relative_to(repo_root.resolve())), \
            (file, source)
    # README.md is also the package's long description (PKG-INFO): a user reads it first
    for file in [repo_root / "README.md", *(repo_root / "contracts").rglob("*.yaml"),
                 *(repo_root / "mappings").rglob("*")]:
        if file.is_file():
            assert "shared/" not in file.read_text(encoding="utf-8", errors="replace"), file


def test_import_check_in_a_clone_says_where_it_looked(tmp_path: Path) -> None:
    root = _clone(tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith("ACCORD_")}
    env["ACCORD_OFFLINE"] = "1"  # the recorded upstreams are the vendors' URLs: never fetched here
    missing = subprocess.run([str(ACCORD), "system", "import", "--check"], cwd=root, env=env,
                             capture_output=True, text=True, timeout=120)
    assert missing.returncode == 2, missing.stdout + missing.stderr
    assert missing.stdout.count("ACC220") == 5 and "looked at" in missing.stdout
    assert "raw.githubusercontent.com/jolicode/harvest-openapi-generator/" in missing.stdout
    assert "ACCORD_OFFLINE is set" in missing.stdout
    allowed = subprocess.run([str(ACCORD), "system", "import", "--check",
                              "--allow-missing-upstream"], cwd=root, env=env,
                             capture_output=True, text=True, timeout=120)
    assert allowed.returncode == 0, allowed.stdout + allowed.stderr
    assert "not re-derived" in allowed.stdout


def test_shipped_descriptions_are_what_import_derives(repo_root: Path) -> None:
    """Re-derived from the vendors' full files (an external suite), every shipped description
    is byte for byte what is committed."""
    from accord.cli.main import cli
    from click.testing import CliRunner
    from external_suites import VENDOR_FILES, VENDOR_SYSTEMS

    vendor = VENDOR_SYSTEMS.require()
    for name, (_, file) in VENDOR_FILES.items():
        result = CliRunner().invoke(cli, ["system", "import", name, "--check", "--from",
                                          str(vendor / file), "-w", str(repo_root)],
                                    catch_exceptions=False)
        assert result.exit_code == 0, result.output
