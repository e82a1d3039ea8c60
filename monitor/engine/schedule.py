"""The schedule: a ZSET ``check|target_id`` → next due time, and the leader feeding due entries to the queue.

Every scheduler process loads the inventory and ``sync``s it (idempotent), and keeps the intervals in
memory; one of them holds the lease (``keys.lease("scheduler")``) and, every ``tick_s``, moves due entries
into the stream. The move is one Lua script per batch that, for each entry whose score is still the one
read (compare-and-set), XADDs the job and ZADDs its next due time; so a stale leader, a concurrent
``bring_forward`` or a retry can never enqueue an entry twice for the same due time. The script also
checks that the caller still holds the lease (a fence).

Back-pressure: the backlog (stream entries not yet delivered) is kept ≤ ``backlog_factor`` × the live
workers' free slots, and at least their total slots; what does not fit stays in the ZSET and shows as
overdue (``schedule_overdue``, ``queue_lag_seconds``). An entry overdue by more than one interval (after
downtime, or held back) is rescheduled at a random point of the next interval instead of catching up.

Checks that start from the same page (``sync(..., together=...)``: the checks that read a site's homepage)
fall due together on each target, so one read serves them (``monitor.checks.homepage_reads``): their entries
sit on one grid per target, ``X + k × base`` (``base`` the target's shortest such interval, ``X`` a hash of
the target, so targets stay spread), jittered by a hash of (target, k) instead of at random, so entries on
the same grid point get the same due time; an entry whose interval is ``n × base`` takes every n-th point
(offset by the target's hash, so a daily check does not always join the same 6-hourly read). An entry off
its grid (brought forward, synced by an older govmon, after downtime) lands on it at its next run.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import hashlib
import math
import random
import time
from collections.abc import Collection, Iterable
from typing import Any

import redis.asyncio as aioredis
import structlog
from redis.exceptions import RedisError, ResponseError

from monitor.clock import Clock
from monitor.engine.kv.keys import Keys
from monitor.engine.kv.lease import Lease
from monitor.engine.queue import STREAM_MAXLEN, JobQueue, encode_job
from monitor.metrics import Metrics
from monitor.model import Job
from monitor.settings import EngineSettings

log = structlog.get_logger(__name__)

JITTER = 0.1
"""Next due = due + interval × (1 ± 10 %): probes of one site land at different times of day."""
UNKNOWN_POSTPONE_S = 60.0
"""An entry this leader's inventory lacks is put off this long (see ``_move_batch``)."""
BATCH = 500
"""Entries moved per Lua call, so one call never blocks Redis for long."""

# KEYS: schedule, stream, lease.  ARGV: owner, maxlen, then per entry: member, expected due, next due,
# number of field args n, n field args.
_MOVE = """
if redis.call('GET', KEYS[3]) ~= ARGV[1] then
  return redis.error_reply('NOTLEADER the scheduler lease is held by another process')
end
local moved = {}
local i = 3
while i <= #ARGV do
  local member = ARGV[i]
  local n = tonumber(ARGV[i + 3])
  local current = redis.call('ZSCORE', KEYS[1], member)
  if current and tonumber(current) == tonumber(ARGV[i + 1]) then
    local fields = {}
    for j = 1, n do
      fields[j] = ARGV[i + 3 + j]
    end
    redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', unpack(fields))
    redis.call('ZADD', KEYS[1], ARGV[i + 2], member)
    moved[#moved + 1] = member
  end
  i = i + 4 + n
end
return moved
"""

_RETRYABLE = (RedisError,)
"""Redis trouble (down, restarting, out of memory) is logged and retried on the next tick, never fatal."""
PRUNE_EVERY_S = 600.0
CONSUMER_IDLE_S = 3600.0
"""A group consumer idle this long with nothing pending is a worker that is gone; the leader deletes it."""


class NotLeader(RuntimeError):
    """The scheduler lease is not (or no longer) ours."""


def member(check: str, target_id: str) -> str:
    return f"{check}|{target_id}"


def split_member(value: str) -> tuple[str, str]:
    """(check, target_id); check names never contain ``|``, target ids may."""
    check, target_id = value.split("|", 1)
    return check, target_id


def spread_fraction(value: str) -> float:
    """A stable number in [0, 1) for a member: where in its first interval it first falls due."""
    digest = hashlib.blake2b(value.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


@dataclasses.dataclass(frozen=True, slots=True)
class Grid:
    """Where one target's entries that fall due together may be due: ``offset + k × base_s`` (integer k)
    jittered by ``jitter(k)``; an entry every ``every``-th point, those with ``k ≡ phase (mod every)``."""

    target_id: str
    base_s: float
    every: int
    phase: int

    @property
    def offset_s(self) -> float:
        return spread_fraction(self.target_id) * self.base_s

    def at(self, k: int) -> float:
        """Point k with its jitter: ± JITTER / 2 of the base, the same for every entry of the target."""
        jitter = (spread_fraction(f"{self.target_id}@{k}") - 0.5) * JITTER * self.base_s
        return self.offset_s + k * self.base_s + jitter

    def first_after(self, t: float, *, strictly: bool) -> float:
        """The first of this entry's points after index-time ``t`` (at or after, unless ``strictly``)."""
        k = math.ceil((t - self.offset_s) / self.base_s) if not strictly else self.index(t) + 1
        k += (self.phase - k) % self.every
        return self.at(k)

    def index(self, t: float) -> int:
        """The grid point nearest ``t`` (a jitter is under half a base, so a due time maps to its own)."""
        return round((t - self.offset_s) / self.base_s)

    @classmethod
    def of(cls, target_id: str, base_s: float, interval_s: float) -> Grid | None:
        """The entry's grid, or None when its interval is not a whole multiple of the base."""
        every = round(interval_s / base_s)
        if every < 1 or abs(every * base_s - interval_s) > 1e-6 * interval_s:
            return None
        return cls(target_id, base_s, every, math.floor(spread_fraction(f"{target_id}#phase") * every))


async def wait_or_stop(stop: asyncio.Event, timeout_s: float) -> None:
    """Wait ``timeout_s`` seconds, or less when ``stop`` is set meanwhile (the roles' idle wait)."""
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(max(0.0, timeout_s)):
            await stop.wait()


class Schedule:
    def __init__(
        self,
        redis: aioredis.Redis,
        keys: Keys,
        metrics: Metrics,
        clock: Clock,
        *,
        rng: random.Random | None = None,
    ) -> None:
        self._redis = redis
        self._keys = keys
        self._metrics = metrics
        self._clock = clock
        self._rng = rng or random.Random()
        self._intervals: dict[str, float] = {}
        self._grids: dict[str, Grid] = {}
        self._move = redis.register_script(_MOVE)

    # ------------------------------------------------------------------------------------------ inventory
    async def sync(
        self, entries: Iterable[tuple[str, str, float]], *, together: Collection[str] = ()
    ) -> None:
        """Make the ZSET hold exactly the inventory's (check, target_id, interval_s) entries.

        New entries first fall due at a point of ``[now, now + interval)`` fixed by a hash of the member, so
        a thousand sites loaded at once do not fire at once. Existing due times are kept (a restart must not
        reset the schedule), except one further away than a (shortened) interval, which is pulled in the
        same way. Idempotent: any number of scheduler processes may sync concurrently.
        ``together``: the checks whose entries on one target fall due together (on the target's grid).
        """
        now = self._clock.now()
        wanted: dict[str, float] = {}
        bases: dict[str, float] = {}
        for check, target_id, interval_s in entries:
            if interval_s <= 0:
                raise ValueError(f"interval of {check} on {target_id} must be positive, got {interval_s}")
            wanted[member(check, target_id)] = float(interval_s)
            if check in together:
                bases[target_id] = min(float(interval_s), bases.get(target_id, math.inf))
        self._intervals = wanted
        self._grids = {}
        for value, interval_s in wanted.items():
            check, target_id = split_member(value)
            if check in together and (grid := Grid.of(target_id, bases[target_id], interval_s)):
                self._grids[value] = grid
        reply: Any = await self._redis.zrange(self._keys.schedule, 0, -1, withscores=True)
        existing: dict[str, float] = dict(reply)
        first_due = {m: self._first_due(m, interval, now) for m, interval in wanted.items()}
        add = {m: due for m, due in first_due.items() if m not in existing}
        pull_in = {m: first_due[m] for m, due in existing.items() if m in wanted and due > now + wanted[m]}
        stale = [m for m in existing if m not in wanted]
        for chunk in _chunks(list(add.items()), 1000):
            await self._redis.zadd(self._keys.schedule, dict(chunk), nx=True)
        for chunk in _chunks(list(pull_in.items()), 1000):
            await self._redis.zadd(self._keys.schedule, dict(chunk), xx=True, lt=True)
        for chunk in _chunks(stale, 1000):
            await self._redis.zrem(self._keys.schedule, *chunk)
        self._metrics.schedule_entries.set(len(wanted))
        log.info(
            "schedule.synced", entries=len(wanted), added=len(add), removed=len(stale), pulled_in=len(pull_in)
        )

    def _first_due(self, value: str, interval_s: float, now: float) -> float:
        grid = self._grids.get(value)
        if grid is None:
            return now + spread_fraction(value) * interval_s
        return max(now, grid.first_after(now, strictly=False))

    async def bring_forward(self, check: str, target_id: str, at: float) -> bool:
        """Make an existing entry due no later than ``at`` (``ZADD XX LT``): a burst of calls folds into one
        run, and an entry not in the schedule (a target since removed) is not re-created. True when this
        call set it to ``at`` (False: it was due no later already, or is not scheduled)."""
        changed = await self._redis.zadd(
            self._keys.schedule, {member(check, target_id): at}, xx=True, lt=True, ch=True
        )
        return bool(changed)

    async def due_at(self, check: str, target_id: str) -> float | None:
        """When an entry falls due next, or None when it is not scheduled."""
        score = await self._redis.zscore(self._keys.schedule, member(check, target_id))
        return float(score) if score is not None else None

    async def overdue(self, now: float) -> tuple[int, float | None]:
        """(entries due at or before ``now`` and not yet enqueued, the oldest such due time)."""
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.zcount(self._keys.schedule, "-inf", now)
            pipe.zrange(self._keys.schedule, 0, 0, withscores=True)
            count, head = await pipe.execute()
        if not count:
            return 0, None
        return int(count), float(head[0][1])

    # ------------------------------------------------------------------------------------------ leader
    async def run(
        self, stop: asyncio.Event, queue: JobQueue, *, owner: str, settings: EngineSettings
    ) -> None:
        """Compete for the lease and, while holding it, ``tick`` every ``tick_s`` until ``stop`` is set.

        The lease is renewed every ttl/3; a standby retries every min(tick, ttl/3), so it takes over within
        about one ttl of the leader's death. A graceful stop releases the lease (the standby takes over on
        its next try); a cancelled run does not, and the lease expires after its ttl like a dead leader's.
        """
        lease = Lease(self._redis, self._keys.lease("scheduler"), owner, settings.lease_ttl_s)
        renew_every_s = settings.lease_ttl_s / 3
        leader = False
        renewed_at = 0.0
        pruned_at = time.monotonic()
        try:
            while not stop.is_set():
                try:
                    started = time.monotonic()
                    if leader and started - renewed_at >= renew_every_s:
                        leader = await lease.renew()
                        renewed_at = started
                        if not leader:
                            log.warning("schedule.leadership_lost", owner=owner)
                    elif not leader and await lease.acquire():
                        leader, renewed_at = True, started
                        log.info("schedule.leader", owner=owner)
                    self._metrics.is_leader.set(1 if leader else 0)
                    if leader:
                        await self.tick(queue, settings, owner=owner)
                        if time.monotonic() - pruned_at >= PRUNE_EVERY_S:
                            pruned_at = time.monotonic()
                            await queue.prune_consumers(CONSUMER_IDLE_S)
                except NotLeader:
                    leader = False
                    self._metrics.is_leader.set(0)
                    log.warning("schedule.leadership_lost", owner=owner)
                except _RETRYABLE as exc:
                    log.warning("schedule.redis_unavailable", owner=owner, error=repr(exc))
                await wait_or_stop(stop, settings.tick_s if leader else min(settings.tick_s, renew_every_s))
        except asyncio.CancelledError:
            leader = False  # a cancelled scheduler behaves like a dead one: its lease expires on its own
            raise
        finally:
            self._metrics.is_leader.set(0)
            if leader:
                with contextlib.suppress(*_RETRYABLE):
                    await lease.release()
                log.info("schedule.lease_released", owner=owner)

    async def tick(self, queue: JobQueue, settings: EngineSettings, *, owner: str) -> int:
        """One pass of the leader: move due entries into the stream within the back-pressure bound.

        Returns how many jobs were enqueued; raises ``NotLeader`` if ``owner`` does not hold the lease.
        """
        now = self._clock.now()
        capacity, (backlog, _pending) = await queue.load()
        bound = max(int(settings.backlog_factor * capacity.free_slots), capacity.slots)
        room = bound - backlog
        enqueued = 0
        while room > 0:
            wanted = min(room, BATCH)
            batch: Any = await self._redis.zrangebyscore(
                self._keys.schedule, "-inf", now, start=0, num=wanted, withscores=True
            )
            if not batch:
                break
            moved, postponed = await self._move_batch(batch, now, owner)
            for value in moved:
                self._metrics.enqueued.labels(split_member(value)[0]).inc()
            enqueued += len(moved)
            room -= len(moved)
            if len(batch) < wanted:
                break  # that was every due entry: no need to ask again
            if not moved and not postponed:
                break  # every entry changed under us (brought forward, or moved by another process)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.zcount(self._keys.schedule, "-inf", now)
            pipe.zrange(self._keys.schedule, 0, 0, withscores=True)
            pipe.zcard(self._keys.schedule)
            count, head, entries = await pipe.execute()
        oldest = float(head[0][1]) if count else None
        if count and room <= 0:
            self._metrics.backpressure.inc()  # due entries left waiting for want of room
        self._metrics.schedule_overdue.set(count)
        self._metrics.queue_lag_seconds.set(max(0.0, now - oldest) if oldest is not None else 0.0)
        self._metrics.schedule_entries.set(entries)
        if enqueued or count:
            log.debug("schedule.tick", enqueued=enqueued, overdue=count, bound=bound, backlog=backlog)
        return enqueued

    def next_due(self, due: float, interval_s: float, now: float, *, value: str = "") -> float:
        """``due`` + interval ± 10 %; after downtime (overdue by more than an interval, or the jittered
        time already past) a random point of the next interval from now instead of catch-up runs. An entry
        on a grid (``value`` synced ``together``) takes its grid's next point instead, and the first point
        after now following downtime."""
        grid = self._grids.get(value)
        if grid is not None:
            following = grid.first_after(due, strictly=True)
            return following if following > now else grid.first_after(now, strictly=True)
        if now - due > interval_s:
            return now + self._rng.random() * interval_s
        following = due + interval_s * (1 + self._rng.uniform(-JITTER, JITTER))
        if following <= now:
            return now + self._rng.random() * interval_s
        return following

    async def _move_batch(
        self, batch: list[tuple[str, float]], now: float, owner: str
    ) -> tuple[list[str], int]:
        """Enqueue a batch of due entries (one Lua call); returns (members moved, unknown ones postponed)."""
        args: list[str | int | float] = []
        unknown: list[str] = []
        for value, due in batch:
            interval_s = self._intervals.get(value)
            if interval_s is None:
                unknown.append(value)
                continue
            check, target_id = split_member(value)
            fields = [item for pair in encode_job(Job(check, target_id, due)).items() for item in pair]
            args += [
                value,
                repr(due),
                repr(self.next_due(due, interval_s, now, value=value)),
                len(fields),
                *fields,
            ]
        if unknown:
            # Synced by a scheduler with a newer inventory (a rolling upgrade): this leader has no interval
            # for them, so it leaves them to a leader that has, instead of deleting what it does not know.
            later = {value: now + UNKNOWN_POSTPONE_S for value in unknown}
            await self._redis.zadd(self._keys.schedule, later, xx=True, gt=True)
            log.warning("schedule.unknown_entries_postponed", entries=unknown[:10], count=len(unknown))
        if not args:
            return [], len(unknown)
        try:
            moved = await self._move(
                keys=[self._keys.schedule, self._keys.stream, self._keys.lease("scheduler")],
                args=[owner, STREAM_MAXLEN, *args],
            )
        except ResponseError as exc:
            if str(exc).startswith("NOTLEADER"):
                raise NotLeader(str(exc)) from exc
            raise
        return [str(value) for value in moved], len(unknown)


def _chunks(items: list[Any], size: int) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
