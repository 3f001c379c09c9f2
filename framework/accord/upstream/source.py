"""Reading a vendor's API description from a file or an http(s) URL."""

from __future__ import annotations

import os
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from accord import codes, fsio
from accord.diagnostics import Diagnostic
from accord.errors import LoadError

__all__ = ["Upstream", "is_url", "read_upstream", "recorded_source"]

_TIMEOUT = 60.0
_MAX_BYTES = 64 * 1024 * 1024


def is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


@dataclass(frozen=True)
class Upstream:
    """The bytes of a vendor description and where they were read (for messages)."""

    source: str  # as given or recorded
    location: str  # the URL, or the resolved file path
    raw: bytes


def _missing(source: str, location: str, why: str, hint: str) -> LoadError:
    diag = Diagnostic(codes.UPSTREAM_MISSING,
                      f"upstream API description not at hand: {why} (looked at "
                      f"{location}{'' if location == source else f', from {source!r}'})",
                      location, hint=hint)
    return LoadError(diag.format(), diagnostics=[diag])


def read_upstream(source: str, base: Path, *, hint: str = "") -> Upstream:
    """The description at ``source``: an http(s) URL (fetched with urllib, never when
    ``ACCORD_OFFLINE`` is set) or a file path, relative to ``base``. LoadError ACC220 (exit 2)
    when it cannot be read."""
    hint = hint or "pass the vendor's file or URL with --from"
    if is_url(source):
        if os.environ.get("ACCORD_OFFLINE", "") not in ("", "0"):
            raise _missing(source, source, "not fetched: ACCORD_OFFLINE is set",
                           "pass a local copy of the vendor's file with --from FILE, or unset "
                           "ACCORD_OFFLINE")
        try:
            request = urllib.request.Request(source, headers={"User-Agent": "accord"})
            with urllib.request.urlopen(request, timeout=_TIMEOUT) as response:
                raw = response.read(_MAX_BYTES + 1)
        except urllib.error.HTTPError as exc:
            raise _missing(source, source, f"HTTP {exc.code} {exc.reason}", hint) from None
        except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", None) or exc
            raise _missing(source, source, f"fetching failed ({reason})", hint) from None
        if len(raw) > _MAX_BYTES:
            raise _missing(source, source, f"larger than {_MAX_BYTES} bytes", hint)
        return Upstream(source, source, raw)
    path = Path(source) if Path(source).is_absolute() else base / source
    location = os.path.normpath(path)
    try:  # a regular file only (not a FIFO or a device), up to the size limit
        return Upstream(source, location, fsio.read_bytes(path, display=location,
                                                          limit=_MAX_BYTES))
    except LoadError as exc:
        why = exc.diagnostics[0].message if exc.diagnostics else str(exc)
        raise _missing(source, location, why, hint) from None


def recorded_source(source: str, system_dir: Path) -> str:
    """How ``upstream.source`` records what ``--from`` named: a URL as it is, a file as a path
    relative to the system's directory (like ``api:``), in POSIX form."""
    if is_url(source):
        return source
    return Path(os.path.relpath(Path(source).resolve(), system_dir.resolve())).as_posix()
