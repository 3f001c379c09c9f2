"""Which generated modules are known to be exactly what their workspace generates.

``accord run`` imports a generated module only when it is exactly what its spec generates now
(:mod:`accord.codegen.load`). Proving that means rendering the spec again, which needs the
generator, Jinja2, the checker and the target schema: about a second before the first record.
This module remembers each proof, so it is paid once per change rather than once per run.

A proof is recorded (by ``accord generate``, ``generate --check``, ``pipeline`` and a run that
rendered the module itself) as the pair *(inputs, module)*: the sha256 of every file under the
workspace's ``contracts/`` and ``mappings/`` plus the templates and the accord version, and the
sha256 of the module's text. A later run that finds the same pair imports the module without
rendering it; any change to a spec, lookup, contract, system or the module itself changes the
pair, and the module is rendered and compared again (stale: ACC462, tampered: ACC463).

The record lives outside the workspace, in the user's cache folder (``ACCORD_CACHE_DIR``, else
``$XDG_CACHE_HOME/accord``, else ``~/.cache/accord``), so nothing a pull request adds to a
workspace can vouch for a module; ``ACCORD_CACHE_DIR=off`` turns the record off (every run
renders). A workspace holding anything but regular files and folders under ``contracts/`` or
``mappings/`` (a symlink, a FIFO) or more than 64 MiB there is never vouched for.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import stat
import sys
from functools import cache
from pathlib import Path
from types import CodeType

from accord.version import __version__

__all__ = ["compiled", "inputs_digest", "remember", "templates_digest", "vouched"]

_INPUT_FOLDERS = ("contracts", "mappings")
_MAX_INPUT_BYTES = 64 * 1024 * 1024


@cache
def templates_digest() -> str:
    """sha256 of the generator's templates (their names and bytes)."""
    # the package's own folder (importlib.resources costs `accord run` ~9 ms of imports)
    folder = Path(__file__).resolve().parent / "templates"
    h = hashlib.sha256()
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".j2"):
            h.update(entry.name.encode())
            h.update(entry.read_bytes())
    return h.hexdigest()


def inputs_digest(root: Path) -> str | None:
    """sha256 of everything a generated module of ``root`` can depend on; None when the
    workspace holds something that cannot be vouched for (then every run renders)."""
    h = hashlib.sha256(f"accord {__version__}\0{templates_digest()}\0".encode())
    total = 0
    for top in _INPUT_FOLDERS:
        base = os.path.join(root, top)
        if not os.path.isdir(base) or os.path.islink(base):
            return None
        for folder, dirs, files in os.walk(base):
            dirs.sort()
            for name in [*dirs, *sorted(files)]:
                path = os.path.join(folder, name)
                try:
                    info = os.lstat(path)
                except OSError:
                    return None
                if stat.S_ISDIR(info.st_mode) and name in dirs:
                    continue
                if not stat.S_ISREG(info.st_mode):
                    return None
                total += info.st_size
                if total > _MAX_INPUT_BYTES:
                    return None
                try:
                    with open(path, "rb") as handle:
                        data = handle.read(_MAX_INPUT_BYTES + 1)
                except OSError:
                    return None
                h.update(os.path.relpath(path, root).encode("utf-8", "surrogateescape"))
                h.update(b"\0%d\0" % len(data))
                h.update(data)
    return h.hexdigest()


def _folder() -> Path | None:
    configured = os.environ.get("ACCORD_CACHE_DIR", "")
    if configured.lower() in ("off", "0", "none"):
        return None
    if configured:
        return Path(configured) / "verified"
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "accord" / "verified"


def _entry(inputs: str, text: str) -> Path | None:
    folder = _folder()
    if folder is None:
        return None
    module = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    return folder / hashlib.sha256(f"{inputs}:{module}".encode()).hexdigest()


def vouched(inputs: str | None, text: str) -> bool:
    """True when ``text`` was proven to be what the workspace with ``inputs`` generates."""
    if inputs is None:
        return False
    entry = _entry(inputs, text)
    return entry is not None and entry.is_file()


def compiled(inputs: str | None, text: str, filename: str) -> CodeType:
    """``compile(text, filename, "exec")``, kept beside the proof that ``text`` is what the
    workspace with ``inputs`` generates (``<entry>.<cache tag>.code``, marshal, like a
    ``.pyc``): a later run reads the code instead of compiling the module again. The cached
    code is used only for that exact text and file name; anything unreadable is compiled."""
    entry = _entry(inputs, text) if inputs is not None else None
    cached = entry.with_name(f"{entry.name}.{sys.implementation.cache_tag}.code") \
        if entry is not None else None
    if cached is not None:
        try:
            code = marshal.loads(cached.read_bytes())
        except (OSError, EOFError, ValueError, TypeError):
            code = None
        if isinstance(code, CodeType) and code.co_filename == filename:
            return code
    code = compile(text, filename, "exec")
    if cached is not None and entry is not None and entry.is_file():  # vouched: keep it
        temp = cached.with_name(f".{cached.name}.{os.getpid()}.tmp")
        try:
            temp.write_bytes(marshal.dumps(code))
            os.replace(temp, cached)
        except OSError:
            with contextlib.suppress(OSError):
                temp.unlink()
    return code


def remember(inputs: str | None, texts: list[str]) -> None:
    """Record that each of ``texts`` is what the workspace with ``inputs`` generates (the
    caller rendered them from those inputs). Best effort: an unwritable cache is no error."""
    if inputs is None:
        return
    for text in texts:
        entry = _entry(inputs, text)
        if entry is None:
            return
        try:
            entry.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            entry.touch()
        except OSError:
            return
