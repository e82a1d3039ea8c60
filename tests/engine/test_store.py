from __future__ import annotations

import asyncio
import datetime
import json

from monitor.api import payloads
from monitor.engine.store import Store
from monitor.model import Job, Observation, Outcome

from .support import eventually, observed

T = 1_800_000_000.0
JOB = Job("availability", "site-1", T)


async def test_a_result_is_recorded_once_however_often_the_job_is_delivered(queue, store, redis, keys):
    await queue.enqueue(JOB)
    await queue.enqueue(JOB)  # the same job twice: a duplicate delivery
    first, second = await queue.claim("w1", 2, 0)

    assert await store.record_and_ack(observed(JOB, T + 1, by="first"), first, queue) is True
    assert await store.record_and_ack(observed(JOB, T + 2, by="second"), second, queue) is False

    history = await store.history("availability", "site-1", since=0)
    assert [o.payload["by"] for o in history] == ["first"]
    assert (await store.latest("availability", "site-1")).payload["by"] == "first"
    assert await queue.depth() == (0, 0)  # both messages acked and deleted
    assert await redis.xlen(keys.stream) == 0


async def test_record_outside_the_queue_is_idempotent_too(store):
    assert await store.record(observed(JOB, T + 1)) is True
    assert await store.record(observed(JOB, T + 1)) is False

    assert len(await store.history("availability", "site-1", since=0)) == 1


async def test_no_observation_only_acks(queue, store):
    await queue.enqueue(Job("evaluate", "site-1", T))
    [claim] = await queue.claim("w1", 1, 0)

    assert await store.record_and_ack(None, claim, queue) is False

    assert await queue.depth() == (0, 0)
    assert await store.latest("evaluate", "site-1") is None


async def test_history_is_trimmed_by_age_and_by_count(redis, keys):
    store = Store(redis, keys, retention_s=100, max_history=3)
    for n, at in enumerate([T, T + 10, T + 20, T + 30, T + 40]):
        await store.record(observed(Job("availability", "site-1", at), at, by=str(n)))

    assert [o.payload["by"] for o in await store.history("availability", "site-1", since=0)] == [
        "2",
        "3",
        "4",
    ]

    await store.record(observed(Job("availability", "site-1", T + 135), T + 135, by="late"))

    # older than 135 - 100 = 35 s is gone: only the observation at T + 40 and the new one remain
    assert [o.payload["by"] for o in await store.history("availability", "site-1", since=0)] == ["4", "late"]
    assert 0 < await redis.ttl(keys.history("availability", "site-1")) <= 100


async def test_history_window_includes_both_ends(store):
    for at in (T, T + 10, T + 20):
        await store.record(observed(Job("availability", "site-1", at), at))

    assert [o.observed_at for o in await store.history("availability", "site-1", T + 10, T + 20)] == [
        T + 10,
        T + 20,
    ]
    assert [o.observed_at for o in await store.history("availability", "site-1", T + 11)] == [T + 20]


async def test_latest_is_not_replaced_by_an_older_observation_arriving_late(store):
    await store.record(observed(Job("availability", "site-1", T + 60), T + 60, by="new"))
    await store.record(observed(Job("availability", "site-1", T), T, by="old"))

    assert (await store.latest("availability", "site-1")).payload["by"] == "new"
    assert len(await store.history("availability", "site-1", since=0)) == 2


async def test_observation_round_trips_with_outcome_and_payload(store):
    observation = observed(JOB, T + 1.25, outcome=Outcome.DISCARDED)

    await store.record(observation)

    assert await store.latest("availability", "site-1") == observation


async def test_stored_documents_leave_out_what_their_key_says_and_read_back_whole(store, redis, keys):
    job = Job("homepage", "site:with:colons", T)
    sent = Observation("homepage", "site:with:colons", job.job_id, T + 1, Outcome.OK, None, {"title": "首页"})
    await store.record(sent)

    stored = json.loads(await redis.get(keys.latest("homepage", "site:with:colons")))
    assert set(stored) == {"job_id", "observed_at", "outcome", "payload"}  # no check, target_id, null reason
    assert await store.latest("homepage", "site:with:colons") == sent
    assert await store.history("homepage", "site:with:colons", since=0) == [sent]
    # a document written before this form (check and target_id inside) still reads
    assert Observation.from_json(sent.to_json(), "other", "other") == sent


async def test_record_and_ack_finishes_even_when_its_caller_is_cancelled(queue, store):
    await queue.enqueue(JOB)
    [claim] = await queue.claim("w1", 1, 0)

    call = asyncio.create_task(store.record_and_ack(observed(JOB, T + 1), claim, queue))
    await asyncio.sleep(0)  # let the call start, then cancel its caller
    call.cancel()

    async def recorded_and_acked() -> bool:
        return len(await store.history("availability", "site-1", since=0)) == 1 and await queue.depth() == (
            0,
            0,
        )

    await eventually(recorded_and_acked, what="the shielded record+ack completing")
    assert call.cancelled()


async def test_histories_of_several_checks_read_at_once_equal_their_one_by_one_reads(store):
    for n in range(4):
        await store.record(observed(Job("availability", "site-1", T + n), T + n))
        await store.record(observed(Job("homepage", "site-1", T + n), T + n, by=f"home-{n}"))
    await store.record(observed(Job("columns", "site-1", T + 9), T + 9))
    since = {"availability": T + 1, "homepage": T + 2, "columns": T, "links": T}

    together = await store.histories("site-1", since, until=T + 3)

    assert list(together) == ["availability", "homepage", "columns", "links"]
    for check, start in since.items():
        assert together[check] == await store.history(check, "site-1", since=start, until=T + 3)
    assert [o.payload["by"] for o in together["homepage"]] == ["home-2", "home-3"]
    assert together["columns"] == [] and together["links"] == []  # after `until`; never observed
    assert [o.observed_at for o in together["availability"]] == [T + 1, T + 2, T + 3]


def columns_payload(columns: int = 30) -> dict:
    """A county site's columns observation as the check records it: ~1.2 kB a column (its newest items)."""
    return {
        "url": "http://www.xx.gov.cn/",
        "as_of": "2026-12-06",
        "final_url": "http://www.xx.gov.cn/",
        "homepage": {"newest": "2026-11-22", "navigation_only": False, "latest": []},
        "columns": [
            {
                "name": f"工作动态{n}",
                "url": f"http://www.xx.gov.cn/c{n}/",
                "category": "news",
                "newest": "2026-11-10",
                "count": 15,
                "latest": [
                    {
                        "date": f"2026-11-{10 - i:02d}",
                        "title": f"县政府召开第{n * 3 + i}次常务会议研究安全生产等事项",
                        "url": f"http://www.xx.gov.cn/c{n}/202611/t2026111{i}_{10400000 + n * 3 + i}.html",
                    }
                    for i in range(3)
                ],
            }
            for n in range(columns)
        ],
    }


async def test_a_long_observation_is_stored_compressed_and_reads_back_whole(store, redis, keys):
    """A columns observation (~37 kB on a simulated county site) is most of a site's Redis memory: its payload
    is kept compressed, and everything that reads observations still reads it."""
    payload = columns_payload()
    plain_bytes = len(json.dumps(payload, ensure_ascii=False).encode())
    new = Observation("columns", "site-1", "columns:site-1:1", T + 60, Outcome.OK, None, payload)
    late = Observation(
        "columns", "site-1", "columns:site-1:0", T, Outcome.OK, None, {"url": "x", "columns": []}
    )
    await store.record(new)
    await store.record(late)  # older, arriving late: the record script must still read the stored time

    stored = await redis.get(keys.latest("columns", "site-1"))
    assert "payload_z" in json.loads(stored) and "payload" not in json.loads(stored)
    assert len(stored.encode()) < plain_bytes / 4
    assert await store.latest("columns", "site-1") == new
    assert await store.history("columns", "site-1", since=0) == [late, new]
    [head] = await store.latest_heads([("columns", "site-1")])
    assert (head.outcome, head.observed_at) == (Outcome.OK, T + 60)
    assert payloads.columns_ages(stored)[1] == {"news": datetime.date(2026, 11, 10)}  # the API's metrics


async def test_a_short_observation_is_stored_as_plain_json_and_an_old_long_one_still_reads(
    store, redis, keys
):
    short = observed(JOB, T + 1)
    await store.record(short)
    assert "payload" in json.loads(await redis.get(keys.latest("availability", "site-1")))

    old = Observation("columns", "site-2", "columns:site-2:1", T, Outcome.OK, None, columns_payload())
    await redis.set(keys.latest("columns", "site-2"), json.dumps(old.to_document(), ensure_ascii=False))
    assert await store.latest("columns", "site-2") == old  # written by a govmon before compression
