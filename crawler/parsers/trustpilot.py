"""Trustpilot review pages (server-rendered HTML) to items. Pure.

A company's review page embeds its data as Next.js `__NEXT_DATA__` JSON: the reviews at
`props.pageProps.reviews` (each with `dates.publishedDate`, `rating` and `reply`: `message`
and `publishedDate`, or null), the company at `props.pageProps.businessUnit`, the pages at
`props.pageProps.filters.pagination`. Reading it is exact where the markup only shows
relative dates.

The conversation: every review is addressed to the company it reviews (reason `review`); the
company's reply is a child of the review, written by the company's own account (its business
unit), so the shared rule makes it the answer, timed by the reply's `publishedDate` (an edit
later, `updatedDate`, does not move it).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from parsel import Selector

from crawler.items import Account, Post
from crawler.parsers.common import as_int, parse_timestamp

PLATFORM = "trustpilot"
SITE = "https://www.trustpilot.com"  # ids and links name the public site, wherever we read it


class NoPageData(ValueError):
    """The page has no readable `__NEXT_DATA__` (a changed layout, a captcha, a login)."""


@dataclass
class ReviewPage:
    posts: list[Post] = field(default_factory=list)
    accounts: list[Account] = field(default_factory=list)
    company: Account | None = None
    current_page: int = 1
    total_pages: int = 1
    oldest: datetime | None = None  # the oldest review on the page


def review_id(native: str) -> str:
    return f"{SITE}/reviews/{native}"


def page_data(html: str) -> dict[str, Any]:
    """`props.pageProps` of the page's `__NEXT_DATA__`; NoPageData when it is not there."""
    raw = Selector(text=html).css("script#__NEXT_DATA__::text").get()
    if not raw:
        raise NoPageData("no __NEXT_DATA__ script on the page")
    try:
        props = json.loads(raw)["props"]["pageProps"]
    except (ValueError, KeyError, TypeError) as e:
        raise NoPageData(f"__NEXT_DATA__ is not the expected JSON ({e})") from None
    if not isinstance(props, dict) or "reviews" not in props:
        raise NoPageData("__NEXT_DATA__ has no props.pageProps.reviews")
    return props


def parse_review_page(html: str, brand_id: str, fetched_at: datetime,
                      source_url: str) -> ReviewPage:
    """The reviews of one page with the company's replies, the reviewers and the company."""
    props = page_data(html)
    unit = props.get("businessUnit") or {}
    page = ReviewPage()
    if unit.get("id"):
        name = unit.get("identifyingName")
        page.company = Account(
            platform=PLATFORM, account_id=str(unit["id"]), handle=name,
            display_name=unit.get("displayName") or name, followers=None,
            fetched_at=fetched_at, source_url=source_url,
            url=f"{SITE}/review/{name}" if name else None, brand_id=brand_id)
    pagination = (props.get("filters") or {}).get("pagination") or {}
    page.current_page = as_int(pagination.get("currentPage")) or 1
    page.total_pages = as_int(pagination.get("totalPages")) or page.current_page
    for review in props.get("reviews") or []:
        post = _review(review, brand_id, fetched_at, source_url)
        if post is None:
            continue
        page.posts.append(post)
        page.oldest = min(page.oldest or post.created_at, post.created_at)
        consumer = review.get("consumer") or {}
        page.accounts.append(Account(
            platform=PLATFORM, account_id=post.author_id,
            handle=None,  # reviewers have a display name, no handle
            display_name=consumer.get("displayName") or None, followers=None,
            fetched_at=fetched_at, source_url=source_url,
            url=f"{SITE}/users/{post.author_id}"))
        reply = _reply(review.get("reply"), post, page.company, fetched_at, source_url)
        if reply is not None:
            page.posts.append(reply)
    return page


def _review(review: dict[str, Any], brand_id: str, fetched_at: datetime,
            source_url: str) -> Post | None:
    published = parse_timestamp((review.get("dates") or {}).get("publishedDate"))
    consumer_id = (review.get("consumer") or {}).get("id")
    if published is None or not review.get("id") or not consumer_id:
        return None
    title, text = review.get("title") or "", review.get("text") or ""
    this = review_id(str(review["id"]))
    return Post(
        platform=PLATFORM, post_id=this, author_id=str(consumer_id), created_at=published,
        text=f"{title}\n{text}".strip(), fetched_at=fetched_at, source_url=source_url,
        url=this, root_id=this, like_count=as_int(review.get("likes")),
        language=review.get("language") or None, rating=as_int(review.get("rating")),
        addressed_to=[(brand_id, "review")], brand_id=brand_id)


def _reply(reply: dict[str, Any] | None, review: Post, company: Account | None,
           fetched_at: datetime, source_url: str) -> Post | None:
    """The company's reply as a child post; None without a reply, a date or a company."""
    if not reply or company is None:
        return None
    published = parse_timestamp(reply.get("publishedDate"))
    if published is None:
        return None
    return Post(
        platform=PLATFORM, post_id=f"{review.post_id}#reply", author_id=company.account_id,
        created_at=published, text=reply.get("message") or "", fetched_at=fetched_at,
        source_url=source_url, url=review.url, parent_id=review.post_id,
        root_id=review.post_id, brand_id=review.brand_id)
