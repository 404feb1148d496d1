"""x.com as the browser spider sees it: small pages that load the web app's GraphQL with
JavaScript as you scroll, served under /x-web on the simulator.

The GraphQL answers follow the real recorded payloads in tests/fixtures/x/: users with the
handle in `core.screen_name` and followers in `relationship_counts`, tweets with `legacy`
(Twitter's `created_at` format, `in_reply_to_status_id_str`, `conversation_id_str`,
`entities.user_mentions`), timeline instructions with items, conversation modules and
Top/Bottom cursors; some tweets wrapped in `TweetWithVisibilityResults`, one promoted tweet per
timeline page. Every page and call needs the session cookie (`auth_token`) of a logged-in
browser: without it the pages redirect to the login wall, as x.com does.
"""

from __future__ import annotations

import base64
import html
import json
from typing import Any

from crawler.simulator.server import Route, SimRequest, SimResponse
from crawler.simulator.world import Account, Post

PREFIX = "/x-web"
# A logged-in browser's session cookie (name, value): see SIM_CREDENTIALS.
CREDENTIALS = {"x_web": ("auth_token", "sim-x-session-cookie")}
PAGE_SIZE, THREAD_MODULES = 20, 5
QUERY_IDS = {"UserByScreenName": "1VOOyvKkiI3FMmkeDNxM9A",
             "UserTweetsAndReplies": "Q6aAvPw7azXZbqXzuqTALA",
             "TweetDetail": "559hs_YZNV4IgA3Z6zIIuw",
             "SearchTimeline": "AIdc203rPpK_k_2KWSdm7g"}
# An advertiser outside the world: its promoted tweet mentions the client, so a crawler that
# kept ads would count a customer post that does not exist.
ADVERTISER = Account("x", "1500000000000000001", "SkyDealsAds", "Sky Deals", 12000)


def _username(account: Account) -> str:
    return account.handle.split("@")[0].split(".")[0]


def user_result(account: Account) -> dict[str, Any]:
    return {
        "__typename": "User",
        "id": base64.b64encode(f"User:{account.key}".encode()).decode(),
        "rest_id": account.key,
        "core": {"created_at": "Sat Dec 14 04:35:55 +0000 2013", "name": account.display_name,
                 "screen_name": _username(account)},
        "relationship_counts": {"followers": account.followers, "following": 211},
        "privacy": {"protected": False},
        "verification": {"verified": False},
        "is_blue_verified": False,
    }


def _text_and_mentions(post: Post) -> tuple[str, list[dict[str, Any]]]:
    """The text as x.com shows it (screen names, not the world's handles) and its mentions."""
    text = post.text
    mentions = []
    for account in post.mentions:
        name = _username(account)
        text = text.replace(f"@{account.handle}", f"@{name}", 1)
        start = text.find(f"@{name}")
        mentions.append({"id_str": account.key, "indices": [start, start + len(name) + 1],
                         "name": account.display_name, "screen_name": name})
    return text, mentions


def tweet_result(post: Post) -> dict[str, Any]:
    text, mentions = _text_and_mentions(post)
    legacy: dict[str, Any] = {
        "bookmark_count": 0, "bookmarked": False,
        "conversation_id_str": post.root.post_id,
        "created_at": post.created_at.strftime("%a %b %d %H:%M:%S +0000 %Y"),
        "display_text_range": [0, len(text)],
        "entities": {"user_mentions": mentions} if mentions else {},
        "favorite_count": post.likes, "favorited": False,
        "full_text": html.escape(text, quote=False),
        "id_str": post.post_id, "is_quote_status": False, "lang": post.language,
        "quote_count": 0, "reply_count": len(post.children), "retweet_count": post.reposts,
        "retweeted": False, "user_id_str": post.author.key,
    }
    if post.parent is not None:
        legacy.update(in_reply_to_screen_name=_username(post.parent.author),
                      in_reply_to_status_id_str=post.parent.post_id,
                      in_reply_to_user_id_str=post.parent.author.key)
    tweet = {"__typename": "Tweet", "rest_id": post.post_id,
             "core": {"user_results": {"result": user_result(post.author)}},
             "is_translatable": False, "legacy": legacy,
             "views": {"count": str(40 * (post.likes + 1)), "state": "EnabledWithCount"}}
    if int(post.post_id) % 5 == 0:  # the web app wraps tweets with visibility rules
        return {"__typename": "TweetWithVisibilityResults", "tweet": tweet}
    return tweet


def _item(entry_id: str, result: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"entryId": entry_id, "sortIndex": entry_id.rsplit("-", 1)[-1], "content": {
        "__typename": "TimelineTimelineItem", "entryType": "TimelineTimelineItem",
        "itemContent": {"__typename": "TimelineTweet", "itemType": "TimelineTweet",
                        "tweetDisplayType": "Tweet", "tweet_results": {"result": result},
                        **extra}}}


def _module(entry_id: str, posts: list[Post]) -> dict[str, Any]:
    return {"entryId": entry_id, "sortIndex": entry_id.rsplit("-", 1)[-1], "content": {
        "__typename": "TimelineTimelineModule", "entryType": "TimelineTimelineModule",
        "displayType": "VerticalConversation",
        "items": [{"entryId": f"{entry_id}-tweet-{p.post_id}", "item": {"itemContent": {
            "__typename": "TimelineTweet", "itemType": "TimelineTweet",
            "tweetDisplayType": "Tweet", "tweet_results": {"result": tweet_result(p)}}}}
            for p in posts]}}


def _cursor(kind: str, value: str) -> dict[str, Any]:
    return {"entryId": f"cursor-{kind.lower()}-{value}", "sortIndex": "0", "content": {
        "__typename": "TimelineTimelineCursor", "entryType": "TimelineTimelineCursor",
        "cursorType": kind, "value": f"sim:{value}"}}


def _instructions(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"type": "TimelineClearCache"}, {"type": "TimelineAddEntries", "entries": entries}]


def _offset(variables: dict[str, Any]) -> int:
    cursor = str(variables.get("cursor") or "sim:0")
    return int(cursor.removeprefix("sim:") or 0)


def _timeline_entries(posts: list[Post], offset: int, promoted: Post | None,
                      modules: bool) -> list[dict[str, Any]]:
    page = posts[offset:offset + PAGE_SIZE]
    entries = []
    for post in page:
        if modules and post.parent is not None:  # a reply shows under the tweet it answers
            entries.append(_module(f"profile-conversation-{post.post_id}", [post.parent, post]))
        else:
            entries.append(_item(f"tweet-{post.post_id}", tweet_result(post)))
    if page and promoted is not None:
        entries.insert(1, _item(f"promoted-tweet-{promoted.post_id}", tweet_result(promoted),
                                promotedMetadata={
                                    "advertiser_results": {"result": user_result(ADVERTISER)},
                                    "disclosureType": "NoDisclosure"}))
    entries.append(_cursor("Top", "0"))
    if offset + PAGE_SIZE < len(posts):
        entries.append(_cursor("Bottom", str(offset + PAGE_SIZE)))
    return entries


def _signed_in(request: SimRequest) -> bool:
    header = request.headers.get("cookie", "")
    cookies = dict(part.strip().split("=", 1) for part in header.split(";") if "=" in part)
    return cookies.get("auth_token") == request.server.credentials["x_web"][1]


def _graphql(request: SimRequest) -> SimResponse:
    if not _signed_in(request):
        return SimResponse(401, {"errors": [{"code": 32,
                                             "message": "Could not authenticate you."}]})
    operation = request.match.group(2)
    variables = json.loads(request.arg("variables") or "{}")
    world = request.server.world
    accounts = world.accounts["x"]
    posts = sorted(world.posts["x"], key=lambda p: int(p.post_id), reverse=True)
    if operation == "UserByScreenName":
        name = str(variables.get("screen_name", "")).lower()
        found = next((a for a in accounts if _username(a).lower() == name), None)
        return SimResponse(body={"data": {"user": {"result": user_result(found)}} if found else {}})
    if operation == "UserTweetsAndReplies":
        own = [p for p in posts if p.author.key == variables.get("userId")]
        entries = _timeline_entries(own, _offset(variables), _advert(request), modules=True)
        return SimResponse(body={"data": {"user": {"result": {"__typename": "User", "timeline": {
            "timeline": {"instructions": _instructions(entries)}}}}}})
    if operation == "SearchTimeline":
        query = str(variables.get("rawQuery", "")).lower()
        # Search matches text, as x.com's does: a handle typed without a mention matches too.
        hits = [p for p in posts if query and query in _text_and_mentions(p)[0].lower()]
        entries = _timeline_entries(hits, _offset(variables), _advert(request), modules=False)
        return SimResponse(body={"data": {"search_by_raw_query": {"search_timeline": {
            "timeline": {"instructions": _instructions(entries)}}}}})
    return _tweet_detail(request, variables)


def _advert(request: SimRequest) -> Post:
    client = next(a for a in request.server.world.brand_accounts("x") if a.brand_id == "acme")
    now = request.server.world.now
    return Post("x", "1999999999999999995", "1999999999999999995", ADVERTISER, now,
                f"@{client.handle} fly with us instead: 30 % off this week", mentions=[client])


def _tweet_detail(request: SimRequest, variables: dict[str, Any]) -> SimResponse:
    focal = request.server.world.post("x", str(variables.get("focalTweetId")))
    if focal is None:
        return SimResponse(body={"data": {}, "errors": [{"message": "_Missing: No status found"}]})
    offset = _offset(variables)
    entries = []
    if offset == 0:
        chain: list[Post] = []
        parent = focal.parent
        while parent is not None:
            chain.insert(0, parent)
            parent = parent.parent
        entries = [_item(f"tweet-{p.post_id}", tweet_result(p)) for p in [*chain, focal]]
    children = sorted(focal.children, key=lambda p: int(p.post_id))
    for child in children[offset:offset + THREAD_MODULES]:
        branch, stack = [], [child]
        while stack:
            post = stack.pop()
            branch.append(post)
            stack.extend(sorted(post.children, key=lambda p: int(p.post_id), reverse=True))
        entries.append(_module(f"conversationthread-{child.post_id}", branch))
    if offset + THREAD_MODULES < len(children):
        entries.append(_cursor("Bottom", str(offset + THREAD_MODULES)))
    return SimResponse(body={"data": {"threaded_conversation_with_injections_v2": {
        "instructions": [*_instructions(entries),
                         {"type": "TimelineTerminateTimeline", "direction": "Top"}]}}})


# Like x.com, the page also asks for a stylesheet, images and an analytics beacon: the
# browser spider must abort them (the server's request log shows whether it did).
PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>X</title>
<link rel="stylesheet" href="{prefix}/static/main.css">
<script src="{prefix}/app.js" defer></script></head>
<body data-base="{prefix}" data-op="{op}" data-vars="{variables}">
<img src="{prefix}/static/avatar.png" alt=""><main id="feed"></main>
<script>navigator.sendBeacon("{prefix}/1.1/jot/client_event.json", "{{}}");</script>
</body></html>"""

APP = """(() => {
  const base = document.body.dataset.base, op = document.body.dataset.op;
  const vars = JSON.parse(document.body.dataset.vars), ids = %s;
  const feed = document.getElementById("feed");
  let cursor = null, loading = false, done = false;
  const gql = async (name, variables) => {
    const url = `${base}/i/api/graphql/${ids[name]}/${name}?variables=` +
      encodeURIComponent(JSON.stringify(variables));
    return (await fetch(url, {credentials: "include"})).json();
  };
  const scan = (node, found) => {
    if (Array.isArray(node)) { node.forEach(n => scan(n, found)); return found; }
    if (!node || typeof node !== "object") return found;
    if (node.cursorType === "Bottom") found.bottom = node.value;
    if (node.__typename === "TimelineTweet") found.tweets += 1;
    Object.values(node).forEach(v => scan(v, found));
    return found;
  };
  const more = async () => {
    if (loading || done) return;
    loading = true;
    const page = scan(await gql(op, cursor ? {...vars, cursor} : vars), {tweets: 0, bottom: null});
    for (let i = 0; i < page.tweets; i++) {
      const div = document.createElement("article");
      div.style.height = "240px";
      feed.appendChild(div);
    }
    done = !page.tweets || !page.bottom;
    cursor = page.bottom;
    loading = false;
  };
  const load = async () => {
    if (op === "UserTweetsAndReplies") {
      const user = await gql("UserByScreenName", {screen_name: vars.screen_name});
      vars.userId = user.data.user.result.rest_id;
    }
    await more();
    window.addEventListener("scroll", () => {
      if (window.innerHeight + window.scrollY >= document.body.scrollHeight - 600) more();
    });
  };
  load();
})();
"""


def _page(request: SimRequest, op: str, variables: dict[str, Any]) -> SimResponse:
    if not _signed_in(request):
        return SimResponse(302, raw=b"", headers={
            "Location": f"{PREFIX}/i/flow/login?redirect_after_login={request.path}"})
    body = PAGE.format(prefix=PREFIX, op=op, variables=html.escape(json.dumps(variables)))
    return SimResponse(raw=body.encode(), headers={"Content-Type": "text/html; charset=utf-8"})


def _profile(request: SimRequest) -> SimResponse:
    return _page(request, "UserTweetsAndReplies",
                 {"screen_name": request.match.group(1), "count": PAGE_SIZE,
                  "includePromotedContent": True, "withVoice": True})


def _status(request: SimRequest) -> SimResponse:
    return _page(request, "TweetDetail", {"focalTweetId": request.match.group(2),
                                          "with_rux_injections": False, "rankingMode": "Recency"})


def _search(request: SimRequest) -> SimResponse:
    return _page(request, "SearchTimeline", {"rawQuery": request.arg("q") or "",
                                             "count": PAGE_SIZE, "product": "Latest"})


def _login(request: SimRequest) -> SimResponse:
    return SimResponse(raw=b"<!DOCTYPE html><html><body><h1>Sign in to X</h1></body></html>",
                       headers={"Content-Type": "text/html; charset=utf-8"})


def _app(request: SimRequest) -> SimResponse:
    return SimResponse(raw=(APP % json.dumps(QUERY_IDS)).encode(),
                       headers={"Content-Type": "application/javascript"})


def routes() -> list[Route]:
    table = [
        (rf"{PREFIX}/i/api/graphql/(\w+)/(UserByScreenName|UserTweetsAndReplies|TweetDetail|"
         r"SearchTimeline)", _graphql),
        (rf"{PREFIX}/app\.js", _app),
        (rf"{PREFIX}/i/flow/login", _login),
        (rf"{PREFIX}/search", _search),
        (rf"{PREFIX}/(\w+)/with_replies", _profile),
        (rf"{PREFIX}/(\w+|i/web)/status/(\d+)", _status),
    ]
    return [Route("GET", pattern, handler, "x") for pattern, handler in table]
