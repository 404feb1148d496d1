"""The DuckDB store: connect and migrate in place. Runs are written by benchmarks/recorder.py.

Schema changes are numbered files in `schema/`, applied in order and recorded in
`_migrations` in the same transaction. The metric views in `sql/` are derived, so they are
recreated on every writable connection. See docs/dataset.md for the contract.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb

from benchmarks import dataset_file, lock, snapshot, sqlfiles
from benchmarks.errors import (
    DatasetBusy,
    DatasetNotWritable,
    InvalidMemoryLimit,
    MixedXSources,
    NoDataset,
    SchemaOutOfDate,
    reason_of,
)

_VIEW_FILES = ("staging/audit_params.sql", "metrics/intervals.sql",
               "metrics/business_hours.sql", "metrics/customer_posts.sql",
               "metrics/brand_metrics.sql", "metrics/brand_metrics_current.sql",
               "metrics/brand_replies.sql")


def migrations() -> list[tuple[int, str, str]]:
    """(version, file name, SQL) for every schema file, in order."""
    return sorted((int(name.split("_", 1)[0]), name, sql)
                  for name, sql in sqlfiles.schema_files())


def required_version() -> int:
    return migrations()[-1][0]


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    # fetchall, not fetchone: DuckDB 2 keeps a half-read result open and refuses the next query.
    [(exists,)] = con.execute(
        "select count(*) from information_schema.tables where table_name = '_migrations'"
    ).fetchall()
    if not exists:
        return 0
    [(version,)] = con.execute("select coalesce(max(version), 0) from _migrations").fetchall()
    return int(version)


def migrate(con: duckdb.DuckDBPyConnection) -> int:
    """Bring the schema up to date in place and recreate the views; returns the version."""
    con.execute(
        "create table if not exists _migrations "
        "(version integer primary key, name varchar not null, applied_at timestamptz not null)"
    )
    current = schema_version(con)
    if current > required_version():
        raise SchemaOutOfDate(current, required_version())
    for version, name, sql in migrations():
        if version <= current:
            continue
        con.execute("begin transaction")
        try:
            con.execute(sql)
            con.execute(
                "insert into _migrations values (?, ?, ?)", [version, name, datetime.now(UTC)]
            )
            con.execute("commit")
        except Exception:
            con.execute("rollback")
            raise
    for path in _VIEW_FILES:
        con.execute(sqlfiles.load(path))
    # Meanings are documentation, not schema: refreshed on every upgrade like the views.
    con.execute(sqlfiles.load("comments.sql"))
    return required_version()


def connect(path: str | Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the dataset; a writable connection migrates it first.

    A read-only connection refuses a file from an older version (it cannot upgrade it) with
    SchemaOutOfDate. Any connection refuses, with NotADataset and before changing anything, a
    file that is not a replyaudit dataset (benchmarks/dataset_file.py).
    """
    if read_only:
        if not Path(path).exists():
            raise FileNotFoundError(path)
        con = dataset_file.connect_checked(Path(path), read_only=True)
        current = schema_version(con)
        if current != required_version():
            con.close()
            raise SchemaOutOfDate(current, required_version(), path)
    else:
        con = _connect_writable(Path(path))
        try:
            migrate(con)  # recreates the views: a write even when the schema is current
            mark_interrupted(con, Path(path))
        except duckdb.Error as e:
            con.close()
            reason, errno = reason_of(e)
            if errno is None:
                raise
            raise DatasetNotWritable(path, reason, errno) from None
    con.execute("set timezone = 'UTC'")
    con.execute("set enable_progress_bar = false")  # it would write over our own output
    return con



def _connect_writable(path: Path) -> duckdb.DuckDBPyConnection:
    """duckdb.connect for writing; DatasetNotWritable for a read-only place or a full disk
    (DuckDB's own lock error is left to open_dataset)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return dataset_file.connect_checked(path, read_only=False)
    except OSError as e:
        raise DatasetNotWritable(path, *reason_of(e)) from None
    except duckdb.IOException as e:
        if "lock" in str(e).lower():
            raise
        raise DatasetNotWritable(path, *reason_of(e)) from None


def mark_interrupted(con: duckdb.DuckDBPyConnection, path: Path) -> list[int]:
    """Mark runs still `running` as `interrupted` when nobody holds the dataset's write lock:
    their process was killed (a crawl holds the lock for its whole run, an import keeps
    DuckDB's own lock). Returns the run ids marked."""
    if snapshot.is_working_copy(path):
        return []  # its running row is the run writing it (a killed run's copy is discarded)
    running = [r for (r,) in con.execute(
        "select run_id from runs where status = 'running' order by run_id").fetchall()]
    if not running or lock.held(path):
        return []
    con.execute("update runs set status = 'interrupted', finished_at = coalesce(finished_at, ?)"
                " where status = 'running'", [datetime.now(UTC)])
    return running


def open_dataset(path: Path, read_only: bool = True, *, create: bool = False,
                 config: object = "CONFIG") -> duckdb.DuckDBPyConnection:
    """`connect`, for a command on a dataset: NoDataset when the file is missing and not to
    be `create`d (its hint names `config`), DatasetBusy when another process holds DuckDB's
    lock, SchemaOutOfDate (naming the file) when a read-only connection cannot upgrade it."""
    if not (create and not read_only) and not path.exists():
        raise NoDataset(path, config)
    try:
        return connect(path, read_only=read_only)
    except duckdb.IOException as e:
        if "lock" not in str(e).lower():
            raise
        raise DatasetBusy(path) from None


def set_memory_limit(con: duckdb.DuckDBPyConnection, limit: str, example: str = "4GB") -> None:
    """DuckDB's memory limit for this connection, e.g. '4GB'; InvalidMemoryLimit (whose
    message shows `example`) when DuckDB does not read it as a size."""
    try:
        con.execute("set memory_limit = ?", [limit])
    except duckdb.Error:
        raise InvalidMemoryLimit(limit, example) from None


def check_x_source(con: duckdb.DuckDBPyConnection, adding: str) -> None:
    """Raise MixedXSources unless the dataset's X posts (if any) use the `adding` id scheme:
    'twcs' (a TWCS import) or 'x' (X's own ids: a crawl or a HAR file)."""
    [(db,)] = con.execute("select path from duckdb_databases() "
                          "where database_name = current_database()").fetchall()
    found = {row[0] for row in con.execute(
        sqlfiles.load("catalog/x_sources.sql")).fetchall()}
    other = found - {adding}
    if other:
        what = {"twcs": "imported from TWCS", "x": "collected from X (a crawl or a HAR file)"}
        raise MixedXSources(db, what[other.pop()], what[adding])
