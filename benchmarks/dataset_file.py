"""Is this file a replyaudit dataset? Checked before anything reads or writes it.

A command given an empty file, random bytes, a truncated copy or another application's
DuckDB database stops with NotADataset naming the file, and changes nothing: no traceback,
no replyaudit tables added to someone else's database. See docs/config.md, "Validation".
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from benchmarks.errors import DatasetNotWritable, NotADataset, reason_of

# A DuckDB file starts with three 4 KiB headers (the main one holds "DUCK" at byte 8), then
# its blocks; a file shorter than the blocks in use has lost its end.
_HEADER_BYTES = 3 * 4096
_MAGIC = (8, b"DUCK")
_DAMAGED = ("it is damaged, probably cut short (copied or downloaded only in part)",
            "Nothing was changed. Restore it from a backup or copy it again, or give a new file "
            "name to start a new dataset.")
_READ_SHORT = re.compile(r'Could not read enough bytes from file "([^"]+)"')


def check_bytes(path: Path) -> None:
    """NotADataset unless `path` is absent (to be created) or starts like a DuckDB file."""
    if not path.exists():
        return
    if path.is_dir():
        raise NotADataset(path, "it is a directory", "Give the path of a file.")
    if path.stat().st_size == 0:
        raise NotADataset(path, "it is an empty file")
    with path.open("rb") as f:
        head = f.read(_MAGIC[0] + len(_MAGIC[1]))
    if head[_MAGIC[0]:] != _MAGIC[1]:
        raise NotADataset(path, "it is not a DuckDB database file")


def check_writable(path: Path) -> None:
    """For a run about to write `path`: NotADataset now, before its lock file is made, when
    connect_checked would refuse it. Says nothing while another process holds DuckDB's lock
    (the run checks again when it connects)."""
    if not path.exists():
        return
    try:
        connect_checked(path, read_only=True, accept_empty=True).close()
    except duckdb.IOException:
        return


def connect_checked(path: Path, read_only: bool,
                    accept_empty: bool | None = None) -> duckdb.DuckDBPyConnection:
    """duckdb.connect, after check_bytes; refuses a damaged file and, unless it is new, a
    database without replyaudit's `_migrations` table, except an empty DuckDB database when
    `accept_empty` (default: when writable; e.g. a first run killed before its first table).
    DuckDB's lock errors pass through as they are (store.open_dataset: DatasetBusy)."""
    check_bytes(path)
    existed = path.exists()
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.Error as e:
        if "lock" in str(e).lower():
            raise
        reason, errno = reason_of(e)
        if errno is not None:  # a read-only place or a full disk, not a damaged file
            raise DatasetNotWritable(path, reason, errno) from None
        raise NotADataset(path, *_DAMAGED) from None
    try:
        if existed:
            _check_complete(con, path)
            _check_ours(con, path, not read_only if accept_empty is None else accept_empty)
    except BaseException:
        con.close()
        raise
    return con


def damage_of(error: BaseException) -> NotADataset | None:
    """The NotADataset a DuckDB error means when a file turned out short while being read
    (past the checks at connect time); None for any other error."""
    if not isinstance(error, duckdb.IOException):
        return None
    found = _READ_SHORT.search(str(error))
    return NotADataset(found.group(1), *_DAMAGED) if found else None


def _check_complete(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    [(block_size, used_blocks)] = con.execute(
        "select block_size, used_blocks from pragma_database_size() "
        "where database_name = current_database()").fetchall()
    if path.stat().st_size < _HEADER_BYTES + int(used_blocks) * int(block_size):
        raise NotADataset(path, *_DAMAGED)


def _check_ours(con: duckdb.DuckDBPyConnection, path: Path, accept_empty: bool) -> None:
    [(ours, others)] = con.execute(
        "select count(*) filter (where table_name = '_migrations'), "
        "count(*) filter (where table_name <> '_migrations') from duckdb_tables() "
        "where database_name = current_database() and not internal").fetchall()
    if ours:
        columns = {c for (c,) in con.execute(
            "select column_name from duckdb_columns() where database_name = current_database()"
            " and table_name = '_migrations'").fetchall()}
        if {"version", "name", "applied_at"} <= columns:
            return
    [(views,)] = con.execute(
        "select count(*) from duckdb_views() where database_name = current_database() "
        "and not internal").fetchall()
    if ours or others or views:
        raise NotADataset(path, "it is a DuckDB database of another application (it has no "
                                "replyaudit _migrations table)")
    if not accept_empty:
        raise NotADataset(path, "it is an empty DuckDB database",
                          "Run: replyaudit crawl CONFIG (or replyaudit import) to fill it.")
