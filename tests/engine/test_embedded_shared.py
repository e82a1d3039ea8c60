"""The embedded Redis of a data directory is shared by its roles (CONTRACT.md): it stops when the last
process using it exits, never under a sibling still running, and a lone ``govmon api`` leaves none behind."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

from monitor.engine.kv.connect import EmbeddedRedis, free_port

from .support import eventually, healthz

CONFIG = """\
sites:
  - {id: "4300000001", name: 测试网站, url: "http://127.0.0.1:9/", region: 省直}
"""


def answers(socket_path: Path) -> bool:
    """What a user would try: does anything answer PING on the data directory's socket?"""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(1)
        try:
            sock.connect(str(socket_path))
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_the_server_stops_with_its_last_user_not_its_first(tmp_path):
    first = EmbeddedRedis(tmp_path / "redis").start()
    second = EmbeddedRedis(tmp_path / "redis").start()  # joins the running one
    assert second.process is None

    first.stop()  # the one that started it leaves first
    assert answers(first.socket_path), "stopped under a user still attached"

    second.stop()
    assert not answers(first.socket_path), "the last user left it running"


def test_a_user_that_died_without_detaching_does_not_keep_it_alive(tmp_path):
    server = EmbeddedRedis(tmp_path / "redis").start()
    (tmp_path / "redis" / "users" / f"{dead_pid()}.killed").touch()  # a SIGKILLed role's attachment

    server.stop()

    assert not answers(server.socket_path)
    assert list((tmp_path / "redis" / "users").iterdir()) == []


class Role:
    """``govmon ROLE`` as a process on a data directory with no Redis configured."""

    def __init__(self, tmp_path: Path, role: str) -> None:
        self.role, self.tmp_path = role, tmp_path
        self.port = free_port()
        self.log = tmp_path / f"{role}.log"
        self.proc: asyncio.subprocess.Process | None = None

    async def start(self) -> Role:
        config = self.tmp_path / "govmon.yaml"
        config.write_text(CONFIG, encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if k != "GOVMON_REDIS_URL"}
        env |= {"GOVMON_DATA_DIR": str(self.tmp_path / "data"), "GOVMON_LOG_LEVEL": "INFO"}
        with self.log.open("wb") as log:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "monitor", self.role, "-c", str(config),
                "--listen", f"127.0.0.1:{self.port}",
                stdin=asyncio.subprocess.DEVNULL, stdout=log, stderr=log, env=env,
            )  # fmt: skip

        async def healthy() -> bool:
            return await healthz(self.port) == 200

        await eventually(healthy, timeout_s=30, what=f"govmon {self.role} to serve /healthz")
        return self

    async def stop(self) -> int:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        return await asyncio.wait_for(self.proc.wait(), 20)

    def kill(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            self.proc.kill()


async def test_a_lone_api_leaves_no_redis_behind(tmp_path):
    api = await Role(tmp_path, "api").start()
    try:
        socket_path = tmp_path / "data" / "redis" / "redis.sock"
        assert answers(socket_path)
        assert await api.stop() == 0, api.log.read_text()
        assert not answers(socket_path), "govmon api left its embedded redis-server running"
    finally:
        api.kill()


async def test_a_role_that_exits_does_not_take_redis_from_a_sibling(tmp_path):
    api = await Role(tmp_path, "api").start()  # starts the embedded Redis
    worker = await Role(tmp_path, "worker").start()  # joins it
    socket_path = tmp_path / "data" / "redis" / "redis.sock"
    try:
        assert await api.stop() == 0, api.log.read_text()
        assert answers(socket_path), "the embedded Redis stopped under a running worker"
        assert await healthz(worker.port) == 200
        assert worker.proc is not None and worker.proc.returncode is None

        assert await worker.stop() == 0, worker.log.read_text()
        assert not answers(socket_path), "the last role out left the embedded Redis running"
        for role in (api, worker):
            assert b'"level": "warning"' not in role.log.read_bytes(), role.log.read_text()
    finally:
        api.kill()
        worker.kill()
