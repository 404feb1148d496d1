"""One writer per dataset: a lock file beside it, held for a whole run.

DuckDB itself refuses a second writing process with an IO error, but a crawl opens and
closes its connection several times, so another run could slip in between. A `filelock`
lock on `<db>.lock`, held from before the first write to after the last, makes a second run
wait (up to a timeout) or stop with a message naming who holds it. The lock is released by
the operating system if the holder dies, so a crash never leaves a stale lock behind.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from benchmarks.errors import DatasetBusy, DatasetNotWritable, reason_of


def lock_path(db: Path) -> Path:
    return db.with_name(db.name + ".lock")


# The locks this process holds, so `held` never probes (and never takes) its own.
_HELD: set[Path] = set()


@contextmanager
def exclusive(db: Path, wait_seconds: float = 0.0) -> Iterator[None]:
    """Hold the dataset's write lock; raises DatasetBusy after `wait_seconds` without it,
    DatasetNotWritable when the lock file cannot be made (a read-only place, a full disk)."""
    path = lock_path(db)
    lock = FileLock(str(path))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        lock.acquire(timeout=wait_seconds)
    except Timeout:
        raise DatasetBusy(db, _holder(path), wait_seconds) from None
    except OSError as e:
        raise DatasetNotWritable(db, *reason_of(e)) from None
    key = path.resolve()
    _HELD.add(key)
    try:
        try:
            _note_holder(path)
        except OSError as e:
            raise DatasetNotWritable(db, *reason_of(e)) from None
        yield
    finally:
        # the holder's pid goes with it; the lock file stays (deleting a lock file another
        # process may be waiting on would let two writers in)
        path.with_name(path.name + ".pid").unlink(missing_ok=True)
        _HELD.discard(key)
        lock.release()


def held(db: Path) -> bool:
    """Whether a live process (this one included) holds the dataset's write lock. A killed
    holder's lock is released by the operating system, so its runs read as not held."""
    path = lock_path(db)
    if path.resolve() in _HELD:
        return True
    if not path.exists():
        return False
    probe = FileLock(str(path), is_singleton=False)
    try:
        probe.acquire(timeout=0)
    except Timeout:
        return True
    except OSError:
        return False  # a read-only place: nobody can be writing there
    probe.release()
    return False


def _note_holder(path: Path) -> None:
    """Write our pid into a sidecar so a refused run can say who holds the lock."""
    path.with_name(path.name + ".pid").write_text(str(os.getpid()), encoding="utf-8")


def _holder(path: Path) -> str | None:
    try:
        return path.with_name(path.name + ".pid").read_text(encoding="utf-8").strip() or None
    except OSError:
        return None
