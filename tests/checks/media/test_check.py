"""The media check against the simulated bridge: conditional GETs answered 304 carry the reading forward,
validators live in the shared state (Redis) across polls and workers, hostile feeds fail one observation, and the
bridge host keeps its politeness limit however many accounts it serves."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator

import pytest
import redis.asyncio as aioredis
import structlog

from monitor.checks.base import CheckContext
from monitor.checks.controls import ControlProbe
from monitor.checks.media.check import poll_account
from monitor.clock import FixedClock
from monitor.engine.kv.keys import Keys
from monitor.engine.kv.state import RedisState
from monitor.engine.loopwatch import LoopWatch
from monitor.fetch import Fetcher
from monitor.metrics import Metrics
from monitor.model import SHANGHAI, Account, ListSource, Outcome
from monitor.settings import Settings
from monitor.sim import SimWeb

NOW = dt.datetime.now(SHANGHAI).replace(microsecond=0)


@pytest.fixture
async def sim() -> AsyncIterator[SimWeb]:
    async with SimWeb(seed=2, now=NOW, sites=[], media_cases=True, slow_bridge_latency_s=0.3) as web:
        yield web


@pytest.fixture
async def ctx(sim: SimWeb, redis: aioredis.Redis, keys: Keys) -> AsyncIterator[CheckContext]:
    settings = Settings(resolve=sim.resolve, allow_private_networks=True, fetch={"per_host_concurrency": 2})
    async with Fetcher(settings.fetch, allow_private=True, resolve=settings.resolve) as fetcher:
        controls = ControlProbe(fetcher, (), timeout_s=5, cache_s=5)
        yield CheckContext(
            fetcher, settings, FixedClock(NOW), Metrics(), LoopWatch(), controls, structlog.get_logger(),
            state=RedisState(redis, keys),
        )  # fmt: skip


def accounts(sim: SimWeb) -> dict[str, Account]:
    rows = {}
    for row in sim.inventory()["accounts"]:  # type: ignore[union-attr]
        source = row.get("list")
        rows[row["id"]] = Account(
            row["id"], row["name"], row["platform"], row["region"], feed=row.get("feed"),
            list=ListSource(**source) if source else None,
        )  # fmt: skip
    return rows


async def test_a_304_carries_the_reading_and_validators_are_shared_through_the_state(
    sim: SimWeb, ctx: CheckContext
) -> None:
    account = accounts(sim)["case-etag-only"]
    first = await poll_account(account, "j1", ctx)
    assert first.outcome is Outcome.OK and not first.payload["not_modified"]
    second = await poll_account(account, "j2", ctx)  # validators come from the shared state (Redis)
    assert second.payload["not_modified"] is True and second.payload["status"] == 304
    for field in ("newest", "entries", "recent", "kind"):
        assert second.payload[field] == first.payload[field]
    assert sim.stats(sim.bridge_host).not_modified == 1


async def test_without_validators_every_poll_is_a_full_read(sim: SimWeb, ctx: CheckContext) -> None:
    account = accounts(sim)["case-no-validators"]
    for job in ("j1", "j2"):
        observation = await poll_account(account, job, ctx)
        assert observation.outcome is Outcome.OK and not observation.payload["not_modified"]
    assert sim.stats(sim.bridge_host).not_modified == 0


async def test_hostile_and_broken_feeds_fail_one_observation_each(sim: SimWeb, ctx: CheckContext) -> None:
    rows = accounts(sim)
    bomb = await poll_account(rows["case-bomb"], "j1", ctx)
    invalid = await poll_account(rows["case-invalid"], "j2", ctx)
    gone = await poll_account(rows["hyjj-douyin"], "j3", ctx)
    assert (bomb.outcome, bomb.reason) == (Outcome.FAILED, "hostile_xml")
    assert (invalid.outcome, invalid.reason) == (Outcome.FAILED, "invalid_feed")
    assert (gone.outcome, gone.reason, gone.payload["status"]) == (Outcome.FAILED, "http_error", 503)


async def test_payload_of_a_feed_with_a_future_entry_and_of_a_list_page(
    sim: SimWeb, ctx: CheckContext
) -> None:
    rows = accounts(sim)
    future = await poll_account(rows["case-future"], "j1", ctx)
    truth = sim.truth()["accounts"]["case-future"]  # type: ignore[index]
    assert future.payload["future"] == 1 and future.payload["entries"] == truth["entries"]
    assert dt.datetime.fromisoformat(future.payload["newest"]) < NOW - dt.timedelta(days=11)
    listed = await poll_account(rows["case-html"], "j2", ctx)
    assert listed.payload["source"] == "list" and listed.payload["kind"] == "html"
    assert listed.payload["entries"] == sim.truth()["accounts"]["case-html"]["entries"]  # type: ignore[index]


async def test_one_bridge_never_sees_more_than_its_per_host_limit(sim: SimWeb, ctx: CheckContext) -> None:
    on_slow_bridge = [a for a in accounts(sim).values() if a.feed and sim.slow_bridge_host in a.feed]
    many = on_slow_bridge * 4  # eight polls of the slow bridge at once
    results = await asyncio.gather(*(poll_account(a, f"j{n}", ctx) for n, a in enumerate(many)))
    assert all(r.outcome is Outcome.OK for r in results)
    assert sim.stats(sim.slow_bridge_host).max_in_flight <= 2


async def test_a_bridge_gets_its_own_limits_from_fetch_hosts(
    sim: SimWeb, redis: aioredis.Redis, keys: Keys
) -> None:
    settings = Settings(
        resolve=sim.resolve,
        allow_private_networks=True,
        fetch={"per_host_concurrency": 4, "hosts": {sim.slow_bridge_host: {"per_host_concurrency": 1}}},
    )
    async with Fetcher(settings.fetch, allow_private=True, resolve=settings.resolve) as fetcher:
        controls = ControlProbe(fetcher, (), timeout_s=5, cache_s=5)
        ctx = CheckContext(
            fetcher, settings, FixedClock(NOW), Metrics(), LoopWatch(), controls, structlog.get_logger(),
            state=RedisState(redis, keys),
        )  # fmt: skip
        on_slow_bridge = [a for a in accounts(sim).values() if a.feed and sim.slow_bridge_host in a.feed]
        results = await asyncio.gather(
            *(poll_account(a, f"j{n}", ctx) for n, a in enumerate(on_slow_bridge * 2))
        )
    assert all(r.outcome is Outcome.OK for r in results)
    assert sim.stats(sim.slow_bridge_host).max_in_flight == 1
