"""Test suites and files that live outside this repository, and how tests find them.

Each is found through its environment variable, else in ``../shared`` beside the repository.
When neither has it, the tests that need it skip with a reason that says how to get it —
unless ``ACCORD_REQUIRE_EXTERNAL_SUITES=1`` (``.ci/run`` sets it), which turns the skip into a
failure, so CI always runs them. Nothing else in the test suite reads ``../shared``.

Headless Chromium (the HTML report tests, through tests/browser.py) follows the same rule: it is
found through ``ACCORD_CHROMIUM`` or at ``/usr/bin/chromium`` (``.ci/run`` installs Debian's
package when it is missing); a developer's machine without it skips those tests, CI fails.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
REQUIRE = "ACCORD_REQUIRE_EXTERNAL_SUITES"


@dataclass(frozen=True)
class Suite:
    name: str
    env: str  # the environment variable naming its directory
    default: Path  # where it is looked for when the variable is unset
    probe: str  # a file (glob) that must be there
    how: str  # how to get it

    def locate(self) -> Path | None:
        """The suite's directory, or None when it is not at hand."""
        chosen = os.environ.get(self.env)
        path = Path(chosen) if chosen else self.default
        return path if path.is_dir() and any(path.glob(self.probe)) else None

    def reason(self) -> str:
        chosen = os.environ.get(self.env)
        where = f"{self.env}={chosen}" if chosen else f"{self.default} ({self.env} unset)"
        return (f"{self.name} not found at {where}: {self.how}, then set {self.env}=<dir> "
                f"(or put it at {self.default})")

    def require(self) -> Path:
        """The directory; else skip the calling test (fail it under ACCORD_REQUIRE_...=1)."""
        found = self.locate()
        if found is not None:
            return found
        if os.environ.get(REQUIRE) == "1":
            pytest.fail(f"{self.reason()} [{REQUIRE}=1]", pytrace=False)
        pytest.skip(self.reason())

    def require_module(self) -> Path:
        """:meth:`require` at module level (the module's tests are parametrized from it)."""
        found = self.locate()
        if found is not None:
            return found
        if os.environ.get(REQUIRE) == "1":
            pytest.fail(f"{self.reason()} [{REQUIRE}=1]", pytrace=False)
        pytest.skip(self.reason(), allow_module_level=True)
        raise AssertionError("unreachable")  # pragma: no cover


JMESPATH_COMPLIANCE = Suite(
    "the JMESPath compliance suite", "ACCORD_JMESPATH_COMPLIANCE",
    SHARED / "jmespath-compliance", "*.json",
    "clone https://github.com/jmespath/jmespath.test (its tests/ folder holds the JSON files)")

VENDOR_SYSTEMS = Suite(
    "the vendors' full API descriptions", "ACCORD_VENDOR_SYSTEMS", SHARED / "systems",
    "*/SOURCE.md",
    "fetch the files named in contracts/systems/*/UPSTREAM.md into <dir>/apideck-crm/, "
    "bamboohr/, harvest/ and xero/ (with their SOURCE.md)")

#: system -> (kind, the vendor's file under VENDOR_SYSTEMS)
VENDOR_FILES = {
    "apideck_crm": ("crm", "apideck-crm/crm.yml"),
    "bamboohr": ("hcm", "bamboohr/public.yaml"),
    "harvest": ("timekeeping", "harvest/harvest-openapi.yaml"),
    "xero_accounting": ("erp", "xero/xero_accounting.yaml"),
    "xero_projects": ("psa", "xero/xero-projects.yaml"),
}


CHROMIUM_ENV = "ACCORD_CHROMIUM"
CHROMIUM_DEFAULT = Path("/usr/bin/chromium")
CHROMIUM_HOW = ("install Debian's chromium (apt-get install -y chromium) or point "
                f"{CHROMIUM_ENV} at a Chromium or Chrome binary")


def chromium_path() -> Path | None:
    """Chromium's binary: ``ACCORD_CHROMIUM``, else ``chromium`` on the PATH or
    ``/usr/bin/chromium``; None when there is none."""
    chosen = os.environ.get(CHROMIUM_ENV)
    if chosen:
        path = Path(chosen)
        return path if path.is_file() and os.access(path, os.X_OK) else None
    found = shutil.which("chromium") or (str(CHROMIUM_DEFAULT) if CHROMIUM_DEFAULT.is_file()
                                         else None)
    return Path(found) if found else None


def require_chromium() -> Path:
    """Chromium's path; else skip the calling test (fail it under ACCORD_REQUIRE_...=1)."""
    found = chromium_path()
    if found is not None:
        return found
    chosen = os.environ.get(CHROMIUM_ENV)
    where = f"{CHROMIUM_ENV}={chosen}" if chosen else f"{CHROMIUM_DEFAULT} ({CHROMIUM_ENV} unset)"
    reason = f"Chromium not found at {where}: {CHROMIUM_HOW}"
    if os.environ.get(REQUIRE) == "1":
        pytest.fail(f"{reason} [{REQUIRE}=1]", pytrace=False)
    pytest.skip(reason)
    raise AssertionError("unreachable")  # pragma: no cover
