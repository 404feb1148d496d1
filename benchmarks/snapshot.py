"""Readers never meet a writer: every run writes a working copy and publishes it whole.

The file a config's `db` names is the *published* dataset: the state after the last run that
completed. Researchers may hold it open read-only (`duckdb.connect(db, read_only=True)`) at
any time for as long as they like. A run (a crawl, a benchmark run, an import, `stats`
deciding post classes) never opens it for writing. Under the writer lock
(benchmarks/lock.py) it copies the published file to `<db>.writing`, writes there, folds
DuckDB's log into the file (CHECKPOINT), and renames the copy onto `db` (`os.replace`, atomic
on one file system). A reader that opened the old file keeps reading it (its open file stays
as it was); the next open sees the new run. A run that raises or is killed leaves `db` as it
was; its working copy is removed by the next run. See docs/dataset.md, "Reading while a run
writes".
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from benchmarks.lock import exclusive

WORKING_SUFFIX = ".writing"


def working_path(db: Path) -> Path:
    """Where a run writes before publishing: `<db>.writing`, beside the dataset."""
    return db.with_name(db.name + WORKING_SUFFIX)


def is_working_copy(path: Path) -> bool:
    """Whether `path` is a run's working copy (`working_path`) rather than a dataset."""
    return path.name.endswith(WORKING_SUFFIX)


def wal_path(db: Path) -> Path:
    """DuckDB's write-ahead log of the database file `db`."""
    return db.with_name(db.name + ".wal")


@contextmanager
def writing(db: Path, wait_seconds: float = 0.0) -> Iterator[Path]:
    """Hold the dataset's writer lock and hand the block a working copy to write (a path).

    The copy starts as the published dataset (or missing, for a new one). When the block
    returns, every connection to the copy must be closed; the copy is then published onto
    `db` in one rename. When the block raises, the copy is removed and `db` is untouched.
    Raises DatasetBusy after `wait_seconds` when another run holds the lock; readers of `db`
    never hold it.
    """
    with exclusive(db, wait_seconds):
        work = working_path(db)
        discard(work)  # a run killed before it published left it behind
        try:
            if db.exists():
                _copy(db, work)  # a copy cut short (a full disk) is removed below
            yield work
        except BaseException:
            discard(work)
            raise
        publish(work, db)


def discard(work: Path) -> None:
    """Remove a working copy and its log."""
    for path in (work, wal_path(work)):
        path.unlink(missing_ok=True)


def publish(work: Path, db: Path) -> None:
    """Make the working copy `work` the dataset `db`: log folded in, synced, renamed."""
    if wal_path(work).exists():
        con = duckdb.connect(str(work))
        try:
            con.execute("checkpoint")
        finally:
            con.close()
    _fsync(work)
    # A log beside the published name belongs to a file written in place (an older version,
    # or someone else's writer): its changes were copied with it, and it must not be replayed
    # onto the new file.
    wal_path(db).unlink(missing_ok=True)
    os.replace(work, db)
    _fsync(db.parent)


def _copy(db: Path, work: Path) -> None:
    """Copy the published file (and a log left by an in-place writer) to the working copy.

    Readers only read, so the published file is whole while it is copied."""
    shutil.copyfile(db, work)
    if wal_path(db).exists():
        shutil.copyfile(wal_path(db), wal_path(work))


def _fsync(path: Path) -> None:
    """Flush a file (or a directory's entries) to disk, so a crash after the rename never
    publishes a file whose contents were still in memory."""
    flags = os.O_RDONLY | (os.O_DIRECTORY if path.is_dir() else 0)
    with contextlib.suppress(OSError):  # some file systems cannot sync a directory
        fd = os.open(path, flags)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
