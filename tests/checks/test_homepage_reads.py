"""The checks that start from a site's homepage (homepage, columns, links, services, interaction) share one
read of it: the simulator's request counter shows the homepage fetched once for all of them within
``crawl.homepage_reuse_s``, again after it; each check observes what it observes from a read of its own; a
failed read fails each check as its own read did, and is not kept."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
from collections.abc import AsyncIterator, Sequence
from typing import Any
from urllib.parse import urlsplit

import pytest
import structlog

from monitor.checks import CHECKS, HOMEPAGE_READERS
from monitor.checks.base import CheckContext
from monitor.checks.controls import ControlProbe
from monitor.checks.homepage_reads import HomepageReads
from monitor.checks.state import MemoryState
from monitor.clock import FixedClock
from monitor.engine.loopwatch import LoopWatch
from monitor.fetch import Fetcher
from monitor.metrics import Metrics
from monitor.model import SHANGHAI, Observation, Outcome, Site
from monitor.settings import Settings
from monitor.sim import SimWeb

NOW = dt.datetime.now(SHANGHAI).replace(microsecond=0)
FIVE = ("homepage", "columns", "links", "services", "interaction")


class Ticks:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def sim() -> AsyncIterator[SimWeb]:
    async with SimWeb(seed=5, now=NOW, scenario="services") as web:
        yield web


def healthy_site(sim: SimWeb) -> Site:
    truth: Any = sim.truth()["sites"]
    for row in sim.inventory()["sites"]:  # type: ignore[union-attr]
        site = truth[row["id"]]
        if site["health"] == "healthy" and site["service"] == "platform" and site["channel"] == "working":
            return Site(row["id"], row["name"], row["url"], row["region"])
    raise AssertionError("the scenario has no healthy site with services and a channel")


def homepage_requests(sim: SimWeb, site: Site) -> int:
    parts = urlsplit(site.url)
    return sim.stats(parts.hostname or "").paths[parts.path or "/"]


@pytest.fixture
async def fetcher(sim: SimWeb) -> AsyncIterator[Fetcher]:
    settings = settings_for(sim)
    async with Fetcher(settings.fetch, allow_private=True, resolve=settings.resolve) as opened:
        yield opened


def settings_for(sim: SimWeb) -> Settings:
    return Settings.model_validate(
        {
            "resolve": sim.inventory()["resolve"],
            "allow_private_networks": True,
            "links": {"crawl_pages": 0, "crawl_depth": 0},
            "fetch": {"per_host_rate": {"requests": 200}, "per_host_concurrency": 16},
        }
    )


def context(sim: SimWeb, fetcher: Fetcher, homepages: HomepageReads | None) -> CheckContext:
    controls = ControlProbe(fetcher, (), timeout_s=5, cache_s=5)
    return CheckContext(
        fetcher, settings_for(sim), FixedClock(NOW), Metrics(), LoopWatch(), controls, structlog.get_logger(),
        homepages=homepages,
    )  # fmt: skip


async def run_together(
    site: Site, ctx: CheckContext, names: tuple[str, ...] = FIVE
) -> dict[str, Observation]:
    async with asyncio.TaskGroup() as group:
        tasks = {name: group.create_task(CHECKS[name].run(site, f"{name}:test", ctx)) for name in names}
    return {name: task.result() for name, task in tasks.items()}


def test_the_five_checks_that_start_from_the_homepage_are_the_ones_scheduled_together() -> None:
    assert set(FIVE) <= HOMEPAGE_READERS
    assert "availability" not in HOMEPAGE_READERS  # a probe times its own fresh request


async def test_the_homepage_is_read_once_for_every_check_within_the_bound(
    sim: SimWeb, fetcher: Fetcher
) -> None:
    site = healthy_site(sim)
    ticks = Ticks()
    reads = HomepageReads(fetcher, 600, monotonic=ticks)
    ctx = context(sim, fetcher, reads)

    together = await run_together(site, ctx)  # due together: one read in flight serves all five
    assert homepage_requests(sim, site) == 1
    assert (reads.fetched, reads.shared) == (1, 4)
    assert {name: o.outcome for name, o in together.items()} == dict.fromkeys(FIVE, Outcome.OK)

    ticks.now += 599  # later, within the bound: the kept read
    for name in FIVE[1:]:
        await CHECKS[name].run(site, f"{name}:again", ctx)
    assert homepage_requests(sim, site) == 1

    ticks.now += 2  # past the bound: read again, once
    await run_together(site, ctx, FIVE[1:])
    assert homepage_requests(sim, site) == 2
    assert (reads.fetched, reads.shared) == (2, 4 + 4 + 3)


async def test_each_check_observes_from_the_shared_read_what_it_observes_from_its_own(
    sim: SimWeb, fetcher: Fetcher
) -> None:
    site = healthy_site(sim)

    own = await run_together(site, context(sim, fetcher, None))
    assert homepage_requests(sim, site) == 5
    shared = await run_together(site, context(sim, fetcher, HomepageReads(fetcher, 600)))
    assert homepage_requests(sim, site) == 6

    for name in FIVE:
        assert (shared[name].outcome, shared[name].reason) == (own[name].outcome, own[name].reason), name
        assert shared[name].payload == own[name].payload, name


async def test_a_failed_shared_read_fails_each_check_as_its_own_read_did_and_is_not_kept(
    sim: SimWeb, fetcher: Fetcher
) -> None:
    site = healthy_site(sim)
    host = urlsplit(site.url).hostname or ""
    sim.set_profile(host, down=True)
    own = await run_together(site, context(sim, fetcher, None))
    reads = HomepageReads(fetcher, 600)
    ctx = context(sim, fetcher, reads)

    shared = await run_together(site, ctx)

    assert reads.fetched == 1
    for name in FIVE:
        assert shared[name].outcome is Outcome.FAILED, name
        assert (shared[name].reason, shared[name].payload) == (own[name].reason, own[name].payload), name
    sim.set_profile(host, down=False)
    assert (await CHECKS["columns"].run(site, "columns:up", ctx)).outcome is Outcome.OK  # read again
    assert reads.fetched == 2


async def test_a_cancelled_reader_does_not_fail_the_checks_waiting_for_its_read(
    sim: SimWeb, fetcher: Fetcher
) -> None:
    site = healthy_site(sim)
    host = urlsplit(site.url).hostname or ""
    sim.set_profile(host, latency_s=0.3)
    reads = HomepageReads(fetcher, 600)

    first = asyncio.create_task(reads.read(site))
    await asyncio.sleep(0.05)  # the first reader's fetch is in flight
    waiting = asyncio.create_task(reads.read(site))
    await asyncio.sleep(0.05)
    first.cancel()  # its job timed out

    result = await waiting
    assert result.ok
    with pytest.raises(asyncio.CancelledError):
        await first
    assert reads.fetched == 1  # the waiter read it itself, once


async def test_with_no_reuse_every_check_reads_the_homepage_itself(sim: SimWeb, fetcher: Fetcher) -> None:
    site = healthy_site(sim)

    await run_together(site, context(sim, fetcher, HomepageReads(fetcher, 0)))

    assert homepage_requests(sim, site) == 5


class CountingState(MemoryState):
    """The in-process state, counting reads of the scan mark (a worker's would be a Redis round trip each)."""

    reads = 0

    async def get_many(self, names: Sequence[str]) -> list[Any]:
        self.reads += sum(1 for name in names if name.startswith("content-scan:"))
        return await super().get_many(names)


async def test_a_read_between_two_scans_carries_this_workers_own_scan_without_reading_the_mark_back(
    sim: SimWeb, fetcher: Fetcher
) -> None:
    site = healthy_site(sim)
    ticks = Ticks()
    state = CountingState()
    settings = settings_for(sim)  # content.interval_s: the default 6 h; a scan's mark lasts 0.8 of it
    ctx = dataclasses.replace(
        context(sim, fetcher, HomepageReads(fetcher, 0, monotonic=ticks)), state=state, settings=settings
    )

    first = await CHECKS["homepage"].run(site, "homepage:1", ctx)
    assert state.reads == 1  # no scan yet: asked the shared state, then scanned
    ticks.now += 3600
    second = await CHECKS["homepage"].run(site, "homepage:2", ctx)
    assert state.reads == 1  # carried forward from this worker's own scan
    assert second.payload["content"] == first.payload["content"]

    ticks.now += 0.8 * settings.content.interval_s  # the mark has expired: ask the shared state again
    await CHECKS["homepage"].run(site, "homepage:3", ctx)
    assert state.reads == 2
