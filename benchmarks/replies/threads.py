"""Which customer posts in a thread are hand-off confirmations (status `handoff`).

The rule (docs/redirects.md, "Definitions"): a customer post is `handoff` when, in its
thread, a brand post before it was a redirect answering that customer, and its text only
confirms the hand-off (`is_handoff_confirmation`). The SQL views can call this on the rows
of a thread, or reproduce it with `classify_reply` and `is_handoff_confirmation` as UDFs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from benchmarks.replies.handoff import is_handoff_confirmation
from benchmarks.replies.kind import ReplyKind, classify_reply


@dataclass(frozen=True)
class ThreadPost:
    """One post of a thread; `created_at` in any unit that orders posts (epoch seconds)."""

    post_id: str
    thread_id: str
    author_id: str
    from_brand: bool
    created_at: float
    text: str
    reply_to: str | None = None  # post_id this post answers, when known


def handoff_post_ids(posts: Iterable[ThreadPost],
                     classify: Callable[[str], ReplyKind] = classify_reply) -> set[str]:
    """Ids of the customer posts whose status is `handoff`.

    A redirect answers the author of the post it replies to (`reply_to`); without
    `reply_to`, every customer who posted in the thread before it. Only customer posts
    written after that redirect, by a customer it answered, are candidates; their text must
    only confirm the hand-off. Posts at the same `created_at` as the redirect count as after
    it only when they reply to it.
    """
    by_thread: dict[str, list[ThreadPost]] = defaultdict(list)
    for post in posts:
        by_thread[post.thread_id].append(post)
    found: set[str] = set()
    for thread in by_thread.values():
        thread.sort(key=lambda p: p.created_at)
        by_id = {p.post_id: p for p in thread}
        for i, brand_post in enumerate(thread):
            if not brand_post.from_brand or classify(brand_post.text).kind != "redirect":
                continue
            parent = by_id.get(brand_post.reply_to or "")
            answered = ({parent.author_id} if parent and not parent.from_brand else
                        {p.author_id for p in thread[:i] if not p.from_brand})
            for later in thread:
                after = (later.created_at > brand_post.created_at
                         or later.reply_to == brand_post.post_id)
                if (after and not later.from_brand and later.author_id in answered
                        and is_handoff_confirmation(later.text)):
                    found.add(later.post_id)
    return found
