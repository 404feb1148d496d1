"""`replyaudit import twcs` as a library call: check the file, open (or create) the dataset,
import, and optionally write an audit config for it. The import itself: twcs.py."""

from __future__ import annotations

from pathlib import Path

import duckdb

from benchmarks import store
from benchmarks.errors import ImportFailed
from benchmarks.importers.twcs import TwcsImport, check_header, import_twcs, write_config_for
from benchmarks.snapshot import writing


def import_twcs_file(file: Path, db: Path, *, sla_seconds: int = 3600,
                     ignore_after_seconds: int = 72 * 3600, client_id: str | None = None,
                     write_config: Path | None = None,
                     memory_limit: str = "1GB") -> tuple[TwcsImport, Path | None]:
    """Import the TWCS CSV `file` into the dataset at `db` (created or upgraded as needed).

    Returns the import's summary and the config written to `write_config` (None when not
    asked). Raises ImportFormatError before the database is created for a file that is not
    TWCS-shaped, InvalidMemoryLimit, UnknownBrand, MixedXSources, and ImportFailed when
    DuckDB gives up (nothing is published), DatasetBusy while another run writes. Readers
    of `db` never wait: the import writes a working copy and publishes it whole.
    """
    check_header(file)  # before the database is created
    with writing(db) as work:  # published whole when done (benchmarks/snapshot.py)
        con = store.open_dataset(work, read_only=False, create=True)
        try:
            store.set_memory_limit(con, memory_limit, example="1GB")
            result = import_twcs(con, file, sla_seconds=sla_seconds,
                                 ignore_after_seconds=ignore_after_seconds, client_id=client_id)
            written = write_config_for(con, result, write_config, db) if write_config else None
        except duckdb.Error as e:
            raise ImportFailed(str(e).splitlines()[0]) from None
        finally:
            con.close()
    return result, written
