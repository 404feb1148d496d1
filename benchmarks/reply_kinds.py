"""Store what each brand reply does, and which customer posts only confirm a hand-off.

The rules are pure functions in `benchmarks.replies` (docs/redirects.md); this module runs
them over a dataset and writes `reply_kinds` and `handoff_texts`, which the metric SQL
reads (`brand_replies`, `customer_posts.first_response_kind`, status `handoff`). Like
post_classes it runs after every crawl and import, and for whatever is missing before the
report and `stats`; a new version of the rules re-decides everything it decided.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from benchmarks import queries, sqlfiles
from benchmarks.replies import (
    classify_reply,
    is_handoff_confirmation,
    template_key,
    templated_texts,
)
from benchmarks.replies.templated import MAX_DELAY_S

if TYPE_CHECKING:
    import duckdb

RULES = "reply-rules-1"  # name and version of the rules stored beside each decision
BATCH = 50_000  # rows written per statement


def classify_replies(con: duckdb.DuckDBPyConnection, now: datetime | None = None) -> int:
    """Decide every brand reply not yet decided by these rules, and re-mark which replies
    are automated (a brand's templates depend on all its replies). Returns how many replies
    were newly decided."""
    replies = queries.rows(con, sqlfiles.load("replies/unclassified_replies.sql"),
                           {"classifier": RULES})
    by_brand: dict[str, list[tuple[str, float | None]]] = defaultdict(list)
    for r in replies:
        by_brand[r["brand_id"]].append((r["text"] or "", r["delay_seconds"]))
    templates = {brand: templated_texts(pairs) for brand, pairs in by_brand.items()}

    def automated(r: dict[str, Any]) -> bool:
        delay = r["delay_seconds"]
        return r["bot"] or (delay is not None and 0 <= delay <= MAX_DELAY_S
                and template_key(r["text"] or "") in templates[r["brand_id"]])

    stamp = now or datetime.now(UTC)
    todo = [r for r in replies if not r["decided"]]
    kinds = [classify_reply(r["text"] or "") for r in todo]
    for start in range(0, len(todo), BATCH):
        batch, decided = todo[start:start + BATCH], kinds[start:start + BATCH]
        con.execute(
            "insert or replace into reply_kinds select unnest($platform::varchar[]),"
            " unnest($post_id::varchar[]), unnest($kind::varchar[]),"
            " unnest($channel::varchar[]), unnest($automated::boolean[]), $rules, $stamp",
            {"platform": [r["platform"] for r in batch],
             "post_id": [r["post_id"] for r in batch],
             "kind": [k.kind for k in decided], "channel": [k.channel for k in decided],
             "automated": [automated(r) for r in batch], "rules": RULES, "stamp": stamp})
    already = [r for r in replies if r["decided"]]
    for start in range(0, len(already), BATCH):
        batch = already[start:start + BATCH]
        con.execute(
            "update reply_kinds set automated = flags.automated from (select"
            " unnest($platform::varchar[]) as platform, unnest($post_id::varchar[]) as post_id,"
            " unnest($automated::boolean[]) as automated) as flags"
            " where reply_kinds.platform = flags.platform"
            " and reply_kinds.post_id = flags.post_id"
            " and reply_kinds.automated <> flags.automated",
            {"platform": [r["platform"] for r in batch],
             "post_id": [r["post_id"] for r in batch],
             "automated": [automated(r) for r in batch]})
    return len(todo)


def judge_handoffs(con: duckdb.DuckDBPyConnection, now: datetime | None = None) -> int:
    """Decide for every customer post not yet judged by these rules whether its text only
    confirms a hand-off; returns how many were judged. Whether it *is* a hand-off (a
    redirect to that customer came before it) is the SQL's: customer_posts.sql."""
    todo = queries.rows(con, sqlfiles.load("replies/unjudged_handoffs.sql"),
                        {"classifier": RULES})
    stamp = now or datetime.now(UTC)
    for start in range(0, len(todo), BATCH):
        batch = todo[start:start + BATCH]
        con.execute(
            "insert or replace into handoff_texts select unnest($platform::varchar[]),"
            " unnest($post_id::varchar[]), unnest($confirms::boolean[]), $rules, $stamp",
            {"platform": [r["platform"] for r in batch],
             "post_id": [r["post_id"] for r in batch],
             "confirms": [is_handoff_confirmation(r["text"] or "") for r in batch],
             "rules": RULES, "stamp": stamp})
    return len(todo)


def decide_all(con: duckdb.DuckDBPyConnection, now: datetime | None = None) -> None:
    """Both steps, in the order the SQL needs: replies first (hand-offs follow redirects)."""
    classify_replies(con, now)
    judge_handoffs(con, now)
