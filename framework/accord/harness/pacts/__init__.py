"""Consumer pacts derived from the mappings (``accord pacts``): see :mod:`.derive` for what a
pact holds, :mod:`.shape` for bodies and matchers, :mod:`.files` for writing and freshness."""

from __future__ import annotations

from accord.harness.pacts.derive import PACTS_DIR, Derived, PactFile, derive_pacts, pact_path
from accord.harness.pacts.files import PactsResult, check_pacts, junit_pact_cases, run_pacts
from accord.harness.pacts.shape import rule_for

__all__ = ["PACTS_DIR", "Derived", "PactFile", "PactsResult", "check_pacts", "derive_pacts",
           "junit_pact_cases", "pact_path", "rule_for", "run_pacts"]
