"""Reading: no path a spec names leaves the workspace, no $ref is ever fetched, and a special
file in place of any workspace file is a finding — never a hang, a MemoryError or a
traceback."""

from __future__ import annotations

import http.server
import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest
from accord import fsio
from accord.errors import LoadError
from accord.mapping import load_mappings
from mini_workspace import accord, make

SECRET = "TOP-SECRET-OUTSIDE-THE-WORKSPACE"


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A JSON file beside (not inside) the workspace."""
    path = tmp_path / "outside.json"
    path.write_text(json.dumps({"id": "1", "name": SECRET}))
    return path


@pytest.mark.parametrize("how", ["dotdot", "absolute", "symlink"])
def test_example_paths_may_not_leave_the_workspace(tmp_path: Path, outside: Path,
                                                   how: str) -> None:
    root = tmp_path / "ws"
    named = {"dotdot": "../../../outside.json", "absolute": str(outside),
             "symlink": "../examples/link.json"}[how]
    make(root, example_output=named)
    if how == "symlink":
        (root / "mappings" / "examples" / "link.json").symlink_to(outside)
    [diag] = load_mappings(root).diagnostics
    assert diag.code == "ACC010", diag
    assert (diag.file, diag.line, diag.pointer) == ("mappings/flow/a.yaml", 10,
                                                    "/examples/0/output")
    result = accord(root, "test", "examples")
    assert result.returncode == 1
    assert "ACC010" in result.stdout
    assert SECRET not in result.stdout + result.stderr  # the file was never opened
    assert "Traceback" not in result.stderr


def test_spec_path_allows_dotdot_that_stays_inside(tmp_path: Path) -> None:
    root = make(tmp_path / "ws")
    target, problem = fsio.spec_path(root / "mappings" / "flow", "../examples/in.json", root)
    assert problem is None and target.name == "in.json"


class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        type(self).hits.append(self.path)
        body = b'{"type": "integer"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/schema+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[tuple[str, list[str]]]:
    hits: ClassVar[list[str]] = []
    handler = type("Handler", (_Recorder,), {"hits": hits})
    httpd = http.server.HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}/name.json", hits
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.mark.parametrize("scheme", ["http", "file"])
def test_a_contract_ref_is_never_fetched_in_any_command(tmp_path: Path, outside: Path,
                                                        server: tuple[str, list[str]],
                                                        scheme: str) -> None:
    url, hits = server
    outside.write_text('{"type": "integer"}')
    ref = url if scheme == "http" else outside.as_uri()
    root = make(tmp_path / "ws")
    contract = root / "contracts" / "canonical" / "tgt" / "1.0.0.yaml"
    contract.write_text(contract.read_text().replace(
        "  name: {type: string}", f"  name: {{$ref: '{ref}'}}"))
    (root / "in.jsonl").write_text('{"id": "1", "name": "a"}\n')
    assert accord(root, "generate").returncode == 0
    check = accord(root, "check")
    assert check.returncode == 1 and "ACC106" in check.stdout
    examples = accord(root, "test", "examples")
    run = accord(root, "run", "flow.src_to_tgt", "-i", "in.jsonl", "-o", "out.jsonl",
                 "-d", "dead.jsonl")
    for result in (check, examples, run):
        assert "Traceback" not in result.stderr, result.stderr
    assert run.returncode == 2 and "never fetches" in run.stdout + run.stderr
    assert not (root / "out.jsonl").exists()
    assert hits == []  # the local server was never contacted


def _spec_file(root: Path) -> Path:
    return root / "mappings" / "flow" / "a.yaml"


SPECIALS = ["fifo", "directory", "loop", "devzero", "oversized", "unreadable"]


def _plant(kind: str, path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Put a special file at ``path`` (which already holds a regular one)."""
    content = path.read_bytes()
    path.unlink()
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "directory":
        path.mkdir()
    elif kind == "loop":
        path.symlink_to(path.name)  # points at itself
    elif kind == "devzero":
        path.symlink_to("/dev/zero")
    elif kind == "oversized":
        path.write_bytes(content + b"\n" + b"#" * 4096 + b"\n")
        monkeypatch.setattr(fsio, "MAX_BYTES", 2048)
    elif kind == "unreadable":
        if os.geteuid() == 0:
            pytest.skip("root reads a chmod 000 file anyway; the case needs a non-root user")
        path.write_bytes(content)
        path.chmod(0)


EXPECTED = {"fifo": "ACC011", "directory": "ACC001", "loop": "ACC012", "devzero": "ACC010",
            "oversized": "ACC013", "unreadable": "ACC012"}


@pytest.mark.parametrize("kind", SPECIALS)
@pytest.mark.parametrize("which", ["contract", "spec", "example", "lock"])
def test_special_files_in_place_of_workspace_files_are_findings(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str, which: str) -> None:
    root = make(tmp_path / "ws")
    (root / "contracts" / "registry.lock").write_text(
        '{"accord": "registry-lock/v1", "contracts": {}}\n')
    path = {"contract": root / "contracts" / "canonical" / "src" / "1.0.0.yaml",
            "spec": _spec_file(root),
            "example": root / "mappings" / "examples" / "out.json",
            "lock": root / "contracts" / "registry.lock"}[which]
    _plant(kind, path, monkeypatch)
    from accord.project import load_workspace

    workspace = load_workspace(root)
    diags = workspace.check()
    if which == "example":
        diags = diags + workspace.examples()[1]
    codes = {d.code for d in diags}
    expected = "ACC100" if (which, kind) == ("contract", "directory") else EXPECTED[kind]
    assert expected in codes, [d.format() for d in diags]
    located = [d for d in diags if d.code == expected]
    assert all(d.file for d in located)


@pytest.mark.parametrize("kind", ["fifo", "devzero", "loop"])
def test_cli_check_never_hangs_on_special_files(tmp_path: Path, kind: str,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    root = make(tmp_path / "ws")
    _plant(kind, _spec_file(root), monkeypatch)
    _plant(kind, root / "contracts" / "canonical" / "src" / "1.0.0.yaml", monkeypatch)
    result = accord(root, "check", timeout=60)  # a blocking open would time out here
    assert result.returncode == 1, result.stdout + result.stderr
    assert EXPECTED[kind] in result.stdout
    assert "Traceback" not in result.stderr


def test_read_bytes_refuses_devices_and_caps_sizes(tmp_path: Path) -> None:
    with pytest.raises(LoadError) as info:
        fsio.read_bytes("/dev/zero")
    assert info.value.diagnostics[0].code == "ACC011"
    big = tmp_path / "big.json"
    big.write_bytes(b"x" * 5000)
    with pytest.raises(LoadError) as info:
        fsio.read_bytes(big, limit=4096)
    assert info.value.diagnostics[0].code == "ACC013"
    assert fsio.read_bytes(big, limit=5000) == b"x" * 5000


@pytest.mark.parametrize("how", ["dotdot", "absolute", "symlink"])
def test_a_system_api_path_may_not_leave_the_workspace(tmp_path: Path, how: str) -> None:
    from accord.project import load_workspace

    root = make(tmp_path / "ws")
    api = tmp_path / "vendor.yaml"
    api.write_text("openapi: 3.1.0\ninfo: {title: x, version: '1'}\npaths: {}\n")
    folder = root / "contracts" / "systems" / "crm"
    folder.mkdir(parents=True)
    named = {"dotdot": "../../../../vendor.yaml", "absolute": str(api),
             "symlink": "openapi.yaml"}[how]
    if how == "symlink":
        (folder / "openapi.yaml").symlink_to(api)
    (folder / "system.yaml").write_text(f"accord: system/v1\nname: crm\nkind: crm\n"
                                        f"api: {named}\n")
    workspace = load_workspace(root)
    [diag] = [d for d in workspace.check() if d.code == "ACC010"]
    assert (diag.file, diag.line, diag.pointer) == ("contracts/systems/crm/system.yaml", 4,
                                                    "/api")
    with pytest.raises(LoadError) as info:
        workspace.systems["crm"].schema_names()  # a later use refuses too
    assert info.value.diagnostics[0].code == "ACC010"
