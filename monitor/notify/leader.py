"""The notifier's periodic decisions — at_risk reminders, sampling-window reminders, daily digests, closing
storm summaries — made by one leader only (a lease, ``keys.lease("notifier")``, held by a scheduler-role
process). Their notice ids are deterministic (the reminder's day, the digest's date), and the outbox enqueues
an id once, so a failover or a second scheduler that decides the same again sends nothing twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import time

import redis.asyncio as aioredis
import structlog

from monitor.clock import Clock
from monitor.engine.findings import FindingStore
from monitor.engine.kv.keys import Keys
from monitor.engine.kv.lease import Lease
from monitor.notify.consumer import StormMemory
from monitor.notify.outbox import Outbox
from monitor.notify.policy import Audience, Notice, decide_storm_close
from monitor.notify.reminders import decide_tick
from monitor.settings import InspectionSettings, NotifySettings

log = structlog.get_logger(__name__)


class NoticeLeader:
    def __init__(
        self,
        redis: aioredis.Redis,
        keys: Keys,
        settings: NotifySettings,
        inspection: InspectionSettings,
        audience: Audience,
        clock: Clock,
    ) -> None:
        self._redis = redis
        self._keys = keys
        self._settings = settings
        self._inspection = inspection
        self._audience = audience
        self._clock = clock
        self.outbox = Outbox(redis, keys)
        self._findings = FindingStore(redis, keys)
        self._storms = StormMemory(redis, keys, settings.storm_window_s)

    async def tick(self) -> list[Notice]:
        """One round of decisions at the clock's now; returns the notices decided (enqueued once each)."""
        now = self._clock.now()
        findings = await self._findings.query()
        notices = decide_tick(findings, self._audience, self._settings, self._inspection, now)
        window_s = self._settings.storm_window_s
        ended = []
        for storm in (await self._storms.storms()).values():
            targets = await self._storms.targets_since(
                storm.code, storm.started_at - window_s, storm.started_at + window_s
            )
            over, closing = decide_storm_close(storm, targets, self._audience, self._settings, now)
            notices.extend(closing)
            if over:
                ended.append(storm.code)
        added = await self.outbox.put(notices, now)
        for code in ended:  # only once its closing notice is in the outbox
            await self._storms.end(code)
        if added:
            log.info("notify.tick", deliveries=added, notices=len(notices))
        return notices

    async def run(self, stop: asyncio.Event, *, owner: str, lease_ttl_s: float) -> None:
        """Hold the lease and tick every ``tick_s``; a standby takes over within the lease's ttl."""
        lease = Lease(self._redis, self._keys.lease("notifier"), owner, lease_ttl_s)
        leader = False
        ticked_at = 0.0
        try:
            while not stop.is_set():
                try:
                    leader = await lease.renew() if leader else await lease.acquire()
                    if leader and time.monotonic() - ticked_at >= self._settings.tick_s:
                        ticked_at = time.monotonic()
                        await self.tick()
                except (ConnectionError, TimeoutError, OSError, aioredis.RedisError) as exc:
                    log.warning("notify.leader_redis_unavailable", error=repr(exc))
                except (
                    Exception
                ):  # a bug in one round: logged; the next tick tries again, the scheduler lives on
                    log.exception("notify.tick_failed", owner=owner)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), min(self._settings.tick_s, lease_ttl_s / 3))
        finally:
            if leader:
                with contextlib.suppress(Exception):
                    await lease.release()
