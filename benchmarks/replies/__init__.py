"""Brand replies: public answer or redirect (and to which channel), customer hand-off
confirmations, templated (automated) replies. Pure functions, no database: the SQL views
call them through DuckDB Python UDFs or on fetched rows. Definitions: docs/redirects.md.
"""

from __future__ import annotations

from benchmarks.replies.handoff import is_handoff_confirmation
from benchmarks.replies.kind import CHANNELS, KINDS, ReplyKind, classify_reply, normalise
from benchmarks.replies.templated import template_key, templated_texts
from benchmarks.replies.threads import ThreadPost, handoff_post_ids

__all__ = ["CHANNELS", "KINDS", "ReplyKind", "ThreadPost", "classify_reply",
           "handoff_post_ids", "is_handoff_confirmation", "normalise", "template_key",
           "templated_texts"]
