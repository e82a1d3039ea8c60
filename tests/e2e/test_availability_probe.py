"""The availability check as a worker runs it: the 15 s rule (scaled down), and never blaming a site for
govmon's own trouble (control probes down, event loop stalled)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from monitor.checks.availability import CHECK
from monitor.clock import SystemClock
from monitor.inventory import Loaded
from monitor.model import Outcome, Site
from monitor.runtime import Runtime, check_context
from monitor.settings import Settings


@pytest.fixture
async def web_server() -> AsyncIterator[str]:
    """A homepage answering after ``?delay=`` seconds."""

    async def page(request: web.Request) -> web.Response:
        await asyncio.sleep(float(request.query.get("delay", "0")))
        return web.Response(text="<html><title>某市人民政府</title></html>", content_type="text/html")

    app = web.Application()
    app.router.add_get("/", page)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield f"http://www.example-city.gov.cn:{port}/"
    await runner.cleanup()


def runtime_for(
    redis, keys, metrics, *, timeout_s: float, control_urls: tuple[str, ...] = (), max_loop_lag_s: float = 0.5
) -> Runtime:
    settings = Settings.model_validate(
        {
            "allow_private_networks": True,
            "resolve": {"www.example-city.gov.cn": "127.0.0.1", "control.example.gov.cn": "127.0.0.1"},
            "control_urls": list(control_urls),
            "availability": {"timeout_s": timeout_s, "max_loop_lag_s": max_loop_lag_s, "control_cache_s": 0},
        }
    )
    loaded = Loaded(settings, (), (), (), ())
    return Runtime(loaded, redis, keys, metrics, SystemClock(), redis_url="unused")


async def probe(runtime: Runtime, url: str):
    site = Site(id="4301000001", name="某市人民政府门户网站", url=url, region="某市")
    async with check_context(runtime) as ctx:
        return await CHECK.run(site, "availability:4301000001:1", ctx)


async def test_homepage_received_within_the_timeout_is_an_ok_sample(redis, keys, metrics, web_server):
    observation = await probe(runtime_for(redis, keys, metrics, timeout_s=1.0), web_server + "?delay=0.1")
    assert observation.outcome == Outcome.OK
    assert observation.payload["ok"] is True and observation.payload["status"] == 200


async def test_homepage_not_received_within_the_timeout_is_a_failed_sample(redis, keys, metrics, web_server):
    # the 15 s rule, scaled down: a 0.3 s timeout, a page that takes 0.6 s
    observation = await probe(runtime_for(redis, keys, metrics, timeout_s=0.3), web_server + "?delay=0.6")
    assert observation.outcome == Outcome.OK  # judged: it counts
    assert observation.payload["ok"] is False and observation.payload["reason"] == "timeout"
    assert metrics.registry.get_sample_value("govmon_availability_probes_total", {"result": "failed"}) == 1


async def test_failed_probe_is_discarded_when_the_control_urls_fail_too(redis, keys, metrics, web_server):
    refused = "http://control.example.gov.cn:9/"  # nothing listens on the discard port
    runtime = runtime_for(redis, keys, metrics, timeout_s=0.3, control_urls=(refused,))
    observation = await probe(runtime, web_server + "?delay=0.6")
    assert observation.outcome == Outcome.DISCARDED and observation.reason == "control_failed"
    assert (
        metrics.registry.get_sample_value(
            "govmon_availability_probes_discarded_total", {"reason": "control_failed"}
        )
        == 1
    )


async def test_failed_probe_counts_when_a_control_url_answers(redis, keys, metrics, web_server):
    control = web_server.replace("www.example-city", "control.example")
    runtime = runtime_for(redis, keys, metrics, timeout_s=0.3, control_urls=(control,))
    observation = await probe(runtime, web_server + "?delay=0.6")
    assert observation.outcome == Outcome.OK and observation.payload["ok"] is False


async def test_failed_probe_is_discarded_when_our_event_loop_stalled(redis, keys, metrics, web_server):
    runtime = runtime_for(redis, keys, metrics, timeout_s=0.3, max_loop_lag_s=0.1)

    async def stall_the_loop() -> None:
        await asyncio.sleep(0.05)
        time.sleep(0.5)  # noqa: ASYNC251 - CPU-bound work blocking the loop: the probe's deadline passes meanwhile

    async with asyncio.TaskGroup() as group:
        group.create_task(stall_the_loop())
        observation = await probe(runtime, web_server + "?delay=0.2")  # in time, had we not stalled
    assert observation.outcome == Outcome.DISCARDED and observation.reason == "loop_lag"
