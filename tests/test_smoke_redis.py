async def test_embedded_redis_answers_and_keeps_keys_apart(redis, keys):
    await redis.set(keys.stats, "1")
    assert await redis.get(keys.stats) == "1"
