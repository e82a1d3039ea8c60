"""/metrics shows each counter once: no ``_created`` series beside ``_total`` (prometheus_client adds one per
counter and histogram unless told not to, and it reads as a duplicate with the counter's HELP text)."""

from __future__ import annotations

from aiohttp.test_utils import TestClient, TestServer

from monitor.api import build_app
from monitor.clock import SystemClock
from monitor.inventory import Loaded
from monitor.model import Site
from monitor.runtime import Runtime
from monitor.settings import Settings

SITES = (
    Site(id="4300000001", name="湖南省人民政府门户网站", url="https://www.hunan.gov.cn/", region="省直"),
)


async def test_metrics_have_no_created_series(redis, keys, metrics):
    metrics.jobs.labels("availability", "ok").inc()
    metrics.job_seconds.labels("availability").observe(0.2)
    runtime = Runtime(Loaded(Settings(), SITES, (), (), ()), redis, keys, metrics, SystemClock(), "unused")
    client = TestClient(TestServer(build_app(runtime)))
    await client.start_server()
    try:
        text = await (await client.get("/metrics")).text()
    finally:
        await client.close()
    assert 'govmon_jobs_total{check="availability",outcome="ok"} 1.0' in text
    assert "govmon_job_duration_seconds_count" in text
    created = [line for line in text.splitlines() if "_created" in line]
    assert created == []
