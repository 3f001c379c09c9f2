"""Writing ``api:`` and ``upstream:`` into a system.yaml, keeping the rest of the file (its
comments and key order) as the user wrote it."""

from __future__ import annotations

import json
import re
from typing import Any

import yaml

from accord.workspace.yamlio import Yaml12Loader, compose_checked

__all__ = ["API_FILE", "new_system_yaml", "update_system_yaml"]

API_FILE = "openapi.yaml"
_TOP_KEY = re.compile(r"^([A-Za-z_][\w-]*)\s*:")


def _load(text: str) -> Any:
    """The YAML ``text`` of a system.yaml, refused first when it is an alias bomb, recursive or
    too deep (LoadError ACC020-ACC022), as every workspace file is."""
    compose_checked(text, "system.yaml")
    return yaml.load(text, Loader=Yaml12Loader)


def _upstream_block(source: str, sha256: str) -> list[str]:
    return ["upstream:\n", f"  source: {json.dumps(source)}\n", f"  sha256: {sha256}\n"]


def _blocks(lines: list[str]) -> dict[str, tuple[int, int]]:
    """Top-level key -> (first line, end line) of its block; comments and blank lines right
    above the next top-level key belong to that key, not this one."""
    starts = [(i, m.group(1)) for i, line in enumerate(lines)
              if (m := _TOP_KEY.match(line))]
    found: dict[str, tuple[int, int]] = {}
    for n, (start, key) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(lines)
        while end - 1 > start and (not lines[end - 1].strip()
                                   or lines[end - 1].startswith("#")):
            end -= 1
        found[key] = (start, end)
    return found


def update_system_yaml(text: str, source: str, sha256: str) -> str:
    """``text`` with ``api: openapi.yaml`` and ``upstream: {source, sha256}``."""
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    blocks = _blocks(lines)
    if "api" in blocks:
        start, end = blocks["api"]
        replacement = [f"api: {API_FILE}\n"]
        if "upstream" not in blocks:
            replacement += _upstream_block(source, sha256)
        lines[start:end] = replacement
        blocks = _blocks(lines)
    if "upstream" in blocks:
        start, end = blocks["upstream"]
        lines[start:end] = _upstream_block(source, sha256)
    elif "api" not in blocks:
        lines += [f"api: {API_FILE}\n", *_upstream_block(source, sha256)]
    updated = "".join(lines)
    if _parses_to(updated, source, sha256):
        return updated
    data = _load(text)  # an unusual layout: write it out plainly
    data = dict(data) if isinstance(data, dict) else {}
    data["api"] = API_FILE
    data["upstream"] = {"source": source, "sha256": sha256}
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def _parses_to(text: str, source: str, sha256: str) -> bool:
    try:
        data: Any = _load(text)
    except yaml.YAMLError:
        return False
    return isinstance(data, dict) and data.get("api") == API_FILE and \
        data.get("upstream") == {"source": source, "sha256": sha256}


def new_system_yaml(name: str, kind: str, source: str, sha256: str) -> str:
    """A fresh system.yaml for a system imported for the first time."""
    return "".join([
        "accord: system/v1\n", f"name: {name}\n", f"kind: {kind}\n",
        f"# {API_FILE} is derived from upstream by `accord system import {name}`\n",
        f"api: {API_FILE}\n", *_upstream_block(source, sha256),
        "environments:\n", "  local: {simulator: true}\n",
    ])
