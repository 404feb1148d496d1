"""The run's board in Redis: the units of work, their leases, and what reaches the writer.

A run is split into units (`Unit`: one platform, a few brands). Workers lease a unit, crawl
it with an ordinary spider whose scheduler and dupefilter live in Redis (scrapy-redis, keys
of that unit's attempt), push its items to a list of that attempt, and complete it: the
completion moves the unit's stats to the `done` list in the same Lua call that checks the
lease is still theirs. The coordinator (the one writer of the dataset) pops `done`, reads the
attempt's items and writes them.

A worker proves it is alive with a heartbeat key that expires after HEARTBEAT_TTL_MS. When
it is gone (kill -9, a lost machine) `reap` puts its leased units back at the head of the
queue with the next attempt number and drops what the dead attempt had pushed: a unit is
written once, whole, from the one attempt that completed. Keys: `replyaudit:<run>:<name>`;
docs/scale.md lists them.
"""

from __future__ import annotations

import json
import pickle
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any, cast

import redis

PREFIX = "replyaudit"
# The run a `replyaudit worker` joins when it is not told which.
CURRENT_RUN = f"{PREFIX}:current"
# A worker refreshes its heartbeat every HEARTBEAT_EVERY_S; without one for this long it
# counts as dead and its units go to the others.
HEARTBEAT_TTL_MS = 3000
HEARTBEAT_EVERY_S = 0.5

_LEASE = """
local raw = redis.call('LPOP', KEYS[1])
if not raw then return false end
local unit = cjson.decode(raw)
redis.call('HSET', KEYS[2], unit['id'], cjson.encode({worker = ARGV[1], unit = raw}))
return raw
"""

_COMPLETE = """
local lease = redis.call('HGET', KEYS[1], ARGV[1])
if not lease then return 0 end
local held = cjson.decode(lease)
local unit = cjson.decode(held['unit'])
if held['worker'] ~= ARGV[2] or tostring(unit['attempt']) ~= ARGV[3] then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('RPUSH', KEYS[2], ARGV[4])
return 1
"""

_REAP = """
local requeued = {}
local leases = redis.call('HGETALL', KEYS[1])
for i = 1, #leases, 2 do
  local held = cjson.decode(leases[i + 1])
  if redis.call('EXISTS', ARGV[1] .. held['worker']) == 0 then
    local unit = cjson.decode(held['unit'])
    redis.call('DEL', ARGV[2] .. unit['id'] .. ':' .. unit['attempt'])
    unit['attempt'] = unit['attempt'] + 1
    local raw = cjson.encode(unit)
    redis.call('HDEL', KEYS[1], leases[i])
    redis.call('LPUSH', KEYS[2], raw)
    table.insert(requeued, raw)
  end
end
return requeued
"""


@dataclass(frozen=True)
class Unit:
    """One piece of a run: `platform` crawled from `brands` (ids), attempt `attempt`."""

    id: str
    platform: str
    brands: tuple[str, ...]
    attempt: int = 0

    def to_json(self) -> str:
        return json.dumps({**asdict(self), "brands": list(self.brands)})

    @classmethod
    def from_json(cls, raw: str | bytes) -> Unit:
        data = json.loads(raw)
        return cls(str(data["id"]), str(data["platform"]), tuple(data["brands"]),
                   int(data["attempt"]))

    @property
    def tag(self) -> str:
        """The attempt's name in keys: `<id>:<attempt>`."""
        return f"{self.id}:{self.attempt}"


class Board:
    """The keys of one run (`run_key`) in the Redis `client` talks to."""

    def __init__(self, client: redis.Redis, run_key: str) -> None:
        self.client, self.run_key = client, run_key
        self._lease = client.register_script(_LEASE)
        self._complete = client.register_script(_COMPLETE)
        self._reap = client.register_script(_REAP)

    def key(self, name: str) -> str:
        return f"{PREFIX}:{self.run_key}:{name}"

    # The coordinator ------------------------------------------------------------------------

    def publish(self, spec: Any, units: Iterable[Unit]) -> int:
        """Put the run's spec (pickled) and units up, and make it the current run."""
        units = list(units)
        with self.client.pipeline() as pipe:
            pipe.set(self.key("spec"), pickle.dumps(spec))
            pipe.set(self.key("total"), len(units))
            if units:
                pipe.rpush(self.key("units"), *(u.to_json() for u in units))
            pipe.set(CURRENT_RUN, self.run_key)
            pipe.execute()
        return len(units)

    def reap(self) -> list[Unit]:
        """Give the units of workers without a heartbeat to the others; returns them."""
        raw = self._reap(keys=[self.key("leases"), self.key("units")],
                         args=[self.key("heartbeat:"), self.key("items:")])
        return [Unit.from_json(r) for r in raw]

    def pop_done(self, timeout: float) -> tuple[Unit, Any] | None:
        """The next completed unit and its payload (the worker's stats), or None."""
        found = self.client.blpop([self.key("done")], timeout=timeout)
        if found is None:
            return None
        unit, payload = pickle.loads(cast("bytes", found[1]))
        return unit, payload

    def take_items(self, unit: Unit, batch: int = 500) -> Iterable[list[Any]]:
        """The items a completed attempt pushed, in batches, removed as they are read."""
        key = self.key(f"items:{unit.tag}")
        while True:
            with self.client.pipeline() as pipe:
                pipe.lrange(key, 0, batch - 1)
                pipe.ltrim(key, batch, -1)
                chunk, _ = pipe.execute()
            if not chunk:
                return
            yield [item for raw in chunk for item in pickle.loads(raw)]

    def live_workers(self) -> int:
        return sum(1 for _ in self.client.scan_iter(match=self.key("heartbeat:*"), count=100))

    def counts(self) -> tuple[int, int]:
        """(units waiting, units leased)."""
        with self.client.pipeline() as pipe:
            pipe.llen(self.key("units"))
            pipe.hlen(self.key("leases"))
            waiting, leased = pipe.execute()
        return int(waiting), int(leased)

    def stop(self) -> None:
        """Tell the workers the run is over (they leave once their crawls have closed)."""
        self.client.set(self.key("stop"), 1)
        if self.client.get(CURRENT_RUN) == self.run_key.encode():
            self.client.delete(CURRENT_RUN)

    def clean(self) -> None:
        """Remove every key of the run (scrapy-redis queues and dupefilters included)."""
        if self.client.get(CURRENT_RUN) == self.run_key.encode():
            self.client.delete(CURRENT_RUN)
        keys = list(self.client.scan_iter(match=f"{PREFIX}:{self.run_key}:*", count=500))
        for start in range(0, len(keys), 500):
            self.client.delete(*keys[start:start + 500])

    # A worker -------------------------------------------------------------------------------

    def spec(self) -> Any:
        raw = self.client.get(self.key("spec"))
        return None if raw is None else pickle.loads(cast("bytes", raw))

    def heartbeat(self, worker: str) -> None:
        self.client.set(self.key(f"heartbeat:{worker}"), int(time.time()), px=HEARTBEAT_TTL_MS)

    def leave(self, worker: str) -> None:
        self.client.delete(self.key(f"heartbeat:{worker}"))

    def lease(self, worker: str) -> Unit | None:
        raw = self._lease(keys=[self.key("units"), self.key("leases")], args=[worker])
        return None if raw is None else Unit.from_json(raw)

    def push_items(self, unit: Unit, items: list[Any]) -> None:
        if items:
            self.client.rpush(self.key(f"items:{unit.tag}"), pickle.dumps(items))

    def complete(self, unit: Unit, worker: str, payload: Any) -> bool:
        """Hand the unit's items and `payload` to the writer; False (and its items dropped)
        when the lease was lost meanwhile (the unit went to another worker)."""
        done = self._complete(keys=[self.key("leases"), self.key("done")],
                              args=[unit.id, worker, str(unit.attempt),
                                    pickle.dumps((unit, payload))])
        if not done:
            self.client.delete(self.key(f"items:{unit.tag}"))
        return bool(done)

    def stopped(self) -> bool:
        return bool(self.client.exists(self.key("stop")))


def current_run(client: redis.Redis, wait_seconds: float = 0.0) -> str | None:
    """The run a worker joins: the one a coordinator published last, waiting for one."""
    deadline = time.monotonic() + wait_seconds
    while True:
        raw = client.get(CURRENT_RUN)
        if raw is not None:
            return raw.decode() if isinstance(raw, bytes) else str(raw)
        if time.monotonic() >= deadline:
            return None
        time.sleep(0.2)
