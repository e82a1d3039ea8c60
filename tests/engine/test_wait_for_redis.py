"""A role started while Redis is down waits for it and serves once it comes up (it must not exit and stay
dead under a supervisor that does not restart it); a one-shot command still fails at once with the reason."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest

from monitor.engine.kv.connect import EmbeddedRedis, free_port

from .support import eventually, healthz

CONFIG = """\
sites:
  - {id: "4300000001", name: 测试网站, url: "http://127.0.0.1:9/", region: 省直}
"""


def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "govmon.yaml"
    path.write_text(CONFIG, encoding="utf-8")
    return path


@pytest.mark.parametrize("role", ["worker", "api"])
async def test_a_role_started_before_redis_serves_once_redis_comes_up(tmp_path, role):
    redis_port, http_port = free_port(), free_port()
    log_path = tmp_path / "role.log"
    env = {**os.environ, "GOVMON_REDIS_URL": f"redis://127.0.0.1:{redis_port}/0", "GOVMON_LOG_LEVEL": "INFO"}
    with log_path.open("wb") as log:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "monitor", role, "-c", str(config_file(tmp_path)),
            "--listen", f"127.0.0.1:{http_port}",
            stdin=asyncio.subprocess.DEVNULL, stdout=log, stderr=log, env=env,
        )  # fmt: skip
    server = None
    try:

        async def says_unreachable() -> bool:
            return b"redis.unreachable" in log_path.read_bytes()

        await eventually(says_unreachable, timeout_s=20, what="the role to report Redis unreachable")
        assert proc.returncode is None, log_path.read_text()  # still waiting, not dead

        server = EmbeddedRedis(tmp_path / "redis", port=redis_port).start()

        async def healthy() -> bool:
            return await healthz(http_port) == 200

        await eventually(healthy, timeout_s=30, what=f"the {role} to serve /healthz once Redis is up")
        assert b"redis.connected" in log_path.read_bytes()

        proc.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(proc.wait(), 20) == 0
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
        if server is not None:
            server.stop()


async def test_a_role_stopped_while_waiting_for_redis_exits_0(tmp_path):
    env = {**os.environ, "GOVMON_REDIS_URL": f"redis://127.0.0.1:{free_port()}/0"}
    log_path = tmp_path / "role.log"
    with log_path.open("wb") as log:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "monitor", "scheduler", "-c", str(config_file(tmp_path)),
            stdin=asyncio.subprocess.DEVNULL, stdout=log, stderr=log, env=env,
        )  # fmt: skip

    async def says_unreachable() -> bool:
        return b"redis.unreachable" in log_path.read_bytes()

    try:
        await eventually(says_unreachable, timeout_s=20, what="the scheduler to report Redis unreachable")
        proc.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(proc.wait(), 10) == 0
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


async def test_a_one_shot_check_fails_at_once_naming_redis(tmp_path):
    env = {**os.environ, "GOVMON_REDIS_URL": f"redis://127.0.0.1:{free_port()}/0"}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "monitor", "check", "-c", str(config_file(tmp_path)),
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        env=env,
    )  # fmt: skip
    _out, err = await asyncio.wait_for(proc.communicate(), 30)
    assert proc.returncode != 0
    assert b"cannot reach Redis" in err
    assert b"Traceback" not in err
