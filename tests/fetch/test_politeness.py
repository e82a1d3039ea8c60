"""Per-host politeness: concurrency and rate as the servers see them, the adaptive delay, eviction."""

from __future__ import annotations

import asyncio
import itertools
import time

import pytest
from aiohttp import web
from yarl import URL

from monitor.fetch.politeness import MAX_DELAY_S, HostSlot, Politeness, host_key, parse_retry_after
from monitor.model import FailureReason
from monitor.settings import FetchSettings
from tests.fetch.conftest import FetcherFn, ServeFn

SETTINGS = FetchSettings(per_host_rate={"requests": 4, "period_s": 1.0})  # base delay step: 0.25 s


def busy(delay_s: float, overall: dict[str, int]):
    """Holds each request ``delay_s`` (server latency) and tracks the peak across all servers."""

    async def handler(request: web.Request) -> web.Response:
        overall["now"] += 1
        overall["peak"] = max(overall["peak"], overall["now"])
        try:
            await asyncio.sleep(delay_s)
        finally:
            overall["now"] -= 1
        return web.Response(text="ok", content_type="text/plain")

    return handler


async def test_per_host_concurrency_is_never_exceeded(serve: ServeFn, make_fetcher: FetcherFn) -> None:
    overall = {"now": 0, "peak": 0}
    a = await serve({"/": busy(0.05, overall)})
    b = await serve({"/": busy(0.05, overall)})
    fetcher = await make_fetcher(per_host_concurrency=2, concurrency=3)

    results = await asyncio.gather(*(fetcher.get(site.url("/")) for site in (a, b) for _ in range(10)))

    assert all(r.ok for r in results)
    assert a.peak_in_flight == 2  # the per-host limit is reached, never passed
    assert b.peak_in_flight == 2
    assert overall["peak"] == 3  # and the global limit holds across hosts


async def test_per_host_rate_limits_request_starts(serve: ServeFn, make_fetcher: FetcherFn) -> None:
    starts: list[float] = []

    async def stamp(request: web.Request) -> web.Response:
        starts.append(time.monotonic())
        return web.Response(text="ok", content_type="text/plain")

    site = await serve({"/": stamp})
    fetcher = await make_fetcher(per_host_concurrency=10, per_host_rate={"requests": 3, "period_s": 0.3})

    results = await asyncio.gather(*(fetcher.get(site.url("/")) for _ in range(7)))

    assert all(r.ok for r in results)
    starts.sort()
    # Any 4 consecutive starts span more than one period: never 4 starts in 0.3 s.
    assert all(starts[i + 3] - starts[i] >= 0.29 for i in range(len(starts) - 3))


async def test_overloaded_host_is_given_more_time_between_requests(
    serve: ServeFn, make_fetcher: FetcherFn
) -> None:
    starts: list[float] = []

    async def overloaded(request: web.Request) -> web.Response:
        starts.append(time.monotonic())
        return web.Response(status=503, text="系统维护", content_type="text/plain")

    site = await serve({"/": overloaded})
    fetcher = await make_fetcher(per_host_rate={"requests": 10, "period_s": 1.0})  # base delay 0.1 s

    for _ in range(3):
        assert (await fetcher.get(site.url("/"))).failure is FailureReason.HTTP_ERROR

    gaps = [later - earlier for earlier, later in itertools.pairwise(starts)]
    assert gaps[0] >= 0.09  # one step after the first 503
    assert gaps[1] >= 0.19  # doubled after the second
    slot = fetcher.politeness.get(host_key(URL(site.base)))
    assert slot is not None and slot.delay_s == pytest.approx(0.4)


async def test_probes_keep_their_cadence_and_do_not_feed_the_back_off(
    serve: ServeFn, make_fetcher: FetcherFn
) -> None:
    async def overloaded(request: web.Request) -> web.Response:
        return web.Response(status=503, text="系统维护", content_type="text/plain")

    site = await serve({"/": overloaded})
    fetcher = await make_fetcher(per_host_rate={"requests": 1, "period_s": 1.0})  # base delay 1 s
    assert (await fetcher.get(site.url("/"))).status == 503  # the crawl backs off: 1 s before the next
    slot = fetcher.politeness.get(host_key(URL(site.base)))
    assert slot is not None
    delay_before = slot.delay_s

    started = time.monotonic()
    probes = [await fetcher.probe(site.url("/"), timeout_s=2.0) for _ in range(3)]
    assert time.monotonic() - started < 0.5  # no waiting out the crawl's back-off
    assert all(p.status == 503 for p in probes)  # every sample taken and measured
    assert slot.delay_s == delay_before  # and their failures do not lengthen it


# ------------------------------------------------------------------------------------------ units
def test_delay_grows_on_overload_and_timeouts_and_never_shrinks_on_errors() -> None:
    slot = HostSlot(SETTINGS, now=0.0)

    slot.record(status=429, failure=FailureReason.HTTP_ERROR)
    assert slot.delay_s == 0.25
    slot.record(status=None, failure=FailureReason.TIMEOUT)
    assert slot.delay_s == 0.5
    for status, failure in [
        (404, FailureReason.HTTP_ERROR),
        (500, FailureReason.HTTP_ERROR),
        (None, FailureReason.CONNECTION_REFUSED),
        (None, FailureReason.CONNECTION_RESET),
        (200, FailureReason.BODY_TOO_LARGE),
    ]:
        slot.record(status=status, failure=failure)
        assert slot.delay_s == 0.5, (status, failure)
    slot.record(status=200, failure=None)
    assert slot.delay_s == 0.25
    for _ in range(5):
        slot.record(status=200, failure=None)
    assert slot.delay_s == 0.0


def test_retry_after_is_honoured_up_to_the_maximum() -> None:
    slot = HostSlot(SETTINGS, now=0.0)
    slot.record(status=503, failure=FailureReason.HTTP_ERROR, retry_after_s=5.0)
    assert slot.delay_s == 5.0
    slot.record(status=429, failure=FailureReason.HTTP_ERROR, retry_after_s=3600.0)
    assert slot.delay_s == MAX_DELAY_S


def test_parse_retry_after() -> None:
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == pytest.approx(10.0)
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412490.0) == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def test_host_key() -> None:
    assert host_key(URL("http://WWW.Hunan.gov.cn/a")) == "www.hunan.gov.cn"
    assert host_key(URL("https://www.hunan.gov.cn/b")) == "www.hunan.gov.cn"
    assert host_key(URL("http://127.0.0.1:8001/")) == "127.0.0.1:8001"
    assert host_key(URL("http://127.0.0.1:8002/")) == "127.0.0.1:8002"


async def test_idle_hosts_are_evicted_but_busy_ones_kept() -> None:
    now = [0.0]
    politeness = Politeness(SETTINGS, idle_evict_s=300.0, clock=lambda: now[0])

    async with politeness.slot("idle.gov.cn"):
        pass
    async with politeness.slot("busy.gov.cn"):
        now[0] = 400.0
        async with politeness.slot("other.gov.cn"):
            pass  # its release sweeps: idle.gov.cn goes, busy.gov.cn is in use

        assert "idle.gov.cn" not in politeness
        assert "busy.gov.cn" in politeness
    now[0] = 1000.0
    assert politeness.evict_idle() == 2
    assert len(politeness) == 0


async def test_thousands_of_hosts_stay_bounded() -> None:
    now = [0.0]
    politeness = Politeness(SETTINGS, idle_evict_s=60.0, clock=lambda: now[0])

    for n in range(3000):
        now[0] = n * 0.1  # 10 new hosts a second, each used once
        async with politeness.slot(f"site{n}.gov.cn"):
            pass

    assert len(politeness) <= 60 / 0.1 * 1.5 + 1  # about one idle period's worth, never all 3000
