"""A worker process for the fault test: every job takes ``JOB_S`` and records who ran it; short
visibility timeout so a killed worker's jobs are reclaimed within a second.

    python tests/engine/fault_worker.py REDIS_URL PREFIX CONSUMER
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

JOB_S = 0.1


async def main(url: str, prefix: str, consumer: str) -> None:
    redis = client(url)
    keys = Keys(prefix=prefix)
    metrics = Metrics()
    clock = SystemClock()
    settings = EngineSettings(
        slots=4, visibility_timeout_s=1.0, max_deliveries=50, job_timeout_s=5, shutdown_grace_s=0.5,
        lease_ttl_s=1.0, tick_s=0.05,
    )  # fmt: skip
    store = Store(redis, keys)

    async def execute(job: Job) -> Observation | None:
        await asyncio.sleep(JOB_S)
        return Observation(
            job.check, job.target_id, job.job_id, clock.now(), Outcome.OK, None, {"by": consumer}
        )

    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    worker = Worker(
        redis, keys, JobQueue(redis, keys, metrics, settings), store, Schedule(redis, keys, metrics, clock),
        execute, metrics, settings, consumer=consumer, clock=clock,
    )  # fmt: skip
    try:
        await worker.run(stop)
    finally:
        await redis.aclose()


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:4]))
