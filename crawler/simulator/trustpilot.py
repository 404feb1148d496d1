"""Trustpilot company review pages, served as server-rendered HTML with `__NEXT_DATA__`.

The shape follows Trustpilot's Next.js page data (no recorded page is in
../shared/realworld; field names are those the public page embeds): `props.pageProps` with
`businessUnit`, `reviews[]` (`id`, `title`, `text`, `rating`, `likes`, `language`,
`dates.publishedDate/updatedDate/experiencedDate`, `consumer`, `reply` or null) and
`filters.pagination`. 20 reviews a page; `sort=recency` orders them newest first, anything
else by "relevance"; without `languages=all` only English reviews are shown; after
LOGIN_WALL_PAGE pages an anonymous visitor is redirected to the login page (tests lower it
through `server.state["trustpilot_login_wall"]`).
"""

from __future__ import annotations

import html
import json
import random
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from crawler.simulator.server import Route, SimRequest, SimResponse
from crawler.simulator.world import DEMO_BRANDS, Account, Post, day_number, each_day, stranger

if TYPE_CHECKING:
    from crawler.simulator.world import WorldSettings, _Builder

DOMAINS = {"acme": "acmeair.example", "globex": "www.globex.example",
           "initech": "initech.example"}
PER_PAGE, LOGIN_WALL_PAGE = 20, 10
REVIEWS_PER_DAY = 2.5
# A company's reply comes up to six times the brand's slowest delay after its review (about
# 50 days), a desk's weekend on top.
REPLIES_WITHIN_DAYS = 55
CUSTOMERS = 150
RATINGS, RATING_WEIGHTS = (1, 2, 3, 4, 5), (25, 10, 8, 17, 40)
TITLES = {1: "Terrible service", 2: "Disappointing", 3: "It was OK", 4: "Good flight",
          5: "Excellent!"}
_HEX = "0123456789abcdef"


class _TrustpilotIds:
    """24-hex ids for business units and consumers (like Trustpilot's); review ids too."""

    def account_key(self, handle: str, rng: random.Random) -> tuple[str, str]:
        native = "".join(rng.choice(_HEX) for _ in range(24))
        return native, native

    def post_id(self, author: Account, created_at: datetime, rng: random.Random) -> tuple[str, str]:
        native = f"{int(created_at.timestamp()):x}" + "".join(rng.choice(_HEX) for _ in range(16))
        return f"https://www.trustpilot.com/reviews/{native}", native

    def populate(self, b: _Builder, settings: WorldSettings) -> None:
        """Accounts from the platform's stream, then each day's reviews and replies from
        that day's own (world.each_day): the same seed with a later `now` is the same world
        later. Every week the hostile account reviews Acme, so any window quotes it."""
        rng = b.rng
        customers = [b.account(f"consumer{i:03d}", f"Reviewer {i}", 0, None)
                     for i in range(CUSTOMERS)]
        name, text = stranger(settings)
        hostile = b.account("evil" if settings.hostile else "dana.whitfield", name, 0, None)
        companies = {brand_id: b.account(DOMAINS[brand_id], name, 0, brand_id)
                     for brand_id, name, _, _ in DEMO_BRANDS}
        for day in each_day(b, settings, reach_days=REPLIES_WITHIN_DAYS):
            rng = b.rng
            for brand_id, _, rate, speed in DEMO_BRANDS:
                _reviews_of_day(b, day, companies[brand_id], customers, rate, speed)
            if day_number(day) % 7 == 2 and settings.hostile:  # where the report quotes
                review = b.post(hostile, day + timedelta(minutes=rng.randint(360, 960)),
                                f"{TITLES[1]}\n{text}", addressed_to="acme")
                review.rating = 1
        # A generated panel (world.PanelBrand): `brand001.example`, from its own streams.
        panel = {}
        for brand in b.world.panel:
            b.panel_stream(brand)
            panel[brand.id] = b.account(f"{brand.id}.example", brand.name, 0, brand.id)
        for brand in b.world.panel:
            for day in each_day(b, settings, f":{brand.id}", REPLIES_WITHIN_DAYS):
                _reviews_of_day(b, day, panel[brand.id], customers, brand.answer_rate,
                                brand.speed)


def _reviews_of_day(b: _Builder, day: datetime, company: Account, customers: list[Account],
                    rate: float, speed: float) -> None:
    """A company's reviews written on `day`, and its replies to them."""
    rng = b.rng
    t = day
    while (t := t + timedelta(days=rng.expovariate(REVIEWS_PER_DAY))) < day + timedelta(days=1):
        rating = rng.choices(RATINGS, RATING_WEIGHTS)[0]
        review = b.post(rng.choice(customers), t, f"{TITLES[rating]}\n{b.complaint()}",
                        addressed_to=company.brand_id)
        review.rating = rating
        review.language = rng.choice(("en", "en", "en", "de", "fr"))
        # Companies answer complaints more often than praise.
        if rng.random() < min(0.95, rate + (0.2 if rating <= 2 else -0.1)):
            b.post(company, t + b.delay(speed) * 6, "Thank you for your review. "
                   "Please contact us so we can look into it.", parent=review)


IDS = _TrustpilotIds()


def _iso(t: datetime) -> str:
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def _reviews(request: SimRequest, domain: str) -> tuple[Account, list[Post]] | None:
    world = request.server.world
    company = next((a for a in world.accounts.get("trustpilot", [])
                    if a.brand_id and a.handle == domain), None)
    if company is None:
        return None
    def build() -> dict[str | None, list[Post]]:
        index: dict[str | None, list[Post]] = {}
        for p in world.posts["trustpilot"]:
            if p.parent is None:
                index.setdefault(p.addressed_to, []).append(p)
        return index
    reviews = list(request.server.cached("trustpilot_reviews", build).get(company.brand_id, []))
    return company, reviews


def review_json(post: Post, rng: random.Random) -> dict[str, Any]:
    title, _, text = post.text.partition("\n")
    reply = post.children[0] if post.children else None
    edited = post.created_at + timedelta(days=rng.randint(1, 5))
    return {
        "id": post.native_id, "filtered": False, "pending": False, "text": text,
        "rating": post.rating, "title": title, "likes": post.likes, "source": "Organic",
        "labels": {"merged": None, "verification": {
            "isVerified": False, "createdDateTime": _iso(post.created_at),
            "reviewSourceName": "Organic", "verificationSource": "invitation",
            "verificationLevel": "not-verified", "hasDachExclusion": False}},
        "dates": {"experiencedDate": _iso(post.created_at - timedelta(days=2)),
                  "publishedDate": _iso(post.created_at),
                  # some reviews were edited later: the published date still counts
                  "updatedDate": _iso(edited) if rng.random() < 0.2 else None,
                  "submittedDate": None},
        "report": None, "hasUnhandledReports": False,
        "consumer": {"id": post.author.native_id, "displayName": post.author.display_name,
                     "imageUrl": "", "numberOfReviews": 1 + post.likes % 9,
                     "countryCode": "GB", "hasImage": False, "isVerified": False},
        "reply": None if reply is None else {
            "message": reply.text, "publishedDate": _iso(reply.created_at),
            "updatedDate": (_iso(reply.created_at + timedelta(hours=rng.randint(1, 30)))
                            if rng.random() < 0.3 else None)},
        "consumersReviewCountOnSameDomain": 1, "consumersReviewCountOnSameLocation": None,
        "productReviews": [], "language": post.language, "location": None,
    }


def _page_html(domain: str, props: dict[str, Any], query: dict[str, str]) -> bytes:
    data = {"props": {"pageProps": props, "__N_SSP": True}, "page": "/review/[businessUnit]",
            "query": {"businessUnit": domain, **query}, "buildId": "sim-build",
            "isFallback": False, "gssp": True, "locale": "en-US", "scriptLoader": []}
    # Next.js escapes '<' so that no text in the data can end the script element.
    embedded = json.dumps(data, ensure_ascii=False).replace("<", "\\u003c")
    cards = "".join(
        f'<article data-service-review-card-paper="true"><h2>{html.escape(r["title"])}</h2>'
        f'<p data-service-review-text-typography="true">{html.escape(r["text"])}</p></article>'
        for r in props["reviews"])
    unit = props["businessUnit"]
    page = (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>'
            f'{html.escape(unit["displayName"])} is rated on Trustpilot</title></head><body>'
            f'<main><h1>{html.escape(unit["displayName"])} Reviews</h1>{cards}</main>'
            f'<script id="__NEXT_DATA__" type="application/json">{embedded}</script>'
            "</body></html>")
    return page.encode("utf-8")


def _review_page(request: SimRequest) -> SimResponse:
    domain = request.match.group("domain")
    found = _reviews(request, domain)
    if found is None:
        return SimResponse(404, raw=b"<!DOCTYPE html><html><body><h1>Page not found</h1>"
                                    b"</body></html>", headers={"Content-Type": "text/html"})
    company, reviews = found
    page = int(request.arg("page") or 1)
    wall = int(request.server.state.get("trustpilot_login_wall", LOGIN_WALL_PAGE))
    if page > wall:
        target = quote(f"/review/{domain}?page={page}", safe="")
        return SimResponse(302, raw=b"", headers={
            "Location": f"/users/connect?redirect={target}", "Content-Type": "text/html"})
    if request.arg("languages") != "all":  # by default a visitor sees his language only
        reviews = [p for p in reviews if p.language == "en"]
    if request.arg("sort") == "recency":
        reviews = sorted(reviews, key=lambda p: p.created_at, reverse=True)
    else:  # "most relevant": not an order a crawl can stop in
        reviews = sorted(reviews, key=lambda p: (p.likes, p.native_id), reverse=True)
    total_pages = max(1, -(-len(reviews) // PER_PAGE))
    shown = reviews[(page - 1) * PER_PAGE:page * PER_PAGE]
    rng = random.Random(f"{request.server.world.seed}:trustpilot:{domain}:{page}")
    props = {
        "businessUnit": {"id": company.native_id, "displayName": company.display_name,
                         "identifyingName": domain, "numberOfReviews": len(reviews),
                         "trustScore": 3.1, "websiteUrl": f"https://{domain}",
                         "stars": 3, "isClaimed": True},
        "reviews": [review_json(p, rng) for p in shown],
        "filters": {"pagination": {"currentPage": page, "perPage": PER_PAGE,
                                   "totalCount": len(reviews), "totalPages": total_pages},
                    "totalNumberOfReviews": len(reviews)},
    }
    query = {k: v[0] for k, v in request.query.items()}
    return SimResponse(raw=_page_html(domain, props, query),
                       headers={"Content-Type": "text/html; charset=utf-8"})


def _login(request: SimRequest) -> SimResponse:
    return SimResponse(raw=b"<!DOCTYPE html><html><body><h1>Log in to Trustpilot</h1>"
                           b"</body></html>", headers={"Content-Type": "text/html"})


def routes() -> list[Route]:
    return [Route("GET", r"/review/(?P<domain>[a-z0-9.-]+)", _review_page, "trustpilot"),
            Route("GET", r"/users/connect", _login, "trustpilot")]


def brand_entry(brand_id: str, base_url: str) -> list[str]:
    """The brand's `trustpilot` entry in the written config."""
    return [DOMAINS[brand_id]]


def config_section(base_url: str) -> dict[str, Any]:
    """Every review page from the simulator, fast: it is local."""
    return {"base_url": base_url, "requests_per_second": 50.0, "concurrency": 4}
