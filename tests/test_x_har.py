"""`replyaudit import har`: a HAR file around real X GraphQL bodies, loaded into DuckDB."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tests.conftest import cli

FIXTURES = Path(__file__).parent / "fixtures" / "x"
QUERY_IDS = {"UserByScreenName": "1VOOyvKkiI3FMmkeDNxM9A",
             "UserTweetsAndReplies": "Q6aAvPw7azXZbqXzuqTALA",
             "TweetDetail": "559hs_YZNV4IgA3Z6zIIuw",
             "SearchTimeline": "AIdc203rPpK_k_2KWSdm7g"}
CAPTURED = "2026-08-07T10:{:02d}:00.000Z"

CONFIG = """
[audit]
name = "X developers"
client = "xdev"
since = "2023-01-01"
sla_minutes = 60
ignore_after_hours = 72
db = "audit.duckdb"

[[brands]]
id = "xdev"
name = "X Developers"
x = ["@XDevelopers"]

[[brands]]
id = "tesla"
name = "Tesla"
x = ["Tesla"]
"""


def har_entry(url: str, body: str | None, minute: int, status: int = 200,
              mime: str = "application/json", base64_body: bool = False) -> dict[str, Any]:
    content: dict[str, Any] = {"size": len(body or ""), "mimeType": mime}
    if body is not None:
        content["text"] = base64.b64encode(body.encode()).decode() if base64_body else body
        if base64_body:
            content["encoding"] = "base64"
    return {
        "startedDateTime": CAPTURED.format(minute), "time": 231.4,
        "request": {"method": "GET", "url": url, "httpVersion": "http/2.0", "headers": [],
                    "queryString": [], "cookies": [], "headersSize": -1, "bodySize": 0},
        "response": {"status": status, "statusText": "", "httpVersion": "http/2.0",
                     "headers": [], "cookies": [], "content": content, "redirectURL": "",
                     "headersSize": -1, "bodySize": -1},
        "cache": {}, "timings": {"send": 0, "wait": 200, "receive": 31.4},
    }


def graphql_url(operation: str) -> str:
    return (f"https://x.com/i/api/graphql/{QUERY_IDS[operation]}/{operation}"
            "?variables=%7B%22count%22%3A20%7D&features=%7B%7D")


def build_har(path: Path) -> Path:
    """A HAR 1.2 file as Chrome saves it, around the four real recorded bodies."""
    body = {op: (FIXTURES / f"x_graphql_{op}.min.json").read_text("utf-8") for op in QUERY_IDS}
    entries = [
        har_entry("https://x.com/XDevelopers/with_replies", "<!DOCTYPE html><html></html>", 0,
                  mime="text/html"),
        har_entry("https://abs.twimg.com/responsive-web/client-web/main.js", "void 0;", 0,
                  mime="application/javascript"),
        har_entry(graphql_url("UserByScreenName"), body["UserByScreenName"], 1),
        har_entry(graphql_url("UserTweetsAndReplies"), body["UserTweetsAndReplies"], 2,
                  base64_body=True),
        har_entry("https://api.x.com/1.1/jot/client_event.json", "{}", 3),
        har_entry(graphql_url("TweetDetail"), body["TweetDetail"], 4),
        har_entry(graphql_url("SearchTimeline"), None, 5, status=429),
        har_entry(graphql_url("SearchTimeline"), body["SearchTimeline"], 6),
    ]
    document = {"log": {"version": "1.2", "creator": {"name": "WebInspector", "version": "537.36"},
                        "pages": [], "entries": entries}}
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Path, Path]:
    config = tmp_path / "audit.toml"
    config.write_text(CONFIG, encoding="utf-8")
    return config, build_har(tmp_path / "session.har")


def rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_import_loads_every_graphql_response_once(setup: tuple[Path, Path]) -> None:
    config, har = setup
    db = config.parent / "audit.duckdb"
    first = cli("import", "har", str(har), "--config", str(config))
    assert first.returncode == 0, first.stderr
    # 73 tweets, of which 25 lie outside the sample: search hits that only name Tesla in
    # their text, and other accounts' tweets the profile shows above XDevelopers' replies.
    assert "Run 1 partial: 5 X responses, 48 posts" in first.stdout
    counts = rows(db, "select count(*), count(distinct post_id) from posts where platform = 'x'")
    second = cli("import", "har", str(har), "--config", str(config))
    assert second.returncode == 0, second.stderr
    assert rows(db, "select count(*), count(distinct post_id) from posts") == counts == [(48, 48)]
    [(run_id, status, as_of, stats)] = rows(
        db, "select run_id, status, as_of, stats from runs order by run_id desc limit 1")
    assert (run_id, status) == (2, "partial")  # one GraphQL call was answered 429
    assert as_of.isoformat() == "2026-08-07T10:06:00+00:00"  # judged when the HAR was saved
    stats = json.loads(stats)["x"]
    assert stats["operations"] == {"SearchTimeline": 2, "TweetDetail": 1,
                                   "UserByScreenName": 1, "UserTweetsAndReplies": 1}
    assert stats["responses"] == {"200": 4, "429": 1}
    assert stats["mentions"] == "searched"
    assert stats["skipped"] == {"retweet": 12, "outside_sample": 25}


def test_brands_and_their_answers(setup: tuple[Path, Path]) -> None:
    config, har = setup
    db = config.parent / "audit.duckdb"
    assert cli("import", "har", str(har), "--config", str(config)).returncode == 0
    assert rows(db, "select account_id, handle, brand_id, followers from accounts "
                    "where brand_id is not null order by 1") == [
        ("13298072", "Tesla", "tesla", None),  # only ever mentioned
        ("2244994945", "XDevelopers", "xdev", 695_696)]
    # Hand-checked in the TweetDetail body: XDevelopers' own thread is by the brand...
    assert rows(db, "select by_brand, brand_id from posts where post_id = '1649191522485817345'"
                ) == [(True, "xdev")]
    got = dict(((p, b), (s, r)) for p, b, s, r in rows(
        db, "select post_id, brand_id, status, response_seconds from customer_posts"))
    # ...a customer's direct reply to it, never answered, judged three years later: ignored.
    assert got[("1649193341454524424", "xdev")] == ("ignored", None)
    # A search result that mentions @Tesla, three weeks before the capture: ignored by Tesla.
    assert got[("2074974895750951259", "tesla")] == ("ignored", None)


def test_not_a_har_file_is_a_clear_input_error(tmp_path: Path) -> None:
    config = tmp_path / "audit.toml"
    config.write_text(CONFIG, encoding="utf-8")
    bad = tmp_path / "bad.har"
    bad.write_text('{"entries": []}', encoding="utf-8")
    result = cli("import", "har", str(bad), "--config", str(config))
    assert result.returncode == 2
    assert f"{bad}: log.entries: expected the list of a HAR file's requests" in result.stderr
    assert not (tmp_path / "audit.duckdb").exists()


@pytest.mark.crawl  # pages through the whole simulated X web app: a crawl by hand
def test_har_of_the_simulated_web_app_equals_ground_truth(simulator: Any, sim_config: Any,
                                                           tmp_path: Path) -> None:
    """A HAR as a diligent user would save it (every brand's profile with replies, a search
    for each '@handle', every thread below their posts and mentions, all pages), importing to
    exactly the simulator's ground truth: ancestors and other chatter the pages show are not
    counted."""
    import tomllib
    import urllib.request
    from datetime import UTC, datetime
    from urllib.parse import quote

    from crawler.parsers import x
    from crawler.simulator import SIM_CREDENTIALS
    from tests.test_end_to_end import assert_same, crawled_rows, truth_rows

    server = simulator(5)
    cookie = f"{SIM_CREDENTIALS['x_web'][0]}={SIM_CREDENTIALS['x_web'][1]}"
    entries: list[dict[str, Any]] = []

    def pages(operation: str, **variables: Any) -> list[Any]:
        """Every page of one timeline, following its Bottom cursor, each saved in the HAR."""
        found, cursor = [], None
        while True:
            params = {**variables, **({"cursor": cursor} if cursor else {})}
            url = (f"{server.base_url}/x-web/i/api/graphql/{QUERY_IDS[operation]}/{operation}"
                   f"?variables={quote(json.dumps(params))}")
            request = urllib.request.Request(url, headers={"Cookie": cookie})
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                body = response.read().decode()
            entries.append(har_entry(url, body, 0, base64_body=len(entries) % 3 == 0))
            entries[-1]["startedDateTime"] = datetime.now(UTC).isoformat()
            found.append(json.loads(body))
            cursor = x.parse_graphql(found[-1], datetime.now(UTC), url).cursors.get("Bottom")
            if cursor is None:
                return found

    config = sim_config(server)
    handles = [h for b in tomllib.loads(config.read_text())["brands"] for h in b.get("x", [])]
    seen: list[Any] = []
    for handle in handles:
        user = pages("UserByScreenName", screen_name=handle)[0]
        user_id = user["data"]["user"]["result"]["rest_id"]
        seen += pages("UserTweetsAndReplies", userId=user_id, count=20)
        seen += pages("SearchTimeline", rawQuery=f"@{handle}", count=20, product="Latest")
    threads = {p.post_id for body in seen
               for p in x.parse_graphql(body, datetime.now(UTC), "u").posts if p.reply_count}
    for tweet_id in sorted(threads):
        pages("TweetDetail", focalTweetId=tweet_id)
    har = tmp_path / "x.har"
    har.write_text(json.dumps({"log": {"version": "1.2", "creator": {"name": "Firefox"},
                                       "entries": entries}}), "utf-8")
    result = cli("import", "har", str(har), "--config", str(config))
    assert result.returncode == 0, result.stderr
    want = {k: v for k, v in truth_rows(server).items() if k[0] == "x"}
    assert {s for s, _ in want.values()} == {"on_time", "late", "ignored", "pending", "handoff"}
    assert_same(crawled_rows(config.parent / "audit.duckdb"), want)


def test_db_option_and_a_config_without_x_accounts(setup: tuple[Path, Path]) -> None:
    config, har = setup
    other = config.parent / "elsewhere.duckdb"
    result = cli("import", "har", str(har), "--config", str(config), "--db", str(other))
    assert result.returncode == 0, result.stderr
    assert rows(other, "select count(*) from posts") == [(48,)]
    assert not (config.parent / "audit.duckdb").exists()
    no_x = config.parent / "no-x.toml"
    no_x.write_text(CONFIG.replace('x = ["@XDevelopers"]', 'bluesky = ["xdev.bsky.social"]')
                    .replace('x = ["Tesla"]', 'bluesky = ["tesla.com"]'), "utf-8")
    refused = cli("import", "har", str(har), "--config", str(no_x))
    assert refused.returncode == 2
    assert f"{no_x}: brands[].x: expected the brands' X screen names" in refused.stderr
