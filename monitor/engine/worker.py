"""The worker: claims jobs from the stream into ``slots`` concurrent tasks and records what they observe.

Each job runs under a deadline (``job_timeout_s``); its result is recorded and its message acked in one
shielded, idempotent call (``Store.record_and_ack``, arq's shape). A job whose ``execute`` raises is
logged with its fields and left unacked: another delivery follows after ``visibility_timeout_s``, and
past ``max_deliveries`` the queue dead-letters it. Every worker reclaims stale jobs (of dead workers)
and publishes a heartbeat (slots, in flight) that the scheduler's back-pressure reads; with it, the worker
touches its jobs in flight, so only a dead (or wedged) worker's jobs are ever reclaimed.

Shutdown is saq's: ``stop`` set → stop claiming → in-flight jobs get ``shutdown_grace_s`` → the rest are
cancelled and released (put back at once for another worker) → heartbeat removed → return. ``until_idle``
is arq's burst mode: return once nothing is undelivered and nothing is pending for this consumer.

A cancellation can be lost inside redis-py (a cancel landing in a command's own timeout handling is
swallowed: redis/redis-py#2028, #2551), so shutdown never rests on one ``cancel()`` reaching its task: the
heartbeat ends on its own event, and every wait for a cancelled task is bounded.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections.abc import Awaitable, Callable, Collection

import redis.asyncio as aioredis
import structlog
from redis.exceptions import RedisError

from monitor.clock import Clock
from monitor.engine.evaluate import JOB_KIND as EVALUATE
from monitor.engine.kv.keys import Keys
from monitor.engine.queue import JobQueue
from monitor.engine.schedule import Schedule, wait_or_stop
from monitor.engine.store import Store
from monitor.metrics import Metrics
from monitor.model import Claim, Job, Observation, Outcome
from monitor.settings import EngineSettings

log = structlog.get_logger(__name__)

CLAIM_BLOCK_MS = 250
"""How long one XREADGROUP waits for new jobs; also how soon a stop is noticed while idle."""
IDLE_POLL_S = 0.05
"""With ``until_idle``, how often to look again while only our own failed jobs remain (pending)."""
REDIS_RETRY_S = 1.0
CANCEL_WAIT_S = 1.0
"""How long shutdown waits for a cancelled task to end before it goes on without it (see the module doc)."""
ASKED_KEPT = 4096
"""Evaluations this worker set that are still ahead, kept at most (past ones are dropped when it fills)."""

Execute = Callable[[Job], Awaitable[Observation | None]]
_RETRYABLE = (RedisError,)  # Redis trouble is logged and retried after a pause, never fatal to the worker


class Worker:
    def __init__(
        self,
        redis: aioredis.Redis,
        keys: Keys,
        queue: JobQueue,
        store: Store,
        schedule: Schedule,
        execute: Execute,
        metrics: Metrics,
        settings: EngineSettings,
        *,
        consumer: str,
        clock: Clock,
        evaluate_after: Collection[str] | None = None,
    ) -> None:
        self._redis = redis
        self._keys = keys
        self._queue = queue
        self._store = store
        self._schedule = schedule
        self._execute = execute
        self._metrics = metrics
        self._settings = settings
        self.consumer = consumer
        self._clock = clock
        # Rule evaluation is brought forward only after observations some rule reads (None: after any);
        # ``evaluate_delay_s`` later, so that a burst of a target's observations folds into one evaluation.
        self._evaluate_after = None if evaluate_after is None else frozenset(evaluate_after)
        self._evaluations_asked: dict[str, float] = {}  # target → the evaluation this worker set, still ahead
        self._tasks: dict[asyncio.Task[None], Claim] = {}
        self._finishing: set[asyncio.Future[bool]] = set()  # shielded record+ack calls still running

    @property
    def in_flight(self) -> int:
        return len(self._tasks)

    async def run(self, stop: asyncio.Event, *, until_idle: bool = False) -> None:
        """Work until ``stop`` is set (or, with ``until_idle``, until there is nothing left to do)."""
        log.info("worker.started", consumer=self.consumer, slots=self._settings.slots)
        stopping = asyncio.Event()
        heartbeat = asyncio.create_task(self._heartbeat(stopping), name=f"heartbeat:{self.consumer}")
        grace_s = self._settings.shutdown_grace_s
        try:
            await self._claim_loop(stop, until_idle)
        except asyncio.CancelledError:
            grace_s = 0.0  # cancelled from outside: no grace, but still release what we hold
            raise
        finally:
            stopping.set()
            await _end(heartbeat)
            await self._shutdown(grace_s)

    # ------------------------------------------------------------------------------------------ claiming
    async def _claim_loop(self, stop: asyncio.Event, until_idle: bool) -> None:
        reclaim_every_s = self._settings.visibility_timeout_s / 2
        next_reclaim = time.monotonic()  # at once: jobs of workers that died before we started
        while not stop.is_set():
            try:
                if time.monotonic() >= next_reclaim and self._free_slots():
                    next_reclaim = time.monotonic() + reclaim_every_s
                    for claim in await self._queue.reclaim(
                        self.consumer, self._settings.visibility_timeout_s, limit=self._free_slots()
                    ):
                        self._spawn_unless_running(claim)
                free = self._free_slots()
                if free == 0:
                    await self._wait_for_slot(stop, reclaim_every_s)  # reclaiming needs a free slot too
                    continue
                block_ms = 0 if until_idle else CLAIM_BLOCK_MS
                claims = await self._queue.claim(self.consumer, free, block_ms)
                for claim in claims:
                    self._spawn(claim)
                if claims or not until_idle:
                    continue
                if self._tasks:
                    await self._wait_for_slot(stop, CLAIM_BLOCK_MS / 1000)
                elif await self._idle():
                    log.info("worker.idle", consumer=self.consumer)
                    return
                else:  # our failed jobs await redelivery: look again soon, not in a busy loop
                    await wait_or_stop(stop, min(IDLE_POLL_S, max(0.0, next_reclaim - time.monotonic())))
            except _RETRYABLE as exc:
                log.warning("worker.redis_unavailable", consumer=self.consumer, error=repr(exc))
                await wait_or_stop(stop, REDIS_RETRY_S)

    async def _idle(self) -> bool:
        backlog, _pending = await self._queue.depth()
        return backlog == 0 and await self._queue.pending_for(self.consumer) == 0

    def _free_slots(self) -> int:
        return max(0, self._settings.slots - len(self._tasks))

    async def _wait_for_slot(self, stop: asyncio.Event, timeout_s: float) -> None:
        """Until a job finishes, ``stop`` is set or ``timeout_s`` passes."""
        stopped = asyncio.ensure_future(stop.wait())
        try:
            await asyncio.wait(
                [*self._tasks, stopped], timeout=max(0.0, timeout_s), return_when=asyncio.FIRST_COMPLETED
            )
        finally:
            stopped.cancel()

    def _spawn_unless_running(self, claim: Claim) -> None:
        """A job of ours running past the visibility timeout comes back from reclaim: keep the newer claim
        (its delivery count is what ``release`` compares) but do not run the job twice."""
        for task, held in self._tasks.items():
            if held.message_id == claim.message_id:
                self._tasks[task] = claim
                return
        self._spawn(claim)

    def _spawn(self, claim: Claim) -> None:
        task = asyncio.create_task(self._run_job(claim), name=f"job:{claim.job.job_id}")
        self._tasks[task] = claim
        task.add_done_callback(self._job_done)

    def _job_done(self, task: asyncio.Task[None]) -> None:
        claim = self._tasks.pop(task, None)
        if task.cancelled() or claim is None:
            return
        exc = task.exception()
        if exc is not None:  # the record+ack itself failed (Redis trouble): redelivered after the timeout
            log.error(
                "job.crashed",
                job_id=claim.job.job_id,
                check=claim.job.check,
                target=claim.job.target_id,
                error=repr(exc),
            )

    # ------------------------------------------------------------------------------------------ one job
    async def _run_job(self, claim: Claim) -> None:
        job = claim.job
        fields = {
            "job_id": job.job_id,
            "check": job.check,
            "target": job.target_id,
            "deliveries": claim.deliveries,
        }
        started = time.monotonic()
        self._metrics.in_flight.inc()
        try:
            try:
                async with asyncio.timeout(self._settings.job_timeout_s) as deadline:
                    observation = await self._execute(job)
            except Exception as exc:
                if isinstance(exc, TimeoutError) and deadline.expired():
                    error = f"job exceeded job_timeout_s ({self._settings.job_timeout_s} s)"
                    log.error("job.timeout", error=error, **fields)
                else:
                    error = repr(exc)
                    log.exception("job.failed", **fields)
                self._metrics.jobs.labels(job.check, "error").inc()
                await self._queue.note_failure(claim, error)
                return  # not acked: redelivered after visibility_timeout_s, dead-lettered past max_deliveries
            finishing = asyncio.ensure_future(self._store.record_and_ack(observation, claim, self._queue))
            self._finishing.add(finishing)
            finishing.add_done_callback(self._finishing.discard)
            recorded = await asyncio.shield(finishing)
            self._metrics.jobs.labels(job.check, observation.outcome.value if observation else "none").inc()
            if (
                recorded
                and observation is not None
                and observation.outcome != Outcome.DISCARDED
                and job.check != EVALUATE
                and (self._evaluate_after is None or job.check in self._evaluate_after)
            ):
                await self._evaluate_soon(job.target_id)
        finally:
            self._metrics.in_flight.dec()
            self._metrics.job_seconds.labels(job.check).observe(time.monotonic() - started)

    async def _evaluate_soon(self, target_id: str) -> None:
        """Bring the target's evaluation forward to ``evaluate_delay_s`` from now, unless this worker already
        set it to a time still ahead: that evaluation runs after this observation was recorded (it was
        recorded before this call), so asking again (a round trip per observation, a no-op in Redis) changes
        nothing. A verdict waits no longer than it did: at most ``evaluate_delay_s`` after the observation.
        An evaluation set by someone else, or not moved by our call (due earlier: it may run before the next
        observation), is not trusted: the next observation asks again."""
        now = self._clock.now()
        if self._evaluations_asked.get(target_id, -math.inf) > now:
            return
        evaluate_at = now + self._settings.evaluate_delay_s
        if len(self._evaluations_asked) >= ASKED_KEPT:
            self._evaluations_asked = {t: at for t, at in self._evaluations_asked.items() if at > now}
        # set before the round trip, so the target's observations finishing meanwhile do not ask too: if the
        # call does not move the entry, it was due earlier still, which is after their records as well
        self._evaluations_asked[target_id] = evaluate_at
        moved = False
        try:
            moved = await self._schedule.bring_forward(EVALUATE, target_id, evaluate_at)
        finally:
            if not moved and self._evaluations_asked.get(target_id) == evaluate_at:
                del self._evaluations_asked[target_id]

    # ------------------------------------------------------------------------------------------ lifecycle
    async def _heartbeat(self, stopping: asyncio.Event) -> None:
        """Announce slots and load with the scheduler lease's ttl (a dead worker stops counting within one
        ttl), and keep the jobs in flight from being reclaimed while they run, however long they take."""
        ttl_s = self._settings.lease_ttl_s
        while not stopping.is_set():
            try:
                await self._queue.heartbeat(
                    self.consumer, slots=self._settings.slots, in_flight=len(self._tasks), ttl_s=ttl_s
                )
                await self._queue.touch(self.consumer, list(self._tasks.values()))
            except _RETRYABLE as exc:
                log.warning("worker.heartbeat_failed", consumer=self.consumer, error=repr(exc))
            await wait_or_stop(stopping, min(ttl_s, self._settings.visibility_timeout_s) / 3)

    async def _shutdown(self, grace_s: float) -> None:
        with contextlib.suppress(*_RETRYABLE):
            await self._queue.forget_worker(self.consumer)  # first, so no more work is sent our way
        if self._tasks and grace_s > 0:
            await asyncio.wait(list(self._tasks), timeout=grace_s)
        unfinished = dict(self._tasks)
        await asyncio.gather(*(_end(task) for task in unfinished))
        if self._finishing:  # shielded record+ack calls end first (one reply away, or Redis is gone)
            await asyncio.wait(list(self._finishing), timeout=self._settings.job_timeout_s)
        released = 0
        for claim in unfinished.values():
            try:
                released += await self._queue.release(claim)
            except _RETRYABLE as exc:  # it stays pending and is reclaimed after the visibility timeout
                log.warning("worker.release_failed", job_id=claim.job.job_id, error=repr(exc))
        with contextlib.suppress(*_RETRYABLE):
            await self._queue.leave(self.consumer)
        log.info("worker.stopped", consumer=self.consumer, cancelled=len(unfinished), released=released)


async def _end(task: asyncio.Task[None]) -> None:
    """Cancel ``task`` and wait for it, at most ``CANCEL_WAIT_S`` (a lost cancel must not hold shutdown)."""
    if task.done():
        return
    task.cancel()
    done, _ = await asyncio.wait([task], timeout=CANCEL_WAIT_S)
    if not done:
        log.warning("worker.task_outlived_cancel", task=task.get_name(), waited_s=CANCEL_WAIT_S)
