"""WordPress brand blogs offline: parsers on fixtures built from the WordPress docs
(PROVENANCE.md) and the metrics on a hand-checked conversation. The simulator and crawls:
test_wordpress_crawl.py.

The fixtures hold one conversation under article 412, written out in the REST API and in
the page markup: both readings must give the same tree.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from parsel import Selector

from benchmarks import store
from benchmarks.recorder import RunWindow, recording
from crawler.parsers import wordpress

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "wordpress"
FETCHED = datetime(2026, 10, 8, tzinfo=UTC)
HOME = "https://blog.acme.example"
STAFF = ("Acme Team",)
ARTICLE = f"{HOME}/?p=412"


def text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def data(name: str) -> Any:
    return json.loads(text(name))


def comment(number: int) -> str:
    return f"{HOME}/?p=412#comment-{number}"


def rest_parsed() -> wordpress.Parsed:
    posts = wordpress.parse_posts(data("rest_posts.json"), HOME, FETCHED, "u", "acme")
    comments = wordpress.parse_comments(data("rest_comments.json"), HOME, STAFF, FETCHED, "u",
                                        "acme")
    return wordpress.Parsed(posts.posts + comments.posts, posts.accounts + comments.accounts)


def page_parsed() -> wordpress.Parsed:
    return wordpress.parse_article_page(text("article.html"), HOME, STAFF, FETCHED,
                                        f"{HOME}/2026/10/winter-routes/", "acme")


def test_rest_index_names_the_home() -> None:
    assert wordpress.parse_home(data("rest_index.json")) == HOME
    assert wordpress.parse_home({"code": "rest_cannot_access"}) is None
    assert wordpress.parse_home(["not", "wordpress"]) is None


def test_rest_posts_are_brand_articles_in_utc() -> None:
    parsed = wordpress.parse_posts(data("rest_posts.json"), HOME, FETCHED, "u", "acme")
    first = parsed.posts[0]
    assert first.post_id == ARTICLE and first.root_id == ARTICLE and first.parent_id is None
    # date_gmt "2026-10-05T09:00:00" has no zone: it is GMT, not the site's UTC+2.
    assert first.created_at == datetime(2026, 10, 5, 9, 0, tzinfo=UTC)
    assert first.text.startswith("Winter routes – on sale now")
    assert first.author_id == f"{HOME}/?author=3"
    assert {a.brand_id for a in parsed.accounts} == {"acme"}


def test_rest_comments_form_the_reply_tree() -> None:
    parsed = wordpress.parse_comments(data("rest_comments.json"), HOME, STAFF, FETCHED, "u",
                                      "acme")
    by_id = {p.post_id: p for p in parsed.posts}
    assert by_id[comment(1201)].parent_id == ARTICLE  # top level: a reply to the article
    assert by_id[comment(1202)].parent_id == comment(1201)
    assert by_id[comment(1205)].parent_id == comment(1202)
    assert by_id[comment(1207)].parent_id == comment(1204)
    assert {p.root_id for p in parsed.posts} == {ARTICLE}
    assert by_id[comment(1204)].created_at == datetime(2026, 10, 5, 11, 10, tzinfo=UTC)
    assert by_id[comment(1204)].text == "Is there a route to Oslo & Bergen? link"
    brands = {a.account_id: a.brand_id for a in parsed.accounts}
    assert brands == {
        f"{HOME}/?author=3": "acme",  # a registered user
        f"guest:Acme Team@{HOME}": "acme",  # a staff name, no login
        f"guest:Jo Traveller@{HOME}": None,
        f"guest:Sam@{HOME}": None,
    }


def test_feed_lists_articles_with_dates() -> None:
    home, items = wordpress.parse_feed(text("feed.xml"))
    assert home == HOME
    assert [(i.link, i.published) for i in items] == [
        (f"{HOME}/2026/10/winter-routes/", datetime(2026, 10, 5, 9, 0, tzinfo=UTC)),
        (f"{HOME}/2026/09/new-app/", datetime(2026, 9, 28, 6, 30, 12, tzinfo=UTC)),
    ]
    assert wordpress.rebase(items[0].link, HOME, "http://127.0.0.1:8/wp/acme") == (
        "http://127.0.0.1:8/wp/acme/2026/10/winter-routes/")


def test_page_markup_gives_the_same_tree_as_the_api() -> None:
    def tree(parsed: wordpress.Parsed) -> set[tuple[str, str | None, datetime, str]]:
        return {(p.post_id, p.parent_id, p.created_at, p.text) for p in parsed.posts
                if p.post_id != f"{HOME}/?p=398"}

    page, rest = page_parsed(), rest_parsed()
    assert tree(page) == tree(rest)
    assert len(page.posts) == 6
    brand_authors = {p.post_id for p in page.posts
                     if {a.account_id: a.brand_id for a in page.accounts}[p.author_id]}
    assert brand_authors == {ARTICLE, comment(1202), comment(1207)}
    assert f"{HOME}/author/maria/" in {a.account_id for a in page.accounts if a.brand_id}


def test_page_without_article_markup_yields_nothing() -> None:
    assert wordpress.parse_article_page("<html><body>Hello</body></html>", HOME, STAFF,
                                        FETCHED, "u", "acme").posts == []


def test_the_fixture_conversation_is_judged_as_worked_out_by_hand(tmp_path: Path) -> None:
    """1201 (09:45:10) answered by Maria at 10:15:00: on time, 1790 s. 1204 (11:10) answered
    by the staff name at 13:02: late, 6720 s. 1205 replies to Maria's answer (11:40:30) and
    nobody answers: at as_of (10-08 00:00) it is 60 h old, younger than 72 h: pending. The
    article and the brand's comments are not customer posts."""
    con = store.connect(tmp_path / "wp.duckdb")
    window = RunWindow("wp", "acme", datetime(2026, 10, 1, tzinfo=UTC), None, 3600,
                       72 * 3600, FETCHED)
    parsed = rest_parsed()
    with recording(con, window, [("acme", "Acme")]) as run:
        run.upsert_accounts({a.account_id: a for a in parsed.accounts}.values())
        run.upsert_posts(parsed.posts)
    got = {r[0]: (r[1], r[2]) for r in con.execute(
        "select post_id, status, response_seconds from customer_posts").fetchall()}
    con.close()
    assert got == {comment(1201): ("on_time", 1790.0), comment(1204): ("late", 6720.0),
                   comment(1205): ("pending", None)}


def test_comment_pages_are_found_in_the_navigation() -> None:
    """The "Older/Newer Comments" links `the_comments_navigation()` prints."""
    page = text("article.html").replace(
        '</ol><!-- .comment-list -->',
        '</ol><!-- .comment-list -->\n<nav class="navigation comment-navigation" '
        'aria-label="Comments"><h2 class="screen-reader-text">Comments navigation</h2>'
        '<div class="nav-links"><div class="nav-previous"><a href="https://blog.acme.example/'
        '2026/10/winter-routes/comment-page-1/#comments">Older Comments</a></div></div></nav>')
    url = f"{HOME}/2026/10/winter-routes/"
    assert wordpress.comment_pages(page, url) == [f"{HOME}/2026/10/winter-routes/comment-page-1/"]
    assert wordpress.comment_pages(text("article.html"), url) == []


def test_a_comment_page_reached_by_a_reply_link_leads_to_each_other_page_once() -> None:
    """Page 2 of 3 as WordPress prints it after a visitor clicked "Reply": every comment's
    Reply link (`rel=nofollow`, `?replytocom=`), `replytocom` copied onto the pagination
    links, comment permalinks to this page, a host-relative "Cancel reply" link. Only the
    other pages are followed, resolved and without `replytocom` or fragment."""
    url = f"{HOME}/2026/10/winter-routes/comment-page-2/?replytocom=1301"
    page = text("article_comment_page.html")
    assert wordpress.comment_pages(page, url) == [
        f"{HOME}/2026/10/winter-routes/comment-page-1/",
        f"{HOME}/2026/10/winter-routes/comment-page-3/"]
    # A relative link is resolved against the page, never handed on as it is.
    relative = page.replace('<a class="page-numbers" href="https://blog.acme.example/2026/10/'
                            'winter-routes/comment-page-3/', '<a class="page-numbers" href="'
                            '/2026/10/winter-routes/comment-page-4/')
    assert f"{HOME}/2026/10/winter-routes/comment-page-4/" in wordpress.comment_pages(relative,
                                                                                      url)
    # A link that does not parse as a URL is skipped, not raised.
    broken = page.replace("https://blog.acme.example/2026/10/winter-routes/comment-page-1/",
                          "http://[broken/comment-page-1/")
    assert wordpress.comment_pages(broken, url) == [
        f"{HOME}/2026/10/winter-routes/comment-page-3/"]
    parsed = wordpress.parse_article_page(page, HOME, STAFF, FETCHED, url, "acme")
    assert {(p.post_id, p.parent_id) for p in parsed.posts} == {
        (ARTICLE, None), (comment(1301), ARTICLE), (comment(1302), comment(1301))}


def test_whole_pages_and_feeds_are_told_from_cut_off_ones() -> None:
    for name, whole in (("article.html", wordpress.is_whole_page),
                        ("article_comment_page.html", wordpress.is_whole_page),
                        ("feed.xml", wordpress.is_whole_feed)):
        body = text(name)
        assert whole(body), name
        assert not whole(body[: len(body) // 2]), name
    assert not wordpress.is_whole_page("<html><body>Checking your browser…")


def test_ignored_blog_comments_show_the_platform_label_and_no_handle() -> None:
    """A blog commenter has a display name, no '@handle'; the platform reads as the report
    names it ('WordPress blogs'), not as a title-cased id ('Wordpress')."""
    from types import SimpleNamespace

    from reports.context import IgnoredPost
    from reports.render import environment

    [account] = {a.account_id: a for a in page_parsed().accounts
                 if a.account_id == f"guest:Sam@{HOME}"}.values()
    post = IgnoredPost(platform="wordpress", url=None, author_handle=account.handle,
                       author_name=account.display_name, author_followers=None,
                       created_at=FETCHED, text="Is there a route to Oslo?", truncated=False)
    report = SimpleNamespace(client=SimpleNamespace(name="Acme", ignored=1), ignored=[post])
    html = environment().get_template("_ignored.html").render(report=report)
    row = Selector(text=html).css("table.posts tbody tr")
    assert row.css(".platform::text").get() == "WordPress blogs"
    assert row.css(".name::text").get() == "Sam" and not row.css(".handle")
