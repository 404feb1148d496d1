"""One crawl the way `replyaudit crawl` and `replyaudit benchmark run` make it, callable from
a scheduler or a notebook too: hold the dataset's lock, read the secrets, crawl (runner.py)
into a working copy, for a benchmark run record its metrics in the history, and publish the
copy (benchmarks/snapshot.py), so readers of the dataset never hold the run up.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from benchmarks import dataset_file, history, store
from benchmarks.errors import CrawlWriteFailed
from benchmarks.snapshot import writing
from crawler import runner
from crawler.secrets import spider_secrets

if TYPE_CHECKING:
    from collections.abc import Mapping

    from benchmarks.config import AuditConfig


def run_crawl(config: AuditConfig, environ: Mapping[str, str] | None = None, *,
              benchmark: bool = False, wait_seconds: float = 0.0, workers: int = 0,
              redis_url: str | None = None) -> runner.RunResult:
    """Crawl every platform of `config` into its database, holding the dataset's lock.

    Secrets come from the variables the config names in `environ` (default: os.environ;
    crawler/secrets.py). A `benchmark` run is incremental and records its metrics in the
    history; a `failed` run (nothing fetched: RunStats.status) records none. Scrapy's reactor
    starts once per process: call this once per process. The run writes a working copy and
    publishes it when done (benchmarks/snapshot.py): readers of `config.db` see the last
    completed run meanwhile, and a run that raises leaves `config.db` as it was. Raises
    DatasetBusy when another run holds the lock after `wait_seconds` (readers never do),
    MixedXSources before anything is written when X is to be crawled into a dataset holding
    TWCS data, NotADataset (changing nothing) when config.db is not a replyaudit dataset.
    With `workers`, the crawl is spread over that many worker processes sharing the Redis
    at `redis_url` (default: a private redis-server), and this process is the one writer
    (crawler/scaleout/coordinator.py).
    """
    dataset_file.check_writable(config.db)  # NotADataset before the lock file is made
    secrets = spider_secrets(config, environ)
    try:
        with writing(config.db, wait_seconds) as work:
            if workers:
                from crawler.scaleout.coordinator import run_distributed

                result = run_distributed(dataclasses.replace(config, db=work), workers,
                                         redis_url, secrets, incremental=benchmark)
            else:
                result = runner.run_crawl(dataclasses.replace(config, db=work), secrets,
                                          incremental=benchmark)
            if benchmark and result.status != "failed":
                con = store.connect(work)
                try:
                    history.record(con, result.run_id)
                finally:
                    con.close()
    except CrawlWriteFailed as e:  # the copy was discarded: say so of the dataset itself
        raise CrawlWriteFailed(config.db, e.reason, e.errno, e.run_id, e.recorded,
                               unpublished=True) from None
    return result
