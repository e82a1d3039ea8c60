"""``ctx.state``: what checks keep between runs, in Redis for workers and in memory for one-shot runs."""

from __future__ import annotations

from monitor.checks.state import MemoryState, get, put
from monitor.engine.kv.state import RedisState


async def test_memory_state_keeps_json_values_until_their_ttl_and_stays_bounded() -> None:
    state = MemoryState(max_entries=2)
    record = {"etag": '"v1"', "reading": {"entries": 3}}
    await put(state, "media:a", record, ttl_s=60)
    record["etag"] = "changed by the caller"
    assert await get(state, "media:a") == {"etag": '"v1"', "reading": {"entries": 3}}
    await state.set_many({"media:b": 1, "media:c": 2}, ttl_s=60)
    assert await state.get_many(["media:a", "media:b", "media:c"]) == [None, 1, 2]  # the oldest went
    await put(state, "link:x", "expired at once", ttl_s=0.0)
    assert await get(state, "link:x") is None and not await state.touch("link:x", 60)


async def test_redis_state_is_shared_under_the_documented_keys_with_their_ttl(redis, keys) -> None:
    writer, reader = RedisState(redis, keys), RedisState(redis, keys)
    await put(writer, "media:acct-1", {"watched_since": "2026-12-01"}, ttl_s=30)
    assert await get(reader, "media:acct-1") == {"watched_since": "2026-12-01"}
    assert 0 < await redis.pttl(keys.media_record("acct-1")) <= 30_000
    assert await reader.touch("media:acct-1", 600) and await redis.pttl(keys.media_record("acct-1")) > 30_000
    await redis.set(keys.state("media:broken"), "{not json")
    assert await reader.get_many(["media:broken", "media:none"]) == [None, None]
