"""The outbox in Redis: one delivery per (notice, recipient), waiting in a ZSET by when it may next be tried.

Why per recipient: one channel that is down must delay only itself. Every step is one Lua script, atomic:
- ``put``: skipped when the delivery's sent mark exists or it is already waiting (or dead), so deciding the
  same notice again (a redelivered event, a second leader, a restart) enqueues nothing new.
- ``claim``: due entries have their score pushed ahead by the claim timeout; a worker killed mid-send leaves
  its entry to come back after that timeout (the only way a notice may be sent twice: killed between the
  channel's answer and ``mark_sent``).
- ``mark_sent``: the sent mark (EX ``sent_mark_ttl_s``), the entry removed, a line in the log; idempotent.
- ``retry_later`` / ``bury``: back-off, or the dead letter after ``max_attempts``; ``revive`` sends it again.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Sequence
from typing import Any

import redis.asyncio as aioredis

from monitor.engine.kv.keys import Keys
from monitor.notify.policy import Notice
from monitor.notify.urls import channel_id

LOG_MAXLEN = 5000
DEAD_MAX = 10000

_PUT = """
if redis.call('EXISTS', KEYS[4]) == 1 then return 0 end
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
redis.call('ZADD', KEYS[3], ARGV[4], ARGV[1])
return 1
"""

_CLAIM = """
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
for _, id in ipairs(ids) do redis.call('ZADD', KEYS[1], ARGV[2], id) end
return ids
"""

# KEYS: items, due, since, sent mark, log.  ARGV: id, now, ttl_s, log entry, log maxlen
_SENT = """
redis.call('SET', KEYS[4], ARGV[2], 'EX', tonumber(ARGV[3]))
local had = redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
if had == 1 then
  redis.call('XADD', KEYS[5], 'MAXLEN', '~', ARGV[5], '*', 'entry', ARGV[4])
end
return had
"""

# KEYS: items, due.  ARGV: id, delivery json, next try
_LATER = """
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
return 1
"""

# KEYS: items, due, since, dead, log.  ARGV: id, delivery json, now, log entry, log maxlen, dead max
_BURY = """
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
redis.call('ZADD', KEYS[4], ARGV[3], ARGV[1])
redis.call('XADD', KEYS[5], 'MAXLEN', '~', ARGV[5], '*', 'entry', ARGV[4])
local extra = redis.call('ZCARD', KEYS[4]) - tonumber(ARGV[6])
if extra > 0 then
  for _, old in ipairs(redis.call('ZRANGE', KEYS[4], 0, extra - 1)) do
    redis.call('HDEL', KEYS[1], old)
  end
  redis.call('ZREMRANGEBYRANK', KEYS[4], 0, extra - 1)
end
return 1
"""

# KEYS: items, due, since, dead.  ARGV: id, delivery json, now
_REVIVE = """
if redis.call('ZREM', KEYS[4], ARGV[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[1])
return 1
"""


@dataclasses.dataclass(frozen=True, slots=True)
class Delivery:
    """One notice to one recipient (its apprise URL as configured: ``${VAR}`` not yet expanded)."""

    id: str
    notice: Notice
    recipient: str
    enqueued_at: float
    attempts: int = 0
    error: str = ""
    dead: bool = False

    def to_json(self) -> str:
        return json.dumps(
            {
                "id": self.id,
                "notice": self.notice.to_json(),
                "recipient": self.recipient,
                "enqueued_at": self.enqueued_at,
                "attempts": self.attempts,
                "error": self.error,
                "dead": self.dead,
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str | bytes) -> Delivery:
        data = json.loads(text)
        return cls(
            id=data["id"],
            notice=Notice.from_json(data["notice"]),
            recipient=data["recipient"],
            enqueued_at=float(data["enqueued_at"]),
            attempts=int(data.get("attempts", 0)),
            error=data.get("error", ""),
            dead=bool(data.get("dead", False)),
        )


def delivery_id(notice_id: str, recipient: str) -> str:
    return f"{notice_id}-{channel_id(recipient)}"


def log_entry(delivery: Delivery, result: str, at: float) -> str:
    n = delivery.notice
    entry: dict[str, Any] = {
        "id": delivery.id,
        "notice": n.id,
        "kind": n.kind.value,
        "title": n.title,
        "channel": channel_id(delivery.recipient),
        "scheme": delivery.recipient.split("://", 1)[0],
        "result": result,
        "at": at,
        "attempts": delivery.attempts,
        "error": delivery.error,
    }
    return json.dumps(entry, ensure_ascii=False)


class Outbox:
    def __init__(self, redis: aioredis.Redis, keys: Keys) -> None:
        self._redis = redis
        self._keys = keys
        self._put = redis.register_script(_PUT)
        self._claim = redis.register_script(_CLAIM)
        self._sent = redis.register_script(_SENT)
        self._later = redis.register_script(_LATER)
        self._bury = redis.register_script(_BURY)
        self._revive = redis.register_script(_REVIVE)

    async def put(self, notices: Iterable[Notice], now: float) -> int:
        """Enqueue each notice once per recipient; returns how many deliveries are new."""
        k = self._keys
        added = 0
        for notice in notices:
            for url in notice.recipients:
                d = Delivery(delivery_id(notice.id, url), notice, url, now)
                keys = [k.outbox_items, k.outbox_due, k.outbox_since, k.notice_sent(d.id)]
                added += int(await self._put(keys=keys, args=[d.id, d.to_json(), notice.not_before, now]))
        return added

    async def claim(self, now: float, hold_s: float, limit: int) -> list[Delivery]:
        ids = await self._claim(keys=[self._keys.outbox_due], args=[now, now + hold_s, limit])
        if not ids:
            return []
        bodies = await self._redis.hmget(self._keys.outbox_items, ids)
        return [Delivery.from_json(b) for b in bodies if b]

    async def is_sent(self, delivery: Delivery) -> bool:
        return bool(await self._redis.exists(self._keys.notice_sent(delivery.id)))

    async def mark_sent(self, delivery: Delivery, now: float, ttl_s: float) -> bool:
        k = self._keys
        keys = [k.outbox_items, k.outbox_due, k.outbox_since, k.notice_sent(delivery.id), k.notices_log]
        args: list[Any] = [delivery.id, now, max(1, int(ttl_s)), log_entry(delivery, "sent", now), LOG_MAXLEN]
        return bool(await self._sent(keys=keys, args=args))

    async def retry_later(self, delivery: Delivery, at: float) -> bool:
        keys = [self._keys.outbox_items, self._keys.outbox_due]
        return bool(await self._later(keys=keys, args=[delivery.id, delivery.to_json(), at]))

    async def bury(self, delivery: Delivery, now: float) -> bool:
        k = self._keys
        dead = dataclasses.replace(delivery, dead=True)
        keys = [k.outbox_items, k.outbox_due, k.outbox_since, k.outbox_dead, k.notices_log]
        args: list[Any] = [dead.id, dead.to_json(), now, log_entry(dead, "dead", now), LOG_MAXLEN, DEAD_MAX]
        return bool(await self._bury(keys=keys, args=args))

    async def revive(self, ids: Sequence[str] | None, now: float) -> int:
        """Dead letters (these ids, or all) back into the outbox with their attempts reset."""
        k = self._keys
        if ids is None:
            ids = [str(i) for i in await self._redis.zrange(k.outbox_dead, 0, -1)]
        revived = 0
        for did in ids:
            body = await self._redis.hget(k.outbox_items, did)
            if body is None:
                continue
            d = dataclasses.replace(
                Delivery.from_json(body), attempts=0, dead=False, error="", enqueued_at=now
            )
            keys = [k.outbox_items, k.outbox_due, k.outbox_since, k.outbox_dead]
            revived += int(await self._revive(keys=keys, args=[did, d.to_json(), now]))
        return revived

    # --------------------------------------------------------------------------------------------- reads
    async def waiting(self) -> list[Delivery]:
        ids: list[Any] = list(await self._redis.zrange(self._keys.outbox_due, 0, -1))
        bodies = await self._redis.hmget(self._keys.outbox_items, ids) if ids else []
        return [Delivery.from_json(b) for b in bodies if b]

    async def dead(self) -> list[Delivery]:
        ids: list[Any] = list(await self._redis.zrange(self._keys.outbox_dead, 0, -1))
        bodies = await self._redis.hmget(self._keys.outbox_items, ids) if ids else []
        return [Delivery.from_json(b) for b in bodies if b]

    async def log(self, count: int = 100) -> list[dict[str, Any]]:
        entries: Any = await self._redis.xrevrange(self._keys.notices_log, count=count)
        return [json.loads(fields["entry"]) for _, fields in entries]

    async def depth(self) -> tuple[int, float | None, int]:
        """(waiting deliveries, when the oldest entered, dead letters)."""
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.zcard(self._keys.outbox_due)
            pipe.zrange(self._keys.outbox_since, 0, 0, withscores=True)
            pipe.zcard(self._keys.outbox_dead)
            waiting, oldest, dead = await pipe.execute()
        return int(waiting), (float(oldest[0][1]) if oldest else None), int(dead)
