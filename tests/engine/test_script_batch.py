"""``ScriptBatch``: calls of one loop turn share a round trip, each caller gets its own reply or error,
and a script Redis lost (SCRIPT FLUSH, a restart) is loaded again."""

from __future__ import annotations

import asyncio

import pytest
import redis.asyncio as aioredis
from redis.exceptions import ResponseError

from monitor.engine.batch import ScriptBatch
from monitor.engine.kv.keys import Keys

ECHO = (
    "if ARGV[1] == 'boom' then return redis.error_reply('boom') end "
    "redis.call('SET', KEYS[1], ARGV[1]) return ARGV[1]"
)


class CountedScript:
    """A registered script that counts the calls sent one by one (a batch goes as a pipeline instead)."""

    def __init__(self, redis: aioredis.Redis) -> None:
        self._script = redis.register_script(ECHO)
        self.sha = self._script.sha
        self.alone = 0

    async def __call__(self, keys: list[str], args: list[str]) -> object:
        self.alone += 1
        return await self._script(keys=keys, args=args)


async def test_calls_of_one_turn_share_a_round_trip_each_with_its_own_reply(
    redis: aioredis.Redis, keys: Keys
) -> None:
    script = CountedScript(redis)
    batch = ScriptBatch(redis, script)  # type: ignore[arg-type]
    key = keys.prefix + ":echo"
    assert await batch([key], ["warm"]) == "warm"  # alone in its turn: sent by itself (and loaded)
    assert script.alone == 1

    replies = await asyncio.gather(
        *(batch([f"{key}:{n}"], [str(n)]) for n in range(6)), return_exceptions=True
    )
    assert replies == [str(n) for n in range(6)]
    assert script.alone == 1  # the six went out together
    assert await redis.get(f"{key}:5") == "5"


async def test_an_error_reaches_only_its_caller(redis: aioredis.Redis, keys: Keys) -> None:
    batch = ScriptBatch(redis, redis.register_script(ECHO))
    key = keys.prefix + ":echo"
    ok, bad = await asyncio.gather(batch([key], ["a"]), batch([key], ["boom"]), return_exceptions=True)
    assert ok == "a"
    assert isinstance(bad, ResponseError)


async def test_a_flushed_script_is_loaded_again(redis: aioredis.Redis, keys: Keys) -> None:
    batch = ScriptBatch(redis, redis.register_script(ECHO))
    key = keys.prefix + ":echo"
    assert await batch([key], ["first"]) == "first"
    await redis.script_flush()
    assert await asyncio.gather(batch([key], ["x"]), batch([key], ["y"])) == ["x", "y"]
    await redis.script_flush()
    assert await batch([key], ["z"]) == "z"
    with pytest.raises(ResponseError):
        await batch([key], ["boom"])
