"""A leader lease in one Redis key: ``SET NX PX`` to take it, compare-and-pexpire to keep it, and
compare-and-delete to hand it back.

Only the holder may renew or release (the Lua scripts compare the stored owner first), so a process that
lost its lease while stalled cannot extend or delete the new holder's. A holder that dies simply stops
renewing and the key expires after ``ttl_s``: that bounds how long a standby waits.
"""

from __future__ import annotations

import redis.asyncio as aioredis

_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""

_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""


class Lease:
    """One role's lease (``keys.lease(role)``) as seen by one would-be holder ``owner``."""

    def __init__(self, redis: aioredis.Redis, key: str, owner: str, ttl_s: float) -> None:
        if ttl_s <= 0:
            raise ValueError("ttl_s must be positive")
        self._redis = redis
        self.key = key
        self.owner = owner
        self.ttl_ms = max(1, int(ttl_s * 1000))
        self._renew = redis.register_script(_RENEW)
        self._release = redis.register_script(_RELEASE)

    async def acquire(self) -> bool:
        """Take the lease if nobody holds it. Holding it already is not enough: use ``renew`` for that."""
        return bool(await self._redis.set(self.key, self.owner, nx=True, px=self.ttl_ms))

    async def renew(self) -> bool:
        """Extend the lease to a full ttl; False when it expired or someone else holds it now."""
        return bool(await self._renew(keys=[self.key], args=[self.owner, self.ttl_ms]))

    async def release(self) -> None:
        """Hand the lease back at once (a standby takes over on its next try) if it is still ours."""
        await self._release(keys=[self.key], args=[self.owner])

    async def holder(self) -> str | None:
        """Who holds the lease now, for logs and tests."""
        value = await self._redis.get(self.key)
        return str(value) if value is not None else None
