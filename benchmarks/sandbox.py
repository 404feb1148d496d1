"""A connection for other people's SQL: it reads the dataset and touches nothing else.

`replyaudit query` runs whatever a researcher or a shared dashboard sends. The dataset is
opened read-only (no DELETE, DROP or UPDATE), and DuckDB's external access is switched off
and the configuration locked, so the SQL cannot read or write files (`COPY … TO`,
`read_csv('/etc/passwd')`, `ATTACH`, `EXPORT DATABASE`), install or load extensions, reach
the network, or switch any of that back on (`SET`, `RESET`, a `PRAGMA` that writes a
profile). What stays allowed: SELECT over every table and view, temporary tables in memory,
and DuckDB's own functions. See docs/cli.md, "query".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import duckdb

# Applied in this order: the lock last, so nothing after it can undo the rest.
LOCKDOWN = (
    "set enable_external_access = false",
    "set autoinstall_known_extensions = false",
    "set autoload_known_extensions = false",
    "set allow_community_extensions = false",
    "set lock_configuration = true",
)


def sandboxed(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """Lock an open (read-only) connection down for untrusted SQL; returns it."""
    for statement in LOCKDOWN:
        con.execute(statement)
    return con
