"""Pact files in the HARNESS.md format (what `accord pacts` writes), for tests that need pacts
before or without deriving them, and verification results to record against them."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

from accord.harness.matrix import VerificationResult, record

#: mapping spec -> (flow, stem, consumer, provider, contracts) of the reference workspace
REFERENCE = {
    "salesforce": ("opportunity-to-project", "salesforce_opportunity",
                   "salesforce.opportunity_to_project", "salesforce", ["project@1.1.0"]),
    "apideck": ("opportunity-to-project", "apideck_opportunity",
                "apideck.opportunity_to_project", "apideck_crm", ["project@1.1.0"]),
    "xero_projects": ("opportunity-to-project", "xero_projects_project",
                      "xero_projects.project_from_project", "xero_projects", ["project@1.1.0"]),
    "xero_invoice": ("invoice-to-status", "xero_invoice", "xero.invoice_to_status",
                     "xero_accounting", ["invoice@1.0.0"]),
}


def write_pact(root: Path, key: str, *, salt: str = "") -> Path:
    """Write the pact of reference mapping ``key``; ``salt`` changes its bytes."""
    flow, stem, consumer, provider, contracts = REFERENCE[key]
    doc = {
        "consumer": {"name": consumer},
        "provider": {"name": provider},
        "interactions": [{
            "type": "Synchronous/HTTP",
            "description": f"read one record{salt}",
            "providerStates": [{"name": "Opportunity 006 exists", "params": {"path": "/x/006"}}],
            "request": {"method": "GET", "path": "/x/006"},
            "response": {"status": 200, "body": {"content": {"Name": "Acme"}}},
        }],
        "metadata": {
            "pactSpecification": {"version": "4.0"},
            "accord": {"mapping": f"mappings/{flow}/{stem}.yaml", "mapping_version": "1.0.0",
                       "direction": "inbound", "contracts": contracts,
                       "rules": {f"read one record{salt}": {
                           "$.Name": f"mappings/{flow}/{stem}.yaml:12"}}},
        },
    }
    path = root / "generated" / "pacts" / flow / f"{stem}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path


def verify(root: Path, key: str, *, environment: str = "local", outcome: str = "passed",
           at: dt.datetime | None = None, mismatches: list[dict[str, str]] | None = None
           ) -> VerificationResult:
    """Record a verification of the CURRENT bytes of reference pact ``key``."""
    flow, stem, consumer, provider, contracts = REFERENCE[key]
    path = root / "generated" / "pacts" / flow / f"{stem}.json"
    when = at or dt.datetime.now(dt.UTC)
    return record(root, VerificationResult(
        f"generated/pacts/{flow}/{stem}.json", hashlib.sha256(path.read_bytes()).hexdigest(),
        consumer, provider, environment, when.isoformat(), outcome, mismatches or [],
        contracts, f"mappings/{flow}/{stem}.yaml"))
