from __future__ import annotations

import pytest
import redis.asyncio as aioredis

from monitor.clock import FixedClock
from monitor.engine.kv.keys import Keys
from monitor.engine.queue import JobQueue
from monitor.engine.schedule import Schedule
from monitor.engine.store import Store
from monitor.metrics import Metrics
from monitor.settings import EngineSettings

T0 = 1_800_000_000.0


@pytest.fixture
def settings() -> EngineSettings:
    """Small times so that reclaim, lease expiry and grace periods happen within a test's second."""
    return EngineSettings(
        slots=4,
        visibility_timeout_s=0.4,
        max_deliveries=3,
        backlog_factor=3,
        job_timeout_s=5,
        shutdown_grace_s=0.5,
        lease_ttl_s=0.6,
        tick_s=0.05,
    )


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(T0)


@pytest.fixture
def queue(redis: aioredis.Redis, keys: Keys, metrics: Metrics, settings: EngineSettings) -> JobQueue:
    return JobQueue(redis, keys, metrics, settings)


@pytest.fixture
def store(redis: aioredis.Redis, keys: Keys) -> Store:
    return Store(redis, keys)


@pytest.fixture
def schedule(redis: aioredis.Redis, keys: Keys, metrics: Metrics, clock: FixedClock) -> Schedule:
    return Schedule(redis, keys, metrics, clock)
