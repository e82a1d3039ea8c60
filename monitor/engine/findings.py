"""Current findings in Redis: what the rules say about each target now, with their lifecycle.

One HASH field per target holds that target's findings as a JSON list, replaced whole by each
evaluation (idempotent: evaluating twice writes the same thing). The lifecycle records
(``monitor.engine.lifecycle`` writes them) add ``state``, ``first_seen``, ``last_seen`` and ``history``, and
hold what the rules no longer say but a person or the settling time still does (a manual finding, one
absent for less than ``findings.settle_s``). Readers here serve the API, the CLI, the pages and the metrics.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

import redis.asyncio as aioredis

from monitor.engine.kv.keys import Keys
from monitor.engine.records import LIVE_STATES, read_record, read_records, to_finding, with_lifecycle
from monitor.model import Finding


class FindingStore:
    def __init__(self, redis: aioredis.Redis, keys: Keys) -> None:
        self._redis = redis
        self._keys = keys

    @property
    def redis(self) -> aioredis.Redis:
        return self._redis

    @property
    def keys(self) -> Keys:
        return self._keys

    async def replace(self, target_id: str, findings: Sequence[Finding]) -> None:
        if findings:
            body = json.dumps([f.to_json() for f in findings], ensure_ascii=False)
            await self._redis.hset(self._keys.findings, target_id, body)
        else:
            await self._redis.hdel(self._keys.findings, target_id)

    async def forget_except(self, target_ids: Iterable[str]) -> None:
        """Drop findings of targets no longer in the inventory, their lifecycle records too: nothing would
        ever evaluate them again, so they would stay open (and counted) for good."""
        keep = set(target_ids)
        stale = [t for t in await self._redis.hkeys(self._keys.findings) if t not in keep]
        if stale:
            await self._redis.hdel(self._keys.findings, *stale)
        members: Any = await self._redis.smembers(self._keys.finding_targets)
        for target_id in sorted(set(members) - keep):
            ids: Any = await self._redis.hkeys(self._keys.finding_records(target_id))
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.delete(self._keys.finding_records(target_id))
                pipe.srem(self._keys.finding_targets, target_id)
                finding_ids = [i for i in ids if not i.startswith("@")]
                if finding_ids:
                    pipe.hdel(self._keys.finding_ids, *finding_ids)
                await pipe.execute()

    async def query(
        self,
        *,
        target: str | None = None,
        code: str | None = None,
        severity: str | None = None,
        status: str | None = None,
        state: str | None = None,
        region: str | None = None,
    ) -> list[Finding]:
        """Findings with their lifecycle fields, filtered. Without ``state``: those that hold now (open or
        acknowledged, and the rules' findings not yet in the lifecycle); ``state=resolved`` or ``dismissed``
        asks for those."""
        records = await read_records(self._redis, self._keys, target)
        found: list[Finding] = []
        for current in await self._current(target):
            record = records.pop(current.id, None)
            found.append(current if record is None else with_lifecycle(current, record))
        found.extend(to_finding(record) for record in records.values())
        return [
            f
            for f in found
            if (code is None or f.code == code)
            and (severity is None or f.severity == severity)
            and (status is None or f.status == status)
            and (region is None or f.region == region)
            and (f.state in (None, *LIVE_STATES) if state is None else f.state == state)
        ]

    async def get(self, finding_id: str) -> Finding | None:
        """One finding by its id (CONTRACT.md), whatever its state; None when govmon has no such finding."""
        record = await read_record(self._redis, self._keys, finding_id)
        if record is not None:
            current = [f for f in await self._current(record["target"]) if f.id == finding_id]
            return with_lifecycle(current[0], record) if current else to_finding(record)
        return next((f for f in await self._current(None) if f.id == finding_id), None)

    async def _current(self, target: str | None) -> list[Finding]:
        """What the rules said at the last evaluation of one target (or every target)."""
        if target:
            raw = await self._redis.hget(self._keys.findings, target)
            bodies = [raw] if raw else []
        else:
            bodies = list((await self._redis.hgetall(self._keys.findings)).values())
        return [Finding.from_json(item) for body in bodies for item in json.loads(body)]
