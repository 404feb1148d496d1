"""`replyaudit worker`: join a run spread over workers, from this or another machine."""

from __future__ import annotations

import pickle
import sys

import click


@click.command()
@click.option("--redis", "redis_url", required=True, metavar="URL",
              help="The Redis the run's coordinator uses (its `--redis URL`).")
@click.option("--run", "run_key", default=None,
              help="The run to join (default: the run the coordinator published last; "
                   "waits up to --join-wait seconds for one).")
@click.option("--join-wait", type=click.FloatRange(min=0), default=60, show_default=True,
              help="Seconds to wait for a run to be published.")
@click.option("--capacity", type=click.IntRange(min=0), default=0, show_default=True,
              help="Units crawled at once (0: one per platform of the run).")
@click.option("--secrets-stdin", is_flag=True, hidden=True,
              help="Read the spiders' secrets (pickled) from stdin: how a coordinator "
                   "hands them to the workers it starts.")
def worker(redis_url: str, run_key: str | None, join_wait: float, capacity: int,
           secrets_stdin: bool) -> None:
    """Crawl units of a run whose coordinator runs `crawl … --workers N --redis URL`.

    The coordinator writes the dataset; a worker only crawls, reading the platforms' secrets
    from its own environment (the variables the config names). It leaves when the run ends;
    killed, its units go to the other workers.

    Example:

        replyaudit worker --redis redis://10.0.0.5:6379/0
    """
    import redis

    from crawler.scaleout.board import current_run
    from crawler.scaleout.worker import Worker

    secrets = pickle.loads(sys.stdin.buffer.read()) if secrets_stdin else None
    try:
        client = redis.Redis.from_url(redis_url)
        run_key = run_key or current_run(client, join_wait)
    except redis.RedisError as e:
        raise click.ClickException(f"cannot reach the Redis at {redis_url}: {e}") from None
    if run_key is None:
        raise click.ClickException(f"no run was published in the Redis at {redis_url} within "
                                   f"{join_wait:g} s; start one with: replyaudit crawl CONFIG "
                                   f"--workers N --redis {redis_url}")
    try:
        code = Worker(redis_url, run_key, secrets, capacity).run()
    except LookupError as e:
        raise click.ClickException(str(e)) from None
    sys.exit(code)
