"""Availability samples are stored packed (9 bytes each, not a JSON document per ZSET member): they read
back as the probe recorded them, samples an older govmon stored as JSON still read (merged in time order),
and the packed string is trimmed by age and count as the history ZSET was."""

from __future__ import annotations

import json

from monitor.engine.store import Store
from monitor.model import Observation, Outcome

T = 1_800_000_000.0
URL = "https://www.x.gov.cn/"


# latency is kept in 2 ms steps: 0.246 reads back as itself
def probe(at: float, *, ok: bool = True, status: int | None = 200, reason: str | None = None,
          outcome: Outcome = Outcome.OK, discard: str | None = None, n: int = 0) -> Observation:  # fmt: skip
    payload = {"ok": ok, "latency_s": 0.246, "status": status, "reason": reason, "url": URL}
    observed_reason = discard if outcome is Outcome.DISCARDED else reason
    return Observation(
        "availability", "site-1", f"availability:site-1:{at}:{n}", at, outcome, observed_reason, payload
    )


async def test_probe_samples_read_back_as_recorded_in_nine_bytes_each(store: Store, redis, keys) -> None:
    recorded = [
        probe(T + 10),
        probe(T + 3610, ok=False, status=None, reason="timeout"),
        probe(T + 7210, ok=False, status=503, reason="http_error"),
        probe(T + 10810, ok=False, status=404, reason="http_404"),
        probe(
            T + 14410,
            ok=False,
            status=None,
            reason="dns",
            outcome=Outcome.DISCARDED,
            discard="control_failed",
        ),
    ]
    for observation in recorded:
        assert await store.record(observation) is True
    assert await redis.strlen(keys.samples("site-1")) == 9 * len(recorded)
    assert await redis.exists(keys.history("availability", "site-1")) == 0

    history = await store.history("availability", "site-1", since=T, until=T + 20_000)
    assert [(o.observed_at, o.outcome, o.reason, o.payload) for o in history] == [
        (o.observed_at, o.outcome, o.reason, o.payload) for o in recorded
    ]
    assert await store.history("availability", "site-1", since=T + 3610, until=T + 7210) == history[1:3]
    assert await store.last_observed_at([("availability", "site-1")]) == [T + 14410]


async def test_samples_stored_as_json_by_an_older_govmon_still_read(store: Store, redis, keys) -> None:
    old = probe(T + 100, ok=False, status=None, reason="connection_refused")
    await redis.zadd(keys.history("availability", "site-1"), {json.dumps(old.to_json()): old.observed_at})
    await store.record(probe(T + 3700))
    history = await store.history("availability", "site-1", since=0)
    assert [(o.observed_at, o.payload["ok"], o.payload["reason"]) for o in history] == [
        (T + 100, False, "connection_refused"),
        (T + 3700, True, None),
    ]


async def test_packed_samples_are_trimmed_by_age_and_count(redis, keys) -> None:
    store = Store(redis, keys, retention_s=7 * 86400, max_history=100)
    for n in range(24 * 8):  # 8 days hourly: the first day falls out of the 7-day retention
        await store.record(probe(T + n * 3600.0, n=n))
    history = await store.history("availability", "site-1", since=0)
    assert len(history) == 100  # the count cap
    assert history[-1].observed_at == T + 191 * 3600
    assert await redis.strlen(keys.samples("site-1")) == 900

    await store.record(probe(T + 30 * 86400, n=999))  # much later: everything before falls out
    assert [o.observed_at for o in await store.history("availability", "site-1", since=0)] == [T + 30 * 86400]


async def test_what_does_not_fit_is_kept_as_json(store: Store, redis, keys) -> None:
    odd = probe(T + 5, ok=False, status=None, reason="something_new")
    await store.record(odd)
    assert await redis.exists(keys.samples("site-1")) == 0
    [back] = await store.history("availability", "site-1", since=0)
    assert back == odd
