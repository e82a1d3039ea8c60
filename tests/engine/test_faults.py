"""Faults under load, the short version (bench/faults.py would be the long one): three workers in their own
processes reach Redis through a TCP proxy on loopback; while 400 jobs run, one worker is SIGKILLed, the
link to Redis is cut for a second and restored, a replacement worker starts; in a second run Redis itself
is SIGKILLed and restarted under the workers. Afterwards every job was
recorded exactly once (one observation per job id, whoever ran it, re-runs after reclaim included), the
queue is empty and nothing was dead-lettered: what a fault-free run gives."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from monitor.engine.kv.connect import EmbeddedRedis, client, free_port
from monitor.engine.kv.keys import Keys
from monitor.engine.queue import JobQueue
from monitor.engine.store import Store
from monitor.metrics import Metrics
from monitor.model import Job
from monitor.settings import EngineSettings

from .support import eventually
from .tcpproxy import TcpProxy

FAULT_WORKER = Path(__file__).with_name("fault_worker.py")
JOBS = 400
T = 1_800_000_000.0
pytestmark = pytest.mark.slow


async def spawn(url: str, keys: Keys, consumer: str, tmp_path: Path) -> asyncio.subprocess.Process:
    with (tmp_path / f"{consumer}.log").open("wb") as log:
        return await asyncio.create_subprocess_exec(
            sys.executable, str(FAULT_WORKER), url, keys.prefix, consumer,
            stdin=asyncio.subprocess.DEVNULL, stdout=log, stderr=log,
        )  # fmt: skip


async def test_every_job_is_recorded_exactly_once_through_kills_and_a_cut_link(
    redis, redis_url, keys, tmp_path
):
    parts = urlsplit(redis_url)
    if parts.scheme not in ("redis", "rediss") or not parts.port:
        pytest.skip("the embedded Redis listens on a socket here: no TCP link to cut")
    proxy = TcpProxy(parts.hostname or "127.0.0.1", parts.port)
    await proxy.start()
    proxied = redis_url.replace(f":{parts.port}", f":{proxy.port}", 1)
    queue = JobQueue(redis, keys, Metrics(), EngineSettings())
    store = Store(redis, keys)
    jobs = [Job("availability", f"site-{n}", T + n) for n in range(JOBS)]
    workers = [await spawn(proxied, keys, f"w{n}", tmp_path) for n in range(3)]
    try:
        for job in jobs:
            await queue.enqueue(job)

        async def histories() -> int:
            async with redis.pipeline(transaction=False) as pipe:
                for job in jobs:
                    pipe.exists(keys.latest(job.check, job.target_id))
                return sum(await pipe.execute())

        await eventually(
            lambda: _at_least(histories, 40), timeout_s=20, what="the workers starting on the jobs"
        )
        workers[0].kill()  # a worker killed mid-run: its claimed jobs come back by reclaim
        assert await workers[0].wait() == -signal.SIGKILL
        await proxy.cut()  # the link to Redis gone for a second: the others log, retry, go on
        await asyncio.sleep(1.0)  # the outage itself is the thing under test, not a wait for a result
        await proxy.start()
        workers.append(await spawn(proxied, keys, "w3", tmp_path))

        async def drained() -> bool:
            return await queue.depth() == (0, 0) and await histories() == JOBS

        await eventually(drained, timeout_s=40, what="every job recorded and acked after the faults")
        async with redis.pipeline(transaction=False) as pipe:
            for job in jobs:
                pipe.zcard(keys.history(job.check, job.target_id))
            counts = await pipe.execute()
        assert counts == [1] * JOBS  # exactly once each: no job lost, none recorded twice
        observations = [await store.latest(job.check, job.target_id) for job in jobs]
        assert [o.job_id for o in observations if o] == [job.job_id for job in jobs]
        ran = {o.payload["by"] for o in observations if o}
        assert ran >= {"w1", "w2", "w3"}  # the work went on after the kill and the cut
        assert await queue.deadletter_size() == 0
        logs = "".join((tmp_path / f"w{n}.log").read_text(errors="replace") for n in (1, 2))
        assert "redis_unavailable" in logs  # the cut was felt, not slept through
    finally:
        for proc in workers:
            if proc.returncode is None:
                proc.send_signal(signal.SIGTERM)
        for proc in workers:
            with contextlib.suppress(ProcessLookupError, TimeoutError):
                await asyncio.wait_for(proc.wait(), 10)
        await proxy.cut()


async def _at_least(count, minimum: int) -> bool:
    return await count() >= minimum


async def test_every_job_is_recorded_exactly_once_through_a_redis_restart(tmp_path):
    """Redis SIGKILLed mid-run and started again on its AOF (``everysec``: what was acknowledged in its last
    second may be lost, and is then re-run from the stream — never dropped)."""
    server = EmbeddedRedis(tmp_path / "redis", port=free_port()).start()
    redis = client(server.url)
    keys = Keys(prefix="restart")
    queue = JobQueue(redis, keys, Metrics(), EngineSettings())
    jobs = [Job("availability", f"site-{n}", T + n) for n in range(JOBS)]
    workers: list[asyncio.subprocess.Process] = []
    try:
        for job in jobs:
            await queue.enqueue(job)
        await redis.bgrewriteaof()  # the queue itself on disk before the kill

        async def rewritten() -> bool:
            info = await redis.info("persistence")
            return info["aof_rewrite_in_progress"] == 0 and info["aof_rewrite_scheduled"] == 0

        await eventually(rewritten, what="the AOF rewrite finishing")
        workers = [await spawn(server.url, keys, f"w{n}", tmp_path) for n in range(3)]

        async def latest_count() -> int:
            async with redis.pipeline(transaction=False) as pipe:
                for job in jobs:
                    pipe.exists(keys.latest(job.check, job.target_id))
                return sum(await pipe.execute())

        await eventually(lambda: _at_least(latest_count, 40), timeout_s=20, what="the workers starting")
        await redis.aclose()
        server.kill()
        server.start()
        redis = client(server.url)
        queue = JobQueue(redis, keys, Metrics(), EngineSettings())

        async def drained() -> bool:
            return await queue.depth() == (0, 0) and await latest_count() == JOBS

        await eventually(drained, timeout_s=40, what="every job recorded and acked after the restart")
        async with redis.pipeline(transaction=False) as pipe:
            for job in jobs:
                pipe.zcard(keys.history(job.check, job.target_id))
            assert await pipe.execute() == [1] * JOBS
        assert await queue.deadletter_size() == 0
    finally:
        for proc in workers:
            if proc.returncode is None:
                proc.send_signal(signal.SIGTERM)
        for proc in workers:
            with contextlib.suppress(ProcessLookupError, TimeoutError):
                await asyncio.wait_for(proc.wait(), 10)
        await redis.aclose()
        server.stop()
