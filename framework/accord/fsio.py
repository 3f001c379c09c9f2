"""Safe file access: every read of a workspace file and every write of an output goes through here.

Reading (:func:`read_bytes`, :func:`read_text`, :func:`probe`):

- a path may be *confined* to a root (the workspace): its real path (symlinks followed) must lie
  inside the root, else the file is never opened;
- only regular files are read: a FIFO, a device, a socket or a directory in place of a file is a
  finding, decided by ``stat`` before anything is opened (and checked again on the open
  descriptor, which is opened non-blocking), never a hang;
- sizes are capped (:data:`MAX_BYTES`), so ``/dev/zero`` or a huge file is a finding, never a
  MemoryError; symlink loops and unreadable files are findings, never tracebacks.

Writing (:func:`write_bytes`, :func:`write_text`, :func:`open_output`):

- a regular file (or a new one) is written atomically: a temp file with an unpredictable name in
  the same folder, ``fsync``, ``os.replace``, ``fsync`` of the folder; the old content stays
  until the new one is complete, no temp file is left behind on any failure, and the temp
  files of a writer killed mid-write are swept by the next write of the same file;
- a FIFO or a character device (``/dev/null``, a terminal) is written into, never replaced;
- with a root, nothing is written or deleted through a symlink that leaves it;
- a failed write (disk full, read-only file system, no permission) is an :class:`OutputError`
  naming the file and the reason.

:func:`locked` is a cross-process lock (``filelock``) for read-modify-write cycles and outputs.

This module is the ground floor: it imports only :mod:`accord.errors` and
:mod:`accord.diagnostics`, so every layer (the runtime included) can use it.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from accord import codes
from accord.diagnostics import Diagnostic
from accord.errors import LoadError, OutputError, UsageError

__all__ = ["MAX_BYTES", "Problem", "display_path", "inside", "is_file", "is_stream", "lock_path",
           "locked", "make_dirs", "open_output", "probe", "read_bytes", "read_text", "remove",
           "same_file", "spec_path", "swap_in", "sync_folders", "write_bytes", "write_text"]


def _max_bytes(raw: str | None) -> tuple[int, str]:
    """The size cap ACCORD_MAX_FILE_BYTES sets, and what is wrong with it ("" when nothing)."""
    default = 64 * 1024 * 1024
    try:
        value = int(raw) if raw and raw.strip() else default  # empty: as if unset
    except ValueError:
        value = 0
    if value > 0:
        return value, ""
    return default, (f"the variable ACCORD_MAX_FILE_BYTES={raw!r} is not a positive whole number: "
                     "set it to one (e.g. 67108864), or unset it for the default of 64 MiB")


#: The largest file accord reads (contracts, specs, lookups, examples, API descriptions).
MAX_BYTES, _MAX_BYTES_PROBLEM = _max_bytes(os.environ.get("ACCORD_MAX_FILE_BYTES"))


_KINDS = ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"),
          (stat.S_ISDIR, "a directory"))


@dataclass(frozen=True)
class Problem:
    """Why a file cannot be read: a code, a message and a hint, located by the caller."""

    code: str
    message: str
    hint: str

    def diagnostic(self, file: str, line: int = 0, col: int = 0, pointer: str = "") -> Diagnostic:
        return Diagnostic(self.code, self.message, file, line, col, pointer, self.hint)

    def error(self, file: str) -> LoadError:
        diag = self.diagnostic(file)
        return LoadError(diag.format(), diagnostics=[diag])


def _real(path: str | os.PathLike[str]) -> str:
    """The real path (symlinks followed as far as they go; never raises on a loop)."""
    return os.path.realpath(os.fspath(path))


def inside(path: str | os.PathLike[str], root: str | os.PathLike[str]) -> bool:
    """True when the real path of ``path`` lies in (or is) the real path of ``root``."""
    real, base = _real(path), _real(root)
    return real == base or real.startswith(base.rstrip(os.sep) + os.sep)


def _kind(mode: int) -> str:
    for test, name in _KINDS:
        if test(mode):
            return name
    return "not a regular file"


def _outside(shown: str, where: str = "the workspace") -> Problem:
    return Problem(codes.OUTSIDE_WORKSPACE, f"{shown!r} leaves {where}",
                   "name files inside the workspace by a path relative to the file that names "
                   "them; no absolute paths, no '..' above the workspace, no symlinks that lead "
                   "out of it")


def spec_path(base_dir: Path, named: str, root: Path) -> tuple[Path, Problem | None]:
    """``named`` (a path written in a spec, relative to ``base_dir``) and why it may not be
    used: absolute, climbing out of ``root`` with ``..``, or a symlink that leads out."""
    joined = base_dir / named
    if os.path.isabs(named):
        return joined, Problem(codes.OUTSIDE_WORKSPACE, f"{named!r} is an absolute path",
                               "paths in a spec are relative to the file that names them")
    lexical = os.path.normpath(os.path.join(_real(base_dir), named))
    base = _real(root)
    if not (lexical == base or lexical.startswith(base.rstrip(os.sep) + os.sep)) or \
            not inside(joined, root):
        return joined, _outside(named)
    return joined, None


def probe(path: str | os.PathLike[str], *, root: str | os.PathLike[str] | None = None,
          limit: int | None = None) -> Problem | None:
    """Why ``path`` cannot be read as a file (without opening it); None when it can."""
    shown = os.fspath(path)
    if root is not None and not inside(path, root):
        return _outside(shown)
    try:
        st = os.stat(_real(path))
    except FileNotFoundError:
        return Problem(codes.FILE_UNREADABLE, "file not found", "check the path")
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return Problem(codes.FILE_LOOP_OR_DENIED, "symlink loop: the path never reaches a file",
                           "replace the symlink with the file it should point at")
        return Problem(codes.FILE_LOOP_OR_DENIED, f"cannot read file: {exc.strerror}",
                       "check the file's permissions")
    if stat.S_ISDIR(st.st_mode):
        return Problem(codes.FILE_UNREADABLE, "is a directory, expected a file",
                       "point at a file, or remove the directory from this location")
    if not stat.S_ISREG(st.st_mode):
        return Problem(codes.NOT_REGULAR_FILE, f"is {_kind(st.st_mode)}, expected a regular file",
                       "put a regular file at this path")
    cap = _cap(limit)
    if st.st_size > cap:
        return _too_large(st.st_size, cap)
    return None


def is_file(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` names a file (following symlinks); False rather than an OSError for a
    name too long, a NUL in it or a folder that cannot be searched (``Path.is_file`` raises)."""
    return os.path.isfile(path)


def _cap(limit: int | None) -> int:
    if limit is not None:
        return limit
    if _MAX_BYTES_PROBLEM:  # refused when a file is read: exit 2 with the message, no traceback
        raise UsageError(_MAX_BYTES_PROBLEM)
    return MAX_BYTES


def _too_large(size: int, cap: int) -> Problem:
    return Problem(codes.FILE_TOO_LARGE,
                   f"file is too large ({size:,} bytes; the limit is {cap:,})",
                   "accord reads files up to ACCORD_MAX_FILE_BYTES bytes; split the file")


def read_bytes(path: str | os.PathLike[str], *, root: str | os.PathLike[str] | None = None,
               display: str | None = None, limit: int | None = None) -> bytes:
    """The bytes of a regular file (confined to ``root`` when given). Raises LoadError carrying
    one diagnostic for a missing, special, unreadable, oversized or outside file."""
    shown = display or os.fspath(path)
    problem = probe(path, root=root, limit=limit)
    if problem is not None:
        raise problem.error(shown)
    cap = _cap(limit)
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(_real(path), flags)
    except OSError as exc:
        raise Problem(codes.FILE_LOOP_OR_DENIED, f"cannot read file: {exc.strerror}",
                      "check the file's permissions").error(shown) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):  # swapped between the stat and the open
            raise Problem(codes.NOT_REGULAR_FILE,
                          f"is {_kind(st.st_mode)}, expected a regular file",
                          "put a regular file at this path").error(shown)
        chunks: list[bytes] = []
        total = 0
        while True:
            chunk = os.read(fd, min(1 << 20, cap + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > cap:
                raise _too_large(total, cap).error(shown)
        return b"".join(chunks)
    except OSError as exc:
        raise Problem(codes.FILE_LOOP_OR_DENIED, f"cannot read file: {exc.strerror}",
                      "check the file and the disk").error(shown) from None
    finally:
        os.close(fd)


def read_text(path: str | os.PathLike[str], *, root: str | os.PathLike[str] | None = None,
              display: str | None = None, limit: int | None = None) -> str:
    """:func:`read_bytes` decoded as UTF-8 (a decoding failure is a LoadError too)."""
    shown = display or os.fspath(path)
    raw = read_bytes(path, root=root, display=shown, limit=limit)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        diag = Diagnostic(codes.NOT_UTF8, f"not valid UTF-8 (byte 0x{raw[exc.start]:02x})", shown,
                          line, col, hint="save the file as UTF-8")
        raise LoadError(diag.format(), diagnostics=[diag]) from None


# -- writing ---------------------------------------------------------------------------------

_HINTS = {
    errno.ENOSPC: "free space on the disk and run again; the previous output is unchanged",
    errno.EDQUOT: "the disk quota is exhausted; the previous output is unchanged",
    errno.EROFS: "the file system is read-only; write the output somewhere writable",
    errno.EACCES: "you have no permission to write here; choose another path",
    errno.EPERM: "you have no permission to write here; choose another path",
}


def _write_error(shown: str, exc: OSError) -> OutputError:
    reason = exc.strerror or str(exc)
    diag = Diagnostic(codes.WRITE_FAILED, f"cannot write: {reason}", shown,
                      hint=_HINTS.get(exc.errno or 0, "check the path, the disk and the "
                                                      "permissions; the previous output is "
                                                      "unchanged"))
    return OutputError(diag.format(), diagnostics=[diag])


def _refuse(shown: str, message: str, hint: str, code: str = codes.WRITE_FAILED) -> OutputError:
    diag = Diagnostic(code, message, shown, hint=hint)
    return OutputError(diag.format(), diagnostics=[diag])


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@dataclass(frozen=True)
class _Target:
    real: str  # where the bytes go (symlinks followed)
    mode: int | None  # st_mode of what is there now, None when nothing is


def _target(path: str | os.PathLike[str], root: str | os.PathLike[str] | None,
            shown: str) -> _Target:
    real = _real(path)
    if root is not None and not inside(real, root):
        raise _refuse(shown, f"{shown!r} leads out of the workspace (a symlink?); not written",
                      "remove the symlink: accord writes only inside the workspace",
                      codes.OUTSIDE_WORKSPACE)
    try:
        mode: int | None = os.stat(real).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise _write_error(shown, exc) from None
    if mode is not None and stat.S_ISDIR(mode):
        raise _refuse(shown, "is a directory, expected a file path", "name a file")
    if mode is not None and not (stat.S_ISREG(mode) or stat.S_ISFIFO(mode) or stat.S_ISCHR(mode)):
        raise _refuse(shown, f"is {_kind(mode)}; accord writes files, FIFOs and character "
                             "devices", "name a file")
    parent = os.path.dirname(real) or "."
    if not os.path.isdir(parent):
        raise _refuse(shown, f"folder {os.path.dirname(shown) or '.'} does not exist",
                      "create the folder first")
    return _Target(real, mode)


def _streamed(mode: int | None) -> bool:
    return mode is not None and (stat.S_ISFIFO(mode) or stat.S_ISCHR(mode))


def is_stream(path: str | os.PathLike[str]) -> bool:
    """True when ``path`` is a FIFO or a character device: written into, never replaced."""
    try:
        return _streamed(os.stat(_real(path)).st_mode)
    except OSError:
        return False


def _fsync_dir(folder: str) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems cannot fsync a folder; the rename itself is done
    finally:
        os.close(fd)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True


def _sweep(folder: str, name: str) -> None:
    """Remove the temp files of ``name`` left by processes that were killed mid-write (their
    names carry the writer's pid; a live writer's temp file is never touched)."""
    prefix = f".{name}."
    try:
        entries = os.listdir(folder)
    except OSError:
        return
    for entry in entries:
        if not (entry.startswith(prefix) and entry.endswith(".tmp")):
            continue
        pid = entry[len(prefix):].split(".", 1)[0]
        if not pid.isdigit() or _pid_alive(int(pid)):
            continue
        path = os.path.join(folder, entry)
        with contextlib.suppress(OSError):
            if stat.S_ISREG(os.lstat(path).st_mode):
                os.unlink(path)


class _Atomic:
    """A temp file beside ``target`` that replaces it on :meth:`commit`. Its name
    (``.<name>.<pid>.<random>.tmp``, ``mkstemp``: created exclusively, never through a
    planted file or symlink) cannot be predicted; temp files of killed writers are swept."""

    def __init__(self, target: _Target, shown: str, buffering: int = -1) -> None:
        self.target, self.shown = target, shown
        self.folder, self.name = os.path.split(target.real)
        _sweep(self.folder, self.name)
        try:
            fd, self.temp = tempfile.mkstemp(prefix=f".{self.name}.{os.getpid()}.",
                                             suffix=".tmp", dir=self.folder)
        except OSError as exc:
            raise _write_error(shown, exc) from None
        self.file: IO[bytes] = os.fdopen(fd, "wb", buffering)
        keep = target.mode & 0o7777 if target.mode is not None else 0o666 & ~_umask()
        with contextlib.suppress(OSError):
            os.fchmod(fd, keep)

    def commit(self, folders: set[str] | None = None) -> None:
        """Flush, fsync and rename into place, then fsync the folder; with ``folders``, add
        the folder to it instead, for the caller to sync once after its last commit
        (:func:`sync_folders`)."""
        try:
            self.file.flush()
            os.fsync(self.file.fileno())
            self.file.close()
            os.replace(self.temp, self.target.real)
        except OSError as exc:
            self.discard()
            raise _write_error(self.shown, exc) from None
        if folders is None:
            _fsync_dir(self.folder or ".")
        else:
            folders.add(self.folder or ".")

    def discard(self) -> None:
        with contextlib.suppress(OSError):
            self.file.close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.temp)


@contextlib.contextmanager
def open_output(path: str | os.PathLike[str], *, root: str | os.PathLike[str] | None = None,
                display: str | None = None, buffering: int = -1,
                folders: set[str] | None = None) -> Iterator[IO[bytes]]:
    """A binary file to write ``path`` through. A regular file is replaced atomically when the
    block ends without an exception (and left as it was otherwise), written through a buffer
    of ``buffering`` bytes (the default size when -1); a FIFO or a character device is written
    into directly. With ``folders``, the folder of a replaced file is added to that set
    instead of synced: the caller replacing several files calls :func:`sync_folders` after
    the last (one folder sync for all)."""
    shown = display or os.fspath(path)
    target = _target(path, root, shown)
    if _streamed(target.mode):
        try:
            handle = open(target.real, "wb", buffering=0)  # noqa: SIM115 - closed below
        except OSError as exc:
            raise _write_error(shown, exc) from None
        try:
            yield handle
        except OSError as exc:
            raise _write_error(shown, exc) from None
        finally:
            with contextlib.suppress(OSError):
                handle.close()
        return
    atomic = _Atomic(target, shown, buffering)
    try:
        yield atomic.file
    except OSError as exc:
        atomic.discard()
        raise _write_error(shown, exc) from None
    except BaseException:
        atomic.discard()
        raise
    atomic.commit(folders)


def sync_folders(folders: set[str]) -> None:
    """fsync each folder once (after the renames :func:`open_output` deferred to it)."""
    for folder in sorted(folders):
        _fsync_dir(folder)


def write_bytes(path: str | os.PathLike[str], data: bytes, *,
                root: str | os.PathLike[str] | None = None, display: str | None = None) -> None:
    """Write ``data`` to ``path`` (atomically for a regular file; see :func:`open_output`)."""
    with open_output(path, root=root, display=display) as out:
        view = memoryview(data)
        while view:
            written = out.write(view)
            view = view[written or 0:]


def write_text(path: str | os.PathLike[str], text: str, *,
               root: str | os.PathLike[str] | None = None, display: str | None = None) -> None:
    """:func:`write_bytes` of ``text`` in UTF-8 (newlines kept as given)."""
    write_bytes(path, text.encode("utf-8"), root=root, display=display)


def remove(path: str | os.PathLike[str], *, root: str | os.PathLike[str],
           display: str | None = None) -> None:
    """Delete ``path`` when its folder lies inside ``root`` (a symlink itself is removed, never
    what it points at); a missing file is not an error."""
    shown = display or os.fspath(path)
    folder = os.path.dirname(os.path.abspath(os.fspath(path)))
    if not inside(folder, root):
        raise _refuse(shown, f"{shown!r} lies outside the workspace (a symlinked folder?); not "
                             "deleted", "remove the symlink", codes.OUTSIDE_WORKSPACE)
    try:
        os.unlink(os.path.join(_real(folder), os.path.basename(os.fspath(path))))
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise _write_error(shown, exc) from None


def make_dirs(path: str | os.PathLike[str], *, root: str | os.PathLike[str] | None = None,
              display: str | None = None) -> None:
    """``mkdir -p`` that refuses to create (or use) a folder outside ``root``."""
    shown = display or os.fspath(path)
    if root is not None and not inside(path, root):
        raise _refuse(shown, f"{shown!r} leads out of the workspace (a symlink?)",
                      "remove the symlink: accord writes only inside the workspace",
                      codes.OUTSIDE_WORKSPACE)
    try:
        os.makedirs(path, exist_ok=True)
    except OSError as exc:
        raise _write_error(shown, exc) from None
    if root is not None and not inside(path, root):
        raise _refuse(shown, f"{shown!r} leads out of the workspace (a symlink?)",
                      "remove the symlink: accord writes only inside the workspace",
                      codes.OUTSIDE_WORKSPACE)


# -- locks -----------------------------------------------------------------------------------

def lock_path(path: str | os.PathLike[str]) -> str:
    """The lock file guarding ``path``: ``.<name>.accord-lock`` beside it."""
    folder, name = os.path.split(_real(path))
    return os.path.join(folder, f".{name}.accord-lock")


@contextlib.contextmanager
def locked(path: str | os.PathLike[str], *, timeout: float = 120.0,
           display: str | None = None, busy_hint: str = "") -> Iterator[None]:
    """Hold the cross-process lock of ``path`` for the block. ``timeout=0`` refuses at once when
    another process holds it (an :class:`OutputError` naming the file)."""
    from filelock import FileLock, Timeout

    shown = display or os.fspath(path)
    lock = FileLock(lock_path(path), timeout=timeout)
    try:
        lock.acquire()
    except Timeout:
        raise _refuse(shown, "is in use by another accord process",
                      busy_hint or "wait for the other process to finish, then run again",
                      codes.OUTPUT_LOCKED) from None
    except OSError as exc:
        raise _write_error(shown, exc) from None
    try:
        yield
    finally:
        # unlinked while still held: a waiter that opened this inode finds it unlinked when
        # it gets the lock and retries on a fresh file (filelock checks st_nlink), so no lock
        # file is left behind and no two processes ever hold it at once
        with contextlib.suppress(OSError):
            os.unlink(lock.lock_file)
        lock.release()


def same_file(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> bool:
    """True when both paths name the same existing file (or the same real path)."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return _real(a) == _real(b)


def display_path(path: str | os.PathLike[str], base: str | os.PathLike[str]) -> str:
    """``path`` relative to ``base`` for messages (never raises, even on a symlink loop)."""
    try:
        return Path(os.path.relpath(os.path.abspath(path), os.path.abspath(base))).as_posix()
    except ValueError:
        return Path(path).as_posix()


# -- folders ---------------------------------------------------------------------------------

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _renameat2_exchange(a: str, b: str) -> bool:
    """Atomically exchange two paths (Linux ``renameat2(RENAME_EXCHANGE)``); False when the
    system cannot."""
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        func = libc.renameat2
    except (OSError, AttributeError):
        return False
    func.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    func.restype = ctypes.c_int
    if func(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), a)


def swap_in(staging: str | os.PathLike[str], final: str | os.PathLike[str]) -> None:
    """Put the folder ``staging`` at ``final`` in one step; the previous ``final`` (if any) is
    left at ``staging`` for the caller to delete. Where the system has no atomic exchange, two
    renames are used (a crash between them leaves ``final`` missing and the old tree at
    ``<final's sibling staging>.old``)."""
    a, b = os.fspath(staging), os.fspath(final)
    if not os.path.lexists(b):
        os.rename(a, b)
        return
    if _renameat2_exchange(a, b):
        return
    aside = a + ".old"
    os.rename(b, aside)
    os.rename(a, b)
    os.rename(aside, a)
