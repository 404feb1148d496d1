"""The errors the library raises on purpose, one family: `ReplyauditError`.

Each says what happened (`str(e)`) and carries what to do about it (`hint`); `usage` marks a
mistake in what was given rather than in the state of the dataset. The command line turns
any of them into a message and an exit code in one place (crawler/cli/errors.py); a
scheduler or a notebook can catch `ReplyauditError` and show `e.explain()` the same way.
"""

from __future__ import annotations

import os


class ReplyauditError(Exception):
    """Base of every error the library raises on purpose.

    `hint` says what to do (empty: the message says it all); `usage` is True when what was
    given is wrong (a config, a file, an option), False when the dataset's state is.
    """

    hint: str = ""
    usage: bool = False

    def explain(self) -> str:
        """What happened, then what to do: the message a person sees."""
        return f"{self}. {self.hint}" if self.hint else str(self)


class ConfigError(ReplyauditError, ValueError):
    """A config file is malformed: names the file, the key and what was expected."""

    usage = True

    def __init__(self, path: str, key: str, expected: str, got: object = None) -> None:
        self.path, self.key, self.expected, self.got = path, key, expected, got
        detail = f"{path}: {key}: expected {expected}"
        if got is not None:
            detail += f", got {got!r}"
        super().__init__(detail)


class SchemaOutOfDate(ReplyauditError, RuntimeError):
    """The database was written by another replyaudit version than this one."""

    hint = ("Run any writing command (e.g. replyaudit crawl CONFIG) to upgrade it in place, "
            "or upgrade replyaudit.")

    def __init__(self, current: int, required: int, db: object = None) -> None:
        self.current, self.required, self.db = current, required, db
        super().__init__(f"database schema {current} is newer than this version's {required}")

    def explain(self) -> str:
        return (f"{self.db or 'the database'} is at schema {self.current}; this version needs "
                f"{self.required}. {self.hint}")


class NoDataset(ReplyauditError, FileNotFoundError):
    """A command that reads a dataset was given a database file that does not exist."""

    def __init__(self, db: object, config: object = "CONFIG") -> None:
        self.db = db
        self.hint = f"Run: replyaudit crawl {config}"
        super().__init__(f"{db} does not exist yet")


class NotADataset(ReplyauditError, ValueError):
    """A file given as the dataset is not one: empty, not a DuckDB database, damaged
    (truncated), or another application's database. Nothing was read from it or written."""

    usage = True

    def __init__(self, db: object, why: str, hint: str = "") -> None:
        self.db, self.why = db, why
        self.hint = hint or ("Nothing was changed. Give the path of a dataset replyaudit wrote, "
                             "or a new file name to start one (the config's audit.db, or --db).")
        super().__init__(f"{db} is not a replyaudit dataset: {why}")


class NoCrawlYet(ReplyauditError, LookupError):
    """Metrics were asked of a database that holds no finished crawl."""

    hint = "Run: replyaudit crawl CONFIG"


class DatasetBusy(ReplyauditError, RuntimeError):
    """Another process is writing to the dataset (a run holds its lock, or DuckDB's own)."""

    hint = ("a crawl, benchmark run or import is still going on. Nothing was changed. Try "
            "again when it has finished, or pass --wait SECONDS to wait for it.")

    def __init__(self, db: object, holder: str | None = None, waited: float = 0.0) -> None:
        self.db, self.holder, self.waited = db, holder, waited
        who = f"process {holder}" if holder else "another process"
        super().__init__(f"{db} is being written by {who}")

    def explain(self) -> str:
        waited = f" (waited {self.waited:g} s)" if self.waited else ""
        return f"{self}{waited}: {self.hint}"


class ImportFormatError(ReplyauditError, ValueError):
    """An import file is not what the importer expects: names the file and what was expected."""

    usage = True

    def __init__(self, path: str, expected: str, got: object = None) -> None:
        self.path, self.expected, self.got = path, expected, got
        detail = f"{path}: expected {expected}"
        if got is not None:
            detail += f", got {got!r}"
        super().__init__(detail)


class ImportFailed(ReplyauditError, RuntimeError):
    """DuckDB gave up during an import (usually memory); the transaction changed nothing."""

    hint = ("With a large file, raise --memory-limit (the key index of 2.8 M posts needs "
            "about 1GB).")

    def explain(self) -> str:
        return f"the import failed and changed nothing: {self}. {self.hint}"


class UnknownBrand(ReplyauditError, ValueError):
    """A brand id that the dataset does not hold (the client given to an import)."""

    usage = True


class InvalidMemoryLimit(ReplyauditError, ValueError):
    """DuckDB did not take a memory limit: says what a size looks like."""

    usage = True

    def __init__(self, limit: str, example: str = "4GB") -> None:
        self.limit = limit
        super().__init__(f"expected a size like {example} or 800MB")


class QueryFailed(ReplyauditError, RuntimeError):
    """SQL given by a person failed: bad SQL or an attempt to write; the first line of why."""


class MixedXSources(ReplyauditError, ValueError):
    """TWCS data and X's own data would share a dataset: their ids are different schemes."""

    usage = True

    def __init__(self, db: object, holds: str, adding: str) -> None:
        self.db = db
        super().__init__(
            f"{db} holds X data {holds}; it cannot also take X data {adding}. TWCS renumbered "
            "its tweets and anonymised its customers, so its ids are not X's and the two would "
            "mix unrelated accounts and posts. Use a separate database file for each.")



class RunFailed(ReplyauditError, RuntimeError):
    """A crawl fetched nothing (network down, every account failing) or a platform did not
    finish. The run is recorded as `failed`, adds no week to the history and leaves the
    figures of the last completed run as they were. Exit code 3 (docs/cli.md)."""

    hint = ("Nothing was added to the history; readers still see the last completed run. "
            "Run again once the platforms answer.")

    def __init__(self, run_id: int, db: object, causes: list[str]) -> None:
        self.run_id, self.db, self.causes = run_id, db, causes
        detail = "\n  ".join(causes) or "no platform finished"
        super().__init__(f"run {run_id} on {db} failed:\n  {detail}")

    def explain(self) -> str:
        return f"{self}\n{self.hint}"


class NotWritable(ReplyauditError, OSError):
    """A file or directory could not be written: the disk is full, the place is read-only or
    not ours. Whatever was there before is unchanged (benchmarks/files.py)."""

    def __init__(self, path: object, reason: str, errno: int | None = None) -> None:
        self.path, self.reason = path, reason
        super().__init__(errno, f"cannot write {path}: {reason}")
        self.hint = _WRITE_HINTS.get(errno or 0, "Nothing was changed there.")

    def __str__(self) -> str:
        return f"cannot write {self.path}: {self.reason}"


class DatasetNotWritable(NotWritable):
    """The dataset (or its lock file) cannot be written: a read-only place or a full disk."""

    def __init__(self, path: object, reason: str, errno: int | None = None) -> None:
        super().__init__(path, reason, errno)
        self.hint = ("Nothing was changed. Copy the dataset somewhere writable (and pass that "
                     "file), or free space on its disk." if errno != _ENOSPC else
                     "Free space on its disk and run the command again; every batch written "
                     "before is kept.")


class CrawlWriteFailed(DatasetNotWritable):
    """A crawl stopped at its first batch that could not be written; `run_id` says which
    run, `recorded` whether it could still be marked failed (else the next command that
    opens the dataset marks it interrupted). `unpublished`: the run wrote a working copy
    (benchmarks/snapshot.py) that was discarded, so the dataset is as it was."""

    def __init__(self, path: object, reason: str, errno: int | None, run_id: int,
                 recorded: bool, unpublished: bool = False) -> None:
        super().__init__(path, reason, errno)
        self.run_id, self.recorded = run_id, recorded
        marked = "marked failed" if recorded else "to be marked interrupted once there is room"
        fix = ("Free space on its disk and crawl again." if errno == _ENOSPC else
               "Move the dataset somewhere writable.")
        self.hint = (f"The crawl stopped there and nothing was published: {path} is as it "
                     f"was before this run. {fix}" if unpublished else
                     f"The crawl stopped there; run {run_id} is {marked}, and the batches "
                     f"written before are kept. {fix}")


_ENOSPC, _EROFS, _EACCES = 28, 30, 13
_WRITE_HINTS = {
    _ENOSPC: "The disk is full; the previous file, if any, is unchanged. Free space or write "
             "elsewhere.",
    _EROFS: "The place is read-only; the previous file, if any, is unchanged. Write elsewhere.",
    _EACCES: "No permission to write there; the previous file, if any, is unchanged. Write "
             "elsewhere.",
}


def reason_of(error: BaseException) -> tuple[str, int | None]:
    """A one-line reason and errno for an OSError or a DuckDB IO error: 'No space left on
    device (errno 28)'."""
    if isinstance(error, OSError) and error.strerror:
        return f"{error.strerror} (errno {error.errno})", error.errno
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    for errno, words in ((_ENOSPC, "no space left"), (_EROFS, "read-only file system"),
                         (_EACCES, "permission denied")):
        if words in text.lower():
            return f"{os.strerror(errno)} (errno {errno})", errno
    return text, None
