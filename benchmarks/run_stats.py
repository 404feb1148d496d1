"""`runs.stats`, typed: what a run did on each platform, shaped and serialised in one place.

Every source of a run (a crawl, a HAR import, a TWCS import) fills the same `PlatformStats`;
`RunStats.to_json` is the only writer of the `runs.stats` JSON and `RunStats.from_dict` reads
it back. The keys are documented for users in docs/dataset.md and in the column's comment
(benchmarks/sql/comments.sql); the report's coverage section reads `requests`, `responses`,
`retries`, `failures`, `mentions` and `notes`.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from typing import Any

# Keys written only when the source has them (None otherwise), so each stays meaningful.
_OPTIONAL = ("mode", "quota_units", "source", "operations", "import")


@dataclass
class ItemCounts:
    """Items written into the dataset for one platform."""

    posts: int = 0
    accounts: int | None = 0  # None: not counted (a TWCS import derives accounts from tweets)


@dataclass
class PlatformStats:
    """What a run did on one platform: one value of `runs.stats`, keyed by platform id.

    `requests`: HTTP requests made (a HAR import: X GraphQL responses read; TWCS: 0).
    `responses`: responses by HTTP status, e.g. {"200": 115, "429": 3}.
    `items`: posts and accounts written.
    `retries`: requests retried after an error. `rate_limit_pauses`: times a spent rate limit
    held the platform until its reset. `failures`: pages given up on after retries (a HAR
    import: X responses without a readable body); any failure makes the run `partial`.
    `malformed_json`: answers that were not the JSON promised. `dropped_items`: items the
    pipelines dropped (TWCS: unreadable records).
    `mentions`: searched | skipped | not applicable | from text (TWCS).
    `skipped`: True when the platform was not collected at all (e.g. Facebook without a
    token); a HAR import stores the entries it left out instead, counted by reason.
    `notes`: plain-language coverage notes for the report.
    `finish_reason`: Scrapy's; anything but "finished" makes the run `failed`, except
    "deadline" (stopped unfinished at the run's deadline): that platform counts as failed
    and the run as `partial`, so what the others collected is kept and judged.
    Only when the source has them: `mode` (full | incremental: crawls), `quota_units`
    (YouTube API units spent), `source` (the file an import read), `operations` (HAR: X
    GraphQL responses by operation), `imported` (TWCS: the import summary, key `import`).
    """

    requests: int = 0
    responses: dict[str, int] = field(default_factory=dict)
    items: ItemCounts = field(default_factory=ItemCounts)
    retries: int = 0
    rate_limit_pauses: int = 0
    failures: int = 0
    malformed_json: int = 0
    dropped_items: int = 0
    mentions: str = "not applicable"
    skipped: bool | dict[str, int] = False
    notes: list[str] = field(default_factory=list)
    finish_reason: str = "finished"
    mode: str | None = None
    quota_units: int | None = None
    source: str | None = None
    operations: dict[str, int] | None = None
    imported: dict[str, Any] | None = None

    @property
    def fetched_nothing(self) -> bool:
        """Requests were made, every one failed and nothing came back: the platform was not
        reachable (network down, connection refused) or every account failed."""
        return (not self.skipped and self.requests > 0 and self.failures > 0
                and self.items.posts == 0 and not self.items.accounts)

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape: every field, `imported` as `import`; unset optional keys left out."""
        data = asdict(self)
        data["import"] = data.pop("imported")
        return {k: v for k, v in data.items() if not (k in _OPTIONAL and v is None)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PlatformStats:
        """Read one platform's stats as stored; missing keys take their defaults. Raises
        ValueError for a key this version does not know."""
        data = dict(data)
        if "import" in data:
            data["imported"] = data.pop("import")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"runs.stats: unknown keys {unknown}; known: {sorted(known)}")
        items = data.pop("items", None) or {}
        return cls(items=ItemCounts(**items), **data)


DEADLINE = "deadline"  # the finish reason of a platform stopped at the run's deadline


@dataclass
class RunStats:
    """`runs.stats`: PlatformStats by platform id; the run's status follows from them."""

    platforms: dict[str, PlatformStats] = field(default_factory=dict)

    def platform(self, name: str) -> PlatformStats:
        """The stats of `name`, created empty on first use."""
        return self.platforms.setdefault(name, PlatformStats())

    @property
    def status(self) -> str:
        """failed (a platform did not finish, or the run fetched nothing at all) | partial
        (some pages failed, or the run's deadline stopped a platform) | finished. A failed run
        is never the judging run, so it adds no week to the history."""
        if any(p.finish_reason not in ("finished", DEADLINE) for p in self.platforms.values()):
            return "failed"
        if self.fetched_nothing:
            return "failed"
        if any(p.failures or p.finish_reason == DEADLINE for p in self.platforms.values()):
            return "partial"
        return "finished"

    @property
    def fetched_nothing(self) -> bool:
        """Every platform collected fetched nothing (PlatformStats.fetched_nothing)."""
        collected = [p for p in self.platforms.values() if not p.skipped]
        return bool(collected) and all(p.fetched_nothing for p in collected)

    def failure_causes(self) -> list[str]:
        """Why a `failed` run failed, per platform, in the words of its notes: a platform
        that stopped early, or one that fetched nothing (e.g. "Could not reach bluesky at
        …: connection refused")."""
        causes = []
        for name, stats in self.platforms.items():
            if stats.finish_reason != "finished":
                causes.append(f"{name} stopped early ({stats.finish_reason}).")
            elif stats.fetched_nothing:
                causes += stats.notes or [f"{name}: all {stats.failures} requests failed."]
        return causes

    def as_dict(self) -> dict[str, dict[str, Any]]:
        return {name: stats.as_dict() for name, stats in self.platforms.items()}

    def to_json(self) -> str:
        """The stored text (keys sorted, so equal stats are equal strings)."""
        return json.dumps(self.as_dict(), sort_keys=True, default=str)

    @classmethod
    def from_dict(cls, data: dict[str, dict[str, Any]]) -> RunStats:
        return cls({name: PlatformStats.from_dict(stats) for name, stats in data.items()})

    @classmethod
    def from_json(cls, text: str | None) -> RunStats:
        """Read `runs.stats` as stored (None, a run never finished: no platforms)."""
        return cls.from_dict(json.loads(text) if text else {})
