from __future__ import annotations

import asyncio
import contextlib
import time

import structlog

from monitor.engine.schedule import Schedule
from monitor.engine.worker import EVALUATE, Worker
from monitor.model import Job, Outcome

from .conftest import T0
from .support import eventually, observed, sample


def make_worker(
    redis, keys, queue, store, schedule, metrics, settings, clock, execute, consumer="w1", evaluate_after=None
) -> Worker:
    return Worker(
        redis, keys, queue, store, schedule, execute, metrics, settings, consumer=consumer, clock=clock,
        evaluate_after=evaluate_after,
    )  # fmt: skip


def never_ending(cancelled: list[bool]):
    """An ``execute`` that never returns and notes in ``cancelled`` when the worker cancels it."""

    async def execute(job: Job):
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.append(True)
            raise

    return execute


async def test_until_idle_runs_every_job_records_it_and_returns(
    redis, keys, queue, store, schedule, metrics, settings, clock
):
    jobs = [Job("availability", f"site-{n}", T0) for n in range(10)]
    for job in jobs:
        await queue.enqueue(job)
    seen: list[Job] = []

    async def execute(job: Job):
        seen.append(job)
        return observed(job, clock.now())

    worker = make_worker(redis, keys, queue, store, schedule, metrics, settings, clock, execute)
    await asyncio.wait_for(worker.run(asyncio.Event(), until_idle=True), 10)

    assert sorted(seen, key=lambda j: j.target_id) == sorted(jobs, key=lambda j: j.target_id)
    for job in jobs:
        assert [o.job_id for o in await store.history("availability", job.target_id, since=0)] == [job.job_id]
    assert await queue.depth() == (0, 0)
    assert sample(metrics, "govmon_jobs_total", check="availability", outcome="ok") == 10
    assert sample(metrics, "govmon_jobs_in_flight") == 0
    assert await redis.exists(keys.heartbeat("w1")) == 0


async def test_a_worker_runs_at_most_slots_jobs_and_claims_only_for_free_slots(
    redis, keys, queue, store, schedule, metrics, settings, clock
):
    assert settings.slots == 4
    for n in range(10):
        await queue.enqueue(Job("availability", f"site-{n}", T0))
    gate = asyncio.Event()
    running = 0
    most = 0

    async def execute(job: Job):
        nonlocal running, most
        running += 1
        most = max(most, running)
        await gate.wait()
        running -= 1
        return observed(job, clock.now())

    worker = make_worker(redis, keys, queue, store, schedule, metrics, settings, clock, execute)
    run = asyncio.create_task(worker.run(asyncio.Event(), until_idle=True))
    await eventually(lambda: running == 4, what="four jobs running")

    assert await queue.depth() == (6, 4)  # the other six stay in the stream for other workers

    async def heartbeat_shows_all_slots_busy() -> bool:
        capacity = await queue.capacity()
        return (capacity.workers, capacity.slots, capacity.in_flight) == (1, 4, 4)

    await eventually(heartbeat_shows_all_slots_busy, what="the heartbeat reporting four jobs in flight")

    gate.set()
    await asyncio.wait_for(run, 10)
    assert most == 4
    assert sample(metrics, "govmon_jobs_total", check="availability", outcome="ok") == 10


async def test_a_new_observation_brings_the_targets_evaluation_forward(
    redis, keys, queue, store, schedule, metrics, settings, clock
):
    assert EVALUATE == "evaluate"  # monitor.engine.evaluate.JOB_KIND
    await redis.zadd(keys.schedule, {"evaluate|site-1": T0 + 300, "evaluate|site-2": T0 + 300})
    await queue.enqueue(Job("availability", "site-1", T0))
    await queue.enqueue(Job("availability", "site-2", T0))
    await queue.enqueue(Job("evaluate", "site-1", T0))

    async def execute(job: Job):
        if job.check == "evaluate":
            return None  # rule evaluation writes its findings elsewhere
        outcome = Outcome.DISCARDED if job.target_id == "site-2" else Outcome.OK
        return observed(job, clock.now(), outcome=outcome)

    worker = make_worker(redis, keys, queue, store, schedule, metrics, settings, clock, execute)
    await asyncio.wait_for(worker.run(asyncio.Event(), until_idle=True), 10)

    # due evaluate_delay_s after the observation, so that a burst of observations folds into one run
    assert await schedule.due_at("evaluate", "site-1") == T0 + settings.evaluate_delay_s
    assert await schedule.due_at("evaluate", "site-2") == T0 + 300  # a discarded probe says nothing new
    assert sample(metrics, "govmon_jobs_total", check="evaluate", outcome="none") == 1
    assert sample(metrics, "govmon_jobs_total", check="availability", outcome="discarded") == 1


class CountingSchedule(Schedule):
    """The real schedule, counting the bring-forward calls that reach Redis."""

    asked = 0

    async def bring_forward(self, check: str, target_id: str, at: float) -> bool:
        self.asked += 1
        return await super().bring_forward(check, target_id, at)


async def test_observations_within_the_gap_ask_for_the_evaluation_once_and_none_waits_longer(
    redis, keys, queue, store, metrics, settings, clock
):
    schedule = CountingSchedule(redis, keys, metrics, clock)
    await redis.zadd(keys.schedule, {"evaluate|site-1": T0 + 300, "evaluate|site-2": T0 + 0.5})

    async def execute(job: Job):
        return observed(job, clock.now())

    async def observe(target: str, dues: list[float]) -> None:
        for due in dues:
            await queue.enqueue(Job("homepage", target, due))
        worker = make_worker(redis, keys, queue, store, schedule, metrics, settings, clock, execute)
        await asyncio.wait_for(worker.run(asyncio.Event(), until_idle=True), 10)

    await observe("site-1", [T0, T0 + 0.01, T0 + 0.02])
    assert await schedule.due_at("evaluate", "site-1") == T0 + settings.evaluate_delay_s
    assert schedule.asked == 1  # the two later observations: the evaluation set is still ahead

    await redis.zadd(keys.schedule, {"evaluate|site-1": T0 + 300})  # it ran; its next regular run
    clock.advance(settings.evaluate_delay_s + 0.1)
    await observe("site-1", [T0 + 1])
    assert await schedule.due_at("evaluate", "site-1") == clock.now() + settings.evaluate_delay_s
    assert schedule.asked == 2

    # site-2's evaluation was due earlier (set by someone else): it may run before the next observation
    await observe("site-2", [T0])
    assert await schedule.due_at("evaluate", "site-2") == T0 + 0.5
    await redis.zadd(keys.schedule, {"evaluate|site-2": T0 + 300})  # it ran
    await observe("site-2", [T0 + 0.01])
    assert await schedule.due_at("evaluate", "site-2") == clock.now() + settings.evaluate_delay_s
    assert schedule.asked == 4


async def test_evaluation_is_brought_forward_only_after_observations_a_rule_reads(
    redis, keys, queue, store, schedule, metrics, settings, clock
):
    await redis.zadd(keys.schedule, {"evaluate|site-1": T0 + 300})
    await queue.enqueue(Job("homepage", "site-1", T0))

    async def execute(job: Job):
        return observed(job, clock.now())

    worker = make_worker(redis, keys, queue, store, schedule, metrics, settings, clock, execute,
                         evaluate_after={"availability"})  # fmt: skip
    await asyncio.wait_for(worker.run(asyncio.Event(), until_idle=True), 10)
    assert await schedule.due_at("evaluate", "site-1") == T0 + 300


async def test_a_job_that_raises_is_logged_redelivered_and_then_dead_lettered(
    redis, keys, queue, store, schedule, metrics, settings, clock
):
    settings = settings.model_copy(update={"max_deliveries": 2, "visibility_timeout_s": 0.2})
    queue = type(queue)(redis, keys, metrics, settings)
    job = Job("availability", "site-1", T0)
    await queue.enqueue(job)
    calls: list[int] = []

    async def execute(job: Job):
        calls.append(1)
        raise RuntimeError("boom")

    worker = make_worker(redis, keys, queue, store, schedule, metrics, settings, clock, execute)
    with structlog.testing.capture_logs() as logs:
        await asyncio.wait_for(worker.run(asyncio.Event(), until_idle=True), 10)

    assert len(calls) == 2  # two deliveries, then the dead-letter stream
    assert await queue.deadletter_size() == 1
    [entry] = await queue.deadletters()
    assert entry["error"] == "RuntimeError('boom')" and entry["target_id"] == "site-1"
    assert sample(metrics, "govmon_jobs_total", check="availability", outcome="error") == 2
    assert sample(metrics, "govmon_jobs_dead_lettered_total", check="availability") == 1
    failed = [e for e in logs if e["event"] == "job.failed"]
    assert len(failed) == 2
    assert failed[0]["job_id"] == job.job_id and failed[0]["check"] == "availability"
    assert failed[0]["target"] == "site-1" and failed[0]["exc_info"]
    assert await store.history("availability", "site-1", since=0) == []


async def test_a_job_past_its_deadline_is_cancelled_and_not_acked(
    redis, keys, queue, store, schedule, metrics, settings, clock
):
    settings = settings.model_copy(
        update={"max_deliveries": 1, "visibility_timeout_s": 0.2, "job_timeout_s": 0.1}
    )
    queue = type(queue)(redis, keys, metrics, settings)
    await queue.enqueue(Job("crawl", "site-1", T0))
    cancelled: list[bool] = []
    execute = never_ending(cancelled)

    worker = make_worker(redis, keys, queue, store, schedule, metrics, settings, clock, execute)
    await asyncio.wait_for(worker.run(asyncio.Event(), until_idle=True), 10)

    assert cancelled == [True]
    [entry] = await queue.deadletters()
    assert "job_timeout_s" in entry["error"]


async def test_stop_waits_for_grace_then_cancels_and_releases_the_job_in_flight(
    redis, keys, queue, store, schedule, metrics, settings, clock
):
    assert settings.shutdown_grace_s == 0.5
    job = Job("availability", "site-1", T0)
    await queue.enqueue(job)
    cancelled: list[bool] = []
    execute = never_ending(cancelled)

    worker = make_worker(redis, keys, queue, store, schedule, metrics, settings, clock, execute)
    stop = asyncio.Event()
    run = asyncio.create_task(worker.run(stop))
    await eventually(lambda: worker.in_flight == 1, what="job claimed")
    await eventually(lambda: redis.exists(keys.heartbeat("w1")), what="heartbeat")

    stop.set()
    started = time.monotonic()
    await asyncio.wait_for(run, 5)

    assert 0.5 <= time.monotonic() - started < 1.5
    assert cancelled == [True]
    assert await queue.depth() == (1, 0)  # back in the stream, undelivered: any worker takes it at once
    assert sample(metrics, "govmon_jobs_released_total") == 1
    assert await redis.exists(keys.heartbeat("w1")) == 0
    assert [c["name"] for c in await redis.xinfo_consumers(keys.stream, keys.group)] == []  # left the group
    [claim] = await queue.claim("w2", 1, 0)
    assert claim.job == job


async def test_stop_is_not_held_by_a_cancel_lost_inside_the_redis_client(
    redis, keys, queue, store, schedule, metrics, settings, clock, monkeypatch
):
    """redis-py can swallow a cancel that lands inside a command (redis/redis-py#2028, #2551): the heartbeat
    then went back to sleep and the worker's stop waited for the job's own timeout (5 s), not the grace."""
    await queue.enqueue(Job("availability", "site-1", T0))
    cancelled: list[bool] = []
    beat = queue.heartbeat
    in_beat = asyncio.Event()

    async def heartbeat_swallowing_cancel(*args, **kwargs):
        await beat(*args, **kwargs)
        in_beat.set()
        with contextlib.suppress(asyncio.CancelledError):  # as the client does when the cancel hits badly
            await asyncio.sleep(3600)

    monkeypatch.setattr(queue, "heartbeat", heartbeat_swallowing_cancel)
    worker = make_worker(
        redis, keys, queue, store, schedule, metrics, settings, clock, never_ending(cancelled)
    )
    stop = asyncio.Event()
    run = asyncio.create_task(worker.run(stop))
    await eventually(lambda: worker.in_flight == 1, what="job claimed")
    await asyncio.wait_for(in_beat.wait(), 5)

    stop.set()
    started = time.monotonic()
    await asyncio.wait_for(run, 5)

    assert time.monotonic() - started < settings.job_timeout_s / 2
    assert cancelled == [True]
    assert await queue.depth() == (1, 0)  # released for another worker, not left to the visibility timeout


async def test_a_job_finishing_within_grace_is_recorded_not_released(
    redis, keys, queue, store, schedule, metrics, settings, clock
):
    await queue.enqueue(Job("availability", "site-1", T0))
    started = asyncio.Event()
    finish = asyncio.Event()

    async def execute(job: Job):
        started.set()
        await finish.wait()
        return observed(job, clock.now())

    worker = make_worker(redis, keys, queue, store, schedule, metrics, settings, clock, execute)
    stop = asyncio.Event()
    run = asyncio.create_task(worker.run(stop))
    await asyncio.wait_for(started.wait(), 5)
    stop.set()
    await asyncio.sleep(0.05)  # the worker is now draining; the job completes inside its grace period
    finish.set()
    await asyncio.wait_for(run, 5)

    assert len(await store.history("availability", "site-1", since=0)) == 1
    assert await queue.depth() == (0, 0)
    assert sample(metrics, "govmon_jobs_released_total") == 0


async def test_a_job_running_longer_than_the_visibility_timeout_is_not_taken_by_another_worker(
    redis, keys, queue, store, schedule, metrics, settings, clock
):
    settings = settings.model_copy(update={"visibility_timeout_s": 0.2})
    queue = type(queue)(redis, keys, metrics, settings)
    await queue.enqueue(Job("crawl", "site-1", T0))
    gate = asyncio.Event()
    calls: list[str] = []

    def executor(name: str):
        async def execute(job: Job):
            calls.append(name)
            await gate.wait()
            return observed(job, clock.now(), by=name)

        return execute

    stop = asyncio.Event()
    slow = make_worker(
        redis, keys, queue, store, schedule, metrics, settings, clock, executor("slow"), "slow"
    )
    runs = [asyncio.create_task(slow.run(stop))]
    await eventually(lambda: calls == ["slow"], what="the slow worker starting the job")
    other = make_worker(
        redis, keys, queue, store, schedule, metrics, settings, clock, executor("other"), "other"
    )
    runs.append(asyncio.create_task(other.run(stop)))

    window_ends = (
        time.monotonic() + 5 * settings.visibility_timeout_s
    )  # the other worker reclaims every 0.1 s
    while time.monotonic() < window_ends:
        assert calls == ["slow"] and await queue.pending_for("slow") == 1
        await asyncio.sleep(0.02)
    gate.set()
    await eventually(lambda: _acked(queue), what="the slow job recorded")
    stop.set()
    await asyncio.wait_for(asyncio.gather(*runs), 5)

    assert calls == ["slow"]
    [observation] = await store.history("crawl", "site-1", since=0)
    assert observation.payload["by"] == "slow"
    assert sample(metrics, "govmon_jobs_reclaimed_total") == 0


async def _acked(queue) -> bool:
    return await queue.depth() == (0, 0)


async def test_a_worker_with_every_slot_busy_waits_without_spinning(
    redis, keys, queue, store, schedule, metrics, settings, clock
):
    settings = settings.model_copy(update={"slots": 1, "visibility_timeout_s": 0.1})
    queue = type(queue)(redis, keys, metrics, settings)
    await queue.enqueue(Job("crawl", "site-1", T0))
    gate = asyncio.Event()

    async def execute(job: Job):
        await gate.wait()
        return observed(job, clock.now())

    worker = make_worker(redis, keys, queue, store, schedule, metrics, settings, clock, execute)
    stop = asyncio.Event()
    run = asyncio.create_task(worker.run(stop))
    await eventually(lambda: worker.in_flight == 1, what="the job running")

    cpu_before = time.process_time()
    await asyncio.sleep(0.5)  # a window to measure the idle worker's CPU use in, not a wait for a result
    cpu_s = time.process_time() - cpu_before
    gate.set()
    stop.set()
    await asyncio.wait_for(run, 5)

    assert cpu_s < 0.1
    assert len(await store.history("crawl", "site-1", since=0)) == 1
