"""Small exceptions that the command line turns into messages naming the fix."""

from __future__ import annotations


class ConfigError(ValueError):
    """A config file is malformed: names the file, the key and what was expected."""

    def __init__(self, path: str, key: str, expected: str, got: object = None) -> None:
        self.path, self.key, self.expected, self.got = path, key, expected, got
        detail = f"{path}: {key}: expected {expected}"
        if got is not None:
            detail += f", got {got!r}"
        super().__init__(detail)


class SchemaOutOfDate(RuntimeError):
    """The database was written by a newer replyaudit than this one."""

    def __init__(self, current: int, required: int) -> None:
        self.current, self.required = current, required
        super().__init__(f"database schema {current} is newer than this version's {required}")


class NoCrawlYet(LookupError):
    """Metrics were asked of a database that holds no finished crawl."""


class DatasetBusy(RuntimeError):
    """Another process is writing to the dataset (a run holds its lock, or DuckDB's own)."""

    def __init__(self, db: object, holder: str | None = None, waited: float = 0.0) -> None:
        self.db, self.holder, self.waited = db, holder, waited
        who = f"process {holder}" if holder else "another process"
        super().__init__(f"{db} is being written by {who}")
class ImportFormatError(ValueError):
    """An import file is not what the importer expects: names the file and what was expected."""

    def __init__(self, path: str, expected: str, got: object = None) -> None:
        self.path, self.expected, self.got = path, expected, got
        detail = f"{path}: expected {expected}"
        if got is not None:
            detail += f", got {got!r}"
        super().__init__(detail)


class UnknownBrand(ValueError):
    """A brand id that the dataset does not hold."""


class MixedXSources(ValueError):
    """TWCS data and X's own data would share a dataset: their ids are different schemes."""

    def __init__(self, db: object, holds: str, adding: str) -> None:
        self.db = db
        super().__init__(
            f"{db} holds X data {holds}; it cannot also take X data {adding}. TWCS renumbered "
            "its tweets and anonymised its customers, so its ids are not X's and the two would "
            "mix unrelated accounts and posts. Use a separate database file for each.")
