"""Three brands' Discourse community forums, served as Discourse's public JSON.

Shapes follow the recorded payloads in tests/fixtures/discourse/: topic lists with
`more_topics_url`, topics whose `post_stream` holds the first 20 posts and the ids of all
(`stream`), post chunks by id, group member lists. Each forum is served under
`/<forum host[/path]>/…` of the simulator (the crawler's `base_url` mode). The world comes
from `discourse_world.py`; serving adds what only the forum shows: post numbers with gaps
where posts were deleted (and replies still pointing at them), staff "closed" notices that
are no answers, a pinned welcome topic on top of every list, and one forum whose support
group's member list is private.
"""

from __future__ import annotations

import hashlib
import random
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from crawler.simulator.discourse_world import (
    BRAND_OPTIONS,
    CATEGORIES,
    FORUMS,
    GROUP_MEMBERS,
    IDS,
    PRIVATE_GROUPS_BRAND,
    STAFF,
    forum_of,
    username,
)
from crawler.simulator.server import Route, SimRequest, SimResponse

if TYPE_CHECKING:
    from crawler.simulator.server import SimServer
    from crawler.simulator.world import Account, Post

__all__ = ["FORUMS", "IDS", "brand_entry", "config_section", "routes", "served_topics"]

PER_PAGE, CHUNK = 30, 20
# A topic is closed (if at all) this long after it was opened: its conversation is over.
CLOSED_AFTER_DAYS = 16
TOPIC_EPOCH = datetime(2020, 1, 1, tzinfo=UTC)
# A forum that exists but shows nothing without a login (Discourse's `login_required`).
LOGIN_REQUIRED_FORUM = "staff.acmeair.example"
_FORUM = r"(?P<forum>[a-z0-9-]+(?:\.[a-z0-9-]+)+(?:/[a-z0-9-]+)?)"

@dataclass
class _SimTopic:
    topic_id: int
    forum: str
    opener: Post
    category: tuple[str, int]
    # (post_number, post or None for a deleted one, post_type, reply_to_post_number)
    entries: list[tuple[int, Post | None, int, int | None, datetime]] = field(default_factory=list)
    pinned: bool = False

    @property
    def slug(self) -> str:
        return re.sub(r"[^a-z0-9]+", "-", self.opener.text.lower()).strip("-")[:60] or "topic"

    @property
    def title(self) -> str:
        return self.opener.text.split(".")[0][:80]

    @property
    def last_posted_at(self) -> datetime:
        return max(at for _, post, kind, _, at in self.entries if post is not None or kind == 3)


def _iso(t: datetime) -> str:
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def _topics(request: SimRequest) -> dict[str, list[_SimTopic]]:
    return served_topics(request.server)


def served_topics(server: SimServer) -> dict[str, list[_SimTopic]]:
    """Topics per forum, numbered and decorated once per server (deterministically)."""
    state = server.state
    if "discourse_topics" in state:
        return state["discourse_topics"]
    world = server.world
    by_forum: dict[str, list[_SimTopic]] = {}
    roots = sorted((p for p in world.posts.get("discourse", []) if p.parent is None),
                   key=lambda p: p.created_at)
    for root in roots:
        forum = forum_of(root.author)
        topics = by_forum.setdefault(forum, [])
        # Each topic from its own stream, numbered by when it was opened: the same topic
        # whatever `now` the world was generated for (time travel).
        rng = random.Random(f"{world.seed}:discourse-serve:{root.post_id}")
        topic = _SimTopic(_topic_id(root, topics), forum, root, rng.choice(CATEGORIES),
                          pinned=not topics)  # the forum's oldest topic is the welcome
        posts = sorted(_subtree(root), key=lambda p: p.created_at)
        number: dict[int, int] = {}
        n = 0
        for post in posts:
            n += 1
            deleted_before = post is not root and rng.random() < 0.08
            if deleted_before:  # a post deleted since; maybe this one replied to it
                topic.entries.append((n, None, 1, None, post.created_at))
                n += 1
            number[id(post)] = n
            if post.parent is None:
                reply_to = None
            elif post.parent is root:
                reply_to = (n - 1 if deleted_before and rng.random() < 0.5
                            else rng.choice([None, None, None, 1]))
            else:
                reply_to = number[id(post.parent)]
            topic.entries.append((n, post, 1, reply_to, post.created_at))
        # Staff close a topic once its conversation is over (after anything written in it).
        closed_at = root.created_at + timedelta(days=CLOSED_AFTER_DAYS)
        if (rng.random() < 0.15 and closed_at <= world.now
                and posts[-1].created_at < closed_at):
            topic.entries.append((n + 1, None, 3, None, closed_at))  # staff closed it
        topics.append(topic)
    state["discourse_topics"] = by_forum
    return by_forum


def _topic_id(root: Post, earlier: list[_SimTopic]) -> int:
    """Ten per day since 2020 (the next free one when a day has more), the welcome topic 10."""
    if not earlier:
        return 10
    number = 100 + (root.created_at - TOPIC_EPOCH).days * 10
    while any(t.topic_id == number for t in earlier[-20:]):
        number += 1
    return number


def _subtree(root: Post) -> list[Post]:
    out, stack = [], [root]
    while stack:
        post = stack.pop()
        out.append(post)
        stack.extend(post.children)
    return out


def _native_id(topic: _SimTopic, number: int, post: Post | None) -> int:
    if post is not None:
        return int(post.native_id)
    digest = hashlib.sha256(f"{topic.forum}/{topic.topic_id}/{number}".encode()).hexdigest()
    return int(digest[:10], 16)


def _user(account: Account | None) -> dict[str, Any]:
    if account is None:  # the staff member who closed a topic
        return {"user_id": STAFF["sam"][0], "username": "sam", "name": "Sam",
                "admin": True, "moderator": False, "primary_group_name": None}
    name = username(account)
    native, admin, moderator, group = STAFF.get(name, (int(account.native_id), False, False,
                                                       None))
    if group is None and not account.brand_id and native % 7 == 0:
        group = "beta_testers"  # a group that is not a staff group
    return {"user_id": native, "username": name, "name": account.display_name,
            "admin": admin, "moderator": moderator, "primary_group_name": group}


def _post_json(topic: _SimTopic, entry: tuple[int, Post | None, int, int | None, datetime],
               ) -> dict[str, Any]:
    number, post, kind, reply_to, at = entry
    user = _user(post.author if post else None)
    cooked = ("<p>" + post.text.replace("&", "&amp;").replace("<", "&lt;")
              .replace(">", "&gt;") + "</p>") if post else ""
    body: dict[str, Any] = {
        "id": _native_id(topic, number, post), "name": user["name"],
        "username": user["username"],
        "avatar_template": (f"/letter_avatar_proxy/v4/letter/{user['username'][0]}"
                            "/df705f/{size}.png"),
        "created_at": _iso(at), "cooked": cooked, "post_number": number, "post_type": kind,
        "updated_at": _iso(at), "reply_count": 0, "reply_to_post_number": reply_to,
        "quote_count": 0, "incoming_link_count": 0, "reads": 12, "readers_count": 11,
        "score": 1.2, "yours": False, "topic_id": topic.topic_id, "topic_slug": topic.slug,
        "display_username": user["name"], "primary_group_name": user["primary_group_name"],
        "flair_name": user["primary_group_name"], "flair_url": None, "flair_bg_color": None,
        "flair_color": None, "version": 1, "can_edit": False, "can_delete": False,
        "can_recover": False, "can_wiki": False, "user_title": None, "bookmarked": False,
        "actions_summary": [{"id": 2, "count": post.likes}] if post and post.likes else [],
        "moderator": user["moderator"], "admin": user["admin"],
        "staff": user["admin"] or user["moderator"], "user_id": user["user_id"],
        "hidden": False, "trust_level": 1, "deleted_at": None, "user_deleted": False,
        "edit_reason": None, "can_view_edit_history": True, "wiki": False,
        "action_code": "closed.enabled" if kind == 3 else None,
    }
    if post is not None:
        body["reply_count"] = len(post.children)
    return body


def _visible(topic: _SimTopic, at: datetime) -> list[tuple[int, Post | None, int, int | None,
                                                            datetime]]:
    """What an anonymous visitor sees at `at`: no deleted posts, nothing not yet posted."""
    return [e for e in topic.entries if (e[1] is not None or e[2] == 3) and e[4] <= at]


def _topic_list_entry(topic: _SimTopic) -> dict[str, Any]:
    visible = [e for e in topic.entries if e[1] is not None]
    return {
        "id": topic.topic_id, "title": topic.title, "fancy_title": topic.title,
        "slug": topic.slug, "posts_count": len(visible), "reply_count": len(visible) - 1,
        "highest_post_number": topic.entries[-1][0], "image_url": None,
        "created_at": _iso(topic.opener.created_at), "last_posted_at": _iso(topic.last_posted_at),
        "bumped": True, "bumped_at": _iso(topic.last_posted_at), "archetype": "regular",
        "unseen": False, "pinned": topic.pinned, "unpinned": None, "visible": True,
        "closed": any(e[2] == 3 for e in topic.entries), "archived": False,
        "bookmarked": None, "liked": None, "views": 40, "like_count": 0,
        "has_summary": False, "last_poster_username": "system", "category_id": topic.category[1],
        "pinned_globally": topic.pinned, "featured_link": None, "has_accepted_answer": False,
        "posters": [{"extras": "latest single",
                     "description": "Original Poster, Most Recent Poster",
                     "user_id": _user(topic.opener.author)["user_id"], "primary_group_id": None}],
    }


def _list(request: SimRequest, topics: list[_SimTopic], path: str) -> SimResponse:
    ordered = ([t for t in topics if t.pinned]
               + sorted((t for t in topics if not t.pinned), key=lambda t: t.last_posted_at,
                        reverse=True))
    page = int(request.arg("page") or 0)
    shown = ordered[page * PER_PAGE:(page + 1) * PER_PAGE]
    topic_list: dict[str, Any] = {"can_create_topic": False, "per_page": PER_PAGE,
                                  "top_tags": [], "topics": [_topic_list_entry(t) for t in shown]}
    if (page + 1) * PER_PAGE < len(ordered):
        topic_list["more_topics_url"] = f"{path}?no_definitions=true&page={page + 1}"
    users = {_user(t.opener.author)["user_id"]: _user(t.opener.author) for t in shown}
    return SimResponse(body={
        "users": [{"id": u["user_id"], "username": u["username"], "name": u["name"],
                   "avatar_template": "/letter_avatar_proxy/v4/letter/t/df705f/{size}.png"}
                  for u in users.values()],
        "primary_groups": [], "flair_groups": [], "topic_list": topic_list})


def _forum_topics(request: SimRequest) -> list[_SimTopic] | None:
    return _topics(request).get(request.match.group("forum"))


def _not_found() -> SimResponse:
    return SimResponse(404, {"errors": ["The requested URL or resource could not be found."],
                             "error_type": "not_found"})


def _latest(request: SimRequest) -> SimResponse:
    if request.match.group("forum") == LOGIN_REQUIRED_FORUM:
        return SimResponse(403, {"errors": ["You are not permitted to view the requested "
                                            "resource. Please log in."],
                                 "error_type": "not_logged_in"})
    topics = _forum_topics(request)
    return _not_found() if topics is None else _list(request, topics, "/latest")


def _category(request: SimRequest) -> SimResponse:
    topics = _forum_topics(request)
    wanted = (request.match.group("slug"), int(request.match.group("id")))
    if topics is None or wanted not in CATEGORIES:
        return _not_found()
    return _list(request, [t for t in topics if t.category == wanted or t.pinned],
                 f"/c/{wanted[0]}/{wanted[1]}")


def _find(request: SimRequest) -> _SimTopic | None:
    topic_id = int(request.match.group("topic"))
    return next((t for t in _forum_topics(request) or [] if t.topic_id == topic_id), None)


def _topic(request: SimRequest) -> SimResponse:
    topic = _find(request)
    if topic is None:
        return _not_found()
    visible = _visible(topic, request.server.world.now)
    posts = [_post_json(topic, e) for e in visible]
    return SimResponse(body={
        "post_stream": {"posts": posts[:CHUNK], "stream": [p["id"] for p in posts]},
        "timeline_lookup": [], "suggested_topics": [], "tags": [], "id": topic.topic_id,
        "title": topic.title, "fancy_title": topic.title, "posts_count": len(posts),
        "created_at": _iso(topic.opener.created_at), "views": 40, "reply_count": len(posts) - 1,
        "like_count": 0, "last_posted_at": _iso(topic.last_posted_at), "visible": True,
        "closed": any(e[2] == 3 for e in topic.entries), "archived": False,
        "has_summary": False, "archetype": "regular", "slug": topic.slug,
        "category_id": topic.category[1], "word_count": 120, "deleted_at": None,
        "user_id": _user(topic.opener.author)["user_id"], "featured_link": None,
        "pinned_globally": topic.pinned, "pinned": topic.pinned, "draft": None,
        "draft_key": f"topic_{topic.topic_id}", "draft_sequence": None,
        "highest_post_number": topic.entries[-1][0], "deleted_by": None, "chunk_size": CHUNK,
        "bookmarked": False, "participant_count": len({p["user_id"] for p in posts}),
        "details": {"can_create_post": False, "participants": [], "created_by": {
            "id": _user(topic.opener.author)["user_id"],
            "username": _user(topic.opener.author)["username"]}},
    })


def _topic_posts(request: SimRequest) -> SimResponse:
    topic = _find(request)
    if topic is None:
        return _not_found()
    wanted = {int(i) for i in request.query.get("post_ids[]", []) if i.isdigit()}
    posts = [_post_json(topic, e) for e in _visible(topic, request.server.world.now)]
    return SimResponse(body={"post_stream": {"posts": [p for p in posts if p["id"] in wanted]},
                             "id": topic.topic_id})


def _members(request: SimRequest) -> SimResponse:
    forum, group = request.match.group("forum"), request.match.group("group")
    if group not in GROUP_MEMBERS or forum not in FORUMS.values():
        return _not_found()
    if forum == FORUMS[PRIVATE_GROUPS_BRAND]:
        return SimResponse(403, {"errors": ["You are not permitted to view the requested "
                                            "resource."], "error_type": "invalid_access"})
    accounts = {username(a): a for a in request.server.world.accounts["discourse"]
                if a.brand_id and forum_of(a) == forum}
    members = [_user(accounts[u]) for u in GROUP_MEMBERS[group] if u in accounts]
    offset = int(request.arg("offset") or 0)
    limit = request.int_arg("limit", 50, 1000)
    return SimResponse(body={
        "members": [{"id": m["user_id"], "username": m["username"], "name": m["name"],
                     "avatar_template": "/letter_avatar_proxy/v4/letter/l/df705f/{size}.png",
                     "title": None, "primary_group_name": m["primary_group_name"],
                     "flair_name": None, "added_at": "2025-03-01T09:00:00.000Z",
                     "timezone": "Europe/London"} for m in members[offset:offset + limit]],
        "owners": [],
        "meta": {"total": len(members), "limit": limit, "offset": offset}})


def routes() -> list[Route]:
    table = [
        (rf"/{_FORUM}/groups/(?P<group>[a-z0-9_-]+)/members\.json", _members),
        (rf"/{_FORUM}/latest\.json", _latest),
        (rf"/{_FORUM}/c/(?P<slug>[a-z0-9-]+)/(?P<id>\d+)\.json", _category),
        (rf"/{_FORUM}/t/(?P<topic>\d+)\.json", _topic),
        (rf"/{_FORUM}/t/(?P<topic>\d+)/posts\.json", _topic_posts),
    ]
    return [Route("GET", pattern, handler, "discourse") for pattern, handler in table]


def brand_entry(brand_id: str, base_url: str) -> dict[str, Any]:
    """The brand's `discourse` entry in the written config."""
    return {"forums": [f"https://{FORUMS[brand_id]}"], **BRAND_OPTIONS[brand_id]}


def config_section(base_url: str) -> dict[str, Any]:
    """Every forum is served by the simulator, fast: it is local."""
    return {"base_url": base_url, "requests_per_second": 50.0, "concurrency": 8}
