"""Import the "Customer Support on Twitter" dataset (TWCS) as platform `x`.

DuckDB's CSV reader streams the file; the only Python pass is a byte-level copy that makes
record ends unambiguous (CRLF -> LF; a bare CR, which TWCS has inside unquoted texts, becomes
chr(1) and is restored in SQL), because DuckDB ends a record at any CR. The SQL is in
`sql/import/twcs_*.sql`. What the mapping means:
docs/dataset.md, "Imported data: TWCS".
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import tomli_w

from benchmarks import files, sqlfiles, store
from benchmarks.config import load_config
from benchmarks.errors import ImportFormatError, UnknownBrand
from benchmarks.recorder import RunRecorder, RunWindow
from benchmarks.run_stats import ItemCounts, PlatformStats, RunStats

PLATFORM = "x"
COLUMNS = ("tweet_id", "author_id", "inbound", "created_at", "text", "in_response_to_tweet_id")
_CHUNK = 64 << 10  # small enough that the passes over a chunk stay in cache: half the CPU of 8 MiB
_CR_STAND_IN = b"\x01"
# The writing statements, in order, and whether each takes $fetched_at and $run_id.
_WRITES = (("twcs_accounts_update", True), ("twcs_accounts_insert", True), ("twcs_brands", False),
           ("twcs_posts", False), ("twcs_posts_update", True), ("twcs_posts_insert", True),
           ("twcs_mentions", False))
# Query that lists the replies whose parent is not in the dataset, quoted in messages and docs.
UNLINKED_QUERY = ("select * from posts p where platform = 'x' and parent_id is not null and "
                  "not exists (select 1 from posts q where q.platform = 'x' and "
                  "q.post_id = p.parent_id)")


@dataclass(frozen=True)
class TwcsImport:
    """What one import did; stored in runs.stats under x.import."""

    source: str
    run_id: int
    client_id: str
    reused_run: bool
    records: int
    tweets: int
    inbound: int
    rejected: int
    duplicates: int
    unlinked_replies: int
    brands: int
    first_at: datetime
    last_at: datetime
    cut_short: bool = False  # the file ended inside a record, which was rejected


def check_header(path: Path) -> None:
    """Raise ImportFormatError unless the first line names every TWCS column."""
    try:
        with path.open("rb") as f:
            first = f.readline(1 << 16).decode("utf-8-sig").strip()
    except FileNotFoundError:
        raise ImportFormatError(str(path), "an existing TWCS CSV file", "not found") from None
    except UnicodeDecodeError:
        raise ImportFormatError(str(path), "a UTF-8 CSV file") from None
    names = [n.strip().strip('"') for n in first.split(",")]
    missing = [c for c in COLUMNS if c not in names]
    if missing:
        raise ImportFormatError(str(path), f"a header with the TWCS columns {list(COLUMNS)}",
                                f"missing {missing}")


@contextmanager
def normalized_copy(path: Path, directory: Path) -> Iterator[tuple[Path, int]]:
    """A temporary copy whose records end at LF only, deleted afterwards, and how many
    records were cut off: a file that ends inside a record (copied or downloaded only in
    part) loses that last, incomplete record here, so the complete ones still load."""
    with tempfile.NamedTemporaryFile(dir=directory, suffix=".csv", delete=False) as out:
        copy = Path(out.name)
        try:
            with path.open("rb") as src:
                pending_cr = False
                quotes = 0  # parity: odd while inside a quoted value
                last = b""
                while chunk := src.read(_CHUNK):
                    if _CR_STAND_IN in chunk:
                        raise ImportFormatError(str(path), "text without control character 0x01")
                    if pending_cr:
                        chunk = b"\r" + chunk
                    pending_cr = chunk.endswith(b"\r")
                    if pending_cr:
                        chunk = chunk[:-1]
                    written = (chunk.replace(b"\r\n", b"\n").replace(b"\r", _CR_STAND_IN)
                               if b"\r" in chunk else chunk)  # most chunks hold no CR
                    out.write(written)
                    quotes = (quotes + written.count(b'"')) % 2
                    last = written[-1:] or last
                if pending_cr:
                    out.write(_CR_STAND_IN)
                    last = _CR_STAND_IN
            cut = 0
            if last and (last != b"\n" or quotes):
                out.flush()
                cut = _drop_incomplete_record(out.fileno(), quotes)
        except BaseException:
            copy.unlink(missing_ok=True)
            raise
    try:
        yield copy, cut
    finally:
        copy.unlink(missing_ok=True)


def _drop_incomplete_record(fd: int, quotes: int, window: int = 16 << 20) -> int:
    """Truncate the copy open at `fd` after its last complete record (the last LF outside
    quotes, found backwards from the quote parity at the end); 1 when a record was dropped,
    0 when none was found in the last `window` bytes (DuckDB then says what is wrong)."""
    size = os.fstat(fd).st_size
    start = max(0, size - window)
    tail = os.pread(fd, size - start, start)
    inside = quotes
    for i in range(len(tail) - 1, -1, -1):
        byte = tail[i]
        if byte == 0x22:  # '"'
            inside ^= 1
        elif byte == 0x0A and not inside:
            os.ftruncate(fd, start + i + 1)
            return 1
    return 0


def import_twcs(con: duckdb.DuckDBPyConnection, path: str | Path, *, sla_seconds: int = 3600,
                ignore_after_seconds: int = 72 * 3600, client_id: str | None = None,
                now: datetime | None = None) -> TwcsImport:
    """Load a TWCS CSV into the dataset open on `con` (writable, migrated); returns a summary.

    The import is one run whose window is the file's span and whose `as_of` is its latest
    tweet. Importing the same file with the same thresholds again reuses that run and writes
    only what differs, so nothing changes. Everything is one transaction. Raises
    ImportFormatError for a file that is not TWCS-shaped, UnknownBrand for a client that is
    not a brand of the file or the dataset, MixedXSources for a dataset holding X data
    collected from X itself (its ids are another scheme).
    """
    path = Path(path)
    check_header(path)
    store.check_x_source(con, "twcs")
    con.execute("set preserve_insertion_order = false")  # lets inserts stream in less memory
    con.execute(_read("twcs_parsed"))
    with normalized_copy(path, _temp_dir(con)) as (copy, cut):
        try:
            con.execute(_read("twcs_tweets"), {"path": str(copy)})
        except duckdb.Error as e:
            raise ImportFormatError(str(path), "a CSV file DuckDB can read",
                                    str(e).splitlines()[0]) from None
    con.execute(_read("twcs_copies"))
    counts = _fetch_one(con, _read("twcs_counts"), {})
    # The record the file was cut off in is a bad record too: counted, not loaded.
    counts = {**counts, "records": counts["records"] + cut,
              "rejected": counts["rejected"] + cut}
    con.execute("delete from twcs_tweets where not valid or copy > 1")
    con.execute(_read("twcs_roots"))
    [(first_at, last_at)] = con.execute(
        "select min(created_at), max(created_at) from twcs_tweets").fetchall()
    if first_at is None:
        raise ImportFormatError(str(path), "at least one tweet with an id, author and date")
    client_id = _client(con, client_id)
    window = RunWindow(
        config_name=f"TWCS import: {path.name}", client_id=client_id, window_start=first_at,
        window_end=last_at + timedelta(seconds=1), sla_seconds=sla_seconds,
        ignore_after_seconds=ignore_after_seconds, as_of=last_at)
    con.execute("begin transaction")
    try:
        run, reused = _find_or_start_run(con, window, now)
        params = {"fetched_at": run.started_at, "run_id": run.run_id}
        for name, takes_params in _WRITES:
            con.execute(_read(name), params if takes_params else {})
        summary = _fetch_one(con, _read("twcs_summary"), counts)
        [(brands,)] = con.execute(
            "select count(distinct author_id) from twcs_tweets where not inbound").fetchall()
        result = TwcsImport(source=path.name, run_id=run.run_id, client_id=client_id,
                            reused_run=reused, brands=brands, cut_short=bool(cut), **summary)
        if not reused:  # a reused run already holds these very stats and its finish time
            run.finish(RunStats({PLATFORM: _stats(result)}))
    except Exception:
        con.execute("rollback")
        raise
    con.execute("commit")  # a failed commit rolls back by itself
    con.execute("drop view twcs_posts; drop table twcs_roots; drop table twcs_tweets")
    return result


def write_config_for(con: duckdb.DuckDBPyConnection, result: TwcsImport, path: Path,
                     db: Path) -> Path:
    """Write an audit config for `replyaudit report` over every x brand in the dataset.

    The config is only read, never crawled (x accounts cannot be crawled); it is validated
    like any other before it is returned.
    """
    handles: dict[str, list[str]] = {}
    for brand_id, handle in con.execute(
            "select brand_id, account_id from accounts where platform = 'x' and brand_id is not"
            " null order by brand_id, account_id").fetchall():
        handles.setdefault(brand_id, []).append(handle)
    names = dict(con.execute("select brand_id, name from brands").fetchall())
    document = {
        "audit": {
            "name": f"Customer Support on Twitter ({result.source})",
            "client": result.client_id,
            "since": result.first_at.date(),
            "until": result.last_at.date(),
            "db": os.path.relpath(db.resolve(), path.resolve().parent),
        },
        "brands": [{"id": b, "name": names.get(b, b), "x": h} for b, h in handles.items()],
    }
    files.write_text(path, tomli_w.dumps(document))
    load_config(path)
    return path


def _client(con: duckdb.DuckDBPyConnection, client_id: str | None) -> str:
    """The given client if it is an x brand of the file or the dataset; default: the brand
    with the most tweets in the file."""
    known = [b for (b,) in con.execute(
        "select twcs_brand_id(author_id) as brand_id from twcs_tweets where not inbound"
        " group by all order by count(*) desc, brand_id").fetchall()]
    if client_id is None:
        if not known:
            raise UnknownBrand("the file has no brand tweets (inbound = False)")
        return known[0]
    [(in_dataset,)] = con.execute(
        "select count(*) from accounts where platform = 'x' and brand_id = ?",
        [client_id]).fetchall()
    if client_id not in known and not in_dataset:
        raise UnknownBrand(f"{client_id!r} is not a brand of this file; brands with the most "
                           f"tweets: {', '.join(known[:5])}")
    return client_id


def _find_or_start_run(con: duckdb.DuckDBPyConnection, window: RunWindow,
                       now: datetime | None) -> tuple[RunRecorder, bool]:
    """The earlier run of the same import (same file name, span and thresholds), or a new
    one; True when it is the earlier one."""
    found = con.execute(
        "select run_id from runs where config_name = ? and window_start = ?"
        " and window_end = ? and as_of = ? and sla_seconds = ? and ignore_after_seconds = ?"
        " and client_id is not distinct from ? and status = 'finished'"
        " order by run_id desc limit 1",
        [window.config_name, window.window_start, window.window_end, window.as_of,
         window.sla_seconds, window.ignore_after_seconds, window.client_id]).fetchall()
    if found:
        return RunRecorder(con, int(found[0][0])), True
    return RunRecorder.start(con, window, [], started_at=now), False


def _stats(result: TwcsImport) -> PlatformStats:
    """runs.stats for the import, in the crawler's shape so the report's coverage reads it."""
    summary = {k: (v.isoformat() if isinstance(v, datetime) else v)
               for k, v in asdict(result).items() if k != "run_id"}
    notes = [f"Imported from the TWCS file {result.source}: {result.tweets} tweets "
             f"({result.inbound} from customers) by {result.brands} brand accounts; "
             "nothing was crawled."]
    if result.unlinked_replies:
        notes.append(f"{result.unlinked_replies} replies answer a tweet missing from the file; "
                     "they count only where they mention a brand.")
    if result.cut_short:
        notes.append(f"{result.source} ends inside a record (cut short?): that incomplete "
                     "last record was rejected; the complete ones were imported.")
    if result.rejected or result.duplicates:
        notes.append(f"{result.rejected} unreadable records rejected, "
                     f"{result.duplicates} duplicate tweet ids skipped.")
    return PlatformStats(dropped_items=result.rejected,
                         items=ItemCounts(posts=result.tweets, accounts=None),
                         mentions="from text", notes=notes, imported=summary)


def _temp_dir(con: duckdb.DuckDBPyConnection) -> Path:
    """The database's own directory: the copy is as large as the file, keep it on that disk."""
    [(db_file,)] = con.execute(
        "select path from duckdb_databases() where database_name = current_database()"
    ).fetchall()
    return Path(db_file).parent if db_file else Path(tempfile.gettempdir())


def _read(name: str) -> str:
    return sqlfiles.load(f"import/{name}.sql")


def _fetch_one(con: duckdb.DuckDBPyConnection, sql: str,
               params: dict[str, Any]) -> dict[str, Any]:
    result = con.execute(sql, params)
    names = [d[0] for d in result.description or []]
    [row] = result.fetchall()
    return dict(zip(names, row, strict=True))
