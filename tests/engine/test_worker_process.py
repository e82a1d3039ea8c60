"""Workers in real processes killed with SIGKILL or stopped with SIGTERM; a Redis killed and restarted."""

from __future__ import annotations

import asyncio
import signal
import sys
import time
from pathlib import Path

import pytest

from monitor.clock import SystemClock
from monitor.engine.kv.connect import EmbeddedRedis, client
from monitor.engine.kv.keys import Keys
from monitor.engine.queue import JobQueue
from monitor.engine.schedule import Schedule
from monitor.engine.store import Store
from monitor.engine.worker import Worker
from monitor.metrics import Metrics
from monitor.model import Job

from .conftest import T0
from .support import eventually, observed, sample

WORKER_PROC = Path(__file__).with_name("worker_proc.py")
JOB = Job("availability", "site-1", T0)


async def spawn(redis_url: str, keys: Keys, consumer: str, mode: str, tmp_path: Path, grace_s: float = 0.5):
    """Start ``worker_proc.py``; its output goes to ``<consumer>.log`` for failure messages."""
    with (tmp_path / f"{consumer}.log").open("wb") as log:  # the child keeps its own descriptor
        return await asyncio.create_subprocess_exec(
            sys.executable, str(WORKER_PROC), redis_url, keys.prefix, consumer, mode, str(grace_s),
            stdin=asyncio.subprocess.DEVNULL, stdout=log, stderr=log,
        )  # fmt: skip


async def rescue(redis, keys, metrics, settings) -> tuple[list[Job], Worker, asyncio.Event, asyncio.Task]:
    """A healthy worker with a short visibility timeout, running until its stop event is set."""
    settings = settings.model_copy(update={"visibility_timeout_s": 0.3})
    clock = SystemClock()
    queue = JobQueue(redis, keys, metrics, settings)
    calls: list[Job] = []

    async def execute(job: Job):
        calls.append(job)
        return observed(job, clock.now(), by="rescuer")

    worker = Worker(
        redis,
        keys,
        queue,
        Store(redis, keys),
        Schedule(redis, keys, metrics, clock),
        execute,
        metrics,
        settings,
        consumer="rescuer",
        clock=clock,
    )
    stop = asyncio.Event()
    return calls, worker, stop, asyncio.create_task(worker.run(stop))


async def test_a_worker_killed_mid_job_has_its_job_reclaimed_and_recorded_exactly_once(
    redis, redis_url, keys, queue, store, metrics, settings, tmp_path
):
    await queue.enqueue(JOB)
    proc = await spawn(redis_url, keys, "doomed", "block", tmp_path)
    await eventually(
        lambda: queue.pending_for("doomed"), timeout_s=15, what="the doomed worker claiming the job"
    )

    proc.kill()
    assert await proc.wait() == -signal.SIGKILL
    calls, _worker, stop, run = await rescue(redis, keys, metrics, settings)

    async def recorded_and_acked() -> bool:
        return bool(await store.history("availability", "site-1", since=0)) and await queue.depth() == (0, 0)

    await eventually(recorded_and_acked, what="the rescuer recording the reclaimed job")
    stop.set()
    await asyncio.wait_for(run, 5)

    assert calls == [JOB]
    [observation] = await store.history("availability", "site-1", since=0)
    assert observation.job_id == JOB.job_id and observation.payload["by"] == "rescuer"
    assert sample(metrics, "govmon_jobs_reclaimed_total") == 1


async def test_a_worker_killed_after_recording_before_acking_leaves_no_duplicate(
    redis, redis_url, keys, queue, store, metrics, settings, tmp_path
):
    await queue.enqueue(JOB)
    proc = await spawn(redis_url, keys, "doomed", "record_then_block", tmp_path)

    async def recorded_not_acked() -> bool:
        return (
            bool(await store.history("availability", "site-1", since=0))
            and await queue.pending_for("doomed") == 1
        )

    await eventually(recorded_not_acked, timeout_s=15, what="the doomed worker recording without acking")
    proc.kill()
    assert await proc.wait() == -signal.SIGKILL
    calls, _worker, stop, run = await rescue(redis, keys, metrics, settings)

    await eventually(lambda: calls, what="the rescuer re-running the job")

    async def acked() -> bool:
        return await queue.depth() == (0, 0)

    await eventually(acked, what="the rescuer acking")
    stop.set()
    await asyncio.wait_for(run, 5)

    [observation] = await store.history("availability", "site-1", since=0)
    assert observation.payload["by"] == "doomed"  # the first record stands; the repeat only acked
    assert sample(metrics, "govmon_jobs_total", check="availability", outcome="ok") == 1


async def test_sigterm_releases_the_job_in_flight_and_exits_zero_within_grace(
    redis, redis_url, keys, queue, tmp_path
):
    await queue.enqueue(JOB)
    proc = await spawn(redis_url, keys, "stopping", "block", tmp_path, grace_s=0.5)
    await eventually(lambda: queue.pending_for("stopping"), timeout_s=15, what="the worker claiming the job")
    await eventually(lambda: redis.exists(keys.heartbeat("stopping")), what="heartbeat")

    proc.send_signal(signal.SIGTERM)
    started = time.monotonic()
    code = await asyncio.wait_for(proc.wait(), 10)

    assert code == 0, (tmp_path / "stopping.log").read_text()
    assert time.monotonic() - started < 0.5 + 2.0
    assert await queue.depth() == (1, 0)  # released: undelivered again, for any worker at once
    assert await redis.exists(keys.heartbeat("stopping")) == 0
    assert await redis.zrange(keys.workers, 0, -1) == []
    [claim] = await queue.claim("next", 1, 0)
    assert claim.job == JOB


async def test_sigterm_lets_a_job_finish_within_grace_and_records_it(
    redis, redis_url, keys, queue, store, tmp_path
):
    await queue.enqueue(JOB)
    proc = await spawn(redis_url, keys, "stopping", "finish", tmp_path, grace_s=5)
    await eventually(lambda: queue.pending_for("stopping"), timeout_s=15, what="the worker claiming the job")

    proc.send_signal(signal.SIGTERM)
    code = await asyncio.wait_for(proc.wait(), 10)

    assert code == 0, (tmp_path / "stopping.log").read_text()
    [observation] = await store.history("availability", "site-1", since=0)
    assert observation.payload["by"] == "stopping"
    assert await queue.depth() == (0, 0)


@pytest.fixture
def own_redis(tmp_path_factory: pytest.TempPathFactory):
    server = EmbeddedRedis(tmp_path_factory.mktemp("restart")).start()
    yield server
    server.stop()


async def test_a_restarted_redis_keeps_the_schedule_observations_and_queue(own_redis, settings, clock):
    """AOF ``everysec``: we do not wait a second before the SIGKILL; BGREWRITEAOF writes and fsyncs the whole
    dataset, and we poll INFO persistence until the rewrite is done, then kill."""
    keys = Keys(prefix="restart")
    metrics = Metrics()
    redis = client(own_redis.url)
    entries = [("availability", f"site-{n}", 3600.0) for n in range(20)]
    await Schedule(redis, keys, metrics, clock).sync(entries)
    before = await redis.zrange(keys.schedule, 0, -1, withscores=True)
    await Store(redis, keys).record(observed(JOB, T0 + 1))
    await JobQueue(redis, keys, metrics, settings).enqueue(Job("availability", "site-2", T0))

    await redis.bgrewriteaof()

    async def rewritten() -> bool:
        info = await redis.info("persistence")
        return info["aof_rewrite_in_progress"] == 0 and info["aof_rewrite_scheduled"] == 0

    await eventually(rewritten, what="the AOF rewrite finishing")
    await redis.aclose()
    own_redis.kill()
    own_redis.start()
    redis = client(own_redis.url)
    try:
        assert await redis.zrange(keys.schedule, 0, -1, withscores=True) == before
        clock.advance(60)
        await Schedule(redis, keys, metrics, clock).sync(entries)  # a restarted scheduler keeps the due times
        assert await redis.zrange(keys.schedule, 0, -1, withscores=True) == before
        assert await Store(redis, keys).latest("availability", "site-1") == observed(JOB, T0 + 1)
        assert await JobQueue(redis, keys, metrics, settings).depth() == (1, 0)
    finally:
        await redis.aclose()
