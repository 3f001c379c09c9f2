"""Which database a workspace uses, and how to show its URL without the password.

* ``ACCORD_DATABASE_URL`` unset (or empty): SQLite at ``<workspace>/.accord/accord.db``.
* ``postgresql://`` or ``postgres://``: PostgreSQL through psycopg 3 (any libpq URL: user,
  host, port, database, query parameters such as ``sslmode``).
* ``sqlite:///ABSOLUTE/PATH`` or ``sqlite:RELATIVE/PATH`` (relative to the workspace): SQLite at
  that file.

Anything else is ACC800 (exit 2). :func:`redact` hides a password wherever a URL shows it
(``user:***@``, ``password=***``), and every message accord prints about a database goes
through it.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from accord import codes
from accord.diagnostics import Diagnostic
from accord.errors import StoreError

__all__ = ["DEFAULT_PATH", "ENV_VAR", "DatabaseConfig", "redact", "resolve"]

ENV_VAR = "ACCORD_DATABASE_URL"
#: the SQLite file, relative to the workspace root (``.accord/`` is gitignored)
DEFAULT_PATH = Path(".accord") / "accord.db"

_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
_PARAM = re.compile(r"(?i)(?P<key>(?:^|[?&\s])password\s*=\s*)(?:'[^']*'|[^&\s]*)")


def _userinfo_password(url: str) -> str | None:
    """The password of ``scheme://user:password@host...``: everything between the first ``:``
    after the user and the LAST ``@`` (a password may hold ``@`` or ``/``; over-redacting a
    host is the safe way to be wrong)."""
    m = _SCHEME.search(url)
    if not m:
        return None
    rest = url[m.end():]
    at = rest.rfind("@")
    if at < 0 or ":" not in rest[:at]:
        return None
    return rest[:at].split(":", 1)[1] or None


def redact(text: str, secret: str | None = None) -> str:
    """``text`` with the password of a URL in it (``user:***@``, ``password=***``) and
    ``secret`` itself replaced by ***."""
    found: list[str | None] = [secret]
    for m in _SCHEME.finditer(text):  # each URL in the text, up to the next white space
        url = re.match(r"\S*", text[m.start():])
        found.append(_userinfo_password(url.group(0) if url else ""))
    out = text
    for value in sorted({v for v in found if v}, key=len, reverse=True):
        out = out.replace(value, "***")
    return _PARAM.sub(lambda m: f"{m['key']}***", out)


@dataclass(frozen=True)
class DatabaseConfig:
    """``kind`` is ``sqlite`` or ``postgresql``; ``path`` the SQLite file; ``url`` the
    PostgreSQL URL (with its password: never print it, print :attr:`display`)."""

    kind: str
    path: Path | None = None
    url: str = ""
    source: str = "default"  # "default" | "ACCORD_DATABASE_URL" | "argument"

    @property
    def display(self) -> str:
        if self.kind == "sqlite":
            return str(self.path)
        return redact(self.url, self.password)

    @property
    def password(self) -> str | None:
        found = _userinfo_password(self.url)
        if found:
            return found
        p = re.search(r"(?i)(?:^|[?&])password=([^&]*)", self.url)
        return p.group(1) if p and p.group(1) else None


def _invalid(shown: str, why: str) -> StoreError:
    diag = Diagnostic(codes.DATABASE_URL_INVALID, f"{ENV_VAR}={shown}: {why}", ENV_VAR,
                      hint=codes.DATABASE_URL_INVALID.hint)
    return StoreError(diag.format(), diagnostics=[diag])


def resolve(root: Path, url: str | None = None) -> DatabaseConfig:
    """The database of the workspace at ``root``: ``url`` if given, else ``ACCORD_DATABASE_URL``,
    else the SQLite default. Raises StoreError (ACC800) for a URL accord cannot use."""
    source = "argument"
    if url is None:
        url, source = os.environ.get(ENV_VAR, ""), ENV_VAR
    url = url.strip()
    if not url:
        return DatabaseConfig("sqlite", path=root / DEFAULT_PATH, source="default")
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    # a value that is not scheme://... may be anything (a password pasted by mistake): not shown
    shown = redact(url) if _SCHEME.match(url) else "(value not shown)"
    if scheme in ("postgresql", "postgres"):
        if not url[len(scheme):].startswith("://"):
            raise _invalid(shown, "a PostgreSQL URL starts with postgresql://")
        return DatabaseConfig("postgresql", url=url, source=source)
    if scheme == "sqlite":
        rest = url[len("sqlite:"):]
        if rest.startswith("///"):
            path = Path(rest[2:])
        elif rest.startswith("//"):
            raise _invalid(shown, "write sqlite:///ABSOLUTE/PATH or sqlite:RELATIVE/PATH")
        else:
            path = root / rest
        if not rest.strip("/"):
            raise _invalid(shown, "no file named")
        return DatabaseConfig("sqlite", path=path, source=source)
    why = (f"the scheme {scheme!r} is not supported" if scheme and "://" in url
           else "not a URL")
    raise _invalid(shown, f"{why} (accord speaks PostgreSQL and SQLite)")
