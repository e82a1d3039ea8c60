"""The event consumer: reads the lifecycle's ``FindingEvent``s with its own consumer group, decides notices
(``policy.decide_events``) and puts them in the outbox; runs in every worker (the group shares the work).

Order of one batch: decide → enqueue (idempotent by notice id) → remember storm openings → XACK. A worker
killed anywhere before the ack leaves the batch pending; another consumer claims it after ``claim_idle_s``
and decides the same ids again, so nothing is lost and nothing is enqueued twice.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable, Sequence
from typing import Any

import redis.asyncio as aioredis
import structlog
from redis.exceptions import ResponseError

from monitor.clock import Clock
from monitor.engine.kv.keys import Keys
from monitor.model import FindingEvent
from monitor.notify.outbox import Outbox
from monitor.notify.policy import Audience, Notice, Storm, decide_events
from monitor.settings import NotifySettings

log = structlog.get_logger(__name__)

BATCH = 500
CLAIM_IDLE_S = 60.0


def event_of(fields: dict[str, Any]) -> FindingEvent | None:
    """One stream entry as a FindingEvent (field ``event``, or the first field); None if unreadable."""
    raw = fields.get("event") or next(iter(fields.values()), None)
    try:
        return FindingEvent.from_json(json.loads(raw)) if raw else None
    except (ValueError, KeyError, TypeError) as exc:
        log.warning("notify.event_unreadable", error=repr(exc))
        return None


class StormMemory:
    """Storm state in Redis: recent veto openings per code (ZSET) and storms in progress (HASH)."""

    def __init__(self, redis: aioredis.Redis, keys: Keys, window_s: float) -> None:
        self._redis = redis
        self._keys = keys
        self._window_s = window_s

    async def openings(self, codes: Iterable[str], now: float) -> dict[str, dict[str, float]]:
        result = {}
        for code in codes:
            rows: Any = await self._redis.zrange(self._keys.storm(code), 0, -1, withscores=True)
            result[code] = {str(t): float(at) for t, at in rows}
        return result

    async def remember(self, openings: dict[str, dict[str, float]], now: float) -> None:
        keep_s = 3 * self._window_s  # a storm's closing count reads one window past its start
        async with self._redis.pipeline(transaction=True) as pipe:
            for code, targets in openings.items():
                key = self._keys.storm(code)
                pipe.zadd(key, targets, gt=True)
                pipe.zremrangebyscore(key, "-inf", now - keep_s)
                pipe.expire(key, int(keep_s) + 60)
            await pipe.execute()

    async def storms(self) -> dict[str, Storm]:
        raw: Any = await self._redis.hgetall(self._keys.storms)
        return {code: Storm(**json.loads(body)) for code, body in raw.items()}

    async def start(self, storms: Sequence[Storm]) -> None:
        for storm in storms:
            body = json.dumps({"code": storm.code, "bucket": storm.bucket, "started_at": storm.started_at,
                               "announced": storm.announced})  # fmt: skip
            await self._redis.hsetnx(self._keys.storms, storm.code, body)

    async def targets_since(self, code: str, since: float, until: float) -> list[str]:
        return [str(t) for t in await self._redis.zrangebyscore(self._keys.storm(code), since, until)]

    async def end(self, code: str) -> None:
        await self._redis.hdel(self._keys.storms, code)


class EventConsumer:
    def __init__(
        self,
        redis: aioredis.Redis,
        keys: Keys,
        settings: NotifySettings,
        audience: Audience,
        clock: Clock,
        *,
        consumer: str,
    ) -> None:
        self._redis = redis
        self._keys = keys
        self._settings = settings
        self._audience = audience
        self._clock = clock
        self._consumer = consumer
        self.outbox = Outbox(redis, keys)
        self.storms = StormMemory(redis, keys, settings.storm_window_s)
        self._group_ready = False

    async def ensure_group(self) -> None:
        if self._group_ready:
            return
        try:
            await self._redis.xgroup_create(
                self._keys.finding_events, self._keys.notify_group, id="0", mkstream=True
            )
        except ResponseError as exc:
            if not str(exc).startswith("BUSYGROUP"):
                raise
        self._group_ready = True

    async def run(self, stop: asyncio.Event, *, until_idle: bool = False) -> None:
        """Consume until ``stop``; ``until_idle``: return once no event is waiting (tests, ``check --notify``)."""
        while not stop.is_set():
            try:
                handled = await self.step(block_ms=0 if until_idle else 1000)
            except (ConnectionError, TimeoutError, OSError, aioredis.RedisError) as exc:
                log.warning("notify.events_unavailable", error=repr(exc))
                handled = 0
                await asyncio.sleep(1.0)
            except Exception:  # a bug deciding a batch: it stays pending and is retried, the worker lives on
                log.exception("notify.events_failed", consumer=self._consumer)
                handled = 0
                await asyncio.sleep(CLAIM_IDLE_S / 10)
            if until_idle and handled == 0:
                return

    async def step(self, block_ms: int = 1000) -> int:
        """One batch: reclaimed entries of dead consumers first, then new ones. Returns entries handled."""
        await self.ensure_group()
        k = self._keys
        reply: Any = await self._redis.xautoclaim(
            k.finding_events, k.notify_group, self._consumer, int(CLAIM_IDLE_S * 1000), "0-0", count=BATCH
        )
        entries = list(reply[1]) if reply else []
        if not entries:
            read: Any = await self._redis.xreadgroup(
                k.notify_group, self._consumer, {k.finding_events: ">"}, count=BATCH, block=block_ms or None
            )
            entries = [entry for _, stream_entries in read or [] for entry in stream_entries]
        if not entries:
            return 0
        events = [e for e in (event_of(fields) for _, fields in entries if fields) if e is not None]
        await self.handle(events)
        await self._redis.xack(k.finding_events, k.notify_group, *[message_id for message_id, _ in entries])
        return len(entries)

    async def handle(self, events: Sequence[FindingEvent]) -> list[Notice]:
        now = self._clock.now()
        fresh = [e for e in events if now - e.at <= self._settings.event_max_age_s]
        if len(fresh) < len(events):  # the group reads the stream from its start: old events are history
            log.info("notify.events_too_old", skipped=len(events) - len(fresh))
        events = fresh
        codes = {e.finding.code for e in events}
        decision = decide_events(
            events, self._audience, self._settings, now,
            await self.storms.openings(codes, now), await self.storms.storms(),
        )  # fmt: skip
        added = await self.outbox.put(decision.notices, now)
        await self.storms.remember(decision.openings, now)
        await self.storms.start(decision.storms)
        for notice in decision.notices:
            log.info("notice.decided", notice=notice.id, kind=notice.kind.value, recipients=len(notice.recipients),
                     findings=len(notice.findings))  # fmt: skip
        for storm in decision.storms:
            log.warning("notify.storm", code=storm.code, targets=storm.announced)
        if added:
            log.info("notify.enqueued", deliveries=added, events=len(events))
        return decision.notices
