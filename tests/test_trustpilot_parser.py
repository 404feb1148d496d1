"""The Trustpilot parser against a review page built from the page's documented shape
(tests/fixtures/trustpilot/PROVENANCE.md: no real recording is available)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from crawler.parsers import trustpilot as parse

PAGE = (Path(__file__).parent / "fixtures" / "trustpilot" / "review_page_2.html").read_text(
    encoding="utf-8")
FETCHED = datetime(2026, 11, 1, tzinfo=UTC)
SITE = "https://www.trustpilot.com"


@pytest.fixture(scope="module")
def page() -> parse.ReviewPage:
    return parse.parse_review_page(PAGE, "acme", FETCHED, "src")


def test_reviews_are_addressed_to_the_company_with_their_rating(page: parse.ReviewPage) -> None:
    reviews = [p for p in page.posts if p.parent_id is None]
    assert [(p.post_id, p.rating) for p in reviews] == [
        (f"{SITE}/reviews/6571b3a2f1c0a83b2c4d5e61", 1),
        (f"{SITE}/reviews/6571a0c4e5b6f7a8b9c0d1e2", 5),
        (f"{SITE}/reviews/65719f00aabbccddeeff0011", 2),
    ]  # the review without a consumer id is skipped
    assert all(p.addressed_to == [("acme", "review")] for p in reviews)
    first = reviews[0]
    # the published date, in UTC (not the later updatedDate of the edited review)
    assert first.created_at == datetime(2023, 12, 7, 12, 2, 10, tzinfo=UTC)
    assert first.text == ("Still waiting for my refund\nBooked a refund three weeks ago and "
                          "still nothing. Emails go unanswered.")
    assert first.author_id == "5f2b0e6d8a1c4b0019e3a7c2" and first.like_count == 3
    assert reviews[2].text == ("<b>Odd</b>\nThey wrote </script><script>alert(1)</script> "
                               "in my booking")
    assert reviews[2].language == "de"


def test_company_reply_is_a_child_by_the_company_at_its_published_date(
        page: parse.ReviewPage) -> None:
    replies = [p for p in page.posts if p.parent_id is not None]
    assert len(replies) == 1
    reply = replies[0]
    assert reply.parent_id == f"{SITE}/reviews/6571b3a2f1c0a83b2c4d5e61"
    assert reply.post_id == f"{SITE}/reviews/6571b3a2f1c0a83b2c4d5e61#reply"
    assert reply.author_id == "46d313d0000064000500000a"
    # publishedDate, not the later updatedDate of the edited reply
    assert reply.created_at == datetime(2023, 12, 7, 16, 3, 37, tzinfo=UTC)
    assert reply.rating is None and reply.addressed_to == []


def test_company_and_reviewers(page: parse.ReviewPage) -> None:
    assert page.company is not None
    assert (page.company.account_id, page.company.handle, page.company.brand_id) == (
        "46d313d0000064000500000a", "www.acmeair.example", "acme")
    assert page.company.url == f"{SITE}/review/www.acmeair.example"
    assert [(a.display_name, a.brand_id) for a in page.accounts] == [
        ("Kim B.", None), ("Jo", None), ('Sam "the flyer"', None)]


def test_pagination_and_the_oldest_review(page: parse.ReviewPage) -> None:
    assert (page.current_page, page.total_pages) == (2, 7)
    assert page.oldest == datetime(2023, 12, 6, 21, 15, 5, tzinfo=UTC)


@pytest.mark.parametrize("html", [
    "<html><body><h1>Log in to Trustpilot</h1></body></html>",
    '<html><script id="__NEXT_DATA__" type="application/json">{"props": </script></html>',
    '<html><script id="__NEXT_DATA__" type="application/json">{"props": {"pageProps": {}}}'
    "</script></html>",
])
def test_a_page_without_review_data_says_so(html: str) -> None:
    with pytest.raises(parse.NoPageData):
        parse.parse_review_page(html, "acme", FETCHED, "src")
