from __future__ import annotations

import asyncio
import contextlib
import itertools
import statistics
import time

import pytest

from monitor.clock import SystemClock
from monitor.engine.kv.keys import Keys
from monitor.engine.kv.lease import Lease
from monitor.engine.queue import JobQueue, decode_job
from monitor.engine.schedule import NotLeader, Schedule
from monitor.metrics import Metrics

from .conftest import T0
from .support import eventually, sample


async def lead(redis, keys: Keys, owner: str = "me") -> str:
    assert await Lease(redis, keys.lease("scheduler"), owner, ttl_s=60).acquire()
    return owner


async def jobs_in_stream(redis, keys: Keys) -> list:
    return [decode_job(fields) for _id, fields in await redis.xrange(keys.stream)]


async def test_sync_spreads_first_due_times_over_one_interval(schedule, redis, keys, metrics):
    entries = [("availability", f"site-{n}", 3600.0) for n in range(1000)]

    await schedule.sync(entries)

    dues = [due for _m, due in await redis.zrange(keys.schedule, 0, -1, withscores=True)]
    assert len(dues) == 1000 and all(T0 <= due < T0 + 3600 for due in dues)
    per_tenth = [sum(1 for d in dues if T0 + k * 360 <= d < T0 + (k + 1) * 360) for k in range(10)]
    assert min(per_tenth) > 60 and max(per_tenth) < 140, per_tenth  # about 100 each, not a burst
    assert sample(metrics, "govmon_schedule_entries") == 1000


async def test_first_due_times_are_deterministic(redis, keys, metrics, clock):
    entries = [("availability", "site-1", 3600.0), ("homepage", "site-1", 86400.0)]
    other = Keys(prefix=keys.prefix + "b")

    await Schedule(redis, keys, metrics, clock).sync(entries)
    await Schedule(redis, other, Metrics(), clock).sync(entries)

    assert await redis.zrange(keys.schedule, 0, -1, withscores=True) == await redis.zrange(
        other.schedule, 0, -1, withscores=True
    )


async def test_sync_keeps_existing_due_times_adds_new_and_removes_gone_entries(schedule, redis, keys, clock):
    await schedule.sync([("availability", "a", 3600.0), ("availability", "b", 3600.0)])
    await redis.zadd(keys.schedule, {"availability|a": T0 + 1234.5})  # as the running scheduler left it
    clock.advance(600)

    await schedule.sync([("availability", "a", 3600.0), ("availability", "c|with|bars", 3600.0)])

    assert await schedule.due_at("availability", "a") == T0 + 1234.5
    assert await schedule.due_at("availability", "b") is None
    assert T0 + 600 <= await schedule.due_at("availability", "c|with|bars") < T0 + 600 + 3600


async def test_sync_pulls_in_a_due_time_beyond_a_shortened_interval(schedule, clock):
    await schedule.sync([("availability", "a", 86400.0)])
    await schedule.sync([("availability", "a", 60.0)])

    assert T0 <= await schedule.due_at("availability", "a") < T0 + 60


async def test_due_entries_are_enqueued_once_with_next_due_jittered_within_ten_percent(
    schedule, queue, redis, keys, clock, metrics, settings
):
    await schedule.sync([("availability", f"site-{n}", 100.0) for n in range(200)])
    first = {f"availability|site-{n}": T0 + n / 100 for n in range(200)}
    await redis.zadd(keys.schedule, first)  # all due within the last 2 s
    await queue.heartbeat("w1", slots=1000, in_flight=0, ttl_s=60)
    clock.advance(2)
    owner = await lead(redis, keys)

    assert await schedule.tick(queue, settings, owner=owner) == 200
    assert await schedule.tick(queue, settings, owner=owner) == 0  # nothing twice

    jobs = await jobs_in_stream(redis, keys)
    assert sorted(job.due_at for job in jobs) == sorted(first.values())
    gaps = []
    for job in jobs:
        following = await schedule.due_at(job.check, job.target_id)
        gaps.append((following - job.due_at) / 100.0)
    assert all(0.9 <= gap <= 1.1 for gap in gaps)
    assert min(gaps) < 0.95 and max(gaps) > 1.05 and statistics.stdev(gaps) > 0.03  # really jittered
    assert sample(metrics, "govmon_jobs_enqueued_total", check="availability") == 200


async def test_an_entry_overdue_by_more_than_an_interval_runs_once_then_lands_in_the_next_interval(
    schedule, queue, redis, keys, clock, settings
):
    await schedule.sync([("availability", f"site-{n}", 100.0) for n in range(50)])
    await queue.heartbeat("w1", slots=1000, in_flight=0, ttl_s=60)
    clock.advance(1000)  # ten intervals of downtime
    owner = await lead(redis, keys)

    assert await schedule.tick(queue, settings, owner=owner) == 50  # one each, no catch-up burst

    dues = [due for _m, due in await redis.zrange(keys.schedule, 0, -1, withscores=True)]
    assert all(T0 + 1000 <= due < T0 + 1100 for due in dues)
    assert statistics.pstdev(dues) > 10  # spread over the interval, not all at once


async def test_backpressure_keeps_the_backlog_within_the_bound_and_the_rest_shows_as_overdue(
    schedule, queue, redis, keys, clock, metrics, settings
):
    await schedule.sync([("availability", f"site-{n}", 100.0) for n in range(50)])
    clock.advance(100)
    owner = await lead(redis, keys)

    assert await schedule.tick(queue, settings, owner=owner) == 0  # no live worker: nothing is sent

    await queue.heartbeat("w1", slots=2, in_flight=0, ttl_s=60)  # bound = 3 × 2 free slots = 6
    for _ in range(3):
        await schedule.tick(queue, settings, owner=owner)

    assert await queue.depth() == (6, 0)
    assert sample(metrics, "govmon_schedule_overdue") == 44
    assert sample(metrics, "govmon_scheduler_backpressure_total") >= 4
    count, oldest = await schedule.overdue(clock.now())
    assert count == 44 and T0 <= oldest < T0 + 100
    assert sample(metrics, "govmon_queue_lag_seconds") == pytest.approx(clock.now() - oldest)

    # Both slots busy: the bound falls to the total slots (2), already exceeded; nothing more is sent.
    await queue.claim("w1", 2, 0)
    await queue.heartbeat("w1", slots=2, in_flight=2, ttl_s=60)
    assert await schedule.tick(queue, settings, owner=owner) == 0
    assert await queue.depth() == (4, 2)


async def test_overdue_counts_due_entries_and_reports_the_oldest(schedule, redis, keys):
    await redis.zadd(
        keys.schedule, {"availability|a": T0 - 50, "availability|b": T0 - 10, "availability|c": T0 + 5}
    )

    assert await schedule.overdue(T0) == (2, T0 - 50)
    assert await schedule.overdue(T0 - 100) == (0, None)


async def test_bring_forward_only_moves_existing_entries_earlier(schedule, redis, keys):
    await redis.zadd(keys.schedule, {"evaluate|site-1": T0 + 300})

    await schedule.bring_forward("evaluate", "site-1", T0 + 5)
    await schedule.bring_forward("evaluate", "site-1", T0 + 100)  # later: ignored, the burst is folded
    await schedule.bring_forward("evaluate", "gone", T0)  # not scheduled: not re-created

    assert await schedule.due_at("evaluate", "site-1") == T0 + 5
    assert await schedule.due_at("evaluate", "gone") is None


async def test_tick_refuses_to_enqueue_without_the_lease(schedule, queue, redis, keys, clock, settings):
    await schedule.sync([("availability", "site-1", 100.0)])
    await queue.heartbeat("w1", slots=4, in_flight=0, ttl_s=60)
    clock.advance(100)
    await lead(redis, keys, owner="someone-else")

    with pytest.raises(NotLeader):
        await schedule.tick(queue, settings, owner="me")
    assert await queue.depth() == (0, 0)


async def test_a_standby_takes_over_within_the_lease_ttl_when_the_leader_dies(redis, keys, settings):
    """Two schedulers in one process; the leader's task is cancelled, releasing nothing (like a death)."""
    settings = settings.model_copy(update={"lease_ttl_s": 1.0})  # renewals every 0.33 s tolerate a loaded CI
    entries = [("availability", f"site-{n}", 0.2) for n in range(5)]
    queue = JobQueue(redis, keys, Metrics(), settings)
    await queue.heartbeat("w1", slots=1000, in_flight=0, ttl_s=60)
    metrics = {"a": Metrics(), "b": Metrics()}
    schedulers = {name: Schedule(redis, keys, metrics[name], SystemClock()) for name in metrics}
    for scheduler in schedulers.values():
        await scheduler.sync(entries)
    stops = {name: asyncio.Event() for name in metrics}
    runs = {}

    def leading(name: str) -> bool:
        return sample(metrics[name], "govmon_scheduler_leader") == 1

    runs["a"] = asyncio.create_task(schedulers["a"].run(stops["a"], queue, owner="a", settings=settings))
    await eventually(lambda: leading("a"), what="a leading")
    runs["b"] = asyncio.create_task(schedulers["b"].run(stops["b"], queue, owner="b", settings=settings))
    # Renewal keeps a in charge past its ttl while b keeps trying.
    watch_until = time.monotonic() + 1.5 * settings.lease_ttl_s
    while time.monotonic() < watch_until:
        assert leading("a") and not leading("b")
        await asyncio.sleep(0.02)

    runs["a"].cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await runs["a"]
    assert await redis.get(keys.lease("scheduler")) == "a"  # not released: a died
    took_s = await eventually(lambda: leading("b"), timeout_s=5, what="b taking over")

    assert took_s <= settings.lease_ttl_s + settings.tick_s + 0.5
    enqueued_before = sample(metrics["b"], "govmon_jobs_enqueued_total", check="availability")
    await eventually(
        lambda: sample(metrics["b"], "govmon_jobs_enqueued_total", check="availability") > enqueued_before,
        what="b enqueuing",
    )
    stops["b"].set()
    await runs["b"]
    assert await redis.get(keys.lease("scheduler")) is None  # a graceful stop hands the lease back
    assert sample(metrics["b"], "govmon_scheduler_leader") == 0


async def test_an_entry_this_leader_does_not_know_is_postponed_not_deleted(
    schedule, queue, redis, keys, clock, settings
):
    await schedule.sync([("availability", "a", 100.0)])
    await redis.zadd(keys.schedule, {"newcheck|a": T0})  # synced by a scheduler with a newer inventory
    await queue.heartbeat("w1", slots=4, in_flight=0, ttl_s=60)
    clock.advance(100)

    assert await schedule.tick(queue, settings, owner=await lead(redis, keys)) == 1

    assert [job.check for job in await jobs_in_stream(redis, keys)] == ["availability"]
    assert await schedule.due_at("newcheck", "a") == T0 + 100 + 60


HOMEPAGE_READERS = {"homepage": 21600.0, "columns": 21600.0, "links": 21600.0, "services": 86400.0}


def site_entries(sites: int) -> list[tuple[str, str, float]]:
    entries = [
        (check, f"s{n}", interval) for n in range(sites) for check, interval in HOMEPAGE_READERS.items()
    ]
    return entries + [("availability", f"s{n}", 3600.0) for n in range(sites)]


async def dues(redis, keys: Keys) -> dict[str, float]:
    return dict(await redis.zrange(keys.schedule, 0, -1, withscores=True))


async def test_checks_synced_together_fall_due_together_on_each_site_and_sites_stay_spread(
    schedule, redis, keys
):
    await schedule.sync(site_entries(200), together=set(HOMEPAGE_READERS))

    due = await dues(redis, keys)
    for n in range(200):
        assert due[f"homepage|s{n}"] == due[f"columns|s{n}"] == due[f"links|s{n}"]
        assert T0 <= due[f"homepage|s{n}"] < T0 + 21600 * 1.05
        assert T0 <= due[f"services|s{n}"] < T0 + 86400 * 1.05
    homepages = [due[f"homepage|s{n}"] for n in range(200)]
    per_hour = [sum(1 for d in homepages if T0 + h * 3600 <= d < T0 + (h + 1) * 3600) for h in range(6)]
    assert min(per_hour) > 15, per_hour  # spread over the interval, not a burst
    assert len({due[f"availability|s{n}"] - due[f"homepage|s{n}"] for n in range(200)}) == 200  # not aligned


async def test_a_daily_check_falls_due_with_one_of_its_sites_six_hourly_reads_cycle_after_cycle(
    schedule, queue, redis, keys, clock, settings
):
    await schedule.sync(site_entries(20), together=set(HOMEPAGE_READERS))
    await queue.heartbeat("w1", slots=10_000, in_flight=0, ttl_s=10**6)
    owner = await lead(redis, keys)
    runs: dict[str, list[float]] = {}
    for _ in range(24 * 5):  # five days, a tick an hour
        clock.advance(3600)
        await schedule.tick(queue, settings, owner=owner)
        for job in await jobs_in_stream(redis, keys):
            runs.setdefault(f"{job.check}|{job.target_id}", []).append(job.due_at)
        await redis.delete(keys.stream)

    for n in range(20):
        homepage = runs[f"homepage|s{n}"]
        assert homepage == runs[f"columns|s{n}"] == runs[f"links|s{n}"]
        assert len(homepage) in (19, 20, 21)
        assert all(0.9 <= (b - a) / 21600 <= 1.1 for a, b in itertools.pairwise(homepage))
        services = runs[f"services|s{n}"]
        assert len(services) in (4, 5, 6) and set(services) <= set(homepage)  # each with a homepage read
        assert all(0.9 <= (b - a) / 86400 <= 1.1 for a, b in itertools.pairwise(services))


async def test_an_entry_off_its_sites_grid_joins_it_at_its_next_run(
    schedule, queue, redis, keys, clock, settings
):
    await schedule.sync(site_entries(1), together=set(HOMEPAGE_READERS))
    grid = (await dues(redis, keys))["homepage|s0"]
    await redis.zadd(keys.schedule, {"links|s0": T0 + 1.0})  # an older govmon left it at a time of its own
    await queue.heartbeat("w1", slots=100, in_flight=0, ttl_s=10**6)
    clock.advance(2.0)

    await schedule.tick(queue, settings, owner=await lead(redis, keys))

    links = await schedule.due_at("links", "s0")
    columns_after = [schedule.next_due(grid, 21600.0, grid, value="columns|s0")]
    columns_after.append(schedule.next_due(columns_after[0], 21600.0, grid, value="columns|s0"))
    assert links in columns_after  # a grid point, between half an interval and one and a half ahead
    assert 0.5 * 21600 <= links - (T0 + 1.0) <= 1.5 * 21600
