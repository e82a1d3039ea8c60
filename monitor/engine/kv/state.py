"""``RedisState``: the checks' ``ctx.state`` in a worker, shared by every worker through Redis.

One STRING of JSON per name (``Keys.state``), written with PX so each is bounded by its TTL. A Redis error
becomes ``StateUnavailable``, which a cache (the link verdicts) survives and a check that needs its state
(the media validators) lets fail the job, as it did when it spoke to Redis itself.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from monitor.checks.state import StateUnavailable
from monitor.engine.kv.keys import Keys


def _ttl_ms(ttl_s: float) -> int:
    return max(1, int(ttl_s * 1000))


class RedisState:
    def __init__(self, redis: aioredis.Redis, keys: Keys) -> None:
        self._redis = redis
        self._keys = keys

    async def get_many(self, names: Sequence[str]) -> list[Any]:
        if not names:
            return []
        try:
            raws: list[Any] = await self._redis.mget([self._keys.state(name) for name in names])
        except RedisError as exc:
            raise StateUnavailable(str(exc)) from exc
        return [_loads(raw) for raw in raws]

    async def set_many(self, values: Mapping[str, Any], ttl_s: float) -> None:
        if not values:
            return
        ttl_ms = _ttl_ms(ttl_s)
        try:
            async with self._redis.pipeline(transaction=False) as pipe:
                for name, value in values.items():
                    pipe.set(self._keys.state(name), json.dumps(value, ensure_ascii=False), px=ttl_ms)
                await pipe.execute()
        except RedisError as exc:
            raise StateUnavailable(str(exc)) from exc

    async def touch(self, name: str, ttl_s: float) -> bool:
        try:
            return bool(await self._redis.pexpire(self._keys.state(name), _ttl_ms(ttl_s)))
        except RedisError as exc:
            raise StateUnavailable(str(exc)) from exc


def _loads(raw: Any) -> Any:
    if raw is None:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return None
