"""Throughput of one crawl spread over 1, 2 and 4 workers (`replyaudit crawl --workers N`)
against the simulator: wall time, requests/s (from the simulator's request log) and posts/s.

Run: `python -m tests.perf.bench_scaleout --workers 0,1,2,4 --brands 300`. Not a test:
speed is measured here and reported (docs/scale.md), never asserted. The panel is the
simulated world's three brands on nine platforms plus `--brands N` generated ones (on the
platforms whose simulator modules host them). `--workers 0` is the one-process crawl, for
comparison. The simulated platforms'
own rate limits are lifted, so that a run is not held for minutes by a spent window.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def measure(workers: int, seed: int, panel: int = 0) -> dict[str, float]:
    from benchmarks.config import PLATFORM_DEFAULTS
    from crawler.simulator import login_environment, start_simulator
    from crawler.simulator.config import write_simulator_config

    with tempfile.TemporaryDirectory(prefix="replyaudit-scale-") as tmp:
        log = Path(tmp) / "requests.jsonl"
        # The platforms' own rate limits out of the way (they would pause the crawl for
        # minutes): the configured requests_per_second is the bound measured here.
        generating = time.monotonic()
        server = start_simulator(seed=seed, request_log=str(log), brands=panel,
                                 rate_limits={p: (1_000_000, 60) for p in PLATFORM_DEFAULTS})
        generated = time.monotonic() - generating
        try:
            config = write_simulator_config(server, Path(tmp) / "sim.toml")
            brands = len(server.world.brands)
            env = {**os.environ, **login_environment(PLATFORM_DEFAULTS),
                   "REPLYAUDIT_RETRY_BACKOFF_SECONDS": "0.1"}
            started = time.monotonic()
            done = subprocess.run(
                [sys.executable, "-m", "crawler.cli", "crawl", str(config),
                 *(["--workers", str(workers)] if workers else [])],
                cwd=ROOT, env=env, capture_output=True, text=True)
            wall = time.monotonic() - started
        finally:
            server.stop()
        if done.returncode != 0:
            raise SystemExit(done.stderr[-3000:])
        requests = len(log.read_text().splitlines())
        import duckdb

        con = duckdb.connect(str(Path(tmp) / "audit.duckdb"), read_only=True)
        [(stats,)] = con.execute("select stats from runs order by run_id desc limit 1").fetchall()
        con.close()
        posts = sum(p["items"]["posts"] for p in json.loads(stats).values())
    return {"workers": workers, "brands": brands, "world_s": generated, "wall_s": wall,
            "requests": requests, "requests_per_s": requests / wall, "posts": posts,
            "posts_per_s": posts / wall}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", default="0,1,2,4", help="Comma-separated worker counts.")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--brands", type=int, default=0,
                        help="Generated brands besides the demo's three (simulate --brands).")
    args = parser.parse_args()
    print(f"{'workers':>7} {'brands':>6} {'world s':>7} {'wall s':>7} {'requests':>8} "
          f"{'req/s':>6} {'posts':>7} {'posts/s':>7}  ({os.cpu_count()} CPUs)")
    for workers in (int(w) for w in args.workers.split(",")):
        r = measure(workers, args.seed, args.brands)
        print(f"{r['workers']:>7} {r['brands']:>6} {r['world_s']:>7.1f} {r['wall_s']:>7.1f} "
              f"{r['requests']:>8} {r['requests_per_s']:>6.0f} {r['posts']:>7} "
              f"{r['posts_per_s']:>7.0f}",
              flush=True)


if __name__ == "__main__":
    main()
