"""Shared fixtures: one real embedded redis-server per test session, a fresh key prefix per test.

Tests never use a Redis they did not start (a user's machine has none on 6379) and never read ../shared/.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator

import pytest
import redis.asyncio as aioredis

from monitor.engine.kv.connect import EmbeddedRedis, client, free_port
from monitor.engine.kv.keys import Keys
from monitor.metrics import Metrics


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedRedis]:
    server = EmbeddedRedis(tmp_path_factory.mktemp("redis"), port=free_port()).start()
    yield server
    server.stop()


@pytest.fixture
def redis_url(redis_server: EmbeddedRedis) -> str:
    return redis_server.url


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[aioredis.Redis]:
    conn = client(redis_url)
    yield conn
    await conn.aclose()


@pytest.fixture
def keys() -> Keys:
    """A fresh prefix per test, so tests share the server without seeing each other's keys."""
    return Keys(prefix=f"t{uuid.uuid4().hex[:10]}")


@pytest.fixture
def metrics() -> Metrics:
    return Metrics()
