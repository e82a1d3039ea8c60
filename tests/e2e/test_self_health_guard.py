"""The self-health guard as a user sees it: with govmon's own network cut (every site and every control URL
failing), a running daemon judges no site unreachable, and says so in its metrics."""

from __future__ import annotations

import asyncio
import time

import pytest

from monitor.app import run_roles
from monitor.inventory import Loaded
from monitor.model import Site
from monitor.runtime import open_runtime
from monitor.settings import Settings

pytestmark = pytest.mark.slow
REFUSED = "127.0.0.1:9"  # the discard port: nothing listens, connections are refused at once


def cut_off_config() -> Loaded:
    settings = Settings.model_validate({
        "allow_private_networks": True,
        "resolve": {"www.changsha.gov.cn": "127.0.0.1", "www.gov.cn": "127.0.0.1", "www.hunan.gov.cn": "127.0.0.1"},
        "control_urls": ["http://www.gov.cn:9/", "http://www.hunan.gov.cn:9/"],
        "availability": {"probes_per_day": 345600, "min_probes": 10, "timeout_s": 1, "control_cache_s": 0.2},
        "engine": {"evaluate_interval_s": 0.5, "tick_s": 0.1},
    })  # fmt: skip
    sites = (
        Site(
            id="4301000000",
            name="长沙市人民政府门户网站",
            url="http://www.changsha.gov.cn:9/",
            region="长沙市",
        ),
    )
    return Loaded(settings, sites, (), (), ())


async def test_no_site_is_blamed_while_the_control_urls_fail_too(redis_url, keys, monkeypatch):
    monkeypatch.setenv("GOVMON_REDIS_URL", redis_url)
    async with open_runtime(cut_off_config(), keys=keys) as runtime:
        stop = asyncio.Event()
        daemon = asyncio.create_task(run_roles(runtime, ("scheduler", "worker"), stop, None))
        discarded_label = {"reason": "control_failed"}
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            value = runtime.metrics.registry.get_sample_value(
                "govmon_availability_probes_discarded_total", discarded_label
            )
            if (value or 0) >= 20:  # twice the samples a verdict needs
                break
            await asyncio.sleep(0.2)
        stop.set()
        await daemon
        assert (
            runtime.metrics.registry.get_sample_value(
                "govmon_availability_probes_discarded_total", discarded_label
            )
            >= 20
        )
        assert (
            runtime.metrics.registry.get_sample_value(
                "govmon_availability_probes_total", {"result": "failed"}
            )
            is None
        )
        assert await runtime.findings().query() == []
