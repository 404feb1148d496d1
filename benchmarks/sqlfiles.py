"""The one loader for packaged SQL: every `.sql` file shipped in a package is read here, as UTF-8.

The files live in `benchmarks/sql/` (staging, metrics, import, ...), `benchmarks/schema/`
(numbered migrations) and `reports/sql/`. Reading them with the platform's default encoding
would break on a comment with a non-ASCII character on some systems, so nothing else reads them.
(The module is not called `sql.py`: that name would shadow the `benchmarks/sql/` data folder.)
"""

from __future__ import annotations

from importlib import resources


def load(name: str, package: str = "benchmarks") -> str:
    """The text of `<package>/sql/<name>`, e.g. `load("metrics/brand_metrics.sql")` or
    `load("judging_run.sql", package="reports")`. Raises FileNotFoundError for an unknown name."""
    return resources.files(package).joinpath("sql", *name.split("/")).read_text(encoding="utf-8")


def schema_files() -> list[tuple[str, str]]:
    """(file name, SQL) of every numbered migration in `benchmarks/schema/`, by file name."""
    folder = resources.files("benchmarks").joinpath("schema")
    return sorted((entry.name, entry.read_text(encoding="utf-8"))
                  for entry in folder.iterdir() if entry.name.endswith(".sql"))
