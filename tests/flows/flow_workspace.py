"""A copy of the repository's workspace (contracts, systems, mappings) to break flows in."""

from __future__ import annotations

import shutil
from pathlib import Path

from accord.check.flow_check import check_flows
from accord.check.ownership_check import check_ownership
from accord.diagnostics import Diagnostic
from accord.project import Workspace, load_workspace

REPO = Path(__file__).resolve().parents[2]


def copy_workspace(dest: Path) -> Path:
    for part in ("contracts", "mappings"):
        shutil.copytree(REPO / part, dest / part)
    return dest


_REPO_WS: list[Workspace] = []


def flow_findings(root: Path, *, same_contracts: bool = True) -> list[Diagnostic]:
    """What accord check says about the flows and ownership of the workspace at ``root``.

    With ``same_contracts`` (the copy's contracts and systems are the repository's), the
    repository's registry and systems, loaded once, stand in for the copy's: loading and
    meta-validating every contract is most of a check's time."""
    ws = load_workspace(root)
    if same_contracts:
        if not _REPO_WS:
            _REPO_WS.append(load_workspace(REPO))
        shared = _REPO_WS[0]
        ws.__dict__["contracts"] = shared.contracts
        ws.__dict__["_systems"] = shared._systems
    return flow_and_owner_findings(ws)


def flow_and_owner_findings(ws: Workspace) -> list[Diagnostic]:
    kinds = {name: s.kind for name, s in ws.systems.items()}
    return [*check_ownership(ws.mappings, ws.contracts, kinds),
            *check_flows(ws.flows, ws.mappings, ws.contracts, ws.systems, ws.resolver,
                         ws._compatible)]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path}"
    path.write_text(text.replace(old, new), "utf-8")


def line_of(path: Path, needle: str) -> int:
    """The 1-based line of the first line containing ``needle``."""
    for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")
