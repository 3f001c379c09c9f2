"""No tracebacks, ever, for a user's input: every command of ``accord --help`` against broken
workspaces and wrong arguments.

A workspace made by ``accord init`` is broken one file at a time (each file kind: missing, empty,
garbage, binary, a folder in its place), and every command runs on it in-process with
``catch_exceptions=False``, so that any exception accord lets escape fails the test with its
traceback. Each run must exit 0, 1 or 2, print no traceback, and when it fails, name a file.
``test_every_command_is_exercised`` keeps the table honest: a new command or subcommand fails it
until it is added here.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from accord.cli import main as cli_main
from accord.cli.main import cli
from click.testing import CliRunner

TRACEBACK = "Traceback (most recent call last)"

MAPPING = "mappings/account-to-customer/crm_account.yaml"
MODULE = "generated/account-to-customer/crm_account.py"
PACT = "generated/pacts/account-to-customer/crm_account.json"

#: file kind -> (path in the `accord init` workspace, names a failing command may cite instead
#: of the file itself: the file that refers to it, or the name of what is missing)
KINDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "contract": ("contracts/canonical/customer/1.0.0.yaml", ("crm_account.yaml", "'customer'")),
    "referenced contract": ("contracts/canonical/address/1.0.0.yaml",
                            ("customer/1.0.0.yaml", "address:1.0.0")),
    "system.yaml": ("contracts/systems/crm/system.yaml", ("crm_account.yaml", "'crm'")),
    "openapi.yaml": ("contracts/systems/crm/openapi.yaml", ("system.yaml", "crm_account.yaml")),
    "mapping": (MAPPING, ("'crm.account_to_customer'", "crm_account.py")),
    "flow": ("mappings/account-to-customer/flow.yaml", ()),
    "lookup": ("mappings/lookups/customer_status_by_crm_status.yaml", ("crm_account.yaml",)),
    "example input": ("mappings/examples/crm/account_customer.json", ("crm_account.yaml",)),
    "example output": ("mappings/examples/canonical/customer_from_crm.json",
                       ("crm_account.yaml",)),
    "registry.lock": ("contracts/registry.lock", ()),
    "generated module": (MODULE, ("crm_account.py",)),
    "run input": ("input.jsonl", ("dead.jsonl",)),  # exit 1: each bad line is a dead letter
}

BREAKS: dict[str, bytes | None] = {
    "missing": None,
    "garbage": b"{{{: [ ]]\n  - :\n\t x\n",
    "binary": bytes(range(256)) * 4,
    "folder": b"",  # a directory where the file should be (handled in _break)
}


def commands(ws: Path) -> dict[str, list[str]]:
    """Every command and subcommand, as a user would call it on the workspace ``ws``."""
    w = str(ws)
    io = ["-i", f"{w}/input.jsonl", "-o", f"{w}/out.jsonl", "-d", f"{w}/dead.jsonl", "-w", w]
    contract = f"{w}/contracts/canonical/customer/1.0.0.yaml"
    return {  # pipeline first (before generate rewrites generated/), generate last
        "pipeline": ["pipeline", w],
        "check": ["check", w],
        "generate --check": ["generate", "--check", w],
        "test examples": ["test", "examples", w],
        "test examples --mapping": ["test", "examples", "--mapping", "crm.account_to_customer", w],
        "test properties": ["test", "properties", "--max-examples", "2", "-w", w],
        "run (spec path)": ["run", f"{w}/{MAPPING}", *io],
        "run (spec name)": ["run", "crm.account_to_customer", *io],
        "run (module)": ["run", f"{w}/{MODULE}", *io],
        "compat": ["compat", contract, contract],
        "diff": ["diff", "customer", "1.0.0", "1.0.0", "--path", w],
        "promote": ["promote", "customer", "1.0.0", "--to", "deprecated", "--dry-run",
                    "--path", w],
        "schema": ["schema", "mapping"],
        # before `system import`, which keeps only what the mappings name, and before `pacts`,
        # which deletes the pact of a mapping that is gone
        "verify --static": ["verify", "--static", "crm", "-w", w],
        "pacts --check": ["pacts", "--check", "-w", w],
        "pacts": ["pacts", "-w", w],
        "can-i-deploy": ["can-i-deploy", "money", "1.0.0", "--to", "local", "-w", w],
        "sync": ["sync", "account-to-customer", "-w", w],  # what reconcile compares
        "reconcile": ["reconcile", "account-to-customer", "--format", "html", "-w", w],
        # the sync state (the workspace database only): the pristine workspace has two
        # exceptions and one lineage step
        "exceptions list": ["exceptions", "list", "--status", "all", "-w", w],
        "exceptions show": ["exceptions", "show", "1", "-w", w],
        "exceptions resolve": ["exceptions", "resolve", "1", "--note", "fixed", "-w", w],
        "exceptions discard": ["exceptions", "discard", "2", "--reason", "a test", "-w", w],
        "lineage": ["lineage", "A-1", "-w", w],
        "periods open": ["periods", "open", "ACME", "2026-01", "-w", w],
        "periods close": ["periods", "close", "ACME", "2025-12", "-w", w],
        "periods list": ["periods", "list", "-w", w],
        "system import --check": ["system", "import", "--check", "--allow-missing-upstream",
                                  "-w", w],
        "system import --from": ["system", "import", "crm", "--from",
                                 f"{w}/contracts/systems/crm/openapi.yaml", "-w", w],
        "simulate --dry-run": ["simulate", "crm", "--dry-run", "-w", w],
        "sync --dry-run": ["sync", "account-to-customer", "--dry-run", "-w", w],
        "exceptions replay": ["exceptions", "replay", "3", "-w", w],
        "crosswalk list": ["crosswalk", "list", "-w", w],
        "crosswalk link": ["crosswalk", "link", "customer", "cust-1", "crm", "A-1", "-w", w],
        "fuzz": ["fuzz", "crm", "--max-examples", "1", "--seed", "1", "-w", w],
        "init": ["init", f"{w}/fresh"],
        "generate": ["generate", w],
    }


def invoke(args: list[str]) -> tuple[int, str]:
    """Run accord in-process; an exception accord lets escape propagates (and fails the test)."""
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    return result.exit_code, result.output  # stdout and stderr, interleaved


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    ws = tmp_path_factory.mktemp("pristine") / "ws"
    code, out = invoke(["init", str(ws)])
    assert code == 0, out
    record = json.loads((ws / KINDS["example input"][0]).read_text())
    (ws / "input.jsonl").write_text(json.dumps(record) + "\n")
    pact = ws / PACT
    if not pact.exists():  # a pact of the crm mapping, for `accord verify`
        pact.parent.mkdir(parents=True, exist_ok=True)
        pact.write_text(json.dumps({
            "consumer": {"name": "crm.account_to_customer"}, "provider": {"name": "crm"},
            "interactions": [{
                "type": "Synchronous/HTTP", "description": "a request for crm Account",
                "request": {"method": "GET", "path": f"/accounts/{record['Id']}"},
                "response": {"status": 200, "body": {
                    "content": {"Id": record["Id"], "Name": record["Name"]},
                    "contentType": "application/json", "encoded": False}}}],
            "metadata": {"pactSpecification": {"version": "4.0"}}}))
    # the crm pact verified against local, so `accord can-i-deploy` answers yes on it
    from accord.harness.matrix import VerificationResult
    from accord.harness.matrix import record as record_verification

    record_verification(ws, VerificationResult(
        PACT, hashlib.sha256(pact.read_bytes()).hexdigest(), "crm.account_to_customer", "crm",
        "local", "2026-12-01T00:00:00Z", "passed"))
    # two open exceptions and a lineage step, for `accord exceptions` and `accord lineage`
    from accord.store import open_store
    from accord.sync import ExceptionQueue, Lineage

    with open_store(ws) as store:
        for source_id in ("A-1", "A-2", "A-3"):
            ExceptionQueue(store).add(
                flow="account-to-customer", error_class="mapping_error", owner="integration",
                record=record, error="lookup miss", rule=f"{MAPPING}:12", system="crm",
                source_id=source_id, correlation_id=f"c-{source_id}")
        Lineage(store).record(correlation_id="c-A-1", flow="account-to-customer", key="A-1",
                              action="land", source_system="crm", source_id="A-1",
                              canonical_id="cust-1")
    return ws


@pytest.fixture
def ws(pristine: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "ws"
    shutil.copytree(pristine, copy)
    return copy


def _break(path: Path, how: str) -> None:
    path.unlink()
    if how == "folder":
        path.mkdir()
        (path / "inside.yaml").write_text("a: 1\n")
    elif (data := BREAKS[how]) is not None:
        path.write_bytes(data)


def _walk(group: click.Group, ctx: click.Context, prefix: str) -> Iterator[str]:
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None, name
        full = f"{prefix}{name}"
        if isinstance(command, click.Group):
            yield from _walk(command, click.Context(command, parent=ctx), f"{full} ")
        else:
            yield full


def test_every_command_is_exercised(tmp_path: Path) -> None:
    """Each command and subcommand that `accord --help` lists is in the table above."""
    listed = set(_walk(cli, click.Context(cli), ""))
    table = commands(tmp_path).values()
    covered = {" ".join(args[:2]) if " ".join(args[:2]) in listed else args[0] for args in table}
    assert listed <= covered, f"add these commands to commands(): {sorted(listed - covered)}"


def test_the_pristine_workspace_passes_every_command(ws: Path) -> None:
    """The baseline: on the workspace as `accord init` made it, each command succeeds (so a
    failure below is caused by the broken file, not by the table)."""
    for name, args in commands(ws).items():
        code, out = invoke(args)
        assert code == 0, f"{name}: {out}"
        assert TRACEBACK not in out


@pytest.mark.parametrize("how", list(BREAKS))
@pytest.mark.parametrize("kind", list(KINDS))
def test_a_broken_file_never_gives_a_traceback(ws: Path, kind: str, how: str) -> None:
    rel, referrers = KINDS[kind]
    _break(ws / rel, how)
    # the file itself, what refers to it, or the spec, module and pact that depend on it
    names = (Path(rel).name, *referrers, "crm_account.yaml", "crm_account.py", "crm_account.json")
    for name, args in commands(ws).items():
        code, out = invoke(args)
        where = f"`accord {' '.join(args)}` with {kind} {how}:\n{out}"
        assert TRACEBACK not in out, where
        assert code in (0, 1, 2), where
        if code:
            assert any(n in out for n in names), f"the message names no file: {where}"
        optional = kind == "run input" or (kind == "flow" and how == "missing")  # flows are
        if name == "pipeline" and not optional:  # optional; it reads every other file
            assert code in (1, 2), f"the pipeline passed: {where}"


def _wrong_arguments(w: str) -> list[tuple[list[str], str]]:
    """(arguments, a text the message must contain): each names the file or value at fault."""
    io = ["-i", f"{w}/input.jsonl", "-o", f"{w}/out.jsonl", "-d", f"{w}/dead.jsonl", "-w", w]
    contract = f"{w}/contracts/canonical/customer/1.0.0.yaml"
    lock = f"{w}/contracts/registry.lock"
    return [
        (["check", f"{w}/nope"], "nope"),
        (["check", "/"], "/: not inside an accord workspace"),
        (["generate", f"{w}/nope"], "nope"),
        (["generate", "--check", f"{w}/nope"], "nope"),
        (["pipeline", f"{w}/nope"], "nope"),
        (["pipeline", "--stage", "bogus", w], "bogus"),
        (["test", "examples", f"{w}/nope"], "nope"),
        (["test", "examples", "--mapping", "nope", w], "nope"),
        (["test", "examples", "--mapping", f"{w}/README.md", w], "README.md"),
        (["test", "properties", "nope", "-w", w], "nope"),
        (["test", "properties", "-w", f"{w}/nope"], "nope"),
        (["run", "nope", *io], "nope"),
        (["run", f"{w}/README.md", *io], "README.md"),
        (["run", contract, *io], "1.0.0.yaml"),
        (["run", f"{w}/generated", *io], "generated"),
        (["run", f"{w}/nope.py", *io], "nope.py"),
        (["run", MAPPING, "-i", f"{w}/nope", *io[2:]], "nope"),
        (["run", MAPPING, "-i", w, *io[2:]], w),
        (["run", MAPPING, *io[:2], "-o", w, *io[4:]], w),
        (["run", MAPPING, *io[:4], "-d", w, *io[6:]], w),
        (["run", MAPPING, *io[:2], "-o", f"{w}/no/dir/out.jsonl", *io[4:]], "no/dir"),
        (["run", MAPPING, *io[:2], "-o", f"{w}/input.jsonl", *io[4:]], "different files"),
        (["run", MAPPING, *io[:6], "-w", f"{w}/nope"], "nope"),
        (["compat", f"{w}/nope", contract], "nope"),
        (["compat", w, contract], w),
        (["compat", "/dev/null", contract], "/dev/null"),
        (["compat", f"{w}/{MAPPING}", lock], "registry.lock"),
        (["diff", "nope", "1.0.0", "1.0.0", "--path", w], "nope"),
        (["diff", "customer", "x", "1.0.0", "--path", w], "no version x"),
        (["diff", "customer", "1.0.0", "9.9.9", "--path", w], "9.9.9"),
        (["diff", "../customer", "1.0.0", "1.0.0", "--path", w], "../customer"),
        (["diff", "customer", "1.0.0", "1.0.0", "--path", f"{w}/nope"], "nope"),
        (["promote", "nope", "1.0.0", "--to", "candidate", "--path", w], "nope"),
        (["promote", "customer", "x.y", "--to", "candidate", "--path", w], "x.y"),
        (["promote", "customer", "1.0.0", "--to", "candidate", "--path", w], "customer@1.0.0"),
        (["promote", "customer", "1.0.0", "--to", "deprecated", "--sunset", "2020-01-01",
          "--dry-run", "--path", w], "2020-01-01"),
        (["promote", "customer", "1.0.0", "--to", "deprecated", "--report", f"{w}/input.jsonl",
          "--dry-run", "--path", w], "input.jsonl"),
        (["schema", "bogus"], "bogus"),
        (["system", "import", "nope", "-w", w], "nope"),
        (["system", "import", "crm", "--check", "-w", w], "crm"),
        (["system", "import", "crm", "--from", f"{w}/nope", "-w", w], "nope"),
        (["system", "import", "crm", "--from", w, "-w", w], w),
        (["system", "import", "crm", "--from", f"{w}/input.jsonl", "-w", w], "input.jsonl"),
        (["system", "import", "crm", "--from", contract, "-w", w], "1.0.0.yaml"),
        (["system", "import", "../x", "--kind", "crm", "--from", lock, "-w", w], "../x"),
        (["verify", "nope", "-w", w], "nope"),
        (["verify", "crm", "--base-url", "ftp://x", "-w", w], "ftp://x"),
        (["verify", "crm", "--base-url", "http://127.0.0.1:1", "-w", w], "127.0.0.1:1"),
        (["verify", "crm", "--env", "nowhere", "-w", w], "nowhere"),
        (["verify", "crm", "--env", "sandbox", "-w", w], "CRM_TOKEN"),
        (["verify", "crm", "--static", "--env", "sandbox", "-w", w], "--static"),
        (["verify", "crm", "--static", "-w", f"{w}/nope"], "nope"),
        (["simulate", "nope", "--dry-run", "-w", w], "nope"),
        (["simulate", "crm", "--state", w, "--dry-run", "-w", w], w),
        (["simulate", "crm", "--state", f"{w}/input.jsonl", "--dry-run", "-w", w],
         "input.jsonl"),
        (["fuzz", "nope", "-w", w], "nope"),
        (["fuzz", "crm", "--checks", "bogus", "-w", w], "bogus"),
        (["fuzz", "crm", "--env", "bogus", "-w", w], "bogus"),
        (["exceptions", "show", "999", "-w", w], "999"),
        (["exceptions", "resolve", "1", "--note", " ", "-w", w], "--note"),
        (["exceptions", "list", "--class", "weather", "-w", w], "weather"),
        (["exceptions", "list", "-w", f"{w}/nope"], "nope"),
        (["lineage", "no-such-id", "-w", w], "no-such-id"),
        (["periods", "open", "ACME", "2026-13", "-w", w], "2026-13"),
        (["periods", "close", "ACME", "last month", "-w", w], "last month"),
        (["init", w], w),
        (["init", f"{w}/input.jsonl"], "input.jsonl"),
        (["init", f"{w}/input.jsonl/below"], "input.jsonl"),
    ]


def test_wrong_arguments_say_what_is_wrong(ws: Path) -> None:
    for args, named in _wrong_arguments(str(ws)):
        code, out = invoke(args)
        where = f"`accord {' '.join(args)}`:\n{out}"
        assert TRACEBACK not in out, where
        assert code in (1, 2), where
        assert named in out, f"the message does not name {named!r}: {where}"


def test_a_name_too_long_for_the_file_system_is_an_error_not_a_crash(ws: Path) -> None:
    """`Path.exists()` / `is_file()` raise OSError (ENAMETOOLONG) where `os.path` answers
    False: each place a path argument is first looked at must say so, with exit 2."""
    w, long = str(ws), str(ws / ("a" * 5000))
    ok_in = f"{w}/input.jsonl"
    io = ["-o", f"{w}/out.jsonl", "-d", f"{w}/dead.jsonl", "-w", w]
    for args in (
        ["check", long], ["generate", long], ["pipeline", long], ["test", "examples", long],
        ["test", "properties", "-w", long], ["test", "properties", long, "-w", w],
        ["diff", "customer", "1.0.0", "1.0.0", "--path", long],
        ["run", f"{long}.yaml", "-i", ok_in, *io], ["run", f"{long}.py", "-i", ok_in, *io],
        ["run", "crm.account_to_customer", "-i", long, *io],
        ["run", "crm.account_to_customer", "-i", ok_in, "-o", long, *io[2:]],
        ["run", "crm.account_to_customer", "-i", ok_in, *io[:2], "-d", long, *io[4:]],
        ["run", "crm.account_to_customer", "-i", ok_in, *io[:4], "-w", long],
        ["compat", long, long], ["system", "import", "crm", "--from", long, "-w", w],
        ["init", long], ["init", f"{long}/below"],
    ):
        code, out = invoke(args)
        where = f"`accord {' '.join(a[:60] for a in args)}`:\n{out[:400]}"
        assert code == 2, where
        assert "aaaa" in out, f"the message does not name the path: {where}"


def test_a_broken_mapping_is_named_when_its_name_is_asked_for(ws: Path) -> None:
    """`run NAME` / `test examples --mapping NAME` for a spec that did not load name the file
    with errors, not only 'no mapping named'."""
    (ws / MAPPING).write_text("accord: mapping/v1\nname: [\n")
    for args in (commands(ws)["run (spec name)"], commands(ws)["test examples --mapping"]):
        code, out = invoke(args)
        assert code == 2, out
        assert "no mapping named 'crm.account_to_customer'" in out
        assert "these files did not load: mappings/account-to-customer/crm_account.yaml" in out


def test_an_unexpected_exception_is_an_internal_error_not_a_traceback(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """The last resort in `accord`'s entry point: a bug is reported as one, with exit 70."""
    @click.command()
    def boom() -> None:
        raise KeyError("not a user's mistake")

    monkeypatch.setattr(cli_main.LazyGroup, "get_command", lambda self, ctx, name: boom)
    monkeypatch.setattr(sys, "argv", ["accord", "check"])
    with pytest.raises(SystemExit) as exit_info:
        cli_main.main(["check"])
    assert exit_info.value.code == 70
    err = capsys.readouterr().err
    assert TRACEBACK not in err
    assert "internal error" in err and "KeyError" in err and "please report" in err


@pytest.mark.parametrize("value", ["abc", "1e3", "-5", "0"])
def test_a_bad_size_limit_in_the_environment_is_a_usage_error(pristine: Path, value: str) -> None:
    """ACCORD_MAX_FILE_BYTES is read when accord starts; a value that is not a positive whole
    number was a ValueError traceback from the import of accord.fsio."""
    env = {**os.environ, "ACCORD_MAX_FILE_BYTES": value}
    done = subprocess.run([sys.executable, "-m", "accord.cli.main", "check", str(pristine)],
                          capture_output=True, text=True, env=env, timeout=120, check=False)
    assert done.returncode == 2, done.stderr
    assert TRACEBACK not in done.stdout + done.stderr
    assert f"ACCORD_MAX_FILE_BYTES={value!r} is not a positive whole number" in done.stderr
