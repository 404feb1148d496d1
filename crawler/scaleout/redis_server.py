"""A private `redis-server` for one run: 127.0.0.1, a free port, a temporary directory, no
persistence, shut down when the run ends. Used when `--workers N` is given without `--redis`.
See docs/scale.md.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType

import redis

# Debian's package installs it here (`make` installs it as root when it is missing).
DEFAULT_EXECUTABLE = "redis-server"


class RedisNotInstalled(RuntimeError):
    """No `redis-server` executable to start a private Redis with."""


def find_redis_server(executable: str | None = None) -> str | None:
    """The path of `redis-server` (or `executable`), or None when it is not installed."""
    return shutil.which(executable or DEFAULT_EXECUTABLE)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PrivateRedis:
    """`with PrivateRedis() as url:` a redis-server only this run uses, gone afterwards.

    Binds 127.0.0.1 only, protected mode on, no RDB snapshots and no append-only file: what
    a run keeps in Redis (its queues, leases, items on their way to the writer) lives as
    long as the run. Raises RedisNotInstalled when there is no `redis-server`.
    """

    def __init__(self, executable: str | None = None, start_timeout: float = 10.0) -> None:
        found = find_redis_server(executable)
        if found is None:
            raise RedisNotInstalled(
                "redis-server is not installed: install Debian's package (sudo apt-get "
                "install redis-server, or `make` as root) or pass --redis URL of a Redis "
                "you run")
        self.executable = found
        self.start_timeout = start_timeout
        self.process: subprocess.Popen[bytes] | None = None
        self.directory: str | None = None
        self.url = ""

    def start(self) -> str:
        self.directory = tempfile.mkdtemp(prefix="replyaudit-redis-")
        for _ in range(5):  # another process may take the free port between probe and bind
            port = _free_port()
            self.process = subprocess.Popen(
                [self.executable, "--bind", "127.0.0.1", "--port", str(port),
                 "--dir", self.directory, "--save", "", "--appendonly", "no",
                 "--protected-mode", "yes", "--daemonize", "no", "--loglevel", "warning",
                 "--logfile", str(Path(self.directory) / "redis.log")],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            self.url = f"redis://127.0.0.1:{port}/0"
            if self._wait_ready():
                return self.url
            self.stop()
            self.directory = tempfile.mkdtemp(prefix="replyaudit-redis-")
        raise RuntimeError(f"redis-server did not start (log in {self.directory})")

    def _wait_ready(self) -> bool:
        deadline = time.monotonic() + self.start_timeout
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.5)
        try:
            while time.monotonic() < deadline:
                if self.process is not None and self.process.poll() is not None:
                    return False
                try:
                    if client.ping():
                        return True
                except redis.ConnectionError:
                    time.sleep(0.05)
            return False
        finally:
            client.close()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        if self.directory:
            shutil.rmtree(self.directory, ignore_errors=True)
            self.directory = None

    def __enter__(self) -> str:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()
