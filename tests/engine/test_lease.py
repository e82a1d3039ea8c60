from __future__ import annotations

import time

from monitor.engine.kv.lease import Lease

from .support import eventually


async def test_only_one_owner_holds_the_lease_and_only_the_holder_renews_or_releases(redis, keys):
    a = Lease(redis, keys.lease("scheduler"), "a", ttl_s=30)
    b = Lease(redis, keys.lease("scheduler"), "b", ttl_s=30)

    assert await a.acquire() is True
    assert await b.acquire() is False
    assert await a.acquire() is False  # SET NX: holding it is no reason to take it again
    assert await b.renew() is False
    await b.release()
    assert await a.holder() == "a"
    assert await a.renew() is True

    await a.release()
    assert await a.holder() is None
    assert await b.acquire() is True


async def test_renew_extends_the_lease_to_a_full_ttl(redis, keys):
    lease = Lease(redis, keys.lease("scheduler"), "a", ttl_s=30)
    await lease.acquire()
    await redis.pexpire(keys.lease("scheduler"), 100)

    assert await lease.renew() is True
    assert await redis.pttl(keys.lease("scheduler")) > 29_000


async def test_a_lease_not_renewed_expires_after_its_ttl(redis, keys):
    dead = Lease(redis, keys.lease("scheduler"), "dead", ttl_s=0.3)
    standby = Lease(redis, keys.lease("scheduler"), "standby", ttl_s=0.3)
    assert await dead.acquire()
    taken_at = time.monotonic()

    await eventually(standby.acquire, timeout_s=2, what="standby acquiring the expired lease")

    assert 0.25 <= time.monotonic() - taken_at < 1.0
    assert await dead.renew() is False  # the old holder cannot take it back
