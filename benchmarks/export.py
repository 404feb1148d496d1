"""Export the dataset as Parquet or CSV, optionally with customers pseudonymised.

DuckDB's COPY writes every file. Pseudonymisation runs inside the same queries:
`pseudonym(value)`, an HMAC-SHA256 of the value under the user's key, is a temporary SQL macro
(sql/export/pseudonym.sql) so the hashing runs in DuckDB's native code, and
`strip_mentions(platform, text)`, which removes @-mentions that do not name a brand account,
is a Python function registered on the connection. What that protects and what it does not:
docs/dataset.md, "Exports".
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import duckdb

from benchmarks import files, sqlfiles, store
from benchmarks import platforms as registry
from benchmarks.errors import NotWritable, ReplyauditError, reason_of

RELATIONS = ("posts", "accounts", "customer_posts", "brand_metrics")
FORMATS = ("parquet", "csv")
# Parquet partitions (hive style, key=value directories); month is created_at's, in UTC.
PARTITIONS = {"posts": ("platform", "month"), "customer_posts": ("platform", "month"),
              "accounts": ("platform",), "brand_metrics": ("platform",)}
PSEUDONYMISED = ("posts", "accounts", "customer_posts")  # brand_metrics names brands only
MIN_KEY_BYTES = 16
PSEUDONYM_KEY_ENV = "REPLYAUDIT_PSEUDONYM_KEY"  # where the key comes from without a key file
_SHA256_BLOCK = 64
REMOVED_MENTION = "@[removed]"
# An @-mention: not inside a word or an e-mail address; Bluesky handles are domains,
# Mastodon ones may carry @instance, X ones are screen names.
_MENTION = re.compile(
    r"(?<![\w@])@(?P<name>[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?"
    r"(?:@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)?)")


class ExportKeyError(ReplyauditError, ValueError):
    """Pseudonymisation was asked for without a usable key."""

    usage = True


class ExportTargetNotEmpty(ReplyauditError, ValueError):
    """The export directory already holds files: an earlier export would be mixed in."""

    usage = True


class ExportOutOfMemory(ReplyauditError, RuntimeError):
    """DuckDB ran out of memory part way: nothing was written to the export directory."""

    def __init__(self, reason: str, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.hint = f"raise --memory-limit; nothing was written to {out_dir}."
        super().__init__(reason)

    def explain(self) -> str:
        return f"{self}: {self.hint}"


@dataclass(frozen=True)
class ExportedRelation:
    relation: str
    rows: int
    path: str  # relative to the export directory


def export_dataset(db: Path, out_dir: Path, fmt: str, *, pseudonymize: bool = False,
                   key_file: Path | None = None, environ: Mapping[str, str] | None = None,
                   memory_limit: str | None = None) -> list[ExportedRelation]:
    """Export the dataset at `db` (opened read-only) into `out_dir`, a new or empty directory.

    With `pseudonymize`, the key is `key_file`'s content, else environ[PSEUDONYM_KEY_ENV].
    Nothing appears in `out_dir` until the export is complete. Raises ExportTargetNotEmpty,
    ExportKeyError (no key, a short key, or a key file without pseudonymisation),
    InvalidMemoryLimit, ExportOutOfMemory, NotWritable (a full disk, a read-only place), and
    what opening the dataset raises (store.open_dataset).
    """
    if out_dir.exists() and any(out_dir.iterdir()):
        raise ExportTargetNotEmpty(f"{out_dir} is not empty: choose a new or empty directory, "
                                   "so no earlier export is mixed in or overwritten.")
    key = None
    if pseudonymize:
        key = pseudonym_key(key_file, environ or {})
    elif key_file:
        raise ExportKeyError("--key-file is only used with --pseudonymize.")
    con = store.open_dataset(db)
    try:
        if memory_limit:
            store.set_memory_limit(con, memory_limit)
        # Written beside out_dir and swapped in whole: a failure leaves no partial export.
        with files.replacing(out_dir, directory=True) as temporary:
            try:
                return export(con, temporary, fmt, key)
            except duckdb.IOException as e:
                raise NotWritable(out_dir, *reason_of(e)) from None
    except duckdb.OutOfMemoryException as e:
        raise ExportOutOfMemory(str(e).splitlines()[0], out_dir) from None
    finally:
        con.close()


def pseudonym_key(key_file: Path | None, environ: Mapping[str, str]) -> bytes:
    """The secret key: `key_file`'s content, else environ[PSEUDONYM_KEY_ENV]; ExportKeyError
    when there is neither."""
    if key_file:
        return key_file.read_bytes().strip()
    if environ.get(PSEUDONYM_KEY_ENV):
        return environ[PSEUDONYM_KEY_ENV].encode("utf-8")
    raise ExportKeyError(f"--pseudonymize needs a secret key: set {PSEUDONYM_KEY_ENV} or pass "
                         "--key-file FILE. Keep it: the same key gives the same pseudonyms "
                         "next time.")


def export(con: duckdb.DuckDBPyConnection, out_dir: Path, fmt: str,
           key: bytes | None = None) -> list[ExportedRelation]:
    """Write RELATIONS into `out_dir` (new or empty) as `fmt`; pseudonymised when `key` is set.

    Parquet: one hive-partitioned directory per relation (PARTITIONS). CSV: one file per
    relation. A manifest.json lists what was written. The same data and key give the same
    rows. Raises ExportKeyError for a key shorter than MIN_KEY_BYTES.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {FORMATS}")
    if key is not None:
        if len(key) < MIN_KEY_BYTES:
            raise ExportKeyError(f"the pseudonymisation key must be at least {MIN_KEY_BYTES} "
                                 f"bytes long, got {len(key)}")
        _register_pseudonymisation(con, key)
        con.execute(sqlfiles.load("export/brand_posts.sql"))
    out_dir.mkdir(parents=True, exist_ok=True)
    con.execute("set preserve_insertion_order = false")  # lets COPY stream in less memory
    written = []
    for relation in RELATIONS:
        query = (sqlfiles.load(f"export/{relation}.sql")
                 if key is not None and relation in PSEUDONYMISED
                 else f"select * from {relation}")
        written.append(_copy(con, relation, query, out_dir, fmt))
    manifest = {"format": fmt, "pseudonymised": key is not None,
                "pseudonym": "HMAC-SHA256 of the original value under the user's key, hex"
                if key is not None else None,
                "relations": [w.__dict__ for w in written]}
    (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n",
                                           encoding="utf-8")
    return written


def hmac_pads(key: bytes) -> tuple[str, str]:
    """The inner and outer padded keys of HMAC-SHA256 (RFC 2104), as hex: a key longer than
    SHA-256's 64-byte block is hashed first, a shorter one is padded with zeros."""
    block = hashlib.sha256(key).digest() if len(key) > _SHA256_BLOCK else key
    block = block.ljust(_SHA256_BLOCK, b"\0")
    return bytes(b ^ 0x36 for b in block).hex(), bytes(b ^ 0x5C for b in block).hex()


def mention_stripper(brand_handles: dict[str, set[str]]) -> Callable[[str, str | None], str | None]:
    """Replace each @-mention that names no brand account of the platform by REMOVED_MENTION.

    `brand_handles` maps a platform to the lower-case names a brand account is mentioned by.
    """
    def strip(platform: str, text: str | None) -> str | None:
        if text is None:
            return None
        known = brand_handles.get(platform, set())

        def replace(match: re.Match[str]) -> str:
            return match.group(0) if match["name"].lower() in known else REMOVED_MENTION
        return _MENTION.sub(replace, text)
    return strip


def brand_mention_names(con: duckdb.DuckDBPyConnection) -> dict[str, set[str]]:
    """Per platform, every lower-case form a brand account can be @-mentioned by: its handle,
    its account id, and where the registry says so (Mastodon) the user part alone (how `@user`
    shows in text)."""
    names: dict[str, set[str]] = {}
    for platform, account_id, handle in con.execute(
            "select platform, account_id, handle from accounts where brand_id is not null"
    ).fetchall():
        forms = {account_id.lower()}
        if handle:
            forms.add(handle.lower())
        spec = registry.SPECS.get(platform)
        if spec is not None and spec.mentions_by_user_part:
            forms |= {f.split("@", 1)[0] for f in list(forms)}
        names.setdefault(platform, set()).update(forms)
    return names


def _register_pseudonymisation(con: duckdb.DuckDBPyConnection, key: bytes) -> None:
    from duckdb.sqltypes import VARCHAR

    with contextlib.suppress(duckdb.InvalidInputException):  # not registered yet
        con.remove_function("strip_mentions")
    inner, outer = hmac_pads(key)
    con.execute(sqlfiles.load("export/pseudonym.sql")
                .replace("$inner_pad", inner).replace("$outer_pad", outer))
    con.create_function("strip_mentions", mention_stripper(brand_mention_names(con)),
                        [VARCHAR, VARCHAR], VARCHAR, side_effects=False)


def _copy(con: duckdb.DuckDBPyConnection, relation: str, query: str, out_dir: Path,
          fmt: str) -> ExportedRelation:
    if fmt == "csv":
        target = out_dir / f"{relation}.csv"
        copy = f"copy ({query}) to {_literal(target)} (format csv, header true)"
    else:
        target = out_dir / relation
        partitions = PARTITIONS[relation]
        select = (f"select *, strftime(created_at, '%Y-%m') as month from ({query})"
                  if "month" in partitions else query)
        copy = (f"copy ({select}) to {_literal(target)} "
                f"(format parquet, partition_by ({', '.join(partitions)}))")
    [(rows,)] = con.execute(copy).fetchall()  # COPY answers with the rows it wrote
    return ExportedRelation(relation, int(rows), target.relative_to(out_dir).as_posix())


def _literal(path: Path) -> str:
    """A path as an SQL string literal (COPY takes no parameter for its target)."""
    return "'" + str(path).replace("'", "''") + "'"

