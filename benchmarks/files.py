"""Files written so the old one survives any failure: a full disk, a read-only place, a kill.

Every output (report, PDF, export, written config) goes to a temporary file beside its
target and is renamed into place only once it is complete. A rename within one directory is
atomic on POSIX and Windows, so a reader sees either the old file or the new one, never a
truncated mix, and a failed write leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from benchmarks.errors import NotWritable, reason_of

# Why a place cannot take a file: full (ENOSPC, EDQUOT, EFBIG), read-only, not ours.
_WRITE_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EACCES,
                 errno.EPERM}


@contextlib.contextmanager
def replacing(target: str | Path, directory: bool = False) -> Iterator[Path]:
    """Yield a fresh temporary path beside `target` to write to; on success rename it onto
    `target`, on any exception delete it and leave `target` as it was.

    `directory=True` gives an empty temporary directory (an export's set of files); the old
    directory, if any, is swapped out only after the new one is complete. A full disk or a
    read-only place (creating, writing or renaming) raises benchmarks.errors.NotWritable
    naming `target`.
    """
    target = Path(target)
    with _naming(target):
        temporary = _temporary(target, directory)
    try:
        with _naming(target):
            yield temporary
            if directory:
                _swap_directory(temporary, target)
            else:
                _keep_mode(target, temporary)
                os.replace(temporary, target)
    except BaseException:
        _remove(temporary)
        raise


def _temporary(target: Path, directory: bool) -> Path:
    parent = target.parent
    parent.mkdir(parents=True, exist_ok=True)
    prefix = f".{target.name}."
    if directory:
        return Path(tempfile.mkdtemp(prefix=prefix, suffix=".tmp", dir=parent))
    handle, name = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=parent)
    os.close(handle)
    return Path(name)


@contextlib.contextmanager
def _naming(target: Path) -> Iterator[None]:
    """An OSError saying the place cannot take a file becomes NotWritable(target)."""
    try:
        yield
    except NotWritable:
        raise
    except OSError as e:
        if e.errno not in _WRITE_ERRNOS:
            raise
        raise NotWritable(target, *reason_of(e)) from e


def write_text(target: str | Path, text: str) -> None:
    """`Path.write_text(text, encoding="utf-8")`, atomically (see `replacing`)."""
    with replacing(target) as temporary:
        temporary.write_text(text, encoding="utf-8")


def _keep_mode(target: Path, temporary: Path) -> None:
    # mkstemp creates 0600; a replaced file keeps its mode, a new one gets the usual one
    try:
        mode = target.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    os.chmod(temporary, mode)


def _swap_directory(new: Path, target: Path) -> None:
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(new, 0o777 & ~umask)
    if not target.exists():
        os.replace(new, target)
        return
    old = target.with_name(f".{target.name}.old")
    _remove(old)
    os.replace(target, old)
    os.replace(new, target)
    _remove(old)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
