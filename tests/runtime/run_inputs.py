"""Inputs for comparing ways of running a mapping: each shipped spec's golden example inputs
and variants of them that exercise every outcome (written, skipped, each dead-letter class)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

SHIPPED = ["salesforce.opportunity_to_project", "apideck.opportunity_to_project",
           "bamboohr.employee_to_resource", "xero.invoice_from_invoice",
           "harvest.time_entry_to_time_entry", "xero_projects.time_entry_to_time_entry"]


def golden_inputs(root: Path, mapping: str) -> list[dict[str, Any]]:
    """The spec's golden example inputs."""
    for spec in root.glob("mappings/*/*.yaml"):
        document = yaml.safe_load(spec.read_text("utf-8"))
        if isinstance(document, dict) and document.get("name") == mapping:
            return [json.loads((spec.parent / example["input"]).read_text("utf-8"))
                    for example in document.get("examples", [])]
    raise AssertionError(f"no spec named {mapping}")


def variants(records: list[dict[str, Any]]) -> list[bytes]:
    """Each golden record, then it without each top-level field and with each one null, and
    lines that are not records at all: written, skipped and every class of dead letter."""
    lines = []
    for record in records:
        lines.append(json.dumps(record).encode())
        for name in record:
            lines.append(json.dumps({k: v for k, v in record.items() if k != name}).encode())
            lines.append(json.dumps({**record, name: None}).encode())
            lines.append(b"")
        lines += [b"{not json", b"[1, 2]", b"\xff\xfe", b"   ", json.dumps(record).encode()]
    return lines
