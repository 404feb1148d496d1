"""The coordinating process of a run spread over workers: the dataset's one writer.

It starts the run (runner.prepare_run), puts its units on the board in Redis (a private
`redis-server` unless a URL is given), starts N local workers, and then writes: each
completed unit's items go into the dataset in batches through the run's recorder, and its
stats are summed per platform into the run's RunStats. Units of a worker whose heartbeat
stopped are given to the others (Board.reap). See docs/scale.md.
"""

from __future__ import annotations

import math
import pickle
import subprocess
import sys
import time
from contextlib import nullcontext
from secrets import token_hex
from typing import TYPE_CHECKING, Any

import duckdb
import redis

from benchmarks import store
from benchmarks.errors import CrawlWriteFailed, DatasetNotWritable, reason_of
from benchmarks.recorder import RunRecorder
from benchmarks.run_stats import ItemCounts, PlatformStats, RunStats
from crawler import runner
from crawler.items import Account, FetchFailure, Post
from crawler.scaleout.board import Board, Unit
from crawler.scaleout.redis_server import PrivateRedis
from crawler.scaleout.worker import RunSpec

if TYPE_CHECKING:
    from benchmarks.config import AuditConfig

# Seconds without any live worker, while units wait, before the run gives up.
NO_WORKERS_SECONDS = 30.0
PROGRESS_EVERY_S = 5.0


class WorkersGone(RuntimeError):
    """Units are left and no worker is alive to crawl them."""


class RedisUnreachable(RuntimeError):
    """The Redis of `--redis URL` does not answer."""


def make_units(config: AuditConfig, workers: int) -> list[Unit]:
    """The run's units: per platform, its brands in chunks (about four units per worker
    and platform), interleaved across platforms so that concurrent units spread over the
    platforms' budgets."""
    per_platform: list[list[Unit]] = []
    for platform in config.platforms_in_use():
        brands = [b.id for b in config.brands if b.handles(platform)]
        if not brands:
            continue
        size = max(1, math.ceil(len(brands) / (4 * max(workers, 1))))
        per_platform.append([
            Unit(f"{platform}/{i // size}", platform, tuple(brands[i:i + size]))
            for i in range(0, len(brands), size)])
    units: list[Unit] = []
    for i in range(max((len(u) for u in per_platform), default=0)):
        units += [u[i] for u in per_platform if i < len(u)]
    return units


def merge(parts: list[PlatformStats]) -> PlatformStats:
    """One platform's stats from those of its units."""
    merged = PlatformStats(mode=parts[0].mode if parts else None)
    for part in parts:
        merged.requests += part.requests
        for status, n in part.responses.items():
            merged.responses[status] = merged.responses.get(status, 0) + n
        merged.items = ItemCounts(
            merged.items.posts + part.items.posts,
            (merged.items.accounts or 0) + (part.items.accounts or 0))
        merged.retries += part.retries
        merged.rate_limit_pauses += part.rate_limit_pauses
        merged.failures += part.failures
        merged.malformed_json += part.malformed_json
        merged.dropped_items += part.dropped_items
        merged.notes += [n for n in part.notes if n not in merged.notes]
        if part.finish_reason != "finished" and merged.finish_reason == "finished":
            merged.finish_reason = part.finish_reason
        if part.quota_units is not None:
            merged.quota_units = (merged.quota_units or 0) + part.quota_units
    mentions = {p.mentions for p in parts}
    merged.mentions = next((m for m in ("searched", "skipped") if m in mentions),
                           parts[0].mentions if parts else "not applicable")
    merged.skipped = bool(parts) and all(p.skipped for p in parts)
    merged.responses = dict(sorted(merged.responses.items()))
    return merged


def spawn_worker(url: str, run_key: str, secrets: dict[str, dict[str, Any]]) -> subprocess.Popen[
        bytes]:
    """A local `replyaudit worker` for the run; its secrets go through its stdin (never into
    Redis, the command line or the environment of other processes)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "crawler.cli", "worker", "--redis", url, "--run", run_key,
         "--secrets-stdin"], stdin=subprocess.PIPE)
    assert process.stdin is not None
    process.stdin.write(pickle.dumps(secrets))
    process.stdin.close()
    return process


def run_distributed(config: AuditConfig, workers: int, redis_url: str | None = None,
                    spider_kwargs: dict[str, dict[str, Any]] | None = None,
                    settings_overrides: dict[str, Any] | None = None,
                    incremental: bool = False) -> runner.RunResult:
    """Crawl `config` with `workers` local worker processes (and any that join with
    `replyaudit worker --redis URL`), writing the dataset here; returns the recorded run.

    Raises like runner.run_crawl; RedisNotInstalled without a redis-server when no
    `redis_url` is given; WorkersGone when every worker died with units left."""
    run_id, window, plans = runner.prepare_run(config, incremental)
    deadline = (time.time() + config.deadline_minutes * 60) if config.deadline_minutes else None
    spec = RunSpec(run_id, config, window.window_start, window.window_end, plans,
                   dict(settings_overrides or {}), deadline)
    try:
        with (PrivateRedis() if redis_url is None else nullcontext(redis_url)) as url:
            board = Board(redis.Redis.from_url(url), f"run{run_id}-{token_hex(4)}")
            units = make_units(config, workers)
            try:
                board.publish(spec, units)
            except redis.RedisError as e:
                raise RedisUnreachable(f"cannot reach the Redis at {url}: {e}") from None
            procs = [spawn_worker(url, board.run_key, spider_kwargs or {})
                     for _ in range(workers)]
            try:
                stats = _write(board, config, run_id, units, procs)
            finally:
                board.stop()
                for proc in procs:
                    try:
                        proc.wait(timeout=30)
                    except subprocess.TimeoutExpired:
                        proc.kill()
                        proc.wait()
                board.clean()
    except CrawlWriteFailed:
        raise
    except BaseException:
        runner.finish_run(config, run_id, RunStats(), failed=True)  # never left `running`
        raise
    status = runner.finish_run(config, run_id, stats)
    return runner.RunResult(run_id, status, stats.as_dict())


def _write(board: Board, config: AuditConfig, run_id: int, units: list[Unit],
           procs: list[subprocess.Popen[bytes]]) -> RunStats:
    """Write every unit's items as units complete; the run's stats once all have."""
    parts: dict[str, list[PlatformStats]] = {p: [] for p in config.platforms_in_use()}
    done: set[str] = set()
    con = store.connect(config.db)
    recorder = RunRecorder(con, run_id)
    last_progress = last_alive = time.monotonic()
    try:
        while len(done) < len(units):
            for unit in board.reap():
                print(f"  a worker stopped answering: {unit.platform} "
                      f"({', '.join(unit.brands)}) goes to another (attempt {unit.attempt + 1})",
                      file=sys.stderr, flush=True)
            found = board.pop_done(timeout=0.5)
            if found is not None:
                unit, stats = found
                if unit.id not in done:
                    _write_items(board, recorder, unit, config, run_id)
                    done.add(unit.id)
                    parts.setdefault(unit.platform, []).append(stats)
            now = time.monotonic()
            if any(p.poll() is None for p in procs) or board.live_workers():
                last_alive = now
            elif now - last_alive > NO_WORKERS_SECONDS:
                codes = ", ".join(str(p.returncode) for p in procs)
                raise WorkersGone(f"every worker stopped (exit codes {codes}) with "
                                  f"{len(units) - len(done)} of {len(units)} units left")
            if now - last_progress >= PROGRESS_EVERY_S:
                last_progress = now
                waiting, leased = board.counts()
                print(f"  {len(done)}/{len(units)} units written, {leased} crawling, "
                      f"{waiting} waiting, {board.live_workers()} workers",
                      file=sys.stderr, flush=True)
        for platform in parts:
            recorder.mark_brand_posts(platform)
    except (DatasetNotWritable, duckdb.Error) as e:
        reason, errno = ((e.reason, e.errno) if isinstance(e, DatasetNotWritable)
                         else reason_of(e))
        con.close()
        stats = RunStats({p: merge(s) for p, s in parts.items()})
        try:
            runner.finish_run(config, run_id, stats, failed=True)
        except (DatasetNotWritable, duckdb.Error):
            raise CrawlWriteFailed(config.db, reason, errno, run_id, recorded=False) from None
        raise CrawlWriteFailed(config.db, reason, errno, run_id, recorded=True) from None
    con.close()
    return RunStats({p: merge(s) for p, s in parts.items()})


def _write_items(board: Board, recorder: RunRecorder, unit: Unit, config: AuditConfig,
                 run_id: int) -> None:
    for items in board.take_items(unit):
        with recorder.batch():
            recorder.upsert_accounts([i for i in items if isinstance(i, Account)])
            recorder.upsert_posts([i for i in items if isinstance(i, Post)])
            recorder.record_failures([i for i in items if isinstance(i, FetchFailure)])
