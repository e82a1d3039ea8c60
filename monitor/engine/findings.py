"""Current findings in Redis: what the rules say about each target now.

One HASH field per target holds that target's findings as a JSON list, replaced whole by each
evaluation (idempotent: evaluating twice writes the same thing). The finding lifecycle with hysteresis
and notices builds on this in ``notify/``; readers here serve the API, the CLI and the metrics.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

import redis.asyncio as aioredis

from monitor.engine.kv.keys import Keys
from monitor.model import Finding


class FindingStore:
    def __init__(self, redis: aioredis.Redis, keys: Keys) -> None:
        self._redis = redis
        self._keys = keys

    async def replace(self, target_id: str, findings: Sequence[Finding]) -> None:
        if findings:
            body = json.dumps([f.to_json() for f in findings], ensure_ascii=False)
            await self._redis.hset(self._keys.findings, target_id, body)
        else:
            await self._redis.hdel(self._keys.findings, target_id)

    async def forget_except(self, target_ids: Iterable[str]) -> None:
        """Drop findings of targets no longer in the inventory."""
        keep = set(target_ids)
        stale = [t for t in await self._redis.hkeys(self._keys.findings) if t not in keep]
        if stale:
            await self._redis.hdel(self._keys.findings, *stale)

    async def query(
        self,
        *,
        target: str | None = None,
        code: str | None = None,
        severity: str | None = None,
        status: str | None = None,
    ) -> list[Finding]:
        if target:
            raw = await self._redis.hget(self._keys.findings, target)
            bodies = [raw] if raw else []
        else:
            bodies = list((await self._redis.hgetall(self._keys.findings)).values())
        found = [Finding.from_json(item) for body in bodies for item in json.loads(body)]
        return [
            f
            for f in found
            if (code is None or f.code == code)
            and (severity is None or f.severity == severity)
            and (status is None or f.status == status)
        ]
