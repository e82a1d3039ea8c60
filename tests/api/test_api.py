"""The HTTP interface dashboards and scripts use: /api/findings with its filters, /api/targets, /metrics,
/healthz (CONTRACT.md)."""

from __future__ import annotations

import datetime as dt

from aiohttp.test_utils import TestClient, TestServer

from monitor.api import build_app
from monitor.clock import SystemClock
from monitor.inventory import Loaded
from monitor.model import SHANGHAI, Finding, Severity, Site, Status
from monitor.runtime import Runtime
from monitor.settings import Settings

SITES = (
    Site(id="4300000001", name="湖南省人民政府门户网站", url="https://www.hunan.gov.cn/", region="省直"),
    Site(id="4305000001", name="邵阳市人民政府门户网站", url="https://www.shaoyang.gov.cn/", region="邵阳市"),
)


def finding(site: Site, status: Status) -> Finding:
    return Finding(target=site.id, target_kind="site", name=site.name, region=site.region, code="site.unreachable",
                   severity=Severity.VETO, status=status, message="…",
                   observed_at=dt.datetime(2026, 11, 24, 10, tzinfo=SHANGHAI), evidence={"url": site.url})  # fmt: skip


async def client_for(redis, keys, metrics) -> TestClient:
    runtime = Runtime(Loaded(Settings(), SITES, (), (), ()), redis, keys, metrics, SystemClock(), "unused")
    await runtime.findings().replace(SITES[0].id, [finding(SITES[0], Status.VIOLATION)])
    await runtime.findings().replace(SITES[1].id, [finding(SITES[1], Status.AT_RISK)])
    client = TestClient(TestServer(build_app(runtime)))
    await client.start_server()
    return client


async def test_findings_are_served_as_contract_json_and_filter_by_status(redis, keys, metrics):
    client = await client_for(redis, keys, metrics)
    try:
        everything = await (await client.get("/api/findings")).json()
        assert {f["target"] for f in everything} == {"4300000001", "4305000001"}
        assert everything[0]["observed_at"] == "2026-11-24T10:00:00+08:00"
        response = await client.get("/api/findings", params={"status": "at_risk"})
        assert [f["target"] for f in await response.json()] == ["4305000001"]
        assert (await client.get("/api/findings", params={"colour": "red"})).status == 400
    finally:
        await client.close()


async def test_targets_list_each_target_with_its_finding_count(redis, keys, metrics):
    client = await client_for(redis, keys, metrics)
    try:
        targets = await (await client.get("/api/targets")).json()
        assert {t["id"]: t["findings"] for t in targets} == {"4300000001": 1, "4305000001": 1}
    finally:
        await client.close()


async def test_metrics_count_findings_by_code_and_status_and_healthz_answers(redis, keys, metrics):
    client = await client_for(redis, keys, metrics)
    try:
        text = await (await client.get("/metrics")).text()
        assert 'govmon_findings{code="site.unreachable",severity="veto",status="violation"} 1.0' in text
        assert "govmon_queue_backlog 0.0" in text
        assert (await client.get("/healthz")).status == 200
    finally:
        await client.close()
