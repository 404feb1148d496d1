"""`replyaudit export`: Parquet read back with DuckDB, CSV files, and pseudonymisation that
leaves no customer id or handle anywhere, over a real crawl of the simulator and real TWCS rows."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from benchmarks import store
from benchmarks.export import RELATIONS, export, mention_stripper
from benchmarks.importers.twcs import import_twcs
from benchmarks.recorder import POST_COLUMNS
from crawler.cli import main
from tests.conftest import TEST_NOW, cli

KEY = b"a test key, 32 bytes long......."
OTHER_KEY = b"another key, also long enough..."
TWCS_HEAD = Path(__file__).resolve().parent / "fixtures" / "twcs" / "twcs_head5000.csv"


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A real crawl of the simulator (both platforms, mentions searched)."""
    from crawler.simulator import start_simulator
    from crawler.simulator.config import write_simulator_config

    server = start_simulator(seed=3, now=TEST_NOW)
    try:
        config = write_simulator_config(server, tmp_path_factory.mktemp("crawl") / "audit.toml")
        result = cli("crawl", str(config))
        assert result.returncode == 0, result.stderr[-3000:]
    finally:
        server.stop()
    yield config.parent / "audit.duckdb"


@pytest.fixture(scope="module")
def twcs_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("twcs") / "twcs.duckdb"
    con = store.connect(db)
    import_twcs(con, TWCS_HEAD)
    con.close()
    return db


def read_back(out: Path, relation: str, fmt: str = "parquet") -> list[tuple[object, ...]]:
    """Every row of an exported relation, sorted, read with DuckDB (month column dropped)."""
    con = duckdb.connect()
    con.execute("set timezone = 'UTC'")
    if fmt == "csv":
        source = f"read_csv('{out / relation}.csv', header = true)"
    else:
        source = f"read_parquet('{out / relation}/**/*.parquet', hive_partitioning = true)"
    return con.execute(f"select * exclude (month) from {source} order by all"
                       if relation in ("posts", "customer_posts") and fmt == "parquet"
                       else f"select * from {source} order by all").fetchall()


def every_cell(out: Path) -> str:
    """All exported values of all relations as one text, for scanning."""
    return "\n".join("\t".join(str(v) for v in row)
                     for relation in RELATIONS for row in read_back(out, relation))


@pytest.mark.crawl
def test_parquet_is_partitioned_by_platform_and_month_and_reads_back(crawled: Path,
                                                                     tmp_path: Path) -> None:
    con = store.connect(crawled, read_only=True)
    written = {w.relation: w.rows for w in export(con, tmp_path / "out", "parquet")}
    for relation in RELATIONS:
        [(n,)] = con.execute(f"select count(*) from {relation}").fetchall()
        assert written[relation] == n > 0, relation
    months = con.execute("select distinct platform, strftime(created_at, '%Y-%m') from posts"
                         ).fetchall()
    for platform, month in months:
        assert list((tmp_path / "out" / "posts" / f"platform={platform}" / f"month={month}")
                    .glob("*.parquet")), (platform, month)
    assert (tmp_path / "out" / "brand_metrics" / "platform=all").is_dir()
    exported = read_back(tmp_path / "out", "posts")
    columns = ", ".join(c for c in POST_COLUMNS if c != "platform")
    assert [r[:-1] for r in sorted(exported)] == sorted(
        con.execute(f"select {columns} from posts").fetchall())
    platforms = {p for (p,) in con.execute("select distinct platform from posts").fetchall()}
    assert {r[-1] for r in exported} == platforms >= {"bluesky", "mastodon"}  # from the path
    assert (tmp_path / "out" / "manifest.json").exists()


@pytest.mark.crawl
def test_csv_is_one_file_per_relation(crawled: Path, tmp_path: Path) -> None:
    con = store.connect(crawled, read_only=True)
    export(con, tmp_path / "csv", "csv")
    assert sorted(p.name for p in (tmp_path / "csv").iterdir()) == sorted(
        [f"{r}.csv" for r in RELATIONS] + ["manifest.json"])
    [(n,)] = con.execute("select count(*) from customer_posts").fetchall()
    assert len(read_back(tmp_path / "csv", "customer_posts", "csv")) == n


@pytest.mark.crawl
def test_pseudonymised_export_holds_no_customer_id_or_handle(crawled: Path,
                                                             tmp_path: Path) -> None:
    con = store.connect(crawled, read_only=True)
    export(con, tmp_path / "p", "parquet", KEY)
    cells = every_cell(tmp_path / "p")
    customers = con.execute(
        "select account_id, handle, display_name from accounts where brand_id is null"
    ).fetchall()
    assert len(customers) > 50
    secrets = {v for row in customers for v in row if v}
    secrets |= {handle.split("@")[0].split(".")[0] for _, handle, _ in customers if handle}
    secrets -= {"", "[deleted]"}  # Reddit's placeholder for deleted authors names nobody
    # A company's reply on a review site is shown on the review's page: that link is the
    # brand's post and stays (docs/dataset.md, "Exports", says so).
    urls = {url for (url,) in con.execute(
        "select url from posts where not by_brand and url is not null "
        "except select url from posts where by_brand").fetchall()}
    # A URL is a whole cell (a forum's '/25/1' is a prefix of the brand's own '/25/17').
    whole_cells = {v for line in cells.splitlines() for v in line.split("\t")}
    leaked = sorted([s for s in secrets if s in cells] + [u for u in urls if u in whole_cells])
    assert not leaked, leaked[:10]
    assert "traveller" not in cells.lower()
    # brand accounts stay readable, posts keep their count and still join
    brands = con.execute("select platform, account_id, handle, display_name from accounts"
                         " where brand_id is not null order by all").fetchall()
    exported = duckdb.connect()
    base = tmp_path / "p"
    assert exported.execute(
        f"select platform, account_id, handle, display_name from read_parquet("
        f"'{base}/accounts/**/*.parquet', hive_partitioning = true)"
        " where brand_id is not null order by all").fetchall() == brands
    brand_posts = {r for (r,) in con.execute(
        "select post_id from posts where by_brand").fetchall()}
    exported_ids = {r[0] for r in read_back(base, "posts")}
    assert brand_posts <= exported_ids
    [(orphans,)] = exported.execute(
        f"select count(*) from read_parquet('{base}/customer_posts/**/*.parquet') c"
        f" anti join read_parquet('{base}/posts/**/*.parquet') p using (post_id)").fetchall()
    assert orphans == 0
    # The simulator's customers mention only brands, and those mentions stay.
    [(mentioning,)] = con.execute(
        "select count(*) from posts where text like '%@acmeair.bsky.social%'").fetchall()
    assert mentioning and cells.count("@acmeair.bsky.social") >= mentioning


@pytest.mark.crawl
def test_same_key_same_export_other_key_other_pseudonyms(crawled: Path, tmp_path: Path) -> None:
    con = store.connect(crawled, read_only=True)
    for name, key in (("a", KEY), ("b", KEY), ("c", OTHER_KEY)):
        export(con, tmp_path / name, "parquet", key)
    for relation in RELATIONS:
        assert read_back(tmp_path / "a", relation) == read_back(tmp_path / "b", relation)
    a, c = read_back(tmp_path / "a", "accounts"), read_back(tmp_path / "c", "accounts")
    customer_ids = lambda rows: {r[0] for r in rows if r[4] is None}  # noqa: E731
    assert customer_ids(a).isdisjoint(customer_ids(c))
    brand_rows = lambda rows: [r for r in rows if r[4] is not None]  # noqa: E731
    assert brand_rows(a) == brand_rows(c)


def test_twcs_customers_vanish_and_brand_mentions_stay(twcs_db: Path, tmp_path: Path) -> None:
    con = store.connect(twcs_db, read_only=True)
    export(con, tmp_path / "t", "csv", KEY)
    customers = {a for (a,) in con.execute(
        "select account_id from accounts where brand_id is null").fetchall()}
    for relation in RELATIONS:
        for row in read_back(tmp_path / "t", relation, "csv"):
            for value in row:
                assert str(value) not in customers, (relation, value)
                mentioned = re.findall(r"@(\w+)", str(value))
                assert not customers.intersection(mentioned), (relation, value)
    texts = {r[5] for r in read_back(tmp_path / "t", "posts", "csv")}
    assert any("@sprintcare" in t for t in texts if t)


def test_mentions_of_customers_are_removed_not_brands() -> None:
    strip = mention_stripper({"bluesky": {"acme.bsky.social"},
                              "mastodon": {"acme@mastodon.social", "acme"}})
    assert strip("bluesky", "@Acme.bsky.social thanks @ann.bsky.social. mail a@b.com") == (
        "@Acme.bsky.social thanks @[removed]. mail a@b.com")
    assert strip("mastodon", "@acme @ann@mastodon.social hi") == "@acme @[removed] hi"
    assert strip("mastodon", None) is None


@pytest.mark.crawl
def test_cli_export_and_its_mistakes(crawled: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    args = ["export", "--db", str(crawled), "--format", "csv", "--pseudonymize"]
    result = runner.invoke(main, [*args, "--out", str(tmp_path / "a")],
                           env={"REPLYAUDIT_PSEUDONYM_KEY": ""})
    assert result.exit_code == 2 and "REPLYAUDIT_PSEUDONYM_KEY" in result.output
    result = runner.invoke(main, [*args, "--out", str(tmp_path / "a")],
                           env={"REPLYAUDIT_PSEUDONYM_KEY": "short"})
    assert result.exit_code == 2 and "at least 16 bytes" in result.output
    key_file = tmp_path / "key"
    key_file.write_bytes(KEY + b"\n")
    result = runner.invoke(main, [*args, "--out", str(tmp_path / "a"), "--key-file",
                                  str(key_file)])
    assert result.exit_code == 0, result.output
    assert "customer_posts:" in result.output
    result = runner.invoke(main, [*args, "--out", str(tmp_path / "b")],
                           env={"REPLYAUDIT_PSEUDONYM_KEY": KEY.decode()})
    assert result.exit_code == 0, result.output
    assert read_back(tmp_path / "a", "posts", "csv") == read_back(tmp_path / "b", "posts", "csv")
    result = runner.invoke(main, [*args, "--out", str(tmp_path / "a"), "--key-file",
                                  str(key_file)])
    assert result.exit_code == 2 and "not empty" in result.output


@pytest.mark.parametrize("key", [b"k" * 16, bytes(range(64)), b"a longer key " * 10],
                         ids=["short", "one block", "longer than a block"])
def test_pseudonym_is_the_standard_hmac_sha256(key: bytes, tmp_path: Path) -> None:
    """The SQL macro gives exactly Python's hmac for any key length and any text, so a
    pseudonym can be recomputed outside replyaudit by whoever holds the key."""
    import hashlib
    import hmac

    from benchmarks.export import _register_pseudonymisation

    db = tmp_path / "empty.duckdb"
    store.connect(db).close()
    con = store.connect(db, read_only=True)
    _register_pseudonymisation(con, key)
    values = ["did:plc:abc", "traveller001@mastodon.social", "Ünïcödé ✈ 日本", "", "x" * 500]
    got = [con.execute("select pseudonym(?)", [v]).fetchall()[0][0] for v in values]
    assert got == [hmac.new(key, v.encode("utf-8"), hashlib.sha256).hexdigest() for v in values]
    assert con.execute("select pseudonym(null)").fetchall() == [(None,)]
    con.close()
