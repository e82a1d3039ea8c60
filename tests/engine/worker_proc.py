"""A real worker in its own process, for the tests that SIGKILL or SIGTERM it.

    python tests/engine/worker_proc.py REDIS_URL PREFIX CONSUMER MODE GRACE_S

MODE says what ``execute`` does with a job:
- ``block``: hangs forever (a job in flight when the process is killed or stopped);
- ``record_then_block``: records the job's result itself (as a worker killed between recording and acking
  would have left it), then hangs;
- ``finish``: takes 0.3 s, then returns an observation (a job that completes within the grace period).
SIGTERM only sets the stop event, as ``monitor.app`` does; the exit code is 0 after a clean shutdown.
"""

from __future__ import annotations

import asyncio
import signal
import sys

from monitor.clock import SystemClock
from monitor.engine.kv.connect import client
from monitor.engine.kv.keys import Keys
from monitor.engine.queue import JobQueue
from monitor.engine.schedule import Schedule
from monitor.engine.store import Store
from monitor.engine.worker import Worker
from monitor.metrics import Metrics
from monitor.model import Job, Observation, Outcome
from monitor.settings import EngineSettings


async def main(url: str, prefix: str, consumer: str, mode: str, grace_s: float) -> None:
    redis = client(url)
    keys = Keys(prefix=prefix)
    metrics = Metrics()
    clock = SystemClock()
    settings = EngineSettings(slots=2, visibility_timeout_s=60, shutdown_grace_s=grace_s, lease_ttl_s=3)
    queue = JobQueue(redis, keys, metrics, settings)
    store = Store(redis, keys)

    async def execute(job: Job) -> Observation | None:
        observation = Observation(
            job.check, job.target_id, job.job_id, clock.now(), Outcome.OK, None, {"by": consumer}
        )
        if mode == "finish":
            await asyncio.sleep(0.3)
            return observation
        if mode == "record_then_block":
            await store.record(observation)
        await asyncio.Event().wait()
        raise AssertionError("unreachable")

    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    worker = Worker(
        redis,
        keys,
        queue,
        store,
        Schedule(redis, keys, metrics, clock),
        execute,
        metrics,
        settings,
        consumer=consumer,
        clock=clock,
    )
    try:
        await worker.run(stop)
    finally:
        await redis.aclose()


if __name__ == "__main__":
    url, prefix, consumer, mode, grace = sys.argv[1:6]
    asyncio.run(main(url, prefix, consumer, mode, float(grace)))
