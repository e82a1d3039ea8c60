"""The job queue: one Redis Stream with one consumer group, read by every worker.

taskiq-redis's ``RedisStreamBroker`` is the nearest model, and its gaps are this module's checklist:

- deliveries are counted (XPENDING's delivery counter) and a job delivered more than
  ``engine.max_deliveries`` times goes to the dead-letter stream with the reason and its last error;
- only BUSYGROUP is swallowed when the group is created; every other ``ResponseError`` propagates;
- ``reclaim`` follows XAUTOCLAIM's cursor until ``0-0`` instead of taking one page.

Acked entries are deleted (XACK and XDEL in one MULTI), so XLEN counts only live jobs and the backlog
(``XLEN - pending``) is exact on Redis 6.2, which lacks XINFO GROUPS' lag. Workers also publish a
heartbeat here (slots, in flight) that the scheduler reads for back-pressure.

Redis 6.2's XAUTOCLAIM answers a deleted entry with ``nil`` and keeps it pending; those are found by
their id range and acked (``_purge_deleted``), since a trimmed entry can never be run.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import time
from collections.abc import Iterable, Mapping
from typing import Any

import redis.asyncio as aioredis
import structlog
from redis.exceptions import ResponseError

from monitor.engine.kv.keys import Keys
from monitor.metrics import Metrics
from monitor.model import Claim, Job
from monitor.settings import EngineSettings

log = structlog.get_logger(__name__)

STREAM_MAXLEN = 100_000
"""MAXLEN ~ on every XADD: a last resort only; the scheduler's back-pressure keeps the backlog far lower."""
DEADLETTER_MAXLEN = 10_000
RECLAIM_BATCH = 100
ERROR_TTL_S = 86400
"""The last-error hash expires a day after its last write, should a job vanish without ack or dead letter."""

_RELEASE = """
local pending = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[2], ARGV[2], 1)
if #pending == 0 or tonumber(pending[1][4]) ~= tonumber(ARGV[3]) then
  return 0
end
redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[4], '*', unpack(ARGV, 5))
redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
redis.call('XDEL', KEYS[1], ARGV[2])
return 1
"""

_DEAD_LETTER = """
local err = redis.call('HGET', KEYS[3], ARGV[3])
if not err then err = '' end
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[4], '*', 'error', err, unpack(ARGV, 5))
redis.call('HDEL', KEYS[3], ARGV[3])
redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
redis.call('XDEL', KEYS[1], ARGV[2])
redis.call('HINCRBY', KEYS[4], 'dead_lettered', 1)
return 1
"""

_TOUCH = """
local touched = 0
for i = 3, #ARGV do
  local pending = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[i], ARGV[i], 1)
  if #pending > 0 and pending[1][2] == ARGV[2] then
    redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[i], 'JUSTID')
    touched = touched + 1
  end
end
return touched
"""

_PURGE_DELETED = """
local purged = 0
for i = 2, #ARGV do
  if #redis.call('XRANGE', KEYS[1], ARGV[i], ARGV[i]) == 0 then
    purged = purged + redis.call('XACK', KEYS[1], ARGV[1], ARGV[i])
  end
end
return purged
"""


def encode_job(job: Job) -> dict[Any, Any]:
    """A job as stream fields; ``repr`` keeps ``due_at`` exact, so ``job_id`` survives the round trip."""
    return {
        "check": job.check,
        "target_id": job.target_id,
        "due_at": repr(job.due_at),
        "attempt": str(job.attempt),
    }


def decode_job(fields: Mapping[str, str]) -> Job:
    """The inverse of ``encode_job``; raises KeyError or ValueError on an entry we did not write."""
    return Job(
        check=fields["check"],
        target_id=fields["target_id"],
        due_at=float(fields["due_at"]),
        attempt=int(fields.get("attempt", "0")),
    )


def _flat(fields: Mapping[str, str]) -> list[str]:
    return [item for pair in fields.items() for item in pair]


@dataclasses.dataclass(frozen=True, slots=True)
class Capacity:
    """What the live workers (those with an unexpired heartbeat) can take."""

    workers: int
    slots: int
    in_flight: int

    @property
    def free_slots(self) -> int:
        return max(0, self.slots - self.in_flight)


class JobQueue:
    def __init__(self, redis: aioredis.Redis, keys: Keys, metrics: Metrics, settings: EngineSettings) -> None:
        self._redis = redis
        self._keys = keys
        self._metrics = metrics
        self._settings = settings
        self._group_ready = False
        self._release = redis.register_script(_RELEASE)
        self._dead_letter = redis.register_script(_DEAD_LETTER)
        self._purge = redis.register_script(_PURGE_DELETED)
        self._touch = redis.register_script(_TOUCH)

    # ------------------------------------------------------------------------------------------ stream
    async def ensure_group(self) -> None:
        """Create the stream and its group (from the start, so jobs enqueued earlier are delivered)."""
        try:
            await self._redis.xgroup_create(self._keys.stream, self._keys.group, id="0", mkstream=True)
        except ResponseError as exc:
            if not str(exc).startswith("BUSYGROUP"):
                raise
        self._group_ready = True

    async def enqueue(self, job: Job) -> str:
        """Add a job for any worker; returns its message id."""
        message_id = await self._redis.xadd(
            self._keys.stream, encode_job(job), maxlen=STREAM_MAXLEN, approximate=True
        )
        return str(message_id)

    async def claim(self, consumer: str, count: int, block_ms: int) -> list[Claim]:
        """Up to ``count`` jobs never delivered before, waiting at most ``block_ms`` (0: do not wait)."""
        if count <= 0:
            return []
        if not self._group_ready:
            await self.ensure_group()
        try:
            reply: Any = await self._redis.xreadgroup(
                self._keys.group,
                consumer,
                {self._keys.stream: ">"},
                count=count,
                block=block_ms if block_ms > 0 else None,
            )
        except ResponseError as exc:
            if not str(exc).startswith("NOGROUP"):
                raise
            await self.ensure_group()  # the stream was deleted (or Redis lost it): recreate, claim next time
            return []
        claims: list[Claim] = []
        claimed_at = time.time()  # the scheduler's due times are wall-clock (SystemClock) epoch seconds
        for _stream, messages in reply or []:
            for message_id, fields in messages:
                claim = await self._to_claim(message_id, fields, deliveries=1)
                if claim is not None:
                    claims.append(claim)
                    lag_s = max(0.0, claimed_at - claim.job.due_at)
                    self._metrics.start_lag_seconds.labels(claim.job.check).observe(lag_s)
        return claims

    async def ack(self, claim: Claim) -> None:
        """Done with a job: XACK and XDEL in one MULTI, so the stream holds only live jobs."""
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.xack(self._keys.stream, self._keys.group, claim.message_id)
            pipe.xdel(self._keys.stream, claim.message_id)
            pipe.hdel(self._keys.job_errors, claim.job.job_id)
            await pipe.execute()

    async def release(self, claim: Claim) -> bool:
        """Put an unfinished job back for any worker at once (a worker shutting down).

        Atomic (one Lua script): re-XADD the job and XACK/XDEL the old message, only if our delivery is
        still the latest one (same delivery count); a job reclaimed by another worker meanwhile is left
        to it. Returns whether the job was put back. A release is no failure: ``attempt`` is unchanged.
        """
        released = await self._release(
            keys=[self._keys.stream],
            args=[
                self._keys.group,
                claim.message_id,
                claim.deliveries,
                STREAM_MAXLEN,
                *_flat(encode_job(claim.job)),
            ],
        )
        if released:
            self._metrics.released.inc()
        return bool(released)

    async def touch(self, consumer: str, claims: Iterable[Claim]) -> int:
        """Reset the idle time of jobs ``consumer`` is still running, so they are not reclaimed however long
        they take (a keep-alive): ``visibility_timeout_s`` then measures how long a *dead* worker's jobs wait.

        Atomic (one Lua script): XCLAIM JUSTID (the delivery count is unchanged) only of messages still
        pending for ``consumer``; one another worker has reclaimed stays with it. Returns how many were kept.
        """
        message_ids = [claim.message_id for claim in claims]
        if not message_ids:
            return 0
        return int(
            await self._touch(keys=[self._keys.stream], args=[self._keys.group, consumer, *message_ids])
        )

    async def note_failure(self, claim: Claim, error: str) -> None:
        """Remember a job's last error, so its dead-letter entry says why it kept failing."""
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(self._keys.job_errors, claim.job.job_id, error[:1000])
            pipe.expire(self._keys.job_errors, ERROR_TTL_S)
            await pipe.execute()

    async def reclaim(self, consumer: str, min_idle_s: float, *, limit: int | None = None) -> list[Claim]:
        """Take over jobs left unacked for ``min_idle_s`` (their worker died or hangs).

        Follows XAUTOCLAIM's cursor until ``0-0`` (or until ``limit`` jobs are claimed). Each job's
        delivery count comes from XPENDING; past ``max_deliveries`` it is dead-lettered, not returned.
        """
        if not self._group_ready:
            await self.ensure_group()
        min_idle_ms = max(0, int(min_idle_s * 1000))
        max_deliveries = self._settings.max_deliveries
        claims: list[Claim] = []
        cursor = "0-0"
        while limit is None or len(claims) < limit:
            count = RECLAIM_BATCH if limit is None else min(RECLAIM_BATCH, limit - len(claims))
            reply = await self._redis.xautoclaim(
                self._keys.stream, self._keys.group, consumer, min_idle_ms, cursor, count=count
            )
            next_cursor, messages = str(reply[0]), reply[1]
            live = [(message_id, fields) for message_id, fields in messages if message_id is not None]
            if len(live) < len(messages):
                end = "+" if next_cursor == "0-0" else next_cursor
                await self._purge_deleted(consumer, cursor, end, {message_id for message_id, _ in live})
            deliveries = await self._delivery_counts([message_id for message_id, _ in live])
            for message_id, fields in live:
                count_now = deliveries.get(message_id, 1)
                if count_now > max_deliveries:
                    await self._to_deadletter(
                        message_id,
                        fields,
                        reason=f"delivered {count_now} times, max_deliveries is {max_deliveries}",
                        deliveries=count_now,
                    )
                    continue
                claim = await self._to_claim(message_id, fields, deliveries=count_now)
                if claim is not None:
                    claims.append(claim)
            cursor = next_cursor
            if cursor == "0-0":
                break
        if claims:
            self._metrics.reclaimed.inc(len(claims))
            await self._redis.hincrby(self._keys.stats, "reclaimed", len(claims))
            log.info("queue.reclaimed", consumer=consumer, jobs=len(claims))
        return claims

    async def depth(self) -> tuple[int, int]:
        """(backlog never delivered, delivered and unacked), from XLEN and the XPENDING summary."""
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.xlen(self._keys.stream)
            pipe.xpending(self._keys.stream, self._keys.group)
            length, summary = await pipe.execute(raise_on_error=False)
        return _depth(length, summary)

    async def load(self) -> tuple[Capacity, tuple[int, int]]:
        """``capacity()`` and ``depth()`` in two round trips instead of three (the scheduler asks at every
        tick)."""
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.zrange(self._keys.workers, 0, -1)
            pipe.xlen(self._keys.stream)
            pipe.xpending(self._keys.stream, self._keys.group)
            members, length, summary = await pipe.execute(raise_on_error=False)
        if isinstance(members, Exception):
            raise members
        return await self._capacity([str(c) for c in members]), _depth(length, summary)

    async def pending_for(self, consumer: str) -> int:
        """Jobs delivered to ``consumer`` and not yet acked."""
        try:
            summary = await self._redis.xpending(self._keys.stream, self._keys.group)
        except ResponseError as exc:
            if str(exc).startswith("NOGROUP"):
                return 0
            raise
        for entry in summary.get("consumers") or []:
            if entry["name"] == consumer:
                return int(entry["pending"])
        return 0

    async def leave(self, consumer: str) -> bool:
        """Delete a stopping worker's consumer from the group, if it holds no job (each worker process joins
        under a new name, so the group's consumer list would otherwise grow with every restart)."""
        if await self.pending_for(consumer):
            return False  # deleting it would orphan those entries: they are reclaimed, then pruned
        try:
            await self._redis.xgroup_delconsumer(self._keys.stream, self._keys.group, consumer)
        except ResponseError as exc:
            if not str(exc).startswith("NOGROUP"):
                raise
        return True

    async def prune_consumers(self, min_idle_s: float) -> int:
        """Delete consumers idle ``min_idle_s`` with nothing pending (workers that died); returns how many.

        A live worker reads every fraction of a second, which resets its idle time, so a long idle consumer
        is gone; one holding jobs is kept until ``reclaim`` has moved them (deleting it would orphan them).
        """
        try:
            consumers: Any = await self._redis.xinfo_consumers(self._keys.stream, self._keys.group)
        except ResponseError as exc:
            if str(exc).startswith("NOGROUP"):
                return 0
            raise
        pruned = 0
        for consumer in consumers:
            if int(consumer["pending"]) == 0 and int(consumer["idle"]) >= min_idle_s * 1000:
                await self._redis.xgroup_delconsumer(self._keys.stream, self._keys.group, consumer["name"])
                pruned += 1
        if pruned:
            log.info("queue.consumers_pruned", consumers=pruned)
        return pruned

    async def deadletter_size(self) -> int:
        return int(await self._redis.xlen(self._keys.deadletter))

    async def deadletters(self, count: int = 100) -> list[dict[str, str]]:
        """The oldest dead-letter entries (job fields plus reason, deliveries, error), for operators."""
        entries: Any = await self._redis.xrange(self._keys.deadletter, count=count)
        return [{"id": message_id, **fields} for message_id, fields in entries]

    # ------------------------------------------------------------------------------------------ workers
    async def heartbeat(self, consumer: str, *, slots: int, in_flight: int, ttl_s: float) -> None:
        """Announce a live worker and its load; the key expires ``ttl_s`` after the last beat."""
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.set(
                self._keys.heartbeat(consumer),
                json.dumps({"slots": slots, "in_flight": in_flight}),
                px=max(1, int(ttl_s * 1000)),
            )
            pipe.zadd(self._keys.workers, {consumer: time.time()})
            await pipe.execute()

    async def forget_worker(self, consumer: str) -> None:
        """Remove a stopping worker's heartbeat, so the scheduler stops counting its slots at once."""
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.delete(self._keys.heartbeat(consumer))
            pipe.zrem(self._keys.workers, consumer)
            await pipe.execute()

    async def capacity(self) -> Capacity:
        """Slots and load of the live workers; members whose heartbeat expired are dropped from the index."""
        return await self._capacity([str(c) for c in await self._redis.zrange(self._keys.workers, 0, -1)])

    async def _capacity(self, consumers: list[str]) -> Capacity:
        if not consumers:
            return Capacity(0, 0, 0)
        beats = await self._redis.mget([self._keys.heartbeat(c) for c in consumers])
        dead = [c for c, beat in zip(consumers, beats, strict=True) if beat is None]
        if dead:
            await self._redis.zrem(self._keys.workers, *dead)
        slots = in_flight = workers = 0
        for beat in beats:
            if beat is None:
                continue
            data = json.loads(beat)
            workers += 1
            slots += int(data["slots"])
            in_flight += int(data["in_flight"])
        return Capacity(workers, slots, in_flight)

    # ------------------------------------------------------------------------------------------ internals
    async def _to_claim(self, message_id: str, fields: Mapping[str, str], *, deliveries: int) -> Claim | None:
        try:
            job = decode_job(fields)
        except (KeyError, ValueError) as exc:
            await self._to_deadletter(
                message_id, fields, reason=f"undecodable job: {exc!r}", deliveries=deliveries
            )
            return None
        return Claim(job, str(message_id), deliveries)

    async def _to_deadletter(
        self, message_id: str, fields: Mapping[str, str], *, reason: str, deliveries: int
    ) -> None:
        """Atomic (one Lua script): copy to the dead-letter stream with reason and last error, XACK, XDEL."""
        check = str(fields.get("check", "unknown"))
        job_id = ""
        with contextlib.suppress(KeyError, ValueError):
            job_id = decode_job(fields).job_id
        extra = {"reason": reason, "deliveries": str(deliveries), "message_id": str(message_id)}
        await self._dead_letter(
            keys=[self._keys.stream, self._keys.deadletter, self._keys.job_errors, self._keys.stats],
            args=[
                self._keys.group,
                message_id,
                job_id,
                DEADLETTER_MAXLEN,
                *_flat({**dict(fields), **extra}),
            ],
        )
        self._metrics.dead_lettered.labels(check).inc()
        self._metrics.deadletter_size.set(await self.deadletter_size())
        log.warning("queue.dead_lettered", message_id=message_id, check=check, job_id=job_id, reason=reason)

    async def _delivery_counts(self, message_ids: list[str]) -> dict[str, int]:
        if not message_ids:
            return {}
        async with self._redis.pipeline(transaction=False) as pipe:
            for message_id in message_ids:
                pipe.xpending_range(self._keys.stream, self._keys.group, message_id, message_id, 1)
            replies = await pipe.execute()
        counts: dict[str, int] = {}
        for reply in replies:
            for entry in reply:
                counts[str(entry["message_id"])] = int(entry["times_delivered"])
        return counts

    async def _purge_deleted(self, consumer: str, start: str, end: str, live: set[str]) -> None:
        """Ack entries XAUTOCLAIM gave as ``nil`` (deleted, e.g. trimmed by MAXLEN): nothing left to run."""
        entries = await self._redis.xpending_range(
            self._keys.stream, self._keys.group, start, end, 10_000, consumername=consumer
        )
        candidates = [str(e["message_id"]) for e in entries if str(e["message_id"]) not in live]
        if candidates:
            purged = await self._purge(keys=[self._keys.stream], args=[self._keys.group, *candidates])
            if purged:
                log.warning("queue.deleted_entries_acked", consumer=consumer, entries=int(purged))


def _depth(length: Any, summary: Any) -> tuple[int, int]:
    """(backlog, pending) from XLEN's and XPENDING's replies (no group yet: nothing pending)."""
    if isinstance(length, Exception):
        raise length
    if isinstance(summary, ResponseError) and str(summary).startswith("NOGROUP"):
        pending = 0
    elif isinstance(summary, Exception):
        raise summary
    else:
        pending = int(summary["pending"])
    return max(0, int(length) - pending), pending
