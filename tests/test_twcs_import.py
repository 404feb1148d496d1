"""The TWCS import on real rows, checked against an independent reading of the same files.

The oracle below reads the fixture with Python's csv module and applies the written
definitions (docs/methodology.md) to the raw columns; it shares no code or SQL
with the importer.
"""

from __future__ import annotations

import csv
import re
import shutil
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from benchmarks import queries, store
from benchmarks.config import load_config
from benchmarks.derived import derive
from benchmarks.errors import ImportFormatError
from benchmarks.importers.twcs import import_twcs
from benchmarks.replies import classify_reply, is_handoff_confirmation
from crawler.cli import main
from tests.test_x_har import CONFIG as HAR_CONFIG
from tests.test_x_har import build_har

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "twcs"
HEAD = FIXTURES / "twcs_head5000.csv"
RANDOM = FIXTURES / "twcs_random5000.csv"
SAMPLE = FIXTURES / "sample.csv"
MENTION = re.compile(r"(?:^|[^A-Za-z0-9_])@([A-Za-z0-9_]{1,15})")
SLA, IGNORE_AFTER = 3600, 72 * 3600


@dataclass
class Tweet:
    tweet_id: str
    author: str
    inbound: bool
    created_at: datetime
    text: str
    parent: str | None


def read_tweets(path: Path) -> dict[str, Tweet]:
    """The file's records, one per line: records end at LF (CR before it dropped)."""
    raw = path.read_bytes().decode("utf-8")
    # csv ends a record at any CR, so hide the bare ones and put them back per field.
    lines = raw.replace("\r\n", "\n").replace("\r", "\x00")
    tweets = {}
    for row in csv.DictReader(lines.splitlines(keepends=True)):
        parent = row["in_response_to_tweet_id"]
        tweet = Tweet(
            tweet_id=str(int(float(row["tweet_id"]))),
            author=row["author_id"],
            inbound=row["inbound"] == "True",
            created_at=datetime.strptime(row["created_at"], "%a %b %d %H:%M:%S %z %Y"),
            text=row["text"].replace("\x00", "\r"),
            parent=str(int(float(parent))) if parent else None,
        )
        tweets[tweet.tweet_id] = tweet
    return tweets


def oracle_statuses(tweets: dict[str, Tweet]) -> dict[tuple[str, str], tuple[str, float | None]]:
    """(post, brand) -> (status, response seconds) by the written definitions."""
    brand_of = {t.author: t.author.lower() for t in tweets.values() if not t.inbound}
    as_of = max(t.created_at for t in tweets.values())
    children: dict[str, list[Tweet]] = defaultdict(list)
    for t in tweets.values():
        if t.parent:
            children[t.parent].append(t)

    def brand_answers(tweet_id: str) -> list[Tweet]:
        below, stack = [], list(children[tweet_id])
        while stack:
            child = stack.pop()
            below.append(child)
            stack.extend(children[child.tweet_id])
        return [t for t in below if t.author in brand_of]

    result = {}
    for t in tweets.values():
        addressed = set()
        parent = tweets.get(t.parent) if t.parent else None
        if parent is not None and parent.author in brand_of:
            addressed.add(brand_of[parent.author])
        for handle in MENTION.findall(t.text):
            addressed |= {b for a, b in brand_of.items() if a.lower() == handle.lower()}
        if t.author in brand_of:
            continue  # a brand's post is never a customer post, of any brand
        for brand in addressed:
            answers = [a.created_at for a in brand_answers(t.tweet_id)
                       if brand_of[a.author] == brand and a.created_at > t.created_at]
            if answers:
                seconds = (min(answers) - t.created_at).total_seconds()
                status = "on_time" if seconds <= SLA else "late"
                result[t.tweet_id, brand] = (status, seconds)
            else:
                age = (as_of - t.created_at).total_seconds()
                result[t.tweet_id, brand] = ("ignored" if age > IGNORE_AFTER else "pending", None)
    return result


def oracle_handoffs(tweets: dict[str, Tweet],
                    statuses: dict[tuple[str, str], tuple[str, float | None]]
                    ) -> dict[tuple[str, str], tuple[str, float | None]]:
    """The statuses with hand-offs, by the written rule (docs/methodology.md): a customer
    post that only confirms a hand-off, after a redirect by the brand to that customer in
    the same thread. The text rules are the shipped pure functions; the thread logic is
    this oracle's own."""
    brand_of = {t.author: t.author.lower() for t in tweets.values() if not t.inbound}

    def root(t: Tweet) -> str:
        seen = t
        while seen.parent is not None:
            if seen.parent not in tweets:
                return t.tweet_id  # the chain leaves the file: the root is unknown
            seen = tweets[seen.parent]
        return seen.tweet_id

    redirects = [r for r in tweets.values() if r.author in brand_of
                 and classify_reply(r.text).kind == "redirect"]
    result = dict(statuses)
    for (post_id, brand), _ in statuses.items():
        t = tweets[post_id]
        if not is_handoff_confirmation(t.text):
            continue
        if any(brand_of[r.author] == brand and r.created_at < t.created_at
               and (t.parent == r.tweet_id
                    or (r.parent in tweets and tweets[r.parent].author == t.author
                        and root(r) == root(t)))
               for r in redirects):
            result[post_id, brand] = ("handoff", statuses[post_id, brand][1])
    return result


@pytest.fixture(scope="module")
def head_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("twcs") / "head.duckdb"
    con = store.connect(db)
    import_twcs(con, HEAD)
    con.close()
    return db


def test_every_tweet_is_imported_with_its_quirks_undone(head_db: Path) -> None:
    tweets = read_tweets(HEAD)
    assert len(tweets) == 5000
    con = store.connect(head_db, read_only=True)
    rows = {r["post_id"]: r for r in queries.rows(
        con, "select post_id, author_id, by_brand, created_at, text, parent_id from posts "
             "where platform = 'x'")}
    assert rows.keys() == tweets.keys()
    for tweet_id, t in tweets.items():
        row = rows[tweet_id]
        assert (row["author_id"], row["by_brand"], row["created_at"], row["text"],
                row["parent_id"]) == (t.author, not t.inbound, t.created_at, t.text, t.parent)
    assert "\r\r" in rows["3399"]["text"]  # the bare CRs inside an unquoted text survive
    assert rows["1"]["parent_id"] == "3"  # '3.0' in the file
    assert rows["1"]["created_at"] == datetime(2017, 10, 31, 22, 10, 47, tzinfo=UTC)


def test_roots_and_unlinked_replies_match_the_file(head_db: Path) -> None:
    tweets = read_tweets(HEAD)

    def root(t: Tweet) -> str | None:
        seen = set()
        while t.parent:
            if t.parent not in tweets or t.parent in seen:
                return None
            seen.add(t.tweet_id)
            t = tweets[t.parent]
        return t.tweet_id

    con = store.connect(head_db, read_only=True)
    found = dict(con.execute("select post_id, root_id from posts").fetchall())
    assert found == {i: root(t) for i, t in tweets.items()}
    unlinked = [i for i, t in tweets.items() if t.parent and t.parent not in tweets]
    assert len(unlinked) == 6  # PROVENANCE.md: 3,688 of 3,694 links resolve
    [(stats,)] = con.execute("select stats from runs").fetchall()
    assert '"unlinked_replies": 6' in stats


def test_brands_accounts_and_mentions(head_db: Path) -> None:
    tweets = read_tweets(HEAD)
    con = store.connect(head_db, read_only=True)
    brand_tweets = Counter(t.author for t in tweets.values() if not t.inbound)
    assert len(brand_tweets) == 76
    assert dict(con.execute(
        "select a.account_id, count(*) from posts p join accounts a on a.platform = p.platform"
        " and a.account_id = p.author_id where a.brand_id is not null group by all"
    ).fetchall()) == dict(brand_tweets)
    assert dict(con.execute("select brand_id, name from brands").fetchall()) == {
        a.lower(): a for a in brand_tweets}
    customers = {t.author for t in tweets.values()} - set(brand_tweets)
    assert {a for (a,) in con.execute(
        "select account_id from accounts where brand_id is null").fetchall()} == customers
    expected_mentions = {(t.tweet_id, a) for t in tweets.values()
                         for h in MENTION.findall(t.text) for a in brand_tweets
                         if a.lower() == h.lower()}
    assert set(con.execute("select post_id, account_id from post_mentions").fetchall()) == \
        expected_mentions
    # PROVENANCE.md: 107 inbound tweets each tag the same five UK retailers.
    [(five,)] = con.execute(
        "select count(*) from (select post_id from post_mentions group by post_id"
        " having count(*) = 5)").fetchall()
    assert five >= 107


def test_metrics_per_brand_agree_with_an_independent_count(head_db: Path) -> None:
    expected = oracle_statuses(read_tweets(HEAD))
    con = store.connect(head_db, read_only=True)
    found = {(r["post_id"], r["brand_id"]): (r["status"], r["response_seconds"])
             for r in queries.rows(con, "select * from customer_posts")}
    assert found == expected
    per_brand: dict[str, Counter[str]] = defaultdict(Counter)
    for (_, brand), (status, _) in expected.items():
        per_brand[brand][status] += 1
    metrics = {r["brand_id"]: r for r in queries.rows(
        con, "select * from brand_metrics where platform = 'all'")}
    for brand, counts in per_brand.items():
        row = metrics[brand]
        assert {s: row[s] for s in ("on_time", "late", "ignored", "pending")} == \
            {s: counts[s] for s in ("on_time", "late", "ignored", "pending")}, brand
    times = [s for (_, b), (_, s) in expected.items() if b == "chipotletweets" and s is not None]
    assert metrics["chipotletweets"]["median_response_seconds"] == statistics.median(times)
    assert sum(per_brand["chipotletweets"].values()) == 230


def test_handoffs_agree_with_an_independent_reading(head_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "derived.duckdb"
    shutil.copy(head_db, db)
    tweets = read_tweets(HEAD)
    expected = oracle_handoffs(tweets, oracle_statuses(tweets))
    con = store.connect(db)
    derive(con)
    found = {(r["post_id"], r["brand_id"]): (r["status"], r["response_seconds"])
             for r in queries.rows(con, "select * from customer_posts")}
    assert found == expected
    handoffs = Counter(brand for (_, brand), (status, _) in expected.items()
                       if status == "handoff")
    assert sum(handoffs.values()) >= 40  # real TWCS threads: "DM sent", "Just did", ...
    metrics = {r["brand_id"]: r for r in queries.rows(
        con, "select * from brand_metrics where platform = 'all'")}
    for brand, n in handoffs.items():
        assert metrics[brand]["handoffs"] == n, brand
    # a hand-off is in no rate: the response rate's denominator is answered + ignored
    for brand, row in metrics.items():
        judged = sum(1 for (_, b), (st, _) in expected.items()
                     if b == brand and st in ("on_time", "late", "ignored"))
        assert row["answered"] + row["ignored"] == judged, brand


def test_importing_twice_changes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "twice.duckdb"
    con = store.connect(db)
    first = import_twcs(con, SAMPLE)

    def dump() -> dict[str, list[tuple[object, ...]]]:
        return {t: con.execute(f"select * from {t} order by all").fetchall()
                for t in ("runs", "brands", "accounts", "posts", "post_mentions")}

    before = dump()
    again = import_twcs(con, SAMPLE)
    assert again.reused_run and again.run_id == first.run_id
    assert dump() == before
    assert len(before["posts"]) == 93


def test_a_crlf_file_of_random_rows(tmp_path: Path) -> None:
    tweets = read_tweets(RANDOM)
    con = store.connect(tmp_path / "random.duckdb")
    result = import_twcs(con, RANDOM)
    assert (result.tweets, result.brands) == (5000, 100)
    unlinked = sum(1 for t in tweets.values() if t.parent and t.parent not in tweets)
    assert result.unlinked_replies == unlinked
    [(bad,)] = con.execute("select count(*) from posts where parent_id like '%.%'"
                           " or parent_id like '%' || chr(13) || '%'").fetchall()
    assert bad == 0


def test_odd_rows_are_counted_not_loaded(tmp_path: Path) -> None:
    header = SAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)
    odd = tmp_path / "odd.csv"
    odd.write_text("".join(header) + (
        "119237,999,True,Wed Oct 11 06:55:44 +0000 2017,a duplicate id,,\n"
        "900001,998,True,yesterday,an unreadable date,,\n"
        "900002,998,True,Wed Oct 11 06:55:44 +0000 2017,parent is not an id,,abc\n"
    ), encoding="utf-8")
    con = store.connect(tmp_path / "odd.duckdb")
    result = import_twcs(con, odd)
    assert (result.records, result.tweets, result.rejected, result.duplicates) == (96, 93, 2, 1)


def test_a_file_without_the_twcs_columns_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("id,user,text\n1,a,b\n", encoding="utf-8")
    with pytest.raises(ImportFormatError, match="missing"):
        import_twcs(store.connect(tmp_path / "bad.duckdb"), bad)
    result = CliRunner().invoke(main, ["import", "twcs", str(bad), "--db",
                                       str(tmp_path / "cli.duckdb")])
    assert result.exit_code == 2
    assert "bad.csv" in result.output and "tweet_id" in result.output
    assert not (tmp_path / "cli.duckdb").exists()
    result = CliRunner().invoke(main, ["import", "twcs", str(SAMPLE), "--db",
                                       str(tmp_path / "cli.duckdb"), "--memory-limit", "lots"])
    assert result.exit_code == 2 and "--memory-limit" in result.output


def test_twcs_and_x_own_ids_never_share_a_dataset(tmp_path: Path) -> None:
    """A HAR import (X's own ids) and a TWCS import refuse each other's dataset, unchanged."""
    config = tmp_path / "audit.toml"
    config.write_text(HAR_CONFIG, encoding="utf-8")
    har = build_har(tmp_path / "session.har")
    runner = CliRunner()
    assert runner.invoke(main, ["import", "har", str(har), "--config", str(config)]).exit_code == 0
    x_db = tmp_path / "audit.duckdb"
    result = runner.invoke(main, ["import", "twcs", str(SAMPLE), "--db", str(x_db)])
    assert result.exit_code == 2, result.output
    assert "holds X data collected from X (a crawl or a HAR file)" in result.output
    con = store.connect(x_db, read_only=True)
    assert con.execute("select count(*) from runs").fetchall() == [(1,)]
    con.close()

    twcs_db = tmp_path / "twcs.duckdb"
    assert runner.invoke(main, ["import", "twcs", str(SAMPLE), "--db", str(twcs_db)]).exit_code == 0
    result = runner.invoke(main, ["import", "har", str(har), "--config", str(config),
                                  "--db", str(twcs_db)])
    assert result.exit_code == 2, result.output
    assert "holds X data imported from TWCS" in result.output


def test_cli_import_writes_a_config_the_report_reads(tmp_path: Path) -> None:
    runner = CliRunner()
    db, config = tmp_path / "t.duckdb", tmp_path / "t.toml"
    result = runner.invoke(main, ["import", "twcs", str(HEAD), "--db", str(db), "--client",
                                  "delta", "--write-config", str(config)])
    assert result.exit_code == 0, result.output
    assert "Imported 5000 tweets (2778 inbound) by 76 brand accounts" in result.output
    assert "6 replies answer a tweet missing from the file" in result.output
    cfg = load_config(config)
    assert cfg.client == "delta" and len(cfg.brands) == 76 and cfg.db == db
    out = tmp_path / "report.html"
    result = runner.invoke(main, ["report", str(config), "-o", str(out)])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "Delta" in html and 'data-platform="x"' in html
    # Crawling X into it would mix X's ids with TWCS's renumbered ones: refused, unchanged.
    runs = len(store.connect(db, read_only=True).execute("select * from runs").fetchall())
    result = runner.invoke(main, ["crawl", str(config)])
    assert result.exit_code == 2, result.output
    assert "holds X data imported from TWCS" in result.output
    assert "separate database file" in result.output
    assert len(store.connect(db, read_only=True).execute("select * from runs").fetchall()) == runs
    result = runner.invoke(main, ["import", "twcs", str(HEAD), "--db", str(db), "--client",
                                  "nobody"])
    assert result.exit_code == 2 and "'nobody' is not a brand" in result.output
