"""The availability series at /metrics count the packed samples workers now store (monitor.engine.samples):
the first scrape reads them all, later ones only the newest few — or all again when more came between two
scrapes than that tail holds."""

from __future__ import annotations

from monitor.model import Job, Observation, Outcome

from .test_compliance import NOW, SHAOYANG, runtime_for, scrape, started, value


async def probe(runtime, at: float, ok: bool, outcome: Outcome = Outcome.OK) -> None:
    payload = {"ok": ok, "latency_s": 0.3, "status": 200 if ok else None, "reason": None if ok else "timeout",
               "url": SHAOYANG.url}  # fmt: skip
    job = Job("availability", SHAOYANG.id, at)
    reason = "loop_lag" if outcome is Outcome.DISCARDED else payload["reason"]
    await runtime.store().record(
        Observation("availability", SHAOYANG.id, job.job_id, at, outcome, reason, payload)
    )


async def test_packed_samples_are_counted_first_whole_then_incrementally(redis, keys, metrics) -> None:
    runtime = runtime_for(redis, keys, metrics)
    now = NOW.timestamp()
    for i in range(20):  # 2 of 20 failed: 10 %
        await probe(runtime, now - 86400 * 6 + 600 * i, ok=i >= 2)
    await probe(runtime, now - 86400 * 6 + 600 * 25, ok=False, outcome=Outcome.DISCARDED)
    assert await redis.strlen(keys.samples(SHAOYANG.id)) == 21 * 9
    site = {"target": SHAOYANG.id, "region": "邵阳市"}
    client = await started(runtime)
    try:
        s = await scrape(client)
        assert value(s, "govmon_availability_samples", **site) == 20
        assert value(s, "govmon_availability_failure_ratio", **site) == 0.1
        for i in range(20):  # more than the tail a later scrape reads: it reads them all again
            await probe(runtime, now - 86400 * 5 + 600 * i, ok=True)
        s = await scrape(client)
        assert value(s, "govmon_availability_samples", **site) == 40
        await probe(runtime, now - 60, ok=False)
        s = await scrape(client)
        assert value(s, "govmon_availability_samples", **site) == 41
        assert value(s, "govmon_availability_failure_ratio", **site) == 3 / 41
    finally:
        await client.close()
