"""`replyaudit simulate` and `replyaudit demo`: the offline platform simulator, alone or
driving the whole audit."""

from __future__ import annotations

import json
import os
import time
from contextlib import closing
from datetime import datetime
from pathlib import Path

import click

from benchmarks import files, queries, store
from benchmarks.config import PLATFORM_DEFAULTS, load_config
from crawler.cli.crawl import do_crawl, do_report
from crawler.cli.options import INSTANT
from reports.terminal import print_metrics


@click.command()
@click.option("--port", type=int, default=0, show_default=True,
              help="Port on 127.0.0.1 (0 = any free port).")
@click.option("--seed", type=int, default=1, show_default=True, help="Seed of the synthetic world.")
@click.option("--now", "now", type=INSTANT, default=None,
              help="The instant the world stands at, e.g. 2026-11-01T00:00:00Z (default: now).")
@click.option("--faults", default="",
              help="Inject errors, e.g. '429=0.1,500=0.05,badjson=0.02,fail=<url part>'; "
                   "'freeze=N' stops answering after N requests (a stalled server).")
@click.option("--truth", type=click.Path(dir_okay=False), default=None,
              help="Write the ground truth (JSON) for every customer post here.")
@click.option("--write-config", type=click.Path(dir_okay=False), default=None,
              help="Write a matching audit config (TOML) here.")
@click.option("--request-log", type=click.Path(dir_okay=False), default=None,
              help="Append one JSON line per request here: time (Unix seconds), platform, "
                   "path, status; to measure rates and throughput.")
@click.option("--brands", type=click.IntRange(0, 999), default=0, show_default=True,
              help="Add a generated panel of N brands (brand001…) on the platforms that can "
                   "host them, for measuring scale (docs/scale.md).")
def simulate(port: int, seed: int, now: datetime | None, faults: str, truth: str | None,
             write_config: str | None, request_log: str | None, brands: int) -> None:
    """Serve every supported platform (APIs and pages) over a seeded world on 127.0.0.1.

    Example:

        replyaudit simulate --seed 7 --truth truth.json --write-config sim.toml
    """
    from crawler.simulator import login_environment, start_simulator
    from crawler.simulator.config import write_simulator_config
    from crawler.simulator.server import Faults
    from crawler.simulator.truth import truth_document

    try:
        fault_spec = Faults.parse(faults)
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="--faults") from None
    server = start_simulator(seed=seed, now=now, faults=fault_spec, port=port,
                             request_log=request_log, brands=brands)
    if truth:
        files.write_text(truth, json.dumps(truth_document(server.world), indent=1))
    if write_config:
        write_simulator_config(server, Path(write_config))
    panel = f", {brands} generated brands" if brands else ""
    click.echo(f"Simulator (seed {seed}{panel}) serving on {server.base_url}; Ctrl-C stops it.")
    click.echo("Logins it accepts: " + " ".join(
        f"{name}={value}" for name, value in login_environment(PLATFORM_DEFAULTS).items()))
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()


@click.command()
@click.option("--out", type=click.Path(file_okay=False), default="demo-output", show_default=True,
              help="Directory for the config, the dataset and the report.")
@click.option("--seed", type=int, default=1, show_default=True, help="Seed of the synthetic world.")
def demo(out: str, seed: int) -> None:
    """The whole audit offline: simulator, crawl, metrics table and HTML report.

    Example:

        replyaudit demo --out demo-output
    """
    from crawler.simulator import login_environment, start_simulator
    from crawler.simulator.config import write_simulator_config
    from crawler.simulator.world import DEMO_SETTINGS

    out_dir = Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    for stale in ("audit.duckdb", "audit.duckdb.wal"):
        (out_dir / stale).unlink(missing_ok=True)
    server = start_simulator(seed=seed, settings=DEMO_SETTINGS)
    try:
        config_path = write_simulator_config(server, out_dir / "audit.toml")
        cfg = load_config(config_path)
        # The simulator's logins, set exactly as a user sets real ones.
        os.environ.update(login_environment({p: s.options for p, s in cfg.platforms.items()}))
        click.echo(f"Simulator (seed {seed}) on {server.base_url}; config {config_path}")
        do_crawl(cfg)
    finally:
        server.stop()
    with closing(store.open_dataset(cfg.db)) as con:
        found = queries.brand_metrics(con, [b.id for b in cfg.brands])
    print_metrics(found, {b.id: b.name for b in cfg.brands}, cfg.client)
    path = do_report(cfg, out_dir / "report.html")
    click.echo(f"Dataset: {cfg.db}\nReport:  {path}")
