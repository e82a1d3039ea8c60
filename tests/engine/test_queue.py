from __future__ import annotations

import time

import pytest
from redis.exceptions import ResponseError

from monitor.engine.queue import RECLAIM_BATCH, JobQueue
from monitor.model import Job

from .support import eventually, sample

JOB = Job("availability", "site-1", 1_800_000_000.5)


async def test_a_job_is_delivered_once_and_acking_deletes_it(queue, redis, keys):
    await queue.enqueue(JOB)

    [claim] = await queue.claim("w1", 10, 0)
    assert claim.job == JOB and claim.job.job_id == JOB.job_id and claim.deliveries == 1
    assert await queue.claim("w2", 10, 0) == []
    assert await queue.depth() == (0, 1)

    await queue.ack(claim)

    assert await queue.depth() == (0, 0)
    assert await redis.xlen(keys.stream) == 0  # acked entries are deleted: XLEN stays bounded


async def test_claim_returns_only_as_many_jobs_as_asked(queue):
    for n in range(5):
        await queue.enqueue(Job("availability", f"site-{n}", 1.0))

    assert len(await queue.claim("w1", 2, 0)) == 2
    assert await queue.depth() == (3, 2)


async def test_group_creation_swallows_busygroup_and_nothing_else(queue, redis, keys, metrics, settings):
    await queue.ensure_group()
    await queue.ensure_group()  # BUSYGROUP: fine

    other = keys.__class__(prefix=keys.prefix + "x")
    await redis.set(other.stream, "not a stream")
    with pytest.raises(ResponseError, match="WRONGTYPE"):
        await JobQueue(redis, other, metrics, settings).ensure_group()
    await redis.delete(other.stream)


async def test_release_puts_the_job_back_for_any_worker_at_once(queue, metrics):
    await queue.enqueue(JOB)
    [claim] = await queue.claim("w1", 1, 0)

    assert await queue.release(claim) is True

    assert await queue.depth() == (1, 0)
    [again] = await queue.claim("w2", 1, 0)
    assert again.job == JOB and again.deliveries == 1
    assert await queue.release(claim) is False  # the old message is gone: nothing happens twice
    assert sample(metrics, "govmon_jobs_released_total") == 1


async def test_release_leaves_alone_a_job_another_worker_reclaimed(queue):
    await queue.enqueue(JOB)
    [slow] = await queue.claim("w1", 1, 0)
    [taken] = await queue.reclaim("w2", 0)
    assert taken.deliveries == 2

    assert await queue.release(slow) is False

    assert await queue.depth() == (0, 1)
    assert await queue.pending_for("w2") == 1


async def test_reclaim_follows_the_xautoclaim_cursor_past_one_page(queue, metrics):
    count = RECLAIM_BATCH * 2 + 50
    for n in range(count):
        await queue.enqueue(Job("availability", f"site-{n}", 1.0))
    assert len(await queue.claim("dead", count, 0)) == count

    claims = await queue.reclaim("alive", 0)

    assert len(claims) == count
    assert {c.job.target_id for c in claims} == {f"site-{n}" for n in range(count)}
    assert all(c.deliveries == 2 for c in claims)
    assert await queue.pending_for("alive") == count and await queue.pending_for("dead") == 0
    assert sample(metrics, "govmon_jobs_reclaimed_total") == count


async def test_reclaim_takes_only_jobs_idle_longer_than_asked(queue):
    await queue.enqueue(JOB)
    await queue.claim("w1", 1, 0)

    assert await queue.reclaim("w2", 60) == []
    assert await queue.pending_for("w1") == 1


async def test_reclaim_stops_at_its_limit(queue):
    for n in range(10):
        await queue.enqueue(Job("availability", f"site-{n}", 1.0))
    await queue.claim("dead", 10, 0)

    assert len(await queue.reclaim("alive", 0, limit=3)) == 3
    assert await queue.pending_for("dead") == 7


async def test_a_job_delivered_more_than_max_deliveries_is_dead_lettered_with_its_reason(
    queue, metrics, settings
):
    assert settings.max_deliveries == 3
    await queue.enqueue(JOB)
    [claim] = await queue.claim("w1", 1, 0)
    await queue.note_failure(claim, "RuntimeError('boom')")
    assert [c.deliveries for c in await queue.reclaim("w1", 0)] == [2]
    assert [c.deliveries for c in await queue.reclaim("w1", 0)] == [3]

    assert await queue.reclaim("w1", 0) == []  # the 4th delivery would exceed 3

    assert await queue.deadletter_size() == 1
    assert await queue.depth() == (0, 0)
    [entry] = await queue.deadletters()
    assert entry["check"] == "availability" and entry["target_id"] == "site-1"
    assert entry["deliveries"] == "4" and "max_deliveries is 3" in entry["reason"]
    assert entry["error"] == "RuntimeError('boom')"
    assert sample(metrics, "govmon_jobs_dead_lettered_total", check="availability") == 1
    assert sample(metrics, "govmon_deadletter_size") == 1


async def test_an_entry_we_did_not_write_is_dead_lettered_not_crashing_the_worker(queue, redis, keys):
    await queue.ensure_group()
    await redis.xadd(keys.stream, {"garbage": "1"})
    await queue.enqueue(JOB)

    [claim] = await queue.claim("w1", 10, 0)

    assert claim.job == JOB
    [entry] = await queue.deadletters()
    assert entry["garbage"] == "1" and entry["reason"].startswith("undecodable job")


async def test_reclaim_acks_pending_entries_deleted_from_the_stream(queue, redis, keys):
    """Redis 6.2 answers a deleted entry with nil in XAUTOCLAIM and keeps it pending; we ack it."""
    for n in range(3):
        await queue.enqueue(Job("availability", f"site-{n}", 1.0))
    claims = await queue.claim("dead", 3, 0)
    await redis.xdel(keys.stream, claims[1].message_id)  # as MAXLEN trimming would

    reclaimed = await queue.reclaim("alive", 0)

    assert [c.job.target_id for c in reclaimed] == ["site-0", "site-2"]
    assert await queue.depth() == (0, 2)


async def test_capacity_counts_only_workers_whose_heartbeat_is_alive(queue, redis, keys):
    await queue.heartbeat("w1", slots=4, in_flight=1, ttl_s=30)
    await queue.heartbeat("w2", slots=8, in_flight=0, ttl_s=0.05)

    async def only_w1_left() -> bool:
        capacity = await queue.capacity()
        return capacity.workers == 1

    await eventually(only_w1_left, timeout_s=2, what="w2's heartbeat expiring")

    capacity = await queue.capacity()
    assert (capacity.slots, capacity.in_flight, capacity.free_slots) == (4, 1, 3)
    assert await redis.zrange(keys.workers, 0, -1) == ["w1"]  # the index forgets dead workers

    await queue.forget_worker("w1")
    assert (await queue.capacity()).workers == 0


async def test_consumers_that_left_or_died_are_removed_from_the_group_unless_they_hold_jobs(
    queue, redis, keys
):
    for n in range(3):
        await queue.enqueue(Job("availability", f"site-{n}", 1.0))
    await queue.claim("busy", 1, 0)
    for consumer in ("idle", "leaving"):  # each took a job and finished it
        [claim] = await queue.claim(consumer, 1, 0)
        await queue.ack(claim)

    assert await queue.leave("leaving") is True
    assert await queue.leave("busy") is False  # holds a job: it stays until that job is reclaimed
    assert await queue.prune_consumers(0) == 1  # "idle"

    consumers = await redis.xinfo_consumers(keys.stream, keys.group)
    assert [c["name"] for c in consumers] == ["busy"]
    assert await queue.prune_consumers(3600) == 0


async def test_touch_resets_the_idle_time_of_our_jobs_only_and_keeps_the_delivery_count(queue, redis, keys):
    await queue.enqueue(JOB)
    [claim] = await queue.claim("w1", 1, 0)

    async def idle_ms() -> int:
        [entry] = await redis.xpending_range(keys.stream, keys.group, "-", "+", 1)
        return int(entry["time_since_delivered"])

    await eventually(lambda: _at_least(idle_ms, 150), what="the job idling")
    assert await queue.touch("w1", [claim]) == 1
    assert await idle_ms() < 150
    assert await queue.reclaim("w2", 0.15) == []  # so it is not reclaimed: its worker is alive

    [taken] = await queue.reclaim("w2", 0)
    assert await queue.touch("w1", [claim]) == 0  # reclaimed by w2 meanwhile: not stolen back
    assert await queue.pending_for("w2") == 1
    assert await queue.touch("w2", [taken]) == 1
    [entry] = await redis.xpending_range(keys.stream, keys.group, "-", "+", 1)
    assert entry["times_delivered"] == 2 == taken.deliveries


async def _at_least(measure, threshold: int) -> bool:
    return await measure() >= threshold


async def test_claim_records_how_late_each_job_started_after_its_due_time_by_check(queue, metrics):
    """govmon_job_start_lag_seconds: due → first claim, the figure the national load's goal is stated in."""
    now = time.time()
    await queue.enqueue(Job("availability", "site-1", now - 0.3))
    await queue.enqueue(Job("media", "acct-1", now - 40.0))
    await queue.enqueue(Job("media", "acct-2", now + 60.0))  # claimed early (brought forward): lag 0

    assert len(await queue.claim("w1", 10, 0)) == 3

    lag = "govmon_job_start_lag_seconds"
    assert sample(metrics, f"{lag}_count", check="availability") == 1
    assert sample(metrics, f"{lag}_bucket", check="availability", le="0.25") == 0
    assert sample(metrics, f"{lag}_bucket", check="availability", le="0.5") == 1
    assert sample(metrics, f"{lag}_count", check="media") == 2
    assert sample(metrics, f"{lag}_bucket", check="media", le="0.01") == 1
    assert sample(metrics, f"{lag}_bucket", check="media", le="30.0") == 1
    assert sample(metrics, f"{lag}_bucket", check="media", le="60.0") == 2


async def test_a_reclaimed_job_does_not_count_its_start_lag_again(queue, metrics):
    await queue.enqueue(Job("availability", "site-1", time.time()))
    await queue.claim("w1", 1, 0)

    assert len(await queue.reclaim("w2", 0.0)) == 1

    assert sample(metrics, "govmon_job_start_lag_seconds_count", check="availability") == 1
